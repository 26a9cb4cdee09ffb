package gateway

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/vtl"
)

// customResponse shapes resp as the deployed API customized it: its own
// type's gateway response, else DEFAULT_4XX / DEFAULT_5XX for its class,
// as https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html
// describes. ok is false when the API keeps API Gateway's default.
func (g *Gateway) customResponse(c *call, resp awserr.GatewayResponse, message string) (awserr.CustomResponse, bool) {
	if c.snap == nil || len(c.snap.GatewayResponses) == 0 {
		return awserr.CustomResponse{}, false
	}
	gr, ok := c.snap.GatewayResponses[resp.Type()]
	if !ok {
		gr, ok = c.snap.GatewayResponses[resp.DefaultType()]
	}
	if !ok {
		return awserr.CustomResponse{}, false
	}
	out := awserr.CustomResponse{Status: resp.Status()}
	// A DEFAULT_4XX/5XX status applies only through its own type: a
	// DEFAULT_4XX with statusCode 400 does not turn a 403 into a 400.
	if n, err := strconv.Atoi(gr.StatusCode); err == nil && gr.ResponseType == resp.Type() {
		out.Status = n
	}
	out.Headers = g.responseHeaders(c, resp, message, gr.ResponseParameters)
	ct, tmpl, hasTemplate := pickTemplate(gr.ResponseTemplates, c.r.Header.Get("Accept"))
	if !hasTemplate {
		// No template of its own: the default body, with the customized
		// status and headers.
		var rec bodyRecorder
		awserr.WriteGatewayResponse(&rec, resp, message)
		out.ContentType, out.Body = "application/json", rec.body
		return out, true
	}
	out.ContentType = ct
	out.Body = []byte(g.renderErrorTemplate(c, resp, message, tmpl))
	return out, true
}

// pickTemplate chooses the template for the Accept header's first media
// type when there is one, else application/json, else the first by name.
func pickTemplate(ts map[string]string, accept string) (ct, tmpl string, ok bool) {
	if len(ts) == 0 {
		return "", "", false
	}
	if a, _, _ := strings.Cut(accept, ","); a != "" {
		a = strings.TrimSpace(strings.Split(a, ";")[0])
		if t, ok := ts[a]; ok {
			return a, t, true
		}
	}
	if t, ok := ts["application/json"]; ok {
		return "application/json", t, true
	}
	k := slices.Sorted(maps.Keys(ts))[0]
	return k, ts[k], true
}

// responseHeaders evaluates gatewayresponse.header.NAME mappings: a
// 'quoted' literal, or a method request parameter, stage variable or
// context value.
func (g *Gateway) responseHeaders(c *call, resp awserr.GatewayResponse, message string, params map[string]string) map[string]string {
	if len(params) == 0 {
		return nil
	}
	out := make(map[string]string, len(params))
	for k, expr := range params {
		name := strings.TrimPrefix(k, "gatewayresponse.header.")
		if v, ok := g.mappingValue(c, resp, message, expr); ok {
			out[name] = v
		}
	}
	return out
}

// mappingValue evaluates one parameter mapping expression; ok is false
// for a value that is absent (the header is then not sent).
func (g *Gateway) mappingValue(c *call, resp awserr.GatewayResponse, message, expr string) (string, bool) {
	if len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' {
		return expr[1 : len(expr)-1], true
	}
	switch {
	case strings.HasPrefix(expr, "method.request.header."):
		v := c.r.Header.Get(strings.TrimPrefix(expr, "method.request.header."))
		return v, v != ""
	case strings.HasPrefix(expr, "method.request.querystring."):
		v := c.r.URL.Query().Get(strings.TrimPrefix(expr, "method.request.querystring."))
		return v, v != ""
	case strings.HasPrefix(expr, "method.request.path."):
		v := c.params[strings.TrimPrefix(expr, "method.request.path.")]
		return v, v != ""
	case strings.HasPrefix(expr, "stageVariables."):
		v := c.snap.Stage.Variables[strings.TrimPrefix(expr, "stageVariables.")]
		return v, v != ""
	case strings.HasPrefix(expr, "context."):
		v, ok := lookupPath(g.errorContext(c, resp, message), strings.TrimPrefix(expr, "context."))
		s, isString := v.(string)
		return s, ok && isString && s != ""
	}
	return "", false
}

