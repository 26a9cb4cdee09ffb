package sigv4

import "net/http"

// The request headers sigv4 reads, in the canonical form net/http stores
// them under (TestHeaderKeysCanonical checks it).
const (
	hdrAuthorization = "Authorization"
	hdrAmzDate       = "X-Amz-Date"
	hdrDate          = "Date"
	hdrSecurityToken = "X-Amz-Security-Token"
	hdrContentSHA256 = "X-Amz-Content-Sha256"
	hdrContentLength = "Content-Length"
)

// getCanonical is h.Get(key) for a key already in canonical form: the same
// first value, without Get checking the key's spelling again on each of
// the dozen lookups a verification makes (a scan of the key apiece).
func getCanonical(h http.Header, canonicalKey string) string {
	if vs := h[canonicalKey]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}
