package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// integrateHTTP calls an HTTP endpoint: HTTP_PROXY passes the request and
// the answer through; HTTP maps both with templates and parameters
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html).
// The endpoint is the API author's URI: the caller's values only fill its
// path placeholders, escaped so they cannot leave their segment, and
// never its host.
func (g *Gateway) integrateHTTP(c *call, in *apigw.Integration) {
	if c.dryRun {
		c.trace.Integration = append(c.trace.Integration, in.Type+" integration to "+in.URI+" (not called: evaluated only)")
		c.trace.DryRun = true
		return
	}
	body, ok := g.requestBody(c, in.URI)
	if !ok {
		return
	}
	mreq := g.mappingRequest(c)
	proxy := in.Type == apigw.IntegrationHTTPProxy
	var ireq *integrationRequest
	if proxy {
		ireq = &integrationRequest{body: body, header: proxyRequestHeaders(c), query: c.r.URL.Query(), path: map[string]string{}}
		g.mapRequestParameters(c, in, mreq, body, ireq)
	} else if ireq, _, ok = g.buildIntegrationRequest(c, in, mreq, body); !ok {
		return
	}
	target, err := integrationURL(in.URI, c.snap.Stage.Variables, ireq.path, ireq.query)
	if err != nil {
		g.log.Error("integration endpoint is invalid", "request_id", c.requestID, "uri", in.URI, "err", err)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: Invalid endpoint address: "+err.Error())
		g.fail(c, awserr.GWConfigurationError, "")
		return
	}
	resp, respBody, ok := g.callEndpoint(c, in, target, ireq)
	if !ok {
		return
	}
	if proxy {
		g.writeProxied(c, resp, respBody)
		return
	}
	g.respond(c, in, mreq, &integrationOutput{selector: strconv.Itoa(resp.StatusCode), body: respBody,
		header: resp.Header, contentType: resp.Header.Get("Content-Type")})
}

// callEndpoint sends the integration request within the integration
// timeout (29 s by default): 504 past it, 500 for an address that does
// not resolve, 502 for any other failure.
func (g *Gateway) callEndpoint(c *call, in *apigw.Integration, target string, ireq *integrationRequest) (*http.Response, []byte, bool) {
	method := strings.ToUpper(in.HTTPMethod)
	if method == "" || method == apigw.MethodAny {
		method = c.r.Method
	}
	timeout := time.Duration(in.TimeoutMillis) * time.Millisecond
	if timeout <= 0 {
		timeout = 29 * time.Second
	}
	ctx, cancel := context.WithTimeout(c.r.Context(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(ireq.body))
	if err != nil {
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: "+err.Error())
		g.fail(c, awserr.GWConfigurationError, "")
		return nil, nil, false
	}
	req.Header = ireq.header
	if req.Header.Get("Content-Type") == "" && ireq.contentType != "" && len(ireq.body) > 0 {
		req.Header.Set("Content-Type", ireq.contentType)
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
		req.Header.Del("Host")
	}
	c.trace.Invoked = true
	c.trace.Integration = append(c.trace.Integration, in.Type+" "+method+" "+redactURL(target))
	resp, err := g.httpClient.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxPayload+1))
		resp.Body.Close()
		if err == nil && len(body) > maxPayload {
			err = errors.New("the endpoint's response is over the 10 MB payload quota")
		}
	}
	var dnsErr *net.DNSError
	switch {
	case err == nil:
		return resp, body, true
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		g.log.Warn("integration timed out", "request_id", c.requestID, "timeout_ms", in.TimeoutMillis)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to a timeout error")
		g.fail(c, awserr.GWIntegrationTimeout, "")
	case c.r.Context().Err() != nil:
		g.clientClosed(c, in.URI)
	case errors.As(err, &dnsErr):
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: Invalid endpoint address")
		g.fail(c, awserr.GWConfigurationError, "")
	default:
		g.log.Warn("integration request failed", "request_id", c.requestID, "err", err)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to a network error: "+err.Error())
		g.fail(c, awserr.GWIntegrationFailure, "")
	}
	return nil, nil, false
}

