package sam

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iamgate/iamgate/internal/cfn"
)

func parse(t testing.TB, src string) *cfn.Template {
	t.Helper()
	tpl, err := cfn.Parse("template.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestHasTransform(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"string", "Transform: AWS::Serverless-2016-10-31\nResources: {}", true},
		{"list", "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources: {}", true},
		{"other", "Transform: AWS::LanguageExtensions\nResources: {}", false},
		{"none", "Resources: {}", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HasTransform(parse(t, tc.src)); got != tc.want {
				t.Errorf("HasTransform = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTransformWithoutSAMIsUnchanged(t *testing.T) {
	tpl := parse(t, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
	got, err := Transform(tpl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got != tpl {
		t.Error("template without the transform was not returned as is")
	}
}

func TestSeedLogicalIDs(t *testing.T) {
	tpl := seedTemplate(t)
	got, err := Transform(tpl, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws",
		Parameters: map[string]string{"StageName": "v1"}})
	if err != nil {
		t.Fatal(err)
	}
	res := got.Root["Resources"].(map[string]any)
	types := map[string]string{}
	for id, r := range res {
		if strings.HasPrefix(id, "HelloWorldApiDeployment") {
			id = "HelloWorldApiDeployment*"
		}
		types[id] = r.(map[string]any)["Type"].(string)
	}
	want := map[string]string{
		"HelloWorldApi":                               "AWS::ApiGateway::RestApi",
		"HelloWorldApiDeployment*":                    "AWS::ApiGateway::Deployment",
		"HelloWorldApiStage":                          "AWS::ApiGateway::Stage",
		"HelloWorldFunction":                          "AWS::Lambda::Function",
		"HelloWorldFunctionRole":                      "AWS::IAM::Role",
		"HelloWorldFunctionHelloWorldPermissionStage": "AWS::Lambda::Permission",
		"HelloWorldFunctionLogGroup":                  "AWS::Logs::LogGroup",
		"IamUser":                                     "AWS::IAM::User",
		"IamUserPolicy":                               "AWS::IAM::Policy",
	}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if _, has := got.Root["Transform"]; has {
		t.Error("Transform entry left in the output")
	}
	// Generated resources point back at the SAM resource they came from.
	if p, src := got.Pos("Resources", "HelloWorldFunctionRole"), tpl.Pos("Resources", "HelloWorldFunction"); p != src {
		t.Errorf("role position %v, want %v", p, src)
	}
	// The input tree is not modified.
	if tpl.Root["Resources"].(map[string]any)["HelloWorldFunction"].(map[string]any)["Type"] != typeFunction {
		t.Error("input template was modified")
	}
}

func TestTransformErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			// https://github.com/aws/serverless-application-model/blob/develop/samtranslator/model/s3_utils/uri_parser.py
			name: "local CodeUri",
			src: `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: hello_world/, Handler: app.handler, Runtime: python3.12}
`,
			want: "Invalid Serverless Application Specification document. Number of errors found: 1. Resource with id [Fn] is invalid. 'CodeUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.",
		},
		{
			name: "two errors sorted",
			src: `Transform: AWS::Serverless-2016-10-31
Resources:
  B:
    Type: AWS::Serverless::Function
    Properties: {Handler: h, Runtime: python3.12}
  A:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: {Bucket: b}, Handler: h, Runtime: python3.12}
`,
			want: "Invalid Serverless Application Specification document. Number of errors found: 2. Resource with id [A] is invalid. 'CodeUri' requires Bucket and Key properties to be specified. Resource with id [B] is invalid. Only one of 'InlineCode' or 'CodeUri' can be set.",
		},
		{
			name: "NONE without default authorizer",
			src: `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: Prod}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: x
      Handler: h
      Runtime: python3.12
      Events:
        Get:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /, Method: get, Auth: {Authorizer: NONE}}
`,
			want: "Invalid Serverless Application Specification document. Number of errors found: 1. Resource with id [Fn] is invalid. Event with id [Get] is invalid. Unable to set Authorizer on API method [get] for path [/] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Transform(parse(t, tc.src), Options{Region: "us-east-1"})
			var ce *cfn.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *cfn.Error", err)
			}
			if diff := cmp.Diff(tc.want, ce.Msg); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if ce.Pos.Line == 0 {
				t.Errorf("error has no position: %v", ce)
			}
		})
	}
}

func TestImplicitAPIWithIAMAuthAndInvokeRole(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Auth: {DefaultAuthorizer: AWS_IAM, InvokeRole: NONE}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://b/k
      Handler: h
      Runtime: python3.12
      Events:
        Proxy:
          Type: Api
          Properties: {Path: '/{proxy+}', Method: any}
`
	got, err := Transform(parse(t, src), Options{Region: "us-east-1", Partition: "aws"})
	if err != nil {
		t.Fatal(err)
	}
	res := got.Root["Resources"].(map[string]any)
	var ids []string
	for id := range res {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	perm, ok := res["FnProxyPermissionProd"].(map[string]any)
	if !ok {
		t.Fatalf("no FnProxyPermissionProd in %v", ids)
	}
	arn := perm["Properties"].(map[string]any)["SourceArn"].(map[string]any)["Fn::Sub"].([]any)[0]
	if want := "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/*/*"; arn != want {
		t.Errorf("SourceArn = %v, want %v", arn, want)
	}
	body := res["ServerlessRestApi"].(map[string]any)["Properties"].(map[string]any)["Body"].(map[string]any)
	method := body["paths"].(map[string]any)["/{proxy+}"].(map[string]any)["x-amazon-apigateway-any-method"].(map[string]any)
	if _, has := method[integrationKey].(map[string]any)["credentials"]; has {
		t.Error("InvokeRole NONE still set integration credentials")
	}
	if diff := cmp.Diff([]any{map[string]any{"AWS_IAM": []any{}}}, method["security"]); diff != "" {
		t.Errorf("security (-want +got):\n%s", diff)
	}
	if _, has := res["ServerlessRestApiProdStage"]; !has {
		t.Errorf("no ServerlessRestApiProdStage in %v", ids)
	}
}
