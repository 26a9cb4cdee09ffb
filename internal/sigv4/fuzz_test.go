package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// FuzzParseAuthorization: no panics; a parsed header re-formatted parses to
// the same value; failures are always *Error.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
		"AWS4-HMAC-SHA256 Credential=A/B/C/D/E,SignedHeaders=host,Signature=x", // no spaces
		"Bearer abc", "", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=a/b", "AWS4-HMAC-SHA256 ,,, =,",
	} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, v string, hasDate bool) {
		a, err := ParseAuthorization(v, hasDate)
		if err != nil {
			if err.Reason == 0 || err.Message == "" {
				t.Fatalf("error without reason or message: %+v", err)
			}
			return
		}
		if a.Algorithm != Algorithm || !hasDate {
			t.Fatalf("accepted %q (alg %q, hasDate %v)", v, a.Algorithm, hasDate)
		}
		if strings.ContainsAny(a.Credential.Scope()+a.Credential.AccessKeyID, ",") {
			return // commas cannot round-trip
		}
		again := Algorithm + " Credential=" + a.Credential.AccessKeyID + "/" + a.Credential.Scope() +
			", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ", Signature=" + a.Signature
		b, err := ParseAuthorization(again, true)
		if err != nil {
			t.Fatalf("re-parse %q: %v", again, err)
		}
		if b.Credential != a.Credential || b.Signature != a.Signature || !slices.Equal(b.SignedHeaders, a.SignedHeaders) {
			t.Fatalf("round trip:\n%+v\n%+v", a, b)
		}
	})
}

// FuzzParsePresigned: no panics; accepted Expires within a week; the
// parameters re-encoded parse to the same value.
func FuzzParsePresigned(f *testing.F) {
	for _, s := range []string{
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
		"X-Amz-Algorithm=x", "a=b&&c", "X-Amz-Expires=-1", "%", "X-Amz-Security-Token=a%2Bb+c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		a, err := ParsePresigned(q)
		if err != nil {
			if !err.Presigned || err.Message == "" {
				t.Fatalf("error %+v", err)
			}
			return
		}
		if a.Expires < 0 || a.Expires > MaxPresignExpires {
			t.Fatalf("expires %v accepted", a.Expires)
		}
		vals := url.Values{}
		vals.Set(QueryAlgorithm, a.Algorithm)
		vals.Set(QueryCredential, a.Credential.AccessKeyID+"/"+a.Credential.Scope())
		vals.Set(QueryDate, a.Date)
		vals.Set(QueryExpires, presignParams(q)[QueryExpires])
		vals.Set(QuerySignedHeaders, strings.Join(a.SignedHeaders, ";"))
		vals.Set(QuerySignature, a.Signature)
		if a.SecurityToken != "" {
			vals.Set(QuerySecurityToken, a.SecurityToken)
		}
		b, err := ParsePresigned(vals.Encode())
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if b.Credential != a.Credential || b.Signature != a.Signature || b.Date != a.Date || b.SecurityToken != a.SecurityToken {
			t.Fatalf("round trip:\n%+v\n%+v", a, b)
		}
	})
}

// canonicalChars reports whether s holds only unreserved characters, '/'
// (when allowed) and uppercase %XX escapes.
func canonicalChars(s string, slash bool) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case unreserved(c), slash && c == '/':
		case c == '%' && i+2 < len(s) && strings.ContainsRune(upperHex, rune(s[i+1])) && strings.ContainsRune(upperHex, rune(s[i+2])):
			i += 2
		default:
			return false
		}
	}
	return true
}

