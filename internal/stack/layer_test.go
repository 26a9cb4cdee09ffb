package stack_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// layerTemplate publishes a layer from S3 and gives it to a function
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-layerversion.html).
const layerTemplate = `Resources:
  Libs:
    Type: AWS::Lambda::LayerVersion
    Properties:
      LayerName: libs
      Description: shared code
      CompatibleRuntimes: [python3.12]
      Content: {S3Bucket: layers, S3Key: libs.zip}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: uses-libs
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/lambda-basic
      Layers: [!Ref Libs]
      Code:
        ZipFile: "import greet\ndef handler(e, c):\n    return greet.hi()\n"
Outputs:
  LayerArn:
    Value: !GetAtt Libs.LayerVersionArn
`

func layerZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("python/greet.py")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("def hi():\n    return 'hi from the layer'\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLayerStack deploys a layer and a function using it, runs the
// function, denies a deployer without lambda:GetLayerVersion (Lambda asks
// it of whoever adds a layer to a function) and deletes the layer version
// with the stack.
func TestLayerStack(t *testing.T) {
	e := newEnv(t)
	e.role(t, "lambda-basic", "lambda.amazonaws.com", "logs:*")
	zipPath := filepath.Join(e.dir, "libs.zip")
	if err := os.WriteFile(zipPath, layerZip(t), 0o600); err != nil {
		t.Fatal(err)
	}
	e.must(t, e.root, "s3api", "create-bucket", "--bucket", "layers")
	e.must(t, e.root, "s3api", "put-object", "--bucket", "layers", "--key", "libs.zip", "--body", zipPath)

	nolayer := e.user(t, "nolayer", "cloudformation:*", "lambda:CreateFunction", "lambda:GetFunction", "lambda:DeleteFunction",
		"lambda:PublishLayerVersion", "lambda:DeleteLayerVersion", "iam:PassRole", "s3:GetObject")
	e.must(t, nolayer, "cloudformation", "create-stack", "--stack-name", "denied", "--template-body", e.template(t, "denied.yaml", layerTemplate))
	if st := e.settle(t, "denied"); st.StackStatus != "ROLLBACK_COMPLETE" {
		t.Errorf("stack without lambda:GetLayerVersion: %+v", st)
	}
	want := handlerDenial("User: arn:aws:iam::000000000000:user/nolayer is not authorized to perform: lambda:GetLayerVersion on resource: arn:aws:lambda:us-east-1:000000000000:layer:libs:1 because no identity-based policy allows the lambda:GetLayerVersion action", "Lambda", "403")
	if got := e.failure(t, "denied", "Fn"); !want.MatchString(got) {
		t.Errorf("reason\n got %s\nwant %s", got, want)
	}
	// The rollback deleted the version it published.
	if _, err := e.lambda.GetLayerVersion(context.Background(), &lambda.GetLayerVersionInput{LayerName: aws.String("libs"), VersionNumber: aws.Int64(1)}); err == nil {
		t.Error("layer version 1 survived the rollback")
	}

	e.must(t, e.root, "cloudformation", "create-stack", "--stack-name", "libs", "--template-body", e.template(t, "libs.yaml", layerTemplate))
	if st := e.settle(t, "libs"); st.StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("stack: %+v", st)
	}
	arn := "arn:aws:lambda:us-east-1:000000000000:layer:libs:2" // version 1 went with the rollback; numbers are never reused
	var cfg struct{ Layers []struct{ Arn string } }
	if err := json.Unmarshal([]byte(e.must(t, e.root, "lambda", "get-function-configuration", "--function-name", "uses-libs")), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Layers) != 1 || cfg.Layers[0].Arn != arn {
		t.Errorf("function layers = %+v, want %s", cfg.Layers, arn)
	}
	out := filepath.Join(e.dir, "out.json")
	e.must(t, e.root, "lambda", "invoke", "--function-name", "uses-libs", out)
	if b, _ := os.ReadFile(out); string(b) != `"hi from the layer"` {
		t.Errorf("invoke = %s", b)
	}

	e.must(t, e.root, "cloudformation", "delete-stack", "--stack-name", "libs")
	e.must(t, e.root, "cloudformation", "wait", "stack-delete-complete", "--stack-name", "libs")
	list := e.must(t, e.root, "lambda", "list-layer-versions", "--layer-name", "libs")
	if !strings.Contains(list, `"LayerVersions": []`) {
		t.Errorf("after delete-stack: %s", list)
	}
}
