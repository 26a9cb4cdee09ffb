package controlplane

import (
	"mime"
	"net/http"
	"strings"
)

// scope is the part of a SigV4 credential scope dispatch needs.
type scope struct {
	region  string
	service string
}

// scopeOf reads the credential scope from the Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/iam/aws4_request, ...")
// or the presigned X-Amz-Credential parameter. It does not validate anything:
// the authenticator does; this only routes.
func scopeOf(r *http.Request) (scope, bool) {
	cred := ""
	if a := r.Header.Get("Authorization"); a != "" {
		i := strings.Index(a, "Credential=")
		if i < 0 {
			return scope{}, false
		}
		cred = a[i+len("Credential="):]
		if j := strings.IndexAny(cred, ", "); j >= 0 {
			cred = cred[:j]
		}
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[3] == "" {
		return scope{}, false
	}
	return scope{region: parts[2], service: parts[3]}, true
}

// guessService names the service of a request whose scope does not say
// (unsigned or malformed), so that its error is written in the right
// protocol: by host name, X-Amz-Target, query Action, then path.
func (h *Handler) guessService(r *http.Request) string {
	host := r.Host
	for _, name := range []string{"iam", "sts", "cloudformation", "s3", "lambda", "logs", "apigateway"} {
		if strings.HasPrefix(host, name+".") {
			return name
		}
	}
	if t := r.Header.Get("X-Amz-Target"); strings.HasPrefix(t, "Logs_") {
		return "logs"
	}
	if action := r.URL.Query().Get("Action"); action != "" {
		return h.serviceOfAction(action)
	}
	if isForm(r) {
		return "" // a query request; the body is read later
	}
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/2015-03-31/functions"):
		return "lambda"
	case strings.HasPrefix(p, "/restapis"):
		return "apigateway"
	}
	return "s3"
}

// serviceOfAction returns the query service that has action; IAM when none
// or several do.
func (h *Handler) serviceOfAction(action string) string {
	found := ""
	for name, svc := range h.query {
		if _, ok := svc.ops[action]; ok {
			if found != "" {
				return "iam"
			}
			found = name
		}
	}
	if found == "" {
		return "iam"
	}
	return found
}

func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}
