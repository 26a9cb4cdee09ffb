package gateway

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/sigv4"
)

const invokeAction = "execute-api:Invoke"

// authorize authenticates the caller of an AWS_IAM method and evaluates
// execute-api:Invoke; a method without authorization is evaluated as
// anonymous when the API has a resource policy. It writes the error and
// reports false when the request must stop.
func (g *Gateway) authorize(c *call) bool {
	switch c.method.AuthorizationType {
	case apigw.AuthIAM:
		if !g.authenticate(c) {
			return false
		}
	case apigw.AuthNone, "":
		if c.snap.API.Policy == "" {
			return g.checkAPIKey(c)
		}
		c.caller = auth.Anonymous
	default:
		// Lambda and Cognito authorizers are not run here: fail closed.
		g.log.Error("authorizer type not supported; refusing the request",
			"request_id", c.requestID, "authorization_type", c.method.AuthorizationType, "authorizer_id", c.method.AuthorizerID)
		g.fail(c, http.StatusInternalServerError, awserr.APIGWInternalServerError, awserr.APIGWInternalErrorMessage, true)
		return false
	}
	return g.evaluate(c) && g.checkAPIKey(c)
}

// authenticate verifies the SigV4 signature over the raw request.
func (g *Gateway) authenticate(c *call) bool {
	if !hasSigV4(c.r) {
		g.fail(c, http.StatusForbidden, awserr.APIGWMissingAuthenticationToken, awserr.APIGWMissingTokenMessage, true)
		return false
	}
	caller, err := g.o.Auth.Authenticate(c.r.Context(), c.r, sigv4.Options{Service: "execute-api", Region: g.o.Region})
	var se *sigv4.Error
	switch {
	case errors.As(err, &se):
		status, typ, msg := awserr.APIGatewayAuthError(se)
		g.log.Debug("authentication failed", "request_id", c.requestID, "reason", int(se.Reason))
		g.fail(c, status, typ, msg, true)
		return false
	case err != nil || caller == nil:
		g.log.Error("authentication error", "request_id", c.requestID, "err", err)
		g.fail(c, http.StatusInternalServerError, awserr.APIGWInternalServerError, awserr.APIGWInternalErrorMessage, true)
		return false
	}
	c.caller = caller
	return true
}

// hasSigV4 reports whether r carries any signature material; a request
// without any gets Missing Authentication Token, not a signature error.
func hasSigV4(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return true
	}
	q := r.URL.Query()
	return q.Has("X-Amz-Signature") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Algorithm")
}

// evaluate asks the authorizer for execute-api:Invoke on the method ARN.
func (g *Gateway) evaluate(c *call) bool {
	resource := g.methodARN(c)
	req := auth.Request{
		Action:          invokeAction,
		Resource:        resource,
		ResourceAccount: g.o.AccountID,
		Context:         g.requestContext(c),
	}
	if p := c.snap.API.Policy; p != "" {
		req.ResourcePolicies = []auth.Policy{{Name: "resource policy of REST API " + c.snap.API.ID, Document: p}}
	}
	d, err := g.o.Authz.Authorize(c.r.Context(), c.caller, req)
	if err != nil {
		g.log.Error("authorization error", "request_id", c.requestID, "err", err)
		g.fail(c, http.StatusInternalServerError, awserr.APIGWInternalServerError, awserr.APIGWInternalErrorMessage, true)
		return false
	}
	if d.Allowed {
		return true
	}
	g.fail(c, http.StatusForbidden, awserr.APIGWAccessDenied, denialMessage(c.caller, resource, d), false)
	return false
}

// denialMessage is execute-api's AccessDeniedException text. API Gateway
// keeps the older IAM wording: the base sentence, plus " with an explicit
// deny" for explicit denies, without the newer "because ..." clause
// (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html).
func denialMessage(caller *auth.Caller, resource string, d auth.Decision) string {
	msg := d.Message
	if msg == "" {
		msg = "User: " + caller.ARN + " is not authorized to perform: " + invokeAction + " on resource: " + resource
	}
	const explicit = " with an explicit deny"
	if d.ExplicitDeny && !strings.Contains(msg, explicit) {
		msg += explicit
	}
	return msg
}

// methodARN is arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}.
func (g *Gateway) methodARN(c *call) string {
	return "arn:aws:execute-api:" + g.o.Region + ":" + g.o.AccountID + ":" +
		c.tgt.APIID + "/" + c.tgt.Stage + "/" + c.r.Method + "/" + strings.TrimPrefix(c.tgt.Path, "/")
}

// requestContext holds the global condition keys API Gateway sets.
func (g *Gateway) requestContext(c *call) map[string][]string {
	now := c.start.UTC()
	ctx := map[string][]string{
		"aws:SourceIp":        {sourceIP(c.r)},
		"aws:SecureTransport": {strconv.FormatBool(c.r.TLS != nil)},
		"aws:CurrentTime":     {now.Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(now.Unix(), 10)},
		"aws:RequestedRegion": {g.o.Region},
	}
	if ua := c.r.UserAgent(); ua != "" {
		ctx["aws:UserAgent"] = []string{ua}
	}
	if ref := c.r.Referer(); ref != "" {
		ctx["aws:Referer"] = []string{ref}
	}
	return ctx
}

// checkAPIKey enforces apiKeyRequired the way an API without usage plans
// can: a request without x-api-key is Forbidden.
func (g *Gateway) checkAPIKey(c *call) bool {
	if !c.method.APIKeyRequired || c.r.Header.Get("x-api-key") != "" {
		return true
	}
	g.fail(c, http.StatusForbidden, awserr.APIGWForbidden, awserr.APIGWForbiddenMessage, true)
	return false
}

// sourceIP is the client address; the gateway is the edge, so forwarded
// headers from the client are not trusted.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
