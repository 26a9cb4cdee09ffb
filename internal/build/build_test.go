package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/testutil"
)

// writeFiles writes name → content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const template = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 3
Resources:
  PyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: py/
      Handler: app.handler
      Runtime: python3.11
  NodeFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: node/
      Handler: index.handler
      Runtime: nodejs20.x
  MakeFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: makefile
    Properties:
      CodeUri: mk/
      Handler: x
      Runtime: provided.al2023
  GoFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: go1.x
    Properties:
      CodeUri: gofn/
      Handler: bootstrap
      Runtime: provided.al2023
  DepsLayer:
    Type: AWS::Serverless::LayerVersion
    Metadata:
      BuildMethod: python3.11
    Properties:
      ContentUri: layer/
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(e, c): return 1"
      Handler: index.handler
      Runtime: python3.11
  Remote:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/key.zip
      Handler: index.handler
      Runtime: python3.11
`

func TestBuild(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	testutil.NeedCommand(t, "npm")
	testutil.NeedCommand(t, "make")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"template.yaml":          template,
		"py/app.py":              "import greetlib\ndef handler(e, c):\n    return greetlib.greet('py')\n",
		"py/requirements.txt":    "./greetlib-1.0-py3-none-any.whl\n",
		"py/__pycache__/x.pyc":   "stale",
		"node/index.js":          "exports.handler = async () => 'node';\n",
		"node/package.json":      `{"name":"fn","version":"1.0.0","private":true}`,
		"mk/Makefile":            "build-MakeFunction:\n\techo built > $(ARTIFACTS_DIR)/bootstrap\n",
		"gofn/go.mod":            "module gofn\n\ngo 1.22\n",
		"gofn/main.go":           "package main\n\nfunc main() {}\n",
		"layer/requirements.txt": "./greetlib-1.0-py3-none-any.whl\n",
	})
	testutil.Wheel(t, filepath.Join(dir, "py", "greetlib-1.0-py3-none-any.whl"))
	testutil.Wheel(t, filepath.Join(dir, "layer", "greetlib-1.0-py3-none-any.whl"))
	tmpl := filepath.Join(dir, "template.yaml")
	out := filepath.Join(dir, ".aws-sam", "build")
	var log bytes.Buffer
	res, err := Build(context.Background(), Options{Template: tmpl, Body: []byte(template), Dir: out, Stdout: &log, Stderr: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if want := []string{"DepsLayer", "GoFunction", "MakeFunction", "NodeFunction", "PyFunction"}; !slices.Equal(res.Built, want) {
		t.Errorf("built %v, want %v", res.Built, want)
	}
	for _, p := range []string{
		"PyFunction/app.py", "PyFunction/greetlib/__init__.py", // requirements installed beside the code
		"NodeFunction/index.js", "NodeFunction/package-lock.json",
		"MakeFunction/bootstrap", "GoFunction/bootstrap",
		"DepsLayer/python/greetlib/__init__.py", // on a layer's Python path (/opt/python)
	} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "PyFunction", "__pycache__")); err == nil {
		t.Error("__pycache__ was copied")
	}
	for _, e := range res.Edits {
		if e.New != e.Path[1] {
			t.Errorf("edit %v → %s", e.Path, e.New)
		}
	}
	if !strings.Contains(log.String(), "Building function PyFunction (python3.11)") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestBuildErrors(t *testing.T) {
	dir := t.TempDir()
	body := "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: missing/\n      Runtime: python3.11\n      Handler: a.b\n"
	_, err := Build(context.Background(), Options{Template: filepath.Join(dir, "template.yaml"), Body: []byte(body), Dir: filepath.Join(dir, "out")})
	if err == nil || !strings.Contains(err.Error(), "template.yaml:5") || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("err = %v", err)
	}
	writeFiles(t, dir, map[string]string{"mk/Makefile": "other:\n\ttrue\n"})
	body = "Resources:\n  MakeFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildMethod: makefile\n    Properties:\n      CodeUri: mk/\n      Runtime: provided.al2023\n      Handler: x\n"
	testutil.NeedCommand(t, "make")
	_, err = Build(context.Background(), Options{Template: filepath.Join(dir, "template.yaml"), Body: []byte(body), Dir: filepath.Join(dir, "out")})
	if err == nil || !strings.Contains(err.Error(), "make build-MakeFunction") {
		t.Errorf("err = %v", err)
	}
}

// The built template sits in the build directory: the local paths it keeps
// (an API's DefinitionUri, an AWS::Include file) are rewritten relative to
// it, as sam build does; s3:// locations and built folders are left alone.
func TestBuildRelocatesLocalPaths(t *testing.T) {
	dir := t.TempDir()
	body := `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionUri: api/openapi.yaml
  Body:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: ./include.yaml
  Remote:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionUri: s3://bucket/api.yaml
`
	res, err := Build(context.Background(), Options{Template: filepath.Join(dir, "template.yaml"), Body: []byte(body),
		Dir: filepath.Join(dir, ".aws-sam", "build")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range res.Edits {
		got[strings.Join(e.Path, "/")] = e.New
	}
	want := map[string]string{
		"Resources/Api/Properties/DefinitionUri":                                     "../../api/openapi.yaml",
		"Resources/Body/Properties/DefinitionBody/Fn::Transform/Parameters/Location": "../../include.yaml",
	}
	if len(got) != len(want) {
		t.Errorf("edits = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s → %q, want %q", k, got[k], v)
		}
	}
}
