package cli

import (
	"fmt"
	"os"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// samConfig is the part of samconfig.toml iamgate reads:
// [default.deploy.parameters] (and [default.global.parameters]).
type samConfig struct {
	StackName          string
	S3Bucket           string
	S3Prefix           string
	ResolveS3          bool
	Region             string
	Capabilities       []string
	ParameterOverrides map[string]string
}

func readSAMConfig(path string) (samConfig, error) { return readSAMConfigSection(path, "deploy") }

// readSAMConfigSection reads [default.global.parameters] then
// [default.{command}.parameters] over it, as sam does for each command.
func readSAMConfigSection(path, command string) (samConfig, error) {
	var c samConfig
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	env, _ := doc["default"].(map[string]any)
	for _, section := range []string{"global", command} {
		s, _ := env[section].(map[string]any)
		params, _ := s["parameters"].(map[string]any)
		if err := c.merge(params); err != nil {
			return c, fmt.Errorf("%s: [default.%s.parameters]: %w", path, section, err)
		}
	}
	return c, nil
}

func (c *samConfig) merge(p map[string]any) error {
	if v, ok := p["stack_name"].(string); ok {
		c.StackName = v
	}
	if v, ok := p["s3_bucket"].(string); ok {
		c.S3Bucket = v
	}
	if v, ok := p["resolve_s3"].(bool); ok {
		c.ResolveS3 = v
	}
	if v, ok := p["s3_prefix"].(string); ok {
		c.S3Prefix = v
	}
	if v, ok := p["region"].(string); ok {
		c.Region = v
	}
	if v, ok := p["capabilities"]; ok {
		c.Capabilities = stringsOf(v)
	}
	if v, ok := p["parameter_overrides"]; ok {
		m, err := parseOverrides(stringsOf(v))
		if err != nil {
			return err
		}
		c.ParameterOverrides = m
	}
	return nil
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return splitShell(x)
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, splitShell(s)...)
			}
		}
		return out
	}
	return nil
}

// splitShell splits on spaces outside double or single quotes, as sam does
// for parameter_overrides = "A=1 B=\"x y\"".
func splitShell(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
		case quote == 0 && (r == ' ' || r == '\t' || r == '\n'):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// parseOverrides reads Key=Value pairs (also ParameterKey=K,ParameterValue=V).
func parseOverrides(list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, item := range list {
		if strings.HasPrefix(item, "ParameterKey=") {
			k, v, ok := strings.Cut(strings.TrimPrefix(item, "ParameterKey="), ",ParameterValue=")
			if !ok {
				return nil, fmt.Errorf("parameter override %q: want ParameterKey=K,ParameterValue=V", item)
			}
			out[k] = v
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("parameter override %q: want Key=Value", item)
		}
		out[k] = v
	}
	return out, nil
}
