package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// integrateLambda runs a non-proxy (AWS) Lambda integration: the request
// template makes the payload, the function's error message selects the
// integration response, the response template shapes the answer
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-custom-integrations.html).
// Other AWS service integrations are not emulated: the caller gets API
// Gateway's 500 and the log says so.
func (g *Gateway) integrateLambda(c *call, in *apigw.Integration) {
	if _, isLambda := in.FunctionARN(); !isLambda {
		g.log.Error("AWS service integrations other than Lambda are not emulated by iamgate", "request_id", c.requestID, "uri", in.URI)
		c.trace.Integration = append(c.trace.Integration, "not emulated: AWS service integration "+in.URI+" (only Lambda is)")
		g.fail(c, awserr.GWConfigurationError, "")
		return
	}
	fn, ok := g.lambdaTarget(c, in)
	if !ok {
		return
	}
	body, ok := g.requestBody(c, fn)
	if !ok {
		return
	}
	mreq := g.mappingRequest(c)
	ireq, _, ok := g.buildIntegrationRequest(c, in, mreq, body)
	if !ok {
		return
	}
	payload := ireq.body
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		// Lambda takes JSON only; API Gateway answers the caller 400.
		c.trace.Integration = append(c.trace.Integration, "the integration request body is not JSON, which Lambda refuses")
		g.fail(c, awserr.GWUnparsableLambdaPayload, "")
		return
	}
	c.trace.Invoked = true
	out, fnErr, err := g.invoke(c, fn, payload, in.TimeoutMillis)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		g.log.Warn("integration timed out", "request_id", c.requestID, "function", fn, "timeout_ms", in.TimeoutMillis)
		g.fail(c, awserr.GWIntegrationTimeout, "")
		return
	case err != nil && c.r.Context().Err() != nil:
		g.clientClosed(c, fn)
		return
	case errors.Is(err, ErrInvokeRejected):
		c.trace.Integration = append(c.trace.Integration, "Lambda rejected the invocation: "+err.Error())
		g.fail(c, awserr.GWInvokeRejected, "")
		return
	case err != nil:
		g.log.Error("invoke failed", "request_id", c.requestID, "function", fn, "err", err)
		g.fail(c, awserr.GWIntegrationFailure, "")
		return
	}
	res := &integrationOutput{body: out, contentType: "application/json", useDefault: fnErr == ""}
	if fnErr != "" {
		res.selector = lambdaErrorMessage(out)
		c.trace.Integration = append(c.trace.Integration, "function error: "+fnErr+"; selection patterns matched against its errorMessage")
	}
	g.respond(c, in, mreq, res)
}

// lambdaErrorMessage is the errorMessage of a function error payload, what
// selection patterns are matched against; a payload without one is
// matched as it is.
func lambdaErrorMessage(out []byte) string {
	var e struct {
		ErrorMessage *string `json:"errorMessage"`
	}
	if json.Unmarshal(out, &e) == nil && e.ErrorMessage != nil {
		return *e.ErrorMessage
	}
	return string(out)
}
