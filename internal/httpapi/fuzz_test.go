package httpapi

import (
	"strings"
	"testing"
)

// FuzzRouteMatch checks the matcher's properties on any route key and
// request path: no panic; a route matched is one whose key parses, names
// the method or ANY, and whose params come from the request path.
func FuzzRouteMatch(f *testing.F) {
	f.Add("GET /pets/{id}", "GET", "/pets/1")
	f.Add("ANY /{proxy+}", "POST", "/a/b/c")
	f.Add("$default", "GET", "/")
	f.Add("GET /a/{x}/{y+}", "GET", "/a/1/2/3")
	f.Add("PUT /a/{b}", "PUT", "//a///b")
	f.Fuzz(func(t *testing.T, key, method, path string) {
		rt := testRouter(key, "GET /fixed")
		ps := parts(path)
		r, params, ok := rt.match(method, ps)
		if !ok {
			return
		}
		if r.RouteKey == "GET /fixed" {
			if method != "GET" || strings.Join(ps, "/") != "fixed" {
				t.Fatalf("GET /fixed matched %s %q", method, path)
			}
			return
		}
		k, err := parseRouteKey(r.RouteKey)
		if err != nil {
			t.Fatalf("matched a key that does not parse: %q", r.RouteKey)
		}
		if !k.isDefault && k.method != MethodAny && k.method != method {
			t.Fatalf("route %q matched method %q", r.RouteKey, method)
		}
		joined := strings.Join(ps, "/")
		for name, v := range params {
			if v == "" || !strings.Contains(joined, v) {
				t.Fatalf("param %s=%q is not from the path %q", name, v, path)
			}
		}
	})
}

// FuzzParseDefinition feeds any body to the OpenAPI import: it fails with
// an error or yields routes whose keys parse and whose targets and
// authorizers are in range.
func FuzzParseDefinition(f *testing.F) {
	f.Add(`{"openapi":"3.0.1","info":{"title":"t"},"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"type":"aws_proxy","uri":"arn:aws:lambda:us-east-1:1:function:f","payloadFormatVersion":"2.0"}}}}}`)
	f.Add(`{"openapi":"3.0.1","paths":{"$default":{"x-amazon-apigateway-any-method":{"isDefaultRoute":true}}},"x-amazon-apigateway-cors":{"allowOrigins":["*"],"maxAge":5}}`)
	f.Add(`{"swagger":"2.0","securityDefinitions":{"j":{"type":"oauth2","x-amazon-apigateway-authorizer":{"type":"jwt","jwtConfiguration":{"issuer":"https://i"}}}},"paths":{"/{proxy+}":{"post":{"security":[{"j":["s"]}]}}}}`)
	f.Add("openapi: 3.0.1\npaths:\n  /x:\n    get: {}\n")
	f.Add(`{"openapi":3}`)
	f.Fuzz(func(t *testing.T, body string) {
		d, err := ParseDefinition([]byte(body))
		if err != nil {
			return
		}
		for _, r := range d.Routes {
			if _, err := parseRouteKey(r.RouteKey); err != nil {
				t.Fatalf("route key %q does not parse: %v", r.RouteKey, err)
			}
			if r.Target != "" {
				if _, ok := indexOf(strings.TrimPrefix(r.Target, "integrations/"), len(d.Integrations)); !ok {
					t.Fatalf("target %q out of range", r.Target)
				}
			}
			if r.AuthorizerID != "" {
				if _, ok := indexOf(r.AuthorizerID, len(d.Authorizers)); !ok {
					t.Fatalf("authorizer %q out of range", r.AuthorizerID)
				}
			}
		}
	})
}
