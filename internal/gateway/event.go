package gateway

import (
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/payload"
)

// proxyEvent is the Lambda proxy integration input, payload format 1.0.
// Keys that AWS sends as null when empty are pointers or nil maps without
// omitempty, so they encode as null too.
type proxyEvent struct {
	payload.RequestV1
	RequestContext  requestContext `json:"requestContext"`
	Body            *string        `json:"body"`
	IsBase64Encoded bool           `json:"isBase64Encoded"`
}

type requestContext struct {
	ResourceID        string   `json:"resourceId"`
	ResourcePath      string   `json:"resourcePath"`
	HTTPMethod        string   `json:"httpMethod"`
	ExtendedRequestID string   `json:"extendedRequestId"`
	RequestTime       string   `json:"requestTime"`
	Path              string   `json:"path"`
	AccountID         string   `json:"accountId"`
	Protocol          string   `json:"protocol"`
	Stage             string   `json:"stage"`
	DomainPrefix      string   `json:"domainPrefix"`
	RequestTimeEpoch  int64    `json:"requestTimeEpoch"`
	RequestID         string   `json:"requestId"`
	Identity          identity `json:"identity"`
	DomainName        string   `json:"domainName"`
	APIID             string   `json:"apiId"`
	// Authorizer is what a Lambda authorizer passed on (principalId,
	// integrationLatency, its context keys); absent otherwise.
	Authorizer map[string]any `json:"authorizer,omitempty"`
}

type identity struct {
	CognitoIdentityPoolID         *string   `json:"cognitoIdentityPoolId"`
	AccountID                     *string   `json:"accountId"`
	CognitoIdentityID             *string   `json:"cognitoIdentityId"`
	Caller                        *string   `json:"caller"`
	SourceIP                      string    `json:"sourceIp"`
	PrincipalOrgID                *string   `json:"principalOrgId"`
	AccessKey                     *string   `json:"accessKey"`
	CognitoAuthenticationType     *string   `json:"cognitoAuthenticationType"`
	CognitoAuthenticationProvider *string   `json:"cognitoAuthenticationProvider"`
	UserArn                       *string   `json:"userArn"`
	UserAgent                     *string   `json:"userAgent"`
	User                          *string   `json:"user"`
	APIKey                        *string   `json:"apiKey"`
	APIKeyID                      *string   `json:"apiKeyId"`
	ClientCert                    *struct{} `json:"clientCert"` // null: no mutual TLS here
}

// requestTimeLayout is $context.requestTime's CLF format: "15/May/2020:06:01:09 +0000".
const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

// buildEvent makes the event AWS sends for the host-style URL, whichever
// style the request used.
func (g *Gateway) buildEvent(c *call, body []byte) *proxyEvent {
	domain := c.tgt.APIID + ".execute-api." + g.o.Region + ".amazonaws.com"
	headers, multi := g.eventHeaders(c, domain)
	query, multiQuery := eventQuery(c.r)
	now := c.start.UTC()
	ev := &proxyEvent{
		RequestV1: payload.RequestV1{
			Resource:                        c.res.Path,
			Path:                            c.tgt.Path,
			HTTPMethod:                      c.r.Method,
			Headers:                         headers,
			MultiValueHeaders:               multi,
			QueryStringParameters:           query,
			MultiValueQueryStringParameters: multiQuery,
			PathParameters:                  c.params,
			StageVariables:                  nilIfEmpty(c.snap.Stage.Variables),
		},
		RequestContext: requestContext{
			ResourceID:        c.res.ID,
			ResourcePath:      c.res.Path,
			HTTPMethod:        c.r.Method,
			ExtendedRequestID: c.apigwID,
			RequestTime:       now.Format(requestTimeLayout),
			Path:              "/" + c.tgt.Stage + c.tgt.Path,
			AccountID:         g.o.AccountID,
			Protocol:          c.r.Proto,
			Stage:             c.tgt.Stage,
			DomainPrefix:      c.tgt.APIID,
			RequestTimeEpoch:  now.UnixMilli(),
			RequestID:         c.requestID,
			Identity:          g.eventIdentity(c),
			DomainName:        domain,
			APIID:             c.tgt.APIID,
		},
	}
	if c.authz != nil {
		ev.RequestContext.Authorizer = c.authz.eventAuthorizer()
	}
	ev.Body, ev.IsBase64Encoded = eventBody(body, c.r.Header.Get("Content-Type"), c.snap.API.BinaryMediaTypes)
	return ev
}

