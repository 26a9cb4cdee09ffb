package sam

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/cfn"
)

// TestConditionalRoleMatchesPythonTranslator: Role: !If with AWS::NoValue on
// either side (or both, or neither) generates the execution role under the
// translator's conditions.
func TestConditionalRoleMatchesPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	noValue := map[string]any{"Ref": "AWS::NoValue"}
	given := map[string]any{"Ref": "RoleArn"}
	cases := []struct {
		name string
		role any
	}{
		{"then no value", map[string]any{"Fn::If": []any{"UseOwn", noValue, given}}},
		{"else no value", map[string]any{"Fn::If": []any{"UseOwn", given, noValue}}},
		{"both no value", map[string]any{"Fn::If": []any{"UseOwn", noValue, noValue}}},
		{"neither", map[string]any{"Fn::If": []any{"UseOwn", given, "arn:aws:iam::000000000000:role/x"}}},
		{"malformed", map[string]any{"Fn::If": []any{"UseOwn", noValue}}},
	}
	tpls := make([]templateCase, len(cases))
	for i, c := range cases {
		tpls[i] = templateCase{c.name, map[string]any{
			"Transform":  "AWS::Serverless-2016-10-31",
			"Parameters": map[string]any{"RoleArn": map[string]any{"Type": "String", "Default": "arn:aws:iam::000000000000:role/given"}},
			"Conditions": map[string]any{"UseOwn": map[string]any{"Fn::Equals": []any{"a", "b"}}},
			"Resources": map[string]any{"Fn": map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{
				"CodeUri": "s3://b/k.zip", "Handler": "a.h", "Runtime": "python3.12", "Role": c.role,
				"Policies": []any{"AWSLambdaBasicExecutionRole"}}}},
		}}
	}
	fnAndRole := sameResources("Fn", "FnRole")
	comparePython(t, py, tpls, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "s"},
		func(t *testing.T, py, got map[string]any) {
			if d := cmp.Diff(py["Conditions"], got["Conditions"]); d != "" {
				t.Errorf("Conditions (-python +go):\n%s", d)
			}
			fnAndRole(t, py, got)
		})

}

// TestPlainRestApiEventMatchesPythonTranslator: an Api event whose RestApiId
// is a plain AWS::ApiGateway::RestApi gets its Lambda permission, as the
// translator does, instead of an error.
func TestPlainRestApiEventMatchesPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	tpl := jsonRoundTrip(t, map[string]any{
		"Transform": "AWS::Serverless-2016-10-31",
		"Resources": map[string]any{
			"Api": map[string]any{"Type": "AWS::ApiGateway::RestApi", "Properties": map[string]any{"Name": "plain"}},
			"Fn": map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{
				"CodeUri": "s3://b/k.zip", "Handler": "a.h", "Runtime": "python3.12",
				"Events": map[string]any{"G": map[string]any{"Type": "Api", "Properties": map[string]any{
					"Path": "/items/{id}", "Method": "get", "RestApiId": map[string]any{"Ref": "Api"}}}}}},
		},
	})
	want := runTranslator(t, py, []map[string]any{tpl})[0]
	if msg, isErr := want["err"]; isErr {
		t.Fatalf("translator: %v", msg)
	}
	src, _ := json.Marshal(tpl)
	in, err := cfn.Parse("template.json", src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Transform(in, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(normalizeTemplate(want["ok"].(map[string]any)), normalizeTemplate(jsonRoundTrip(t, got.Root))); d != "" {
		t.Errorf("(-python +go):\n%s", d)
	}
}
