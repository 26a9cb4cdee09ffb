package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
)

const lambdaURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fnARN + "/invocations"

// integrationsDefinition exercises the non-proxy integrations. The shapes
// follow https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
const integrationsDefinition = `
openapi: 3.0.1
info: {title: integrations, version: 1.0.0}
paths:
  /greet:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "` + lambdaURI + `"
        passthroughBehavior: WHEN_NO_TEMPLATES
        requestTemplates:
          application/json: |
            {"name": "$input.params('name')", "body": $input.json('$'), "stage": "$context.stage", "env": "$stageVariables.k"}
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.X-Static: "'fixed'"
              method.response.header.X-From-Body: integration.response.body.greeting
            responseTemplates:
              application/json: |
                #set($r = $input.path('$'))
                {"message": "$r.greeting"}
          "NotFound:.*":
            statusCode: "404"
            responseTemplates:
              application/json: '{"error": "$input.path(''$.errorMessage'')"}'
          ".*Teapot.*":
            statusCode: "418"
            responseTemplates:
              application/json: '#set($context.responseOverride.status = 409)#set($context.responseOverride.header.X-Why = "override"){}'
  /strict:
    post:
      x-amazon-apigateway-integration:
        type: aws
        uri: "` + lambdaURI + `"
        passthroughBehavior: NEVER
        requestTemplates: {application/json: "{}"}
        responses: {default: {statusCode: "200"}}
  /loose:
    post:
      x-amazon-apigateway-integration:
        type: aws
        uri: "` + lambdaURI + `"
        timeoutInMillis: 50
        responses: {"5\\d\\d": {statusCode: "500"}}
  /broken:
    get:
      x-amazon-apigateway-integration:
        type: aws
        uri: "` + lambdaURI + `"
        requestTemplates: {application/json: "#foreach($x in $list)"}
        responses: {default: {statusCode: "200"}}
  /s3:
    get:
      x-amazon-apigateway-integration:
        type: aws
        uri: "arn:aws:apigateway:us-east-1:s3:path/bucket/key"
        responses: {default: {statusCode: "200"}}
  /cors:
    options:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: "{\"statusCode\": 200}"}
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'*'"
              method.response.header.Access-Control-Allow-Methods: "'GET,OPTIONS'"
            responseTemplates: {application/json: "{}"}
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: "{\"statusCode\": $input.params('code')}"}
        responses:
          default: {statusCode: "200", responseTemplates: {application/json: '{"ok": true}'}}
          "4\\d\\d": {statusCode: "400", responseTemplates: {application/json: '{"ok": false}'}}
  /proxy/{proxy+}:
    x-amazon-apigateway-any-method:
      parameters: [{name: proxy, in: path, required: true}]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: "BACKEND/base/{proxy}"
        requestParameters:
          integration.request.path.proxy: method.request.path.proxy
          integration.request.header.X-Stage: stageVariables.k
  /http/{id}:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "BACKEND/items/{id}"
        requestParameters:
          integration.request.path.id: method.request.path.id
          integration.request.querystring.from: method.request.querystring.q
          integration.request.header.X-Caller: context.identity.sourceIp
        requestTemplates: {application/json: '{"id": "$input.params(''id'')"}'}
        responses:
          default:
            statusCode: "200"
            responseParameters: {method.response.header.X-Backend: integration.response.header.X-Backend}
          "404": {statusCode: "404", responseTemplates: {application/json: '{"message": "no such item"}'}}
  /slow:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "BACKEND/slow", timeoutInMillis: 50}
`

