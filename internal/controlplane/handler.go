package controlplane

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Options configures a Handler. Auth is required.
type Options struct {
	Auth auth.Authenticator
	// Region is the server's region: signatures of regional services must
	// be scoped to it. Global ones (IAM, STS) accept any region, because
	// clients pointed at a custom endpoint sign them with their own.
	Region    string
	AccountID string
	Now       func() time.Time
	Logger    *slog.Logger
	// NewRequestID returns the x-amzn-RequestId of a request; nil uses random UUIDs.
	NewRequestID func() string
	// Services mounts the services by signing name ("iam", "sts",
	// "cloudformation", "s3", "lambda", "logs", "apigateway"). The Handler
	// verifies the signature and writes authentication errors in the
	// mount's protocol; the mounted handler authorizes and answers, reading
	// mount.CallerFrom(r.Context()).
	Services map[string]Mount
}

// Mount is a service served by another package's handler.
//
// Its protocol and error statuses are those of the awserr.Service of its
// signing name (awserr.ServiceNamed).
type Mount struct {
	Handler http.Handler
	// S3 selects S3's signature rules (sigv4.Options.S3).
	S3 bool
	// Anonymous lets unsigned requests through with auth.Anonymous as the
	// caller (S3 public reads); otherwise they get MissingAuthenticationToken.
	Anonymous bool
	// Global services accept any region in the credential scope.
	Global bool
	// Window is the clock skew the service allows (0: sigv4's default).
	Window time.Duration
	// Actions reports whether a query-protocol service has an operation,
	// to route an unsigned request by its Action.
	Actions func(action string) bool
	// Limit returns the largest body the service takes for a request and
	// its answer past it; nil (or a zero Err) is 10 MiB with a 413.
	Limit func(*http.Request) BodyLimit
}

// QueryMount mounts a query-protocol service (iamapi, stsapi, cfnapi): the
// 1 MiB body cap and ValidationError past it, the 15-minute clock window,
// errors in the service's namespace.
func QueryMount(svc *query.Service) Mount {
	return Mount{Handler: svc, Global: svc.Global, Window: query.Skew,
		Actions: svc.Has, Limit: func(*http.Request) BodyLimit { return BodyLimit{Max: query.MaxBody, Err: query.ErrBodyTooLarge} }}
}

// Handler serves the AWS control plane. It is an http.Handler.
type Handler struct {
	o   Options
	log *slog.Logger
}

// New returns a Handler serving o.Services.
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
	for name := range o.Services {
		if awserr.ServiceNamed(name) == nil {
			o.Logger.Error("mounted service has no error table in awserr; its errors will be answered as internal errors", "service", name)
		}
	}
	return &Handler{o: o, log: o.Logger} // the caller names the component
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
	if !signed || h.o.Services[name].Handler == nil {
		name = h.guessService(r)
	}
	m, ok := h.o.Services[name]
	if !ok || m.Handler == nil {
		m, name = h.o.Services["iam"], "iam"
	}
	if m.Handler == nil {
		e := awserr.New(awserr.InvalidAction, "Could not find a service for this request")
		h.fail(w, r, reqID, awserr.IAM, e)
		return
	}
	h.serveMount(w, r, reqID, m, name)
}

func (h *Handler) serveMount(w http.ResponseWriter, r *http.Request, reqID string, m Mount, name string) {
	errs := errorsOf(name)
	opts := sigv4.Options{Service: name, Region: h.o.Region, S3: m.S3, Window: m.Window}
	if m.Global {
		opts.Region = ""
	}
	// Cap the body before the authenticator reads it to hash the payload.
	if tl := capBody(r, limitFor(m, r)); tl != nil {
		h.writeTooLarge(w, r, reqID, errs, tl)
		return
	}
	var body []byte
	if errs.Protocol == awserr.Query && r.Body != nil {
		// A query body is small and needed twice, by the authenticator
		// (payload hash) and the service (parameters): keep it.
		b, err := io.ReadAll(r.Body)
		if err != nil {
			var tl *BodyTooLarge
			if !errors.As(err, &tl) {
				tl = &BodyTooLarge{Limit: limitFor(m, r)}
			}
			h.writeTooLarge(w, r, reqID, errs, tl)
			return
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	caller, err := h.o.Auth.Authenticate(r.Context(), r, opts)
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if err != nil {
		var se *sigv4.Error
		var tl *BodyTooLarge
		if errors.As(err, &tl) {
			h.writeTooLarge(w, r, reqID, errs, tl)
			return
		}
		if m.Anonymous && errors.As(err, &se) && se.Reason == sigv4.MissingAuthentication {
			caller, err = auth.Anonymous, nil
		} else {
			h.fail(w, r, reqID, errs, h.authError(err, errs.Protocol))
			return
		}
	}
	if name == "iam" && userSession(caller) {
		h.fail(w, r, reqID, errs, awserr.New(awserr.InvalidClientTokenID, "The security token included in the request is invalid."))
		return
	}
	ctx := mount.With(auth.WithRequest(r.Context(), r), caller, reqID)
	m.Handler.ServeHTTP(w, r.WithContext(ctx))
}

// userSession reports whether caller signed with GetSessionToken
// credentials (a user's or the root's session, not a role's). Without MFA,
// which iamgate never records, they may not call IAM at all
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html:
// "You cannot call any IAM API operations unless MFA authentication
// information is included in the request"); IAM then answers as for a key
// it does not know.
func userSession(c *auth.Caller) bool {
	return c.SessionToken != "" && (c.Type == iam.TypeUser || c.Type == iam.TypeRoot)
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

// fail logs and writes e as errs's service answers it.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, reqID string, errs *awserr.Service, e *awserr.Error) {
	e, status := errs.Resolve(e, h.log)
	h.log.Info("request failed", "request_id", reqID, "service", errs.Name, "action", "",
		"code", string(e.Code), "status", status, "remote", r.RemoteAddr)
	errs.Write(w, e, awserr.Reply{RequestID: reqID, Log: h.log})
}

// errorsOf is the error table of the service mounted as name. Every
// service iamgate mounts has one (awserr.Services, tested); a mount under
// another name answers as an unserved service would, in REST JSON.
func errorsOf(name string) *awserr.Service {
	if s := awserr.ServiceNamed(name); s != nil {
		return s
	}
	return awserr.Unserved(name, awserr.RESTJSON)
}
