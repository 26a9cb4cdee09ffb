package gateway

import (
	"context"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/httpapi"
)

// HTTPAPIs gives the deployed HTTP APIs (API Gateway v2); *httpapi.Service
// satisfies it. Serve selects the stage named by the first path segment,
// else $default (consumed false); errors wrapping store.ErrNotFound mean
// nothing is deployed there.
type HTTPAPIs interface {
	IsHTTPAPI(ctx context.Context, apiID string) (bool, error)
	Serve(ctx context.Context, apiID, first string) (snap *httpapi.Snapshot, consumed bool, err error)
	Deployed(ctx context.Context, apiID, stage string) (*httpapi.Snapshot, error)
}

// v2call is what an HTTP API request adds to a call.
type v2call struct {
	snap  *httpapi.Snapshot
	route *httpapi.Route
	integ *httpapi.Integration
	// rawPath is the path as the event's rawPath and requestContext.http.path
	// carry it: with the stage for a named stage, without for $default.
	rawPath string
}

// httpAPI serves c when it is for an HTTP API and reports whether it was:
// HTTP APIs and REST APIs share host names and the path-style prefix, and
// an API id names one or the other. The request path is the same one
// resourceParts decides for REST APIs, so what is routed is what is
// authorized.
func (g *Gateway) httpAPI(c *call) bool {
	if g.o.HTTPAPIs == nil {
		return false
	}
	id, parts, stage, ok := v2Target(c)
	if !ok {
		return false
	}
	if is, err := g.o.HTTPAPIs.IsHTTPAPI(c.r.Context(), id); err != nil || !is {
		if err != nil {
			g.log.Error("http api lookup failed", "request_id", c.requestID, "api", id, "err", err)
		}
		return false
	}
	g.beginV2(c)
	c.trace.APIID = id
	snap, stage, parts := g.v2Stage(c, id, stage, parts)
	if snap == nil {
		c.trace.Route = "no deployed stage of HTTP API " + id + " serves this path"
		g.failV2(c, awserr.HTTPNotFound, "")
		return true
	}
	if snap.API.DisableExecuteAPIEndpoint {
		// Only custom domains reach such an API on AWS; iamgate has none.
		c.trace.Route = "the API's default execute-api endpoint is disabled (DisableExecuteApiEndpoint)"
		g.failV2(c, awserr.HTTPForbidden, "")
		return true
	}
	c.tgt = target{APIID: id, Stage: stage, Parts: parts, Path: "/" + strings.Join(parts, "/"), PathStyle: c.tgt.PathStyle}
	c.trace.Stage = stage
	c.v2.snap, c.v2.rawPath = snap, c.tgt.Path
	if stage != httpapi.DefaultStage {
		c.v2.rawPath = "/" + stage + strings.TrimSuffix(c.tgt.Path, "/")
		if c.tgt.Path == "/" {
			c.v2.rawPath = "/" + stage + "/"
		}
	}
	g.runV2(c)
	return true
}

// beginV2 switches the call to an HTTP API's answers: HTTP APIs send one
// request id, apigw-requestid, which is also requestContext.requestId.
func (g *Gateway) beginV2(c *call) {
	c.v2 = &v2call{}
	h := c.w.Header()
	h.Del("x-amzn-RequestId")
	h.Del("x-amz-apigw-id")
	h.Del("X-Amzn-Trace-Id")
	c.requestID = c.apigwID
	c.trace.RequestID = c.requestID
	h.Set("Apigw-Requestid", c.requestID)
}

// v2Target reads the API id and path of a request in either URL style:
// host style {apiId}.execute-api.{region}.amazonaws.com/{stage?}/{path};
// path style /restapis/{apiId}/{stage}/_user_request_/{path} for a named
// stage and /restapis/{apiId}/_user_request_/{path} for $default, which
// the host style serves without a stage segment too (a "$default" stage
// segment is accepted, but clients disagree on how "$" is signed: curl
// signs it as sent, botocore and the Go SDK as %24).
func v2Target(c *call) (id string, parts []string, stage string, ok bool) {
	p := c.path()
	if p.hostStyle {
		return p.hostID, p.parts, "", p.ok
	}
	if id, parts, ok := v2DefaultPathStyle(p); ok {
		return id, parts, httpapi.DefaultStage, true
	}
	t, ok := routeOf(p)
	if !ok || !t.PathStyle {
		return "", nil, "", false
	}
	return t.APIID, t.Parts, t.Stage, true
}

// v2DefaultPathStyle reads /restapis/{apiId}/_user_request_/{path}.
func v2DefaultPathStyle(p *requestPath) (string, []string, bool) {
	if !p.restapis || !p.ok || !isV2PathStyle(p.parts) {
		return "", nil, false
	}
	return p.parts[1], p.parts[3:], true
}

