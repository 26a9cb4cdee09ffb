package logsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/jsonproto"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/logs"
)

// Logs is what the handler needs from package logs; *logs.Service satisfies it.
type Logs interface {
	CreateLogGroup(ctx context.Context, name string, retentionDays int) error
	DeleteLogGroup(ctx context.Context, name string) error
	DescribeLogGroups(ctx context.Context, prefix string) ([]logs.Group, error)
	CreateLogStream(ctx context.Context, group, name string) error
	DescribeLogStreams(ctx context.Context, group, prefix string, byTime bool) ([]logs.Stream, error)
	PutLogEvents(ctx context.Context, group, stream string, events []logs.Event) error
	GetLogEvents(ctx context.Context, group, stream string, after int64, limit int) ([]logs.Event, error)
	FilterLogEvents(ctx context.Context, group string, f logs.Filter) ([]logs.Event, error)
	PutRetentionPolicy(ctx context.Context, name string, days int) error
}

var _ Logs = (*logs.Service)(nil)

// Options configures a Handler. Logs and Authz are required.
type Options struct {
	Logs  Logs
	Authz auth.Authorizer
	// Region, AccountID, Logger, Caller and RequestID, defaulted alike
	// for every mounted service.
	mount.Options
}

// Handler serves CloudWatch Logs. Mount it in controlplane.Options.Services["logs"].
type Handler struct {
	o   Options
	log *slog.Logger
	ep  *jsonproto.Endpoint
}

// New returns a Handler.
func New(o Options) *Handler {
	o.Options = o.Options.Filled()
	log := o.Logger.With("component", "logsapi")
	return &Handler{o: o, log: log, ep: &jsonproto.Endpoint{Name: "logs", TargetPrefix: targetPrefix, ContentType: contentType,
		MaxBody: maxBody, Errors: awserr.Logs, Log: log,
		TooLarge: func(n int) error {
			return awserr.New(InvalidParameter, "Upload too large: %d bytes exceeds limit of %d", n, maxBody)
		}}}
}

const (
	targetPrefix = "Logs_20140328."
	contentType  = "application/x-amz-json-1.1"
	maxBody      = 1 << 20 // PutLogEvents' batch limit is 1,048,576 bytes
)

type call struct {
	h      *Handler
	ctx    context.Context
	caller *auth.Caller
}

type operation func(c *call, body []byte) (any, error)

var ops = map[string]operation{
	"CreateLogGroup":        (*call).createLogGroup,
	"DeleteLogGroup":        (*call).deleteLogGroup,
	"DescribeLogGroups":     (*call).describeLogGroups,
	"CreateLogStream":       (*call).createLogStream,
	"DescribeLogStreams":    (*call).describeLogStreams,
	"PutLogEvents":          (*call).putLogEvents,
	"GetLogEvents":          (*call).getLogEvents,
	"FilterLogEvents":       (*call).filterLogEvents,
	"PutRetentionPolicy":    (*call).putRetentionPolicy,
	"DeleteRetentionPolicy": (*call).deleteRetentionPolicy,
}

// ServeHTTP decodes X-Amz-Target and runs the operation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller, reqID := h.o.Request(r.Context())
	h.ep.Serve(w, r, reqID, caller.ARN, func(name string) (jsonproto.Op, error) {
		op := ops[name]
		if op == nil {
			return nil, nil
		}
		c := &call{h: h, ctx: r.Context(), caller: caller}
		return func(body []byte) (any, error) { return op(c, body) }, nil
	})
}

// BodyLimit is the mount's controlplane.Mount.Limit: PutLogEvents' batch
// limit, 1,048,576 bytes, answered as CloudWatch Logs does ("Upload too
// large: 1049882 bytes exceeds limit of 1048576", InvalidParameterException,
// 400). A chunked body declares no length: the count is then the first byte
// over the limit.
func BodyLimit(r *http.Request) controlplane.BodyLimit {
	n := r.ContentLength
	if n <= maxBody {
		n = maxBody + 1
	}
	return controlplane.BodyLimit{Max: maxBody,
		Err: awserr.New(InvalidParameter, "Upload too large: %d bytes exceeds limit of %d", n, maxBody)}
}

// decode reads an operation's input. An empty body is the empty object; a
// body that is not a JSON object of the right shape is SerializationException,
// as the JSON protocol answers.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return awserr.New(awserr.SerializationException, "")
	}
	return nil
}

// resource is the ARN CloudWatch Logs authorizes and names in denials:
// "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:"
// for group operations, with the stream name for stream operations.
func (c *call) resource(group, stream string) string {
	return arn.LogStream(c.h.o.Region, c.h.o.AccountID, group, stream)
}

func (c *call) authorize(action, resource string) error {
	return mount.Authorize(c.ctx, c.h.o.Authz, c.caller, auth.Request{Action: action, Resource: resource}, awserr.AccessDeniedException)
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