// eventHeaders copies the request headers as API Gateway forwards them:
// Host is the API's domain, and the X-Forwarded-* and X-Amzn-Trace-Id
// headers its front end adds are set. The single-value map keeps the last value.
func (g *Gateway) eventHeaders(c *call, domain string) (map[string]string, map[string][]string) {
	multi := map[string][]string{}
	for k, vs := range c.r.Header {
		multi[k] = append([]string(nil), vs...)
	}
	multi["Host"] = []string{domain}
	multi["X-Amzn-Trace-Id"] = []string{c.traceID}
	ip := sourceIP(c.r)
	if xff := c.r.Header.Get("X-Forwarded-For"); xff != "" {
		ip = xff + ", " + ip
	}
	multi["X-Forwarded-For"] = []string{ip}
	proto, port := "http", "80"
	if c.r.TLS != nil {
		proto, port = "https", "443"
	}
	if _, p, err := net.SplitHostPort(c.r.Host); err == nil {
		port = p
	}
	multi["X-Forwarded-Port"] = []string{port}
	multi["X-Forwarded-Proto"] = []string{proto}
	single := make(map[string]string, len(multi))
	for k, vs := range multi {
		single[k] = vs[len(vs)-1]
	}
	return single, multi
}

func eventQuery(r *http.Request) (map[string]string, map[string][]string) {
	q := r.URL.Query()
	if len(q) == 0 {
		return nil, nil
	}
	single := make(map[string]string, len(q))
	for k, vs := range q {
		single[k] = vs[len(vs)-1]
	}
	return single, map[string][]string(q)
}

// eventIdentity fills requestContext.identity from the verified caller;
// fields AWS has no value for are null.
func (g *Gateway) eventIdentity(c *call) identity {
	id := identity{SourceIP: sourceIP(c.r), APIKey: strPtr(c.apiKey), APIKeyID: strPtr(c.apiKeyID)}
	if ua := c.r.UserAgent(); ua != "" {
		id.UserAgent = &ua
	}
	cl := c.caller
	if cl == nil || cl.Type == "Anonymous" {
		return id
	}
	id.AccountID = strPtr(cl.AccountID)
	id.Caller = strPtr(cl.UserID)
	id.User = strPtr(cl.UserID)
	id.AccessKey = strPtr(cl.AccessKeyID)
	id.UserArn = strPtr(cl.ARN)
	return id
}

// eventBody passes text bodies as they are and base64-encodes bodies whose
// Content-Type is one of the API's binary media types.
func eventBody(body []byte, contentType string, binaryTypes []string) (*string, bool) {
	if len(body) == 0 {
		return nil, false
	}
	if isBinary(contentType, binaryTypes) || !utf8.Valid(body) {
		s := base64.StdEncoding.EncodeToString(body)
		return &s, true
	}
	s := string(body)
	return &s, false
}

func isBinary(contentType string, binaryTypes []string) bool {
	if contentType == "" || len(binaryTypes) == 0 {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	for _, b := range binaryTypes {
		b = strings.ToLower(strings.ReplaceAll(b, "~1", "/")) // JSON-pointer escaped form from patch ops
		if b == "*/*" || b == mt {
			return true
		}
		if prefix, ok := strings.CutSuffix(b, "/*"); ok && strings.HasPrefix(mt, prefix+"/") {
			return true
		}
	}
	return false
}

func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(r.Body, limit))
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
