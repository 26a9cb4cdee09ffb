package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBlogSequence runs issue 5's sequence against `iamgate serve`: the
// blog post's own commands with the real aws CLI (v1), then examples/hello-iam/blog.sh,
// then the same deployment with `iamgate deploy` and `iamgate logs`.
func TestBlogSequence(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyExample(t))

	t.Run("aws CLI", func(t *testing.T) { blogWithAWSCLI(t, b) })
	t.Run("blog.sh", func(t *testing.T) {
		cmd := exec.Command("sh", filepath.Join(b.dir, "blog.sh"))
		cmd.Env = append(cleanEnv(), "IAMGATE="+b.bin, "IAMGATE_FLAGS=--data-dir "+b.dataDir+" --endpoint-url "+b.endpoint)
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("The blog sequence works against")) {
			t.Fatalf("blog.sh: %v\n%s", err, out)
		}
		b.deleteStack(t)
	})
	t.Run("iamgate deploy", func(t *testing.T) { blogWithDeploy(t, b) })
}

// blog is a running `iamgate serve` and the example folder.
type blog struct {
	bin, dir, dataDir, endpoint, addr string
	env                               []string // after eval "$(iamgate env)"
	proc                              *os.Process
}

const blogStack = "Api-IAM-Sample-Stack"

var awsURL = regexp.MustCompile(`^https://([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com/v1/hello$`)

func startServe(t *testing.T, bin, dir string) *blog {
	t.Helper()
	return serveAt(t, bin, dir, filepath.Join(t.TempDir(), "data"))
}

// serveAt starts `iamgate serve` over dataDir (a restart when it was used before).
func serveAt(t *testing.T, bin, dir, dataDir string) *blog {
	t.Helper()
	b := &blog{bin: bin, dir: dir, dataDir: dataDir}
	cmd := exec.Command(bin, "serve", "--addr", anyPort, "--data-dir", b.dataDir)
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b.proc = cmd.Process
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("iamgate serve stderr:\n%s", stderr.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr := listeningAddr(sc.Text()); addr != "" {
				ready <- addr
			}
		}
		ready <- ""
	}()
	select {
	case b.addr = <-ready:
		if b.addr == "" {
			t.Fatalf("iamgate serve exited:\n%s", stderr.String())
		}
		b.endpoint = "http://" + b.addr
	case <-time.After(60 * time.Second):
		t.Fatal("iamgate serve did not listen within 60s")
	}
	out, err := b.iamgate(t, "env")
	if err != nil {
		t.Fatal(err)
	}
	b.env = cleanEnv()
	for _, line := range strings.Split(out, "\n") {
		if kv, ok := strings.CutPrefix(line, "export "); ok {
			b.env = append(b.env, strings.ReplaceAll(kv, "'", ""))
		}
	}
	return b
}

// iamgate runs a client subcommand in the example folder.
func (b *blog) iamgate(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(b.bin, append(args, "--data-dir", b.dataDir, "--endpoint-url", b.endpoint)...)
	cmd.Dir, cmd.Env = b.dir, cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		err = errors.New(err.Error() + ": " + stderr.String())
	}
	return string(out), err
}

// aws runs the aws CLI in the example folder with iamgate's environment.
func (b *blog) aws(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("aws", args...)
	cmd.Dir, cmd.Env = b.dir, b.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		err = errors.New("aws " + strings.Join(args, " ") + ": " + err.Error() + ": " + stderr.String())
	}
	return string(out), err
}

