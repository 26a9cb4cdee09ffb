package sam

import (
	"testing"
)

// TestCorsMatchesPythonTranslator compares the OPTIONS methods (and errors)
// that Cors generates with the installed samtranslator's, on explicit and
// implicit APIs.
func TestCorsMatchesPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	fn := func(events map[string]any) map[string]any {
		return map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{
			"CodeUri": "s3://b/k.zip", "Handler": "a.h", "Runtime": "python3.12", "Events": events}}
	}
	ev := func(api any, path, method string) map[string]any {
		p := map[string]any{"Path": path, "Method": method}
		if api != nil {
			p["RestApiId"] = api
		}
		return map[string]any{"Type": "Api", "Properties": p}
	}
	explicit := func(cors any) map[string]any {
		return map[string]any{
			"Transform":  "AWS::Serverless-2016-10-31",
			"Parameters": map[string]any{"Origin": map[string]any{"Type": "String"}},
			"Resources": map[string]any{
				"Api": map[string]any{"Type": "AWS::Serverless::Api", "Properties": map[string]any{"StageName": "v1", "Cors": cors}},
				"Fn": fn(map[string]any{
					"A": ev(map[string]any{"Ref": "Api"}, "/items", "get"),
					"B": ev(map[string]any{"Ref": "Api"}, "/items", "post"),
					"C": ev(map[string]any{"Ref": "Api"}, "/any/{proxy+}", "any"),
					"D": ev(map[string]any{"Ref": "Api"}, "/slash/", "get"),
				}),
			},
		}
	}
	implicit := map[string]any{
		"Transform": "AWS::Serverless-2016-10-31",
		"Globals":   map[string]any{"Api": map[string]any{"Cors": "'https://example.com'"}},
		"Resources": map[string]any{"Fn": fn(map[string]any{"A": ev(nil, "/hello", "get")})},
	}
	withURI := explicit("'*'")
	api := withURI["Resources"].(map[string]any)["Api"].(map[string]any)["Properties"].(map[string]any)
	api["DefinitionUri"] = "s3://b/api.yaml"
	cases := []templateCase{
		{"origin string", explicit("'https://example.com'")},
		{"origin intrinsic", explicit(map[string]any{"Fn::Sub": "'${Origin}'"})},
		{"full", explicit(map[string]any{"AllowMethods": "'GET,POST'", "AllowHeaders": "'Content-Type,X-Amz-Date'",
			"AllowOrigin": "'https://example.com'", "MaxAge": "'600'", "AllowCredentials": true})},
		{"max age zero", explicit(map[string]any{"MaxAge": 0})},
		{"defaults", explicit(map[string]any{"AllowHeaders": "'*'"})},
		{"credentials with wildcard", explicit(map[string]any{"AllowCredentials": true})},
		{"unknown key", explicit(map[string]any{"AllowOrigins": "'*'"})},
		{"not a string or map", explicit([]any{"'*'"})},
		{"empty origin", explicit(map[string]any{"AllowOrigin": ""})},
		{"definition uri", withURI},
		{"implicit api from globals", implicit},
	}
	comparePython(t, py, cases, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "stack"},
		sameResources("Api", "ServerlessRestApi"))
}
