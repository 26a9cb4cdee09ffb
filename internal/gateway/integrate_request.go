package gateway

import (
	"encoding/base64"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/mapping"
)

// Passthrough behaviours of an integration
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html).
const (
	passWhenNoMatch     = "WHEN_NO_MATCH"
	passWhenNoTemplates = "WHEN_NO_TEMPLATES"
	passNever           = "NEVER"
)

// integrationRequest is the request a non-proxy integration receives:
// the body a template made (or the caller's, passed through) and the
// parameters mapped to it.
type integrationRequest struct {
	body        []byte
	contentType string
	header      http.Header
	query       url.Values
	path        map[string]string
	// templated: a request template produced body.
	templated bool
}

// mappingRequest is what templates and mappings see of the call.
func (g *Gateway) mappingRequest(c *call) *mapping.Request {
	domain := c.tgt.APIID + ".execute-api." + g.o.Region + ".amazonaws.com"
	id := g.eventIdentity(c)
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	now := c.start.UTC()
	var authorizerCtx map[string]any
	if c.authz != nil {
		authorizerCtx = c.authz.eventAuthorizer()
	}
	return &mapping.Request{
		Params: mapping.Params{Path: c.params, QueryString: queryPairs(c.r.URL.RawQuery), Header: c.r.Header},
		Context: mapping.Context{
			AccountID: g.o.AccountID, APIID: c.tgt.APIID, DomainName: domain, DomainPrefix: c.tgt.APIID,
			ExtendedRequestID: c.apigwID, HTTPMethod: c.r.Method, Path: "/" + c.tgt.Stage + c.tgt.Path,
			Protocol: c.r.Proto, RequestID: c.requestID, RequestTime: now.Format(requestTimeLayout),
			RequestTimeEpoch: now.UnixMilli(), ResourceID: c.res.ID, ResourcePath: c.res.Path, Stage: c.tgt.Stage,
			Identity: mapping.Identity{
				AccountID: deref(id.AccountID), APIKey: deref(id.APIKey), APIKeyID: deref(id.APIKeyID),
				Caller: deref(id.Caller), SourceIP: id.SourceIP, User: deref(id.User), UserAgent: deref(id.UserAgent),
				UserArn: deref(id.UserArn), AccessKey: deref(id.AccessKey),
			},
			Authorizer: authorizerCtx,
		},
		StageVariables: c.snap.Stage.Variables,
	}
}

// queryPairs keeps the query string's order, which url.Values loses.
func queryPairs(raw string) []mapping.Pair {
	var out []mapping.Pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, mapping.Pair{Name: k, Value: v})
	}
	return out
}

// requestMediaType is the media type templates are chosen by: the
// Content-Type's, lower case, without parameters; application/json when
// the request has none, as API Gateway assumes.
func requestMediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "application/json"
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt
}

// requestTemplate picks the request template for mediaType. found is
// false for passthrough; unsupported means API Gateway answers 415.
func requestTemplate(in *apigw.Integration, mediaType string) (name, src string, found, unsupported bool) {
	for _, k := range slices.Sorted(maps.Keys(in.RequestTemplates)) {
		if strings.EqualFold(k, mediaType) {
			return k, in.RequestTemplates[k], true, false
		}
	}
	switch strings.ToUpper(in.PassthroughBehavior) {
	case passNever:
		return "", "", false, true
	case passWhenNoTemplates:
		return "", "", false, len(in.RequestTemplates) > 0
	}
	return "", "", false, false // WHEN_NO_MATCH, the default
}

// buildIntegrationRequest applies the request template and the request
// parameter mappings. A template error is the template author's: the
// caller gets API Gateway's 500.
func (g *Gateway) buildIntegrationRequest(c *call, in *apigw.Integration, mreq *mapping.Request, body []byte) (*integrationRequest, *mapping.Result, bool) {
	ir := &integrationRequest{body: body, contentType: c.r.Header.Get("Content-Type"), header: http.Header{}, query: url.Values{}, path: map[string]string{}}
	mediaType := requestMediaType(c.r)
	name, src, found, unsupported := requestTemplate(in, mediaType)
	if unsupported {
		c.trace.Integration = append(c.trace.Integration, "no request template for "+mediaType+" and passthrough behavior "+in.PassthroughBehavior)
		g.fail(c, awserr.GWUnsupportedMediaType, "")
		return nil, nil, false
	}
	if converted, ok := convertRequestContent(in.ContentHandling, body, isBinary(c.r.Header.Get("Content-Type"), c.snap.API.BinaryMediaTypes)); ok {
		body, ir.body = converted, converted
	} else {
		c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: Unable to base64-decode the request for CONVERT_TO_BINARY")
		g.fail(c, awserr.GWConfigurationError, "")
		return nil, nil, false
	}
	var res *mapping.Result
	if found && src != "" {
		tpl, err := g.templates.Compile(name, src)
		if err == nil {
			res, err = mapping.Render(tpl, mreq, body)
		}
		if err != nil {
			g.templateFailed(c, "request", err)
			return nil, nil, false
		}
		ir.body, ir.contentType, ir.templated = []byte(res.Body), name, true
	}
	g.mapRequestParameters(c, in, mreq, body, ir)
	if res != nil {
		for k, v := range res.RequestHeaders {
			ir.header.Set(k, v)
		}
		for k, v := range res.RequestQuery {
			ir.query.Set(k, v)
		}
		maps.Copy(ir.path, res.RequestPath)
	}
	return ir, res, true
}