func (b *blog) mustAWS(t *testing.T, args ...string) string {
	t.Helper()
	out, err := b.aws(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// apiURL is the stack's HelloWorldApi output, checked against AWS's shape.
func (b *blog) apiURL(t *testing.T) (url, apiID string) {
	t.Helper()
	var outputs [][]struct{ OutputKey, OutputValue string }
	out := b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", blogStack, "--query", "Stacks[].Outputs")
	if err := json.Unmarshal([]byte(out), &outputs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(outputs) != 1 || len(outputs[0]) != 1 || outputs[0][0].OutputKey != "HelloWorldApi" {
		t.Fatalf("outputs: %s", out)
	}
	m := awsURL.FindStringSubmatch(outputs[0][0].OutputValue)
	if m == nil {
		t.Fatalf("output %q is not an execute-api URL", outputs[0][0].OutputValue)
	}
	return m[0], m[1]
}

// call sends a GET for the AWS URL to iamgate with the AWS Host header,
// signed with k unless k is nil.
func (b *blog) call(t *testing.T, url string, k *accessKey) response {
	t.Helper()
	host := strings.SplitN(url, "/", 4)[2]
	req, _ := http.NewRequest(http.MethodGet, strings.Replace(url, "https://"+host, b.endpoint, 1), nil)
	req.Host = host
	if k != nil {
		req = signRequest(t, req, k.AccessKey.AccessKeyID, k.AccessKey.SecretAccessKey, time.Now())
	}
	return do(t, req)
}

func (b *blog) createKey(t *testing.T) *accessKey {
	t.Helper()
	var k accessKey
	out := b.mustAWS(t, "iam", "create-access-key", "--user-name", "api-gateway-user")
	if err := json.Unmarshal([]byte(out), &k); err != nil || k.AccessKey.AccessKeyID == "" {
		t.Fatalf("create-access-key: %v: %s", err, out)
	}
	t.Cleanup(func() {
		_, _ = b.aws(t, "iam", "delete-access-key", "--user-name", "api-gateway-user", "--access-key-id", k.AccessKey.AccessKeyID)
	})
	return &k
}

const missingToken = `{"message":"Missing Authentication Token"}`

// deleteStack deletes the stack and waits (bounded) until it is gone.
func (b *blog) deleteStack(t *testing.T) {
	t.Helper()
	b.mustAWS(t, "cloudformation", "delete-stack", "--stack-name", blogStack)
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := b.aws(t, "cloudformation", "describe-stacks", "--stack-name", blogStack, "--query", "Stacks[0].StackStatus", "--output", "text")
		if err != nil && strings.Contains(err.Error(), "does not exist") || strings.TrimSpace(out) == "DELETE_COMPLETE" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack not deleted after 30s: %q %v", out, err)
		}
	}
}

func blogWithAWSCLI(t *testing.T, b *blog) {
	b.mustAWS(t, "s3", "mb", "s3://cm-fujii.genki-deploy")
	b.mustAWS(t, "s3", "cp", "api.yaml", "s3://cm-fujii.genki-deploy/Api-IAM-Sample-Stack/api.yaml")
	packaged := filepath.Join(t.TempDir(), "packaged.yaml")
	pkg := func() {
		b.mustAWS(t, "cloudformation", "package", "--template-file", "template.yaml", "--s3-bucket", "cm-fujii.genki-deploy", "--output-template-file", packaged)
	}
	deploy := func(what string) string {
		start := time.Now()
		out := b.mustAWS(t, "cloudformation", "deploy", "--template-file", packaged, "--stack-name", blogStack,
			"--capabilities", "CAPABILITY_NAMED_IAM", "--no-fail-on-empty-changeset")
		// Issue 5: about a second; the CLI's waiter sleeps 30 s when the stack is not done at its first poll.
		t.Logf("aws cloudformation deploy (%s) took %v", what, time.Since(start))
		return out
	}
	pkg()
	deploy("create")
	url, apiID := b.apiURL(t)
	key := b.createKey(t)
	if r := b.call(t, url, key); r.status != 200 || r.body != helloBody {
		t.Errorf("signed: got %d %s", r.status, r.body)
	}
	if r := b.call(t, url, nil); r.status != 403 || r.body != missingToken {
		t.Errorf("unsigned: got %d %s", r.status, r.body)
	}
	t.Run("second deploy changes nothing", func(t *testing.T) {
		out := deploy("unchanged")
		if !strings.Contains(out, "No changes to deploy. Stack Api-IAM-Sample-Stack is up to date") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("changed Timeout updates in place", func(t *testing.T) {
		tmpl := filepath.Join(b.dir, "template.yaml")
		body, _ := os.ReadFile(tmpl)
		if err := os.WriteFile(tmpl, bytes.Replace(body, []byte("Timeout: 3"), []byte("Timeout: 5"), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.WriteFile(tmpl, body, 0o644) })
		pkg()
		deploy("update")
		if _, id := b.apiURL(t); id != apiID {
			t.Errorf("API replaced: %s, was %s", id, apiID)
		}
		fn := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stack-resource", "--stack-name", blogStack,
			"--logical-resource-id", "HelloWorldFunction", "--query", "StackResourceDetail.PhysicalResourceId", "--output", "text"))
		if got := strings.TrimSpace(b.mustAWS(t, "lambda", "get-function-configuration", "--function-name", fn, "--query", "Timeout")); got != "5" {
			t.Errorf("Timeout %s, want 5", got)
		}
		events := b.mustAWS(t, "cloudformation", "describe-stack-events", "--stack-name", blogStack, "--query",
			"StackEvents[?LogicalResourceId=='HelloWorldFunction'].ResourceStatus", "--output", "text")
		if !strings.Contains(events, "UPDATE_COMPLETE") {
			t.Errorf("no UPDATE_COMPLETE event for HelloWorldFunction: %s", events)
		}
		if r := b.call(t, url, key); r.status != 200 || r.body != helloBody {
			t.Errorf("signed after update: got %d %s", r.status, r.body)
		}
	})
	t.Run("delete-stack", func(t *testing.T) {
		b.deleteStack(t)
		if r := b.call(t, url, key); r.status != 403 || r.body != missingToken {
			t.Errorf("after delete: got %d %s", r.status, r.body)
		}
		if _, err := b.aws(t, "iam", "get-user", "--user-name", "api-gateway-user"); err == nil || !strings.Contains(err.Error(), "NoSuchEntity") {
			t.Errorf("get-user after delete: %v", err)
		}
	})
}

func blogWithDeploy(t *testing.T, b *blog) {
	t.Run("local CodeUri without a bucket", func(t *testing.T) {
		_, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "NoBucket", "--config-file", os.DevNull)
		want := "S3 Bucket not specified, use --s3-bucket to specify a bucket name, or use --resolve-s3 to create a managed default bucket, or run sam deploy --guided"
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "template.yaml:46:7: Resources/HelloWorldFunction/Properties/CodeUri") {
			t.Errorf("got %v", err)
		}
	})
	start := time.Now()
	out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", blogStack, "--capabilities", "CAPABILITY_NAMED_IAM")
	t.Logf("iamgate deploy took %v", time.Since(start))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	url, apiID := b.apiURL(t)
	for _, s := range []string{"CREATE_COMPLETE              AWS::Lambda::Function", "Successfully created/updated stack - Api-IAM-Sample-Stack in us-east-1",
		"Value               " + url, "path style: " + b.endpoint + "/restapis/" + apiID + "/v1/_user_request_/hello"} {
		if !strings.Contains(out, s) {
			t.Errorf("deploy output lacks %q:\n%s", s, out)
		}
	}
	key := b.createKey(t)
	if r := b.call(t, url, key); r.status != 200 || r.body != helloBody {
		t.Errorf("signed: got %d %s", r.status, r.body)
	}
	t.Run("second deploy", func(t *testing.T) {
		out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", blogStack, "--capabilities", "CAPABILITY_NAMED_IAM")
		if err == nil || !strings.Contains(err.Error(), "No changes to deploy. Stack Api-IAM-Sample-Stack is up to date") {
			t.Errorf("default fails on an empty change set, as sam does: %v\n%s", err, out)
		}
		out, err = b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", blogStack, "--capabilities", "CAPABILITY_NAMED_IAM", "--no-fail-on-empty-changeset")
		if err != nil || !strings.Contains(out, "No changes to deploy. Stack Api-IAM-Sample-Stack is up to date") || !strings.Contains(out, "skipping upload") {
			t.Errorf("%v\n%s", err, out)
		}
	})
	t.Run("logs", func(t *testing.T) {
		fn := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stack-resource", "--stack-name", blogStack,
			"--logical-resource-id", "HelloWorldFunction", "--query", "StackResourceDetail.PhysicalResourceId", "--output", "text"))
		out, err := b.iamgate(t, "logs", fn)
		if err != nil || !regexp.MustCompile(`(?m)^\S+ \S+ START RequestId: `).MatchString(out) {
			t.Errorf("iamgate logs %s: %v\n%s", fn, err, out)
		}
	})
	t.Run("events streamed in order", func(t *testing.T) {
		var got []string
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) >= 3 && f[1] == "AWS::CloudFormation::Stack" {
				got = append(got, f[0])
			}
		}
		if diff := cmp.Diff([]string{"CREATE_IN_PROGRESS", "CREATE_COMPLETE"}, got); diff != "" {
			t.Errorf("stack events (-want +got):\n%s\n%s", diff, out)
		}
	})
	b.deleteStack(t)
	if r := b.call(t, url, key); r.status != 403 || r.body != missingToken {
		t.Errorf("after delete: got %d %s", r.status, r.body)
	}
}