// backend echoes what it received as JSON; /slow waits for the client.
func backend(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-r.Context().Done()
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Backend", "yes")
		w.Header().Set("Server", "backend/1.0")
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/missing") {
			w.WriteHeader(http.StatusNotFound)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "rawPath": r.URL.EscapedPath(), "query": r.URL.RawQuery,
			"stage": r.Header.Get("X-Stage"), "caller": r.Header.Get("X-Caller"), "custom": r.Header.Get("X-Custom"), "body": string(body), "host": r.Host})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newIntegrationFixture(t *testing.T) (*fixture, *httptest.Server) {
	srv := backend(t)
	def, err := apigw.ParseDefinition(strings.ReplaceAll(integrationsDefinition, "BACKEND", srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for i := range def.Resources {
		def.Resources[i].ID = fmt.Sprintf("res%03d", i)
	}
	snap := &apigw.Snapshot{
		API:        apigw.RestAPI{ID: testAPI, Name: "integrations"},
		Stage:      apigw.Stage{RestAPIID: testAPI, StageName: "v1", DeploymentID: "dep001", Variables: map[string]string{"k": "stagevalue"}},
		Deployment: apigw.Deployment{ID: "dep001", RestAPIID: testAPI},
		Resources:  def.Resources,
	}
	ids := newTestIAM(t)
	f := &fixture{ids: ids, authn: &signingClients{ids: ids}, authz: &recordingAuthorizer{Authorizer: ids.Auth}, inv: &fakeInvoker{}, logs: &strings.Builder{}}
	f.gw = New(Options{
		APIs: fakeAPIs{testAPI + "/v1": snap}, Auth: f.authn, Authz: f.authz, Invoker: f.inv, APIKeys: fakeAPIKeys{},
		Region: testRegion, AccountID: testAccount, Now: func() time.Time { return testNow },
		Logger:       slog.New(slog.NewTextHandler(f.logs, nil)),
		NewRequestID: func() string { return "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" },
	})
	return f, srv
}

func (f *fixture) do(t *testing.T, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, hostURL(path), strings.NewReader(body))
	r.RemoteAddr = "192.0.2.1:1234"
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	return w
}

func reply(out string, fnErr string) func(context.Context) ([]byte, string, error) {
	return func(context.Context) ([]byte, string, error) { return []byte(out), fnErr, nil }
}

func TestLambdaIntegration(t *testing.T) {
	f, _ := newIntegrationFixture(t)
	json := map[string]string{"Content-Type": "application/json"}
	tests := []struct {
		name, path, body, ctype, out, fnErr string
		status                              int
		wantBody                            string
		wantHeader                          map[string]string
		wantPayload                         string
	}{
		{name: "templates both ways", path: "/v1/greet?name=Ann", body: `{"a": [1, 2]}`, out: `{"greeting": "hi"}`,
			status: 200, wantBody: `{"message": "hi"}` + "\n", wantHeader: map[string]string{"X-Static": "fixed", "X-From-Body": "hi", "Content-Type": "application/json"},
			wantPayload: `{"name": "Ann", "body": {"a":[1,2]}, "stage": "v1", "env": "stagevalue"}` + "\n"},
		{name: "error selects by errorMessage", path: "/v1/greet", body: `{}`, out: `{"errorMessage": "NotFound: no pet", "errorType": "Error"}`, fnErr: "Unhandled",
			status: 404, wantBody: `{"error": "NotFound: no pet"}`},
		// An error no pattern matches takes the default response, 200, as
		// on AWS (https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html).
		{name: "unmatched error is the default response", path: "/v1/greet", body: `{}`, out: `{"errorMessage": "boom"}`, fnErr: "Unhandled",
			status: 200, wantBody: `{"message": ""}` + "\n"},
		{name: "response override", path: "/v1/greet", body: `{}`, out: `{"errorMessage": "I am a Teapot"}`, fnErr: "Unhandled",
			status: 409, wantBody: `{}`, wantHeader: map[string]string{"X-Why": "override"}},
		{name: "content type without template, WHEN_NO_TEMPLATES", path: "/v1/greet", body: `a=1`, ctype: "application/x-www-form-urlencoded",
			status: 415, wantBody: `{"message":"Unsupported Media Type"}`, wantHeader: map[string]string{"x-amzn-ErrorType": "UnsupportedMediaTypeException"}},
		{name: "NEVER", path: "/v1/strict", body: `x`, ctype: "text/plain", status: 415, wantBody: `{"message":"Unsupported Media Type"}`},
		{name: "NEVER with a template", path: "/v1/strict", body: `x`, ctype: "application/json; charset=utf-8", out: `"ok"`, status: 200, wantBody: `"ok"`, wantPayload: "{}"},
		{name: "passthrough that is not JSON", path: "/v1/loose", body: `a=1`, ctype: "text/plain", status: 400, wantBody: `{"message":"Could not parse request body into json."}`},
		{name: "no default response", path: "/v1/loose", body: `{"x": 1}`, out: `{}`, status: 500, wantBody: `{"message": "Internal server error"}`, wantPayload: `{"x": 1}`},
		{name: "template error is a 500", path: "/v1/broken", status: 500, wantBody: `{"message": "Internal server error"}`},
		{name: "other AWS services are not emulated", path: "/v1/s3", status: 500, wantBody: `{"message": "Internal server error"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.inv.reply, f.inv.payload = reply(tc.out, tc.fnErr), nil
			h := json
			if tc.ctype != "" {
				h = map[string]string{"Content-Type": tc.ctype}
			}
			method := http.MethodPost
			if tc.path == "/v1/broken" || tc.path == "/v1/s3" {
				method = http.MethodGet
			}
			w := f.do(t, method, tc.path, tc.body, h)
			if w.Code != tc.status || w.Body.String() != tc.wantBody {
				t.Fatalf("got %d %q, want %d %q\nlogs: %s", w.Code, w.Body.String(), tc.status, tc.wantBody, f.logs)
			}
			for k, v := range tc.wantHeader {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tc.wantPayload != "" && string(f.inv.payload) != tc.wantPayload {
				t.Errorf("payload = %q, want %q", f.inv.payload, tc.wantPayload)
			}
		})
	}
}

func TestLambdaIntegrationTimeout(t *testing.T) {
	f, _ := newIntegrationFixture(t)
	f.inv.reply = func(ctx context.Context) ([]byte, string, error) {
		<-ctx.Done()
		return nil, "", ctx.Err()
	}
	w := f.do(t, http.MethodPost, "/v1/loose", `{}`, nil)
	if w.Code != 504 || w.Body.String() != `{"message": "Endpoint request timed out"}` {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

// The CORS preflight SAM and the console write: a MOCK integration whose
// request template selects the status, headers from 'static' values.
func TestMockIntegration(t *testing.T) {
	f, _ := newIntegrationFixture(t)
	w := f.do(t, http.MethodOptions, "/v1/cors", "", nil)
	if w.Code != 200 || w.Body.String() != "{}" || w.Header().Get("Access-Control-Allow-Origin") != "*" || w.Header().Get("Access-Control-Allow-Methods") != "GET,OPTIONS" {
		t.Fatalf("got %d %q %v", w.Code, w.Body, w.Header())
	}
	for code, want := range map[string]string{"200": `{"ok": true}`, "404": `{"ok": false}`} {
		w := f.do(t, http.MethodGet, "/v1/cors?code="+code, "", nil)
		if w.Body.String() != want {
			t.Errorf("code %s: got %d %q, want %q", code, w.Code, w.Body, want)
		}
	}
}

func TestHTTPIntegrations(t *testing.T) {
	f, srv := newIntegrationFixture(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	echo := func(w *httptest.ResponseRecorder) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("%d %q: %v", w.Code, w.Body, err)
		}
		return m
	}
	w := f.do(t, http.MethodPut, "/v1/proxy/a/b?x=1&x=2", "payload", map[string]string{"X-Custom": "c"})
	got := echo(w)
	if w.Code != 200 || got["method"] != "PUT" || got["rawPath"] != "/base/a/b" || got["query"] != "x=1&x=2" || got["custom"] != "c" ||
		got["stage"] != "stagevalue" || got["body"] != "payload" || got["host"] != host || w.Header().Get("X-Backend") != "yes" ||
		w.Header().Get("X-Amzn-Remapped-Server") != "backend/1.0" || w.Header().Get("Server") != "" {
		t.Errorf("HTTP_PROXY: %d %v %v", w.Code, got, w.Header())
	}
	// The caller's path value stays in its segment: '?', '#' and an
	// encoded slash are escaped, never a new query or path.
	w = f.do(t, http.MethodGet, "/v1/proxy/a%3Fq=1%23f/%252F..", "", nil)
	if got := echo(w); got["rawPath"] != "/base/a%3Fq=1%23f/%252F.." || got["query"] != "" {
		t.Errorf("escaping: %v", got)
	}
	w = f.do(t, http.MethodGet, "/v1/http/42?q=from-caller", "", map[string]string{"Content-Type": "application/json"})
	got = echo(w)
	if w.Code != 200 || got["method"] != "POST" || got["rawPath"] != "/items/42" || got["query"] != "from=from-caller" ||
		got["caller"] != "192.0.2.1" || got["body"] != `{"id": "42"}` || w.Header().Get("X-Backend") != "yes" {
		t.Errorf("HTTP: %d %v %v", w.Code, got, w.Header())
	}
	w = f.do(t, http.MethodGet, "/v1/http/missing", "", nil)
	if w.Code != 404 || w.Body.String() != `{"message": "no such item"}` {
		t.Errorf("HTTP 404 mapping: %d %q", w.Code, w.Body)
	}
	w = f.do(t, http.MethodGet, "/v1/slow", "", nil)
	if w.Code != 504 || w.Body.String() != `{"message": "Endpoint request timed out"}` {
		t.Errorf("timeout: %d %q", w.Code, w.Body)
	}
}

func TestIntegrationURL(t *testing.T) {
	tests := []struct {
		uri  string
		path map[string]string
		want string
		err  bool
	}{
		{uri: "https://example.com/a/{id}", path: map[string]string{"id": "x/../y/."}, want: "https://example.com/a/x/%2E%2E/y/%2E"},
		{uri: "https://example.com/a/{p+}", path: map[string]string{"p": "x/y z"}, want: "https://example.com/a/x/y%20z"},
		{uri: "https://${stageVariables.host}/v", want: "https://backend.example/v"},
		{uri: "https://{host}.example.com/", path: map[string]string{"host": "evil"}, err: true},
		{uri: "ftp://example.com/", err: true},
		{uri: "https://example.com/q?fixed=1", want: "https://example.com/q?fixed=1"},
	}
	for _, tc := range tests {
		got, err := integrationURL(tc.uri, map[string]string{"host": "backend.example"}, tc.path, nil)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("integrationURL(%q) = %q, %v; want %q (error %v)", tc.uri, got, err, tc.want, tc.err)
		}
	}
}

// FuzzIntegrationURL: whatever a caller puts in a path value, the
// endpoint keeps the author's scheme, host and path prefix, gains no query
// or fragment, and no segment of the value is a dot segment.
func FuzzIntegrationURL(f *testing.F) {
	for _, s := range []string{"a", "a/b", "../x", "a?b#c", "%2F", "//evil.com/x", "@evil.com", "é/ü", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := integrationURL("https://backend.example/base/{p+}", nil, map[string]string{"p": v}, nil)
		if err != nil {
			return
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("%q gave an unparsable URL %q", v, got)
		}
		if u.Host != "backend.example" || u.RawQuery != "" || u.Fragment != "" || !strings.HasPrefix(u.EscapedPath(), "/base/") {
			t.Fatalf("%q escaped its place: %q", v, got)
		}
		for _, seg := range strings.Split(strings.TrimPrefix(u.EscapedPath(), "/base/"), "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("%q left a dot segment: %q", v, got)
			}
		}
	})
}

func TestConvertRequestContent(t *testing.T) {
	if b, ok := convertRequestContent(apigw.ContentConvertToText, []byte{0xff, 0x00}, true); !ok || string(b) != "/wA=" {
		t.Errorf("CONVERT_TO_TEXT = %q %v", b, ok)
	}
	if b, ok := convertRequestContent(apigw.ContentConvertToText, []byte("text"), false); !ok || string(b) != "text" {
		t.Errorf("CONVERT_TO_TEXT of text = %q %v", b, ok)
	}
	if b, ok := convertRequestContent(apigw.ContentConvertToBinary, []byte("aGk="), false); !ok || string(b) != "hi" {
		t.Errorf("CONVERT_TO_BINARY = %q %v", b, ok)
	}
	if _, ok := convertRequestContent(apigw.ContentConvertToBinary, []byte("***"), false); ok {
		t.Error("CONVERT_TO_BINARY of non-base64 passed")
	}
}

// A stage variable may name the function of a Lambda integration.
func TestLambdaURIStageVariable(t *testing.T) {
	got := substituteStageVariables("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:Fn:${stageVariables.alias}/invocations", map[string]string{"alias": "live"})
	in := apigw.Integration{URI: got}
	if fn, ok := in.FunctionARN(); !ok || fn != "arn:aws:lambda:us-east-1:000000000000:function:Fn:live" {
		t.Errorf("FunctionARN = %q %v", fn, ok)
	}
}
