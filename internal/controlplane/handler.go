package controlplane

import (
	"bytes"
	"context"
	"errors"
	"github.com/google/uuid"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/sigv4"
	"github.com/iamgate/iamgate/internal/stack"
)

// maxQueryBody bounds a query-protocol body. CloudFormation's TemplateBody is
// at most 51,200 bytes; form encoding can triple it.
const maxQueryBody = 1 << 20

// querySkew is the clock window IAM, STS and CloudFormation allow
// ("... (20160610T014508Z - 15 min.)", https://github.com/devsecops/bootcamp/issues/101).
const querySkew = 15 * time.Minute

// Options configures a Handler. Auth, Authz and Now are required; a nil IAM
// or Stacks answers that service's operations with InternalFailure.
type Options struct {
	Auth  auth.Authenticator
	Authz auth.Authorizer
	// Evaluator answers the policy simulator with the engine Authz uses
	// (*auth.Service satisfies both); nil uses a fresh auth.Evaluator.
	Evaluator Evaluator
	IAM       IAM
	Stacks    stack.Backend
	// Region is the server's region: CloudFormation signatures must be
	// scoped to it. IAM and STS accept any region, because clients pointed
	// at a custom endpoint sign global services with their own region.
	Region    string
	AccountID string
	Now       func() time.Time
	Logger    *slog.Logger
	// NewRequestID returns the x-amzn-RequestId of a request; nil uses random UUIDs.
	NewRequestID func() string
	// Services mounts the non-query services by signing name ("s3",
	// "lambda", "logs", "apigateway"). The Handler verifies the signature
	// and writes authentication errors in the mount's protocol; the mounted
	// handler authorizes and answers, reading CallerFrom(r.Context()).
	Services map[string]Mount
}

// Mount is a service served by another package's handler.
type Mount struct {
	Protocol awserr.Protocol
	Handler  http.Handler
	// S3 selects S3's signature rules (sigv4.Options.S3).
	S3 bool
	// Anonymous lets unsigned requests through with auth.Anonymous as the
	// caller (S3 public reads); otherwise they get MissingAuthenticationToken.
	Anonymous bool
	// Global services accept any region in the credential scope.
	Global bool
	// Limit returns the largest body the service takes for a request and
	// its answer past it; nil (or a zero Err) is 10 MiB with a 413.
	Limit func(*http.Request) BodyLimit
}

// Handler serves the AWS control plane. It is an http.Handler.
type Handler struct {
	o     Options
	query map[string]*queryService // by signing name
	log   *slog.Logger
}

// New returns a Handler serving IAM, STS and CloudFormation plus o.Services.
func New(o Options) *Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewRequestID == nil {
		o.NewRequestID = uuid.NewString
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "000000000000"
	}
	if o.Evaluator == nil {
		o.Evaluator = auth.NewEvaluator()
	}
	h := &Handler{o: o, log: o.Logger} // the caller names the component
	h.query = map[string]*queryService{
		"iam":            h.iamService(),
		"sts":            h.stsService(),
		"cloudformation": h.cfnService(),
	}
	return h
}

type ctxKey int

const (
	callerKey ctxKey = iota
	requestIDKey
)

// CallerFrom returns the verified caller of a request passed to a mounted
// service, or nil.
func CallerFrom(ctx context.Context) *auth.Caller {
	c, _ := ctx.Value(callerKey).(*auth.Caller)
	return c
}

// RequestIDFrom returns the x-amzn-RequestId assigned to a request passed to
// a mounted service, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// ServeHTTP finds the service, verifies the signature and dispatches.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.o.NewRequestID()
	sc, signed := scopeOf(r)
	name := sc.service
	if signed && h.unserved(name) {
		h.writeUnserved(w, r, reqID, name)
		return
	}
	if !signed || (h.query[name] == nil && h.o.Services[name].Handler == nil) {
		name = h.guessService(r)
	}
	if m, ok := h.o.Services[name]; ok && m.Handler != nil {
		h.serveMount(w, r, reqID, m, name)
		return
	}
	h.serveQuery(w, r, reqID, h.query[name])
}

