package gateway

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// httpProxyBody is an HTTP API of HTTP_PROXY routes to BACKEND.
const httpProxyBody = `
openapi: 3.0.1
info: {title: proxied, version: "1.0"}
paths:
  /svc/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: ANY, uri: "BACKEND/base/{proxy}", payloadFormatVersion: "1.0"}
  /fixed:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: POST, uri: "BACKEND/other?k=v", payloadFormatVersion: "1.0"}
  /slow:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "BACKEND/slow", payloadFormatVersion: "1.0", timeoutInMillis: 50}
  /gone:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:1/", payloadFormatVersion: "1.0"}
`

// TestHTTPAPIHTTPProxy: an HTTP API's HTTP_PROXY integration passes the
// request to its URI (path variables escaped into their segment, the
// caller's query string and headers, the integration method unless ANY)
// and the endpoint's answer back; its timeout is the HTTP API's 503
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-http.html).
func TestHTTPAPIHTTPProxy(t *testing.T) {
	srv := backend(t)
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := httpapi.New(st, httpapi.Options{AccountID: testAccount, Region: testRegion, Now: func() time.Time { return testNow }})
	ctx := context.Background()
	api, err := svc.CreateAPI(ctx, httpapi.CreateAPIInput{Body: strings.ReplaceAll(httpProxyBody, "BACKEND", srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStage(ctx, httpapi.Stage{APIID: api.APIID, StageName: httpapi.DefaultStage, AutoDeploy: true}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, "")
	gw := New(Options{APIs: fakeAPIs{}, HTTPAPIs: svc, Auth: f.authn, Authz: f.authz, Invoker: f.inv, Region: testRegion,
		AccountID: testAccount, Now: time.Now, Logger: slog.New(slog.NewTextHandler(f.logs, nil))})
	do := func(method, path, body string, header map[string]string) (*httptest.ResponseRecorder, map[string]any) {
		t.Helper()
		r := httptest.NewRequest(method, "http://"+api.APIID+".execute-api.us-east-1.amazonaws.com"+path, strings.NewReader(body))
		for k, v := range header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, r)
		var m map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &m)
		return w, m
	}
	w, got := do(http.MethodPut, "/svc/a/b%3Fx?q=1", "payload", map[string]string{"X-Custom": "c"})
	if w.Code != 200 || got["method"] != "PUT" || got["rawPath"] != "/base/a/b%3Fx" || got["query"] != "q=1" ||
		got["custom"] != "c" || got["body"] != "payload" || w.Header().Get("X-Backend") != "yes" {
		t.Errorf("ANY proxy: %d %v %v", w.Code, got, w.Header())
	}
	w, got = do(http.MethodGet, "/fixed?q=2", "", nil)
	if w.Code != 200 || got["method"] != "POST" || got["rawPath"] != "/other" || got["query"] != "k=v&q=2" {
		t.Errorf("fixed proxy: %d %v", w.Code, got)
	}
	if w, _ := do(http.MethodGet, "/svc/x/missing", "", nil); w.Code != 404 {
		t.Errorf("the endpoint's status is not passed through: %d", w.Code)
	}
	if w, _ := do(http.MethodGet, "/slow", "", nil); w.Code != 503 || w.Body.String() != `{"message":"Service Unavailable"}` {
		t.Errorf("timeout: %d %q", w.Code, w.Body)
	}
	if w, _ := do(http.MethodGet, "/gone", "", nil); w.Code != 500 || w.Body.String() != `{"message":"Internal Server Error"}` {
		t.Errorf("unreachable: %d %q", w.Code, w.Body)
	}
}
