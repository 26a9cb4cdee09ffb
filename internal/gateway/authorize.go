package gateway

import (
	"errors"
	"fmt"
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
		c.trace.Signature = "not checked (method authorization NONE)"
		if c.snap.API.Policy == "" {
			c.trace.Rule = "no AWS_IAM authorization and no resource policy: execute-api:Invoke is not evaluated"
			return g.checkAPIKey(c)
		}
		c.caller = auth.Anonymous
		c.trace.Identity = &Identity{ARN: "anonymous", Type: "Anonymous"}
	case apigw.AuthCustom:
		return g.runAuthorizer(c) && g.checkAPIKey(c)
	case apigw.AuthCognito:
		return g.runCognito(c) && g.checkAPIKey(c)
	default:
		// An authorization type API Gateway does not define: fail closed.
		g.log.Error("authorizer type not supported; refusing the request",
			"request_id", c.requestID, "authorization_type", c.method.AuthorizationType, "authorizer_id", c.method.AuthorizerID)
		g.fail(c, awserr.GWConfigurationError, "")
		return false
	}
	return g.evaluate(c) && g.checkAPIKey(c)
}

// authenticate verifies the SigV4 signature over the raw request.
func (g *Gateway) authenticate(c *call) bool {
	// KindOf reads the request as Verify will: a request with no
	// signature material at all gets Missing Authentication Token, not a
	// signature error.
	if sigv4.KindOf(c.r) == sigv4.None {
		c.trace.Signature = "missing: no Authorization header and no X-Amz-Signature query parameter"
		g.fail(c, awserr.GWMissingAuthenticationToken, "")
		return false
	}
	caller, err := g.o.Auth.Authenticate(c.r.Context(), c.r, sigv4.Options{Service: "execute-api", Region: g.o.Region})
	if err != nil || caller == nil {
		return g.unauthenticated(c, err)
	}
	c.caller = caller
	c.trace.Signature = "verified"
	c.trace.identity = Identity{ARN: caller.ARN, Type: caller.Type, AccountID: caller.AccountID, UserID: caller.UserID, AccessKeyID: caller.AccessKeyID}
	c.trace.Identity = &c.trace.identity
	return true
}

// unauthenticated answers a request that Authenticate refused (err) or
// resolved to no caller, and reports false.
func (g *Gateway) unauthenticated(c *call, err error) bool {
	var se *sigv4.Error // on the heap (errors.As takes its address): only on failure
	switch {
	case errors.As(err, &se):
		resp, msg := awserr.APIGatewayAuthError(se)
		c.trace.Signature = "failed: " + se.Message
		g.log.Debug("authentication failed", "request_id", c.requestID, "reason", int(se.Reason))
		g.fail(c, resp, msg)
	case tooLarge(err):
		c.trace.Signature = "not verified: the body is over the 10 MB payload quota"
		g.fail(c, awserr.GWRequestTooLarge, "")
	default:
		c.trace.Signature = fmt.Sprintf("not verified: %v", err)
		g.log.Error("authentication error", "request_id", c.requestID, "err", err)
		g.fail(c, awserr.GWConfigurationError, "")
	}
	return false
}

// evaluate asks the authorizer for execute-api:Invoke on the method ARN.
func (g *Gateway) evaluate(c *call) bool {
	resource := g.methodARN(c)
	// The keys are made when a policy reads one (most have no condition)
	// or the trace is read, not for every request.
	keys := g.requestKeys(c).context
	req := auth.Request{
		Action:          invokeAction,
		Resource:        resource,
		ResourceAccount: g.o.AccountID,
		ContextFunc:     keys,
	}
	if p := c.snap.API.Policy; p != "" {
		req.ResourcePolicies = []auth.Policy{{Name: "resource policy of REST API " + c.snap.API.ID, Document: p}}
	}
	c.trace.Action, c.trace.Resource = req.Action, resource
	c.trace.pending.caller, c.trace.pending.context = c.caller, keys
	d, err := g.o.Authz.Authorize(c.r.Context(), c.caller, req)
	if err != nil {
		g.log.Error("authorization error", "request_id", c.requestID, "err", err)
		c.trace.Rule = "authorization failed: " + err.Error()
		g.fail(c, awserr.GWConfigurationError, "")
		return false
	}
	c.trace.Statements, c.trace.Statement = d.Steps, d.Statement
	c.trace.Decision, c.trace.Rule = d.Effect().String(), ruleOf(d)
	if d.Allowed {
		return true
	}
	g.fail(c, awserr.GWAccessDenied, maskAccountIDs(denialMessage(d)))
	return false
}

// ruleOf names the final rule applied: the statement that allowed, or AWS's
// words for a deny.
func ruleOf(d auth.Decision) string {
	if !d.Allowed {
		return d.Denial()
	}
	rule := "allowed"
	if d.Statement != nil {
		rule = "allowed by " + d.Statement.Describe()
	}
	if d.Reason != "" {
		rule += " (" + d.Reason + ")"
	}
	return rule
}

