package main

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// curlHeaders is curl --aws-sigv4 for service, returning the status, the
// response headers (lower-cased names) and the body.
func curlHeaders(t *testing.T, service, url string, c creds, extra ...string) (int, http.Header, string) {
	t.Helper()
	args := []string{"-s", "-D", "-", "--aws-sigv4", "aws:amz:us-east-1:" + service, "--user", c.id + ":" + c.secret}
	if c.token != "" {
		args = append(args, "-H", "x-amz-security-token: "+c.token)
	}
	out, err := exec.Command("curl", append(append(args, extra...), url)...).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", url, err)
	}
	head, body, _ := strings.Cut(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n\n")
	lines := strings.Split(head, "\n")
	status := 0
	if f := strings.Fields(lines[0]); len(f) > 1 {
		for _, ch := range f[1] {
			status = status*10 + int(ch-'0')
		}
	}
	h := http.Header{}
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok {
			h.Add(k, strings.TrimSpace(v))
		}
	}
	return status, h, body
}

// TestAuditMode deploys the seed with --iam-mode audit:user/outsider
// (issue 17, "Audit mode"): the outsider's denied calls, data plane and
// control plane, are served with x-iamgate-decision: deny and a log line
// naming the request id, while another user without permissions is still
// denied and a bad signature is never waived.
func TestAuditMode(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	a := startUp(t, bin, copyExample(t), filepath.Join(t.TempDir(), "data"), anyPort, "--iam-mode", "audit:user/outsider")
	defer a.stop()
	a.aws("iam", "create-user", "--user-name", "outsider")
	a.aws("iam", "create-user", "--user-name", "bystander")
	ok := a.createKey("outsider")
	outsider := creds{id: ok.AccessKey.AccessKeyID, secret: ok.AccessKey.SecretAccessKey}
	bk := a.createKey("bystander")
	bystander := creds{id: bk.AccessKey.AccessKeyID, secret: bk.AccessKey.SecretAccessKey}

	t.Run("denied caller is served", func(t *testing.T) {
		status, h, body := curlHeaders(t, "execute-api", a.pathURL, outsider)
		id := h.Get("x-amzn-RequestId")
		if status != 200 || body != helloBody || h.Get("x-iamgate-decision") != "deny" || id == "" {
			t.Fatalf("got %d %q, headers %v", status, body, h)
		}
		want := "audit mode: served request " + id + " that IAM denies (ImplicitDeny): User: arn:aws:iam::000000000000:user/outsider is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:" + a.apiID + "/v1/GET/hello"
		// The server writes its log line as the response goes out; the
		// test reads it through a pipe, so it may arrive a moment later.
		if !a.waitStderr(want, 10*time.Second) {
			t.Fatalf("no log line %q in:\n%s", want, a.stderr)
		}
	})
	t.Run("allowed caller has no decision header", func(t *testing.T) {
		k := a.createKey("api-gateway-user")
		status, h, body := curlHeaders(t, "execute-api", a.pathURL, creds{id: k.AccessKey.AccessKeyID, secret: k.AccessKey.SecretAccessKey})
		if status != 200 || body != helloBody || h.Get("x-iamgate-decision") != "" {
			t.Fatalf("got %d %q, headers %v", status, body, h)
		}
	})
	t.Run("control plane denial is served", func(t *testing.T) {
		status, h, body := curlHeaders(t, "iam", a.endpoint+"/", outsider, "-d", "Action=ListUsers&Version=2010-05-08")
		if status != 200 || h.Get("x-iamgate-decision") != "deny" || !strings.Contains(body, "<UserName>outsider</UserName>") {
			t.Fatalf("got %d, headers %v\n%s", status, h, body)
		}
	})
	t.Run("other principals are enforced", func(t *testing.T) {
		status, h, body := curlHeaders(t, "execute-api", a.pathURL, bystander)
		want := `{"Message":"User: arn:aws:iam::********0000:user/bystander is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:` + a.apiID + `/v1/GET/hello"}`
		if status != 403 || body != want || h.Get("x-iamgate-decision") != "" {
			t.Fatalf("got %d %q, headers %v", status, body, h)
		}
	})
	t.Run("bad signature is never waived", func(t *testing.T) {
		status, h, body := curlHeaders(t, "execute-api", a.pathURL, creds{id: outsider.id, secret: otherSecret(outsider.secret)})
		var msg struct{ Message string }
		_ = json.Unmarshal([]byte(body), &msg)
		if status != 403 || h.Get("x-amzn-ErrorType") != "InvalidSignatureException" || h.Get("x-iamgate-decision") != "" ||
			!strings.HasPrefix(msg.Message, "The request signature we calculated does not match the signature you provided.") {
			t.Fatalf("got %d %q, headers %v", status, body, h)
		}
		req, _ := http.NewRequest(http.MethodGet, a.pathURL, nil)
		if r := do(t, req); r.status != 403 || r.body != `{"message":"Missing Authentication Token"}` {
			t.Fatalf("unsigned: %d %s", r.status, r.body)
		}
	})
}

// waitStderr reports whether the server's stderr contains want within d.
func (a *app) waitStderr(want string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !strings.Contains(a.stderr.String(), want) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
