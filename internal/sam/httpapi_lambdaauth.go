package sam

import (
	"fmt"
	"maps"
	"slices"
)

// Lambda (REQUEST) authorizers of an AWS::Serverless::HttpApi, as the
// translator's ApiGatewayV2Authorizer writes them: a securityScheme with
// x-amazon-apigateway-authorizer {type: request, authorizerUri,
// authorizerPayloadFormatVersion, identitySource, ...}, and an
// AWS::Lambda::Permission for {api}/authorizers/* only when
// EnableFunctionDefaultPermissions is true (HttpApiGenerator.
// _construct_authorizer_lambda_permission).

// v2AuthorizerProps are the properties each authorizer kind accepts, in
// the order the translator checks them (PROPERTY_DISPLAY).
var v2AuthorizerProps = []struct{ name, kind, hint string }{
	{"AuthorizationScopes", "jwt", "OAuth2 Authorizer"},
	{"JwtConfiguration", "jwt", "OAuth2 Authorizer"},
	{"IdentitySource", "jwt", "OAuth2 Authorizer. For Lambda Authorizer, use the 'Identity' property instead"},
	{"FunctionArn", "lambda", "Lambda Authorizer"},
	{"FunctionInvokeRole", "lambda", "Lambda Authorizer"},
	{"Identity", "lambda", "Lambda Authorizer"},
	{"AuthorizerPayloadFormatVersion", "lambda", "Lambda Authorizer"},
	{"EnableSimpleResponses", "lambda", "Lambda Authorizer"},
	{"EnableFunctionDefaultPermissions", "lambda", "Lambda Authorizer"},
}

// checkV2Authorizer applies the translator's checks of one authorizer.
func checkV2Authorizer(id, name string, a map[string]any) *samError {
	kind := "lambda"
	if truthy(a["JwtConfiguration"]) {
		kind = "jwt"
	}
	if s, has := a["AuthorizationScopes"]; has && s != nil {
		if _, ok := s.([]any); !ok {
			return resourceError(id, "AuthorizationScopes must be a list.")
		}
	}
	for _, p := range v2AuthorizerProps {
		if v, has := a[p.name]; has && v != nil && p.kind != kind {
			return resourceError(id, fmt.Sprintf("%s is only supported for %s.", p.name, p.hint))
		}
	}
	if kind == "lambda" {
		if !truthy(a["FunctionArn"]) {
			return resourceError(id, name+" Lambda Authorizer must define 'FunctionArn'.")
		}
		if !truthy(a["AuthorizerPayloadFormatVersion"]) {
			return resourceError(id, name+" Lambda Authorizer must define 'AuthorizerPayloadFormatVersion'.")
		}
	}
	if v, has := a["EnableFunctionDefaultPermissions"]; has && v != nil {
		if _, ok := v.(bool); !ok {
			return resourceError(id, fmt.Sprintf("Property 'Authorizers.%s.EnableFunctionDefaultPermissions' should be a boolean.", name))
		}
	}
	return nil
}

// lambdaOpenAPI is a Lambda authorizer's security scheme.
func (x *translator) lambdaOpenAPI(id, name string, a map[string]any) (map[string]any, *samError) {
	ext := map[string]any{"type": "request",
		"authorizerUri": fnSub("arn:"+x.opts.Partition+":apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations",
			map[string]any{"__FunctionArn__": a["FunctionArn"]})}
	if role := a["FunctionInvokeRole"]; truthy(role) && role != "NONE" {
		ext["authorizerCredentials"] = role
	}
	if identity := a["Identity"]; truthy(identity) {
		im, ok := identity.(map[string]any)
		if !ok {
			return nil, resourceError(id, fmt.Sprintf("Property 'Auth.Authorizers.%s.Identity' should be a map.", name))
		}
		if ttl, has := im["ReauthorizeEvery"]; has && ttl != nil {
			ext["authorizerResultTtlInSeconds"] = ttl
		}
		sources := []any{}
		for _, kp := range [][2]string{{"$request.header.", "Headers"}, {"$request.querystring.", "QueryStrings"},
			{"$stageVariables.", "StageVariables"}, {"$context.", "Context"}} {
			v := im[kp[1]]
			if !truthy(v) {
				continue
			}
			path := fmt.Sprintf("Authorizers.%s.Identity.%s", name, kp[1])
			list, ok := v.([]any)
			if !ok {
				return nil, resourceError(id, fmt.Sprintf("Property '%s' should be a list.", path))
			}
			for i, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, resourceError(id, fmt.Sprintf("Property '%s[%d]' should be a string.", path, i))
				}
				sources = append(sources, kp[0]+s)
			}
		}
		ext["identitySource"] = sources
	}
	ext["authorizerPayloadFormatVersion"] = a["AuthorizerPayloadFormatVersion"]
	if truthy(a["EnableSimpleResponses"]) {
		ext["enableSimpleResponses"] = a["EnableSimpleResponses"]
	}
	return map[string]any{"type": "apiKey", "name": "Unused", "in": "header", "x-amazon-apigateway-authorizer": ext}, nil
}

// httpAuthorizerPermissions lets API Gateway invoke the functions of the
// Lambda authorizers that ask for it.
func (x *translator) httpAuthorizerPermissions(id string, r, p map[string]any) []resource {
	auth, _ := x.resolveParams(p["Auth"]).(map[string]any)
	list, _ := auth["Authorizers"].(map[string]any)
	var out []resource
	for _, name := range slices.Sorted(maps.Keys(list)) {
		a, _ := list[name].(map[string]any)
		if !truthy(a["FunctionArn"]) || a["EnableFunctionDefaultPermissions"] != true {
			continue
		}
		perm := newResource(id+name+"AuthorizerPermission", "AWS::Lambda::Permission", pickAttrs(r, passthroughAttrs))
		perm.set("Action", "lambda:InvokeFunction")
		perm.set("FunctionName", a["FunctionArn"])
		perm.set("Principal", "apigateway.amazonaws.com")
		perm.set("SourceArn", fnSub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*",
			map[string]any{"__ApiId__": ref(id)}))
		out = append(out, perm)
	}
	return out
}
