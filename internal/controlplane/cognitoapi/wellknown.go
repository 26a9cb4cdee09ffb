package cognitoapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/controlplane"
)

// Well-known documents of a pool, served at its issuer URL
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
const (
	JWKSDoc   = "jwks.json"
	OpenIDDoc = "openid-configuration"
)

// WellKnown reports whether r is a GET of a pool's well-known document:
// /{poolId}/.well-known/jwks.json or /{poolId}/.well-known/openid-configuration.
// Pool ids hold an underscore, which no S3 bucket name may, so the path
// never names an object of path-style S3.
func WellKnown(r *http.Request) (poolID, doc string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", "", false
	}
	rest, found := strings.CutPrefix(r.URL.Path, "/")
	if !found {
		return "", "", false
	}
	poolID, doc, found = strings.Cut(rest, "/.well-known/")
	if !found || !cognito.ValidPoolID(poolID) || (doc != JWKSDoc && doc != OpenIDDoc) {
		return "", "", false
	}
	return poolID, doc, true
}

type jwksDoc struct {
	Keys []cognito.JWK `json:"keys"`
}

type openIDDoc struct {
	Issuer                           string   `json:"issuer"`
	JWKSURI                          string   `json:"jwks_uri"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	ResponseTypesSupported           []string `json:"response_types_supported"`
	ScopesSupported                  []string `json:"scopes_supported"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
}

// serveWellKnown answers a well-known document, public as Cognito's are.
// An unknown pool gets Cognito's 404 body.
func (h *Handler) serveWellKnown(w http.ResponseWriter, r *http.Request, poolID, doc string) {
	var v any
	keys, err := h.o.Pools.JWKS(r.Context(), poolID)
	switch {
	case awserr.Is(err, cognito.ResourceNotFound):
		awserr.WriteWellKnownResponse(w, awserr.WellKnownPoolNotFound, "User pool "+poolID+" does not exist.")
		return
	case err != nil:
		h.log.Error("jwks", "pool", poolID, "err", err)
		awserr.WriteWellKnownResponse(w, awserr.WellKnownInternalError, "")
		return
	case doc == JWKSDoc:
		v = jwksDoc{Keys: keys}
	default:
		iss := h.o.Pools.Issuer(poolID)
		v = openIDDoc{Issuer: iss, JWKSURI: iss + "/.well-known/jwks.json", IDTokenSigningAlgValuesSupported: []string{"RS256"},
			ResponseTypesSupported: []string{"code", "token"}, ScopesSupported: []string{"openid", "email", "phone", "profile"},
			SubjectTypesSupported: []string{"public"}}
	}
	b, err := json.Marshal(v)
	if err != nil {
		h.log.Error("well-known document", "pool", poolID, "err", err)
		awserr.WriteWellKnownResponse(w, awserr.WellKnownInternalError, "")
		return
	}
	// A public document carries no request id; net/http sends no body to a HEAD.
	controlplane.Reply(w, http.StatusOK, "", "application/json;charset=UTF-8", b)
}
