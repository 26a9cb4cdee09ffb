package sigv4

import (
	"net/http"
	"net/textproto"
	"testing"
)

// TestHeaderKeysCanonical: getCanonical finds what Header.Get finds only for
// keys in canonical form.
func TestHeaderKeysCanonical(t *testing.T) {
	h := http.Header{}
	for _, k := range []string{hdrAuthorization, hdrAmzDate, hdrDate, hdrSecurityToken, hdrContentSHA256, hdrContentLength} {
		if c := textproto.CanonicalMIMEHeaderKey(k); c != k {
			t.Errorf("%q is not canonical (%q)", k, c)
		}
		h.Add(k, "v-"+k)
		h.Add(k, "second")
		if got, want := getCanonical(h, k), h.Get(k); got != want {
			t.Errorf("getCanonical(%q) = %q, Get %q", k, got, want)
		}
	}
	if got := getCanonical(h, "X-Absent"); got != "" {
		t.Errorf("absent header: %q", got)
	}
}
