package gateway

import (
	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// integrateHTTPProxyV2 runs an HTTP API's HTTP_PROXY integration
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-http.html):
// the request goes to the integration URI with the route's path variables
// in its placeholders ({proxy} for a greedy {proxy+}), escaped so a
// caller's value stays in its segment and never reaches the host, with the
// caller's query string, headers and body, by the integration method (ANY
// is the caller's); the endpoint's answer comes back as it is. The
// integration timeout (30 s at most) answers 503, an unreachable endpoint
// 500, as the Lambda integration's failures do.
func (g *Gateway) integrateHTTPProxyV2(c *call) {
	in := c.v2.integ
	if c.dryRun {
		c.trace.Integration = append(c.trace.Integration, in.IntegrationType+" integration to "+in.IntegrationURI+" (not called: evaluated only)")
		c.trace.DryRun = true
		return
	}
	body, ok := g.requestBody(c, in.IntegrationURI)
	if !ok {
		return
	}
	ireq := &integrationRequest{body: body, header: proxyRequestHeaders(c), query: c.r.URL.Query(), path: c.params}
	target, err := integrationURL(in.IntegrationURI, c.v2.snap.Stage.StageVariables, ireq.path, ireq.query)
	if err != nil {
		g.log.Error("integration endpoint is invalid", "request_id", c.requestID, "uri", in.IntegrationURI, "err", err)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: Invalid endpoint address: "+err.Error())
		g.fail(c, awserr.GWConfigurationError, "")
		return
	}
	ain := &apigw.Integration{Type: apigw.IntegrationHTTPProxy, HTTPMethod: in.IntegrationMethod, URI: in.IntegrationURI,
		TimeoutMillis: in.TimeoutInMillis}
	resp, respBody, ok := g.callEndpoint(c, ain, target, ireq)
	if !ok {
		return
	}
	g.writeProxied(c, resp, respBody)
}
