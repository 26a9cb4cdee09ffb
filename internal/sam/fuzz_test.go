package sam

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/iamgate/iamgate/internal/cfn"
)

// FuzzTransform parses arbitrary YAML, forces the SAM transform on and
// checks that Transform never panics, never edits its input, and either
// fails with a *cfn.Error or returns a template without SAM resources.
func FuzzTransform(f *testing.F) {
	seeds := []string{
		"Transform: AWS::Serverless-2016-10-31\nResources: {}",
		"Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {InlineCode: x, Handler: h, Runtime: r, Events: {E: {Type: Api, Properties: {Path: /, Method: get}}}}",
		"Resources:\n  A:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: !Ref S, Auth: {DefaultAuthorizer: AWS_IAM, ResourcePolicy: {IpRangeBlacklist: [1.2.3.4]}}}",
		"Globals: {Function: {Timeout: 3}}\nResources:\n  F: {Type: AWS::Serverless::Function, Condition: C, Properties: {CodeUri: s3://b/k, Policies: [AWSLambdaRole, {Statement: []}]}}",
		"Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties: {Definition: {A: [!Ref X, 1.5, {B: \"{{resolve:ssm:p}}\"}]}, Tracing: {Enabled: true}, AutoPublishAlias: a, Events: {E: {Type: Api, Properties: {Path: /, Method: get}}, S: {Type: Schedule, Properties: {Schedule: x, DeadLetterConfig: {Type: SQS}}}}}",
		"Resources:\n  B: {Type: AWS::S3::Bucket, DependsOn: X}\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {InlineCode: x, Events: {E: {Type: S3, Properties: {Bucket: !Ref B, Events: [a, a], Filter: {}}}, K: {Type: AlexaSkill}}}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "seed", "template.yaml")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := cfn.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		tpl.Root["Transform"] = TransformName
		before := canonicalJSON(tpl.Root)
		out, err := Transform(tpl, Options{Region: "us-east-1", Parameters: map[string]string{"S": "v1"}})
		if canonicalJSON(tpl.Root) != before {
			t.Fatal("Transform modified its input")
		}
		if err != nil {
			if _, ok := err.(*cfn.Error); !ok {
				t.Fatalf("error %T is not a *cfn.Error: %v", err, err)
			}
			return
		}
		res, _ := out.Root["Resources"].(map[string]any)
		for id, r := range res {
			rm, _ := r.(map[string]any)
			if typ, _ := rm["Type"].(string); typ == typeFunction || typ == typeAPI || typ == typeStateMachine {
				t.Fatalf("resource %s still has type %s", id, typ)
			}
		}
	})
}
