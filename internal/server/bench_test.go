package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/gateway"
	"github.com/iamgate/iamgate/internal/testutil"
)

// helloBody is the seed function's response body.
const helloBody = `{"message": "hello world"}`

// BenchmarkGateway measures a GET /hello of the seed end to end over
// httptest (loopback HTTP, keep-alive, one request at a time), each
// scenario against the bare net/http baseline of the same run:
//
//	baseline            net/http answering the seed's body
//	unsigned-403        the full server: routing + Missing Authentication Token
//	signed-denied       the full server: SigV4 + IAM decision, implicit deny (no invoke)
//	signed-go-invoker   gateway with the real SigV4 verifier and IAM over sqlite,
//	                    and a Go invoker answering at once (gateway cost alone)
//	signed-python       the full server: SigV4 + IAM + a warm Python Lambda
//
// A signature stays valid for 5 minutes, so each round signs once and
// replays the headers. Timings are reported, never asserted.
func BenchmarkGateway(b *testing.B) {
	s, apiID, creds, denied := benchServer(b)
	path := "/restapis/" + apiID + "/v1/_user_request_/hello"

	full := httptest.NewServer(s.Handler())
	defer full.Close()
	base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, helloBody)
	}))
	defer base.Close()
	authn := auth.NewService(s.iam, time.Now)
	gw := gateway.New(gateway.Options{APIs: s.apis, Auth: authn, Authz: authn, Invoker: goInvoker{},
		Region: "us-east-1", AccountID: "000000000000", FunctionPolicies: functionPolicies{s.funcs}, Roles: authn})
	gwOnly := httptest.NewServer(gw)
	defer gwOnly.Close()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	scenarios := []struct {
		name   string
		url    string
		creds  *aws.Credentials
		status int
	}{
		{"baseline", base.URL + "/hello", nil, 200},
		{"unsigned-403", full.URL + path, nil, 403},
		{"signed-denied", full.URL + path, &denied, 403},
		{"signed-go-invoker", gwOnly.URL + path, &creds, 200},
		{"signed-python", full.URL + path, &creds, 200},
	}
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			header := http.Header{}
			if sc.creds != nil {
				header = signGet(b, *sc.creds, sc.url)
			}
			get(b, client, sc.url, header, sc.status) // warm: key cache, policy cache, Python process
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				get(b, client, sc.url, header, sc.status)
			}
		})
	}
}

// BenchmarkHandler is the server's own cost per request, in process: the
// full handler (audit, metrics, dispatch, gateway) called directly with a
// reused request and a writer that discards, so allocs/op and B/op count
// iamgate's allocations alone, without a client or net/http's connection
// handling (bench/callgrind.sh measures those too). The rows are the
// routing path (unsigned 403), the denied path (SigV4 + IAM, 403) and the
// signed 200 through the warm Python function. Timings are reported, never
// asserted; compare allocs/op with benchstat.
func BenchmarkHandler(b *testing.B) {
	s, apiID, creds, denied := benchServer(b)
	url := "http://127.0.0.1:4566/restapis/" + apiID + "/v1/_user_request_/hello"
	for _, sc := range []struct {
		name   string
		creds  *aws.Credentials
		status int
	}{
		{"routing", nil, 403},
		{"denied", &denied, 403},
		{"python", &creds, 200},
	} {
		b.Run(sc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, url, nil)
			r.Header.Set("User-Agent", "curl/8.5.0")
			r.Header.Set("Accept", "*/*")
			if sc.creds != nil {
				for k, v := range signGet(b, *sc.creds, url) {
					r.Header[k] = v
				}
			}
			w := &discardStatus{h: http.Header{}}
			serve := func() {
				clear(w.h)
				w.status = 0
				s.Handler().ServeHTTP(w, r)
				if w.status != sc.status {
					b.Fatalf("status %d, want %d", w.status, sc.status)
				}
			}
			serve() // warm: key cache, policy cache, Python process
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				serve()
			}
		})
	}
}

// discardStatus discards the body and keeps the status.
type discardStatus struct {
	h      http.Header
	status int
}

func (w *discardStatus) Header() http.Header { return w.h }
func (w *discardStatus) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}
func (w *discardStatus) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

// BenchmarkMetricsMiddleware is the cost the metrics add to every request:
// classify, time, count, with a handler that does nothing.
func BenchmarkMetricsMiddleware(b *testing.B) {
	m := newMetrics(time.Now)
	h := m.middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }), http.NotFoundHandler())
	requests := map[string]*http.Request{
		"data":    httptest.NewRequest("GET", "http://127.0.0.1:4566/restapis/abcdefghij/v1/_user_request_/hello", nil),
		"control": httptest.NewRequest("POST", "http://127.0.0.1:4566/", nil),
	}
	requests["control"].Header.Set("Authorization", authzIAM)
	for name, r := range requests {
		b.Run(name, func(b *testing.B) {
			w := discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}

type discardWriter struct{ h http.Header }

func (w discardWriter) Header() http.Header         { return w.h }
func (w discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w discardWriter) WriteHeader(int)             {}

// goInvoker answers every invocation with the seed's proxy response, so
// the gateway scenario measures no function at all.
type goInvoker struct{}

func (goInvoker) InvokeFunction(context.Context, string, []byte) ([]byte, string, error) {
	return []byte(`{"statusCode":200,"body":"{\"message\": \"hello world\"}"}`), "", nil
}

func signGet(b *testing.B, creds aws.Credentials, url string) http.Header {
	b.Helper()
	r, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	empty := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(empty[:]), "execute-api", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return r.Header
}

func get(b *testing.B, client *http.Client, url string, header http.Header, want int) {
	r, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	for k, v := range header {
		r.Header[k] = v
	}
	resp, err := client.Do(r)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("GET %s: %d %s, want %d", url, resp.StatusCode, body, want)
	}
}

// benchServer is the benchmarks' server (closed when b ends) with the seed
// stack deployed as "bench": its API's id, the credentials of the seed's
// user, allowed to invoke it, and of a user without policies.
func benchServer(b *testing.B) (s *Server, apiID string, allowed, denied aws.Credentials) {
	b.Helper()
	testutil.NeedCommand(b, "python3")
	s, err := New(context.Background(), Config{DataDir: b.TempDir(), AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	apiID = deploySeed(b, s, "bench")
	if _, err := s.iam.CreateUser(context.Background(), "bench-denied", "/", nil, ""); err != nil {
		b.Fatal(err)
	}
	return s, apiID, accessKey(b, s, "bench-user"), accessKey(b, s, "bench-denied")
}
