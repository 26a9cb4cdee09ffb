package gateway

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// hashingAuth reads the whole body as the SigV4 verifier does when it
// hashes the payload, then rejects the signature.
type hashingAuth struct{ called atomic.Bool }

func (a *hashingAuth) Authenticate(_ context.Context, r *http.Request, _ sigv4.Options) (*auth.Caller, error) {
	a.called.Store(true)
	if _, err := io.ReadAll(r.Body); err != nil {
		return nil, fmt.Errorf("sigv4: read body: %w", err)
	}
	return nil, &sigv4.Error{Reason: sigv4.SignatureMismatch}
}

// countingReader is an endless body that counts what was read of it.
type countingReader struct{ n atomic.Int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// API Gateway's payload quota is 10 MB; over it the answer is 413
// {"message":"Request Too Long"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
// The body is never read past the quota, even before the signature is
// checked, whether its length is declared or not.
func TestBodyCap(t *testing.T) {
	const tooLong = `{"message":"Request Too Long"}`
	tests := []struct {
		name          string
		url           string
		contentLength int64 // -1: chunked, undeclared
		wantAuth      bool
	}{
		{"declared, signed method", hostURL("/v1/hello"), maxPayload + 1, false},
		{"declared, unknown resource", hostURL("/v1/nope"), 300 << 20, false},
		{"undeclared, read by the signature check", hostURL("/v1/hello"), -1, true},
		{"undeclared, read for the event", hostURL("/v1/open/x"), -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			a := &hashingAuth{}
			f.gw.o.Auth = a
			body := &countingReader{}
			r := httptest.NewRequest("POST", tc.url, io.NopCloser(body))
			if strings.HasSuffix(tc.url, "/hello") {
				r.Method = "GET"
			}
			r.ContentLength = tc.contentLength
			r.Header.Set("Authorization", "whatever")
			w := httptest.NewRecorder()
			f.gw.ServeHTTP(w, r)
			if w.Code != 413 || w.Body.String() != tooLong || w.Header().Get("x-amzn-ErrorType") != "" {
				t.Errorf("got %d %q %s", w.Code, w.Header().Get("x-amzn-ErrorType"), w.Body.String())
			}
			if a.called.Load() != tc.wantAuth {
				t.Errorf("authenticator called = %v", a.called.Load())
			}
			if n := body.n.Load(); n > maxPayload+64<<10 {
				t.Errorf("read %d bytes of the body, the quota is %d", n, maxPayload)
			}
			if f.inv.payload != nil {
				t.Error("the function was invoked")
			}
		})
	}
}
