package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/payload"
)

// integrateV2 invokes an HTTP API route's Lambda proxy integration with the
// payload format it names and maps the function's answer.
func (g *Gateway) integrateV2(c *call) {
	in := c.v2.integ
	if in.IntegrationType == httpapi.IntegrationHTTPProxy && in.ConnectionType != "VPC_LINK" {
		g.integrateHTTPProxyV2(c)
		return
	}
	if in.IntegrationType != httpapi.IntegrationAWSProxy {
		g.log.Error("integration type not emulated; only AWS_PROXY to Lambda is",
			"request_id", c.requestID, "api", c.tgt.APIID, "route", c.v2.route.RouteKey, "integration_type", in.IntegrationType)
		c.trace.Integration = append(c.trace.Integration, in.IntegrationType+" integrations are not emulated by iamgate")
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	fn, ok := in.FunctionARN()
	if !ok {
		g.log.Error("integration uri is not a Lambda function", "request_id", c.requestID, "uri", in.IntegrationURI)
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	if err := g.checkInvokePermission(c, fn); err != nil {
		var pe *permissionError
		if errors.As(err, &pe) {
			g.log.Warn("API Gateway may not invoke the function", "request_id", c.requestID, "function", fn, "why", pe.why)
		} else {
			g.log.Error("integration permission check failed", "request_id", c.requestID, "function", fn, "err", err)
		}
		c.trace.Integration = append(c.trace.Integration, "refused: "+err.Error())
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	if c.dryRun {
		c.trace.Integration = append(c.trace.Integration, "API Gateway may invoke "+fn+" (not invoked: evaluated only)")
		c.trace.DryRun = true
		return
	}
	body, err := readBody(c.r, maxPayload+1)
	switch {
	case tooLarge(err) || len(body) > maxPayload:
		g.failV2(c, awserr.HTTPRequestTooLarge, "")
		return
	case err != nil && c.r.Context().Err() != nil:
		g.clientClosed(c, fn)
		return
	case err != nil:
		g.log.Warn("reading the request body failed", "request_id", c.requestID, "err", err)
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	var event any = g.buildEventV2(c, body)
	if in.PayloadFormatVersion == httpapi.PayloadV1 {
		event = g.buildEventV1(c, body)
	}
	payload, err := json.Marshal(event)
	if err != nil {
		g.log.Error("encode event", "request_id", c.requestID, "err", err)
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	c.trace.Invoked = true
	out, fnErr, err := g.invoke(c, fn, payload, in.TimeoutInMillis)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		g.log.Warn("integration timed out", "request_id", c.requestID, "function", fn, "timeout_ms", in.TimeoutInMillis)
		g.failV2(c, awserr.HTTPServiceUnavailable, "")
		return
	case err != nil && c.r.Context().Err() != nil:
		g.clientClosed(c, fn)
		return
	case err != nil:
		g.log.Error("invoke failed", "request_id", c.requestID, "function", fn, "err", err)
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	case fnErr != "":
		g.log.Warn("function error", "request_id", c.requestID, "function", fn, "function_error", fnErr)
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	var resp *responseV2
	if in.PayloadFormatVersion == httpapi.PayloadV1 {
		var p *proxyResponse
		if p, err = parseProxyResponse(out); err == nil {
			resp = &responseV2{proxyResponse: *p}
		}
	} else {
		resp, err = parseResponseV2(out)
	}
	if err != nil {
		g.log.Warn("malformed Lambda proxy response", "request_id", c.requestID, "function", fn, "err", err)
		g.failV2(c, awserr.HTTPInternalServerError, "")
		return
	}
	g.writeResponseV2(c, resp)
}

// responseV2 is the function's answer in payload format 2.0: the 1.0
// fields (multiValueHeaders unused) plus cookies.
type responseV2 struct {
	proxyResponse
	Cookies []string
}

// parseResponseV2 maps a 2.0 answer as API Gateway does
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html,
// "Lambda function response format"): a JSON object with statusCode is a
// structured response; any other valid JSON is the body of a 200
// application/json response (a JSON string is the body's text); what is
// not JSON is an error.
func parseResponseV2(out []byte) (*responseV2, error) {
	trimmed := bytes.Trim(out, " \t\r\n") // JSON whitespace only
	if !json.Valid(trimmed) {
		return nil, fmt.Errorf("the function's answer is not JSON")
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(trimmed, &obj) == nil && obj != nil {
		if _, structured := obj["statusCode"]; structured {
			return structuredV2(trimmed, obj)
		}
	}
	body := trimmed
	var s string
	if json.Unmarshal(trimmed, &s) == nil {
		body = []byte(s)
	}
	return &responseV2{proxyResponse: proxyResponse{StatusCode: http.StatusOK,
		Headers: map[string]string{"Content-Type": "application/json"}, Body: body}}, nil
}

func structuredV2(raw []byte, obj map[string]json.RawMessage) (*responseV2, error) {
	code, err := strconv.Atoi(strings.TrimSpace(string(obj["statusCode"])))
	if err != nil || code < 100 || code > 599 {
		return nil, fmt.Errorf("statusCode %q is not an HTTP status", obj["statusCode"])
	}
	resp := &responseV2{proxyResponse: proxyResponse{StatusCode: code, Headers: map[string]string{}}}
	if h, ok := obj["headers"]; ok && string(h) != "null" {
		var hm map[string]json.RawMessage
		if err := json.Unmarshal(h, &hm); err != nil {
			return nil, fmt.Errorf("headers is not an object")
		}
		for k, v := range hm {
			s, err := scalar(v)
			if err != nil {
				return nil, fmt.Errorf("header %s: %w", k, err)
			}
			resp.Headers[k] = s
		}
	}
	if resp.Cookies, resp.Body, err = payload.ResponseBody(obj); err != nil {
		return nil, err
	}
	return resp, nil
}

// writeResponseV2 writes the function's answer with the remapping of
// reserved headers both API types apply, cookies as Set-Cookie, and the
// API's CORS headers in place of the function's.
func (g *Gateway) writeResponseV2(c *call, resp *responseV2) {
	h := c.w.Header()
	resp.setHeaders(h, "Apigw-Requestid")
	for _, ck := range resp.Cookies {
		h.Add("Set-Cookie", ck)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if cors := c.v2.snap.API.CorsConfiguration; cors != nil {
		corsResponse(h, cors, c.r.Header.Get("Origin"))
	}
	c.status = resp.StatusCode
	c.trace.Status = resp.StatusCode
	c.w.WriteHeader(resp.StatusCode)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(resp.Body)
	}
}
