package server

import (
	"errors"
	"net/http"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// iamgate's own APIs (why, metrics) are signed with service name "iamgate"
// and authorized with IAM like any AWS API; these two steps are theirs.

// authenticateAdmin verifies r's signature. On failure it writes the
// error, in execute-api's REST-JSON shape, and returns false.
func authenticateAdmin(w http.ResponseWriter, r *http.Request, authn auth.Authenticator, reqID string) (*auth.Caller, bool) {
	caller, err := authn.Authenticate(r.Context(), r, sigv4.Options{Service: WhyService})
	if err == nil {
		return caller, true
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		awserr.Admin.Write(w, awserr.FromSigV4(se, awserr.RESTJSON), awserr.Reply{RequestID: reqID})
		return nil, false
	}
	awserr.Admin.Write(w, awserr.New(awserr.InternalFailure, "%s", "authentication failed"), awserr.Reply{RequestID: reqID})
	return nil, false
}

// authorizeAdmin asks IAM whether caller may perform action on resource.
// When not, it writes AccessDeniedException (or InternalFailure when IAM
// could not decide) and returns false.
func authorizeAdmin(w http.ResponseWriter, r *http.Request, authz auth.Authorizer, caller *auth.Caller, action, resource, reqID string) bool {
	d, err := authz.Authorize(r.Context(), caller, auth.Request{Action: action, Resource: resource})
	switch {
	case err != nil:
		awserr.Admin.Write(w, awserr.New(awserr.InternalFailure, "%s", "authorization failed"), awserr.Reply{RequestID: reqID})
		return false
	case !d.Allowed:
		awserr.Admin.Write(w, awserr.New(awserr.AccessDeniedException, "%s", d.Message+d.Because), awserr.Reply{RequestID: reqID})
		return false
	}
	return true
}
