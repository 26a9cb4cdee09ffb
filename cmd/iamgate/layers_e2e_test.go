package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

// TestDeployLayers deploys testdata/layers (AWS::Serverless::LayerVersion
// holding a Python module and a Node.js package, each used by a function
// behind a REST API) with `iamgate deploy`, calls the API over plain HTTP,
// then drives the layer operations with the aws CLI: publish-layer-version
// and list-layer-versions answer as the Lambda API reference shows, and
// update-function-configuration moves the function to the new version,
// which the next call runs (the warm instance is retired). A user allowed
// the update but not lambda:GetLayerVersion, or not iam:PassRole, is
// refused as Lambda refuses it. Shapes:
// https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html,
// API_ListLayerVersions.html, API_UpdateFunctionConfiguration.html.
func TestDeployLayers(t *testing.T) {
	needE2E(t)
	testutil.NeedCommand(t, "node")
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "layers"))
	if out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "layers",
		"--resolve-s3", "--capabilities", "CAPABILITY_IAM"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var outputs []struct{ OutputKey, OutputValue string }
	if err := json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "layers",
		"--query", "Stacks[0].Outputs")), &outputs); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, o := range outputs {
		out[o.OutputKey] = o.OutputValue
	}
	// SAM names the layer after its logical ID (LayerName absent).
	layerARN := "arn:aws:lambda:us-east-1:000000000000:layer:PyLibs"
	m := regexp.MustCompile(`^https://([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com/prod/$`).FindStringSubmatch(out["Url"])
	if m == nil || out["PyLayer"] != layerARN+":1" {
		t.Fatalf("outputs %v", out)
	}
	base := b.endpoint + "/restapis/" + m[1] + "/prod/_user_request_/"
	get := func(path string) string {
		t.Helper()
		r := do(t, mustRequest(t, base+path))
		if r.status != http.StatusOK {
			t.Fatalf("GET /%s: %d %s", path, r.status, r.body)
		}
		return r.body
	}
	if got := get("py"); got != `{"greeting": "hello from the python layer"}` {
		t.Errorf("GET /py = %s", got)
	}
	if got := get("node"); got != `{"shout":"HELLO FROM THE NODE LAYER!"}` {
		t.Errorf("GET /node = %s", got)
	}

	// A second version, published with the aws CLI.
	content := zipFiles(t, map[string]string{"python/greet.py": "def greeting():\n    return \"version two\"\n"})
	zipPath := filepath.Join(t.TempDir(), "v2.zip")
	if err := os.WriteFile(zipPath, content, 0o600); err != nil {
		t.Fatal(err)
	}
	var pub map[string]any
	json.Unmarshal([]byte(b.mustAWS(t, "lambda", "publish-layer-version", "--layer-name", "PyLibs", "--description", "two",
		"--zip-file", "fileb://"+zipPath, "--compatible-runtimes", "python3.12", "--output", "json")), &pub)
	created, _ := pub["CreatedDate"].(string)
	delete(pub, "CreatedDate")
	sum := sha256.Sum256(content)
	want := map[string]any{"Content": map[string]any{"CodeSha256": base64.StdEncoding.EncodeToString(sum[:]), "CodeSize": float64(len(content))},
		"LayerArn": layerARN, "LayerVersionArn": layerARN + ":2", "Description": "two", "Version": 2.0,
		"CompatibleRuntimes": []any{"python3.12"}}
	if d := cmp.Diff(want, pub); d != "" {
		t.Errorf("publish-layer-version (-want +got):\n%s", d)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`).MatchString(created) {
		t.Errorf("CreatedDate = %q", created)
	}
	var list [][]any
	json.Unmarshal([]byte(b.mustAWS(t, "lambda", "list-layer-versions", "--layer-name", "PyLibs",
		"--query", "LayerVersions[].[LayerVersionArn, Version, LicenseInfo]", "--output", "json")), &list)
	if d := cmp.Diff([][]any{{layerARN + ":2", 2.0, nil}, {layerARN + ":1", 1.0, "MIT"}}, list); d != "" {
		t.Errorf("list-layer-versions (-want +got):\n%s", d)
	}

	fn := out["PyFn"]
	var fc struct {
		Layers           []struct{ Arn string }
		Timeout          int
		LastUpdateStatus string
		Environment      struct{ Variables map[string]string }
	}
	json.Unmarshal([]byte(b.mustAWS(t, "lambda", "update-function-configuration", "--function-name", fn, "--layers", layerARN+":2",
		"--environment", "Variables={STAGE=two}", "--output", "json")), &fc)
	if len(fc.Layers) != 1 || fc.Layers[0].Arn != layerARN+":2" || fc.Timeout != 10 || fc.LastUpdateStatus != "Successful" || fc.Environment.Variables["STAGE"] != "two" {
		t.Errorf("update-function-configuration = %+v", fc)
	}
	if got := get("py"); got != `{"greeting": "version two"}` {
		t.Errorf("GET /py after the update = %s", got)
	}

	// Denied: the update needs lambda:GetLayerVersion on a new layer and
	// iam:PassRole on a new role.
	b.mustAWS(t, "iam", "create-user", "--user-name", "configurer")
	b.mustAWS(t, "iam", "put-user-policy", "--user-name", "configurer", "--policy-name", "p", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:UpdateFunctionConfiguration","lambda:GetFunctionConfiguration"],"Resource":"*"}]}`)
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	json.Unmarshal([]byte(b.mustAWS(t, "iam", "create-access-key", "--user-name", "configurer", "--output", "json")), &key)
	role := strings.TrimSpace(b.mustAWS(t, "iam", "create-role", "--role-name", "other-fn-role", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		"--query", "Role.Arn", "--output", "text"))
	user := "arn:aws:iam::000000000000:user/configurer"
	denied := []struct{ name, arg, value, want string }{
		{"layer", "--layers", layerARN + ":1", "An error occurred (AccessDeniedException) when calling the UpdateFunctionConfiguration operation: User: " + user +
			" is not authorized to perform: lambda:GetLayerVersion on resource: " + layerARN + ":1 because no identity-based policy allows the lambda:GetLayerVersion action"},
		{"role", "--role", role, "An error occurred (AccessDeniedException) when calling the UpdateFunctionConfiguration operation: User: " + user +
			" is not authorized to perform: iam:PassRole on resource: " + role + " because no identity-based policy allows the iam:PassRole action"},
	}
	for _, d := range denied {
		_, err := awsAsKey(b, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, "lambda", "update-function-configuration", "--function-name", fn, d.arg, d.value)
		if err == nil || !strings.Contains(err.Error(), d.want) {
			t.Errorf("%s: %v\nwant %s", d.name, err, d.want)
		}
	}
	if got := get("py"); got != `{"greeting": "version two"}` {
		t.Errorf("GET /py after the denied updates = %s", got)
	}
}

// awsAsKey runs the aws CLI with another access key than the admin's.
func awsAsKey(b *blog, id, secret string, args ...string) (string, error) {
	cmd := exec.Command("aws", args...)
	cmd.Dir = b.dir
	for _, kv := range b.env {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") && !strings.HasPrefix(kv, "AWS_SESSION_TOKEN=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+id, "AWS_SECRET_ACCESS_KEY="+secret)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		err = errors.New(err.Error() + ": " + strings.TrimSpace(stderr.String()))
	}
	return string(out), err
}

func zipFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
