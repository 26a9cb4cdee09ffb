package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/authorizer"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/mapping"
	"github.com/iamgate/iamgate/internal/redact"
)

// Invoker runs a Lambda function synchronously. functionError is the
// X-Amz-Function-Error value ("Unhandled", ...) when the function failed.
// An error wrapping ErrInvokeRejected is the Lambda service refusing the
// invocation (throttled), which API Gateway answers with a 500.
type Invoker interface {
	InvokeFunction(ctx context.Context, functionARN string, payload []byte) (out []byte, functionError string, err error)
}

// ErrInvokeRejected is wrapped by an Invoker's error when Lambda refused
// the invocation before running it (429 TooManyRequestsException).
var ErrInvokeRejected = errors.New("the Lambda service rejected the invocation")

// APIs gives the deployed snapshot of an API's stage; an error wrapping
// store.ErrNotFound (or any error) means nothing is deployed there.
type APIs interface {
	Deployed(ctx context.Context, apiID, stage string) (*apigw.Snapshot, error)
}

// APIKeys decides the x-api-key of methods with apiKeyRequired;
// *apigw.Service satisfies it. keyID names the key when ok.
type APIKeys interface {
	ValidAPIKey(ctx context.Context, apiID, stage, value string) (keyID string, ok bool, err error)
}

// UsageMeter applies usage plans to the requests of a verified API key;
// *apigw.Service satisfies it.
type UsageMeter interface {
	Admit(ctx context.Context, apiID, stage, keyID string) (apigw.Admission, error)
}

// Options configures a Gateway.
type Options struct {
	APIs    APIs
	Auth    auth.Authenticator
	Authz   auth.Authorizer
	Invoker Invoker
	// APIKeys checks API keys; without it every apiKeyRequired method
	// answers Forbidden (fail closed).
	APIKeys APIKeys
	// Domains serves custom domain names; without it none are.
	Domains Domains
	// AccessLogs receives the lines of stages with access logging.
	AccessLogs AccessLogs
	// Usage throttles and counts keyed requests by their usage plans;
	// without it keys are not metered.
	Usage     UsageMeter
	Region    string
	AccountID string
	Now       func() time.Time
	Logger    *slog.Logger
	// NewRequestID returns request ids; nil: version 4 UUIDs (ids.go).
	NewRequestID func() string
	// FunctionPolicies and Roles decide whether API Gateway may call a
	// function (see permission.go). Without FunctionPolicies that check is
	// skipped, which only tests should do.
	FunctionPolicies FunctionPolicies
	Roles            Roles
	// HTTPClient calls HTTP and HTTP_PROXY integrations; nil is a client
	// that does not follow redirects (API Gateway passes them back).
	HTTPClient *http.Client
	// TraceSize is how many recent request traces are kept for `iamgate
	// why REQUEST_ID`; 0 means 1000, negative keeps none.
	TraceSize int
	// Tokens verifies the JWTs of Cognito user pool and JWT authorizers;
	// without it those methods answer 500 (fail closed).
	Tokens TokenVerifier
	// HTTPAPIs serves HTTP APIs (API Gateway v2) beside REST APIs; nil
	// serves REST APIs only.
	HTTPAPIs HTTPAPIs
}

// Gateway serves execute-api requests.
type Gateway struct {
	o          Options
	log        *slog.Logger
	traces     *traceRing
	httpClient *http.Client
	templates  mapping.Templates
	// authCache holds Lambda authorizer answers for their TTL; regexps the
	// compiled TOKEN validation expressions.
	authCache *authorizer.Cache
	regexps   regexpCache
	// schemas holds compiled request models.
	schemas *schemaCache
	// stageLimits are the token buckets of stage and method throttling.
	stageLimits apigw.Limiter
}

// New returns a Gateway.
func New(o Options) *Gateway {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case o.TraceSize == 0:
		o.TraceSize = 1000
	case o.TraceSize < 0:
		o.TraceSize = 0
	}
	client := o.HTTPClient
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &Gateway{o: o, log: o.Logger.With("component", "gateway"), traces: newTraceRing(o.TraceSize), httpClient: client,
		authCache: authorizer.NewCache(o.Now), schemas: newSchemaCache()}
}

// call is one request on its way through the gateway.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	start     time.Time
	requestID string
	apigwID   string
	traceID   string
	tgt       target
	snap      *apigw.Snapshot
	res       *apigw.Resource
	method    *apigw.Method
	params    map[string]string
	caller    *auth.Caller
	// apiKey and apiKeyID are the verified x-api-key of an apiKeyRequired
	// method, for the event's identity.
	apiKey, apiKeyID string
	// authz is what an allowing Lambda authorizer passed on.
	authz *authorizerResult
	// validationError is $context.error.validationErrorString: why the
	// request failed validation.
	validationError string
	// failure and failMessage are the gateway response written, if any.
	failure     awserr.GatewayResponse
	failMessage string
	status      int
	trace       *Trace
	// dryRun stops before the integration runs (`iamgate why URL`).
	dryRun bool
	// v2 is set for a request to an HTTP API (httpapi.go).
	v2 *v2call
	// reqPath is the request's path as routing reads it (c.path).
	reqPath requestPath
	// idValues back the response's id headers.
	idValues [3]string
}

