package functionurl

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/payload"
)

// event is the function URL request payload, format 2.0
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-request-payload):
// routeKey and stage are $default, apiId and domainPrefix the URL id.
type event struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        requestContext    `json:"requestContext"`
	Body                  *string           `json:"body,omitempty"`
	PathParameters        map[string]string `json:"pathParameters"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
	StageVariables        map[string]string `json:"stageVariables"`
}

type requestContext struct {
	AccountID    string       `json:"accountId"`
	APIID        string       `json:"apiId"`
	Authorizer   *authorizer  `json:"authorizer,omitempty"`
	DomainName   string       `json:"domainName"`
	DomainPrefix string       `json:"domainPrefix"`
	HTTP         payload.HTTP `json:"http"`
	RequestID    string       `json:"requestId"`
	RouteKey     string       `json:"routeKey"`
	Stage        string       `json:"stage"`
	Time         string       `json:"time"`
	TimeEpoch    int64        `json:"timeEpoch"`
}

type authorizer struct {
	IAM *payload.IAMIdentity `json:"iam"`
}

const timeLayout = "02/Jan/2006:15:04:05 -0700"

func (h *Handler) event(c *call, body []byte) []byte {
	domain := c.url.ID + ".lambda-url." + h.o.Region + ".on.aws"
	now := c.start.UTC()
	ev := event{Version: "2.0", RouteKey: "$default", RawPath: c.t.Path, RawQueryString: c.r.URL.RawQuery,
		Cookies: payload.Cookies(c.r), Headers: headers(c.r, domain, len(body)), QueryStringParameters: payload.Query(c.r),
		RequestContext: requestContext{AccountID: h.o.AccountID, APIID: c.url.ID, DomainName: domain, DomainPrefix: c.url.ID,
			HTTP:      payload.HTTP{Method: c.r.Method, Path: c.t.Path, Protocol: c.r.Proto, SourceIP: sourceIP(c.r), UserAgent: c.r.UserAgent()},
			RequestID: c.id, RouteKey: "$default", Stage: "$default", Time: now.Format(timeLayout), TimeEpoch: now.UnixMilli()}}
	if cl := c.caller; cl != nil && cl.Type != "Anonymous" {
		ev.RequestContext.Authorizer = &authorizer{IAM: payload.NewIAMIdentity(cl.AccessKeyID, cl.AccountID, cl.UserID, cl.ARN)}
	}
	ev.Body, ev.IsBase64Encoded = payload.Body(body, c.r.Header.Get("Content-Type"))
	b, _ := json.Marshal(ev)
	return b
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// headers lower-cases names and joins repeated values with commas;
// cookies travel in the cookies field.
func headers(r *http.Request, domain string, n int) map[string]string {
	out := make(map[string]string, len(r.Header)+5)
	for k, vs := range r.Header {
		if lk := strings.ToLower(k); lk != "cookie" {
			out[lk] = strings.Join(vs, ",")
		}
	}
	out["host"] = domain
	if n > 0 {
		out["content-length"] = strconv.Itoa(n)
	}
	out["x-forwarded-for"] = sourceIP(r)
	out["x-forwarded-proto"], out["x-forwarded-port"] = "https", "443"
	return out
}
