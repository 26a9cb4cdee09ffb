package apigw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Definition is an imported OpenAPI 3 / Swagger 2 document, reduced to what
// API Gateway keeps: API settings and the resource tree with its methods.
// Resources have no ids yet; the Service assigns them.
type Definition struct {
	Title            string
	Description      string
	Version          string
	Policy           string
	EndpointTypes    []string
	BinaryMediaTypes []string
	APIKeySource     string
	Resources        []Resource // sorted by Path; always holds "/"
	// Authorizers are the security schemes with an
	// x-amazon-apigateway-authorizer, without ids yet; imported methods
	// name theirs by scheme name until the Service links them.
	Authorizers []Authorizer
	Warnings    []string
	DefinitionParts
}

// msgInvalidInput is API Gateway's answer to a body it cannot read as a
// definition (PutRestApi / ImportRestApi BadRequestException), as seen in a
// published terraform capture: "PutRestApi ... BadRequestException: Invalid OpenAPI input."
const msgInvalidInput = "Invalid OpenAPI input."

// ParseDefinition reads an OpenAPI 3 or Swagger 2 body: a generic map
// (intrinsics already resolved), or JSON/YAML bytes or string. Errors are
// *awserr.Error with code BadRequestException, worded as API Gateway's
// import words them.
func ParseDefinition(body any) (*Definition, error) {
	doc, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	sp, err := newSpec(doc)
	if err != nil {
		return nil, err
	}
	return sp.definition()
}

func badRequest(format string, args ...any) error {
	return awserr.New(awserr.BadRequestException, format, args...)
}

// decodeBody turns body into a map with string keys all the way down.
func decodeBody(body any) (map[string]any, error) {
	var raw any
	switch b := body.(type) {
	case nil:
		return nil, badRequest(msgInvalidInput)
	case []byte:
		v, err := decodeBytes(b)
		if err != nil {
			return nil, err
		}
		raw = v
	case json.RawMessage:
		return decodeBody([]byte(b))
	case string:
		return decodeBody([]byte(b))
	default:
		raw = b
	}
	m, ok := normalize(raw).(map[string]any)
	if !ok {
		return nil, badRequest(msgInvalidInput)
	}
	return m, nil
}

// decodeBytes reads JSON, else YAML (a superset, but slower and laxer about
// numbers, so JSON goes first).
func decodeBytes(b []byte) (any, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, badRequest(msgInvalidInput)
	}
	var v any
	if trimmed[0] == '{' {
		if err := json.Unmarshal(trimmed, &v); err == nil {
			return v, nil
		}
	}
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, badRequest(msgInvalidInput)
	}
	return v, nil
}

// normalize converts YAML's map[any]any (from non-string keys such as
// response codes) into map[string]any, recursively.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = normalize(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalize(e)
		}
		return out
	default:
		return v
	}
}

// spec is a decoded document and the facts that differ between versions.
type spec struct {
	doc      map[string]any
	swagger2 bool
	schemes  map[string]any // security schemes by name
	warnings []string
}

func newSpec(doc map[string]any) (*spec, error) {
	sp := &spec{doc: doc}
	var ok bool
	if sp.swagger2, sp.schemes, ok = DocumentKind(doc); !ok {
		return nil, badRequest(msgInvalidInput)
	}
	return sp, nil
}

func (sp *spec) definition() (*Definition, error) {
	info := mapAt(sp.doc, "info")
	d := &Definition{
		Title:       stringAt(info, "title"),
		Description: stringAt(info, "description"),
		Version:     stringAt(info, "version"),
	}
	if err := sp.apiExtensions(d); err != nil {
		return nil, err
	}
	if err := sp.parts(d); err != nil {
		return nil, err
	}
	tree := newImportTree()
	var errs []string
	for _, name := range slices.Sorted(maps.Keys(sp.schemes)) {
		sc, _ := sp.schemes[name].(map[string]any)
		ext := mapAt(sc, "x-amazon-apigateway-authorizer")
		if ext == nil {
			continue
		}
		a, err := authorizerFromScheme(name, sc, ext)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		d.Authorizers = append(d.Authorizers, *a)
	}
	paths := mapAt(sp.doc, "paths")
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		if !strings.HasPrefix(p, "/") {
			d.Warnings = append(d.Warnings, fmt.Sprintf("Path %q is ignored: a REST API resource path starts with '/'", p))
			continue
		}
		item, _ := paths[p].(map[string]any)
		res, err := tree.add(p)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		for _, key := range slices.Sorted(maps.Keys(item)) {
			verb, ok := httpVerb(key)
			if !ok {
				continue
			}
			op, _ := item[key].(map[string]any)
			m, err := sp.method(verb, res.Path, op)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			res.Methods[verb] = m
		}
	}
	if len(errs) > 0 {
		return nil, importErrors(errs)
	}
	d.Resources = tree.resources()
	d.Warnings = append(d.Warnings, sp.warnings...)
	return d, nil
}

// importErrors words import failures as API Gateway lists them, e.g.
// "Errors found during import:\n\tUnable to put integration on 'ANY' for
// resource at path '/': Invalid function ARN or invalid uri" (captured from a
// CloudFormation event of AWS::ApiGateway::RestApi).
func importErrors(errs []string) error {
	return badRequest("Errors found during import:\n\t%s", strings.Join(errs, "\n\t"))
}

// httpVerb maps a path item key to an API Gateway method; keys that are
// not operations (parameters, summary, servers, $ref, x-…) report false.
func httpVerb(key string) (string, bool) {
	switch strings.ToLower(key) {
	case "get", "put", "post", "delete", "options", "head", "patch":
		return strings.ToUpper(key), true
	case "x-amazon-apigateway-any-method":
		return MethodAny, true
	}
	return "", false
}

func (sp *spec) apiExtensions(d *Definition) error {
	if p, ok := sp.doc["x-amazon-apigateway-policy"]; ok && p != nil {
		s, err := policyString(p)
		if err != nil {
			return err
		}
		d.Policy = s
	}
	d.BinaryMediaTypes = stringsAt(sp.doc, "x-amazon-apigateway-binary-media-types")
	ec := mapAt(sp.doc, "x-amazon-apigateway-endpoint-configuration")
	d.EndpointTypes = stringsAt(ec, "types")
	if src := stringAt(sp.doc, "x-amazon-apigateway-api-key-source"); src != "" {
		switch src {
		case "HEADER", "AUTHORIZER":
			d.APIKeySource = src
		default:
			return badRequest("Errors found during import:\n\tInvalid value for x-amazon-apigateway-api-key-source: %s", src)
		}
	}
	return nil
}

// policyString keeps a policy given as a JSON string, or encodes one given
// as an object (how SAM and most templates write it).
func policyString(p any) (string, error) {
	if s, ok := p.(string); ok {
		if !json.Valid([]byte(s)) {
			return "", badRequest("Errors found during import:\n\tInvalid policy document. Please check the policy syntax and ensure that Principals are valid.")
		}
		return s, nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", badRequest(msgInvalidInput)
	}
	return string(b), nil
}

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func stringAt(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case nil:
		return ""
	case map[string]any, []any:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func stringsAt(m map[string]any, key string) []string {
	list, _ := m[key].([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