// ServeHTTP runs the request path: route, authenticate, authorize, invoke.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := g.newCall(w, r)
	defer g.accessLog(c)
	g.run(c)
	// The trace is finished and formatted only when someone reads it: a
	// debug log here, `iamgate why` later.
	c.trace.pending.secrets = redact.SourceOf(r)
	if c.trace.Denied() && g.log.Enabled(r.Context(), slog.LevelDebug) {
		g.log.Debug("request denied", "request_id", c.requestID, "trace", traceText(c.trace))
	}
	g.traces.add(c.trace)
}

func (g *Gateway) newCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{w: w, r: r, start: g.o.Now()}
	c.requestID, c.apigwID, c.traceID = newIDs(r, c.start, g.o.NewRequestID)
	c.trace = &Trace{RequestID: c.requestID, Time: c.start, Method: r.Method, pending: traceInputs{host: r.Host, url: r.URL}}
	// Keys in canonical form, as Set would make them (the wire shows
	// X-Amzn-Requestid): Set re-spells a key with an allocation each time.
	h := w.Header()
	c.idValues = [3]string{c.requestID, c.apigwID, c.traceID} // the header values, in the call's allocation
	h["X-Amzn-Requestid"] = c.idValues[0:1:1]
	h["X-Amz-Apigw-Id"] = c.idValues[1:2:2]
	h["X-Amzn-Trace-Id"] = c.idValues[2:3:3]
	return c
}

func (g *Gateway) run(c *call) {
	if g.httpAPI(c) {
		return
	}
	if !g.capBody(c) {
		return
	}
	if !g.resolve(c) {
		g.fail(c, awserr.GWMissingAuthenticationToken, "")
		return
	}
	if !g.throttle(c) || !g.authorize(c) || !g.validate(c) {
		return
	}
	g.integrate(c)
}

// capBody holds the request body to API Gateway's 10 MB payload quota
// before anything reads it (the signature check hashes it): a declared
// length over the quota is refused at once, and a body that turns out
// longer fails its reader at the quota, answered as 413 wherever it is read.
func (g *Gateway) capBody(c *call) bool {
	if c.r.ContentLength > maxPayload {
		c.trace.Route = "request body over the 10 MB payload quota"
		g.fail(c, awserr.GWRequestTooLarge, "")
		return false
	}
	if c.r.Body != nil && c.r.Body != http.NoBody {
		c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxPayload)
	}
	return true
}

// tooLarge reports whether err is the body cap's.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// resolve finds the API, stage, resource and method.
func (g *Gateway) resolve(c *call) bool {
	t, ok := routeOf(c.path())
	if !ok {
		t, ok = g.domainRoute(c)
	}
	if !ok {
		c.trace.Route = "not an API stage URL"
		return false
	}
	c.tgt = t
	c.trace.APIID, c.trace.Stage = t.APIID, t.Stage
	snap, err := g.o.APIs.Deployed(c.r.Context(), t.APIID, t.Stage)
	if err != nil || snap == nil {
		g.log.Debug("no deployment", "request_id", c.requestID, "api", t.APIID, "stage", t.Stage, "err", err)
		c.trace.Route = "no deployment of API " + t.APIID + " stage " + t.Stage
		return false
	}
	c.snap = snap
	// r.Method exactly as sent: the method routed is the method in the ARN.
	c.res, c.method, c.params, ok = snap.Match(c.r.Method, t.Parts)
	if !ok {
		c.trace.Route = "no method " + c.r.Method + " on a resource matching " + t.Path
		return false
	}
	c.trace.Route = c.method.HTTPMethod + " " + c.res.Path
	c.trace.Authorization = c.method.AuthorizationType
	return true
}

// fail writes one of API Gateway's own responses; message "" is its
// default text. awserr owns status, type and body shape.
func (g *Gateway) fail(c *call, resp awserr.GatewayResponse, message string) {
	if c.v2 != nil {
		g.failAsV2(c, resp, message)
		return
	}
	c.failure, c.failMessage = resp, message
	if cr, ok := g.customResponse(c, resp, message); ok {
		c.trace.Response = string(awserr.WriteCustomGatewayResponse(c.w, resp, cr))
		c.status = cr.Status
	} else {
		c.trace.Response = awserr.WriteGatewayResponse(c.w, resp, message)
		c.status = resp.Status()
	}
	c.trace.Status = c.status
}

func (g *Gateway) accessLog(c *call) {
	g.stageAccessLog(c)
	g.executionLog(c)
	// The attributes cost a dozen allocations: only when someone reads them.
	if !g.log.Enabled(c.r.Context(), slog.LevelInfo) {
		return
	}
	principal := ""
	if c.caller != nil {
		principal = c.caller.ARN
	}
	g.log.Info("execute-api",
		"request_id", c.requestID,
		"api", c.tgt.APIID,
		"stage", c.tgt.Stage,
		"method", c.r.Method,
		"path", c.tgt.Path,
		"status", c.status,
		"principal_arn", principal,
		"latency", g.o.Now().Sub(c.start),
	)
}

func traceText(t *Trace) string {
	t.settle()
	var b strings.Builder
	t.WriteText(&b)
	return b.String()
}
