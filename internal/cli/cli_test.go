package cli

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/cfn"
)

func TestSplitShellAndOverrides(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want map[string]string
		err  bool
	}{
		{"plain", "A=1 B=2", map[string]string{"A": "1", "B": "2"}, false},
		{"quoted", `Stage="v 1" Name='x'`, map[string]string{"Stage": "v 1", "Name": "x"}, false},
		{"long form", "ParameterKey=StageName,ParameterValue=v2", map[string]string{"StageName": "v2"}, false},
		{"value with equals", "Q=a=b", map[string]string{"Q": "a=b"}, false},
		{"missing equals", "A", nil, true},
		{"empty key", "=x", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseOverrides(splitShell(c.in))
			if (err != nil) != c.err {
				t.Fatalf("err = %v", err)
			}
			if !c.err {
				if d := cmp.Diff(c.want, got); d != "" {
					t.Errorf("(-want +got)\n%s", d)
				}
			}
		})
	}
}

func TestReadSAMConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "samconfig.toml")
	os.WriteFile(p, []byte(`version = 0.1
[default.global.parameters]
region = "eu-west-1"
[default.deploy.parameters]
stack_name = "S"
s3_bucket = "b"
capabilities = "CAPABILITY_IAM CAPABILITY_NAMED_IAM"
parameter_overrides = ["StageName=v2", "X=\"a b\""]
`), 0o644)
	got, err := readSAMConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	want := samConfig{StackName: "S", S3Bucket: "b", Region: "eu-west-1",
		Capabilities: []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"}, ParameterOverrides: map[string]string{"StageName": "v2", "X": "a b"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	if _, err := readSAMConfig(filepath.Join(dir, "missing.toml")); err != nil {
		t.Errorf("a missing samconfig.toml is not an error: %v", err)
	}
	os.WriteFile(p, []byte("[default\n"), 0o644)
	if _, err := readSAMConfig(p); err == nil || !strings.Contains(err.Error(), "samconfig.toml") {
		t.Errorf("bad toml: %v", err)
	}
}

func TestLocalURLs(t *testing.T) {
	cases := []struct{ in, host, path string }{
		{"https://abcdefghij.execute-api.us-east-1.amazonaws.com/v1/hello",
			"http://abcdefghij.execute-api.localhost:4566/v1/hello", "http://127.0.0.1:4566/restapis/abcdefghij/v1/_user_request_/hello"},
		{"https://abcdefghij.execute-api.eu-west-1.amazonaws.com/Prod",
			"http://abcdefghij.execute-api.localhost:4566/Prod", "http://127.0.0.1:4566/restapis/abcdefghij/Prod/_user_request_/"},
	}
	for _, c := range cases {
		h, p, ok := localURLs(context.Background(), "http://127.0.0.1:4566", c.in, nil)
		if !ok || h != c.host || p != c.path {
			t.Errorf("%s: got %s %s %v", c.in, h, p, ok)
		}
	}
	if _, _, ok := localURLs(context.Background(), "http://127.0.0.1:4566", "arn:aws:iam::1:user/x", nil); ok {
		t.Error("a non-URL output matched")
	}
}

func TestPackageTemplateUploadsLocalCode(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "app.py"), []byte("def h(e, c): return 1\n"), 0o644)
	tmpl := filepath.Join(dir, "template.yaml")
	body := []byte("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.h\n      Runtime: python3.11\n  G:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: src\n      Handler: app.h\n      Runtime: python3.11\n      Role: arn:aws:iam::000000000000:role/r\n")
	uploaded := map[string]int{}
	out, err := packageTemplate(context.Background(), tmpl, body, "pre", func(_ context.Context, key string, data []byte) (string, error) {
		uploaded[key] = len(data)
		return "bkt", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cfn.Parse("out", []byte(out))
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if strings.Count(out, "\n") != strings.Count(string(body), "\n") {
		t.Errorf("lines moved: the user's line numbers must stay valid:\n%s", out)
	}
	res := parsed.Root["Resources"].(map[string]any)
	uri := res["F"].(map[string]any)["Properties"].(map[string]any)["CodeUri"].(string)
	code := res["G"].(map[string]any)["Properties"].(map[string]any)["Code"].(map[string]any)
	if !strings.HasPrefix(uri, "s3://bkt/pre/") || code["S3Bucket"] != "bkt" || !strings.HasPrefix(code["S3Key"].(string), "pre/") {
		t.Errorf("rewritten: %s %v", uri, code)
	}
	if len(uploaded) != 1 {
		t.Errorf("same directory should upload once (content-addressed), got %v", uploaded)
	}
	_, err = packageTemplate(context.Background(), tmpl, []byte("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: nope/\n"), "", nil)
	if err == nil || !strings.Contains(err.Error(), "template.yaml:5") || !strings.Contains(err.Error(), "CodeUri") {
		t.Errorf("missing path error should name file, line and field: %v", err)
	}
}

func TestStackNameFor(t *testing.T) {
	for in, want := range map[string]string{"/x/hello-iam": "hello-iam", "/x/my_app 2": "my-app-2", "/x/9lives": "iamgate-9lives"} {
		if got := stackNameFor(in); got != want {
			t.Errorf("%s: got %s want %s", in, got, want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"abc/+=": "abc/+=", "a b": "'a b'", "it's": `'it'\''s'`, "": "''"} {
		if got := shellQuote(in); got != want {
			t.Errorf("%q: got %s want %s", in, got, want)
		}
	}
}

func TestConsoleHandler(t *testing.T) {
	var b strings.Builder
	log := slog.New(newConsoleHandler(&b, slog.LevelWarn)).With("component", "lambda")
	log.Info("hidden")
	log.Warn("python3.9 is not installed; running F on python3 (3.11.7)", "function", "F")
	log.Error("invoke failed", "err", errors.New("boom"))
	want := "warning: python3.9 is not installed; running F on python3 (3.11.7)\nerror: invoke failed: boom\n"
	if b.String() != want {
		t.Errorf("got %q", b.String())
	}
}