// FuzzCanonicalURI: canonical paths start with '/', use only canonical
// characters; normalized ones have no empty or dot segments; S3's is
// idempotent.
func FuzzCanonicalURI(f *testing.F) {
	for _, s := range []string{"/", "", "//example//", "/example1/example2/../..", "/./a/.", "/a%2Fb/%e1%88%b4", "/ሴ", "/a b/$x", "%", "/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		for _, s3 := range []bool{false, true} {
			c := CanonicalURI(p, s3)
			if !strings.HasPrefix(c, "/") || !canonicalChars(c, true) {
				t.Fatalf("CanonicalURI(%q, %v) = %q", p, s3, c)
			}
			if s3 {
				if again := CanonicalURI(c, true); again != c {
					t.Fatalf("S3 not idempotent: %q -> %q -> %q", p, c, again)
				}
				continue
			}
			inner := strings.TrimSuffix(c[1:], "/")
			if inner != "" && slices.ContainsFunc(strings.Split(inner, "/"), func(s string) bool { return s == "" || s == "." || s == ".." }) {
				t.Fatalf("not normalized: %q -> %q", p, c)
			}
		}
	})
}

// FuzzCanonicalQuery: the output is sorted canonical pairs and canonical
// again when fed back.
func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{"", "a=1&b=2", "Param1=value2&Param1=Value1", "a&b=", "%E1%88%B4=x&+=%20", "x=%zz&&=&", "X-Amz-Signature=abc&a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		c := CanonicalQuery(q, false)
		if again := CanonicalQuery(c, false); again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", q, c, again)
		}
		if c == "" {
			return
		}
		pairs := strings.Split(c, "&")
		for _, p := range pairs {
			k, v, ok := strings.Cut(p, "=")
			if !ok || !canonicalChars(k, false) || !canonicalChars(v, false) {
				t.Fatalf("bad pair %q in %q", p, c)
			}
		}
		if !slices.IsSortedFunc(pairs, func(a, b string) int {
			ak, av, _ := strings.Cut(a, "=")
			bk, bv, _ := strings.Cut(b, "=")
			if ak != bk {
				return strings.Compare(ak, bk)
			}
			return strings.Compare(av, bv)
		}) {
			t.Fatalf("unsorted %q", c)
		}
	})
}

// FuzzChunkReader: arbitrary bodies never panic, never yield more bytes than
// they hold, and fail only with *Error.
func FuzzChunkReader(f *testing.F) {
	for _, s := range []string{
		"5\r\nhello\r\n0\r\n\r\n",
		"5;chunk-signature=00\r\nhello\r\n0;chunk-signature=00\r\n\r\n",
		"0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n", "ffffffff\r\n", "", "\r\n", "1\r\na",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	seedKey := SigningKey("secret", "20240101", "us-east-1", "s3")
	f.Fuzz(func(t *testing.T, body string, signed bool) {
		res := &Result{PayloadHash: StreamingUnsignedTrail, Region: "us-east-1", Service: "s3",
			SignedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Signature: strings.Repeat("0", 64), signingKey: seedKey}
		if signed {
			res.PayloadHash = StreamingPayload
		}
		out, err := io.ReadAll(NewChunkReader(strings.NewReader(body), res))
		if len(out) > len(body) {
			t.Fatalf("yielded %d bytes from %d", len(out), len(body))
		}
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("error %T %v", err, err)
			}
		}
	})
}

