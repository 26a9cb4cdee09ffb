package gateway

import (
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/authorizer"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/httpapi"
)

// Lambda authorizers of HTTP APIs (route authorization CUSTOM), as API
// Gateway runs them
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html):
// identity sources ($request.header.X, $request.querystring.X,
// $stageVariables.X, $context.X) missing or empty → 401
// {"message":"Unauthorized"} without a call; payload format 1.0 (the REST
// REQUEST event with version, identitySource and authorizationToken) or 2.0
// (routeArn, identitySource values); with EnableSimpleResponses (2.0 only)
// the answer is {"isAuthorized": bool, "context": {...}}, else an IAM
// policy matched against the route ARN; a refusal is 403
// {"message":"Forbidden"}, a failure 500 {"message":"Internal Server
// Error"}. Answers are cached for authorizerResultTtlInSeconds (0, off, by
// default) per identity-source values. The context reaches payload 2.0
// integrations as requestContext.authorizer.lambda.

// runAuthorizerV2 runs a route's Lambda authorizer; it writes the error
// and reports false when the request must stop.
func (g *Gateway) runAuthorizerV2(c *call) bool {
	tr := &AuthorizerTrace{ID: c.v2.route.AuthorizerID, Statement: -1}
	c.trace.Authorizer = tr
	c.trace.Signature = "not checked (route authorization CUSTOM)"
	a, ok := c.v2.snap.Authorizer(c.v2.route)
	if !ok || a.AuthorizerType != httpapi.AuthorizerRequest {
		return g.authorizerFailed(c, tr, "the deployment has no Lambda authorizer "+c.v2.route.AuthorizerID)
	}
	tr.Name, tr.Type, tr.IdentitySource = a.Name, a.AuthorizerType+" (payload "+payloadVersion(a)+")", strings.Join(a.IdentitySource, ", ")
	fn, ok := (&apigw.Integration{URI: a.AuthorizerURI}).FunctionARN()
	if !ok {
		return g.authorizerFailed(c, tr, "authorizerUri is not a Lambda function: "+a.AuthorizerURI)
	}
	tr.Function = fn
	sources, err := authorizer.ParseSourcesV2(a.IdentitySource)
	if err != nil {
		return g.authorizerFailed(c, tr, err.Error())
	}
	maskQuerySources(c, sources)
	values, missing, ok := sources.Values(v2Lookup{g, c})
	if !ok {
		return g.authorizerUnauthorized(c, tr, "identity source "+missing+" is missing or empty: the function is not called")
	}
	format := authorizer.FormatHTTPPolicy
	if a.EnableSimpleResponses && payloadVersion(a) == httpapi.PayloadV2 {
		format = authorizer.FormatHTTPSimple
	}
	methodARN := g.methodARN(c)
	ttl := time.Duration(a.AuthorizerResultTTLInSeconds) * time.Second
	key := authorizer.Key("v2/"+c.tgt.APIID+"/"+c.v2.snap.Deployment.DeploymentID+"/"+a.AuthorizerID, values)
	caching := ttl > 0 && len(values) > 0
	if caching {
		if res, hit := g.authCache.Get(key); hit {
			tr.Cached = true
			return g.applyAuthorizerPolicy(c, res, methodARN, 0, tr)
		}
	}
	res, latency, done := g.callAuthorizer(c, lambdaAuthorizer{a.AuthorizerID, a.AuthorizerCredentialsARN, fn, format}, g.eventForAuthorizerV2(c, a, values), tr)
	if done {
		return false
	}
	if caching {
		g.authCache.Put(key, res, ttl)
	}
	return g.applyAuthorizerPolicy(c, res, methodARN, latency, tr)
}

func payloadVersion(a *httpapi.Authorizer) string {
	if a.AuthorizerPayloadFormatVersion == httpapi.PayloadV1 {
		return httpapi.PayloadV1
	}
	return httpapi.PayloadV2
}

// eventForAuthorizerV2 is the authorizer's input in its payload format.
func (g *Gateway) eventForAuthorizerV2(c *call, a *httpapi.Authorizer, values []string) any {
	methodARN := g.methodARN(c)
	if payloadVersion(a) == httpapi.PayloadV1 {
		ev := g.buildEventV1(c, nil).proxyEvent
		joined := strings.Join(values, ",")
		return authorizer.RequestEvent{
			Version: "1.0", Type: "REQUEST", MethodArn: methodARN, IdentitySource: &joined, AuthorizationToken: &joined,
			RequestV1: authorizerRequest(ev), RequestContext: ev.RequestContext,
		}
	}
	ev := g.buildEventV2(c, nil)
	return authorizer.RequestEventV2{
		Version: "2.0", Type: "REQUEST", RouteArn: methodARN, IdentitySource: values,
		RouteKey: ev.RouteKey, RawPath: ev.RawPath, RawQueryString: ev.RawQueryString, Cookies: ev.Cookies,
		Headers: ev.Headers, QueryStringParameters: ev.QueryStringParameters, RequestContext: ev.RequestContext,
		PathParameters: ev.PathParameters, StageVariables: ev.StageVariables,
	}
}

// applySimpleAnswer applies an HTTP API simple response.
func (g *Gateway) applySimpleAnswer(c *call, res *authorizer.Result, latencyMS int64, tr *AuthorizerTrace) bool {
	c.trace.Resource = g.methodARN(c)
	if !res.Authorized {
		tr.Outcome, c.trace.Decision = "isAuthorized false", "Deny"
		c.trace.Rule = "the authorizer answered isAuthorized: false"
		g.fail(c, awserr.GWAccessDenied, "")
		return false
	}
	tr.Outcome, c.trace.Decision = "isAuthorized true", "Allow"
	c.trace.Rule = "the authorizer answered isAuthorized: true"
	c.authz = &authorizerResult{context: res.Context, latencyMS: latencyMS}
	return true
}

// v2Lookup reads HTTP API identity sources: header names are
// case-insensitive and repeated values are joined with commas, as the
// 2.0 event carries them.
type v2Lookup struct {
	g *Gateway
	c *call
}

func (l v2Lookup) Header(name string) (string, bool) {
	vs := l.c.r.Header.Values(name)
	return strings.Join(vs, ","), len(vs) > 0
}

func (l v2Lookup) Query(name string) (string, bool) {
	vs, ok := l.c.r.URL.Query()[name]
	return strings.Join(vs, ","), ok
}

func (l v2Lookup) StageVariable(name string) (string, bool) {
	v, ok := l.c.v2.snap.Stage.StageVariables[name]
	return v, ok
}

// Context serves the $context variables an identity source can name.
func (l v2Lookup) Context(name string) (string, bool) {
	c := l.c
	v := map[string]string{
		"routeKey":          c.v2.route.RouteKey,
		"stage":             c.tgt.Stage,
		"apiId":             c.tgt.APIID,
		"accountId":         l.g.o.AccountID,
		"requestId":         c.requestID,
		"domainPrefix":      c.tgt.APIID,
		"httpMethod":        c.r.Method,
		"path":              c.v2.rawPath,
		"identity.sourceIp": sourceIP(c.r),
	}[name]
	return v, v != ""
}

// lambdaV2 is requestContext.authorizer of a 2.0 integration event after a
// Lambda authorizer: its context under "lambda".
func (r *authorizerResult) lambdaV2() map[string]any {
	if r.context == nil {
		return map[string]any{}
	}
	return r.context
}
