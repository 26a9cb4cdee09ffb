package sam

import (
	"testing"
)

// TestAuthorizersMatchPythonTranslator compares Auth.Authorizers (Lambda
// TOKEN and REQUEST, Cognito), DefaultAuthorizer, per-event Authorizer and
// NONE, and the authorizer permissions with the installed samtranslator's
// output, errors included.
func TestAuthorizersMatchPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	fnArn := map[string]any{"Fn::GetAtt": []any{"AuthFn", "Arn"}}
	tpl := func(auth map[string]any, events map[string]any) map[string]any {
		fn := func(ev map[string]any) map[string]any {
			return map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{
				"CodeUri": "s3://b/k.zip", "Handler": "a.h", "Runtime": "python3.12", "Events": ev}}
		}
		return map[string]any{
			"Transform": "AWS::Serverless-2016-10-31",
			"Resources": map[string]any{
				"Api":    map[string]any{"Type": "AWS::Serverless::Api", "Properties": map[string]any{"StageName": "v1", "Auth": auth}},
				"AuthFn": fn(nil),
				"Fn":     fn(events),
			},
		}
	}
	ev := func(path, method string, auth map[string]any) map[string]any {
		p := map[string]any{"Path": path, "Method": method, "RestApiId": map[string]any{"Ref": "Api"}}
		if auth != nil {
			p["Auth"] = auth
		}
		return map[string]any{"Type": "Api", "Properties": p}
	}
	events := map[string]any{
		"Get":   ev("/items", "get", nil),
		"Post":  ev("/items", "post", map[string]any{"Authorizer": "Req"}),
		"Open":  ev("/open", "get", map[string]any{"Authorizer": "NONE"}),
		"Pool":  ev("/pool", "get", map[string]any{"Authorizer": "Pool", "AuthorizationScopes": []any{"s/write"}}),
		"Proxy": ev("/any/{proxy+}", "any", nil),
	}
	authorizers := map[string]any{
		"Tok": map[string]any{"FunctionArn": fnArn, "Identity": map[string]any{"Header": "X-Token", "ValidationExpression": "Bearer .*", "ReauthorizeEvery": 0}},
		"Req": map[string]any{"FunctionPayloadType": "REQUEST", "FunctionArn": fnArn, "FunctionInvokeRole": "arn:aws:iam::000000000000:role/r",
			"Identity": map[string]any{"Headers": []any{"X-A"}, "QueryStrings": []any{"q"}, "StageVariables": []any{"sv"}, "Context": []any{"identity.sourceIp"}, "ReauthorizeEvery": 60}},
		"NoPerm": map[string]any{"FunctionArn": fnArn, "DisableFunctionDefaultPermissions": true},
		"Pool":   map[string]any{"UserPoolArn": "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_x", "AuthorizationScopes": []any{"s/read"}},
	}
	with := func(name string, cfg any) map[string]any {
		return map[string]any{"DefaultAuthorizer": "Tok", "Authorizers": map[string]any{"Tok": authorizers["Tok"], name: cfg}}
	}
	cases := []templateCase{
		{"all kinds with a default", tpl(map[string]any{"DefaultAuthorizer": "Tok", "Authorizers": authorizers}, events)},
		{"no default", tpl(map[string]any{"Authorizers": authorizers}, map[string]any{"Post": events["Post"], "Pool": events["Pool"]})},
		{"request default, preflight off", tpl(map[string]any{"DefaultAuthorizer": "Req", "AddDefaultAuthorizerToCorsPreflight": false, "Authorizers": authorizers}, events)},
		{"request without identity", tpl(with("Bad", map[string]any{"FunctionPayloadType": "REQUEST", "FunctionArn": fnArn}), events)},
		{"request uncached without identity", tpl(with("Ok", map[string]any{"FunctionPayloadType": "REQUEST", "FunctionArn": fnArn, "Identity": map[string]any{"ReauthorizeEvery": 0}}), events)},
		{"headers not a list", tpl(with("Bad", map[string]any{"FunctionPayloadType": "REQUEST", "FunctionArn": fnArn, "Identity": map[string]any{"Headers": "X-A"}}), events)},
		{"header not a string", tpl(with("Bad", map[string]any{"FunctionPayloadType": "REQUEST", "FunctionArn": fnArn, "Identity": map[string]any{"Headers": []any{1}}}), events)},
		{"bad payload type", tpl(with("Bad", map[string]any{"FunctionPayloadType": "JWT", "FunctionArn": fnArn}), events)},
		{"identity not a map", tpl(with("Bad", map[string]any{"FunctionArn": fnArn, "Identity": "X-Token"}), events)},
		{"scopes not a list", tpl(with("Bad", map[string]any{"UserPoolArn": "arn:x", "AuthorizationScopes": "s"}), events)},
		{"unknown event authorizer", tpl(with("Ok", map[string]any{"FunctionArn": fnArn}), map[string]any{"A": ev("/a", "get", map[string]any{"Authorizer": "Nope"})})},
		{"invoke role NONE", tpl(with("Ok", map[string]any{"FunctionArn": fnArn, "FunctionInvokeRole": "NONE"}), events)},
	}
	comparePython(t, py, cases, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "stack"},
		sameTemplate)
}
