package gateway

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// v2Body is an HTTP API as samtranslator writes one (AWS_IAM on GET
// /hello), plus an open greedy route, a 1.0 route, a fast-timeout route
// and CORS.
const v2Body = `
openapi: 3.0.1
info: {title: http api, version: "1.0"}
components:
  securitySchemes:
    AWS_IAM: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
    jwt:
      type: oauth2
      x-amazon-apigateway-authorizer: {type: jwt, jwtConfiguration: {issuer: "https://issuer.example", audience: [a]}, identitySource: "$request.header.Authorization"}
paths:
  /hello:
    get:
      security: [{AWS_IAM: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, payloadFormatVersion: "2.0", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
  /open/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `"}
  /slow:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `", timeoutInMillis: 50}
  /v1/{id}:
    post:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "1.0", uri: "` + fnARN + `"}
  /jwt:
    get:
      security: [{jwt: [read]}]
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `"}
x-amazon-apigateway-cors: {allowOrigins: ["https://app.example"], allowMethods: [GET, POST], allowHeaders: [authorization], maxAge: 300}
`

type v2fixture struct {
	*fixture
	id string
}

func newV2Fixture(t *testing.T) *v2fixture {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := httpapi.New(st, httpapi.Options{AccountID: testAccount, Region: testRegion, Now: func() time.Time { return testNow }})
	ctx := context.Background()
	api, err := svc.CreateAPI(ctx, httpapi.CreateAPIInput{Body: v2Body})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{httpapi.DefaultStage, "prod"} {
		if _, err := svc.CreateStage(ctx, httpapi.Stage{APIID: api.APIID, StageName: name, AutoDeploy: true,
			StageVariables: map[string]string{"s": name}}); err != nil {
			t.Fatal(err)
		}
	}
	f := newFixture(t, "")
	f.gw = New(Options{
		APIs: fakeAPIs{testAPI + "/v1": testSnapshot(t, "")}, HTTPAPIs: svc,
		Auth: f.authn, Authz: f.authz, Invoker: f.inv, Region: testRegion, AccountID: testAccount,
		Now:    func() time.Time { return testNow },
		Logger: slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	return &v2fixture{fixture: f, id: api.APIID}
}

func (f *v2fixture) do(t *testing.T, method, url string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	if method == "" {
		method = http.MethodGet
	}
	url = strings.ReplaceAll(url, "{id}", f.id)
	req := httptest.NewRequest(method, url, strings.NewReader(""))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.gw.ServeHTTP(rec, req)
	return rec
}

// Bodies: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
// (no route: {"message":"Not Found"}) and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
// (500 Internal Server Error; 503 on an integration timeout).
func TestHTTPAPIServe(t *testing.T) {
	const host = "http://{id}.execute-api.us-east-1.amazonaws.com"
	good := map[string]string{"Authorization": "good"}
	ok := `{"message": "hello world"}`
	tests := []struct {
		name, method, url string
		header            map[string]string
		reply             func(ctx context.Context) ([]byte, string, error)
		status            int
		body              string
		arn               string // the method ARN evaluated, when AWS_IAM
	}{
		{name: "signed, allowed", url: host + "/hello", header: good, status: 200, body: ok,
			arn: "arn:aws:execute-api:us-east-1:000000000000:{id}/$default/GET/hello"},
		{name: "named stage", url: host + "/prod/hello", header: good, status: 200, body: ok,
			arn: "arn:aws:execute-api:us-east-1:000000000000:{id}/prod/GET/hello"},
		{name: "localhost", url: "http://{id}.execute-api.localhost:4566/hello", header: good, status: 200, body: ok},
		{name: "path style", url: "http://127.0.0.1:4566/restapis/{id}/_user_request_/hello", header: good, status: 200, body: ok},
		{name: "path style, $default named", url: "http://127.0.0.1:4566/restapis/{id}/$default/_user_request_/hello", header: good, status: 200, body: ok},
		{name: "path style, REST form of a REST API", url: "http://127.0.0.1:4566/restapis/" + testAPI + "/_user_request_/hello", header: good, status: 403, body: missingToken},
		{name: "path style, named stage", url: "http://127.0.0.1:4566/restapis/{id}/prod/_user_request_/hello", header: good, status: 200, body: ok},
		{name: "unsigned", url: host + "/hello", status: 403, body: `{"message":"Forbidden"}`},
		{name: "denied", url: host + "/hello", header: map[string]string{"Authorization": "denied"}, status: 403, body: `{"message":"Forbidden"}`},
		{name: "signature mismatch", url: host + "/hello", header: map[string]string{"Authorization": "bad"}, status: 403,
			body: mismatchBody("{id}.execute-api.us-east-1.amazonaws.com", "/hello")},
		{name: "no route", url: host + "/nope", status: 404, body: `{"message":"Not Found"}`},
		{name: "method not routed", method: "DELETE", url: host + "/hello", status: 404, body: `{"message":"Not Found"}`},
		{name: "unknown stage on path style", url: "http://127.0.0.1:4566/restapis/{id}/dev/_user_request_/hello", status: 404, body: `{"message":"Not Found"}`},
		{name: "greedy", method: "PUT", url: host + "/open/a/b", status: 200, body: ok},
		{name: "jwt not wired fails closed", url: host + "/jwt", header: map[string]string{"Authorization": "Bearer x"}, status: 500, body: `{"message":"Internal Server Error"}`},
		{name: "function error", url: host + "/open/x", status: 500, body: `{"message":"Internal Server Error"}`,
			reply: func(context.Context) ([]byte, string, error) {
				return []byte(`{"errorMessage":"boom"}`), "Unhandled", nil
			}},
		{name: "not JSON", url: host + "/open/x", status: 500, body: `{"message":"Internal Server Error"}`,
			reply: func(context.Context) ([]byte, string, error) { return []byte(`hello`), "", nil }},
		{name: "timeout", url: host + "/slow", status: 503, body: `{"message":"Service Unavailable"}`,
			reply: func(ctx context.Context) ([]byte, string, error) { <-ctx.Done(); return nil, "", ctx.Err() }},
		// "If your Lambda function returns valid JSON and doesn't return a
		// statusCode, API Gateway makes assumptions" (http-api-develop-integrations-lambda.html).
		{name: "inferred string", url: host + "/open/x", status: 200, body: `Hello from Lambda!`,
			reply: func(context.Context) ([]byte, string, error) { return []byte(`"Hello from Lambda!"`), "", nil }},
		{name: "inferred object", url: host + "/open/x", status: 200, body: `{"message": "Hello from Lambda!"}`,
			reply: func(context.Context) ([]byte, string, error) {
				return []byte(`{"message": "Hello from Lambda!"}`), "", nil
			}},
		{name: "REST API beside", url: "http://" + testAPI + ".execute-api.us-east-1.amazonaws.com/v1/hello", header: good, status: 200, body: ok},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newV2Fixture(t)
			f.inv.reply = tc.reply
			rec := f.do(t, tc.method, tc.url, tc.header)
			if tc.name == "signature mismatch" { // the host the signature covered names the API
				tc.body = mismatchBody(f.id+".execute-api.us-east-1.amazonaws.com", "/hello")
			}
			if rec.Code != tc.status || rec.Body.String() != tc.body {
				t.Fatalf("got %d %s, want %d %s\nlogs:\n%s", rec.Code, rec.Body, tc.status, tc.body, f.logs)
			}
			if strings.Contains(tc.name, "REST") {
				return
			}
			if rec.Header().Get("Apigw-Requestid") == "" || rec.Header().Get("x-amzn-RequestId") != "" || rec.Header().Get("x-amzn-ErrorType") != "" {
				t.Errorf("headers %v: want apigw-requestid only", rec.Header())
			}
			if tc.arn != "" {
				if got, want := f.authz.last.Resource, strings.ReplaceAll(tc.arn, "{id}", f.id); got != want {
					t.Errorf("method ARN %s, want %s", got, want)
				}
			}
		})
	}
}

func TestHTTPAPIEventV2(t *testing.T) {
	f := newV2Fixture(t)
	rec := f.do(t, "GET", "http://{id}.execute-api.us-east-1.amazonaws.com/prod/hello?a=1&a=2&b=x",
		map[string]string{"Authorization": "good", "Cookie": "c1=v1; c2=v2", "User-Agent": "test/1", "X-Custom": "y"})
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var ev map[string]any
	if err := json.Unmarshal(f.inv.payload, &ev); err != nil {
		t.Fatal(err)
	}
	rc := ev["requestContext"].(map[string]any)
	got := map[string]any{
		"version": ev["version"], "routeKey": ev["routeKey"], "rawPath": ev["rawPath"], "rawQueryString": ev["rawQueryString"],
		"cookies": ev["cookies"], "query": ev["queryStringParameters"], "stageVariables": ev["stageVariables"],
		"host": ev["headers"].(map[string]any)["host"], "custom": ev["headers"].(map[string]any)["x-custom"],
		"cookieHeader": ev["headers"].(map[string]any)["cookie"], "stage": rc["stage"], "http": rc["http"],
		"iam": rc["authorizer"].(map[string]any)["iam"], "requestId": rc["requestId"] == rec.Header().Get("Apigw-Requestid"),
		"body": ev["body"], "pathParameters": ev["pathParameters"],
	}
	want := map[string]any{
		"version": "2.0", "routeKey": "GET /hello", "rawPath": "/prod/hello", "rawQueryString": "a=1&a=2&b=x",
		"cookies": []any{"c1=v1", "c2=v2"}, "query": map[string]any{"a": "1,2", "b": "x"}, "stageVariables": map[string]any{"s": "prod"},
		"host": f.id + ".execute-api.us-east-1.amazonaws.com", "custom": "y", "cookieHeader": nil, "stage": "prod",
		"http": map[string]any{"method": "GET", "path": "/prod/hello", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "test/1"},
		"iam": map[string]any{"accessKey": f.ids.keys["good"].ID, "accountId": testAccount, "callerId": f.ids.users["good"].UserID, "cognitoIdentity": nil,
			"principalOrgId": nil, "userArn": userARN, "userId": f.ids.users["good"].UserID},
		"requestId": true, "body": nil, "pathParameters": nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

func TestHTTPAPIEventV1AndResponse(t *testing.T) {
	f := newV2Fixture(t)
	f.inv.reply = func(context.Context) ([]byte, string, error) {
		return []byte(`{"statusCode": 201, "headers": {"X-A": "b"}, "body": "made"}`), "", nil
	}
	rec := f.do(t, "POST", "http://{id}.execute-api.us-east-1.amazonaws.com/v1/42", nil)
	if rec.Code != 201 || rec.Body.String() != "made" || rec.Header().Get("X-A") != "b" {
		t.Fatalf("%d %s %v", rec.Code, rec.Body, rec.Header())
	}
	var ev map[string]any
	_ = json.Unmarshal(f.inv.payload, &ev)
	if ev["version"] != "1.0" || ev["resource"] != "/v1/{id}" || ev["path"] != "/v1/42" ||
		ev["pathParameters"].(map[string]any)["id"] != "42" || ev["requestContext"].(map[string]any)["path"] != "/v1/42" {
		t.Errorf("1.0 event: %s", f.inv.payload)
	}
}

func TestHTTPAPIResponseV2Cookies(t *testing.T) {
	f := newV2Fixture(t)
	f.inv.reply = func(context.Context) ([]byte, string, error) {
		return []byte(`{"statusCode": 200, "cookies": ["a=1", "b=2; Secure"], "headers": {"content-type": "text/plain", "access-control-allow-origin": "*"}, "body": "aGk=", "isBase64Encoded": true}`), "", nil
	}
	rec := f.do(t, "GET", "http://{id}.execute-api.us-east-1.amazonaws.com/open/x", map[string]string{"Origin": "https://app.example"})
	h := rec.Header()
	if rec.Body.String() != "hi" || h.Get("Content-Type") != "text/plain" || !cmp.Equal(h.Values("Set-Cookie"), []string{"a=1", "b=2; Secure"}) {
		t.Fatalf("%d %q %v", rec.Code, rec.Body, h)
	}
	// The API's CORS configuration replaces the function's CORS headers.
	if h.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("Access-Control-Allow-Origin %q", h.Get("Access-Control-Allow-Origin"))
	}
}

// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html:
// API Gateway answers preflight requests itself, with no OPTIONS route and
// before any authorization.
func TestHTTPAPICorsPreflight(t *testing.T) {
	f := newV2Fixture(t)
	rec := f.do(t, "OPTIONS", "http://{id}.execute-api.us-east-1.amazonaws.com/hello",
		map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
	h := rec.Header()
	if rec.Code != 204 || h.Get("Access-Control-Allow-Origin") != "https://app.example" || h.Get("Access-Control-Allow-Methods") != "GET,POST" ||
		h.Get("Access-Control-Allow-Headers") != "authorization" || h.Get("Access-Control-Max-Age") != "300" {
		t.Fatalf("%d %v", rec.Code, h)
	}
	if f.inv.payload != nil {
		t.Error("preflight invoked the function")
	}
	rec = f.do(t, "OPTIONS", "http://{id}.execute-api.us-east-1.amazonaws.com/hello",
		map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %d %v", rec.Code, rec.Header())
	}
}

func TestHTTPAPIPermission(t *testing.T) {
	f := newV2Fixture(t)
	// The fake authorizer refuses the service principal: API Gateway may
	// not call the function, which an HTTP API answers with a 500.
	f.gw.o.FunctionPolicies = fakeFunctionPolicies{fnARN: `{"Version":"2012-10-17","Statement":[]}`}
	rec := f.do(t, "GET", "http://{id}.execute-api.us-east-1.amazonaws.com/open/x", nil)
	if rec.Code != 500 || rec.Body.String() != `{"message":"Internal Server Error"}` || f.inv.payload != nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if got := f.authz.last.Context["aws:SourceArn"]; len(got) != 1 || got[0] != "arn:aws:execute-api:us-east-1:000000000000:"+f.id+"/$default/GET/open/x" {
		t.Errorf("aws:SourceArn %v", got)
	}
}

// A disabled default endpoint still answers, with 403 Forbidden
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html;
// the HTTP API page, http-api-disable-default-endpoint.html, applies the
// setting to every stage without naming the status). SAM writes the
// setting into the body's servers.
func TestHTTPAPIDisabledEndpoint(t *testing.T) {
	f := newV2Fixture(t)
	svc := f.gw.o.HTTPAPIs.(*httpapi.Service)
	ctx := context.Background()
	body := strings.Replace(v2Body, "paths:", "servers:\n  - x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}\npaths:", 1)
	api, err := svc.CreateAPI(ctx, httpapi.CreateAPIInput{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStage(ctx, httpapi.Stage{APIID: api.APIID, StageName: httpapi.DefaultStage, AutoDeploy: true}); err != nil {
		t.Fatal(err)
	}
	f.id = api.APIID
	rec := f.do(t, "GET", "http://{id}.execute-api.us-east-1.amazonaws.com/open/x", nil)
	if rec.Code != 403 || rec.Body.String() != `{"message":"Forbidden"}` || f.inv.payload != nil {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
}

// The 2.0 event of an AWS_IAM route carries every key of aws-lambda-go's
// apigw-v2-request-iam.json with the same JSON type, and nothing the sample
// lacks; requestContext.authentication is mutual TLS, which iamgate does
// not serve, and cognitoIdentity/principalOrgId are null here (no identity
// pools, no organizations). The sample's route has a path variable; /hello
// has none, so pathParameters is absent, as AWS leaves it.
func TestHTTPAPIEventV2Shape(t *testing.T) {
	var ref any
	if err := json.Unmarshal(conformanceFile(t, "lambda/aws-lambda-go-events/apigw-v2-request-iam.json"), &ref); err != nil {
		t.Fatal(err)
	}
	f := newV2Fixture(t)
	r := httptest.NewRequest("GET", "http://"+f.id+".execute-api.us-east-1.amazonaws.com/hello?parameter1=value1&parameter1=value2&parameter2=value",
		strings.NewReader(`{"a": 1}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "good")
	r.Header.Set("Cookie", "cookie1; cookie2")
	got := f.event(t, r)
	sameShape(t, "apigw-v2-request-iam.json", ref, got, map[string]bool{"requestContext.authentication": true, "pathParameters": true})
}

