package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// maxPayload is API Gateway's 10 MB payload quota.
const maxPayload = 10 << 20

// integrate runs the method's integration and writes its response.
func (g *Gateway) integrate(c *call) {
	in := c.method.Integration
	typ := "none"
	if in != nil {
		typ = in.Type
	}
	switch typ {
	case apigw.IntegrationAWSProxy:
		g.integrateProxy(c, in)
	case apigw.IntegrationAWS:
		g.integrateLambda(c, in)
	case apigw.IntegrationMock:
		g.integrateMock(c, in)
	case apigw.IntegrationHTTP, apigw.IntegrationHTTPProxy:
		g.integrateHTTP(c, in)
	default:
		g.log.Error("method has no integration", "request_id", c.requestID, "api", c.tgt.APIID, "resource", c.res.Path, "method", c.method.HTTPMethod, "integration_type", typ)
		g.fail(c, awserr.GWConfigurationError, "")
	}
}

// integrateProxy builds the proxy event, invokes the function and writes its response.
func (g *Gateway) integrateProxy(c *call, in *apigw.Integration) {
	fn, ok := g.lambdaTarget(c, in)
	if !ok {
		return
	}
	body, ok := g.requestBody(c, fn)
	if !ok {
		return
	}
	payload, err := json.Marshal(g.buildEvent(c, body))
	if err != nil {
		g.log.Error("encode event", "request_id", c.requestID, "err", err)
		g.fail(c, awserr.GWIntegrationFailure, "")
		return
	}
	c.trace.Invoked = true
	out, fnErr, err := g.invoke(c, fn, payload, in.TimeoutMillis)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		g.log.Warn("integration timed out", "request_id", c.requestID, "function", fn, "timeout_ms", in.TimeoutMillis)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to a timeout error")
		g.fail(c, awserr.GWIntegrationTimeout, "")
		return
	case err != nil && c.r.Context().Err() != nil:
		g.clientClosed(c, fn)
		return
	case errors.Is(err, ErrInvokeRejected):
		g.log.Warn("Lambda rejected the invocation", "request_id", c.requestID, "function", fn, "err", err)
		c.trace.Integration = append(c.trace.Integration, "Lambda rejected the invocation: "+err.Error())
		g.fail(c, awserr.GWInvokeRejected, "")
		return
	case err != nil:
		g.log.Error("invoke failed", "request_id", c.requestID, "function", fn, "err", err)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to an internal error")
		g.fail(c, awserr.GWIntegrationFailure, "")
		return
	case fnErr != "":
		g.log.Warn("function error", "request_id", c.requestID, "function", fn, "function_error", fnErr)
		c.trace.Integration = append(c.trace.Integration, "Lambda execution failed with status 200 due to customer function error: "+errorMessage(out))
		g.fail(c, awserr.GWIntegrationFailure, "")
		return
	}
	resp, err := parseProxyResponse(out)
	if err != nil {
		g.log.Warn("malformed Lambda proxy response", "request_id", c.requestID, "function", fn, "err", err)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: Malformed Lambda proxy response")
		g.fail(c, awserr.GWIntegrationFailure, "")
		return
	}
	g.writeResponse(c, resp)
}

// lambdaTarget is the function a Lambda integration calls, once API
// Gateway may invoke it; false means the answer is written (or, in a dry
// run, that evaluation stops here).
func (g *Gateway) lambdaTarget(c *call, in *apigw.Integration) (string, bool) {
	// Stage variables may name the function (e.g. its alias): the stage's
	// values are the API author's, never the caller's.
	resolved := *in
	resolved.URI = substituteStageVariables(in.URI, c.snap.Stage.Variables)
	fn, ok := resolved.FunctionARN()
	if !ok {
		g.log.Error("integration uri is not a Lambda function", "request_id", c.requestID, "uri", in.URI)
		g.fail(c, awserr.GWConfigurationError, "")
		return "", false
	}
	if err := g.checkInvokePermission(c, fn); err != nil {
		var pe *permissionError
		if errors.As(err, &pe) {
			g.log.Warn("API Gateway may not invoke the function", "request_id", c.requestID, "function", fn, "why", pe.why)
		} else {
			g.log.Error("integration permission check failed", "request_id", c.requestID, "function", fn, "err", err)
		}
		c.trace.Integration = append(c.trace.Integration, "refused: "+err.Error())
		g.fail(c, awserr.GWConfigurationError, "")
		return "", false
	}
	if c.dryRun {
		c.trace.Integration = append(c.trace.Integration, "API Gateway may invoke "+fn+" (not invoked: evaluated only)")
		c.trace.DryRun = true
		return "", false
	}
	return fn, true
}

// requestBody reads the method request body within the payload quota;
// false means the answer is written. target names the integration for logs.
func (g *Gateway) requestBody(c *call, target string) ([]byte, bool) {
	body, err := readBody(c.r, maxPayload+1)
	switch {
	case tooLarge(err) || len(body) > maxPayload:
		g.fail(c, awserr.GWRequestTooLarge, "")
		return nil, false
	case err != nil && c.r.Context().Err() != nil:
		g.clientClosed(c, target)
		return nil, false
	case err != nil:
		g.log.Warn("reading the request body failed", "request_id", c.requestID, "err", err)
		g.fail(c, awserr.GWIntegrationFailure, "")
		return nil, false
	}
	return body, true
}

// statusClientClosedRequest is what the access log and the trace show for
// a request whose client went away: nginx's 499, never sent to anyone.
const statusClientClosedRequest = 499

