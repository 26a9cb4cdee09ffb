package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/gateway"
)

// TestWhyAPI checks the why API's authentication and authorization: SigV4
// with service "iamgate", and iam:SimulatePrincipalPolicy for the caller.
func TestWhyAPI(t *testing.T) {
	s := newServer(t, "sqlite", t.TempDir())
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	ctx := context.Background()
	if _, err := s.iam.CreateUser(ctx, "nobody", "/", nil, ""); err != nil {
		t.Fatal(err)
	}
	nobody, err := s.iam.CreateAccessKey(ctx, "nobody")
	if err != nil {
		t.Fatal(err)
	}
	rootID, rootSecret := s.RootKey()
	explain, _ := json.Marshal(WhyRequest{Method: "GET", URL: "http://127.0.0.1:4566/restapis/abcdefghij/v1/_user_request_/hello"})
	notAPI, _ := json.Marshal(WhyRequest{Method: "GET", URL: "http://127.0.0.1:4566/"})
	tests := []struct {
		name, method, path string
		body               []byte
		id, secret         string
		wantStatus         int
		wantType           string
		wantRoute          string
	}{
		{name: "admin explains a URL", method: "POST", path: WhyPath, body: explain, id: rootID, secret: rootSecret,
			wantStatus: 200, wantRoute: "no deployment of API abcdefghij stage v1"},
		{name: "unknown request id", method: "GET", path: WhyPath + "/nope", id: rootID, secret: rootSecret,
			wantStatus: 404, wantType: "NotFoundException"},
		{name: "not an execute-api URL", method: "POST", path: WhyPath, body: notAPI, id: rootID, secret: rootSecret,
			wantStatus: 400, wantType: "ValidationException"},
		{name: "user without iam:SimulatePrincipalPolicy", method: "POST", path: WhyPath, body: explain,
			id: nobody.AccessKeyID, secret: nobody.Secret.Reveal(), wantStatus: 403, wantType: "AccessDeniedException"},
		{name: "unsigned", method: "POST", path: WhyPath, body: explain, wantStatus: 403, wantType: "MissingAuthenticationTokenException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(tc.method, "http://127.0.0.1:4566"+tc.path, bytes.NewReader(tc.body))
			if tc.id != "" {
				sum := sha256.Sum256(tc.body)
				err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: tc.id, SecretAccessKey: tc.secret}, r,
					hex.EncodeToString(sum[:]), WhyService, "us-east-1", time.Now())
				if err != nil {
					t.Fatal(err)
				}
			}
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			got := []any{w.Code, w.Header().Get("x-amzn-ErrorType")}
			if diff := cmp.Diff([]any{tc.wantStatus, tc.wantType}, got); diff != "" {
				t.Fatalf("status, error type (-want +got):\n%s\n%s", diff, w.Body.String())
			}
			if tc.wantRoute != "" {
				var tr gateway.Trace
				if err := json.Unmarshal(w.Body.Bytes(), &tr); err != nil || tr.Route != tc.wantRoute {
					t.Errorf("trace route %q, %v: %s", tr.Route, err, w.Body.String())
				}
			}
		})
	}
}

// FuzzInnerRequest: any why request body either fails cleanly or yields a
// data-plane request the gateway routes.
func FuzzInnerRequest(f *testing.F) {
	for _, s := range []string{
		`{"method":"GET","url":"http://127.0.0.1:4566/restapis/abcdefghij/v1/_user_request_/hello"}`,
		`{"method":"POST","url":"http://127.0.0.1:4566/x","host":"abcdefghij.execute-api.localhost:4566","header":{"Authorization":["AWS4-HMAC-SHA256 x"]},"body":"aGk="}`,
		`{"url":"http://127.0.0.1:4566/"}`,
		`{"method":"bad method","url":"::"}`,
		`[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		outer := httptest.NewRequest("POST", "http://127.0.0.1:4566"+WhyPath, bytes.NewReader(body))
		inner, err := innerRequest(outer)
		if err != nil {
			return
		}
		if !gateway.Match(inner) || inner.Host == "" || inner.Header == nil || inner.RemoteAddr != outer.RemoteAddr {
			t.Fatalf("accepted %q as %+v", body, inner)
		}
	})
}