// An open route's event, GET without query, cookies or body: the keys of
// apigw-v2-request-no-authorizer.json, no authorizer, no body.
func TestHTTPAPIEventV2ShapeOpen(t *testing.T) {
	var ref any
	if err := json.Unmarshal(conformanceFile(t, "lambda/aws-lambda-go-events/apigw-v2-request-no-authorizer.json"), &ref); err != nil {
		t.Fatal(err)
	}
	f := newV2Fixture(t)
	r := httptest.NewRequest("GET", "http://"+f.id+".execute-api.us-east-1.amazonaws.com/open/x", nil)
	got := f.event(t, r)
	// The sample's $default route has no path variable; /open/{proxy+} has one.
	sameShape(t, "apigw-v2-request-no-authorizer.json", ref, got, map[string]bool{"requestContext.authentication": true, "pathParameters": true, "stageVariables": true})
}

func sameShape(t *testing.T, name string, ref, got any, skip map[string]bool) {
	t.Helper()
	want, have := map[string]string{}, map[string]string{}
	shape("", ref, skip, intoV2, want)
	shape("", got, skip, intoV2, have)
	var diff []string
	underNull := func(k string) bool { // a key inside an object sent as null
		for i := strings.LastIndexByte(k, '.'); i > 0; i = strings.LastIndexByte(k[:i], '.') {
			if have[k[:i]] == "null" {
				return true
			}
		}
		return false
	}
	for k, typ := range want {
		h, ok := have[k]
		if (!ok && !underNull(k)) || (ok && h != typ && h != "null") {
			diff = append(diff, k+": want "+typ+", got "+h)
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok {
			diff = append(diff, k+": not in the sample")
		}
	}
	slices.Sort(diff)
	if len(diff) > 0 {
		t.Errorf("event keys differ from %s:\n%s", name, strings.Join(diff, "\n"))
	}
}

// intoV2 walks every object of a format 2.0 event but the maps whose keys
// are the request's own (headers, parameters, variables).
func intoV2(p string) bool {
	switch p {
	case "headers", "queryStringParameters", "stageVariables", "pathParameters":
		return false
	}
	return true
}

// `iamgate why URL` explains an HTTP API request without invoking it: the
// route, the v2 method ARN, the decision and AWS's answer.
func TestHTTPAPIExplain(t *testing.T) {
	f := newV2Fixture(t)
	r := httptest.NewRequest("GET", "http://"+f.id+".execute-api.us-east-1.amazonaws.com/prod/hello", nil)
	r.Header.Set("Authorization", "good")
	ok := f.gw.Explain(r)
	if ok.Route != "GET /hello" || ok.Stage != "prod" || !ok.DryRun || ok.Invoked || f.inv.payload != nil || ok.Decision != "Allow" ||
		ok.Resource != "arn:aws:execute-api:us-east-1:000000000000:"+f.id+"/prod/GET/hello" {
		t.Errorf("allowed trace: %+v", ok)
	}
	r = httptest.NewRequest("GET", "http://"+f.id+".execute-api.us-east-1.amazonaws.com/hello", nil)
	r.Header.Set("Authorization", "denied")
	denied := f.gw.Explain(r)
	if denied.Status != 403 || denied.Response != `{"message":"Forbidden"}` || denied.Decision != "ExplicitDeny" ||
		denied.Resource != "arn:aws:execute-api:us-east-1:000000000000:"+f.id+"/$default/GET/hello" {
		t.Errorf("denied trace: %+v", denied)
	}
}
