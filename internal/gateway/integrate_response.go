package gateway

import (
	"encoding/base64"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/mapping"
)

// integrationOutput is what a non-proxy integration answered.
type integrationOutput struct {
	// selector is what selection patterns match: a Lambda error message,
	// an HTTP or MOCK status code.
	selector string
	// useDefault: only the default response applies (a Lambda function
	// that did not fail).
	useDefault bool
	body       []byte
	header     http.Header
	// contentType of a passed-through body when no template applies.
	contentType string
}

// selectResponse picks the integration response whose selection pattern
// matches, else the default one (no pattern). Patterns are tried in
// status code order, so the choice is stable.
func selectResponse(in *apigw.Integration, out *integrationOutput) (*apigw.IntegrationResponse, bool) {
	var def *apigw.IntegrationResponse
	for _, code := range slices.Sorted(maps.Keys(in.IntegrationResponses)) {
		ir := in.IntegrationResponses[code]
		if ir.SelectionPattern == "" {
			if def == nil {
				def = &ir
			}
			continue
		}
		if out.useDefault {
			continue
		}
		re, err := apigw.CompileSelectionPattern(ir.SelectionPattern)
		if err == nil && re.MatchString(out.selector) {
			return &ir, true
		}
	}
	return def, def != nil
}

// respond maps an integration's answer to the method response: status,
// response parameters, response template (chosen by Accept), overrides,
// content handling. No matching response is API Gateway's 500
// ("No match for output mapping and no default output mapping configured").
func (g *Gateway) respond(c *call, in *apigw.Integration, mreq *mapping.Request, out *integrationOutput) {
	ir, ok := selectResponse(in, out)
	if !ok {
		g.log.Warn("no integration response matches and none is the default", "request_id", c.requestID, "selector", out.selector)
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: No match for output mapping and no default output mapping configured")
		g.fail(c, awserr.GWConfigurationError, "")
		return
	}
	status, _ := strconv.Atoi(ir.StatusCode)
	h := c.w.Header()
	g.mapResponseParameters(ir, mreq, out, h)
	body, contentType := out.body, out.contentType
	if name, src, found := responseTemplate(ir, c.r.Header.Get("Accept")); found && src != "" {
		tpl, err := g.templates.Compile(name, src)
		var res *mapping.Result
		if err == nil {
			res, err = mapping.Render(tpl, mreq, out.body)
		}
		if err != nil {
			g.templateFailed(c, "response", err)
			return
		}
		body, contentType = []byte(res.Body), name
		if res.Status >= 100 && res.Status <= 599 {
			status = res.Status
		}
		for k, v := range res.ResponseHeaders {
			h.Set(k, v)
		}
	}
	body, ok = convertContent(ir.ContentHandling, body)
	if !ok {
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: Unable to base64-decode the response for CONVERT_TO_BINARY")
		g.fail(c, awserr.GWConfigurationError, "")
		return
	}
	if h.Get("Content-Type") == "" {
		if contentType == "" {
			contentType = "application/json"
		}
		h.Set("Content-Type", contentType)
	}
	c.status = status
	c.trace.Status = status
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(body)
	}
}

// responseTemplate picks the template for the request's Accept header:
// the first accepted type with a template, else application/json, else
// the first template by name.
func responseTemplate(ir *apigw.IntegrationResponse, accept string) (name, src string, found bool) {
	if len(ir.ResponseTemplates) == 0 {
		return "", "", false
	}
	keys := slices.Sorted(maps.Keys(ir.ResponseTemplates))
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		for _, k := range keys {
			if strings.EqualFold(k, mt) {
				return k, ir.ResponseTemplates[k], true
			}
		}
	}
	for _, k := range keys {
		if strings.EqualFold(k, "application/json") {
			return k, ir.ResponseTemplates[k], true
		}
	}
	return keys[0], ir.ResponseTemplates[keys[0]], true
}

// mapResponseParameters sets method.response.header.NAME from its source.
func (g *Gateway) mapResponseParameters(ir *apigw.IntegrationResponse, mreq *mapping.Request, out *integrationOutput, h http.Header) {
	for _, target := range slices.Sorted(maps.Keys(ir.ResponseParameters)) {
		name, ok := strings.CutPrefix(target, "method.response.header.")
		if !ok {
			continue
		}
		src := strings.TrimSpace(ir.ResponseParameters[target])
		var v string
		switch {
		case strings.HasPrefix(src, "integration.response.header."):
			v, ok = headerValue(out.header, strings.TrimPrefix(src, "integration.response.header."), false)
		case strings.HasPrefix(src, "integration.response.multivalueheader."):
			v, ok = headerValue(out.header, strings.TrimPrefix(src, "integration.response.multivalueheader."), true)
		case src == "integration.response.body":
			v, ok = mapping.BodyValue(out.body, "")
		case strings.HasPrefix(src, "integration.response.body."):
			v, ok = mapping.BodyValue(out.body, strings.TrimPrefix(src, "integration.response.body."))
		default:
			v, ok = mreq.Source(src)
		}
		if ok {
			h.Set(name, v)
		}
	}
}

func headerValue(h http.Header, name string, multi bool) (string, bool) {
	vs := h.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	if multi {
		return strings.Join(vs, ","), true
	}
	return vs[len(vs)-1], true
}

// convertContent applies an integration response's contentHandling:
// CONVERT_TO_BINARY decodes a base64 body, CONVERT_TO_TEXT encodes one.
func convertContent(handling string, body []byte) ([]byte, bool) {
	switch handling {
	case apigw.ContentConvertToBinary:
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(body)))
		return b, err == nil
	case apigw.ContentConvertToText:
		if utf8.Valid(body) {
			return body, true // already text
		}
		return []byte(base64.StdEncoding.EncodeToString(body)), true
	}
	return body, true
}
