package sam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// AutoPublishAlias and FunctionUrlConfig, as SamFunction.to_cloudformation
// generates them (samtranslator/model/sam_resources.py: _construct_version,
// _construct_alias, _construct_function_url, _construct_url_permission,
// _construct_invoke_permission):
//   - {Fn}Version{hash}: AWS::Lambda::Version of the function, DeletionPolicy
//     Retain; the hash (10 hex digits of SHA-1) covers the code location with
//     parameter Refs resolved, Environment, MemorySize and SnapStart (or all
//     properties with AutoPublishAliasAllProperties), or is the given
//     AutoPublishCodeSha256, so a new deployment publishes a new version;
//   - {Fn}Alias{Name}: AWS::Lambda::Alias to that version; event sources and
//     the URL then target the alias;
//   - {Fn}Url: AWS::Lambda::Url, with {Fn}UrlPublicPermissions and
//     {Fn}URLInvokeAllowPublicAccess for AuthType NONE.

var aliasNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-_]+$`)

// functionAlias returns the Version and Alias of a function with
// AutoPublishAlias, or nothing.
func (x *translator) functionAlias(id string, fn resource, p, pass map[string]any) ([]resource, *samError) {
	if !truthy(p["AutoPublishAlias"]) {
		return nil, nil
	}
	name, ok := x.resolveParams(p["AutoPublishAlias"]).(string)
	if !ok {
		return nil, resourceError(id, "'AutoPublishAlias' must be a string or a Ref to a template parameter")
	}
	var codeSha any
	if p["AutoPublishCodeSha256"] != nil {
		s, ok := x.resolveParams(p["AutoPublishCodeSha256"]).(string)
		if !ok {
			return nil, resourceError(id, "AutoPublishCodeSha256 must be a string")
		}
		codeSha = s
		// The translator appends the hash to the function's Description so
		// that a code-only change still changes the function.
		switch d := x.resolveParams(p["Description"]).(type) {
		case nil:
			fn.set("Description", s)
		case string:
			if d == "" {
				fn.props["Description"] = s
			} else {
				fn.props["Description"] = d + " " + s
			}
		default:
			fn.props["Description"] = map[string]any{"Fn::Join": []any{" ", []any{d, s}}}
		}
	}
	version := x.functionVersion(id, fn, p, pass, codeSha)
	if name == "" {
		return nil, resourceError(id, "Alias name is required to create an alias")
	}
	if !aliasNameRE.MatchString(name) || IsAllDigits(name) {
		return nil, resourceError(id, fmt.Sprintf("AutoPublishAlias name ('%s') must contain only alphanumeric characters, hyphens, or underscores matching (?!^[0-9]+$)([a-zA-Z0-9-_]+) pattern.", name))
	}
	aliasID := id + "Alias" + strings.NewReplacer("-", "D", "_", "U").Replace(name)
	alias := newResource(aliasID, "AWS::Lambda::Alias", pass)
	alias.set("Name", name)
	alias.set("FunctionName", ref(id))
	alias.set("FunctionVersion", getAtt(version.id, "Version"))
	alias.set("ProvisionedConcurrencyConfig", p["ProvisionedConcurrencyConfig"])
	x.derive(id, "Alias", aliasID)
	x.derive(id, "Version", version.id)
	return []resource{version, alias}, nil
}

// IsAllDigits reports whether s is a version number rather than a name.
func IsAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (x *translator) functionVersion(id string, fn resource, p, pass map[string]any, codeSha any) resource {
	var logical map[string]any
	if truthy(p["AutoPublishAliasAllProperties"]) {
		logical = copyMap(fn.props)
		x.addPublishedLayers(logical, fn.props["Layers"])
	} else {
		code, _ := x.resolveParams(fn.props["Code"]).(map[string]any)
		logical = copyMap(code)
		if env, ok := fn.props["Environment"].(map[string]any); ok {
			for k, v := range env {
				logical[k] = v
			}
		}
		if truthy(fn.props["MemorySize"]) {
			logical["MemorySize"] = fn.props["MemorySize"]
		}
		if ss, ok := fn.props["SnapStart"].(map[string]any); ok {
			if on, has := ss["ApplyOn"]; has && on != "None" {
				logical["SnapStart"] = ss
			}
		}
	}
	suffix := ""
	if s, ok := codeSha.(string); ok && s != "" {
		suffix = s[:min(10, len(s))]
	} else if len(logical) > 0 {
		suffix = hashID(pyJSON(logical), 10)
	}
	attrs := copyMap(pass)
	if attrs["DeletionPolicy"] == nil {
		attrs["DeletionPolicy"] = "Retain"
		if p["VersionDeletionPolicy"] != nil {
			attrs["DeletionPolicy"] = p["VersionDeletionPolicy"]
		}
	}
	v := newResource(id+"Version"+suffix, "AWS::Lambda::Version", attrs)
	v.set("FunctionName", ref(id))
	v.set("Description", p["VersionDescription"])
	return v
}

// addPublishedLayers folds the properties of layers with
// PublishLambdaVersion into the hash input, as the translator does, so a new
// layer version publishes a new function version.
func (x *translator) addPublishedLayers(logical map[string]any, layers any) {
	list, _ := layers.([]any)
	for _, l := range list {
		m, _ := l.(map[string]any)
		id, _ := m["Ref"].(string)
		if id == "" {
			continue
		}
		r, _ := x.res[id].(map[string]any)
		lp, _ := r["Properties"].(map[string]any)
		if lp != nil && lp["PublishLambdaVersion"] == true {
			logical[id] = lp
		}
	}
}

// pyJSON is Python's json.dumps(v, separators=(",", ":"), sort_keys=True):
// no HTML escaping, non-ASCII as \uXXXX.
func pyJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	var out strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r < 0x80:
			out.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	return out.String()
}

// target is what event sources and the URL invoke: the alias when there is
// one ({"Ref": alias}, its ARN), else the function.
type target struct {
	fid   string
	alias string
}

func (t target) name() any {
	if t.alias != "" {
		return ref(t.alias)
	}
	return ref(t.fid)
}

// arn is the target's ARN: the alias's Ref, else the function's Arn.
func (t target) arn() any {
	if t.alias != "" {
		return ref(t.alias)
	}
	return getAtt(t.fid, "Arn")
}

// arnSub is the target's ARN inside a Fn::Sub string.
func (t target) arnSub() string {
	if t.alias != "" {
		return "${" + t.alias + "}"
	}
	return "${" + t.fid + ".Arn}"
}

var urlCorsTypes = map[string]string{
	"AllowOrigins": "list", "AllowMethods": "list", "AllowCredentials": "bool",
	"AllowHeaders": "list", "ExposeHeaders": "list", "MaxAge": "int",
}

// functionURL converts FunctionUrlConfig.
func (x *translator) functionURL(id string, t target, p, pass map[string]any) ([]resource, *samError) {
	if p["FunctionUrlConfig"] == nil {
		return nil, nil
	}
	cfg, _ := p["FunctionUrlConfig"].(map[string]any)
	literal := cfg != nil && !isIntrinsic(cfg)
	if literal {
		auth := cfg["AuthType"]
		if !isIntrinsic(auth) && auth != "AWS_IAM" && auth != "NONE" {
			return nil, resourceError(id, "AuthType is required to configure function property `FunctionUrlConfig`. Please provide either AWS_IAM or NONE.")
		}
		if cors, ok := cfg["Cors"].(map[string]any); ok && !isIntrinsic(cors) {
			for k, v := range cors {
				typ, known := urlCorsTypes[k]
				if !known {
					return nil, resourceError(id, k+" is not a valid property for configuring Cors.")
				}
				if !isIntrinsic(v) && !hasType(v, typ) {
					return nil, resourceError(id, fmt.Sprintf("%s must be of type %s.", k, typ))
				}
			}
		}
	}
	url := newResource(id+"Url", "AWS::Lambda::Url", pass)
	if truthy(cfg["Cors"]) {
		url.set("Cors", cfg["Cors"])
	}
	url.set("AuthType", cfg["AuthType"])
	url.set("TargetFunctionArn", t.name())
	url.set("InvokeMode", cfg["InvokeMode"])
	out := []resource{url}
	if literal && cfg["AuthType"] == "NONE" {
		pub := newResource(id+"UrlPublicPermissions", "AWS::Lambda::Permission", pass)
		pub.set("Action", "lambda:InvokeFunctionUrl")
		pub.set("FunctionName", t.name())
		pub.set("Principal", "*")
		pub.set("FunctionUrlAuthType", "NONE")
		inv := newResource(id+"URLInvokeAllowPublicAccess", "AWS::Lambda::Permission", pass)
		inv.set("Action", "lambda:InvokeFunction")
		inv.set("Principal", "*")
		inv.set("FunctionName", t.name())
		inv.set("InvokedViaFunctionUrl", true)
		out = append(out, pub, inv)
	}
	return out, nil
}

func hasType(v any, typ string) bool {
	switch typ {
	case "list":
		_, ok := v.([]any)
		return ok
	case "bool":
		_, ok := v.(bool)
		return ok
	case "int":
		switch v.(type) {
		case int, int64, float64:
			return true
		}
	}
	return false
}
