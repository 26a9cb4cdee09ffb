package server

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/testutil"
)

// TestRoutedIsAuthorized sends raw request lines over a socket (no client
// library normalizes them) to the seed API, signed by a user allowed
// execute-api:Invoke on everything but explicitly denied GET /hello. Every
// spelling that is served as GET /hello must meet the Deny; a method that is
// not GET must not be served by GET. The seed's own user, allowed GET /hello,
// is served for the same spellings, which shows they do reach /hello.
func TestRoutedIsAuthorized(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	ctx := context.Background()
	s, err := New(ctx, Config{DataDir: t.TempDir(), AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	apiID := deploySeed(t, s, "paths")
	hello := "arn:aws:execute-api:us-east-1:000000000000:" + apiID + "/v1/GET/hello"
	if _, err := s.iam.CreateUser(ctx, "mallory", "/", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.iam.PutUserPolicy(ctx, "mallory", "all-but-hello", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},
		{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"`+hello+`"}]}`); err != nil {
		t.Fatal(err)
	}
	key := func(user string) aws.Credentials {
		k, err := s.iam.CreateAccessKey(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.Secret.Reveal()}
	}
	mallory, seedUser := key("mallory"), key("paths-user")
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	// The explicit deny, word for word as API Gateway writes it
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html).
	deny := `{"Message":"User: arn:aws:iam::********0000:user/mallory is not authorized to perform: execute-api:Invoke on resource: ` + strings.Replace(hello, ":000000000000:", ":********0000:", 1) + ` with an explicit deny"}`
	// An unknown method or resource: "Missing Authentication Token"
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
	const missing = `{"message":"Missing Authentication Token"}`
	const served = `{"message": "hello world"}`
	hostStyle := apiID + ".execute-api.us-east-1.amazonaws.com"
	tests := []struct {
		name, method, path string
		pathStyle          bool
		status             int
		errType, body      string // for mallory
	}{
		{"plain", "GET", "/v1/hello", false, 403, "AccessDeniedException", deny},
		{"path style", "GET", "/v1/hello", true, 403, "AccessDeniedException", deny},
		{"trailing slash", "GET", "/v1/hello/", false, 403, "AccessDeniedException", deny},
		{"trailing %2F", "GET", "/v1/hello%2F", false, 403, "AccessDeniedException", deny},
		{"trailing %2f", "GET", "/v1/hello%2f", true, 403, "AccessDeniedException", deny},
		{"encoded stage slash", "GET", "/v1%2Fhello", false, 403, "AccessDeniedException", deny},
		{"repeated slashes", "GET", "/v1//hello", false, 403, "AccessDeniedException", deny},
		{"leading repeated slashes", "GET", "//v1///hello//", true, 403, "AccessDeniedException", deny},
		{"dot segment", "GET", "/v1/./hello", false, 403, "AccessDeniedException", deny},
		{"dot-dot segment", "GET", "/v1/x/../hello", false, 403, "AccessDeniedException", deny},
		{"encoded dot-dot", "GET", "/v1/x/%2e%2E/hello", true, 403, "AccessDeniedException", deny},
		{"encoded letter", "GET", "/v1/%68ello", false, 403, "AccessDeniedException", deny},
		{"lower-case method", "get", "/v1/hello", false, 403, "MissingAuthenticationTokenException", missing},
		{"mixed-case method", "Get", "/v1/hello", true, 403, "MissingAuthenticationTokenException", missing},
		{"unknown method", "PROPFIND", "/v1/hello", false, 403, "MissingAuthenticationTokenException", missing},
		{"double-encoded slash", "GET", "/v1/hello%252F", false, 403, "MissingAuthenticationTokenException", missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			host, path := hostStyle, tc.path
			if tc.pathStyle {
				host = srv.Listener.Addr().String()
				stage, rest, _ := strings.Cut(strings.TrimLeft(path, "/"), "/")
				path = "/restapis/" + apiID + "/" + stage + "/_user_request_/" + rest
			}
			status, errType, body := rawRequest(t, srv.Listener.Addr().String(), tc.method, host, path, mallory)
			if status != tc.status || errType != tc.errType || body != tc.body {
				t.Errorf("mallory: %d %q %s\nwant %d %q %s", status, errType, body, tc.status, tc.errType, tc.body)
			}
			wantStatus, wantBody := 200, served
			if tc.errType == "MissingAuthenticationTokenException" {
				wantStatus, wantBody = 403, missing
			}
			if status, _, body := rawRequest(t, srv.Listener.Addr().String(), tc.method, host, path, seedUser); status != wantStatus || body != wantBody {
				t.Errorf("seed user: %d %s, want %d %s", status, body, wantStatus, wantBody)
			}
		})
	}
}

// rawRequest signs method and the escaped path as a SigV4 client does for
// execute-api (over the path with dot segments and empty segments removed),
// then writes the request line and headers byte for byte on a new
// connection and reads the answer.
func rawRequest(t *testing.T, addr, method, host, path string, creds aws.Credentials) (status int, errType, body string) {
	t.Helper()
	signedPath := normalizeSegments(path)
	u, err := url.Parse("http://" + host + signedPath)
	if err != nil {
		t.Fatal(err)
	}
	r := &http.Request{Method: method, URL: u, Host: host, Header: http.Header{}}
	empty := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(empty[:]), "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n")
	for k, vs := range r.Header {
		for _, v := range vs {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	b.WriteString("Connection: close\r\n\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), string(data)
}

// normalizeSegments removes empty, "." and ".." segments of an escaped path
// (escapes kept), keeping a trailing slash: the path SigV4 signs for
// execute-api.
func normalizeSegments(p string) string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	n := "/" + strings.Join(out, "/")
	if len(out) > 0 && strings.HasSuffix(p, "/") {
		n += "/"
	}
	return n
}
