package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"
)

var failAt = time.Date(2017, 5, 17, 6, 24, 14, 0, time.UTC)

func signedGET(t *testing.T, creds aws.Credentials, at time.Time, region, service string) *http.Request {
	t.Helper()
	r := httptest.NewRequest("GET", "https://abc.execute-api.us-east-1.amazonaws.com/v1/hello", nil)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, EmptySHA256, service, region, at); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVerifyFailures(t *testing.T) {
	long := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	keys := testKeys()
	keys["AKIAINACTIVE"] = Key{AccessKeyID: "AKIAINACTIVE", Secret: testSecret}
	keys["ASIAEXPIRED"] = Key{AccessKeyID: "ASIAEXPIRED", Secret: testSecret, SessionToken: "tok", Active: true, Expires: failAt}
	opts := Options{Service: "execute-api", Region: "us-east-1"}
	type want struct {
		Reason  Reason
		Message string
	}
	tests := []struct {
		name  string
		now   time.Time
		req   func() *http.Request
		opts  Options
		want  want
		check func(t *testing.T, e *Error)
	}{
		{name: "no auth", req: func() *http.Request { return httptest.NewRequest("GET", "/v1/hello", nil) },
			want: want{MissingAuthentication, "Missing Authentication Token"}},
		{name: "bearer token", req: func() *http.Request {
			r := httptest.NewRequest("GET", "/v1/hello", nil)
			r.Header.Set("Authorization", "Bearer abc")
			return r
		}, // https://github.com/mcguinness/node-lambda-oauth2-jwt-authorizer/issues/1
			want: want{IncompleteSignature, "'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'."}},
		{name: "all parts missing", req: func() *http.Request {
			r := httptest.NewRequest("GET", "/v1/hello", nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Foo=bar")
			return r
		}, // shared/conformance/apigw-errors.md (capture)
			want: want{IncompleteSignature, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Foo=bar"}},
		{name: "signature missing only", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
			return r
		}, check: func(t *testing.T, e *Error) {
			if !strings.HasPrefix(e.Message, "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=") {
				t.Errorf("message %q", e.Message)
			}
		}, want: want{Reason: IncompleteSignature}},
		{name: "bad algorithm", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SHA256", "SHA512", 1))
			return r
		}, want: want{UnsupportedAlgorithm, "Unsupported algorithm: 'AWS4-HMAC-SHA512'."}},
		{name: "wrong region", req: func() *http.Request { return signedGET(t, long, failAt, "eu-west-1", "execute-api") },
			// https://github.com/joona/aws-es-curl/issues/15
			want: want{BadCredentialScope, "Credential should be scoped to a valid region, not 'eu-west-1'. "}},
		{name: "wrong region and service", req: func() *http.Request { return signedGET(t, long, failAt, "eu-west-1", "es") },
			// https://github.com/Kong/insomnia/issues/830
			want: want{BadCredentialScope, "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'execute-api'. "}},
		{name: "scope date differs", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20170517/", "/20170516/", 1))
			return r
		}, want: want{BadCredentialScope, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20170516' != '20170517', from '20170517T062414Z'."}},
		{name: "bad terminator", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "aws4_request", "aws5_request", 1))
			return r
		}, want: want{BadCredentialScope, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "}},
		{name: "credential shape", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1", "", 1))
			return r
		}, want: want{IncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + testAKID + "/20170517/execute-api/aws4_request'"}},
		{name: "unknown key", req: func() *http.Request {
			return signedGET(t, aws.Credentials{AccessKeyID: "AKIAUNKNOWN", SecretAccessKey: "x"}, failAt, "us-east-1", "execute-api")
		}, want: want{UnknownKey, "The security token included in the request is invalid."}},
		{name: "inactive key", req: func() *http.Request {
			return signedGET(t, aws.Credentials{AccessKeyID: "AKIAINACTIVE", SecretAccessKey: testSecret}, failAt, "us-east-1", "execute-api")
		}, want: want{InactiveKey, "The security token included in the request is invalid."}},
		{name: "session key without token", req: func() *http.Request {
			return signedGET(t, aws.Credentials{AccessKeyID: testSTSAKID, SecretAccessKey: testSecret}, failAt, "us-east-1", "execute-api")
		}, want: want{InvalidToken, "The security token included in the request is invalid."}},
		{name: "session key wrong token", req: func() *http.Request {
			return signedGET(t, aws.Credentials{AccessKeyID: testSTSAKID, SecretAccessKey: testSecret, SessionToken: "nope"}, failAt, "us-east-1", "execute-api")
		}, want: want{InvalidToken, "The security token included in the request is invalid."}},
		{name: "long-term key with token", req: func() *http.Request {
			return signedGET(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: "x"}, failAt, "us-east-1", "execute-api")
		}, want: want{InvalidToken, "The security token included in the request is invalid."}},
		{name: "expired session", req: func() *http.Request {
			return signedGET(t, aws.Credentials{AccessKeyID: "ASIAEXPIRED", SecretAccessKey: testSecret, SessionToken: "tok"}, failAt, "us-east-1", "execute-api")
		}, want: want{ExpiredToken, "The security token included in the request is expired"}},
		{name: "wrong secret", req: func() *http.Request {
			return signedGET(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: "wrong"}, failAt, "us-east-1", "execute-api")
		}, check: func(t *testing.T, e *Error) {
			want := "\n\nThe Canonical String for this request should have been\n'GET\n/v1/hello\n\nhost:abc.execute-api.us-east-1.amazonaws.com\nx-amz-date:20170517T062414Z\n\nhost;x-amz-date\n" + EmptySHA256 + "'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20170517T062414Z\n20170517/us-east-1/execute-api/aws4_request\n"
			if !strings.HasPrefix(e.Message, msgMismatch+want) || e.CanonicalRequest == "" || e.StringToSign == "" {
				t.Errorf("message %q", e.Message)
			}
		}, want: want{Reason: SignatureMismatch}},
		{name: "expired", now: time.Date(2017, 5, 17, 6, 33, 40, 0, time.UTC),
			req: func() *http.Request { return signedGET(t, long, failAt, "us-east-1", "execute-api") },
			// shared/conformance/apigw-errors.md (capture)
			want: want{SignatureExpired, "Signature expired: 20170517T062414Z is now earlier than 20170517T062840Z (20170517T063340Z - 5 min.)"}},
		{name: "not yet current", now: time.Date(2017, 5, 17, 6, 14, 0, 0, time.UTC),
			req: func() *http.Request { return signedGET(t, long, failAt, "us-east-1", "execute-api") },
			// https://github.com/NickWaterton/Roomba980-Python/issues/118
			want: want{NotYetCurrent, "Signature not yet current: 20170517T062414Z is still later than 20170517T061900Z (20170517T061400Z + 5 min.)"}},
		{name: "s3 window is 15 minutes", now: failAt.Add(16 * time.Minute), opts: Options{Service: "execute-api", S3: true},
			req: func() *http.Request {
				r := signedGET(t, long, failAt, "us-east-1", "execute-api")
				return r
			}, want: want{SignatureExpired, "Signature expired: 20170517T062414Z is now earlier than 20170517T062514Z (20170517T064014Z - 15 min.)"}},
		{name: "malformed date", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Set("X-Amz-Date", "2017-05-17")
			return r
		}, want: want{BadDate, "Date must be in ISO-8601 'basic format'. Got '2017-05-17'. See http://en.wikipedia.org/wiki/ISO_8601"}},
		{name: "no date", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Del("X-Amz-Date")
			return r
		}, check: func(t *testing.T, e *Error) {
			if !strings.HasPrefix(e.Message, msgNeedDate+" Authorization=") {
				t.Errorf("message %q", e.Message)
			}
		}, want: want{Reason: IncompleteSignature}},
		{name: "host not signed", req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=host;", "SignedHeaders=", 1))
			return r
		}, want: want{HeaderNotSigned, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."}},
		{name: "s3 unsigned x-amz header", opts: Options{Service: "execute-api", S3: true}, req: func() *http.Request {
			r := signedGET(t, long, failAt, "us-east-1", "execute-api")
			r.Header.Set("X-Amz-Meta-Foo", "bar")
			return r
		}, check: func(t *testing.T, e *Error) {
			if d := cmp.Diff([]string{"x-amz-meta-foo"}, e.Headers); d != "" {
				t.Error(d)
			}
		}, want: want{HeaderNotSigned, "There were headers present in the request which were not signed"}},
		{name: "s3 missing content hash", opts: Options{Service: "execute-api", S3: true},
			req:  func() *http.Request { return signedGET(t, long, failAt, "us-east-1", "execute-api") },
			want: want{MissingContentHash, "Missing required header for this request: x-amz-content-sha256"}},
		{name: "content hash does not match body", req: func() *http.Request {
			r := httptest.NewRequest("PUT", "https://abc.execute-api.us-east-1.amazonaws.com/v1/x", strings.NewReader("body"))
			r.Header.Set("X-Amz-Content-Sha256", sha("other"))
			if err := v4.NewSigner().SignHTTP(context.Background(), long, r, sha("other"), "execute-api", "us-east-1", failAt); err != nil {
				t.Fatal(err)
			}
			return r
		}, want: want{BadPayloadHash, "The provided 'x-amz-content-sha256' header does not match what was computed."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = failAt
			}
			o := tc.opts
			if o.Service == "" {
				o = opts
			}
			_, err := NewVerifier(keys, func() time.Time { return now }).Verify(context.Background(), tc.req(), o)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			got := want{e.Reason, e.Message}
			if tc.check != nil {
				tc.check(t, e)
				if tc.want.Message == "" {
					got.Message = ""
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestPresignFailures(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	presign := func(expires string) string {
		u := "https://abc.execute-api.us-east-1.amazonaws.com/v1/hello"
		if expires != "" {
			u += "?X-Amz-Expires=" + expires
		}
		r := httptest.NewRequest("GET", u, nil)
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, EmptySHA256, "execute-api", "us-east-1", failAt)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tests := []struct {
		name   string
		url    string
		now    time.Time
		reason Reason
		s3     bool
	}{
		// Without X-Amz-Expires (aws4 presigns execute-api URLs so) API
		// Gateway holds the URL to the header form's window around
		// X-Amz-Date; S3 requires the parameter
		// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
		{name: "no expires, within the window", url: presign(""), now: failAt.Add(4 * time.Minute)},
		{name: "no expires, signed in the future within the window", url: presign(""), now: failAt.Add(-4 * time.Minute)},
		{name: "no expires, past the window", url: presign(""), now: failAt.Add(6 * time.Minute), reason: SignatureExpired},
		{name: "no expires, S3 requires it", url: presign(""), now: failAt, reason: IncompleteSignature, s3: true},
		{name: "valid until expiry", url: presign("60"), now: failAt.Add(60 * time.Second)},
		{name: "expired", url: presign("60"), now: failAt.Add(61 * time.Second), reason: PresignExpired},
		{name: "not yet current", url: presign("60"), now: failAt.Add(-6 * time.Minute), reason: NotYetCurrent},
		{name: "a week is the limit", url: presign("604800"), now: failAt.Add(6 * 24 * time.Hour)},
		{name: "over a week", url: presign("604801"), now: failAt, reason: IncompleteSignature},
		{name: "expires not a number", url: strings.Replace(presign("60"), "X-Amz-Expires=60", "X-Amz-Expires=abc", 1), now: failAt, reason: IncompleteSignature},
		{name: "missing signature", url: presign("60")[:strings.Index(presign("60"), "&X-Amz-Signature")], now: failAt, reason: IncompleteSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := NewVerifier(testKeys(), func() time.Time { return tc.now })
			r := httptest.NewRequest("GET", tc.url, nil)
			_, err := v.Verify(context.Background(), r, Options{Service: "execute-api", S3: tc.s3})
			var got Reason
			if e, ok := errors.AsType[*Error](err); ok {
				got = e.Reason
				if !e.Presigned {
					t.Error("Presigned not set on a query-form error")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tc.reason {
				t.Errorf("reason = %v (%v), want %v", got, err, tc.reason)
			}
		})
	}
}

func TestHasAuth(t *testing.T) {
	tests := []struct {
		name string
		req  *http.Request
		want bool
	}{
		{"none", httptest.NewRequest("GET", "/x?a=1", nil), false},
		{"header", func() *http.Request {
			r := httptest.NewRequest("GET", "/x", nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 x=y")
			return r
		}(), true},
		{"presigned", httptest.NewRequest("GET", "/x?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil), true},
		{"encoded presigned key", httptest.NewRequest("GET", "/x?X-Amz-%43redential=a", nil), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HasAuth(tc.req); got != tc.want {
				t.Errorf("HasAuth = %v, want %v", got, tc.want)
			}
		})
	}
}
