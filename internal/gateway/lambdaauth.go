package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sync"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/authorizer"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/payload"
)

// Lambda authorizers of REST APIs (TOKEN and REQUEST), as API Gateway runs
// them (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html):
//
//   - the identity source is read first: a missing or empty value, or a
//     TOKEN that does not match identityValidationExpression, is 401
//     {"message":"Unauthorized"} without calling the function;
//   - a cached answer for the same identity values (authorizerResultTtlInSeconds,
//     default 300, 0 = off) is used without calling the function;
//   - else API Gateway must be allowed to call the function (its resource
//     policy must allow apigateway.amazonaws.com for
//     arn:aws:execute-api:{region}:{account}:{apiId}/authorizers/{id}, or
//     authorizerCredentials names a role API Gateway may assume that may
//     invoke it); the function's "Unauthorized" error is 401, any other
//     error, a timeout or an answer in the wrong shape is 500
//     {"message": null} (AuthorizerConfigurationException);
//   - the returned policy is matched against the method ARN
//     (package authorizer): an explicit Deny or no matching Allow is 403.
//
// The API's resource policy, when it has one, is evaluated after an
// allowing authorizer: only an explicit deny there refuses the request
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html,
// "Lambda authorizer and resource policy").

// Texts of the 403s an authorizer's policy causes. AWS now words the
// explicit deny "... with an explicit deny in an identity-based policy"
// (a 2025 capture of a TOKEN authorizer's Deny, and a test suite that
// broke when the older text "... with an explicit deny" changed); the
// implicit deny keeps its text
// (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer).
const (
	msgAuthorizerExplicitDeny = "User is not authorized to access this resource with an explicit deny in an identity-based policy"
	msgAuthorizerImplicitDeny = "User is not authorized to access this resource"
)

// authorizerTimeoutMillis bounds an authorizer call as the integration
// timeout bounds the integration.
const authorizerTimeoutMillis = 29000

// AuthorizerTrace is how a Lambda authorizer decided, for `iamgate why`.
type AuthorizerTrace struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Function string `json:"function,omitempty"`
	// IdentitySource names the sources read (never their values: a token
	// is a credential).
	IdentitySource string `json:"identitySource,omitempty"`
	Cached         bool   `json:"cached,omitempty"`
	Invoked        bool   `json:"invoked,omitempty"`
	PrincipalID    string `json:"principalId,omitempty"`
	// Outcome is what happened: "Allow", "ExplicitDeny", "ImplicitDeny",
	// "Unauthorized", or the failure.
	Outcome   string   `json:"outcome"`
	Statement int      `json:"statement"`
	Notes     []string `json:"notes,omitempty"`
}

// authorizerResult is what an allowing authorizer passes on: the
// principal and context (requestContext.authorizer) and the usage
// identifier key.
type authorizerResult struct {
	principalID string
	context     map[string]any
	latencyMS   int64
	usageKey    string
	// claims are a Cognito authorizer's verified token claims, passed
	// as requestContext.authorizer.claims instead of the above.
	claims map[string]string
	// jwt is an HTTP API JWT authorizer's verified claims and scopes.
	jwt *jwtResult
}

// runAuthorizer runs the method's Lambda authorizer; it writes the error
// and reports false when the request must stop.
func (g *Gateway) runAuthorizer(c *call) bool {
	a, ok := c.snap.Authorizer(c.method.AuthorizerID)
	tr := &AuthorizerTrace{ID: c.method.AuthorizerID, Statement: -1}
	c.trace.Authorizer = tr
	c.trace.Signature = "not checked (method authorization CUSTOM)"
	if !ok || !a.Lambda() {
		g.log.Error("method names no Lambda authorizer of the deployment", "request_id", c.requestID, "authorizer_id", c.method.AuthorizerID)
		return g.authorizerFailed(c, tr, "the deployment has no Lambda authorizer "+c.method.AuthorizerID)
	}
	tr.Name, tr.Type, tr.IdentitySource = a.Name, a.Type, a.IdentitySource
	fn, ok := a.FunctionARN()
	if !ok {
		return g.authorizerFailed(c, tr, "authorizerUri is not a Lambda function: "+a.AuthorizerURI)
	}
	tr.Function = fn
	values, event, ok := g.authorizerInput(c, a, tr)
	if !ok {
		return false
	}
	methodARN := g.methodARN(c)
	key := authorizer.Key(c.tgt.APIID+"/"+c.snap.Deployment.ID+"/"+a.ID, values)
	caching := a.TTL() > 0 && len(values) > 0
	res, hit := (*authorizer.Result)(nil), false
	if caching {
		res, hit = g.authCache.Get(key)
	}
	var latency int64
	if hit {
		tr.Cached = true
	} else {
		var done bool
		if res, latency, done = g.callAuthorizer(c, lambdaAuthorizer{a.ID, a.AuthorizerCredentials, fn, authorizer.FormatREST}, event, tr); done {
			return false
		}
		if caching {
			g.authCache.Put(key, res, a.TTL())
		}
	}
	return g.applyAuthorizerPolicy(c, res, methodARN, latency, tr)
}

