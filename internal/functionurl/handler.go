package functionurl

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// URLs finds URL configurations and the resource policies that apply;
// *functions.Service satisfies it.
type URLs interface {
	URLByID(ctx context.Context, id string) (functions.URLConfig, error)
	QualifiedPolicy(ctx context.Context, name, qualifier string) (string, error)
}

// Invoker runs the function or alias a URL names, by its ARN.
type Invoker interface {
	InvokeFunction(ctx context.Context, functionARN string, payload []byte) (out []byte, functionError string, err error)
}

var _ URLs = (*functions.Service)(nil)

// Options configures a Handler; URLs, Auth, Authz and Invoker are required.
type Options struct {
	URLs      URLs
	Auth      auth.Authenticator
	Authz     auth.Authorizer
	Invoker   Invoker
	Region    string
	AccountID string
	Now       func() time.Time
	Logger    *slog.Logger
}

// Handler serves function URL requests.
type Handler struct {
	o   Options
	log *slog.Logger
}

// New returns a Handler.
func New(o Options) *Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o, log: o.Logger.With("component", "functionurl")}
}

// PathPrefix is the local path style: /lambda-url/{urlId}/{path}.
const PathPrefix = "/lambda-url/"

var (
	urlID       = regexp.MustCompile(`^[a-z0-9]{32}$`)
	regionOnAWS = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]\.on\.aws$`)
)

// Target is a request's URL id and the path the function sees.
type Target struct {
	ID, Path string
}

// Match reports whether r is addressed to a function URL: by host
// ({urlId}.lambda-url.{region}.on.aws, {urlId}.lambda-url.localhost) or
// by the local path style.
func Match(r *http.Request) (Target, bool) {
	host := strings.ToLower(r.Host)
	if h, _, found := strings.Cut(host, ":"); found {
		host = h
	}
	if id, rest, ok := strings.Cut(host, ".lambda-url."); ok && urlID.MatchString(id) &&
		(rest == "localhost" || regionOnAWS.MatchString(rest)) {
		p := r.URL.EscapedPath()
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		return Target{ID: id, Path: p}, true
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), PathPrefix)
	if !ok {
		return Target{}, false
	}
	id, path, _ := strings.Cut(rest, "/")
	if !urlID.MatchString(id) {
		return Target{}, false
	}
	return Target{ID: id, Path: "/" + path}, true
}

// maxPayload is Lambda's 6 MB synchronous request payload limit.
const maxPayload = 6 << 20

// call is one request.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	t      Target
	url    functions.URLConfig
	caller *auth.Caller
	id     string
	start  time.Time
}

// ServeHTTP runs a function URL request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, ok := Match(r)
	c := &call{w: w, r: r, t: t, id: uuid.NewString(), start: h.o.Now()}
	w.Header().Set("x-amzn-RequestId", c.id)
	if !ok {
		forbidden(w)
		return
	}
	u, err := h.o.URLs.URLByID(r.Context(), t.ID)
	if err != nil {
		h.log.Info("no function URL", "request_id", c.id, "url_id", t.ID)
		forbidden(w)
		return
	}
	c.url = u
	if u.Cors != nil && isPreflight(r) {
		preflight(w, r, u.Cors)
		return
	}
	if !h.authenticate(c) || !h.authorize(c) {
		return
	}
	h.invoke(c)
}

// authenticate verifies an AWS_IAM URL's signature (service lambda); a
// NONE URL's caller is anonymous.
func (h *Handler) authenticate(c *call) bool {
	if c.url.AuthType != "AWS_IAM" {
		c.caller = auth.Anonymous
		return true
	}
	if sigv4.Classify(c.r).Kind == sigv4.None {
		forbidden(c.w)
		return false
	}
	if c.r.Body != nil {
		c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxPayload)
	}
	caller, err := h.o.Auth.Authenticate(c.r.Context(), c.r, sigv4.Options{Service: "lambda", Region: h.o.Region})
	var se *sigv4.Error
	switch {
	case errors.As(err, &se):
		h.log.Info("function URL signature refused", "request_id", c.id, "reason", int(se.Reason))
		awserr.WriteFunctionURLResponse(c.w, awserr.URLSignatureError, se.Message)
		return false
	case err != nil || caller == nil:
		h.log.Error("function URL authentication", "request_id", c.id, "err", err)
		awserr.WriteFunctionURLResponse(c.w, awserr.URLInternalError, "")
		return false
	}
	c.caller = caller
	return true
}

// authorize needs lambda:InvokeFunctionUrl and lambda:InvokeFunction for
// the caller on the URL's function or alias, with its resource policy.
func (h *Handler) authorize(c *call) bool {
	name, q := functions.Split(c.url.ARN)
	doc, err := h.o.URLs.QualifiedPolicy(c.r.Context(), name, q)
	if err != nil {
		h.log.Error("function URL policy", "request_id", c.id, "err", err)
		forbidden(c.w)
		return false
	}
	var policies []auth.Policy
	if doc != "" {
		policies = []auth.Policy{{Name: "resource policy of function " + c.url.ARN, Document: doc}}
	}
	for _, req := range []auth.Request{
		{Action: "lambda:InvokeFunctionUrl", Context: map[string][]string{"lambda:FunctionUrlAuthType": {c.url.AuthType}}},
		{Action: "lambda:InvokeFunction", Context: map[string][]string{"lambda:InvokedViaFunctionUrl": {"true"}}},
	} {
		req.Resource, req.ResourceAccount, req.ResourcePolicies = c.url.ARN, h.o.AccountID, policies
		d, err := h.o.Authz.Authorize(c.r.Context(), c.caller, req)
		if err != nil {
			h.log.Error("function URL authorization", "request_id", c.id, "err", err)
			forbidden(c.w)
			return false
		}
		if !d.Allowed {
			h.log.Info("function URL denied", "request_id", c.id, "principal_arn", c.caller.ARN, "action", req.Action,
				"why", d.Message+d.Because)
			forbidden(c.w)
			return false
		}
	}
	return true
}

func (h *Handler) invoke(c *call) {
	body, err := io.ReadAll(io.LimitReader(c.r.Body, maxPayload+1))
	if err != nil || len(body) > maxPayload {
		awserr.WriteFunctionURLResponse(c.w, awserr.URLRequestTooLarge, "")
		return
	}
	ev := h.event(c, body)
	out, fnErr, err := h.o.Invoker.InvokeFunction(c.r.Context(), c.url.ARN, ev)
	if err != nil || fnErr != "" {
		h.log.Warn("function URL invocation failed", "request_id", c.id, "function", c.url.ARN, "function_error", fnErr, "err", err)
		awserr.WriteFunctionURLResponse(c.w, awserr.URLFunctionError, "")
		return
	}
	resp, err := parseResponse(out)
	if err != nil {
		h.log.Warn("function URL answer", "request_id", c.id, "err", err)
		awserr.WriteFunctionURLResponse(c.w, awserr.URLFunctionError, "")
		return
	}
	writeResponse(c.w, c.r, resp, c.url.Cors)
}

func forbidden(w http.ResponseWriter) {
	awserr.WriteFunctionURLResponse(w, awserr.URLForbidden, "")
}
