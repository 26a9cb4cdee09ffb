package gateway

import (
	"strconv"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// throttle applies the stage's method throttling (its "*/*" defaults or
// the method's own limits): a token bucket per API, stage and method, on
// the injected clock, shared by every caller as on AWS; over it 429
// THROTTLED, {"message":"Too Many Requests"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
// Explained requests (`iamgate why`) spend no token.
func (g *Gateway) throttle(c *call) bool {
	if len(c.snap.Stage.MethodSettings) == 0 {
		return true // the usual stage: no key to build (MethodSettingsKey) per request
	}
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

// throttleV2 applies an HTTP API stage's route throttling (the route's
// RouteSettings, else DefaultRouteSettings): over it 429
// {"message":"Too Many Requests"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
func (g *Gateway) throttleV2(c *call) bool {
	burst, rate, ok := c.v2.snap.Stage.RouteThrottle(c.v2.route.RouteKey)
	if !ok || c.dryRun {
		return true
	}
	key := "v2/" + c.tgt.APIID + "/" + c.v2.snap.Stage.StageName + "/" + c.v2.route.RouteKey
	t := apigw.Throttle{BurstLimit: burst, RateLimit: rate}
	if g.stageLimits.Take(key, t, g.o.Now()) {
		return true
	}
	c.trace.Route += "; throttled by the stage's route settings (rate " +
		strconv.FormatFloat(rate, 'f', -1, 64) + "/s, burst " + strconv.Itoa(burst) + ")"
	g.failV2(c, awserr.HTTPTooManyRequests, "")
	return false
}
