package gateway

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
)

// fuzzDefinition has every kind of path part: literal, {param}, {greedy+},
// a literal beside a parameter, ANY and a root method.
const fuzzDefinition = `
openapi: 3.0.1
info: {title: fuzz, version: 1.0.0}
paths:
  /:
    get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}}
  /items/{id}:
    get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}}
    delete: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}}
  /items/special:
    get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}}
  /items/{id}/tags:
    x-amazon-apigateway-any-method: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}}
  /files/{path+}:
    get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}}
`

// FuzzAuthorizedIsServed sends arbitrary raw request lines (any method, any
// path bytes, host or path style) through the HTTP/1.1 parser and the
// gateway, and checks what issue 10 asks: whenever a function is invoked,
// the method ARN that was authorized names exactly the method and resource
// path that were served, and matching that ARN's path again gives the same
// resource and path parameters.
func FuzzAuthorizedIsServed(f *testing.F) {
	for _, s := range []struct {
		method, path string
		pathStyle    bool
	}{
		{"GET", "/v1/items/42", false},
		{"get", "/v1/items/42", false},
		{"GET", "/v1/items/42%2F", false},
		{"GET", "/v1/items/42%2f", true},
		{"GET", "/v1/items%2F42", false},
		{"GET", "/v1/items/4%2F2", false},
		{"GET", "/v1//items//42", true},
		{"GET", "/v1/items/x/../42", false},
		{"GET", "/v1/items/%2e%2e/items/42", false},
		{"DELETE", "/v1/items/42/./", false},
		{"PATCH", "/v1/items/42/tags", true},
		{"Patch", "/v1/items/42/tags", false},
		{"GET", "/v1/files/a/b%2Fc/../d", false},
		{"GET", "/v1/items/a%252Fb", false},
		{"GET", "/v1/", false},
		{"GET", "/v1/items/special", false},
		{"GET", "/v2/../v1/items/1", true},
		{"GET", "/v1/items/%00", false},
		{"GET", "/v1/items/%E2%82%AC", false},
	} {
		f.Add(s.method, s.path, s.pathStyle)
	}
	def, err := apigw.ParseDefinition(fuzzDefinition)
	if err != nil {
		f.Fatal(err)
	}
	for i := range def.Resources {
		def.Resources[i].ID = fmt.Sprintf("res%03d", i)
	}
	snap := &apigw.Snapshot{
		// A resource policy makes every method evaluate execute-api:Invoke
		// (as anonymous); this one allows everyone.
		API:   apigw.RestAPI{ID: testAPI, Name: "fuzz", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`},
		Stage: apigw.Stage{RestAPIID: testAPI, StageName: "v1", DeploymentID: "dep001"},
		// Resources are shared read-only by every run.
		Resources: def.Resources,
	}
	ids := newTestIAM(f)
	authz := &recordingAuthorizer{Authorizer: ids.Auth}
	inv := &fakeInvoker{}
	gw := New(Options{APIs: fakeAPIs{testAPI + "/v1": snap}, Auth: verified{ids.verifiedCaller(f, "good")}, Authz: authz, Invoker: inv,
		Region: testRegion, AccountID: testAccount, TraceSize: -1})
	prefix := "arn:aws:execute-api:" + testRegion + ":" + testAccount + ":" + testAPI + "/v1/"

	f.Fuzz(func(t *testing.T, method, path string, pathStyle bool) {
		host := testAPI + ".execute-api.us-east-1.amazonaws.com"
		if pathStyle {
			host = "127.0.0.1:4566"
			if !strings.HasPrefix(path, "/") {
				return
			}
			path = "/restapis/" + testAPI + path
			path = strings.Replace(path, "/v1", "/v1/_user_request_", 1)
		}
		if !fuzzServe(t, gw, authz, inv, method, host, path) {
			return
		}
		var ev struct {
			Resource       string            `json:"resource"`
			Path           string            `json:"path"`
			HTTPMethod     string            `json:"httpMethod"`
			PathParameters map[string]string `json:"pathParameters"`
		}
		if err := json.Unmarshal(inv.payload, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.HTTPMethod != method {
			t.Fatalf("served method %q for request method %q", ev.HTTPMethod, method)
		}
		want := prefix + method + "/" + strings.TrimPrefix(ev.Path, "/")
		if authz.last.Resource != want {
			t.Fatalf("%s %s: authorized %q, served %s %s", method, path, authz.last.Resource, ev.HTTPMethod, ev.Path)
		}
		if got := fillResource(ev.Resource, ev.PathParameters); got != ev.Path {
			t.Fatalf("%s %s: resource %s with %v is %s, not the served path %s", method, path, ev.Resource, ev.PathParameters, got, ev.Path)
		}
		arnPath := strings.TrimPrefix(authz.last.Resource, prefix+method)
		res, _, params, ok := snap.Match(method, apigw.SplitPath(arnPath))
		if !ok || res.Path != ev.Resource || fmt.Sprint(params) != fmt.Sprint(ev.PathParameters) {
			t.Fatalf("%s %s: the ARN's path %s matches %v %v, the served resource is %s %v", method, path, arnPath, res, params, ev.Resource, ev.PathParameters)
		}
	})
}

// fillResource writes a resource path with its variables replaced by their values.
func fillResource(resource string, params map[string]string) string {
	parts := apigw.SplitPath(resource)
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			parts[i] = params[strings.TrimSuffix(strings.Trim(p, "{}"), "+")]
		}
	}
	return "/" + strings.Join(parts, "/")
}

// fuzzServe serves method path on host, as raw HTTP/1.1 signed as "good"
// from loopback, through gw, and says whether inv was invoked (its payload
// and authz's request are this one's). A request the HTTP server would not
// parse is not served: it answers 400 before any handler runs. A 200
// without an invocation fails t.
func fuzzServe(t *testing.T, gw http.Handler, authz *recordingAuthorizer, inv *fakeInvoker, method, host, path string) bool {
	t.Helper()
	raw := method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: good\r\n\r\n"
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		return false
	}
	r.RemoteAddr = "127.0.0.1:1234"
	authz.last, inv.payload = auth.Request{}, nil
	w := httptest.NewRecorder()
	gw.ServeHTTP(w, r)
	if inv.payload == nil && w.Code == 200 {
		t.Fatalf("200 without an invocation for %q %q", method, path)
	}
	return inv.payload != nil
}
