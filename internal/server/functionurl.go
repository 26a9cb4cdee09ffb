package server

import (
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/functionurl"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// isFunctionURL routes function URL requests: by host always; by the local
// path style (/lambda-url/{urlId}/...) unless the request is signed for
// another service (an S3 path-style request for a bucket named lambda-url).
func isFunctionURL(r *http.Request) bool {
	// Every request asks: what functionurl.Match needs, a host naming
	// .lambda-url. or a path under PathPrefix (unreserved characters, so
	// the escaped path has it only when the path does), is looked for
	// first without its copies of the host and the escaped path.
	if !strings.HasPrefix(r.URL.Path, functionurl.PathPrefix) && !containsFold(r.Host, ".lambda-url.") {
		return false
	}
	if _, ok := functionurl.Match(r); !ok {
		return false
	}
	if !strings.HasPrefix(r.URL.Path, functionurl.PathPrefix) || strings.Contains(strings.ToLower(r.Host), ".lambda-url.") {
		return true
	}
	c := sigv4.Classify(r)
	return c.Kind == sigv4.None || c.Credential.Service == "lambda"
}

// containsFold reports whether s holds sub (lower case) in any ASCII case,
// as strings.Contains(strings.ToLower(s), sub) does for the hosts served.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
