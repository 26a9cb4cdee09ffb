package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/httpapi"
)

func ptr[T any](v T) *T { return &v }

// TestStageThrottling: a stage's "*/*" limits are each method's token
// bucket, a method's own entry overrides them, and a refused request gets
// the THROTTLED gateway response, 429 {"message":"Too Many Requests"}
// with x-amzn-ErrorType TooManyRequestsException
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
func TestStageThrottling(t *testing.T) {
	f, _ := newIntegrationFixture(t)
	now := testNow
	f.gw.o.Now = func() time.Time { return now }
	snap, _ := f.gw.o.APIs.Deployed(t.Context(), testAPI, "v1")
	snap.Stage.MethodSettings = map[string]apigw.MethodSettings{
		apigw.AllMethods: {ThrottlingBurstLimit: ptr(2), ThrottlingRateLimit: ptr(1.0)},
		"cors/GET":       {ThrottlingBurstLimit: ptr(0), ThrottlingRateLimit: ptr(0.0)},
	}
	preflight := func() *httptest.ResponseRecorder { return f.do(t, http.MethodOptions, "/v1/cors", "", nil) }
	for i, want := range []int{200, 200, 429} {
		if w := preflight(); w.Code != want {
			t.Fatalf("request %d: %d %s, want %d", i+1, w.Code, w.Body, want)
		}
	}
	w := preflight()
	if w.Body.String() != `{"message":"Too Many Requests"}` || w.Header().Get("x-amzn-ErrorType") != "TooManyRequestsException" {
		t.Errorf("throttled: %d %q %v", w.Code, w.Body, w.Header())
	}
	// Explaining a request spends no token.
	r := httptest.NewRequest(http.MethodOptions, hostURL("/v1/cors"), nil)
	if tr := f.gw.Explain(r); tr.Status == 429 {
		t.Errorf("explain was throttled: %+v", tr)
	}
	now = now.Add(time.Second) // one token back at 1 request per second
	if w := preflight(); w.Code != 200 {
		t.Errorf("after a second: %d %s", w.Code, w.Body)
	}
	if w := preflight(); w.Code != 429 {
		t.Errorf("second after a second: %d %s", w.Code, w.Body)
	}
	// The method's own entry: a burst of 0 refuses every call.
	if w := f.do(t, http.MethodGet, "/v1/cors?code=200", "", nil); w.Code != 429 {
		t.Errorf("GET /cors with burst 0: %d %s", w.Code, w.Body)
	}
	// A method the stage sets nothing for is not throttled by the stage.
	delete(snap.Stage.MethodSettings, apigw.AllMethods)
	for range 3 {
		if w := preflight(); w.Code != 200 {
			t.Fatalf("no stage limit: %d %s", w.Code, w.Body)
		}
	}
}

// TestHTTPAPIRouteThrottling: an HTTP API stage's DefaultRouteSettings
// limit each route, a route's own RouteSettings override them, and a
// refused request is 429 {"message":"Too Many Requests"} without an error
// type (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
func TestHTTPAPIRouteThrottling(t *testing.T) {
	f := newV2Fixture(t)
	now := testNow
	f.gw.o.Now = func() time.Time { return now }
	svc := f.gw.o.HTTPAPIs.(*httpapi.Service)
	if _, err := svc.CreateStage(t.Context(), httpapi.Stage{APIID: f.id, StageName: "limited", AutoDeploy: true,
		DefaultRouteSettings: httpapi.RouteSettings{ThrottlingBurstLimit: ptr(1), ThrottlingRateLimit: ptr(1.0)},
		RouteSettings:        map[string]httpapi.RouteSettings{"GET /slow": {ThrottlingBurstLimit: ptr(0)}}}); err != nil {
		t.Fatal(err)
	}
	open := func() *httptest.ResponseRecorder {
		return f.do(t, "GET", "http://{id}.execute-api.us-east-1.amazonaws.com/limited/open/x", nil)
	}
	if w := open(); w.Code != 200 {
		t.Fatalf("first call: %d %s", w.Code, w.Body)
	}
	w := open()
	if w.Code != 429 || w.Body.String() != `{"message":"Too Many Requests"}` || w.Header().Get("x-amzn-ErrorType") != "" {
		t.Errorf("second call: %d %q %v", w.Code, w.Body, w.Header())
	}
	now = now.Add(time.Second)
	if w := open(); w.Code != 200 {
		t.Errorf("a second later: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, "GET", "http://{id}.execute-api.us-east-1.amazonaws.com/limited/slow", nil); w.Code != 429 {
		t.Errorf("route with burst 0: %d %s", w.Code, w.Body)
	}
	// The other stages set no limits.
	for range 3 {
		if w := f.do(t, "GET", "http://{id}.execute-api.us-east-1.amazonaws.com/prod/open/x", nil); w.Code != 200 {
			t.Fatalf("unlimited stage: %d %s", w.Code, w.Body)
		}
	}
}