// clientClosed ends a request whose client went away during the
// integration (net/http cancels r.Context() when the connection closes).
// It is not a gateway failure: nothing is written, since no one would read
// it, and nothing is logged as an error; the metrics middleware counts 499
// for a response never written.
func (g *Gateway) clientClosed(c *call, fn string) {
	g.log.Info("client closed request", "request_id", c.requestID, "function", fn)
	c.status = statusClientClosedRequest
	c.trace.Status = statusClientClosedRequest
	c.trace.Integration = append(c.trace.Integration, "client closed the request before the function answered")
}

// invoke calls the function within the integration timeout. The invoker
// gets the deadline through ctx; the gateway answers 504 at the deadline
// even if the invoker has not returned yet (its goroutine ends when it does).
func (g *Gateway) invoke(c *call, fn string, payload []byte, timeoutMillis int) ([]byte, string, error) {
	if timeoutMillis <= 0 {
		timeoutMillis = 29000
	}
	ctx, cancel := context.WithTimeout(c.r.Context(), time.Duration(timeoutMillis)*time.Millisecond)
	defer cancel()
	type result struct {
		out   []byte
		fnErr string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		out, fnErr, err := g.o.Invoker.InvokeFunction(ctx, fn, payload)
		done <- result{out, fnErr, err}
	}()
	select {
	case res := <-done:
		if res.err != nil && ctx.Err() == context.DeadlineExceeded {
			return nil, "", context.DeadlineExceeded
		}
		return res.out, res.fnErr, res.err
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
}

// proxyResponse is the function's answer, payload format 1.0.
type proxyResponse struct {
	StatusCode        int
	Headers           map[string]string
	MultiValueHeaders map[string][]string
	Body              []byte
}

// parseProxyResponse accepts what API Gateway accepts: a JSON object with
// an integer statusCode, string-valued headers, a string body.
func parseProxyResponse(out []byte) (*proxyResponse, error) {
	var raw struct {
		StatusCode        json.RawMessage              `json:"statusCode"`
		Headers           map[string]json.RawMessage   `json:"headers"`
		MultiValueHeaders map[string][]json.RawMessage `json:"multiValueHeaders"`
		Body              *json.RawMessage             `json:"body"`
		IsBase64Encoded   bool                         `json:"isBase64Encoded"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(raw.StatusCode)))
	if err != nil || code < 100 || code > 599 {
		return nil, fmt.Errorf("statusCode %q is not an HTTP status", raw.StatusCode)
	}
	resp := &proxyResponse{StatusCode: code, Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}}
	for k, v := range raw.Headers {
		s, err := scalar(v)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", k, err)
		}
		resp.Headers[k] = s
	}
	for k, vs := range raw.MultiValueHeaders {
		for _, v := range vs {
			s, err := scalar(v)
			if err != nil {
				return nil, fmt.Errorf("header %s: %w", k, err)
			}
			resp.MultiValueHeaders[k] = append(resp.MultiValueHeaders[k], s)
		}
	}
	if raw.Body != nil && string(*raw.Body) != "null" {
		var s string
		if err := json.Unmarshal(*raw.Body, &s); err != nil {
			return nil, fmt.Errorf("body is not a string")
		}
		resp.Body = []byte(s)
		if raw.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("body is not base64: %w", err)
			}
			resp.Body = b
		}
	}
	return resp, nil
}

// scalar reads a header value: a string, or a number or boolean written as
// JSON (which API Gateway turns into text).
func scalar(v json.RawMessage) (string, error) {
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return "", err
	}
	switch t := x.(type) {
	case string:
		return t, nil
	case float64, bool:
		return strings.TrimSpace(string(v)), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("value is not a string")
}

// remapped are the response headers API Gateway renames to
// x-amzn-Remapped-{name} instead of passing them to the client
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html).
var remapped = map[string]bool{
	"Authorization": true, "Connection": true, "Content-Md5": true, "Date": true, "Expect": true,
	"Host": true, "Max-Forwards": true, "Proxy-Authenticate": true, "Server": true, "Te": true,
	"Transfer-Encoding": true, "Trailer": true, "Upgrade": true, "User-Agent": true, "Via": true,
	"Warn": true, "Www-Authenticate": true,
}

// setHeaders copies the answer's headers to h as API Gateway does, for
// REST and HTTP APIs alike: multiValueHeaders first, then headers win for
// the same name; Content-Length (the server computes it from the body
// written) and the names in drop are left out; the reserved names are
// renamed X-Amzn-Remapped-{name}.
func (resp *proxyResponse) setHeaders(h http.Header, drop ...string) {
	set := func(k string, vs ...string) {
		ck := http.CanonicalHeaderKey(k)
		if ck == "Content-Length" || slices.Contains(drop, ck) {
			return
		}
		if remapped[ck] {
			ck = "X-Amzn-Remapped-" + ck
		}
		h.Del(ck)
		for _, v := range vs {
			h.Add(ck, v)
		}
	}
	for k, vs := range resp.MultiValueHeaders {
		set(k, vs...)
	}
	for k, v := range resp.Headers {
		set(k, v)
	}
}

func (g *Gateway) writeResponse(c *call, resp *proxyResponse) {
	h := c.w.Header()
	resp.setHeaders(h)
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	c.status = resp.StatusCode
	c.trace.Status = resp.StatusCode
	c.w.WriteHeader(resp.StatusCode)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(resp.Body)
	}
}
