package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/jwtauth"
)

// TokenVerifier verifies JSON Web Tokens; *jwtauth.Verifier satisfies it.
type TokenVerifier interface {
	Verify(ctx context.Context, raw string, e jwtauth.Expect) (*jwtauth.Token, error)
}

var _ TokenVerifier = (*jwtauth.Verifier)(nil)

// msgTokenExpired is the UNAUTHORIZED body API Gateway gives an expired
// token (https://repost.aws/knowledge-center/api-gateway-401-error-unauthorized:
// "The incoming token has expired").
const msgTokenExpired = "The incoming token has expired"

// Cognito user pool authorizers of REST APIs, as API Gateway runs them
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html):
//
//   - the token is the identity source header (Authorization by default);
//     missing, empty, malformed, not RS256, signed by no key of the
//     authorizer's pools (providerARNs) or issued by another pool is 401
//     {"message":"Unauthorized"}; expired is 401 {"message":"The incoming
//     token has expired"};
//   - a method without authorizationScopes takes an id token (token_use
//     id); a method with scopes takes an access token granting one of
//     them (https://repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized);
//   - identityValidationExpression, when set, must match the token's aud;
//   - the claims reach the integration as requestContext.authorizer.claims,
//     every value a string (numbers as text, exp and iat as Java dates,
//     lists comma-joined), and the API's resource policy is then evaluated
//     as for a Lambda authorizer.
func (g *Gateway) runCognito(c *call) bool {
	a, ok := c.snap.Authorizer(c.method.AuthorizerID)
	tr := &AuthorizerTrace{ID: c.method.AuthorizerID, Type: apigw.AuthorizerCognito, Statement: -1}
	c.trace.Authorizer = tr
	c.trace.Signature = "not checked (method authorization COGNITO_USER_POOLS)"
	if !ok || a.Type != apigw.AuthorizerCognito {
		g.log.Error("method names no Cognito authorizer of the deployment", "request_id", c.requestID, "authorizer_id", c.method.AuthorizerID)
		return g.authorizerFailed(c, tr, "the deployment has no Cognito authorizer "+c.method.AuthorizerID)
	}
	tr.Name, tr.IdentitySource = a.Name, a.IdentitySource
	if g.o.Tokens == nil {
		return g.authorizerFailed(c, tr, "this gateway verifies no JSON Web Tokens")
	}
	header, _ := a.TokenHeader()
	raw := strings.TrimSpace(c.r.Header.Get(header))
	if len(raw) > 7 && strings.EqualFold(raw[:7], "Bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	if raw == "" {
		return g.authorizerUnauthorized(c, tr, "identity source "+a.IdentitySource+" is missing or empty")
	}
	issuers, bad := poolIssuers(a.ProviderARNs)
	if bad != "" {
		return g.authorizerFailed(c, tr, "providerARNs holds "+bad+", not a user pool ARN")
	}
	want := jwtauth.Expect{Issuers: issuers, Scopes: c.method.AuthorizationScopes}
	tok, err := g.o.Tokens.Verify(c.r.Context(), raw, want)
	if err != nil {
		reason := jwtauth.ReasonOf(err)
		switch reason {
		case jwtauth.Expired:
			tr.Outcome, tr.Notes = "Unauthorized", append(tr.Notes, "the token has expired")
			g.fail(c, awserr.GWUnauthorized, msgTokenExpired)
			return false
		case jwtauth.KeysUnavailable:
			g.log.Warn("user pool keys unavailable", "request_id", c.requestID, "err", err)
		case 0:
			g.log.Error("token verification failed", "request_id", c.requestID, "err", err)
			return g.authorizerFailed(c, tr, err.Error())
		}
		return g.authorizerUnauthorized(c, tr, "the token was refused: "+reason.String())
	}
	use, _ := tok.Claims["token_use"].(string)
	switch {
	case len(want.Scopes) == 0 && use != "id":
		return g.authorizerUnauthorized(c, tr, "the method has no authorization scopes, so it takes an id token; this is a "+use+" token")
	case len(want.Scopes) > 0 && use != "access":
		return g.authorizerUnauthorized(c, tr, "the method requires scopes, so it takes an access token; this is a "+use+" token")
	}
	if re, err := a.ValidationRegexp(); err != nil {
		return g.authorizerFailed(c, tr, "identityValidationExpression does not compile: "+err.Error())
	} else if aud, _ := tok.Claims["aud"].(string); re != nil && !re.MatchString(aud) {
		return g.authorizerUnauthorized(c, tr, "the token's aud does not match identityValidationExpression")
	}
	sub, _ := tok.Claims["sub"].(string)
	tr.PrincipalID, tr.Outcome = sub, "Allow"
	c.trace.Rule = "allowed by the Cognito authorizer " + a.Name + " (" + use + " token of " + tok.Claims["iss"].(string) + ")"
	c.authz = &authorizerResult{claims: restClaims(tok.Claims)}
	return g.resourcePolicyAfterAuthorizer(c)
}

// poolIssuers turns user pool ARNs
// (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID) into their token
// issuers; bad is the first entry that is not one.
func poolIssuers(arns []string) (issuers []string, bad string) {
	for _, s := range arns {
		a, err := arn.Parse(s)
		if err != nil || a.Service != "cognito-idp" || a.Region == "" {
			return nil, s
		}
		id, ok := strings.CutPrefix(a.Resource, "userpool/")
		if !ok || id == "" || strings.ContainsAny(id, "/?#") {
			return nil, s
		}
		issuers = append(issuers, "https://cognito-idp."+a.Region+".amazonaws.com/"+id)
	}
	if len(issuers) == 0 {
		return nil, "nothing"
	}
	return issuers, ""
}

// javaDate is how API Gateway writes exp and iat in REST claims: Java's
// Date.toString in UTC ("Thu Feb 22 15:53:52 UTC 2018").
const javaDate = "Mon Jan 02 15:04:05 UTC 2006"

// restClaims stringifies claims as a REST Cognito authorizer passes them.
func restClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		switch x := v.(type) {
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case float64:
			if (k == "exp" || k == "iat") && x == math.Trunc(x) {
				out[k] = time.Unix(int64(x), 0).UTC().Format(javaDate)
			} else {
				out[k] = strconv.FormatFloat(x, 'f', -1, 64)
			}
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			out[k] = strings.Join(parts, ",")
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}
