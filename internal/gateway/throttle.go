package gateway

import (
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
)

// throttle applies the stage's method throttling (its "*/*" defaults or
// the method's own limits): a token bucket per API, stage and method, on
// the injected clock, shared by every caller as on AWS; over it 429
// THROTTLED, {"message":"Too Many Requests"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
// Explained requests (`iamgate why`) spend no token.
func (g *Gateway) throttle(c *call) bool {
	t, ok := c.snap.Stage.MethodThrottle(c.res.Path, c.method.HTTPMethod)
	if !ok || c.dryRun {
		return true
	}
	key := c.tgt.APIID + "/" + c.tgt.Stage + "/" + c.method.HTTPMethod + " " + c.res.Path
	if g.stageLimits.Take(key, t, g.o.Now()) {
		return true
	}
	c.trace.Route += "; throttled by the stage's method settings (rate " +
		strconv.FormatFloat(t.RateLimit, 'f', -1, 64) + "/s, burst " + strconv.Itoa(t.BurstLimit) + ")"
	g.fail(c, awserr.GWThrottled, "")
	return false
}
