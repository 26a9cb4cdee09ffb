package controlplane

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/iamgate/iamgate/internal/controlplane/query"
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
	if query.IsForm(r) {
		return h.serviceOfAction(formAction(r))
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
	for name, m := range h.o.Services {
		if m.Actions != nil && m.Actions(action) {
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

// formAction reads the Action of an unsigned form body (at most
// query.MaxBody of it) and puts the body back for the service.
func formAction(r *http.Request) string {
	if r.Body == nil {
		return ""
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, query.MaxBody+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	if err != nil {
		return ""
	}
	v, _ := url.ParseQuery(string(body))
	return v.Get("Action")
}
