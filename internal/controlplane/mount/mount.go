package mount

import (
	"context"
	"log/slog"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Options are the options every mounted service handler (s3api,
// lambdaapi, logsapi, apigwapi, and the query services) shares. Those
// packages embed them in their own Options and pass them through Filled, so
// that all of them default alike.
type Options struct {
	Region    string
	AccountID string
	Logger    *slog.Logger
	// Caller and RequestID read what the dispatcher put in the request
	// context (CallerFrom and RequestIDFrom when nil); tests replace them.
	Caller    func(context.Context) *auth.Caller
	RequestID func(context.Context) string
}

// Filled returns d with its zero fields set: us-east-1, account
// 000000000000, a discarding logger, CallerFrom and RequestIDFrom.
func (d Options) Filled() Options {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Region == "" {
		d.Region = "us-east-1"
	}
	if d.AccountID == "" {
		d.AccountID = "000000000000"
	}
	if d.Caller == nil {
		d.Caller = CallerFrom
	}
	if d.RequestID == nil {
		d.RequestID = RequestIDFrom
	}
	return d
}

// Request returns the caller of the request with context ctx (auth.Anonymous
// when the dispatcher let it through unsigned) and its x-amzn-RequestId.
func (d Options) Request(ctx context.Context) (*auth.Caller, string) {
	caller := d.Caller(ctx)
	if caller == nil {
		caller = auth.Anonymous
	}
	return caller, d.RequestID(ctx)
}

// Authorize asks authz whether caller may make req. A denial is an error
// with code denied (AccessDenied for the query protocol, else
// AccessDeniedException) and AWS's message: the authorizer's own, else "User:
// ARN is not authorized to perform: ACTION on resource: RESOURCE", followed
// by the reason (" because no identity-based policy allows the ACTION action").
func Authorize(ctx context.Context, authz auth.Authorizer, caller *auth.Caller, req auth.Request, denied awserr.Code) error {
	d, err := authz.Authorize(ctx, caller, req)
	if err != nil {
		return err
	}
	if d.Allowed {
		return nil
	}
	msg := d.Message
	if msg == "" {
		msg = "User: " + caller.ARN + " is not authorized to perform: " + req.Action + " on resource: " + req.Resource
	}
	return &awserr.Error{Code: denied, Message: msg + d.Because}
}

type ctxKey int

const (
	callerKey ctxKey = iota
	requestIDKey
)

// With returns ctx carrying the verified caller and the x-amzn-RequestId of
// a request, as the dispatcher passes them to a mounted service.
func With(ctx context.Context, caller *auth.Caller, requestID string) context.Context {
	ctx = context.WithValue(ctx, callerKey, caller)
	return context.WithValue(ctx, requestIDKey, requestID)
}

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

// LogFailure logs a failed request as the JSON and REST-JSON services do:
// an Info line with its AWS error code, then, for an internal failure, an
// Error line with the cause (service names it: "apigateway operation").
// It returns the error in its AWS form, for the service's awserr table to
// write.
func LogFailure(log *slog.Logger, service, reqID, op, principalARN string, err error) *awserr.Error {
	e := awserr.As(err)
	log.Info("request failed", "request_id", reqID, "operation", op, "code", string(e.Code), "principal_arn", principalARN)
	if e.Code == awserr.InternalFailure {
		log.Error(service+" operation", "request_id", reqID, "operation", op, "err", err)
	}
	return e
}