// hopByHop headers belong to one connection and are never forwarded.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true, "Proxy-Connection": true,
}

// proxyRequestHeaders are the caller's headers as HTTP_PROXY forwards
// them, with the X-Forwarded-For and trace headers API Gateway adds.
func proxyRequestHeaders(c *call) http.Header {
	h := http.Header{}
	for k, vs := range c.r.Header {
		if !hopByHop[k] && k != "Host" && k != "Content-Length" {
			h[k] = append([]string(nil), vs...)
		}
	}
	ip := sourceIP(c.r)
	if xff := c.r.Header.Get("X-Forwarded-For"); xff != "" {
		ip = xff + ", " + ip
	}
	h.Set("X-Forwarded-For", ip)
	h.Set("X-Amzn-Trace-Id", c.traceID)
	return h
}

// writeProxied passes an HTTP_PROXY endpoint's answer to the caller; the
// headers API Gateway reserves arrive as x-amzn-Remapped-NAME
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html).
func (g *Gateway) writeProxied(c *call, resp *http.Response, body []byte) {
	h := c.w.Header()
	for k, vs := range resp.Header {
		if hopByHop[k] || k == "Content-Length" {
			continue
		}
		if remapped[k] {
			k = "X-Amzn-Remapped-" + k // as for Lambda proxy answers
		}
		h[k] = append([]string(nil), vs...)
	}
	c.status = resp.StatusCode
	c.trace.Status = resp.StatusCode
	c.w.WriteHeader(resp.StatusCode)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(body)
	}
}

var (
	stageVarRef = regexp.MustCompile(`\$\{stageVariables\.([A-Za-z0-9_.:/?#&=,-]+)\}`)
	placeholder = regexp.MustCompile(`\{([A-Za-z0-9._-]+)(\+?)\}`)
)

// integrationURL builds the endpoint URL from the integration URI: stage
// variables (the author's) anywhere, mapped path parameters in the path
// only, escaped so they add no query, fragment or dot segment, and the
// mapped query string appended.
func integrationURL(uri string, stageVars map[string]string, path map[string]string, query url.Values) (string, error) {
	uri = substituteStageVariables(uri, stageVars)
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok || (!strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https")) {
		return "", fmt.Errorf("not an http(s) URL")
	}
	authority, pathAndQuery := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, pathAndQuery = rest[:i], rest[i:]
	}
	if authority == "" || strings.ContainsAny(authority, "{}") {
		return "", fmt.Errorf("the host %q is not a plain host name", authority)
	}
	pathPart, rawQuery, _ := strings.Cut(strings.SplitN(pathAndQuery, "#", 2)[0], "?")
	pathPart = placeholder.ReplaceAllStringFunc(pathPart, func(m string) string {
		sub := placeholder.FindStringSubmatch(m)
		v, ok := path[sub[1]]
		if !ok {
			return m
		}
		return escapePathValue(v)
	})
	u, err := url.Parse(scheme + "://" + authority + pathPart)
	if err != nil {
		return "", err
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", err
	}
	for _, k := range slices.Sorted(maps.Keys(query)) {
		q[k] = append(q[k], query[k]...)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// escapePathValue escapes a path value segment by segment: a slash it
// holds (a greedy parameter's) stays a separator, as API Gateway keeps it,
// but no segment may be a dot segment.
// substituteStageVariables replaces ${stageVariables.NAME} with the
// stage's value ("" when the stage has none).
func substituteStageVariables(s string, vars map[string]string) string {
	if !strings.Contains(s, "${stageVariables.") {
		return s
	}
	return stageVarRef.ReplaceAllStringFunc(s, func(m string) string {
		return vars[stageVarRef.FindStringSubmatch(m)[1]]
	})
}

func escapePathValue(v string) string {
	segments := strings.Split(v, "/")
	for i, s := range segments {
		switch s {
		case ".":
			segments[i] = "%2E"
		case "..":
			segments[i] = "%2E%2E"
		default:
			segments[i] = url.PathEscape(s)
		}
	}
	return strings.Join(segments, "/")
}

// redactURL keeps credentials in an endpoint URL's user info out of traces.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = url.User("REDACTED")
	return u.String()
}
