package cfn

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const seedInclude = "s3://cm-fujii.genki-deploy/Api-IAM-Sample-Stack/api.yaml"

func seedTemplate(t *testing.T) *Template {
	t.Helper()
	src := sharedFile(t, "seed/template.yaml")
	api := sharedFile(t, "seed/api.yaml")
	tpl, err := Parse("template.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.ExpandIncludes(context.Background(), mapLoader{seedInclude: api}); err != nil {
		t.Fatal(err)
	}
	return tpl
}

var seedEnv = Env{StackName: "Api-IAM-Sample-Stack", Region: "us-east-1", AccountID: "000000000000",
	StackID: "arn:aws:cloudformation:us-east-1:000000000000:stack/Api-IAM-Sample-Stack/1"}

// samFree stands in for the SAM transform: the function's Api event becomes
// the API's business (so the function no longer refers to the API), and the
// serverless types become their CloudFormation ones.
func samFree(tpl *Template) *Template {
	root := tpl.Root
	res := root["Resources"].(map[string]any)
	fn := res["HelloWorldFunction"].(map[string]any)
	delete(fn["Properties"].(map[string]any), "Events")
	fn["Type"] = "AWS::Lambda::Function"
	res["HelloWorldApi"].(map[string]any)["Type"] = "AWS::ApiGateway::RestApi"
	delete(root, "Transform")
	return tpl.WithRoot(root)
}

func TestSeed(t *testing.T) {
	tpl := seedTemplate(t)

	t.Run("include grafted with its own positions", func(t *testing.T) {
		body := tpl.Root["Resources"].(map[string]any)["HelloWorldApi"].(map[string]any)["Properties"].(map[string]any)["DefinitionBody"].(map[string]any)
		if body["openapi"] != "3.0.1" {
			t.Fatalf("DefinitionBody not included: %v", body)
		}
		got := tpl.Pos("Resources", "HelloWorldApi", "Properties", "DefinitionBody", "paths", "/hello", "get", "x-amazon-apigateway-integration", "uri")
		want := Pos{File: seedInclude, Line: 22, Col: 9}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("position (-want +got):\n%s", diff)
		}
	})

	t.Run("untransformed template is circular", func(t *testing.T) {
		// Before SAM runs, the function's event names the API and the API's
		// body names the function, as CloudFormation would see it.
		_, err := NewPlan(tpl, seedEnv)
		want := "Circular dependency between resources: [HelloWorldApi, HelloWorldFunction, HelloWorldFunctionLogGroup, IamUserPolicy]"
		if err == nil || err.(*Error).Msg != want {
			t.Fatalf("err = %v, want %q", err, want)
		}
	})

	plan, err := NewPlan(samFree(seedTemplate(t)), seedEnv)
	if err != nil {
		t.Fatal(err)
	}
	vals := fakeValues{
		refs: map[string]string{"HelloWorldApi": "a1b2c3d4e5", "HelloWorldFunction": "Api-IAM-Sample-Stack-HelloWorldFunction-X1", "IamUser": "api-gateway-user"},
		atts: map[string]any{"HelloWorldFunction.Arn": "arn:aws:lambda:us-east-1:000000000000:function:Api-IAM-Sample-Stack-HelloWorldFunction-X1"},
	}

	t.Run("order", func(t *testing.T) {
		want := []string{"HelloWorldFunction", "IamUser", "HelloWorldApi", "HelloWorldFunctionLogGroup", "IamUserPolicy"}
		if diff := cmp.Diff(want, plan.Order()); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"HelloWorldApi", "IamUser"}, plan.DependsOn("IamUserPolicy")); diff != "" {
			t.Errorf("DependsOn (-want +got):\n%s", diff)
		}
	})

	t.Run("outputs", func(t *testing.T) {
		got, err := plan.Outputs(vals)
		if err != nil {
			t.Fatal(err)
		}
		want := []Output{{Key: "HelloWorldApi", Value: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1/hello"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outputs (-want +got):\n%s", diff)
		}
	})

	t.Run("resolved properties", func(t *testing.T) {
		tests := []struct {
			name string
			path []string
			want any
		}{
			{"policy resource", []string{"PolicyDocument", "Statement", "0", "Resource"},
				"arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/v1/GET/hello"},
			{"user name", []string{"UserName"}, "api-gateway-user"},
			{"log group", []string{"LogGroupName"}, "/aws/lambda/Api-IAM-Sample-Stack-HelloWorldFunction-X1"},
			{"integration uri", []string{"DefinitionBody", "paths", "/hello", "get", "x-amazon-apigateway-integration", "uri"},
				"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:Api-IAM-Sample-Stack-HelloWorldFunction-X1/invocations"},
		}
		resolved := map[string]any{}
		for _, id := range plan.Order() {
			_, props, _ := plan.Resource(id)
			r, err := plan.Resolve([]string{"Resources", id, "Properties"}, props, vals)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			for k, v := range r.(map[string]any) {
				resolved[k] = v
			}
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var got any = resolved
				for _, k := range tc.path {
					switch v := got.(type) {
					case map[string]any:
						got = v[k]
					case []any:
						got = v[int(k[0]-'0')]
					}
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
}
