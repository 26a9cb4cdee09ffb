package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Invoker runs a Lambda function synchronously. functionError is the
// X-Amz-Function-Error value ("Unhandled", ...) when the function failed.
type Invoker interface {
	InvokeFunction(ctx context.Context, functionARN string, payload []byte) (out []byte, functionError string, err error)
}

// APIs gives the deployed snapshot of an API's stage; an error wrapping
// store.ErrNotFound (or any error) means nothing is deployed there.
type APIs interface {
	Deployed(ctx context.Context, apiID, stage string) (*apigw.Snapshot, error)
}

// Options configures a Gateway.
type Options struct {
	APIs      APIs
	Auth      auth.Authenticator
	Authz     auth.Authorizer
	Invoker   Invoker
	Region    string
	AccountID string
	Now       func() time.Time
	Logger    *slog.Logger
	// NewRequestID returns request ids (uuid v4 by default).
	NewRequestID func() string
}

// Gateway serves execute-api requests.
type Gateway struct {
	o   Options
	log *slog.Logger
}

// New returns a Gateway.
func New(o Options) *Gateway {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewRequestID == nil {
		o.NewRequestID = uuid.NewString
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Gateway{o: o, log: o.Logger.With("component", "gateway")}
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
	status    int
}

// ServeHTTP runs the request path: route, authenticate, authorize, invoke.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, start: g.o.Now(), requestID: g.o.NewRequestID(), apigwID: newAPIGWID()}
	c.traceID = traceID(r, c.start)
	h := w.Header()
	h.Set("x-amzn-RequestId", c.requestID)
	h.Set("x-amz-apigw-id", c.apigwID)
	h.Set("X-Amzn-Trace-Id", c.traceID)
	defer g.accessLog(c)
	if !g.resolve(c) {
		g.fail(c, http.StatusForbidden, awserr.APIGWMissingAuthenticationToken, awserr.APIGWMissingTokenMessage, true)
		return
	}
	if !g.authorize(c) {
		return
	}
	g.integrate(c)
}

// resolve finds the API, stage, resource and method.
func (g *Gateway) resolve(c *call) bool {
	t, ok := route(c.r)
	if !ok {
		return false
	}
	c.tgt = t
	snap, err := g.o.APIs.Deployed(c.r.Context(), t.APIID, t.Stage)
	if err != nil || snap == nil {
		g.log.Debug("no deployment", "request_id", c.requestID, "api", t.APIID, "stage", t.Stage, "err", err)
		return false
	}
	c.snap = snap
	c.res, c.method, c.params, ok = snap.Match(c.r.Method, t.Path)
	return ok
}

// fail writes a gateway error response.
func (g *Gateway) fail(c *call, status int, errType, message string, lowerKey bool) {
	c.status = status
	awserr.WriteAPIGateway(c.w, status, errType, message, lowerKey)
}

func (g *Gateway) internalError(c *call) {
	g.fail(c, http.StatusBadGateway, awserr.APIGWInternalServerError, awserr.APIGWInternalErrorMessage, true)
}

func (g *Gateway) accessLog(c *call) {
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

// newAPIGWID returns an extended request id in API Gateway's shape
// (16 characters of base64, e.g. "TWegAcC4EowCHnA=").
func newAPIGWID() string {
	b := make([]byte, 11)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