func (h *Handler) serveMount(w http.ResponseWriter, r *http.Request, reqID string, m Mount, name string) {
	opts := sigv4.Options{Service: name, Region: h.o.Region, S3: m.S3}
	if m.Global {
		opts.Region = ""
	}
	// Cap the body before the authenticator reads it to hash the payload.
	if tl := capBody(r, limitFor(m, r)); tl != nil {
		h.logFailure(r, reqID, name, "", tl.Limit.Err)
		writeTooLarge(w, m.Protocol, tl, reqID)
		return
	}
	caller, err := h.o.Auth.Authenticate(r.Context(), r, opts)
	if err != nil {
		var se *sigv4.Error
		var tl *BodyTooLarge
		if errors.As(err, &tl) {
			h.logFailure(r, reqID, name, "", tl.Limit.Err)
			writeTooLarge(w, m.Protocol, tl, reqID)
			return
		}
		if m.Anonymous && errors.As(err, &se) && se.Reason == sigv4.MissingAuthentication {
			caller, err = auth.Anonymous, nil
		} else {
			e := h.authError(err, m.Protocol)
			h.logFailure(r, reqID, name, "", e)
			awserr.Write(w, m.Protocol, e, reqID, "")
			return
		}
	}
	ctx := context.WithValue(auth.WithRequest(r.Context(), r), callerKey, caller)
	ctx = context.WithValue(ctx, requestIDKey, reqID)
	m.Handler.ServeHTTP(w, r.WithContext(ctx))
}

// serveQuery runs one query-protocol request: read the body, verify the
// signature over it, parse the parameters, run the operation. A nil svc
// (service unknown: unsigned request) is chosen by the body's Action.
func (h *Handler) serveQuery(w http.ResponseWriter, r *http.Request, reqID string, svc *queryService) {
	body, bodyErr := readBody(r)
	p, parseErr := parseQuery(r.URL.RawQuery, body, isForm(r))
	if svc == nil {
		svc = h.query[h.serviceOfAction(p.get("Action"))]
	}
	fail := func(action string, e *awserr.Error) {
		h.logFailure(r, reqID, svc.name, action, e)
		awserr.WriteQuery(w, e, reqID, svc.namespace)
	}
	if bodyErr != nil {
		fail("", awserr.New(awserr.ValidationError, "Request body exceeds the maximum size"))
		return
	}
	opts := sigv4.Options{Service: svc.name, Window: querySkew}
	if !svc.global {
		opts.Region = h.o.Region
	}
	caller, err := h.o.Auth.Authenticate(r.Context(), r, opts)
	if err != nil {
		fail("", h.authError(err, awserr.Query))
		return
	}
	if parseErr != nil {
		fail("", awserr.As(parseErr))
		return
	}
	action := p.get("Action")
	op, e := svc.lookup(action, p.get("Version"))
	if e != nil {
		fail(action, e)
		return
	}
	c := &call{h: h, ctx: auth.WithRequest(r.Context(), r), caller: caller, p: p, action: action, svc: svc}
	result, err := op(c)
	if err != nil {
		fail(action, awserr.As(err))
		return
	}
	if err := writeResult(w, svc.namespace, action, result, reqID); err != nil {
		h.log.Error("encode response", "request_id", reqID, "action", action, "err", err)
		return
	}
	h.log.Info("request", "request_id", reqID, "service", svc.name, "action", action,
		"principal_arn", caller.ARN, "status", http.StatusOK)
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > maxQueryBody {
		// Refused unread: the signature cannot be checked without the body.
		return nil, errors.New("body too large")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxQueryBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxQueryBody {
		return nil, errors.New("body too large")
	}
	// The authenticator hashes the payload; give it the same bytes.
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// authError maps an Authenticate failure to the protocol's wording. Errors
// other than *sigv4.Error are internal failures.
func (h *Handler) authError(err error, p awserr.Protocol) *awserr.Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return awserr.FromSigV4(se, p)
	}
	h.log.Error("authenticate", "err", err)
	return awserr.As(err)
}

func (h *Handler) logFailure(r *http.Request, reqID, service, action string, e *awserr.Error) {
	h.log.Info("request failed", "request_id", reqID, "service", service, "action", action,
		"code", string(e.Code), "status", awserr.Status(e.Code), "remote", r.RemoteAddr)
}
