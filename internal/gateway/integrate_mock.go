package gateway

import (
	"encoding/json"
	"strconv"

	"github.com/iamgate/iamgate/internal/apigw"
)

// integrateMock answers from the API itself: the request template's
// {"statusCode": N} selects the integration response (matched against
// N), whose parameters and template make the answer
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html).
// No statusCode means 200.
func (g *Gateway) integrateMock(c *call, in *apigw.Integration) {
	if c.dryRun {
		c.trace.Integration = append(c.trace.Integration, "MOCK integration (not run: evaluated only)")
		c.trace.DryRun = true
		return
	}
	body, ok := g.requestBody(c, "MOCK")
	if !ok {
		return
	}
	mreq := g.mappingRequest(c)
	ireq, _, ok := g.buildIntegrationRequest(c, in, mreq, body)
	if !ok {
		return
	}
	status := 200
	var sel struct {
		StatusCode json.RawMessage `json:"statusCode"`
	}
	if json.Unmarshal(ireq.body, &sel) == nil && len(sel.StatusCode) > 0 {
		var n json.Number
		if json.Unmarshal(sel.StatusCode, &n) == nil {
			if v, err := strconv.Atoi(n.String()); err == nil {
				status = v
			}
		} else if s, err := strconv.Unquote(string(sel.StatusCode)); err == nil {
			if v, err := strconv.Atoi(s); err == nil {
				status = v
			}
		}
	}
	c.trace.Invoked = true
	c.trace.Integration = append(c.trace.Integration, "MOCK integration answered status "+strconv.Itoa(status))
	g.respond(c, in, mreq, &integrationOutput{selector: strconv.Itoa(status)})
}