// authorizerInput reads the identity source and builds the event. It
// answers 401 itself when the identity source is missing or invalid.
func (g *Gateway) authorizerInput(c *call, a *apigw.Authorizer, tr *AuthorizerTrace) ([]string, any, bool) {
	methodARN := g.methodARN(c)
	if a.Type == apigw.AuthorizerToken {
		header, _ := a.TokenHeader()
		token := c.r.Header.Get(header)
		if token == "" {
			return nil, nil, g.authorizerUnauthorized(c, tr, "identity source "+a.IdentitySource+" is missing or empty: the function is not called")
		}
		re, err := g.validationRegexp(a)
		if err != nil {
			return nil, nil, g.authorizerFailed(c, tr, "identityValidationExpression does not compile: "+err.Error())
		}
		if re != nil && !re.MatchString(token) {
			return nil, nil, g.authorizerUnauthorized(c, tr, "the token does not match identityValidationExpression "+a.IdentityValidationExpression+": the function is not called")
		}
		return []string{token}, authorizer.NewTokenEvent(methodARN, token), true
	}
	sources, err := authorizer.ParseSources(a.IdentitySource)
	if err != nil {
		return nil, nil, g.authorizerFailed(c, tr, err.Error())
	}
	maskQuerySources(c, sources)
	values, missing, ok := sources.Values(callLookup{g, c})
	if !ok {
		return nil, nil, g.authorizerUnauthorized(c, tr, "identity source "+missing+" is missing or empty: the function is not called")
	}
	ev := g.buildEvent(c, nil)
	return values, authorizer.RequestEvent{Type: "REQUEST", MethodArn: methodARN, RequestV1: authorizerRequest(ev),
		RequestContext: ev.RequestContext}, true
}

// authorizerRequest is the proxy event's request as a REQUEST authorizer
// gets it: pathParameters is {} where the proxy event sends null.
func authorizerRequest(ev *proxyEvent) payload.RequestV1 {
	req := ev.RequestV1
	if req.PathParameters == nil {
		req.PathParameters = map[string]string{}
	}
	return req
}

// lambdaAuthorizer is what calling an authorizer function needs, REST or
// HTTP API alike.
type lambdaAuthorizer struct {
	id, credentials, fn string
	format              authorizer.Format
}

