package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/testutil"
)

// TestBuildPackageDeploy runs the seed's own sequence with a dependency:
// `iamgate build` installs requirements.txt (a local wheel: no index here),
// `iamgate deploy` takes the built template by default, the function
// imports its dependency; `iamgate package` writes a packaged template that
// `aws cloudformation deploy` deploys unchanged.
func TestBuildPackageDeploy(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dir := t.TempDir()
	files := map[string]string{
		"template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  GreetFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.11
Outputs:
  Fn:
    Value: !Ref GreetFunction
`,
		"src/app.py":           "import greetlib\n\ndef handler(event, context):\n    return {'greeting': greetlib.greet('build')}\n",
		"src/requirements.txt": "./greetlib-1.0-py3-none-any.whl\n",
		"samconfig.toml":       "version = 0.1\n[default.deploy.parameters]\nstack_name = \"greet\"\nresolve_s3 = true\ncapabilities = \"CAPABILITY_IAM\"\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testutil.Wheel(t, filepath.Join(dir, "src", "greetlib-1.0-py3-none-any.whl"))
	b := startServe(t, bin, dir)

	build := exec.Command(bin, "build")
	build.Dir, build.Env = dir, cleanEnv()
	if out, err := build.CombinedOutput(); err != nil || !strings.Contains(string(out), "Build Succeeded") {
		t.Fatalf("iamgate build: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, ".aws-sam", "build", "GreetFunction", "greetlib", "__init__.py")); err != nil {
		t.Fatalf("requirements not installed: %v", err)
	}
	if out, err := b.iamgate(t, "deploy"); err != nil || !strings.Contains(out, ".aws-sam") && !strings.Contains(out, "greet") {
		t.Fatalf("deploy of the built template: %v\n%s", err, out)
	}
	out, err := b.iamgate(t, "invoke", "GreetFunction", "--stack-name", "greet")
	if err != nil || strings.TrimSpace(out) != `{"greeting": "hello build"}` {
		t.Fatalf("invoke: %v %s", err, out)
	}

	b.mustAWS(t, "s3", "mb", "s3://greet-artifacts")
	packaged := filepath.Join(dir, "packaged.yaml")
	if out, err := b.iamgate(t, "package", "--s3-bucket", "greet-artifacts", "--output-template-file", packaged); err != nil ||
		!strings.Contains(out, "Successfully packaged artifacts and wrote output template to file") {
		t.Fatalf("package: %v\n%s", err, out)
	}
	body, _ := os.ReadFile(packaged)
	if !strings.Contains(string(body), "s3://greet-artifacts/") {
		t.Fatalf("packaged template:\n%s", body)
	}
	b.mustAWS(t, "cloudformation", "deploy", "--template-file", packaged, "--stack-name", "greet-packaged", "--capabilities", "CAPABILITY_IAM")
	fn := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "greet-packaged",
		"--query", "Stacks[0].Outputs[?OutputKey=='Fn'].OutputValue", "--output", "text"))
	res := filepath.Join(dir, "res.json")
	b.mustAWS(t, "lambda", "invoke", "--function-name", fn, res)
	if got, _ := os.ReadFile(res); string(got) != `{"greeting": "hello build"}` {
		t.Errorf("packaged function answered %s", got)
	}
}
