package query

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// MaxBody bounds a query-protocol body. CloudFormation's TemplateBody is at
// most 51,200 bytes; form encoding can triple it.
const MaxBody = 1 << 20

// Skew is the clock window IAM, STS and CloudFormation allow
// ("... (20160610T014508Z - 15 min.)", https://github.com/devsecops/bootcamp/issues/101).
const Skew = 15 * time.Minute

// ErrBodyTooLarge is the query services' answer to a body over MaxBody.
var ErrBodyTooLarge = awserr.New(awserr.ValidationError, "Request body exceeds the maximum size")

// ServeHTTP runs one query-protocol request: parse the parameters (URL
// query and form body), run the operation, write its result or error.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o := s.Options.Filled()
	caller, reqID := o.Request(r.Context())
	fail := func(action string, e *awserr.Error) {
		e, status := s.Errors.Resolve(e, o.Logger)
		o.Logger.Info("request failed", "request_id", reqID, "service", s.Name, "action", action,
			"code", string(e.Code), "status", status, "remote", r.RemoteAddr)
		s.Errors.Write(w, e, awserr.Reply{RequestID: reqID, Log: o.Logger})
	}
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil || len(b) > MaxBody {
			if err == nil || !errors.As(err, new(*awserr.Error)) {
				err = ErrBodyTooLarge
			}
			fail("", awserr.As(err))
			return
		}
		body = b
	}
	p, err := Parse(r.URL.RawQuery, body, IsForm(r))
	if err != nil {
		fail("", awserr.As(err))
		return
	}
	action := p.Get("Action")
	op, e := s.lookup(action, p.Get("Version"))
	if e != nil {
		fail(action, e)
		return
	}
	c := &Call{Ctx: r.Context(), Caller: caller, P: p, Action: action, Svc: s}
	result, err := op(c)
	if err != nil {
		fail(action, awserr.As(err))
		return
	}
	if err := WriteResult(w, s.Namespace, action, result, reqID); err != nil {
		o.Logger.Error("encode response", "request_id", reqID, "action", action, "err", err)
		return
	}
	o.Logger.Info("request", "request_id", reqID, "service", s.Name, "action", action,
		"principal_arn", caller.ARN, "status", http.StatusOK)
}

// IsForm reports whether r's body is form-encoded query parameters.
func IsForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}
