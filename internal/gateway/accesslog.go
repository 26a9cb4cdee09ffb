package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/vtl"
)

// AccessLogs receives a stage's access log lines; the server writes them
// to CloudWatch Logs.
type AccessLogs interface {
	PutAccessLog(ctx context.Context, group, stream string, at time.Time, line string) error
}

// contextVar matches the $context variables of an access log format
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html).
var contextVar = regexp.MustCompile(`\$context\.[A-Za-z0-9_.]*[A-Za-z0-9_]`)

// stageAccessLog writes the request's line to the stage's access log
// group when AccessLogSettings name one: the format with each $context
// variable substituted, "-" for a value the request has none of, as API
// Gateway writes them.
func (g *Gateway) stageAccessLog(c *call) {
	if g.o.AccessLogs == nil || c.snap == nil || c.snap.Stage.AccessLogSettings == nil {
		return
	}
	al := c.snap.Stage.AccessLogSettings
	group, ok := logGroupName(al.DestinationARN)
	if !ok || al.Format == "" {
		return
	}
	line := formatAccessLog(al.Format, g.accessContext(c))
	// One stream per API stage: API Gateway names its streams with hex
	// digests; this one is stable, so a stage's lines stay together.
	sum := sha256.Sum256([]byte(c.tgt.APIID + "/" + c.tgt.Stage))
	stream := hex.EncodeToString(sum[:16])
	if err := g.o.AccessLogs.PutAccessLog(context.WithoutCancel(c.r.Context()), group, stream, c.start, line); err != nil {
		g.log.Warn("access log not written", "request_id", c.requestID, "group", group, "err", err)
	}
}

// logGroupName reads arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*].
func logGroupName(arn string) (string, bool) {
	_, rest, ok := strings.Cut(arn, ":log-group:")
	if !ok || !strings.HasPrefix(arn, "arn:") {
		return "", false
	}
	rest = strings.TrimSuffix(rest, ":*")
	return rest, rest != ""
}

func formatAccessLog(format string, ctx *vtl.Map) string {
	return contextVar.ReplaceAllStringFunc(format, func(v string) string {
		val, ok := lookupPath(ctx, strings.TrimPrefix(v, "$context."))
		if !ok || val == nil {
			return "-"
		}
		s := vtl.String(val)
		if s == "" {
			return "-"
		}
		return s
	})
}

// accessContext is the $context of an access log line: the request's,
// with its outcome.
func (g *Gateway) accessContext(c *call) *vtl.Map {
	ctx := g.errorContext(c, c.failure, c.failMessage)
	if c.failure == 0 {
		ctx.Put("error", vtl.NewMap()) // the error fields only for API Gateway's own answers
	}
	ctx.Put("status", strconv.Itoa(c.status))
	ctx.Put("responseLatency", strconv.FormatInt(g.o.Now().Sub(c.start).Milliseconds(), 10))
	return ctx
}
