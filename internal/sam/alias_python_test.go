package sam

import (
	"testing"
)

// TestAliasAndURLMatchPythonTranslator: AutoPublishAlias (Version hash,
// Alias, events and URL on the alias, .Alias/.Version references) and
// FunctionUrlConfig come out as the installed samtranslator makes them,
// errors included.
func TestAliasAndURLMatchPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	fn := func(extra map[string]any) map[string]any {
		p := map[string]any{"CodeUri": "s3://bucket/code.zip", "Handler": "app.handler", "Runtime": "python3.12"}
		for k, v := range extra {
			p[k] = v
		}
		return map[string]any{"Type": "AWS::Serverless::Function", "Properties": p}
	}
	tpl := func(res map[string]any, outputs map[string]any) map[string]any {
		t := map[string]any{"Transform": "AWS::Serverless-2016-10-31", "Resources": res,
			"Parameters": map[string]any{"Alias": map[string]any{"Type": "String", "Default": "live"}}}
		if outputs != nil {
			t["Outputs"] = outputs
		}
		return t
	}
	api := map[string]any{"Type": "Api", "Properties": map[string]any{"Path": "/hi", "Method": "get"}}
	cases := map[string]map[string]any{
		"alias": tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "live"})}, map[string]any{
			"A": map[string]any{"Value": map[string]any{"Ref": "Fn.Alias"}},
			"V": map[string]any{"Value": map[string]any{"Ref": "Fn.Version"}},
		}),
		"alias param and env": tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": map[string]any{"Ref": "Alias"},
			"MemorySize": 256, "Environment": map[string]any{"Variables": map[string]any{"K": "välue <&>"}}})}, nil),
		"alias dash underscore": tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "my-live_1", "VersionDescription": "d"})}, nil),
		"alias code sha":        tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "live", "AutoPublishCodeSha256": "abcdef0123456789", "Description": "fn"})}, nil),
		"alias all properties":  tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "live", "AutoPublishAliasAllProperties": true, "Timeout": 9})}, nil),
		"alias api event":       tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "live", "Events": map[string]any{"Get": api}})}, nil),
		"alias numeric":         tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "123"})}, nil),
		"alias bad":             tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "a.b"})}, nil),
		"url iam":               tpl(map[string]any{"Fn": fn(map[string]any{"FunctionUrlConfig": map[string]any{"AuthType": "AWS_IAM"}})}, nil),
		"url none alias cors": tpl(map[string]any{"Fn": fn(map[string]any{"AutoPublishAlias": "live", "FunctionUrlConfig": map[string]any{
			"AuthType": "NONE", "Cors": map[string]any{"AllowOrigins": []any{"*"}, "MaxAge": 10}}})}, nil),
		"url bad auth":  tpl(map[string]any{"Fn": fn(map[string]any{"FunctionUrlConfig": map[string]any{"AuthType": "IAM"}})}, nil),
		"url bad cors":  tpl(map[string]any{"Fn": fn(map[string]any{"FunctionUrlConfig": map[string]any{"AuthType": "NONE", "Cors": map[string]any{"AllowOrigin": []any{"*"}}}})}, nil),
		"url cors type": tpl(map[string]any{"Fn": fn(map[string]any{"FunctionUrlConfig": map[string]any{"AuthType": "NONE", "Cors": map[string]any{"MaxAge": "10"}}})}, nil),
	}
	comparePython(t, py, casesOf(cases), Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "s",
		ManagedPolicyARN: func(n string) (string, bool) {
			return "arn:aws:iam::aws:policy/service-role/" + n, n == "AWSLambdaBasicExecutionRole"
		}}, sameTemplate)
}
