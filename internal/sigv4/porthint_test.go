package sigv4

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// A client that signs the host without its port (requests-aws4auth does)
// while sending Host: 127.0.0.1:4566 is refused, with a hint saying so; a
// plain mismatch gets no hint.
func TestPortlessHostHint(t *testing.T) {
	at := time.Date(2024, 5, 17, 6, 24, 14, 0, time.UTC)
	v := NewVerifier(testKeys(), func() time.Time { return at })
	opts := Options{Service: "execute-api", Region: "us-east-1"}
	signedFor := func(signHost, sendHost, secret string) error {
		req := httptest.NewRequest("GET", "http://"+signHost+"/restapis/abc/v1/_user_request_/hello", nil)
		req.Host = signHost
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: secret},
			req, EmptySHA256, "execute-api", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		req.Host = sendHost
		_, err := v.Verify(context.Background(), req, opts)
		return err
	}
	tests := []struct {
		name, signHost, sendHost, secret string
		hint                             string
	}{
		{"port left out", "127.0.0.1", "127.0.0.1:4566", testSecret, "127.0.0.1"},
		{"IPv6 port left out", "[::1]", "[::1]:4566", testSecret, "[::1]"},
		{"wrong secret and port left out", "127.0.0.1", "127.0.0.1:4566", "x" + testSecret[1:], ""},
		{"other host", "localhost", "127.0.0.1:4566", testSecret, ""},
		{"no port sent", "127.0.0.2", "127.0.0.1", testSecret, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := signedFor(tt.signHost, tt.sendHost, tt.secret)
			var e *Error
			if !errors.As(err, &e) || e.Reason != SignatureMismatch {
				t.Fatalf("err = %v, want a SignatureMismatch", err)
			}
			if e.SignedHostWithoutPort != tt.hint {
				t.Errorf("SignedHostWithoutPort = %q, want %q", e.SignedHostWithoutPort, tt.hint)
			}
			if !strings.HasPrefix(e.Message, msgMismatch) {
				t.Errorf("message does not start with AWS's: %q", e.Message)
			}
			if got := strings.Contains(e.Message, "signed the host without its port"); got != (tt.hint != "") {
				t.Errorf("hint in message = %v, want %v: %s", got, tt.hint != "", e.Message)
			}
		})
	}
}
