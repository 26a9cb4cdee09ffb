package sam

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// This file edits Swagger 2.0 / OpenAPI 3 bodies the way the translator's
// SwaggerEditor does. Paths and methods may be wrapped in Fn::If, so every
// edit goes through conditionalContents.

const integrationKey = "x-amazon-apigateway-integration"

var greedyPath = regexp.MustCompile(`{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)}`)

// isValidSwagger reports whether body is a Swagger 2 or OpenAPI 3.x document
// with a paths map.
func isValidSwagger(body any) bool {
	m, ok := body.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	if _, ok := m["paths"].(map[string]any); !ok {
		return false
	}
	if truthy(m["swagger"]) {
		return true
	}
	if truthy(m["openapi"]) {
		s, ok := m["openapi"].(string)
		return ok && openAPI3.MatchString(s)
	}
	return false
}

// normalizeMethod lower-cases a method; ANY becomes x-amazon-apigateway-any-method.
func normalizeMethod(m string) string {
	m = strings.ToLower(m)
	if m == "any" {
		return "x-amazon-apigateway-any-method"
	}
	return m
}

// conditionalContents returns the values an item may take: both branches of
// an Fn::If (minus AWS::NoValue), or the item itself.
func conditionalContents(item any) []any {
	m, ok := item.(map[string]any)
	if !ok {
		return []any{item}
	}
	args, has := m["Fn::If"]
	if !has {
		return []any{item}
	}
	list, _ := args.([]any)
	var out []any
	for i, v := range list {
		if i == 0 || isNoValue(v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// methodDefs yields the method objects at path/method, skipping those
// without an API Gateway integration.
func methodDefs(body map[string]any, path, method string) []map[string]any {
	paths, _ := body["paths"].(map[string]any)
	var out []map[string]any
	for _, item := range conditionalContents(paths[path]) {
		im, _ := item.(map[string]any)
		for _, md := range conditionalContents(im[normalizeMethod(method)]) {
			mm, ok := md.(map[string]any)
			if ok && truthy(mm[integrationKey]) {
				out = append(out, mm)
			}
		}
	}
	return out
}

// hasIntegration reports whether every branch of path/method already has an
// integration.
func hasIntegration(body map[string]any, path, method string) bool {
	paths, _ := body["paths"].(map[string]any)
	item, ok := paths[path]
	if !ok {
		return false
	}
	m := normalizeMethod(method)
	for _, pi := range conditionalContents(item) {
		pm, ok := pi.(map[string]any)
		if !ok {
			return false
		}
		md, has := pm[m]
		if !has {
			return false
		}
		found := false
		for _, d := range conditionalContents(md) {
			if dm, ok := d.(map[string]any); ok && truthy(dm[integrationKey]) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// integration describes the aws_proxy integration an Api event adds.
type integration struct {
	uri        any
	methodAuth map[string]any
	apiAuth    map[string]any
	condition  string
}

func (x *translator) addLambdaIntegration(body map[string]any, path, method string, in integration) error {
	m := normalizeMethod(method)
	if hasIntegration(body, path, method) {
		return fmt.Errorf("Lambda integration already exists on Path=%s, Method=%s", path, m)
	}
	paths := body["paths"].(map[string]any)
	if _, has := paths[path]; !has {
		paths[path] = map[string]any{}
	}
	uri := in.uri
	if in.condition != "" {
		uri = makeConditional(in.condition, uri)
	}
	for _, pi := range conditionalContents(paths[path]) {
		pm, ok := pi.(map[string]any)
		if !ok {
			return fmt.Errorf("Value of '%s' path must be a dictionary according to Swagger spec.", path)
		}
		md, _ := pm[m].(map[string]any)
		if md == nil {
			md = map[string]any{}
		}
		integ := map[string]any{"type": "aws_proxy", "httpMethod": "POST", "uri": uri}
		if cred := x.integrationCredentials(in.methodAuth, in.apiAuth); cred != nil {
			integ["credentials"] = cred
		}
		md[integrationKey] = integ
		if _, has := md["responses"]; !has {
			md["responses"] = map[string]any{}
		}
		pm[m] = md
		if in.condition != "" {
			pm[m] = makeConditional(in.condition, md)
		}
	}
	return nil
}

// integrationCredentials is the role API Gateway invokes the function with
// for an AWS_IAM method: the caller's own credentials unless InvokeRole says
// otherwise.
func (x *translator) integrationCredentials(methodAuth, apiAuth map[string]any) any {
	iamMethod := methodAuth["Authorizer"] == "AWS_IAM"
	iamDefault := apiAuth["DefaultAuthorizer"] == "AWS_IAM" && len(methodAuth) == 0
	if !iamMethod && !iamDefault {
		return nil
	}
	role := invokeRole(methodAuth)
	if role == nil {
		role = invokeRole(apiAuth)
	}
	if role == nil || role == "CALLER_CREDENTIALS" {
		return "arn:" + x.opts.Partition + ":iam::*:user/*"
	}
	if role == "NONE" {
		return nil
	}
	return role
}

// invokeRole reads InvokeRole; present but empty means NONE.
func invokeRole(auth map[string]any) any {
	v, has := auth["InvokeRole"]
	if !has {
		return nil
	}
	if !truthy(v) {
		return "NONE"
	}
	return v
}

// methodsOfPath yields (method name, definition) for every method with an
// integration at path.
func methodsOfPath(body map[string]any, path string) ([]string, []map[string]any) {
	paths, _ := body["paths"].(map[string]any)
	var names []string
	var defs []map[string]any
	for _, pi := range conditionalContents(paths[path]) {
		pm, _ := pi.(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(pm)) {
			if name == "summary" || name == "description" || name == "parameters" {
				continue
			}
			for _, d := range conditionalContents(pm[name]) {
				dm, ok := d.(map[string]any)
				if ok && truthy(dm[integrationKey]) {
					names = append(names, normalizeMethod(name))
					defs = append(defs, dm)
				}
			}
		}
	}
	return names, defs
}

func securityDefs(body map[string]any) map[string]any {
	sd, _ := body["securityDefinitions"].(map[string]any)
	if sd == nil {
		sd = map[string]any{}
		body["securityDefinitions"] = sd
	}
	return sd
}

func addAWSIAMSecurityDefinition(body map[string]any) {
	sd := securityDefs(body)
	if _, has := sd["AWS_IAM"]; !has {
		sd["AWS_IAM"] = awsIAMScheme()
	}
}

// awsIAMScheme is the security scheme API Gateway reads as SigV4 auth.
func awsIAMScheme() map[string]any {
	return map[string]any{
		"x-amazon-apigateway-authtype": "awsSigv4", "type": "apiKey", "name": "Authorization", "in": "header",
	}
}

func securityList(md map[string]any, path, method string) ([]any, error) {
	v, has := md["security"]
	if !has {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("Type of security for path %s method %s must be a list", path, method)
	}
	return list, nil
}

// setPathDefaultAuthorizer applies the API's DefaultAuthorizer to every
// method of path that does not name its own authorizer or NONE.
func setPathDefaultAuthorizer(body map[string]any, path, def string, authorizers map[string]any, preflight bool) error {
	names, defs := methodsOfPath(body, path)
	for i, md := range defs {
		if !preflight && names[i] == "options" {
			continue
		}
		known := map[string]bool{"AWS_IAM": true}
		for k := range authorizers {
			known[k] = true
		}
		existing, err := securityList(md, path, names[i])
		if err != nil {
			return err
		}
		var other, auth []any
		for _, s := range existing {
			sm, ok := s.(map[string]any)
			if !ok {
				return fmt.Errorf("%v in Security for path %s method %s is not a valid dictionary.", s, path, names[i])
			}
			if disjoint(sm, known) {
				other = append(other, sm)
			} else {
				auth = append(auth, sm)
			}
		}
		noneIdx := -1
		for j, s := range other {
			if _, has := s.(map[string]any)["NONE"]; has {
				noneIdx = j
				break
			}
		}
		switch {
		case noneIdx > -1:
			other = append(other[:noneIdx:noneIdx], other[noneIdx+1:]...)
			auth = nil
		case len(auth) > 0:
		default:
			auth = []any{map[string]any{def: authorizationScopes(authorizers, def)}}
		}
		sec := append(append([]any{}, other...), auth...)
		if len(sec) > 0 {
			md["security"] = sec
			if _, has := sec[0].(map[string]any)["AWS_IAM"]; has {
				addAWSIAMSecurityDefinition(body)
			}
		}
	}
	return nil
}

func disjoint(m map[string]any, names map[string]bool) bool {
	for k := range m {
		if names[k] {
			return false
		}
	}
	return true
}

func authorizationScopes(authorizers map[string]any, name string) []any {
	a, _ := authorizers[name].(map[string]any)
	if s, ok := a["AuthorizationScopes"].([]any); ok {
		return s
	}
	return []any{}
}

// setMethodAuthorizer adds an event's own Authorizer to its method.
func setMethodAuthorizer(body map[string]any, path, method, name string, authorizers map[string]any, scopes any) error {
	for _, md := range methodDefs(body, path, method) {
		entry := map[string]any{name: []any{}}
		existing, err := securityList(md, path, method)
		if err != nil {
			return err
		}
		if name != "NONE" && len(authorizers) > 0 {
			a, _ := authorizers[name].(map[string]any)
			var s any
			if a != nil {
				s = a["AuthorizationScopes"]
			}
			if scopes != nil {
				s = scopes
			}
			if a != nil && s != nil {
				entry[name] = s
			}
		}
		sec := append(append([]any{}, existing...), entry)
		md["security"] = sec
		if _, has := sec[0].(map[string]any)["AWS_IAM"]; has {
			addAWSIAMSecurityDefinition(body)
		}
	}
	return nil
}

// setMethodAPIKey marks one method as requiring (or explicitly not
// requiring) an API key.
func setMethodAPIKey(body map[string]any, path, method string, required bool) {
	for _, md := range methodDefs(body, path, method) {
		existing, _ := md["security"].([]any)
		key := "api_key_false"
		if required {
			key = "api_key"
			addAPIKeySecurityDefinition(body)
		}
		md["security"] = append(append([]any{}, existing...), map[string]any{key: []any{}})
	}
}

func addAPIKeySecurityDefinition(body map[string]any) {
	sd := securityDefs(body)
	if _, has := sd["api_key"]; !has {
		sd["api_key"] = map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"}
	}
}

// setPathDefaultAPIKey applies Auth.ApiKeyRequired to every method of path.
func setPathDefaultAPIKey(body map[string]any, path string, options bool) {
	names, defs := methodsOfPath(body, path)
	for i, md := range defs {
		existing, _ := md["security"].([]any)
		var other, keys []any
		for _, s := range existing {
			sm, _ := s.(map[string]any)
			_, a := sm["api_key"]
			_, f := sm["api_key_false"]
			if a || f {
				keys = append(keys, sm)
			} else {
				other = append(other, sm)
			}
		}
		falseIdx := -1
		for j, s := range keys {
			if _, has := s.(map[string]any)["api_key_false"]; has {
				falseIdx = j
				break
			}
		}
		var add []any
		if falseIdx < 0 {
			add = []any{map[string]any{"api_key": []any{}}}
		}
		sec := append(append([]any{}, other...), add...)
		if names[i] == "options" && !options {
			sec = append([]any{}, other...)
		}
		if canonicalJSON(sec) != canonicalJSON(existing) {
			md["security"] = sec
		}
	}
}

// openAPIPostprocess moves Swagger 2 sections to their OpenAPI 3 places when
// the body (or OpenApiVersion) is 3.x. Note that an existing
// components.securitySchemes is replaced, not merged, as the translator does.
func openAPIPostprocess(body map[string]any, openAPIVersion any) map[string]any {
	if body["swagger"] != nil {
		return body
	}
	version := openAPIVersion
	if body["openapi"] != nil && openAPIVersion == nil {
		version = body["openapi"]
	}
	s, ok := version.(string)
	if !ok || !openAPI3.MatchString(s) {
		return body
	}
	if truthy(body["securityDefinitions"]) {
		comp, _ := body["components"].(map[string]any)
		if comp == nil {
			comp = map[string]any{}
		}
		comp["securitySchemes"] = body["securityDefinitions"]
		body["components"] = comp
		delete(body, "securityDefinitions")
	}
	if truthy(body["definitions"]) {
		comp, _ := body["components"].(map[string]any)
		if comp == nil {
			comp = map[string]any{}
		}
		comp["schemas"] = body["definitions"]
		body["components"] = comp
		delete(body, "definitions")
	}
	paths, _ := body["paths"].(map[string]any)
	for _, item := range paths {
		im, _ := item.(map[string]any)
		opts, _ := im["options"].(map[string]any)
		if opts == nil {
			continue
		}
		delete(opts, "produces")
		delete(opts, "consumes")
		resp, _ := opts["responses"].(map[string]any)
		ok200, _ := resp["200"].(map[string]any)
		headers, _ := ok200["headers"].(map[string]any)
		for h, v := range headers {
			headers[h] = map[string]any{"schema": v}
		}
	}
	return body
}

// pathForArn strips a trailing slash and turns greedy path parameters into
// "*", as the execute-api ARN in a Lambda permission needs.
func pathForArn(path string) string {
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		path = strings.TrimSuffix(path, "/")
	}
	return greedyPath.ReplaceAllString(path, "*")
}
