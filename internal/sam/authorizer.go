package sam

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Auth.Authorizers of an AWS::Serverless::Api: Lambda (TOKEN, REQUEST) and
// Cognito user pool authorizers become securityDefinitions with
// x-amazon-apigateway-authorizer, and each Lambda authorizer gets an
// AWS::Lambda::Permission for {api}/authorizers/*, as the translator's
// ApiGatewayAuthorizer.generate_swagger and
// ApiGenerator._construct_authorizer_lambda_permission do.

// apiAuthorizer is one entry of Auth.Authorizers.
type apiAuthorizer struct {
	name         string
	cfg          map[string]any
	identity     map[string]any
	rawIdentity  any
	userPool     any
	function     any
	payloadType  string
	invokeRole   any
	disablePerms any
}

// lambda reports whether the authorizer runs a function.
func (a *apiAuthorizer) lambda() bool { return !truthy(a.userPool) }

// newAPIAuthorizer reads and checks one authorizer, with the translator's
// messages and in its order.
func newAPIAuthorizer(api, name string, cfg map[string]any) (*apiAuthorizer, *samError) {
	a := &apiAuthorizer{name: name, cfg: cfg, rawIdentity: cfg["Identity"], userPool: cfg["UserPoolArn"],
		function: cfg["FunctionArn"], invokeRole: cfg["FunctionInvokeRole"], disablePerms: cfg["DisableFunctionDefaultPermissions"]}
	if pt, has := cfg["FunctionPayloadType"]; has && pt != nil {
		s, ok := pt.(string)
		if !ok || (s != "TOKEN" && s != "REQUEST") {
			return nil, resourceError(api, fmt.Sprintf("%s Authorizer has invalid 'FunctionPayloadType': %s.", name, pyStr(pt)))
		}
		a.payloadType = s
	}
	a.identity, _ = a.rawIdentity.(map[string]any)
	if a.payloadType == "REQUEST" {
		missing, err := a.missingIdentitySource(api)
		if err != nil {
			return nil, err
		}
		if missing {
			return nil, resourceError(api, name+" Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.")
		}
	}
	if s, has := cfg["AuthorizationScopes"]; has && s != nil {
		if _, ok := s.([]any); !ok {
			return nil, resourceError(api, fmt.Sprintf("Property 'Authorizers.%s.AuthorizationScopes' should be a list.", name))
		}
	}
	if a.disablePerms != nil {
		if _, ok := a.disablePerms.(bool); !ok {
			return nil, resourceError(api, fmt.Sprintf("Property 'Authorizers.%s.DisableFunctionDefaultPermissions' should be a boolean.", name))
		}
	}
	return a, nil
}

// missingIdentitySource is the translator's _is_missing_identity_source:
// a REQUEST authorizer needs a source unless ReauthorizeEvery is 0.
func (a *apiAuthorizer) missingIdentitySource(api string) (bool, *samError) {
	if !truthy(a.rawIdentity) {
		return true, nil
	}
	if a.identity == nil {
		return false, resourceError(api, fmt.Sprintf("Property 'Authorizer.%s.Identity' should be a map.", a.name))
	}
	none := !truthy(a.identity["Headers"]) && !truthy(a.identity["QueryStrings"]) &&
		!truthy(a.identity["StageVariables"]) && !truthy(a.identity["Context"])
	ttl, has := a.identity["ReauthorizeEvery"]
	if !has || ttl == nil {
		return none, nil
	}
	n, err := strconv.Atoi(pyStr(ttl))
	if err != nil {
		return none, nil
	}
	return n > 0 && none, nil
}

// swagger is the authorizer's security scheme.
func (a *apiAuthorizer) swagger(api, partition string) (map[string]any, *samError) {
	header, err := a.headerName(api)
	if err != nil {
		return nil, err
	}
	sc := map[string]any{"type": "apiKey", "name": header, "in": "header"}
	ext := map[string]any{}
	if !a.lambda() {
		sc["x-amazon-apigateway-authtype"] = "cognito_user_pools"
		pools, isList := a.userPool.([]any)
		if !isList {
			pools = []any{a.userPool}
		}
		ext["type"], ext["providerARNs"] = "cognito_user_pools", pools
	} else {
		sc["x-amazon-apigateway-authtype"] = "custom"
		ext["type"] = "token"
		if a.payloadType == "REQUEST" {
			ext["type"] = "request"
		}
		ext["authorizerUri"] = fnSub("arn:"+partition+":apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations",
			map[string]any{"__FunctionArn__": a.function})
		if a.identity != nil {
			if ttl, has := a.identity["ReauthorizeEvery"]; has && ttl != nil {
				ext["authorizerResultTtlInSeconds"] = ttl
			}
		}
		if role := a.invokeRole; truthy(role) && role != "NONE" {
			ext["authorizerCredentials"] = role
		}
		if a.payloadType == "REQUEST" {
			src, err := a.identitySource(api)
			if err != nil {
				return nil, err
			}
			if src != "" {
				ext["identitySource"] = src
			}
		}
	}
	if !a.lambda() || a.payloadType != "REQUEST" {
		if a.identity != nil && truthy(a.identity["ValidationExpression"]) {
			ext["identityValidationExpression"] = a.identity["ValidationExpression"]
		}
	}
	sc["x-amazon-apigateway-authorizer"] = ext
	return sc, nil
}