// traceContext is the request context as the policies see it: the keys
// auth derives from the caller for its evaluation (Caller.ContextKeys,
// iampolicy's rule, not a copy of it) plus the keys the gateway sets, which
// win as they do in the evaluation.
func traceContext(caller *auth.Caller, req map[string][]string) map[string][]string {
	ctx := make(map[string][]string, len(req)+6)
	caller.ContextKeys(func(k, v string) { ctx[k] = []string{v} })
	for k, v := range req {
		ctx[k] = v
	}
	return ctx
}

// denialMessage is execute-api's AccessDeniedException text. API Gateway
// keeps the older IAM wording: the base sentence, plus " with an explicit
// deny" for explicit denies, without the newer "because ..." clause
// (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html).
// The base sentence is the authorizer's (auth.Decision.Message), never
// re-worded here.
func denialMessage(d auth.Decision) string {
	if d.ExplicitDeny {
		return d.Message + " with an explicit deny"
	}
	return d.Message
}

// methodARN is arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path},
// built from the same method string and resource parts that were routed.
func (g *Gateway) methodARN(c *call) string {
	return "arn:aws:execute-api:" + g.o.Region + ":" + g.o.AccountID + ":" +
		c.tgt.APIID + "/" + c.tgt.Stage + "/" + c.r.Method + "/" + strings.Join(c.tgt.Parts, "/")
}

// requestContext holds the global condition keys API Gateway sets.
func (g *Gateway) requestContext(c *call) map[string][]string { return g.requestKeys(c).context() }

// requestKeys are what requestContext's keys are made of, copied from the
// request (a trace that keeps them keeps neither the request nor its
// writer).
type requestKeys struct {
	sourceIP, userAgent, referer, region string
	secure                               bool
	at                                   time.Time
}

func (g *Gateway) requestKeys(c *call) requestKeys {
	// The header map is indexed with the canonical keys: what UserAgent and
	// Referer find, without Get re-checking each key's spelling.
	return requestKeys{sourceIP: sourceIP(c.r), userAgent: firstValue(c.r.Header, "User-Agent"),
		referer: firstValue(c.r.Header, "Referer"), region: g.o.Region, secure: c.r.TLS != nil, at: c.start}
}

// firstValue is h.Get(canonicalKey) for a key in canonical form.
func firstValue(h http.Header, canonicalKey string) string {
	if vs := h[canonicalKey]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// context makes the keys' map, a new one each call.
func (k requestKeys) context() map[string][]string {
	now := k.at.UTC()
	ctx := map[string][]string{
		"aws:SourceIp":        {k.sourceIP},
		"aws:SecureTransport": {strconv.FormatBool(k.secure)},
		"aws:CurrentTime":     {now.Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(now.Unix(), 10)},
		"aws:RequestedRegion": {k.region},
	}
	if k.userAgent != "" {
		ctx["aws:UserAgent"] = []string{k.userAgent}
	}
	if k.referer != "" {
		ctx["aws:Referer"] = []string{k.referer}
	}
	return ctx
}

// checkAPIKey enforces apiKeyRequired as API Gateway does: the x-api-key
// header must be the value of an enabled key in a usage plan of this stage,
// else 403 {"message":"Forbidden"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
func (g *Gateway) checkAPIKey(c *call) bool {
	if !c.method.APIKeyRequired {
		return true
	}
	value := c.r.Header.Get("x-api-key")
	if c.snap.API.APIKeySource == "AUTHORIZER" {
		// The key is the usageIdentifierKey the Lambda authorizer returned
		// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
		value = ""
		if c.authz != nil {
			value = c.authz.usageKey
		}
	}
	if value != "" && g.o.APIKeys != nil {
		id, ok, err := g.o.APIKeys.ValidAPIKey(c.r.Context(), c.tgt.APIID, c.tgt.Stage, value)
		if err != nil {
			g.log.Error("api key check failed", "request_id", c.requestID, "err", err)
			g.fail(c, awserr.GWConfigurationError, "")
			return false
		}
		if ok {
			c.apiKey, c.apiKeyID = value, id
			c.trace.APIKey = "valid: key " + id
			return g.meter(c)
		}
	}
	c.trace.APIKey = "refused: no x-api-key of an enabled key in a usage plan of stage " + c.tgt.Stage
	if value == "" {
		c.trace.APIKey = "refused: no x-api-key header"
	}
	g.fail(c, awserr.GWInvalidAPIKey, "")
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

// meter applies the key's usage plan: 429 THROTTLED over its rate or
// burst, 429 QUOTA_EXCEEDED over its quota
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
func (g *Gateway) meter(c *call) bool {
	if g.o.Usage == nil {
		return true
	}
	a, err := g.o.Usage.Admit(c.r.Context(), c.tgt.APIID, c.tgt.Stage, c.apiKeyID)
	switch {
	case err != nil:
		g.log.Error("usage plan check failed", "request_id", c.requestID, "err", err)
		g.fail(c, awserr.GWConfigurationError, "")
		return false
	case a == apigw.Throttled:
		c.trace.APIKey += "; throttled by its usage plan"
		g.fail(c, awserr.GWThrottled, "")
		return false
	case a == apigw.QuotaExceeded:
		c.trace.APIKey += "; over its usage plan's quota"
		g.fail(c, awserr.GWQuotaExceeded, "")
		return false
	}
	return true
}
