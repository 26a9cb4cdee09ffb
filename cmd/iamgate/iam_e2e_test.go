package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// creds is a signing identity: a user's access key or a role session.
type creds struct{ id, secret, token string }

// TestUpIAMRoles runs examples/iam-roles (issue 7, "Done when", second
// bullet): a group that allows, a permissions boundary that cuts an allow,
// a role assumed with `aws sts assume-role`, an API resource policy that
// denies one path, and SAM's CALLER_CREDENTIALS integration, which needs
// lambda:InvokeFunction from the caller. Every path is tried allowed and
// denied with curl --aws-sigv4, botocore and aws-sdk-go-v2, exact bodies.
//
// Denial wording: API Gateway keeps IAM's older sentence, with " with an
// explicit deny" for explicit denies
// (https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden);
// an integration the caller may not invoke is 500 Internal server error
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html).
func TestUpIAMRoles(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dir := copyExampleDir(t, "iam-roles")
	a := startUp(t, bin, dir, filepath.Join(t.TempDir(), "data"), anyPort)
	defer a.stop()

	keys := map[string]creds{}
	for _, u := range []string{"reader", "bounded", "outsider", "invoke-only", "assumer"} {
		k := a.createKey(u)
		keys[u] = creds{id: k.AccessKey.AccessKeyID, secret: k.AccessKey.SecretAccessKey}
	}
	const itemsRole = "arn:aws:iam::000000000000:role/iam-roles-items"
	keys["items-session"] = a.assumeRole(keys["assumer"], itemsRole, "e2e")
	delete(keys, "assumer")
	t.Run("the admin (root) may not assume a role", func(t *testing.T) {
		// "You cannot use AWS account root user credentials to call
		// AssumeRole" (API_AssumeRole.html); AWS's answer as the aws CLI
		// prints it: https://github.com/kubeflow/testing/pull/961.
		_, stderr, err := a.awsWith(a.awsEnv(), "sts", "assume-role", "--role-arn", itemsRole, "--role-session-name", "root")
		const want = "An error occurred (AccessDenied) when calling the AssumeRole operation: Roles may not be assumed by root accounts."
		if err == nil || !strings.Contains(stderr, want) {
			t.Errorf("got %v, %q; want %q", err, stderr, want)
		}
	})

	arnOf := map[string]string{"items-session": "arn:aws:sts::000000000000:assumed-role/iam-roles-items/e2e"}
	for u := range keys {
		if arnOf[u] == "" {
			arnOf[u] = "arn:aws:iam::000000000000:user/" + u
		}
	}
	allowed := func(who, path string) string {
		return `{"path": "/` + path + `", "caller": "` + arnOf[who] + `"}`
	}
	denied := func(who, path, explicit string) string {
		// API Gateway masks account ids in the body but the last four digits.
		return strings.ReplaceAll(`{"Message":"User: `+arnOf[who]+` is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:`+
			a.apiID+`/v1/GET/`+path+explicit+`"}`, ":000000000000:", ":********0000:")
	}
	const internalError = `{"message": "Internal server error"}`
	cases := []struct {
		name, who, path string
		status          int
		body            string
	}{
		{"group allows /hello", "reader", "hello", 200, allowed("reader", "hello")},
		{"group allows /items", "reader", "items", 200, allowed("reader", "items")},
		{"resource policy denies /secret", "reader", "secret", 403, denied("reader", "secret", " with an explicit deny")},
		{"boundary keeps /hello", "bounded", "hello", 200, allowed("bounded", "hello")},
		{"boundary cuts /items", "bounded", "items", 403, denied("bounded", "items", "")},
		{"no policy", "outsider", "hello", 403, denied("outsider", "hello", "")},
		{"role session allowed /items", "items-session", "items", 200, allowed("items-session", "items")},
		{"role session denied /hello", "items-session", "hello", 403, denied("items-session", "hello", "")},
		{"role session denied /secret", "items-session", "secret", 403, denied("items-session", "secret", " with an explicit deny")},
		{"caller may not invoke the function", "invoke-only", "hello", 500, internalError},
	}
	clients := map[string]func(url string, c creds) (int, string, error){
		"curl --aws-sigv4": curlSigV4,
		"botocore":         botocoreSigned,
		"aws-sdk-go-v2":    func(url string, c creds) (int, string, error) { return goSigned(url, c) },
	}
	for _, tc := range cases {
		for client, get := range clients {
			t.Run(tc.name+"/"+client, func(t *testing.T) {
				status, body, err := get(a.pathURL+tc.path, keys[tc.who])
				if err != nil {
					t.Fatal(err)
				}
				if status != tc.status || body != tc.body {
					t.Errorf("got %d %s\nwant %d %s", status, body, tc.status, tc.body)
				}
			})
		}
	}

	t.Run("iamgate curl --as reader", func(t *testing.T) {
		out, err := a.iamgate("curl", "--as", "reader", a.pathURL+"hello")
		if err != nil || out != allowed("reader", "hello") {
			t.Errorf("got %q, %v", out, err)
		}
	})
	t.Run("iamgate why URL: the boundary decided", func(t *testing.T) {
		out, err := a.iamgate("why", "--as", "bounded", a.pathURL+"items")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"identity: arn:aws:iam::000000000000:user/bounded (User)",
			`identity-based policy "group/iam-roles-readers inline call-api" statement 0 Allow: applies`,
			`permissions boundary "permissions boundary arn:aws:iam::000000000000:policy/iam-roles-hello-only" statement 0 Allow: resource: no Resource entry matches`,
			"decision: ImplicitDeny",
			"because no permissions boundary allows the execute-api:Invoke action",
			"result: 403 " + denied("bounded", "items", ""),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("why output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("iamgate why URL: allowed, not invoked", func(t *testing.T) {
		out, err := a.iamgate("why", "--as", "reader", a.pathURL+"hello")
		if err != nil || !strings.Contains(out, "decision: Allow") ||
			!strings.Contains(out, "result: allowed; the function would be invoked (evaluated without invoking)") {
			t.Errorf("got %v:\n%s", err, out)
		}
	})
	t.Run("iamgate why REQUEST_ID: the resource policy decided", func(t *testing.T) {
		req := signRequestWith(t, mustRequest(t, a.pathURL+"secret"), keys["reader"])
		r := do(t, req)
		id := r.header.Get("x-amzn-RequestId")
		out, err := a.iamgate("why", id)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"request " + id,
			`resource-based policy "resource policy of REST API ` + a.apiID + `" statement 0 Deny: applies`,
			"decision: ExplicitDeny",
			"with an explicit deny in a resource-based policy",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("why output lacks %q:\n%s", want, out)
			}
		}
	})
	// why on a request id the server never traced: testdata/script/serve.txtar.
	t.Run("iamgate curl --explain: the integration permission decided", func(t *testing.T) {
		cmd := exec.Command(a.bin, "curl", "--as", "invoke-only", "--explain", a.pathURL+"hello", "--data-dir", a.dataDir, "--endpoint-url", a.endpoint)
		cmd.Env = cleanEnv()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || string(out) != internalError {
			t.Fatalf("got %q, %v\n%s", out, err, stderr.String())
		}
		for _, want := range []string{
			"integration credentials arn:aws:iam::*:user/*: the caller's own credentials must allow lambda:InvokeFunction",
			"refused: User: arn:aws:iam::000000000000:user/invoke-only is not authorized to perform: lambda:InvokeFunction",
			"result: 500 " + internalError,
		} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("explain output lacks %q:\n%s", want, stderr.String())
			}
		}
	})
	// A session outlives nothing it came from: once its source key or its
	// role is deleted, AWS answers 403 with the invalid-token message on
	// both planes (STS InvalidClientTokenId; execute-api
	// UnrecognizedClientException, ../shared/conformance/apigw-errors.md).
	t.Run("dead sessions are refused with the invalid-token answer", func(t *testing.T) {
		var tok struct {
			Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
		}
		b, stderr, err := a.awsWith(a.envOf(keys["outsider"]), "sts", "get-session-token", "--output", "json")
		if err != nil || json.Unmarshal(b, &tok) != nil {
			t.Fatalf("get-session-token: %v %s", err, stderr)
		}
		dead := map[string]creds{
			"key deleted":  {tok.Credentials.AccessKeyId, tok.Credentials.SecretAccessKey, tok.Credentials.SessionToken},
			"role deleted": keys["items-session"],
		}
		a.aws("iam", "delete-access-key", "--user-name", "outsider", "--access-key-id", keys["outsider"].id)
		a.aws("iam", "delete-role-policy", "--role-name", "iam-roles-items", "--policy-name", "call-items")
		a.aws("iam", "delete-role", "--role-name", "iam-roles-items")
		for name, c := range dead {
			_, stderr, err := a.awsWith(a.envOf(c), "sts", "get-caller-identity")
			const wantCLI = "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid."
			if err == nil || !strings.Contains(stderr, wantCLI) {
				t.Errorf("%s: control plane: %v %q", name, err, stderr)
			}
			status, body, err := curlSigV4(a.pathURL+"items", c)
			if err != nil || status != 403 || body != `{"message":"The security token included in the request is invalid."}` {
				t.Errorf("%s: execute-api: %d %s %v", name, status, body, err)
			}
		}
	})
}

