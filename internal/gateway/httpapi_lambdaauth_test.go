package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// v2AuthBody has routes behind a payload 2.0 simple-response authorizer
// (cached 60 s), a 2.0 IAM-policy authorizer and a 1.0 authorizer.
const v2AuthBody = `
openapi: 3.0.1
info: {title: http api auth, version: "1.0"}
components:
  securitySchemes:
    simple:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + authFnARN + `/invocations"
        authorizerPayloadFormatVersion: "2.0"
        enableSimpleResponses: true
        identitySource: ["$request.header.Authorization"]
        authorizerResultTtlInSeconds: 60
    policy:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + authFnARN + `/invocations"
        authorizerPayloadFormatVersion: "2.0"
        identitySource: ["$request.header.Authorization", "$request.querystring.q"]
    v1:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + authFnARN + `/invocations"
        authorizerPayloadFormatVersion: "1.0"
        identitySource: ["$request.header.Authorization"]
paths:
  /simple:
    get:
      security: [{simple: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `"}
  /policy:
    get:
      security: [{policy: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `"}
  /v1:
    get:
      security: [{v1: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `"}
`

func newV2AuthFixture(t *testing.T) (*authFixture, string) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &authFixture{inv: &scriptedInvoker{}, now: testNow}
	now := func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
	svc := httpapi.New(st, httpapi.Options{AccountID: testAccount, Region: testRegion, Now: now})
	ctx := context.Background()
	api, err := svc.CreateAPI(ctx, httpapi.CreateAPIInput{Body: v2AuthBody})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStage(ctx, httpapi.Stage{APIID: api.APIID, StageName: httpapi.DefaultStage, AutoDeploy: true}); err != nil {
		t.Fatal(err)
	}
	f.api = api.APIID
	ids := newTestIAM(t)
	f.ids = ids
	f.gw = New(Options{APIs: fakeAPIs{}, HTTPAPIs: svc, Auth: &signingClients{ids: ids}, Authz: ids.Auth, Invoker: f.inv,
		Region: testRegion, AccountID: testAccount, Now: now, Logger: slog.New(slog.DiscardHandler)})
	return f, api.APIID
}

func (f *authFixture) getV2(path string, header map[string]string) wantResp {
	r := httptest.NewRequest("GET", "http://"+f.api+".execute-api.us-east-1.amazonaws.com"+path, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	return wantResp{w.Code, w.Header().Get("x-amzn-ErrorType"), w.Body.String()}
}

// HTTP API answers (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html):
// 401 {"message":"Unauthorized"} for a missing identity source, 403
// {"message":"Forbidden"} for a refusal, 500 {"message":"Internal Server
// Error"} for a failing authorizer; no x-amzn-ErrorType.
func TestHTTPAPILambdaAuthorizer(t *testing.T) {
	f, id := newV2AuthFixture(t)
	var answer []byte
	f.inv.auth = func([]byte) ([]byte, string, error) { return answer, "", nil }
	routeARN := "arn:aws:execute-api:us-east-1:000000000000:" + id + "/$default/GET/"
	tests := []struct {
		name, path string
		header     map[string]string
		answer     string
		want       wantResp
	}{
		{"simple allow", "/simple", map[string]string{"Authorization": "a"}, `{"isAuthorized":true,"context":{"user":{"id":7}}}`, wantResp{200, "", "ok"}},
		{"simple deny", "/simple", map[string]string{"Authorization": "b"}, `{"isAuthorized":false}`, wantResp{403, "", `{"message":"Forbidden"}`}},
		{"identity source missing", "/simple", nil, "", wantResp{401, "", `{"message":"Unauthorized"}`}},
		{"simple answer malformed", "/simple", map[string]string{"Authorization": "c"}, `{"isAuthorized":"yes"}`, wantResp{500, "", `{"message":"Internal Server Error"}`}},
		{"policy allow", "/policy?q=1", map[string]string{"Authorization": "a"},
			`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"` + routeARN + `policy"}]},"context":{"k":"v"}}`,
			wantResp{200, "", "ok"}},
		{"policy for another route", "/policy?q=1", map[string]string{"Authorization": "a"},
			`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"` + routeARN + `simple"}]}}`,
			wantResp{403, "", `{"message":"Forbidden"}`}},
		{"second identity source missing", "/policy", map[string]string{"Authorization": "a"}, "", wantResp{401, "", `{"message":"Unauthorized"}`}},
		{"payload 1.0 allow", "/v1", map[string]string{"Authorization": "z"},
			`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}}`,
			wantResp{200, "", "ok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			answer = []byte(tc.answer)
			got := f.getV2(tc.path, tc.header)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(wantResp{})); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

// The 2.0 event carries routeArn and the identity values; the 1.0 event
// is the REST REQUEST event with version, identitySource and
// authorizationToken (../shared/conformance/lambda/aws-lambda-go-events/apigw-v2-custom-authorizer-v*-request.json);
// the context reaches the integration under requestContext.authorizer.lambda;
// a simple answer is cached for its TTL.
func TestHTTPAPILambdaAuthorizerEvents(t *testing.T) {
	f, id := newV2AuthFixture(t)
	f.inv.auth = func([]byte) ([]byte, string, error) {
		return []byte(`{"isAuthorized":true,"context":{"user":{"id":7},"n":1}}`), "", nil
	}
	if got := f.getV2("/simple", map[string]string{"Authorization": "tok"}); got.status != 200 {
		t.Fatalf("response %+v", got)
	}
	var ev map[string]any
	if err := json.Unmarshal(f.inv.authEvent, &ev); err != nil {
		t.Fatal(err)
	}
	if ev["version"] != "2.0" || ev["type"] != "REQUEST" || ev["routeArn"] != "arn:aws:execute-api:us-east-1:000000000000:"+id+"/$default/GET/simple" ||
		ev["routeKey"] != "GET /simple" || ev["rawPath"] != "/simple" || !cmp.Equal(ev["identitySource"], []any{"tok"}) {
		t.Errorf("2.0 event = %v", ev)
	}
	var in struct {
		RequestContext struct {
			Authorizer map[string]any `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(f.inv.event, &in); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"lambda": map[string]any{"user": map[string]any{"id": float64(7)}, "n": float64(1)}}
	if diff := cmp.Diff(want, in.RequestContext.Authorizer); diff != "" {
		t.Errorf("requestContext.authorizer (-want +got):\n%s", diff)
	}
	f.getV2("/simple", map[string]string{"Authorization": "tok"})
	if f.inv.authCalls != 1 {
		t.Errorf("cached answer not used: %d calls", f.inv.authCalls)
	}
	f.advance(60 * time.Second)
	f.getV2("/simple", map[string]string{"Authorization": "tok"})
	if f.inv.authCalls != 2 {
		t.Errorf("TTL not honoured: %d calls", f.inv.authCalls)
	}

	f.inv.auth = func([]byte) ([]byte, string, error) {
		return []byte(`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}}`), "", nil
	}
	if got := f.getV2("/v1", map[string]string{"Authorization": "t1"}); got.status != 200 {
		t.Fatalf("1.0 response %+v", got)
	}
	ev = nil
	if err := json.Unmarshal(f.inv.authEvent, &ev); err != nil {
		t.Fatal(err)
	}
	if ev["version"] != "1.0" || ev["type"] != "REQUEST" || ev["identitySource"] != "t1" || ev["authorizationToken"] != "t1" ||
		ev["methodArn"] != "arn:aws:execute-api:us-east-1:000000000000:"+id+"/$default/GET/v1" {
		t.Errorf("1.0 event = %v", ev)
	}
}

// The authorizer function's failures on an HTTP API: its "Unauthorized"
// error is 401, any other error, an invoke failure or an explicit Deny
// give the v2 answers, never a REST body
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html).
func TestHTTPAPILambdaAuthorizerFailures(t *testing.T) {
	f, id := newV2AuthFixture(t)
	routeARN := "arn:aws:execute-api:us-east-1:000000000000:" + id + "/$default/GET/policy"
	for _, tc := range []struct {
		name   string
		answer func([]byte) ([]byte, string, error)
		want   wantResp
	}{
		{"function says Unauthorized", func([]byte) ([]byte, string, error) {
			return []byte(`{"errorMessage":"Unauthorized","errorType":"Error"}`), "Unhandled", nil
		}, wantResp{401, "", `{"message":"Unauthorized"}`}},
		{"function fails", func([]byte) ([]byte, string, error) {
			return []byte(`{"errorMessage":"boom"}`), "Unhandled", nil
		}, wantResp{500, "", `{"message":"Internal Server Error"}`}},
		{"invoke fails", func([]byte) ([]byte, string, error) { return nil, "", fmt.Errorf("no runtime") },
			wantResp{500, "", `{"message":"Internal Server Error"}`}},
		{"explicit deny", func([]byte) ([]byte, string, error) {
			return []byte(`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Deny","Resource":"` + routeARN + `"}]}}`), "", nil
		}, wantResp{403, "", `{"message":"Forbidden"}`}},
		{"not JSON", func([]byte) ([]byte, string, error) { return []byte(`nope`), "", nil },
			wantResp{500, "", `{"message":"Internal Server Error"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.inv.auth = tc.answer
			got := f.getV2("/policy?q="+strings.ReplaceAll(tc.name, " ", "-"), map[string]string{"Authorization": "a"})
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(wantResp{})); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}
