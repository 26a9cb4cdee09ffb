package gateway

import (
	"net"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/payload"
)

// eventV2 is the Lambda proxy integration input of HTTP APIs, payload
// format 2.0 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html;
// samples in ../shared/conformance/lambda/aws-lambda-go-events/apigw-v2-*.json).
// Empty parts are left out, as AWS leaves them out.
type eventV2 struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
	RequestContext        contextV2         `json:"requestContext"`
	Body                  *string           `json:"body,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
}

type contextV2 struct {
	AccountID    string        `json:"accountId"`
	APIID        string        `json:"apiId"`
	Authorizer   *authorizerV2 `json:"authorizer,omitempty"`
	DomainName   string        `json:"domainName"`
	DomainPrefix string        `json:"domainPrefix"`
	HTTP         payload.HTTP  `json:"http"`
	RequestID    string        `json:"requestId"`
	RouteKey     string        `json:"routeKey"`
	Stage        string        `json:"stage"`
	Time         string        `json:"time"`
	TimeEpoch    int64         `json:"timeEpoch"`
}

type authorizerV2 struct {
	IAM *payload.IAMIdentity `json:"iam,omitempty"`
	// Lambda is a Lambda authorizer's context.
	Lambda map[string]any `json:"lambda,omitempty"`
	// JWT is a JWT authorizer's claims and scopes.
	JWT *jwtV2 `json:"jwt,omitempty"`
}

// jwtV2 is requestContext.authorizer.jwt
// (../shared/conformance/lambda/aws-lambda-go-events/apigw-v2-request-jwt-authorizer.json);
// scopes is null when the token grants none.
type jwtV2 struct {
	Claims map[string]string `json:"claims"`
	Scopes []string          `json:"scopes"`
}

func (g *Gateway) domain(c *call) string {
	return c.tgt.APIID + ".execute-api." + g.o.Region + ".amazonaws.com"
}

// buildEventV2 makes the 2.0 event AWS sends for the host-style URL,
// whichever style the request used.
func (g *Gateway) buildEventV2(c *call, body []byte) *eventV2 {
	domain := g.domain(c)
	now := c.start.UTC()
	ev := &eventV2{
		Version:               "2.0",
		RouteKey:              c.v2.route.RouteKey,
		RawPath:               c.v2.rawPath,
		RawQueryString:        c.r.URL.RawQuery,
		Cookies:               payload.Cookies(c.r),
		Headers:               g.headersV2(c, domain, len(body)),
		QueryStringParameters: payload.Query(c.r),
		PathParameters:        c.params,
		StageVariables:        nilIfEmpty(c.v2.snap.Stage.StageVariables),
		RequestContext: contextV2{
			AccountID:    g.o.AccountID,
			APIID:        c.tgt.APIID,
			Authorizer:   iamAuthorizerV2(c),
			DomainName:   domain,
			DomainPrefix: c.tgt.APIID,
			HTTP: payload.HTTP{Method: c.r.Method, Path: c.v2.rawPath, Protocol: c.r.Proto, SourceIP: sourceIP(c.r),
				UserAgent: c.r.UserAgent()},
			RequestID: c.requestID,
			RouteKey:  c.v2.route.RouteKey,
			Stage:     c.tgt.Stage,
			Time:      now.Format(requestTimeLayout),
			TimeEpoch: now.UnixMilli(),
		},
	}
	ev.Body, ev.IsBase64Encoded = payload.Body(body, c.r.Header.Get("Content-Type"))
	return ev
}

func iamAuthorizerV2(c *call) *authorizerV2 {
	if c.authz != nil && c.authz.jwt != nil {
		return &authorizerV2{JWT: &jwtV2{Claims: c.authz.jwt.claims, Scopes: c.authz.jwt.scopes}}
	}
	if c.authz != nil {
		return &authorizerV2{Lambda: c.authz.lambdaV2()}
	}
	cl := c.caller
	if cl == nil || cl.Type == "Anonymous" {
		return nil
	}
	return &authorizerV2{IAM: payload.NewIAMIdentity(cl.AccessKeyID, cl.AccountID, cl.UserID, cl.ARN)}
}

// headersV2 lower-cases header names and joins repeated values with
// commas; cookies travel in the cookies field instead.
func (g *Gateway) headersV2(c *call, domain string, bodyLen int) map[string]string {
	out := make(map[string]string, len(c.r.Header)+6)
	for k, vs := range c.r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			continue
		}
		out[lk] = strings.Join(vs, ",")
	}
	out["host"] = domain
	out["content-length"] = strconv.Itoa(bodyLen)
	out["x-amzn-trace-id"] = c.traceID
	ip := sourceIP(c.r)
	if xff := c.r.Header.Get("X-Forwarded-For"); xff != "" {
		ip = xff + ", " + ip
	}
	out["x-forwarded-for"] = ip
	proto, port := "http", "80"
	if c.r.TLS != nil {
		proto, port = "https", "443"
	}
	if _, p, err := net.SplitHostPort(c.r.Host); err == nil {
		port = p
	}
	out["x-forwarded-port"], out["x-forwarded-proto"] = port, proto
	return out
}

// eventV1 is payload format 1.0 of an HTTP API: the REST proxy event with
// its version, the route as the resource, and the stage-less path of the
// $default stage.
type eventV1 struct {
	Version string `json:"version"`
	*proxyEvent
}

func (g *Gateway) buildEventV1(c *call, body []byte) *eventV1 {
	ev := g.buildEvent(c, body)
	ev.Path = c.v2.rawPath
	ev.RequestContext.Path = c.v2.rawPath
	if c.v2.route.RouteKey == "$default" {
		ev.Resource, ev.RequestContext.ResourcePath = "$default", "$default"
	}
	ev.Body, ev.IsBase64Encoded = payload.Body(body, c.r.Header.Get("Content-Type"))
	return &eventV1{Version: "1.0", proxyEvent: ev}
}