// headerName is the scheme's name: "Unused" for REQUEST authorizers, else
// Identity.Header or Authorization.
func (a *apiAuthorizer) headerName(api string) (any, *samError) {
	if a.lambda() && a.payloadType == "REQUEST" {
		return "Unused", nil
	}
	if truthy(a.rawIdentity) && a.identity == nil {
		return nil, resourceError(api, "Auth.Authorizers.<Authorizer>.Identity must be a dict (LambdaTokenAuthorizationIdentity, LambdaRequestAuthorizationIdentity or CognitoAuthorizationIdentity).")
	}
	if a.identity == nil || !truthy(a.identity["Header"]) {
		return "Authorization", nil
	}
	return a.identity["Header"], nil
}

// identitySource joins Identity's Headers, QueryStrings, StageVariables and
// Context into API Gateway's mapping expressions.
func (a *apiAuthorizer) identitySource(api string) (string, *samError) {
	var out []string
	for _, kp := range [][2]string{{"Headers", "method.request.header."}, {"QueryStrings", "method.request.querystring."},
		{"StageVariables", "stageVariables."}, {"Context", "context."}} {
		v := a.identity[kp[0]]
		if !truthy(v) {
			continue
		}
		path := fmt.Sprintf("Auth.Authorizers.%s.Identity.%s", a.name, kp[0])
		list, ok := v.([]any)
		if !ok {
			return "", resourceError(api, fmt.Sprintf("Property '%s' should be a list.", path))
		}
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return "", resourceError(api, fmt.Sprintf("Property '%s[%d]' should be a string.", path, i))
			}
			out = append(out, kp[1]+s)
		}
	}
	return joinComma(out), nil
}

func joinComma(list []string) string {
	s := ""
	for i, e := range list {
		if i > 0 {
			s += ", "
		}
		s += e
	}
	return s
}

// readAuthorizers reads Auth.Authorizers in name order (errors are
// reported one per resource, so the first by name is the one reported).
func readAuthorizers(api string, auth map[string]any) ([]*apiAuthorizer, *samError) {
	if auth["Authorizers"] == nil {
		return nil, nil
	}
	list, ok := auth["Authorizers"].(map[string]any)
	if !ok {
		return nil, resourceError(api, "Property 'Auth.Authorizers' should be a map.")
	}
	var out []*apiAuthorizer
	for _, name := range slices.Sorted(maps.Keys(list)) {
		cfg, ok := list[name].(map[string]any)
		if !ok {
			return nil, resourceError(api, fmt.Sprintf("Property 'Auth.Authorizers.%s' should be a map.", name))
		}
		a, err := newAPIAuthorizer(api, name, cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// authorizerPermissions lets API Gateway invoke each Lambda authorizer's
// function for any authorizer of the API.
func (x *translator) authorizerPermissions(api string, p, attrs map[string]any) ([]resource, *samError) {
	auth, _ := x.resolveParams(p["Auth"]).(map[string]any)
	if len(auth) == 0 {
		return nil, nil
	}
	list, err := readAuthorizers(api, auth)
	if err != nil {
		return nil, err
	}
	var out []resource
	for _, a := range list {
		if !truthy(a.function) || a.disablePerms == true {
			continue
		}
		perm := newResource(api+a.name+"AuthorizerPermission", "AWS::Lambda::Permission", attrs)
		perm.set("Action", "lambda:InvokeFunction")
		perm.set("FunctionName", a.function)
		perm.set("Principal", "apigateway.amazonaws.com")
		perm.set("SourceArn", fnSub("arn:"+x.opts.Partition+":execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*",
			map[string]any{"__ApiId__": ref(api)}))
		out = append(out, perm)
	}
	return out, nil
}