// FuzzVerifyGoSDK is differential: what aws-sdk-go-v2 signs verifies, and
// the same request with its signature's last byte flipped does not.
func FuzzVerifyGoSDK(f *testing.F) {
	f.Add("hello", "a=1&b= x", "  some  value ")
	f.Add("h\u00e9llo world", "k=\u00e9&k=a", "v")
	at := time.Date(2024, 5, 17, 6, 24, 14, 0, time.UTC)
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	v := NewVerifier(testKeys(), func() time.Time { return at })
	f.Fuzz(func(t *testing.T, seg, query, hv string) {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(hv, "\r\n\x00\t") || !validHeaderValue(hv) {
			// Tabs: aws-sdk-go-v2 squeezes only spaces in header values,
			// botocore and the Java SDK squeeze all blanks (as we do).
			return
		}
		u := &url.URL{Scheme: "https", Host: "abc.execute-api.us-east-1.amazonaws.com", Path: "/v1/" + seg, RawQuery: query}
		r := httptest.NewRequest("GET", "https://abc.execute-api.us-east-1.amazonaws.com/", nil)
		r.URL = u
		r.RequestURI = u.EscapedPath()
		if u.RawQuery != "" {
			r.RequestURI += "?" + u.RawQuery
		}
		r.Header.Set("X-Custom", hv)
		if _, err := url.ParseQuery(query); err != nil || strings.Contains(u.EscapedPath()[4:], "/") {
			// The SDK drops query pairs it cannot parse and does not
			// normalize paths; AWS canonicalizes both.
			return
		}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, EmptySHA256, "execute-api", "us-east-1", at); err != nil {
			return
		}
		opts := Options{Service: "execute-api", Region: "us-east-1"}
		if _, err := v.Verify(context.Background(), r, opts); err != nil {
			t.Fatalf("SDK-signed %q rejected: %v", r.RequestURI, err)
		}
		r.Header.Set("Authorization", flipLast(r.Header.Get("Authorization")))
		if _, err := v.Verify(context.Background(), r, opts); err == nil {
			t.Fatal("flipped signature accepted")
		}
	})
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 && s[i] != '\t' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// FuzzLookupCanonical holds the allocation-free header lookup to
// textproto's canonical key.
func FuzzLookupCanonical(f *testing.F) {
	for _, s := range []string{"x-amz-date", "content-type", "X-AMZ-DATE", "x amz", "a-", "-a", "x_y", strings.Repeat("a", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		h := http.Header{textproto.CanonicalMIMEHeaderKey(name): {"v"}}
		want, wantOK := h[textproto.CanonicalMIMEHeaderKey(name)]
		got, ok := lookupCanonical(h, name)
		if ok != wantOK || len(got) != len(want) {
			t.Fatalf("lookupCanonical(%q) = %v %v, want %v %v", name, got, ok, want, wantOK)
		}
		if key := textproto.CanonicalMIMEHeaderKey(name); key != name {
			h = http.Header{name: {"raw"}} // only the raw spelling: textproto's key misses it
			if _, ok := lookupCanonical(h, name); ok {
				t.Fatalf("lookupCanonical(%q) found the raw key %q, textproto looks up %q", name, name, key)
			}
		}
	})
}

// FuzzNormalPath holds the fast path to the full normalization.
func FuzzNormalPath(f *testing.F) {
	for _, s := range []string{"/", "", "/a/b", "/a//b", "/a/./b", "/a/../b", "/a/", "a/b", "/.", "/..", "/.a", "/a..", "//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if isNormalPath(p) {
			segs := strings.Split(p, "/")
			out := []string{}
			for _, s := range segs {
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
			full := "/" + strings.Join(out, "/")
			if len(out) > 0 && strings.HasSuffix(p, "/") {
				full += "/"
			}
			if full != p {
				t.Fatalf("isNormalPath(%q) but normalization gives %q", p, full)
			}
		}
	})
}

// FuzzHMACSmall holds the stack HMAC to crypto/hmac.
func FuzzHMACSmall(f *testing.F) {
	f.Add([]byte("key"), "msg")
	f.Add(make([]byte, 32), strings.Repeat("x", 448))
	f.Add(make([]byte, 64), "")
	f.Add(make([]byte, 65), "a")
	f.Fuzz(func(t *testing.T, key []byte, msg string) {
		got, ok := hmacSmall(key, msg)
		if !ok {
			if len(key) <= 64 && len(msg) <= 448 {
				t.Fatalf("hmacSmall refused a %d-byte key and a %d-byte message", len(key), len(msg))
			}
			return
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		if want := m.Sum(nil); !bytes.Equal(got[:], want) {
			t.Fatalf("hmacSmall = %x, crypto/hmac %x", got, want)
		}
	})
}
