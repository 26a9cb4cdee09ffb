package redact

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	sig   = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc/def=="
)

func TestQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a=1&b=2", "a=1&b=2"},
		{"X-Amz-Signature=" + sig + "&X-Amz-Date=1", "X-Amz-Signature=REDACTED&X-Amz-Date=1"},
		{"x-amz-signature=" + sig, "x-amz-signature=REDACTED"},
		{"X-Amz-Security-Token=" + url.QueryEscape(token) + "&X-Amz-Credential=AKID%2F20261203", "X-Amz-Security-Token=REDACTED&X-Amz-Credential=AKID%2F20261203"},
		{"X%2DAmz%2DSignature=" + sig, "X%2DAmz%2DSignature=REDACTED"},
		{"X-Amz-Signature", "X-Amz-Signature"}, // no value: nothing to hide
		{"%zz=1&X-Amz-Signature=" + sig, "%zz=1&X-Amz-Signature=REDACTED"},
	}
	for _, tc := range tests {
		if got := Query(tc.in); got != tc.want {
			t.Errorf("Query(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := URL("http://h/p?X-Amz-Signature="+sig+"#f"), "http://h/p?X-Amz-Signature=REDACTED#f"; got != want {
		t.Errorf("URL: %q", got)
	}
}

// TestSecrets: every spelling of the signature and token that a derived
// text can hold is masked, in header-signed and presigned requests.
func TestSecrets(t *testing.T) {
	header, _ := http.NewRequest("GET", "http://h/p", nil)
	header.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature="+sig)
	header.Header.Set("X-Amz-Security-Token", token)
	presigned, _ := http.NewRequest("GET", "http://h/p?X-Amz-Signature="+sig+"&X-Amz-Security-Token="+url.QueryEscape(token), nil)
	presigned.RequestURI = presigned.URL.RequestURI()
	canonical := uriEncode(token)
	for name, r := range map[string]*http.Request{"header": header, "presigned": presigned} {
		s := Secrets(r)
		text := "sig " + sig + "\nx-amz-security-token:" + token + "\nX-Amz-Security-Token=" + canonical +
			"&q=" + url.QueryEscape(token) + " tail"
		got := s.String(text)
		for _, secret := range []string{sig, token, canonical, url.QueryEscape(token)} {
			if strings.Contains(got, secret) {
				t.Errorf("%s: %q still in %q", name, secret, got)
			}
		}
		if !strings.HasSuffix(got, " tail") || !strings.HasPrefix(got, "sig REDACTED") {
			t.Errorf("%s: %q", name, got)
		}
		if diff := cmp.Diff([]string{"a", "REDACTED"}, s.Strings([]string{"a", sig})); diff != "" {
			t.Errorf("%s: Strings: %s", name, diff)
		}
	}
}

// FuzzQuery: Query never panics, keeps every non-credential parameter
// byte for byte, and leaves no credential value behind.
func FuzzQuery(f *testing.F) {
	f.Add("X-Amz-Signature=" + sig + "&a=b")
	f.Add("x-amz-security-token=abc%2Fdef&&=")
	f.Add("%zz&X-Amz-Signature")
	f.Fuzz(func(t *testing.T, q string) {
		out := Query(q)
		in, got := strings.Split(q, "&"), strings.Split(out, "&")
		if len(in) != len(got) {
			t.Fatalf("parameter count changed: %q -> %q", q, out)
		}
		for i := range in {
			k, _, hasValue := strings.Cut(in[i], "=")
			name, err := url.QueryUnescape(k)
			if err != nil {
				name = k
			}
			if hasValue && isSecretParam(name) {
				if got[i] != k+"="+Mask {
					t.Fatalf("credential %q not masked: %q", in[i], got[i])
				}
			} else if got[i] != in[i] {
				t.Fatalf("parameter %q changed to %q", in[i], got[i])
			}
		}
	})
}
