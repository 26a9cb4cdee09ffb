package sam

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Cors on AWS::Serverless::Api adds, to every path of the definition that
// has no OPTIONS method, the mock OPTIONS method API Gateway's CORS guide
// describes, as the translator's ApiGenerator._add_cors and
// SwaggerEditor.add_cors do (samtranslator/model/api/api_generator.py,
// swagger/swagger.py). It runs before Auth, whose AddDefaultAuthorizerToCorsPreflight
// then sees these methods.

const corsWildcard = "'*'"

var corsKeys = []string{"AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials"}

// allHTTPMethods is the translator's BaseEditor._ALL_HTTP_METHODS, used for
// a path with an ANY method.
var allHTTPMethods = []string{"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}

type corsProps struct {
	allowMethods, allowHeaders, allowOrigin, maxAge any
	allowCredentials                                bool
}

func (x *translator) addCors(id string, p map[string]any, body map[string]any) *samError {
	cors := p["Cors"]
	if !truthy(cors) {
		return nil
	}
	if body == nil {
		return resourceError(id, "Cors works only with inline Swagger specified in 'DefinitionBody' property.")
	}
	props := corsProps{allowOrigin: corsWildcard}
	switch c := cors.(type) {
	case string:
		props.allowOrigin = c
	case map[string]any:
		if isIntrinsic(c) {
			props.allowOrigin = c
			break
		}
		for k := range c {
			if !slices.Contains(corsKeys, k) {
				return resourceError(id, fmt.Sprintf("Invalid key '%s' for 'Cors' property.", k))
			}
		}
		props.allowMethods, props.allowHeaders, props.maxAge = c["AllowMethods"], c["AllowHeaders"], c["MaxAge"]
		if o, has := c["AllowOrigin"]; has {
			props.allowOrigin = o
		}
		props.allowCredentials = c["AllowCredentials"] == true
	default:
		// The translator's property types refuse anything else first.
		return resourceError(id, "Type of property 'Cors' is invalid.")
	}
	if !isValidSwagger(body) {
		return resourceError(id, "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid Swagger definition.")
	}
	if props.allowCredentials && props.allowOrigin == corsWildcard {
		return resourceError(id, "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set")
	}
	paths := body["paths"].(map[string]any)
	// API Gateway treats /path and /path/ as one resource: one OPTIONS each.
	done := map[string]bool{}
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		norm := path
		if path != "/" {
			norm = strings.TrimRight(path, "/")
		}
		if done[norm] {
			continue
		}
		done[norm] = true
		if err := addPathCors(paths[path], props); err != nil {
			return resourceError(id, err.Error())
		}
	}
	return nil
}

// addPathCors adds the OPTIONS method to each content of a path item.
func addPathCors(item any, props corsProps) error {
	methods := props.allowMethods
	for _, c := range conditionalContents(item) {
		pi, ok := c.(map[string]any)
		if !ok {
			return fmt.Errorf("Value of '%v' path must be a dictionary according to Swagger spec.", c)
		}
		if _, has := pi["options"]; has {
			continue
		}
		if !truthy(props.allowOrigin) {
			return fmt.Errorf("Structure of the SAM template is invalid. Invalid input. Value for AllowedOrigins is required")
		}
		if !truthy(methods) {
			methods = "'" + corsAllowedMethods(pi) + "'"
		}
		pi["options"] = corsOptionsMethod(props, methods)
	}
	return nil
}

// corsAllowedMethods lists the path item's methods (every key, as the
// translator takes them), OPTIONS included, upper-cased and sorted; all of
// them for ANY.
func corsAllowedMethods(pi map[string]any) string {
	set := map[string]bool{}
	if _, any := pi["x-amazon-apigateway-any-method"]; any {
		for _, m := range allHTTPMethods {
			set[m] = true
		}
	} else {
		for k := range pi {
			set[strings.ToUpper(k)] = true
		}
		set["OPTIONS"] = true
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), ",")
}

func corsOptionsMethod(props corsProps, methods any) map[string]any {
	const prefix = "method.response.header."
	params := map[string]any{prefix + "Access-Control-Allow-Origin": props.allowOrigin}
	headers := map[string]any{"Access-Control-Allow-Origin": map[string]any{"type": "string"}}
	if truthy(props.allowHeaders) {
		params[prefix+"Access-Control-Allow-Headers"] = props.allowHeaders
		headers["Access-Control-Allow-Headers"] = map[string]any{"type": "string"}
	}
	if truthy(methods) {
		params[prefix+"Access-Control-Allow-Methods"] = methods
		headers["Access-Control-Allow-Methods"] = map[string]any{"type": "string"}
	}
	if props.maxAge != nil {
		params[prefix+"Access-Control-Max-Age"] = props.maxAge
		headers["Access-Control-Max-Age"] = map[string]any{"type": "integer"}
	}
	if props.allowCredentials {
		params[prefix+"Access-Control-Allow-Credentials"] = "'true'"
		headers["Access-Control-Allow-Credentials"] = map[string]any{"type": "string"}
	}
	return map[string]any{
		"summary":  "CORS support",
		"consumes": []any{"application/json"},
		"produces": []any{"application/json"},
		integrationKey: map[string]any{
			"type":             "mock",
			"requestTemplates": map[string]any{"application/json": "{\n  \"statusCode\" : 200\n}\n"},
			"responses": map[string]any{"default": map[string]any{
				"statusCode":         "200",
				"responseParameters": params,
				"responseTemplates":  map[string]any{"application/json": "{}\n"},
			}},
		},
		"responses": map[string]any{"200": map[string]any{
			"description": "Default response for CORS method",
			"headers":     headers,
		}},
	}
}