// assumeRole runs `aws sts assume-role` with c's credentials.
func (a *app) assumeRole(c creds, roleARN, session string) creds {
	a.t.Helper()
	var out struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	b, stderr, err := a.awsWith(a.envOf(c), "sts", "assume-role", "--role-arn", roleARN, "--role-session-name", session, "--output", "json")
	if err != nil {
		a.t.Fatalf("assume-role: %v: %s", err, stderr)
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Credentials.SessionToken == "" {
		a.t.Fatalf("assume-role: %v: %s", err, b)
	}
	return creds{out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey, out.Credentials.SessionToken}
}

// envOf is the aws CLI environment signing with c instead of the admin.
func (a *app) envOf(c creds) []string {
	env := []string{"AWS_ACCESS_KEY_ID=" + c.id, "AWS_SECRET_ACCESS_KEY=" + c.secret}
	if c.token != "" {
		env = append(env, "AWS_SESSION_TOKEN="+c.token)
	}
	for _, kv := range a.awsEnv() {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") && !strings.HasPrefix(kv, "AWS_SESSION_TOKEN=") {
			env = append(env, kv)
		}
	}
	return env
}

// awsWith runs the aws CLI in env and returns its output, stderr and error.
func (a *app) awsWith(env []string, args ...string) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return out, stderr.String(), err
}