// v2Stage finds the deployed stage: the path-style URL names it; a host
// style URL's first segment names it when such a stage exists, else the
// $default stage serves the whole path.
func (g *Gateway) v2Stage(c *call, id, stage string, parts []string) (*httpapi.Snapshot, string, []string) {
	ctx := c.r.Context()
	if stage != "" {
		c.tgt.PathStyle = true
		snap, err := g.o.HTTPAPIs.Deployed(ctx, id, stage)
		if err != nil {
			return nil, "", nil
		}
		return snap, stage, parts
	}
	first := ""
	if len(parts) > 0 {
		first = parts[0]
	}
	snap, consumed, err := g.o.HTTPAPIs.Serve(ctx, id, first)
	if err != nil {
		return nil, "", nil
	}
	if consumed {
		return snap, snap.Stage.StageName, parts[1:]
	}
	return snap, httpapi.DefaultStage, parts
}

// runV2 runs an HTTP API request: body cap, CORS preflight, route,
// authorization, integration.
func (g *Gateway) runV2(c *call) {
	snap := c.v2.snap
	if !g.capBody(c) {
		return
	}
	if cors := snap.API.CorsConfiguration; cors != nil && isPreflight(c.r) {
		c.trace.Route = "CORS preflight answered by API Gateway"
		g.preflight(c, cors)
		return
	}
	route, params, ok := snap.Match(c.r.Method, c.tgt.Parts)
	if !ok {
		c.trace.Route = "no route matches " + c.r.Method + " " + c.tgt.Path
		g.failV2(c, awserr.HTTPNotFound, "")
		return
	}
	c.v2.route, c.params = route, params
	c.trace.Route, c.trace.Authorization = route.RouteKey, route.AuthorizationType
	integ, ok := snap.Integration(route)
	if !ok {
		g.log.Error("route has no integration", "request_id", c.requestID, "api", c.tgt.APIID, "route", route.RouteKey)
		c.trace.Integration = append(c.trace.Integration, "route "+route.RouteKey+" has no integration")
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	c.v2.integ = integ
	g.v1View(c)
	if !g.throttleV2(c) || !g.authorizeV2(c) {
		return
	}
	g.integrateV2(c)
}

// v1View fills the REST fields of c that the steps both data planes share
// (signature check, execute-api:Invoke, the integration permission check)
// read: the route as a method, no resource policy (HTTP APIs have none).
func (g *Gateway) v1View(c *call) {
	r, in := c.v2.route, c.v2.integ
	path := httpapi.RouteKeyPath(r.RouteKey)
	if path == "" {
		path = r.RouteKey
	}
	c.res = &apigw.Resource{ID: r.RouteID, Path: path}
	c.method = &apigw.Method{HTTPMethod: c.r.Method, AuthorizationType: r.AuthorizationType, AuthorizerID: r.AuthorizerID,
		Integration: &apigw.Integration{Type: in.IntegrationType, URI: in.IntegrationURI, Credentials: in.CredentialsARN, TimeoutMillis: in.TimeoutInMillis}}
	c.snap = &apigw.Snapshot{API: apigw.RestAPI{ID: c.tgt.APIID}, Stage: apigw.Stage{StageName: c.tgt.Stage, Variables: c.v2.snap.Stage.StageVariables}}
}

// authorizeV2 is the switch point of HTTP API route authorization. NONE
// runs nothing; AWS_IAM verifies the signature and evaluates
// execute-api:Invoke on the v2 method ARN
// arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}
// through the one authorizer; CUSTOM runs the route's Lambda authorizer
// (httpapi_lambdaauth.go); JWT verifies the route's JWT authorizer's token
// (httpapi_jwt.go). Any other type fails closed.
func (g *Gateway) authorizeV2(c *call) bool {
	switch c.v2.route.AuthorizationType {
	case httpapi.AuthNone, "":
		c.trace.Signature = "not checked (route authorization NONE)"
		c.trace.Rule = "no AWS_IAM authorization: execute-api:Invoke is not evaluated (HTTP APIs have no resource policy)"
		return true
	case httpapi.AuthIAM:
		return g.authenticate(c) && g.evaluate(c)
	case httpapi.AuthCustom:
		return g.runAuthorizerV2(c)
	case httpapi.AuthJWT:
		return g.runJWTV2(c)
	default:
		g.log.Error("HTTP API authorizer type not supported; refusing the request",
			"request_id", c.requestID, "authorization_type", c.v2.route.AuthorizationType, "authorizer_id", c.v2.route.AuthorizerID)
		c.trace.Rule = c.v2.route.AuthorizationType + " authorizers are not run by iamgate yet: refused"
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return false
	}
}

// failV2 writes one of the HTTP API data plane's own answers.
func (g *Gateway) failV2(c *call, resp awserr.HTTPAPIResponse, message string) {
	body := awserr.WriteHTTPAPIResponse(c.w, resp, message)
	c.status = resp.Status()
	c.trace.Status = c.status
	c.trace.Response = string(body)
}

// failAsV2 answers, for an HTTP API, a failure the shared steps named
// with a REST gateway response.
func (g *Gateway) failAsV2(c *call, resp awserr.GatewayResponse, message string) {
	h, keep := awserr.HTTPAPIFor(resp)
	if !keep {
		message = ""
	}
	g.failV2(c, h, message)
}
