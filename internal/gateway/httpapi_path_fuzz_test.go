package gateway

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// fuzzV2Body has every kind of route: literal, {param}, {greedy+}, a
// literal beside a parameter, ANY, the root and $default; all AWS_IAM.
const fuzzV2Body = `
openapi: 3.0.1
info: {title: fuzz, version: "1"}
security: [{iam: []}]
components: {securitySchemes: {iam: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}}}
paths:
  /: {get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "` + fnARN + `"}}}
  /items/{id}: {get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "` + fnARN + `"}}}
  /items/special: {get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "` + fnARN + `"}}}
  /items/{id}/tags: {x-amazon-apigateway-any-method: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "` + fnARN + `"}}}
  /files/{path+}: {get: {x-amazon-apigateway-integration: {type: aws_proxy, uri: "` + fnARN + `"}}}
  $default: {x-amazon-apigateway-any-method: {isDefaultRoute: true, x-amazon-apigateway-integration: {type: aws_proxy, uri: "` + fnARN + `"}}}
`

// FuzzHTTPAPIAuthorizedIsServed is FuzzAuthorizedIsServed for HTTP APIs:
// whenever a function is invoked, the v2 method ARN that was authorized
// names exactly the method, stage and path the event carries, and the
// event's route is the one that path selects.
func FuzzHTTPAPIAuthorizedIsServed(f *testing.F) {
	for _, s := range []struct {
		method, path string
		pathStyle    bool
	}{
		{"GET", "/items/42", false}, {"GET", "/prod/items/42", false}, {"GET", "/items/42%2F", true},
		{"GET", "//items//42", false}, {"GET", "/items/x/../42", true}, {"PATCH", "/items/42/tags", false},
		{"GET", "/files/a/b%2Fc/../d", false}, {"GET", "/", false}, {"POST", "/anything/else", true},
		{"GET", "/prod", false}, {"GET", "/items/%E2%82%AC", false}, {"get", "/items/1", false},
	} {
		f.Add(s.method, s.path, s.pathStyle)
	}
	st, err := sqlite.Open(filepath.Join(f.TempDir(), "db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	svc := httpapi.New(st, httpapi.Options{AccountID: testAccount, Region: testRegion, Now: time.Now, DeployedTTL: time.Hour})
	ctx := context.Background()
	api, err := svc.CreateAPI(ctx, httpapi.CreateAPIInput{Body: fuzzV2Body})
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{httpapi.DefaultStage, "prod"} {
		if _, err := svc.CreateStage(ctx, httpapi.Stage{APIID: api.APIID, StageName: name, AutoDeploy: true}); err != nil {
			f.Fatal(err)
		}
	}
	ids := newTestIAM(f)
	authz := &recordingAuthorizer{Authorizer: ids.Auth}
	inv := &fakeInvoker{}
	gw := New(Options{APIs: fakeAPIs{}, HTTPAPIs: svc, Auth: verified{ids.verifiedCaller(f, "good")}, Authz: authz, Invoker: inv,
		Region: testRegion, AccountID: testAccount, TraceSize: -1})
	prefix := "arn:aws:execute-api:" + testRegion + ":" + testAccount + ":" + api.APIID + "/"

	f.Fuzz(func(t *testing.T, method, path string, pathStyle bool) {
		host := api.APIID + ".execute-api.us-east-1.amazonaws.com"
		if pathStyle {
			if !strings.HasPrefix(path, "/") {
				return
			}
			host, path = "127.0.0.1:4566", "/restapis/"+api.APIID+"/_user_request_"+path
		}
		if !fuzzServe(t, gw, authz, inv, method, host, path) {
			return
		}
		var ev struct {
			RouteKey       string            `json:"routeKey"`
			RawPath        string            `json:"rawPath"`
			PathParameters map[string]string `json:"pathParameters"`
			RequestContext struct {
				Stage string                  `json:"stage"`
				HTTP  struct{ Method string } `json:"http"`
			} `json:"requestContext"`
		}
		if err := json.Unmarshal(inv.payload, &ev); err != nil {
			t.Fatal(err)
		}
		stage := ev.RequestContext.Stage
		served := ev.RawPath
		if stage != httpapi.DefaultStage {
			served = strings.TrimPrefix(served, "/"+stage)
		}
		if ev.RequestContext.HTTP.Method != method {
			t.Fatalf("served method %q for %q", ev.RequestContext.HTTP.Method, method)
		}
		want := prefix + stage + "/" + method + "/" + strings.Trim(served, "/")
		if authz.last.Resource != want {
			t.Fatalf("%s %s: authorized %q, served %s %s on %s", method, path, authz.last.Resource, method, served, stage)
		}
		snap, err := svc.Deployed(ctx, api.APIID, stage)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for p := range strings.SplitSeq(served, "/") {
			if p != "" {
				parts = append(parts, p)
			}
		}
		route, params, ok := snap.Match(method, parts)
		if !ok || route.RouteKey != ev.RouteKey || len(params) != len(ev.PathParameters) {
			t.Fatalf("%s %s: the ARN's path selects %v %v, the event has %s %v", method, path, route, params, ev.RouteKey, ev.PathParameters)
		}
		for k, v := range params {
			if ev.PathParameters[k] != v {
				t.Fatalf("param %s: %q vs %q", k, v, ev.PathParameters[k])
			}
		}
	})
}
