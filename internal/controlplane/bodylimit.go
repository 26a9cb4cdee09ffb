package controlplane

import (
	"io"
	"net/http"

	"github.com/iamgate/iamgate/internal/awserr"
)

// BodyLimit is the largest request body a service accepts for one request
// and what it answers past it. The dispatcher enforces it before anything
// reads the body, so that an unauthenticated client cannot make the server
// buffer more than the service's own limit while the signature is checked.
type BodyLimit struct {
	Max int64
	// Err is the service's answer past Max, e.g. Lambda's 413
	// RequestEntityTooLargeException; its status is the service's error
	// table's.
	Err *awserr.Error
}

// defaultMountBody bounds mounts that name no limit (API Gateway's control
// plane): its largest input is an imported OpenAPI definition, at most 6 MB
// ("API definition file size", Amazon API Gateway quotas); 10 MiB leaves
// room for the JSON around it. Past it the answer is API Gateway's own 413
// text for a body over its quota ("Request Too Long", the REQUEST_TOO_LARGE
// gateway response).
const defaultMountBody = 10 << 20

// BodyTooLarge is the error a capped body's Read returns once the client
// has sent more than the limit. It unwraps to the service's *awserr.Error,
// so a mounted handler that returns its read error answers the service's
// code (awserr.As).
type BodyTooLarge struct{ Limit BodyLimit }

func (e *BodyTooLarge) Error() string { return "request body too large: " + e.Limit.Err.Message }
func (e *BodyTooLarge) Unwrap() error { return e.Limit.Err }

// limitFor returns m's limit for r, filling in the default.
func limitFor(m Mount, r *http.Request) BodyLimit {
	if m.Limit != nil {
		if l := m.Limit(r); l.Err != nil {
			return l
		}
	}
	return BodyLimit{Max: defaultMountBody,
		Err: awserr.New("RequestEntityTooLargeException", "%s", awserr.APIGWRequestTooLongMessage)}
}

// capBody refuses a declared Content-Length over l.Max at once (nil, the
// error), and otherwise wraps r.Body so that reading past l.Max fails with
// *BodyTooLarge (chunked bodies declare no length).
func capBody(r *http.Request, l BodyLimit) *BodyTooLarge {
	if r.ContentLength > l.Max {
		return &BodyTooLarge{Limit: l}
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &cappedBody{rc: r.Body, left: l.Max, tooLarge: &BodyTooLarge{Limit: l}}
	}
	return nil
}

// cappedBody is http.MaxBytesReader with a typed, service-shaped error.
type cappedBody struct {
	rc       io.ReadCloser
	left     int64
	tooLarge *BodyTooLarge
	err      error
}

func (c *cappedBody) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Ask for one byte more than is left, to tell "exactly the limit" from
	// "over it".
	if int64(len(p))-1 > c.left {
		p = p[:c.left+1]
	}
	n, err := c.rc.Read(p)
	if int64(n) <= c.left {
		c.left -= int64(n)
		c.err = err
		return n, err
	}
	n = int(c.left)
	c.left = 0
	c.err = c.tooLarge
	return n, c.err
}

func (c *cappedBody) Close() error { return c.rc.Close() }

// writeTooLarge answers e as the service does.
func (h *Handler) writeTooLarge(w http.ResponseWriter, r *http.Request, reqID string, errs *awserr.Service, e *BodyTooLarge) {
	// The rest of the body is not wanted: close rather than drain it.
	w.Header().Set("Connection", "close")
	h.fail(w, r, reqID, errs, e.Limit.Err)
}
