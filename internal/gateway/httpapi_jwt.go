package gateway

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/authorizer"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/jwtauth"
)

// JWT authorizers of HTTP APIs (route authorization JWT), as API Gateway
// runs them (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html):
// the token is the identity source ($request.header.Authorization by
// default), with or without "Bearer "; it must be an RS256 JWS of the
// configured issuer (keys from its OpenID discovery document; iamgate's
// own user pools in process) with exp after now, nbf and iat before, aud
// or client_id among the audiences, and, when the route names
// authorizationScopes, scope or scp granting one of them. A missing or
// refused token is 401 {"message":"Unauthorized"}, an expired one adds
// WWW-Authenticate (error_description "the token has expired"), a token
// without the route's scopes is 403 {"message":"Forbidden"}. The claims and
// scopes reach the integration as requestContext.authorizer.jwt (payload
// 2.0) or requestContext.authorizer (1.0).

// jwtResult is what a JWT authorizer passes on.
type jwtResult struct {
	claims map[string]string
	scopes []string
}

func (g *Gateway) runJWTV2(c *call) bool {
	tr := &AuthorizerTrace{ID: c.v2.route.AuthorizerID, Type: httpapi.AuthorizerJWT, Statement: -1}
	c.trace.Authorizer = tr
	c.trace.Signature = "not checked (route authorization JWT)"
	a, ok := c.v2.snap.Authorizer(c.v2.route)
	if !ok || a.AuthorizerType != httpapi.AuthorizerJWT || a.JWTConfiguration == nil || a.JWTConfiguration.Issuer == "" {
		return g.authorizerFailed(c, tr, "the deployment has no JWT authorizer "+c.v2.route.AuthorizerID+" with an issuer")
	}
	tr.Name, tr.IdentitySource = a.Name, strings.Join(a.IdentitySource, ", ")
	if g.o.Tokens == nil {
		return g.authorizerFailed(c, tr, "this gateway verifies no JSON Web Tokens")
	}
	list := a.IdentitySource
	if len(list) == 0 {
		list = []string{"$request.header.Authorization"}
	}
	sources, err := authorizer.ParseSourcesV2(list)
	if err != nil {
		return g.authorizerFailed(c, tr, err.Error())
	}
	values, missing, ok := sources.Values(v2Lookup{g, c})
	if !ok || len(values) == 0 {
		return g.authorizerUnauthorized(c, tr, "identity source "+missing+" is missing or empty")
	}
	raw := strings.TrimSpace(values[0])
	if len(raw) > 7 && strings.EqualFold(raw[:7], "Bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	want := jwtauth.Expect{Issuers: []string{a.JWTConfiguration.Issuer}, Audiences: a.JWTConfiguration.Audience,
		Scopes: c.v2.route.AuthorizationScopes}
	if len(want.Audiences) == 0 {
		return g.authorizerFailed(c, tr, "the JWT authorizer has no audience")
	}
	tok, err := g.o.Tokens.Verify(c.r.Context(), raw, want)
	if err != nil {
		return g.jwtRefused(c, tr, err)
	}
	sub, _ := tok.Claims["sub"].(string)
	tr.PrincipalID, tr.Outcome = sub, "Allow"
	c.trace.Rule = "allowed by the JWT authorizer " + a.Name + " (issuer " + a.JWTConfiguration.Issuer + ")"
	c.authz = &authorizerResult{jwt: &jwtResult{claims: httpClaims(tok.Claims), scopes: tok.Scopes}}
	return true
}

// jwtRefused answers a refused token.
func (g *Gateway) jwtRefused(c *call, tr *AuthorizerTrace, err error) bool {
	reason := jwtauth.ReasonOf(err)
	switch reason {
	case 0:
		g.log.Error("token verification failed", "request_id", c.requestID, "err", err)
		return g.authorizerFailed(c, tr, err.Error())
	case jwtauth.MissingScope:
		tr.Outcome, tr.Notes = "Forbidden", append(tr.Notes, "the token grants none of the route's authorization scopes")
		g.fail(c, awserr.GWAccessDenied, "")
		return false
	case jwtauth.Expired:
		c.w.Header().Set("WWW-Authenticate", `Bearer scope="" error="invalid_token" error_description="the token has expired"`)
	case jwtauth.KeysUnavailable:
		g.log.Warn("issuer keys unavailable", "request_id", c.requestID, "err", err)
	}
	return g.authorizerUnauthorized(c, tr, "the token was refused: "+reason.String())
}

// httpClaims stringifies claims as an HTTP API JWT authorizer passes them:
// numbers as text, lists as "[a b]", objects as JSON.
func httpClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		switch x := v.(type) {
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			out[k] = "[" + strings.Join(parts, " ") + "]"
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}
