package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
)

// Execution logs
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html,
// https://repost.aws/knowledge-center/api-gateway-logs): when a REST
// stage's method settings ask (LoggingLevel INFO or ERROR, "*/*" or the
// method's own entry), API Gateway writes each request's steps to the log
// group API-Gateway-Execution-Logs_{restApiId}/{stageName}, one event per
// line, each line led by the request id in parentheses. INFO writes every
// step, ERROR only the failures; DataTraceEnabled adds the request's path,
// query string and headers and the method response's headers.

// ExecutionLogGroup is the log group of a stage's execution logs.
func ExecutionLogGroup(apiID, stage string) string {
	return "API-Gateway-Execution-Logs_" + apiID + "/" + stage
}

// logSettings is the method's LoggingLevel and DataTraceEnabled, its own
// entry first, else the stage's "*/*".
func logSettings(st apigw.Stage, resourcePath, method string) (level string, dataTrace bool) {
	if len(st.MethodSettings) == 0 {
		return "", false // the usual stage: no key to build per request
	}
	for _, key := range []string{apigw.MethodSettingsKey(resourcePath, method), apigw.AllMethods} {
		if ms, ok := st.MethodSettings[key]; ok && ms.LoggingLevel != "" {
			return ms.LoggingLevel, ms.DataTraceEnabled
		}
	}
	return "", false
}

func (g *Gateway) executionLog(c *call) {
	if g.o.AccessLogs == nil || c.snap == nil || c.res == nil || c.method == nil || c.dryRun {
		return
	}
	level, data := logSettings(c.snap.Stage, c.res.Path, c.method.HTTPMethod)
	if level != "INFO" && level != "ERROR" {
		return
	}
	lines := executionLines(c, g.o.Region, level == "INFO", data)
	if len(lines) == 0 {
		return
	}
	group := ExecutionLogGroup(c.tgt.APIID, c.tgt.Stage)
	sum := sha256.Sum256([]byte(group))
	stream := hex.EncodeToString(sum[:16])
	ctx := context.WithoutCancel(c.r.Context())
	for _, l := range lines {
		if err := g.o.AccessLogs.PutAccessLog(ctx, group, stream, c.start, "("+c.requestID+") "+l); err != nil {
			g.log.Warn("execution log not written", "request_id", c.requestID, "group", group, "err", err)
			return
		}
	}
}

// executionLines are the request's log lines without their request id.
func executionLines(c *call, region string, info, data bool) []string {
	var out []string
	add := func(s string) { out = append(out, s) }
	failed := failureLines(c)
	if !info {
		if len(failed) == 0 && c.status < 500 {
			return nil
		}
		out = append(out, failed...)
		add("Method completed with status: " + strconv.Itoa(c.status))
		return out
	}
	add("Extended Request Id: " + c.apigwID)
	if a := c.trace.Authorizer; a != nil {
		add("Starting authorizer: " + a.ID + " for request: " + c.requestID)
		switch a.Outcome {
		case "Allow":
			add("Successfully completed authorizer execution")
		case "Unauthorized":
			add("Unauthorized request: " + c.requestID)
		}
	}
	add("Starting execution for request: " + c.requestID)
	add("HTTP Method: " + c.r.Method + ", Resource Path: " + c.tgt.Path)
	if data {
		add("Method request path: " + javaMap(c.params))
		add("Method request query string: " + javaMap(firstValues(c.r.URL.Query())))
		add("Method request headers: " + javaMap(maskedHeaders(c.r.Header)))
	}
	if c.trace.Invoked {
		if ep := endpointOf(c.method.Integration, region); ep != "" {
			add("Sending request to " + ep)
		}
	}
	out = append(out, failed...)
	if data {
		add("Method response headers: " + javaMap(firstValues(c.w.Header())))
	}
	if len(failed) == 0 && c.status < 500 {
		add("Successfully completed execution")
	}
	add("Method completed with status: " + strconv.Itoa(c.status))
	return out
}

// failureLines are the integration's "Execution failed ..." steps.
func failureLines(c *call) []string {
	var out []string
	for _, s := range c.trace.Integration {
		if strings.HasPrefix(s, "Execution failed") || strings.HasPrefix(s, "Lambda execution failed") {
			out = append(out, s)
		}
	}
	return out
}

// endpointOf is the URL API Gateway calls for an integration: Lambda's
// Invoke URL for arn:aws:apigateway:{region}:lambda:path/... URIs, the URI
// itself for HTTP ones; "" for MOCK.
func endpointOf(in *apigw.Integration, region string) string {
	if in == nil || in.Type == "MOCK" {
		return ""
	}
	if _, path, ok := strings.Cut(in.URI, ":lambda:path/"); ok {
		return "https://lambda." + region + ".amazonaws.com/" + path
	}
	if strings.HasPrefix(in.URI, "http://") || strings.HasPrefix(in.URI, "https://") {
		return redactURL(in.URI)
	}
	return ""
}

// javaMap renders a map as API Gateway's logs do, {k1=v1, k2=v2}, keys
// sorted so a stage's lines compare.
func javaMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + m[k])
	}
	b.WriteByte('}')
	return b.String()
}

func firstValues(h map[string][]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		if len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}

// secretHeaders are masked in data traces, as API Gateway masks the
// Authorization and API key values (all but their last characters).
var secretHeaders = map[string]bool{"Authorization": true, "X-Api-Key": true, "X-Amz-Security-Token": true, "Cookie": true}

func maskedHeaders(h http.Header) map[string]string {
	out := firstValues(h)
	for k, v := range out {
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			out[k] = mask(v)
		}
	}
	return out
}

// mask keeps the last 6 characters of a long secret, none of a short one.
func mask(v string) string {
	if len(v) <= 12 {
		return strings.Repeat("*", len(v))
	}
	return strings.Repeat("*", len(v)-6) + v[len(v)-6:]
}

// errorMessage is the errorMessage of a function error's payload.
func errorMessage(out []byte) string {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
	}
	_ = json.Unmarshal(out, &e)
	return e.ErrorMessage
}
