package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

// TestInvokeRequest is what TestInvokeMethod sends to a method.
type TestInvokeRequest struct {
	PathWithQueryString string
	Body                string
	Headers             map[string]string
}

// TestInvokeResult is what the method answered, and the request's log.
type TestInvokeResult struct {
	Status    int
	Body      string
	Headers   http.Header
	Log       string
	LatencyMS int64
}

// TestInvoke runs method of resource resourceID of the (undeployed) API
// snap as TestInvokeMethod does
// (https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeMethod.html):
// no authorization, no API key, the request validated and integrated as
// caller, on stage test-invoke-stage.
func (g *Gateway) TestInvoke(ctx context.Context, snap *apigw.Snapshot, caller *auth.Caller, resourceID, method string, in TestInvokeRequest) (TestInvokeResult, error) {
	var res *apigw.Resource
	for i := range snap.Resources {
		if snap.Resources[i].ID == resourceID {
			res = &snap.Resources[i]
		}
	}
	if res == nil {
		return TestInvokeResult{}, awserr.New(awserr.NotFoundException, "Invalid Resource identifier specified")
	}
	m, ok := res.Methods[method]
	if !ok {
		return TestInvokeResult{}, awserr.New(awserr.NotFoundException, "Invalid Method identifier specified")
	}
	target := in.PathWithQueryString
	if target == "" {
		target = res.Path
	}
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	verb := method
	if verb == apigw.MethodAny {
		verb = http.MethodGet
	}
	r, err := http.NewRequestWithContext(ctx, verb, "http://"+snap.API.ID+".execute-api."+g.o.Region+".amazonaws.com"+target, strings.NewReader(in.Body))
	if err != nil {
		return TestInvokeResult{}, awserr.New(awserr.BadRequestException, "Invalid path with query string: %s", in.PathWithQueryString)
	}
	for k, v := range in.Headers {
		r.Header.Set(k, v)
	}
	r.RemoteAddr = "127.0.0.1:0"
	w := httptest.NewRecorder()
	c := g.newCall(w, r)
	parts, _ := resourceParts(r.URL.EscapedPath())
	c.tgt = newTarget(snap.API.ID, snap.Stage.StageName, parts, false)
	c.snap, c.res, c.method, c.caller = snap, res, m, caller
	// The path parameters are those of the resource when the path matches it.
	if mr, _, params, ok := snap.Match(verb, parts); ok && mr.ID == res.ID {
		c.params = params
	}
	c.trace.Route = method + " " + res.Path + " (test invoke: authorization and API keys not checked)"
	if g.validate(c) {
		g.integrate(c)
	}
	return TestInvokeResult{Status: w.Code, Body: w.Body.String(), Headers: w.Header(), Log: traceText(c.trace),
		LatencyMS: g.o.Now().Sub(c.start).Milliseconds()}, nil
}
