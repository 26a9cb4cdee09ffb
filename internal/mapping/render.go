package mapping

import (
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/iamgate/iamgate/internal/vtl"
)

// Context holds the request facts of $context.
type Context struct {
	AccountID, APIID, DomainName, DomainPrefix, ExtendedRequestID string
	HTTPMethod, Path, Protocol, RequestID, RequestTime            string
	RequestTimeEpoch                                              int64
	ResourceID, ResourcePath, Stage                               string
	Identity                                                      Identity
	// Authorizer is $context.authorizer: principalId, claims, or a Lambda
	// authorizer's context values (already strings).
	Authorizer map[string]any
}

// Identity is $context.identity; empty fields are null.
type Identity struct {
	AccountID, APIKey, APIKeyID, Caller, SourceIP, User, UserAgent, UserArn, AccessKey string
}

// Request is what a template sees of a call.
type Request struct {
	Params         Params
	Context        Context
	StageVariables map[string]string
}

// Result is a rendered template and the overrides it set.
type Result struct {
	Body string
	// Status is $context.responseOverride.status, 0 when not set.
	Status          int
	ResponseHeaders map[string]string
	// requestOverride: header, querystring and path values to send.
	RequestHeaders, RequestQuery, RequestPath map[string]string
}

// Render runs t with $input over payload (the method request body for a
// request template, the integration's response for a response template).
// Errors are *vtl.Error; API Gateway answers them with a 500.
func Render(t *vtl.Template, req *Request, payload []byte) (*Result, error) {
	ctx := contextMap(req.Context)
	reqOver, respOver := vtl.NewMap(), vtl.NewMap()
	for _, k := range []string{"header", "querystring", "path"} {
		reqOver.Put(k, vtl.NewMap())
	}
	respOver.Put("header", vtl.NewMap())
	ctx.Put("requestOverride", reqOver)
	ctx.Put("responseOverride", respOver)
	vars := map[string]any{
		"input":          newInput(payload, req.Params),
		"util":           util{},
		"context":        ctx,
		"stageVariables": stringMap(req.StageVariables),
	}
	out, err := t.Execute(vars, vtl.Options{Silent: true})
	if err != nil {
		return nil, err
	}
	res := &Result{
		Body:            out,
		ResponseHeaders: overrideMap(respOver, "header"),
		RequestHeaders:  overrideMap(reqOver, "header"),
		RequestQuery:    overrideMap(reqOver, "querystring"),
		RequestPath:     overrideMap(reqOver, "path"),
	}
	if s, ok := respOver.Get("status"); ok && s != nil {
		if n, err := strconv.Atoi(vtl.String(s)); err == nil {
			res.Status = n
		}
	}
	return res, nil
}

func overrideMap(m *vtl.Map, key string) map[string]string {
	v, _ := m.Get(key)
	sub, ok := v.(*vtl.Map)
	if !ok || sub.Len() == 0 {
		return nil
	}
	out := make(map[string]string, sub.Len())
	for _, k := range sub.Keys() {
		e, _ := sub.Get(k)
		if e != nil {
			out[k] = vtl.String(e)
		}
	}
	return out
}

func contextMap(c Context) *vtl.Map {
	m := vtl.NewMap()
	put := func(m *vtl.Map, k, v string) {
		if v == "" {
			m.Put(k, nil)
			return
		}
		m.Put(k, v)
	}
	put(m, "accountId", c.AccountID)
	put(m, "apiId", c.APIID)
	put(m, "domainName", c.DomainName)
	put(m, "domainPrefix", c.DomainPrefix)
	put(m, "extendedRequestId", c.ExtendedRequestID)
	put(m, "httpMethod", c.HTTPMethod)
	put(m, "path", c.Path)
	put(m, "protocol", c.Protocol)
	put(m, "requestId", c.RequestID)
	put(m, "awsEndpointRequestId", "")
	put(m, "requestTime", c.RequestTime)
	m.Put("requestTimeEpoch", c.RequestTimeEpoch)
	put(m, "resourceId", c.ResourceID)
	put(m, "resourcePath", c.ResourcePath)
	put(m, "stage", c.Stage)
	id := vtl.NewMap()
	put(id, "accountId", c.Identity.AccountID)
	put(id, "apiKey", c.Identity.APIKey)
	put(id, "apiKeyId", c.Identity.APIKeyID)
	put(id, "caller", c.Identity.Caller)
	put(id, "sourceIp", c.Identity.SourceIP)
	put(id, "user", c.Identity.User)
	put(id, "userAgent", c.Identity.UserAgent)
	put(id, "userArn", c.Identity.UserArn)
	put(id, "accessKey", c.Identity.AccessKey)
	for _, k := range []string{"cognitoAuthenticationProvider", "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId"} {
		id.Put(k, nil)
	}
	m.Put("identity", id)
	auth := vtl.NewMap()
	for _, k := range slices.Sorted(maps.Keys(c.Authorizer)) {
		auth.Put(k, toValue(c.Authorizer[k]))
	}
	m.Put("authorizer", auth)
	return m
}

func toValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := vtl.NewMap()
		for _, k := range slices.Sorted(maps.Keys(t)) {
			m.Put(k, toValue(t[k]))
		}
		return m
	case map[string]string:
		return stringMap(t)
	case []string:
		l := &vtl.List{}
		for _, e := range t {
			l.Items = append(l.Items, e)
		}
		return l
	case []any:
		l := &vtl.List{}
		for _, e := range t {
			l.Items = append(l.Items, toValue(e))
		}
		return l
	case float64:
		// JSON numbers: an authorizer's numKey 1 reads "1", as documented.
		if t == float64(int64(t)) {
			return int64(t)
		}
	}
	return v
}

func stringMap(in map[string]string) *vtl.Map {
	m := vtl.NewMap()
	for _, k := range slices.Sorted(maps.Keys(in)) {
		m.Put(k, in[k])
	}
	return m
}

// Templates caches parsed templates by source: a deployment's templates
// are few and fixed, and a request must not parse them again. The zero
// value is ready; it is safe for concurrent use.
type Templates struct {
	mu sync.Mutex
	m  map[string]*vtl.Template
}

// maxCached bounds the cache; past it the cache starts over.
const maxCached = 1024

// Compile parses src (named for errors, e.g. the content type), cached.
func (c *Templates) Compile(name, src string) (*vtl.Template, error) {
	key := name + "\x00" + src
	c.mu.Lock()
	t, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := vtl.Parse(name, src)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[string]*vtl.Template{}
	}
	c.m[key] = t
	c.mu.Unlock()
	return t, nil
}