func curlSigV4(url string, c creds) (int, string, error) {
	args := []string{"-s", "-w", "\n%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user", c.id + ":" + c.secret}
	if c.token != "" {
		args = append(args, "-H", "x-amz-security-token: "+c.token)
	}
	out, err := exec.Command("curl", append(args, url)...).Output()
	if err != nil {
		return 0, "", err
	}
	body, code, _ := strings.Cut(string(out), "\n")
	status := 0
	for _, ch := range code {
		status = status*10 + int(ch-'0')
	}
	return status, body, nil
}

func botocoreSigned(url string, c creds) (int, string, error) {
	out, err := botocoreGET(url, c.id, c.secret, c.token)
	if err != nil {
		return 0, "", err
	}
	code, body, _ := strings.Cut(out, " ")
	status := 0
	for _, ch := range code {
		status = status*10 + int(ch-'0')
	}
	return status, body, nil
}

func goSigned(url string, c creds) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if err := signWith(req, c); err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String(), err
}

func signWith(req *http.Request, c creds) error {
	sum := sha256.Sum256(nil)
	return v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token},
		req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now())
}

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func signRequestWith(t *testing.T, req *http.Request, c creds) *http.Request {
	t.Helper()
	if err := signWith(req, c); err != nil {
		t.Fatal(err)
	}
	return req
}