// callAuthorizer checks that API Gateway may call the function, calls it
// and reads its answer. done is true when a response was written (or the
// client went away, or the call was only explained).
func (g *Gateway) callAuthorizer(c *call, a lambdaAuthorizer, event any, tr *AuthorizerTrace) (res *authorizer.Result, latencyMS int64, done bool) {
	fn := a.fn
	sourceARN := arn.ExecuteAPI(g.o.Region, g.o.AccountID, c.tgt.APIID+"/authorizers/"+a.id)
	if err := g.mayInvoke(c, fn, "authorizer", a.credentials, sourceARN); err != nil {
		var pe *permissionError
		if !errors.As(err, &pe) {
			g.log.Error("authorizer permission check failed", "request_id", c.requestID, "function", fn, "err", err)
		}
		return nil, 0, !g.authorizerFailed(c, tr, "API Gateway may not invoke the authorizer: "+err.Error())
	}
	if c.dryRun {
		tr.Outcome = "not invoked (evaluated only): API Gateway may invoke " + fn
		c.trace.DryRun = true
		return nil, 0, true
	}
	payload, err := json.Marshal(event)
	if err != nil {
		return nil, 0, !g.authorizerFailed(c, tr, "encode event: "+err.Error())
	}
	tr.Invoked = true
	start := g.o.Now()
	out, fnErr, err := g.invoke(c, fn, payload, authorizerTimeoutMillis)
	latencyMS = g.o.Now().Sub(start).Milliseconds()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return nil, 0, !g.authorizerFailed(c, tr, "the authorizer timed out")
	case err != nil && c.r.Context().Err() != nil:
		g.clientClosed(c, fn)
		return nil, 0, true
	case err != nil:
		g.log.Error("authorizer invoke failed", "request_id", c.requestID, "function", fn, "err", err)
		return nil, 0, !g.authorizerFailed(c, tr, "invoke failed: "+err.Error())
	case fnErr != "" && authorizer.Unauthorized(out):
		return nil, 0, !g.authorizerUnauthorized(c, tr, `the authorizer answered "Unauthorized"`)
	case fnErr != "":
		g.log.Warn("authorizer function error", "request_id", c.requestID, "function", fn, "function_error", fnErr)
		return nil, 0, !g.authorizerFailed(c, tr, "the authorizer function failed ("+fnErr+")")
	}
	res, err = authorizer.ParseResponse(out, a.format)
	if err != nil {
		g.log.Warn("invalid authorizer answer", "request_id", c.requestID, "function", fn, "err", err)
		return nil, 0, !g.authorizerFailed(c, tr, err.Error())
	}
	return res, latencyMS, false
}

// applyAuthorizerPolicy matches the answer's policy against the method ARN.
func (g *Gateway) applyAuthorizerPolicy(c *call, res *authorizer.Result, methodARN string, latencyMS int64, tr *AuthorizerTrace) bool {
	if res.Simple {
		return g.applySimpleAnswer(c, res, latencyMS, tr)
	}
	d := res.Policy.Evaluate(methodARN)
	tr.PrincipalID, tr.Outcome, tr.Statement = res.PrincipalID, d.Effect.String(), d.Statement
	if d.Note != "" {
		tr.Notes = append(tr.Notes, d.Note)
	}
	c.trace.Resource, c.trace.Decision = methodARN, d.Effect.String()
	switch d.Effect {
	case authorizer.ExplicitDeny:
		c.trace.Rule = fmt.Sprintf("the authorizer's policy denies %s (statement %d)", methodARN, d.Statement)
		g.fail(c, awserr.GWAccessDenied, msgAuthorizerExplicitDeny)
		return false
	case authorizer.ImplicitDeny:
		c.trace.Rule = "no statement of the authorizer's policy allows " + methodARN
		g.fail(c, awserr.GWAccessDenied, msgAuthorizerImplicitDeny)
		return false
	}
	c.trace.Rule = fmt.Sprintf("allowed by statement %d of the authorizer's policy", d.Statement)
	c.authz = &authorizerResult{principalID: res.PrincipalID, context: res.Context, latencyMS: latencyMS, usageKey: res.UsageIdentifierKey}
	return g.resourcePolicyAfterAuthorizer(c)
}

// resourcePolicyAfterAuthorizer refuses a request the API's resource
// policy explicitly denies to an anonymous caller (a Lambda authorizer
// authenticates no AWS principal).
func (g *Gateway) resourcePolicyAfterAuthorizer(c *call) bool {
	p := c.snap.API.Policy
	if p == "" {
		return true
	}
	resource := g.methodARN(c)
	req := auth.Request{Action: invokeAction, Resource: resource, ResourceAccount: g.o.AccountID, Context: g.requestContext(c),
		ResourcePolicies: []auth.Policy{{Name: "resource policy of REST API " + c.snap.API.ID, Document: p}}}
	d, err := g.o.Authz.Authorize(c.r.Context(), auth.Anonymous, req)
	if err != nil {
		g.log.Error("authorization error", "request_id", c.requestID, "err", err)
		g.fail(c, awserr.GWConfigurationError, "")
		return false
	}
	c.trace.Statements, c.trace.Statement = d.Steps, d.Statement
	if !d.ExplicitDeny {
		c.trace.Rule += "; the resource policy does not deny it"
		return true
	}
	c.trace.Decision, c.trace.Rule = d.Effect().String(), ruleOf(d)
	g.fail(c, awserr.GWAccessDenied, maskAccountIDs(denialMessage(d)))
	return false
}

