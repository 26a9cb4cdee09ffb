package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/testutil"
)

const (
	testAKID    = "AKIAIOSFODNN7EXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testSTSAKID = "ASIAIOSFODNN7EXAMPLE"
	testToken   = "FwoGZXIvYXdzEXAMPLE//token+with/slashes="
)

func testKeys() staticKeys {
	return staticKeys{
		testAKID:    {AccessKeyID: testAKID, Secret: testSecret, Active: true},
		testSTSAKID: {AccessKeyID: testSTSAKID, Secret: testSecret, SessionToken: testToken, Active: true, Expires: time.Now().Add(time.Hour)},
	}
}

// verifyServer runs the verifier behind an httptest server on 127.0.0.1. It
// answers 200 with the SHA-256 of the body it could still read after
// verification (proving the body was restored), or 403 with the error text.
func verifyServer(t *testing.T, now func() time.Time, opts Options) *httptest.Server {
	t.Helper()
	v := NewVerifier(testKeys(), now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Verify(r.Context(), r, opts); err != nil {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, err.Error())
			return
		}
		b, _ := io.ReadAll(r.Body)
		sum := sha256.Sum256(b)
		_, _ = io.WriteString(w, hex.EncodeToString(sum[:]))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestGoSDKSignedRequestsVerify(t *testing.T) {
	at := time.Date(2024, 5, 17, 6, 24, 14, 0, time.UTC)
	clock := func() time.Time { return at.Add(90 * time.Second) }
	long := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	sess := aws.Credentials{AccessKeyID: testSTSAKID, SecretAccessKey: testSecret, SessionToken: testToken}
	tests := []struct {
		name    string
		method  string
		path    string // appended to the server URL
		body    string
		header  map[string]string
		creds   aws.Credentials
		presign bool
		opts    Options
		s3      bool
	}{
		{name: "GET hello", method: "GET", path: "/v1/hello", creds: long, opts: Options{Service: "execute-api", Region: "us-east-1"}},
		{name: "query repeated keys and reserved chars", method: "GET", path: "/v1/items?b=2&a=1&a=0&empty=&sp=a%20b&plus=x%2By&star=*", creds: long, opts: Options{Service: "execute-api"}},
		{name: "unicode and escaped path", method: "GET", path: "/v1/h%C3%A9llo/a%20b/c%2Fd", creds: long, opts: Options{Service: "execute-api"}},
		{name: "POST json body", method: "POST", path: "/v1/items", body: `{"a":1}`, header: map[string]string{"Content-Type": "application/json"}, creds: long, opts: Options{Service: "execute-api"}},
		{name: "multi-valued and spaced headers", method: "PUT", path: "/v1/x", body: "x", header: map[string]string{"X-Custom": "  a   b  "}, creds: long, opts: Options{Service: "execute-api"}},
		{name: "session token header", method: "GET", path: "/v1/hello", creds: sess, opts: Options{Service: "execute-api"}},
		{name: "presigned GET", method: "GET", path: "/v1/hello?x=1", creds: long, presign: true, opts: Options{Service: "execute-api"}},
		{name: "presigned with session token", method: "GET", path: "/v1/hello", creds: sess, presign: true, opts: Options{Service: "execute-api"}},
		{name: "iam POST form", method: "POST", path: "/", body: "Action=GetUser&Version=2010-05-08", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, creds: long, opts: Options{Service: "iam", Region: "us-east-1"}},
		{name: "s3 unsigned payload", method: "PUT", path: "/bucket/key%20with%20space/a%2Bb", body: "data", creds: long, s3: true, opts: Options{Service: "s3", S3: true}},
		{name: "s3 hashed payload", method: "PUT", path: "/bucket//double//slash", body: "data", creds: long, s3: true, opts: Options{Service: "s3", S3: true}},
		{name: "s3 presigned", method: "GET", path: "/bucket/k", creds: long, s3: true, presign: true, opts: Options{Service: "s3", S3: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := verifyServer(t, clock, tc.opts)
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			if tc.name == "multi-valued and spaced headers" {
				req.Header.Add("X-Custom", "second")
			}
			payload := sha(tc.body)
			var signer *v4.Signer
			if tc.s3 {
				signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
				if tc.name == "s3 unsigned payload" || tc.presign {
					payload = UnsignedPayload
				}
				if !tc.presign {
					req.Header.Set("X-Amz-Content-Sha256", payload)
				}
			} else {
				signer = v4.NewSigner()
			}
			svc, region := tc.opts.Service, "us-east-1"
			if tc.presign {
				q := req.URL.Query()
				q.Set("X-Amz-Expires", "300")
				req.URL.RawQuery = q.Encode()
				u, hdr, err := signer.PresignHTTP(context.Background(), tc.creds, req, payload, svc, region, at)
				if err != nil {
					t.Fatal(err)
				}
				req, _ = http.NewRequest(tc.method, u, nil)
				for k, vs := range hdr {
					if k != "Host" {
						req.Header[k] = vs
					}
				}
			} else if err := signer.SignHTTP(context.Background(), tc.creds, req, payload, svc, region, at); err != nil {
				t.Fatal(err)
			}
			code, body := send(t, req)
			if code != 200 || body != sha(tc.body) && !tc.presign {
				t.Fatalf("status %d: %s", code, body)
			}
		})
	}
}

// TestBotocoreSignedRequestsVerify signs with botocore's SigV4Auth and
// SigV4QueryAuth (the signer of the aws CLI) and sends from Go.
func TestBotocoreSignedRequestsVerify(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import botocore.auth").Run()
	}
	testutil.Need(t, err == nil, "python3 with botocore is not installed")
	const script = `
import json, sys
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for a in json.loads(sys.stdin.read()):
    creds = Credentials(a["akid"], a["secret"], a.get("token") or None)
    req = AWSRequest(method=a["method"], url=a["url"], data=a["body"].encode(), headers=a["headers"])
    if a["presign"]:
        SigV4QueryAuth(creds, a["service"], "us-east-1", expires=300).add_auth(req)
    else:
        SigV4Auth(creds, a["service"], "us-east-1").add_auth(req)
    p = req.prepare()
    out.append({"url": p.url, "headers": dict(p.headers)})
print(json.dumps(out))
`
	tests := []struct {
		name, method, path, body, service string
		token                             bool
		presign                           bool
	}{
		{name: "GET", method: "GET", path: "/v1/hello?b=2&a=1&a=0", service: "execute-api"},
		{name: "dot segments and slashes", method: "GET", path: "/v1/./a//b/../hello", service: "execute-api"},
		// botocore's serializers percent-encode the path before signing,
		// so the signer encodes it a second time, as AWS expects.
		{name: "unicode path", method: "GET", path: "/v1/h%C3%A9llo/a%20b", service: "execute-api"},
		{name: "POST body", method: "POST", path: "/v1/items", body: `{"k":"v"}`, service: "execute-api"},
		{name: "session token", method: "GET", path: "/v1/hello", service: "execute-api", token: true},
		{name: "presigned", method: "GET", path: "/v1/hello?x=y", service: "execute-api", presign: true},
		{name: "presigned session", method: "GET", path: "/v1/hello", service: "execute-api", presign: true, token: true},
		{name: "sts query", method: "POST", path: "/", body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts"},
	}
	srv := verifyServer(t, time.Now, Options{Region: "us-east-1"})
	var in []map[string]any
	for _, tc := range tests {
		a := map[string]any{"akid": testAKID, "secret": testSecret, "method": tc.method, "url": srv.URL + tc.path,
			"body": tc.body, "service": tc.service, "presign": tc.presign, "headers": map[string]string{}}
		if tc.token {
			a["akid"], a["token"] = testSTSAKID, testToken
		}
		in = append(in, a)
	}
	arg, _ := json.Marshal(in)
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(arg)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v", err)
	}
	var signed []struct {
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(out, &signed); err != nil || len(signed) != len(tests) {
		t.Fatalf("%v: %s", err, out)
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, signed[i].URL, bytes.NewReader([]byte(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range signed[i].Headers {
				req.Header.Set(k, v)
			}
			code, body := send(t, req)
			if code != 200 {
				t.Fatalf("status %d: %s", code, body)
			}
		})
	}
}

// TestCurlSignedRequestsVerify signs with curl --aws-sigv4.
func TestCurlSignedRequestsVerify(t *testing.T) {
	curl := testutil.NeedCommand(t, "curl")
	srv := verifyServer(t, time.Now, Options{Service: "execute-api", Region: "us-east-1"})
	tests := []struct{ name, path, body string }{
		{name: "GET", path: "/v1/hello"},
		// curl before 8.1 signs the query in the order given (AWS sorts),
		// so the query here is already sorted.
		{name: "GET query", path: "/v1/hello?a=1&b=2"},
		{name: "POST", path: "/v1/items", body: `{"a":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-s", "-o", "-", "-w", "\n%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:execute-api",
				"--user", testAKID + ":" + testSecret}
			if tc.body != "" {
				args = append(args, "-H", "Content-Type: application/json", "--data-binary", tc.body)
			}
			out, err := exec.Command(curl, append(args, srv.URL+tc.path)...).Output()
			if err != nil {
				t.Fatalf("curl: %v", err)
			}
			body, code, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
			if code != "200" {
				t.Fatalf("status %s: %s", code, body)
			}
		})
	}
}

// TestGoSDKOneByteChanges: an SDK-signed request with one byte of a signed
// part changed is rejected; an added unsigned header is not.
func TestGoSDKOneByteChanges(t *testing.T) {
	at := time.Date(2024, 5, 17, 6, 24, 14, 0, time.UTC)
	v := NewVerifier(testKeys(), func() time.Time { return at })
	opts := Options{Service: "execute-api", Region: "us-east-1"}
	base := func() *http.Request {
		req := httptest.NewRequest("POST", "https://abc.execute-api.us-east-1.amazonaws.com/v1/items?x=1", strings.NewReader("hello"))
		req.Header.Set("Content-Type", "text/plain")
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret},
			req, sha("hello"), "execute-api", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		return req
	}
	if _, err := v.Verify(context.Background(), base(), opts); err != nil {
		t.Fatalf("unchanged request: %v", err)
	}
	mutations := map[string]func(r *http.Request){
		"method":       func(r *http.Request) { r.Method = "PUT" },
		"path":         func(r *http.Request) { r.RequestURI = "/v1/itemz?x=1" },
		"query":        func(r *http.Request) { r.RequestURI = "/v1/items?x=2" },
		"header":       func(r *http.Request) { r.Header.Set("Content-Type", "text/plaim") },
		"body":         func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader("hellp")) },
		"date":         func(r *http.Request) { r.Header.Set("X-Amz-Date", "20240517T062415Z") },
		"signature":    func(r *http.Request) { r.Header.Set("Authorization", flipLast(r.Header.Get("Authorization"))) },
		"host":         func(r *http.Request) { r.Host = "abd.execute-api.us-east-1.amazonaws.com" },
		"hashed paylo": func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", sha("hellp")) },
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			r := base()
			mutate(r)
			_, err := v.Verify(context.Background(), r, opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
		})
	}
	t.Run("unsigned header added", func(t *testing.T) {
		r := base()
		r.Header.Set("User-Agent", "changed")
		if _, err := v.Verify(context.Background(), r, opts); err != nil {
			t.Fatal(err)
		}
	})
}

func flipLast(s string) string { return flip(s, len(s)-1) }
