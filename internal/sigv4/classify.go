package sigv4

import (
	"net/http"
	"strings"
)

// Kind is how a request carries its SigV4 authentication.
type Kind int

// The kinds Classify tells apart.
const (
	None      Kind = iota // no Authorization header, no X-Amz-Algorithm, -Credential or -Signature parameter
	Header                // an Authorization header (of any scheme: Verify reports a wrong one)
	Presigned             // presigned query parameters, and no Authorization header
)

func (k Kind) String() string {
	switch k {
	case Header:
		return "header"
	case Presigned:
		return "presigned"
	}
	return "none"
}

// Class is what a request says about its authentication before anything
// is verified: its kind and the credential scope it claims.
type Class struct {
	Kind Kind
	// Credential is the Credential parameter as sent, split on "/";
	// Scoped tells whether it had the five parts
	// AKID/DATE/REGION/SERVICE/aws4_request. Nothing in it is verified.
	Credential Credential
	Scoped     bool
}

// Classify tells an unsigned request from a header-signed or presigned one
// and reads the scope it claims, the way Verify will read them: the header
// wins over the query, and the query parameters are decoded as Verify
// decodes them. It validates nothing; callers use it to route (which
// service, which protocol for the error) and to tell "Missing
// Authentication Token" from a signature error. Verify alone decides.
func Classify(r *http.Request) Class {
	if a := getCanonical(r.Header, hdrAuthorization); a != "" {
		c := Class{Kind: Header}
		_, cred, ok := strings.Cut(a, "Credential=")
		if ok {
			if i := strings.IndexAny(cred, ", "); i >= 0 {
				cred = cred[:i]
			}
			c.Credential, c.Scoped = splitCredential(cred)
		}
		return c
	}
	rawQuery := rawQueryOf(r)
	if rawQuery == "" || !strings.Contains(rawQuery, "X-Amz-") && !strings.Contains(rawQuery, "%") {
		return Class{}
	}
	q := presignParams(rawQuery)
	_, alg := q[QueryAlgorithm]
	cred, hasCred := q[QueryCredential]
	_, sig := q[QuerySignature]
	if !alg && !hasCred && !sig {
		return Class{}
	}
	c := Class{Kind: Presigned}
	if hasCred {
		c.Credential, c.Scoped = splitCredential(cred)
	}
	return c
}

// KindOf is Classify(r).Kind, without reading the claimed scope of a
// header-signed request (the gateway asks only whether a request is signed
// at all, then Verify reads everything).
func KindOf(r *http.Request) Kind {
	if getCanonical(r.Header, hdrAuthorization) != "" {
		return Header
	}
	return Classify(r).Kind
}

// splitCredential splits a Credential value without judging it: ok is
// false unless it has five parts and names a service.
func splitCredential(v string) (Credential, bool) {
	c, ok := cutCredential(strings.TrimSpace(v))
	return c, ok && c.Service != ""
}
