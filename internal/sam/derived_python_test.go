package sam

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/cfn"
)

// TestDerivedRefsMatchPythonTranslator: !Ref MyApi.Stage, .Deployment and
// their Sub and GetAtt forms resolve to the generated logical IDs as the
// installed samtranslator resolves them.
func TestDerivedRefsMatchPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	tpl := map[string]any{
		"Transform": "AWS::Serverless-2016-10-31",
		"Resources": map[string]any{
			"RestApi": map[string]any{"Type": "AWS::Serverless::Api", "Properties": map[string]any{"StageName": "prod"}},
			"Fn": map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{
				"CodeUri": "s3://b/k.zip", "Handler": "a.h", "Runtime": "python3.12",
				"Environment": map[string]any{"Variables": map[string]any{
					"URL":  map[string]any{"Fn::Sub": "https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${RestApi.Stage}"},
					"LIST": map[string]any{"Fn::Sub": []any{"${RestApi.Deployment}-${X}", map[string]any{"X": map[string]any{"Ref": "RestApi.Stage"}}}},
				}},
				"Events": map[string]any{"G": map[string]any{"Type": "Api", "Properties": map[string]any{
					"Path": "/", "Method": "get", "RestApiId": map[string]any{"Ref": "RestApi"}}}},
			}},
		},
		"Outputs": map[string]any{
			"Stage":   map[string]any{"Value": map[string]any{"Ref": "RestApi.Stage"}},
			"Dep":     map[string]any{"Value": map[string]any{"Ref": "RestApi.Deployment"}},
			"Unknown": map[string]any{"Value": map[string]any{"Ref": "RestApi.Nope"}},
			"Att":     map[string]any{"Value": map[string]any{"Fn::GetAtt": []any{"RestApi", "Stage.Whatever"}}},
		},
	}
	want := runTranslator(t, py, []map[string]any{jsonRoundTrip(t, tpl)})[0]
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
	// The Deployment's hash suffix is not byte-identical (see doc.go).
	unhash := func(v any) map[string]any {
		b, _ := json.Marshal(v)
		b = regexp.MustCompile(`RestApiDeployment[0-9a-f]{10}`).ReplaceAll(b, []byte("RestApiDeploymentHASH"))
		var out map[string]any
		json.Unmarshal(b, &out)
		return out
	}
	py1, go1 := unhash(want["ok"]), unhash(got.Root)
	if d := cmp.Diff(py1["Outputs"], go1["Outputs"]); d != "" {
		t.Errorf("Outputs (-python +go):\n%s", d)
	}
	env := func(root map[string]any) any {
		return root["Resources"].(map[string]any)["Fn"].(map[string]any)["Properties"].(map[string]any)["Environment"]
	}
	if d := cmp.Diff(env(py1), env(go1)); d != "" {
		t.Errorf("Environment (-python +go):\n%s", d)
	}
}