// renderErrorTemplate runs a gateway response template with $context
// (error.message, error.messageString, error.responseType, request ids,
// identity) and $stageVariables. A template that fails renders what it
// wrote up to the failure, which is logged.
func (g *Gateway) renderErrorTemplate(c *call, resp awserr.GatewayResponse, message, src string) string {
	t, err := vtl.Parse(resp.Type(), src)
	if err != nil {
		g.log.Warn("gateway response template does not parse", "request_id", c.requestID, "type", resp.Type(), "err", err)
		return ""
	}
	vars := map[string]any{"context": g.errorContext(c, resp, message), "stageVariables": stageVarsMap(c.snap)}
	out, err := t.Execute(vars, vtl.Options{Silent: true, MaxOutput: 1 << 20})
	if err != nil {
		g.log.Warn("gateway response template failed", "request_id", c.requestID, "type", resp.Type(), "err", err)
	}
	return out
}

// errorContext is the $context of a gateway response.
func (g *Gateway) errorContext(c *call, resp awserr.GatewayResponse, message string) *vtl.Map {
	msg := resp.Message(message)
	e := vtl.NewMap()
	e.Put("message", msg)
	e.Put("messageString", string(awserr.JSONString(msg)))
	e.Put("responseType", resp.Type())
	e.Put("validationErrorString", c.validationError)
	id := vtl.NewMap()
	id.Put("sourceIp", sourceIP(c.r))
	id.Put("userAgent", c.r.UserAgent())
	if c.caller != nil && c.caller.Type != "Anonymous" {
		id.Put("accountId", c.caller.AccountID)
		id.Put("caller", c.caller.UserID)
		id.Put("user", c.caller.UserID)
		id.Put("userArn", c.caller.ARN)
		id.Put("accessKey", c.caller.AccessKeyID)
	}
	ctx := vtl.NewMap()
	ctx.Put("error", e)
	ctx.Put("identity", id)
	ctx.Put("requestId", c.requestID)
	ctx.Put("extendedRequestId", c.apigwID)
	ctx.Put("apiId", c.tgt.APIID)
	ctx.Put("stage", c.tgt.Stage)
	ctx.Put("accountId", g.o.AccountID)
	ctx.Put("httpMethod", c.r.Method)
	ctx.Put("domainName", c.r.Host)
	ctx.Put("protocol", c.r.Proto)
	if c.res != nil {
		ctx.Put("resourcePath", c.res.Path)
		ctx.Put("resourceId", c.res.ID)
	}
	ctx.Put("path", "/"+c.tgt.Stage+c.tgt.Path)
	ctx.Put("requestTime", c.start.UTC().Format("02/Jan/2006:15:04:05 -0700"))
	ctx.Put("requestTimeEpoch", c.start.UnixMilli())
	return ctx
}

func stageVarsMap(s *apigw.Snapshot) *vtl.Map {
	m := vtl.NewMap()
	if s == nil {
		return m
	}
	for _, k := range slices.Sorted(maps.Keys(s.Stage.Variables)) {
		m.Put(k, s.Stage.Variables[k])
	}
	return m
}

// bodyRecorder captures what WriteGatewayResponse writes, to reuse its
// default body under a customized status and headers.
type bodyRecorder struct {
	h    http.Header
	body []byte
}

func (b *bodyRecorder) Header() http.Header {
	if b.h == nil {
		b.h = http.Header{}
	}
	return b.h
}
func (b *bodyRecorder) Write(p []byte) (int, error) {
	b.body = append(b.body, p...)
	return len(p), nil
}
func (b *bodyRecorder) WriteHeader(int) {}

// lookupPath reads a dotted path ("error.message") from nested maps.
func lookupPath(m *vtl.Map, path string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		mm, ok := cur.(*vtl.Map)
		if !ok {
			return nil, false
		}
		if cur, ok = mm.Get(part); !ok {
			return nil, false
		}
	}
	return cur, true
}
