package controlplane

import (
	"mime"
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/sigv4"
)

// scope is the part of a SigV4 credential scope dispatch needs.
type scope struct {
	region  string
	service string
}

// scopeOf reads the credential scope a request claims (Authorization
// header or presigned X-Amz-Credential) through sigv4.Classify, so it reads
// exactly what the authenticator will. It validates nothing: the
// authenticator does; this only routes.
func scopeOf(r *http.Request) (scope, bool) {
	c := sigv4.Classify(r)
	if !c.Scoped {
		return scope{}, false
	}
	return scope{region: c.Credential.Region, service: c.Credential.Service}, true
}

// guessService names the service of a request whose scope does not say
// (unsigned or malformed), so that its error is written in the right
// protocol: by host name, X-Amz-Target, query Action, then path.
func (h *Handler) guessService(r *http.Request) string {
	host := r.Host
	for _, name := range []string{"iam", "sts", "cloudformation", "s3", "lambda", "logs", "apigateway", "cognito-idp"} {
		if strings.HasPrefix(host, name+".") {
			return name
		}
	}
	if t := r.Header.Get("X-Amz-Target"); strings.HasPrefix(t, "Logs_") {
		return "logs"
	} else if strings.HasPrefix(t, "AWSCognitoIdentityProviderService.") {
		return "cognito-idp" // its public operations are unsigned
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
