package sigv4

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkVerify measures header verification of a typical execute-api GET
// with a cold (derived per request) and a cached signing key, next to
// aws-sdk-go-v2 signing the same request. Report ratios, not absolutes.
func BenchmarkVerify(b *testing.B) {
	at := time.Date(2024, 5, 17, 6, 24, 14, 0, time.UTC)
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	newReq := func() *http.Request {
		r := httptest.NewRequest("GET", "https://abc123.execute-api.us-east-1.amazonaws.com/v1/hello?name=world", nil)
		r.Header.Set("Accept", "application/json")
		r.Header.Set("User-Agent", "bench")
		return r
	}
	signed := newReq()
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, signed, EmptySHA256, "execute-api", "us-east-1", at); err != nil {
		b.Fatal(err)
	}
	opts := Options{Service: "execute-api", Region: "us-east-1"}
	keys := testKeys()
	clock := func() time.Time { return at }
	b.Run("sign/aws-sdk-go-v2", func(b *testing.B) {
		s := v4.NewSigner()
		b.ReportAllocs()
		for b.Loop() {
			r := newReq()
			if err := s.SignHTTP(context.Background(), creds, r, EmptySHA256, "execute-api", "us-east-1", at); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify/cold", func(b *testing.B) {
		v := NewVerifier(keys, clock)
		v.cache = nil // derive the key every time
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(context.Background(), signed, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify/cached", func(b *testing.B) {
		v := NewVerifier(keys, clock)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(context.Background(), signed, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}
