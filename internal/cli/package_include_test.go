package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/cfn"
)

// sam package / sam deploy upload a local AWS::Include Location and package
// a function that names no code as the template's folder
// (samcli/lib/package/artifact_exporter.py: PACKAGE_NULL_PROPERTY).
func TestPackageTemplateIncludesAndDefaultCodeUri(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.1\npaths: {}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "app.py"), []byte("def h(e, c): return 1\n"), 0o644)
	tmpl := filepath.Join(dir, "template.yaml")
	body := []byte(`Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionBody:
        'Fn::Transform':
          Name: 'AWS::Include'
          Parameters:
            Location: './api.yaml'
  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.h
      Runtime: python3.12
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def h(e, c): return 1"
      Handler: index.h
      Runtime: python3.12
`)
	uploaded := map[string][]byte{}
	out, err := packageTemplate(context.Background(), tmpl, body, "", func(_ context.Context, key string, data []byte) (string, error) {
		uploaded[key] = data
		return "bkt", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cfn.Parse("out", []byte(out))
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	res := parsed.Root["Resources"].(map[string]any)
	props := func(id string) map[string]any { return res[id].(map[string]any)["Properties"].(map[string]any) }
	loc := props("Api")["DefinitionBody"].(map[string]any)["Fn::Transform"].(map[string]any)["Parameters"].(map[string]any)["Location"].(string)
	if !strings.HasPrefix(loc, "s3://bkt/") || !strings.HasSuffix(loc, ".yaml") {
		t.Errorf("include Location = %q", loc)
	}
	if got := string(uploaded[strings.TrimPrefix(loc, "s3://bkt/")]); got != "openapi: 3.0.1\npaths: {}\n" {
		t.Errorf("uploaded include = %q", got)
	}
	if uri, _ := props("F")["CodeUri"].(string); !strings.HasPrefix(uri, "s3://bkt/") {
		t.Errorf("function without CodeUri: CodeUri = %q, want the template folder uploaded", uri)
	}
	if _, has := props("Inline")["CodeUri"]; has {
		t.Error("a function with InlineCode got a CodeUri")
	}
	if len(uploaded) != 2 {
		t.Errorf("uploaded %d objects, want the include and the folder", len(uploaded))
	}
}

// A repeated key keeps its last value and the template goes as JSON, as sam
// deploy sends its re-serialized template.
func TestPackageTemplateRepeatedKey(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "template.yaml")
	body := []byte("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: a\n      QueueName: b\n")
	out, err := packageTemplate(context.Background(), tmpl, body, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cfn.Parse("out", []byte(out))
	if err != nil {
		t.Fatalf("the server would refuse it: %v\n%s", err, out)
	}
	if got := parsed.Root["Resources"].(map[string]any)["Q"].(map[string]any)["Properties"].(map[string]any)["QueueName"]; got != "b" {
		t.Errorf("QueueName = %v, want the last value", got)
	}
}

// sam package uploads a state machine's local DefinitionUri (written back as
// {Bucket, Key}, ServerlessStateMachineDefinitionResource) and an HTTP API's
// local DefinitionUri (an s3:// URI), as sam deploy does before the
// transform reads them.
func TestPackageTemplateStateMachineAndHTTPAPIDefinitions(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "statemachine"), 0o755)
	os.WriteFile(filepath.Join(dir, "statemachine", "sm.asl.json"), []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "http.yaml"), []byte("openapi: 3.0.1\npaths: {}\n"), 0o644)
	tmpl := filepath.Join(dir, "template.yaml")
	body := []byte(`Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/sm.asl.json
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: ./http.yaml
  Remote:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: s3://other/key.json
`)
	uploaded := map[string][]byte{}
	out, err := packageTemplate(context.Background(), tmpl, body, "", func(_ context.Context, key string, data []byte) (string, error) {
		uploaded[key] = data
		return "bkt", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cfn.Parse("out", []byte(out))
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	res := parsed.Root["Resources"].(map[string]any)
	props := func(id string) map[string]any { return res[id].(map[string]any)["Properties"].(map[string]any) }
	def, ok := props("Machine")["DefinitionUri"].(map[string]any)
	if !ok || def["Bucket"] != "bkt" {
		t.Fatalf("state machine DefinitionUri = %v, want {Bucket: bkt, Key: ...}", props("Machine")["DefinitionUri"])
	}
	if got := string(uploaded[def["Key"].(string)]); !strings.Contains(got, `"StartAt":"A"`) {
		t.Errorf("uploaded definition = %q", got)
	}
	if uri, _ := props("Http")["DefinitionUri"].(string); !strings.HasPrefix(uri, "s3://bkt/") {
		t.Errorf("HTTP API DefinitionUri = %q", uri)
	}
	if uri, _ := props("Remote")["DefinitionUri"].(string); uri != "s3://other/key.json" {
		t.Errorf("an s3:// DefinitionUri changed: %q", uri)
	}
	if len(uploaded) != 2 {
		t.Errorf("uploaded %d objects, want the definition and the HTTP API body", len(uploaded))
	}
}
