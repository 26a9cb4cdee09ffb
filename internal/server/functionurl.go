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
	if _, ok := functionurl.Match(r); !ok {
		return false
	}
	if !strings.HasPrefix(r.URL.Path, functionurl.PathPrefix) || strings.Contains(strings.ToLower(r.Host), ".lambda-url.") {
		return true
	}
	c := sigv4.Classify(r)
	return c.Kind == sigv4.None || c.Credential.Service == "lambda"
}