func (g *Gateway) templateFailed(c *call, which string, err error) {
	g.log.Warn("mapping template failed", "request_id", c.requestID, "template", which, "err", err)
	c.trace.Integration = append(c.trace.Integration, "Execution failed due to configuration error: Unable to transform "+which+": "+err.Error())
	g.fail(c, awserr.GWConfigurationError, "")
}

// mapRequestParameters fills integration.request.{header,querystring,path}
// from their mapped sources; a source with no value maps nothing.
func (g *Gateway) mapRequestParameters(c *call, in *apigw.Integration, mreq *mapping.Request, body []byte, ir *integrationRequest) {
	for _, target := range slices.Sorted(maps.Keys(in.RequestParameters)) {
		values := g.requestSource(c, mreq, body, in.RequestParameters[target])
		if len(values) == 0 {
			continue
		}
		switch {
		case strings.HasPrefix(target, "integration.request.header."):
			ir.header.Set(strings.TrimPrefix(target, "integration.request.header."), values[len(values)-1])
		case strings.HasPrefix(target, "integration.request.multivalueheader."):
			k := strings.TrimPrefix(target, "integration.request.multivalueheader.")
			ir.header.Del(k)
			for _, v := range values {
				ir.header.Add(k, v)
			}
		case strings.HasPrefix(target, "integration.request.querystring."):
			ir.query.Set(strings.TrimPrefix(target, "integration.request.querystring."), values[len(values)-1])
		case strings.HasPrefix(target, "integration.request.multivaluequerystring."):
			ir.query[strings.TrimPrefix(target, "integration.request.multivaluequerystring.")] = values
		case strings.HasPrefix(target, "integration.request.path."):
			ir.path[strings.TrimPrefix(target, "integration.request.path.")] = values[len(values)-1]
		}
	}
}

// requestSource resolves a request mapping source to its values.
func (g *Gateway) requestSource(c *call, mreq *mapping.Request, body []byte, src string) []string {
	src = strings.TrimSpace(src)
	one := func(v string, ok bool) []string {
		if !ok {
			return nil
		}
		return []string{v}
	}
	switch {
	case strings.HasPrefix(src, "method.request.path."):
		v, ok := c.params[strings.TrimPrefix(src, "method.request.path.")]
		return one(v, ok)
	case strings.HasPrefix(src, "method.request.querystring."):
		vs := c.r.URL.Query()[strings.TrimPrefix(src, "method.request.querystring.")]
		if len(vs) == 0 {
			return nil
		}
		return vs[len(vs)-1:]
	case strings.HasPrefix(src, "method.request.multivaluequerystring."):
		return c.r.URL.Query()[strings.TrimPrefix(src, "method.request.multivaluequerystring.")]
	case strings.HasPrefix(src, "method.request.header."):
		vs := c.r.Header.Values(strings.TrimPrefix(src, "method.request.header."))
		if len(vs) == 0 {
			return nil
		}
		return vs[len(vs)-1:]
	case strings.HasPrefix(src, "method.request.multivalueheader."):
		return c.r.Header.Values(strings.TrimPrefix(src, "method.request.multivalueheader."))
	case src == "method.request.body":
		return one(mapping.BodyValue(body, ""))
	case strings.HasPrefix(src, "method.request.body."):
		return one(mapping.BodyValue(body, strings.TrimPrefix(src, "method.request.body.")))
	}
	return one(mreq.Source(src))
}

// convertRequestContent applies an integration's contentHandling to the
// method request body: CONVERT_TO_TEXT base64-encodes a binary payload (one
// of the API's binary media types), CONVERT_TO_BINARY decodes a base64 one;
// without it a binary payload passes as it is
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html).
func convertRequestContent(handling string, body []byte, binary bool) ([]byte, bool) {
	switch {
	case handling == apigw.ContentConvertToText && binary:
		return []byte(base64.StdEncoding.EncodeToString(body)), true
	case handling == apigw.ContentConvertToBinary && !binary:
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(body)))
		return b, err == nil
	}
	return body, true
}
