package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/credfile"
)

// TestRoughEdges covers issue 16's list of what a new user hit, on one
// `iamgate up` of the seed.
func TestRoughEdges(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	a := startUp(t, bin, copyExample(t), dataDir, anyPort)

	t.Run("curl --as a user with two keys already", func(t *testing.T) {
		a.aws("iam", "create-user", "--user-name", "twokeys")
		k1 := a.createKey("twokeys")
		a.createKey("twokeys")
		_, err := a.iamgate("curl", "--as", "twokeys", a.pathURL)
		want := "twokeys already has 2 access keys, IAM's limit, and none is kept in " + filepath.Join(dataDir, "credentials")
		if err == nil || !strings.Contains(a.lastStderr, want) || !strings.Contains(a.lastStderr, "aws iam delete-access-key --user-name twokeys --access-key-id "+k1.AccessKey.AccessKeyID) {
			t.Fatalf("got %v\n%s", err, a.lastStderr)
		}
		a.aws("iam", "delete-access-key", "--user-name", "twokeys", "--access-key-id", k1.AccessKey.AccessKeyID)
		// twokeys has no policy: a signed 403 from the API, not an error of iamgate curl.
		if out, err := a.iamgate("curl", "--as", "twokeys", a.pathURL); err != nil || !strings.Contains(out, "is not authorized to perform: execute-api:Invoke") {
			t.Errorf("after deleting one: %v %s", err, out)
		}
	})
	t.Run("curl --as with a kept key that was deleted", func(t *testing.T) {
		if out, err := a.iamgate("curl", "--as", "api-gateway-user", a.pathURL); err != nil || out != helloBody {
			t.Fatalf("%v %s", err, out)
		}
		profiles, _, err := credfile.Read(filepath.Join(dataDir, "credentials"))
		if err != nil {
			t.Fatal(err)
		}
		a.aws("iam", "delete-access-key", "--user-name", "api-gateway-user", "--access-key-id", profiles["api-gateway-user"][0])
		out, err := a.iamgate("curl", "--as", "api-gateway-user", a.pathURL)
		if err != nil || out != helloBody || !strings.Contains(a.lastStderr, "no longer exists; made a new one") {
			t.Errorf("%v %s\n%s", err, out, a.lastStderr)
		}
	})
	t.Run("logs by logical id", func(t *testing.T) {
		if _, err := a.iamgate("curl", "--as", "api-gateway-user", a.pathURL); err != nil {
			t.Fatal(err)
		}
		start := regexp.MustCompile(`(?m)^\S+ \S+ START RequestId: `)
		out, err := a.iamgate("logs", "HelloWorldFunction", "--stack-name", "Api-IAM-Sample-Stack", "--start-time", "10mins ago")
		if err != nil || !start.MatchString(out) {
			t.Errorf("logs HelloWorldFunction --stack-name: %v\n%s", err, out)
		}
		out, err = a.iamgate("logs", "HelloWorldFunction", "--stack-name", "Api-IAM-Sample-Stack", "--filter", "NoSuchText")
		if err != nil || out != "" {
			t.Errorf("--filter: %v %q", err, out)
		}
		if _, err := a.iamgate("logs", "HelloWorldFunction"); err == nil || !strings.Contains(a.lastStderr, "pass --stack-name") {
			t.Errorf("without --stack-name: %v %s", err, a.lastStderr)
		}
	})
	t.Run("get-rest-apis has no import warning for the seed", func(t *testing.T) {
		// The seed's awsSigv4 scheme is SAM's AWS_IAM, enforced: nothing was
		// imported without authorization.
		out := string(a.aws("apigateway", "get-rest-apis"))
		if !strings.Contains(out, a.apiID) || strings.Contains(out, "warnings") || strings.Contains(out, "without authorization") {
			t.Errorf("get-rest-apis:\n%s", out)
		}
	})
	t.Run("aws s3 mb of the blog's bucket after up", func(t *testing.T) {
		// up made it (the AWS::Include fallback); the blog's first step must still work.
		if out := string(a.aws("s3", "mb", "s3://cm-fujii.genki-deploy")); !strings.Contains(out, "make_bucket: cm-fujii.genki-deploy") {
			t.Errorf("%s", out)
		}
	})
}

// TestInvoke runs the seed's function once by its logical id, as
// `sam local invoke HelloWorldFunction --event event.json` does.
func TestInvoke(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	a := startUp(t, bin, copyExample(t), dataDir, anyPort)
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(`{"httpMethod":"GET","path":"/hello"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := a.iamgate("invoke", "HelloWorldFunction", "--stack-name", "Api-IAM-Sample-Stack", "--event", event)
	if err != nil || !strings.Contains(out, `"statusCode": 200`) || !strings.Contains(out, `hello world`) {
		t.Fatalf("invoke: %v\n%s\n%s", err, out, a.lastStderr)
	}
	if !strings.Contains(a.lastStderr, "START RequestId: ") || !strings.Contains(a.lastStderr, "REPORT RequestId: ") {
		t.Errorf("no log tail on stderr:\n%s", a.lastStderr)
	}
	if _, err := a.iamgate("invoke", "HelloWorldFunction"); err == nil || !strings.Contains(a.lastStderr, "pass --stack-name") {
		t.Errorf("without --stack-name: %v %s", err, a.lastStderr)
	}
	if _, err := a.iamgate("invoke", "IamUser", "--stack-name", "Api-IAM-Sample-Stack"); err == nil || !strings.Contains(a.lastStderr, "not a function") {
		t.Errorf("a user's logical id: %v %s", err, a.lastStderr)
	}
}

// TestUpWatch: up redeploys when a function's code changes, and says what
// changed.
func TestUpWatch(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dir := copyExample(t)
	a := startUp(t, bin, dir, filepath.Join(t.TempDir(), "data"), anyPort)
	if out, err := a.iamgate("curl", "--as", "api-gateway-user", a.pathURL); err != nil || out != helloBody {
		t.Fatalf("before the edit: %v %s", err, out)
	}
	app := filepath.Join(dir, "hello_world", "app.py")
	code, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(app, []byte(strings.Replace(string(code), `"hello world"`, `"hello again"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := a.iamgate("curl", "--as", "api-gateway-user", a.pathURL)
		if err == nil && out == `{"message": "hello again"}` {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no redeploy within 60 s: %v %s\nstderr:\n%s", err, out, a.stderr.String())
		}
		time.Sleep(300 * time.Millisecond)
	}
}