func (g *Gateway) authorizerUnauthorized(c *call, tr *AuthorizerTrace, why string) bool {
	tr.Outcome = "Unauthorized"
	tr.Notes = append(tr.Notes, why)
	g.fail(c, awserr.GWUnauthorized, "")
	return false
}

func (g *Gateway) authorizerFailed(c *call, tr *AuthorizerTrace, why string) bool {
	tr.Outcome = "failed: " + why
	g.fail(c, awserr.GWAuthorizerConfigurationError, "")
	return false
}

// eventAuthorizer is requestContext.authorizer of the proxy event: the
// principal, the authorizer's latency and its context keys
// (../shared/conformance/lambda/aws-lambda-go-events/apigw-request.json).
func (r *authorizerResult) eventAuthorizer() map[string]any {
	if r.claims != nil {
		return map[string]any{"claims": r.claims}
	}
	if r.jwt != nil {
		return map[string]any{"claims": r.jwt.claims, "scopes": r.jwt.scopes}
	}
	out := make(map[string]any, len(r.context)+2)
	for k, v := range r.context {
		out[k] = v
	}
	out["principalId"] = r.principalID
	out["integrationLatency"] = r.latencyMS
	return out
}

// callLookup reads identity sources from a call.
type callLookup struct {
	g *Gateway
	c *call
}

func (l callLookup) Header(name string) (string, bool) {
	vs := l.c.r.Header.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

func (l callLookup) Query(name string) (string, bool) {
	vs, ok := l.c.r.URL.Query()[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

func (l callLookup) StageVariable(name string) (string, bool) {
	v, ok := l.c.snap.Stage.Variables[name]
	return v, ok
}

// Context serves the $context variables an identity source can name.
func (l callLookup) Context(name string) (string, bool) {
	c := l.c
	v := map[string]string{
		"identity.sourceIp":  sourceIP(c.r),
		"identity.userAgent": c.r.UserAgent(),
		"httpMethod":         c.r.Method,
		"resourcePath":       c.res.Path,
		"resourceId":         c.res.ID,
		"stage":              c.tgt.Stage,
		"apiId":              c.tgt.APIID,
		"accountId":          l.g.o.AccountID,
		"path":               "/" + c.tgt.Stage + c.tgt.Path,
		"requestId":          c.requestID,
		"domainPrefix":       c.tgt.APIID,
	}[name]
	return v, v != ""
}

// maskQuerySources hides from the trace's URL the query string values an
// identity source reads: they are credentials, as a token header is.
func maskQuerySources(c *call, sources authorizer.Sources) {
	c.trace.settleURL()
	u, err := url.Parse(c.trace.URL)
	if err != nil {
		return
	}
	q := u.Query()
	changed := false
	for _, s := range sources {
		if s.Kind == authorizer.Query && q.Has(s.Name) {
			vs := q[s.Name]
			for i := range vs {
				vs[i] = "***"
			}
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
		c.trace.URL = u.String()
	}
}

// validationRegexp is a.ValidationRegexp, compiled once per expression:
// the expression is checked on every request.
func (g *Gateway) validationRegexp(a *apigw.Authorizer) (*regexp.Regexp, error) {
	expr := a.IdentityValidationExpression
	g.regexps.Lock()
	re, ok := g.regexps.m[expr]
	g.regexps.Unlock()
	if ok {
		return re, nil
	}
	re, err := a.ValidationRegexp()
	if err != nil {
		return nil, err
	}
	g.regexps.Lock()
	if g.regexps.m == nil || len(g.regexps.m) >= maxRegexps {
		g.regexps.m = map[string]*regexp.Regexp{}
	}
	g.regexps.m[expr] = re
	g.regexps.Unlock()
	return re, nil
}

// maxRegexps bounds the compiled validation expressions kept.
const maxRegexps = 1024

// regexpCache holds compiled identityValidationExpressions by their text.
type regexpCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}
