package jsonproto

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
)

// Endpoint is one JSON-protocol service's wire settings.
type Endpoint struct {
	// Name is the service as its error log line names it ("logs").
	Name string
	// TargetPrefix starts every X-Amz-Target ("Logs_20140328.").
	TargetPrefix string
	// ContentType of answers and errors ("application/x-amz-json-1.1").
	ContentType string
	// MaxBody is the largest body read; TooLarge is the error for a body
	// of n bytes over it (n counts only to the first byte over).
	MaxBody  int
	TooLarge func(n int) error
	// Errors is the service's awserr table, the one source of its statuses.
	Errors *awserr.Service
	Log    *slog.Logger
}

// Op runs one operation on the request's body.
type Op func(body []byte) (any, error)

// Serve answers one request: find gets the Op the X-Amz-Target names (nil
// when there is none, or an error of the service's own, such as a missing
// signature, which is answered before the body is read), then the body is
// read and the Op run. principalARN is logged with each line.
func (e *Endpoint) Serve(w http.ResponseWriter, r *http.Request, reqID, principalARN string, find func(name string) (Op, error)) {
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), e.TargetPrefix)
	var op Op
	var err error
	if ok && r.Method == http.MethodPost {
		op, err = find(name)
	}
	if op == nil && err == nil {
		err = awserr.New(awserr.UnknownOperationException, "")
	}
	if err == nil {
		var body []byte
		if body, err = e.readBody(r); err == nil {
			var out any
			if out, err = op(body); err == nil {
				e.write(w, reqID, out)
				e.Log.Info("request", "request_id", reqID, "operation", name, "principal_arn", principalARN)
				return
			}
		}
	}
	ae := mount.LogFailure(e.Log, e.Name, reqID, name, principalARN, err)
	e.Errors.Write(w, ae, awserr.Reply{RequestID: reqID, ContentType: e.ContentType, Log: e.Log})
}

func (e *Endpoint) readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(e.MaxBody)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > e.MaxBody {
		return nil, e.TooLarge(len(b))
	}
	return b, nil
}

func (e *Endpoint) write(w http.ResponseWriter, reqID string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("{}")
	}
	controlplane.Reply(w, http.StatusOK, reqID, e.ContentType, b)
}
