package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

const helloBody = `{"message": "hello world"}`

// TestExampleIsTheSeed pins examples/hello-iam to the seed application, byte for byte.
func TestExampleIsTheSeed(t *testing.T) {
	root := testutil.RepoRoot(t)
	for _, f := range []string{"template.yaml", "api.yaml", "hello_world/app.py"} {
		want, err := os.ReadFile(testutil.Shared(t, "seed", f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(root, "examples", "hello-iam", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("examples/hello-iam/%s differs from the seed", f)
		}
	}
}

// TestUpHelloIAM runs README command 1 on a copy of the seed and checks every
// behaviour issue 4 lists, with real clients: aws CLI, curl --aws-sigv4,
// botocore, aws-sdk-go-v2.
func TestUpHelloIAM(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dir := copyExample(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	start := time.Now()
	a := startUp(t, bin, dir, dataDir, anyPort)
	addr := a.addr
	t.Logf("up deployed in %v", time.Since(start))

	t.Run("outputs", func(t *testing.T) {
		want := "HelloWorldApi = https://" + a.apiID + ".execute-api.us-east-1.amazonaws.com/v1/hello"
		// up ran with --data-dir: the printed commands carry it (issue 16).
		for _, s := range []string{want, `eval "$(iamgate env --data-dir ` + dataDir + `)"`,
			"iamgate curl --data-dir " + dataDir + " --as api-gateway-user " + a.pathURL} {
			if !strings.Contains(a.stdout, s) {
				t.Errorf("up's output lacks %q:\n%s", s, a.stdout)
			}
		}
	})
	t.Run("credentials file is 0600", func(t *testing.T) {
		info, err := os.Stat(filepath.Join(dataDir, "credentials"))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("credentials mode %v, want 0600", info.Mode().Perm())
		}
	})
	t.Run("unsigned is Missing Authentication Token", func(t *testing.T) {
		for _, u := range []string{a.pathURL, "http://" + addr + "/restapis/" + a.apiID + "/v1/_user_request_/nope"} {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			r := do(t, req)
			if r.status != 403 || r.body != `{"message":"Missing Authentication Token"}` ||
				r.header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
				t.Errorf("%s: got %d %s %q", u, r.status, r.body, r.header.Get("x-amzn-ErrorType"))
			}
		}
	})
	t.Run("iamgate curl --as api-gateway-user", func(t *testing.T) {
		for _, u := range []string{a.pathURL, a.hostURL} {
			out, err := a.iamgate("curl", "--as", "api-gateway-user", u)
			if err != nil || out != helloBody {
				t.Errorf("%s: got %q, %v", u, out, err)
			}
		}
	})

	var key accessKey
	t.Run("aws CLI: describe-stacks and create-access-key", func(t *testing.T) {
		var outputs [][]struct{ OutputKey, OutputValue string }
		out := a.aws("cloudformation", "describe-stacks", "--stack-name", "Api-IAM-Sample-Stack", "--query", "Stacks[].Outputs")
		if err := json.Unmarshal(out, &outputs); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		want := [][]struct{ OutputKey, OutputValue string }{{{"HelloWorldApi", "https://" + a.apiID + ".execute-api.us-east-1.amazonaws.com/v1/hello"}}}
		if d := cmp.Diff(want, outputs); d != "" {
			t.Errorf("outputs (-want +got):\n%s", d)
		}
		key = a.createKey("api-gateway-user")
	})
	t.Run("curl --aws-sigv4", func(t *testing.T) {
		if key.AccessKey.AccessKeyID == "" {
			t.Skip("no key")
		}
		out, err := exec.Command("curl", "-s", "--aws-sigv4", "aws:amz:us-east-1:execute-api",
			"--user", key.AccessKey.AccessKeyID+":"+key.AccessKey.SecretAccessKey, a.pathURL).Output()
		if err != nil || string(out) != helloBody {
			t.Errorf("got %q, %v", out, err)
		}
	})
	t.Run("botocore SigV4Auth", func(t *testing.T) {
		if key.AccessKey.AccessKeyID == "" {
			t.Skip("no key")
		}
		out, err := botocoreGET(a.pathURL, key.AccessKey.AccessKeyID, key.AccessKey.SecretAccessKey, "")
		if err != nil || out != "200 "+helloBody {
			t.Errorf("got %q, %v", out, err)
		}
	})
	t.Run("aws-sdk-go-v2 signer, host style", func(t *testing.T) {
		// Go's resolver does not map *.localhost to loopback: connect to
		// 127.0.0.1 and send (and sign) the host-style Host header.
		host := strings.TrimPrefix(strings.SplitN(a.hostURL, "/", 4)[2], "")
		u := strings.Replace(a.hostURL, host, addr, 1)
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Host = host
		req = signRequest(t, req, key.AccessKey.AccessKeyID, key.AccessKey.SecretAccessKey, time.Now())
		if r := do(t, req); r.status != 200 || r.body != helloBody || r.header.Get("x-amzn-RequestId") == "" {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("denials", func(t *testing.T) { testDenials(t, a, key) })

	a.stop()
	t.Run("second up keeps users and keys", func(t *testing.T) {
		b := startUp(t, bin, dir, dataDir, anyPort)
		if !strings.Contains(b.stdout, "No changes to deploy") {
			t.Errorf("second up changed the stack:\n%s", b.stdout)
		}
		req := signedGET(t, b.pathURL, key.AccessKey.AccessKeyID, key.AccessKey.SecretAccessKey, time.Now())
		if r := do(t, req); r.status != 200 || r.body != helloBody {
			t.Errorf("after restart: got %d %s", r.status, r.body)
		}
		b.stop()
	})
}

// botocoreGET sends a GET signed by botocore's SigV4Auth (the aws CLI's
// signer) for execute-api, with a session token when token is set, and
// returns "STATUS BODY".
func botocoreGET(url, id, secret, token string) (string, error) {
	script := `
import sys, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, ak, sk, tok = sys.argv[1:5]
req = AWSRequest(method="GET", url=url)
SigV4Auth(Credentials(ak, sk, tok or None), "execute-api", "us-east-1").add_auth(req)
r = urllib.request.Request(url, headers=dict(req.headers.items()))
try:
    resp = urllib.request.urlopen(r)
    print(resp.status, resp.read().decode(), end="")
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode(), end="")
`
	out, err := exec.Command("python3", "-c", script, url, id, secret, token).Output()
	return string(out), err
}

var expiredMsg = regexp.MustCompile(`^\{"message":"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)"\}$`)
var futureMsg = regexp.MustCompile(`^\{"message":"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)"\}$`)

func testDenials(t *testing.T, a *app, key accessKey) {
	a.aws("iam", "create-user", "--user-name", "nobody")
	nobody := a.createKey("nobody")
	resource := "arn:aws:execute-api:us-east-1:000000000000:" + a.apiID + "/v1/GET/hello"
	cases := []struct {
		name, id, secret string
		at               time.Time
		body             *regexp.Regexp
		errType          string
	}{
		{"user without policy", nobody.AccessKey.AccessKeyID, nobody.AccessKey.SecretAccessKey, time.Now(),
			regexp.MustCompile(`^\{"Message":"User: arn:aws:iam::\*{8}0000:user/nobody is not authorized to perform: execute-api:Invoke on resource: ` + regexp.QuoteMeta(strings.Replace(resource, ":000000000000:", ":********0000:", 1)) + `"\}$`),
			"AccessDeniedException"},
		{"wrong secret", key.AccessKey.AccessKeyID, otherSecret(key.AccessKey.SecretAccessKey), time.Now(),
			regexp.MustCompile(`^\{"message":"The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.`),
			"InvalidSignatureException"},
		{"unknown key", "AKIAIOSFODNN7EXAMPLE", key.AccessKey.SecretAccessKey, time.Now(),
			regexp.MustCompile(`^\{"message":"The security token included in the request is invalid\."\}$`), "UnrecognizedClientException"},
		{"signed 6 minutes ago", key.AccessKey.AccessKeyID, key.AccessKey.SecretAccessKey, time.Now().Add(-6 * time.Minute),
			expiredMsg, "InvalidSignatureException"},
		{"signed 6 minutes ahead", key.AccessKey.AccessKeyID, key.AccessKey.SecretAccessKey, time.Now().Add(6 * time.Minute),
			futureMsg, "InvalidSignatureException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, signedGET(t, a.pathURL, c.id, c.secret, c.at))
			if r.status != 403 || !c.body.MatchString(r.body) || r.header.Get("x-amzn-ErrorType") != c.errType {
				t.Errorf("got %d %s %q", r.status, r.body, r.header.Get("x-amzn-ErrorType"))
			}
		})
	}
}

// otherSecret changes the first character of a secret, to another one
// whatever it was.
func otherSecret(s string) string {
	if s[0] == 'x' {
		return "y" + s[1:]
	}
	return "x" + s[1:]
}
