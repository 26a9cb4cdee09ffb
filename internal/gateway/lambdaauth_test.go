package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

func newAuthStore(t testing.TB) store.Store {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

const authFnARN = "arn:aws:lambda:us-east-1:000000000000:function:AuthFunction"

// authDefinition has a TOKEN-authorized, a REQUEST-authorized and a
// greedy TOKEN-authorized method.
var authDefinition = `
swagger: "2.0"
info: {title: auth api, version: "1"}
paths:
  /pets:
    get:
      security: [{TokenAuth: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
  /pets/{id}:
    get:
      security: [{TokenAuth: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
  /req:
    get:
      security: [{RequestAuth: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
securityDefinitions:
  TokenAuth:
    type: apiKey
    name: Authorization
    in: header
    x-amazon-apigateway-authtype: custom
    x-amazon-apigateway-authorizer:
      type: token
      authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + authFnARN + `/invocations"
      identityValidationExpression: "Bearer .+"
  RequestAuth:
    type: apiKey
    name: Unused
    in: header
    x-amazon-apigateway-authtype: custom
    x-amazon-apigateway-authorizer:
      type: request
      authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + authFnARN + `/invocations"
      identitySource: "method.request.header.X-User, method.request.querystring.tenant"
      authorizerResultTtlInSeconds: 60
`

// authSnapshot imports authDefinition through the apigw service, so
// methods name their authorizers by id as deployed.
func authSnapshot(t testing.TB, policy string) *apigw.Snapshot {
	t.Helper()
	svc := apigw.New(newAuthStore(t), apigw.Options{AccountID: testAccount, Region: testRegion, Now: func() time.Time { return testNow }})
	ctx := context.Background()
	api, err := svc.CreateRestAPI(ctx, apigw.CreateRestAPIInput{Name: "auth", Body: authDefinition, Policy: policy})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateDeployment(ctx, api.ID, "v1", ""); err != nil {
		t.Fatal(err)
	}
	snap, err := svc.Deployed(ctx, api.ID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// scriptedInvoker answers the authorizer function with auth and counts its
// calls; the integration function answers hello and keeps its event.
type scriptedInvoker struct {
	mu        sync.Mutex
	auth      func(event []byte) ([]byte, string, error)
	authCalls int
	authEvent []byte
	event     []byte
}

func (s *scriptedInvoker) InvokeFunction(_ context.Context, fn string, payload []byte) ([]byte, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn == authFnARN {
		s.authCalls++
		s.authEvent = payload
		return s.auth(payload)
	}
	s.event = payload
	return []byte(`{"statusCode":200,"body":"ok"}`), "", nil
}

func policyAnswer(principal, effect, resource string) []byte {
	return []byte(`{"principalId":"` + principal + `","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"` + effect + `","Resource":"` + resource + `"}]},"context":{"user":"alice","n":7,"admin":false}}`)
}

type authFixture struct {
	gw  *Gateway
	inv *scriptedInvoker
	api string
	now time.Time
	mu  sync.Mutex
	ids *testIAM
}

func newAuthFixture(t testing.TB, policy string, fnPolicies FunctionPolicies) *authFixture {
	return newAuthFixtureWith(t, authSnapshot(t, policy), fnPolicies)
}

func newAuthFixtureWith(t testing.TB, snap *apigw.Snapshot, fnPolicies FunctionPolicies) *authFixture {
	ids := newTestIAM(t)
	f := &authFixture{inv: &scriptedInvoker{}, api: snap.API.ID, now: testNow, ids: ids}
	f.gw = New(Options{
		APIs:             fakeAPIs{snap.API.ID + "/v1": snap},
		Auth:             &signingClients{ids: ids},
		Authz:            ids.Auth,
		Invoker:          f.inv,
		Region:           testRegion,
		AccountID:        testAccount,
		Now:              func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now },
		Logger:           slog.New(slog.DiscardHandler),
		FunctionPolicies: fnPolicies,
	})
	return f
}

func (f *authFixture) advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }

func (f *authFixture) get(path string, header map[string]string) wantResp {
	r := httptest.NewRequest("GET", "http://"+f.api+".execute-api.us-east-1.amazonaws.com/v1"+path, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	return wantResp{w.Code, w.Header().Get("x-amzn-ErrorType"), w.Body.String()}
}

const (
	unauthorized = `{"message":"Unauthorized"}`
	authFailure  = `{"message": null}`
)

// Each answer of a TOKEN authorizer, as API Gateway gives it (sources in
// lambdaauth.go and internal/awserr).
func TestTokenAuthorizer(t *testing.T) {
	arn := func(f *authFixture, rest string) string {
		return "arn:aws:execute-api:us-east-1:000000000000:" + f.api + rest
	}
	tests := []struct {
		name      string
		header    map[string]string
		answer    func(f *authFixture) ([]byte, string, error)
		want      wantResp
		wantCalls int
	}{
		{"no token", nil, nil, wantResp{401, "UnauthorizedException", unauthorized}, 0},
		{"token fails the validation expression", map[string]string{"Authorization": "Basic abc"}, nil,
			wantResp{401, "UnauthorizedException", unauthorized}, 0},
		{"allow", map[string]string{"Authorization": "Bearer t1"},
			func(f *authFixture) ([]byte, string, error) {
				return policyAnswer("u1", "Allow", arn(f, "/v1/GET/pets")), "", nil
			},
			wantResp{200, "", "ok"}, 1},
		{"explicit deny", map[string]string{"Authorization": "Bearer t1"},
			func(f *authFixture) ([]byte, string, error) { return policyAnswer("u1", "Deny", arn(f, "/*")), "", nil },
			wantResp{403, "AccessDeniedException", `{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}`}, 1},
		{"implicit deny", map[string]string{"Authorization": "Bearer t1"},
			func(f *authFixture) ([]byte, string, error) {
				return policyAnswer("u1", "Allow", arn(f, "/v1/POST/pets")), "", nil
			},
			wantResp{403, "AccessDeniedException", `{"Message":"User is not authorized to access this resource"}`}, 1},
		{"function says Unauthorized", map[string]string{"Authorization": "Bearer t1"},
			func(*authFixture) ([]byte, string, error) {
				return []byte(`{"errorMessage":"Unauthorized","errorType":"Exception"}`), "Unhandled", nil
			},
			wantResp{401, "UnauthorizedException", unauthorized}, 1},
		{"function fails", map[string]string{"Authorization": "Bearer t1"},
			func(*authFixture) ([]byte, string, error) { return []byte(`{"errorMessage":"boom"}`), "Unhandled", nil },
			wantResp{500, "AuthorizerConfigurationException", authFailure}, 1},
		{"invalid answer", map[string]string{"Authorization": "Bearer t1"},
			func(*authFixture) ([]byte, string, error) { return []byte(`{"principalId":"u"}`), "", nil },
			wantResp{500, "AuthorizerConfigurationException", authFailure}, 1},
		{"invoke error", map[string]string{"Authorization": "Bearer t1"},
			func(*authFixture) ([]byte, string, error) { return nil, "", fmt.Errorf("no runtime") },
			wantResp{500, "AuthorizerConfigurationException", authFailure}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, "", nil)
			f.inv.auth = func([]byte) ([]byte, string, error) { return tc.answer(f) }
			got := f.get("/pets", tc.header)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(wantResp{})); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if f.inv.authCalls != tc.wantCalls {
				t.Errorf("authorizer called %d times, want %d", f.inv.authCalls, tc.wantCalls)
			}
		})
	}
}

// The TOKEN event is AWS's shape, and what an allowing authorizer returns
// reaches the integration as requestContext.authorizer.
func TestTokenAuthorizerEvents(t *testing.T) {
	f := newAuthFixture(t, "", nil)
	f.inv.auth = func([]byte) ([]byte, string, error) {
		return policyAnswer("user-1", "Allow", "arn:aws:execute-api:us-east-1:000000000000:"+f.api+"/v1/GET/*"), "", nil
	}
	if got := f.get("/pets/7", map[string]string{"Authorization": "Bearer abc"}); got.status != 200 {
		t.Fatalf("response %+v", got)
	}
	var tok map[string]any
	if err := json.Unmarshal(f.inv.authEvent, &tok); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "TOKEN", "authorizationToken": "Bearer abc",
		"methodArn": "arn:aws:execute-api:us-east-1:000000000000:" + f.api + "/v1/GET/pets/7"}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("TOKEN event (-want +got):\n%s", diff)
	}
	var ev struct {
		RequestContext struct {
			Authorizer map[string]any `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(f.inv.event, &ev); err != nil {
		t.Fatal(err)
	}
	wantAuth := map[string]any{"principalId": "user-1", "user": "alice", "n": float64(7), "admin": false, "integrationLatency": float64(0)}
	if diff := cmp.Diff(wantAuth, ev.RequestContext.Authorizer); diff != "" {
		t.Errorf("requestContext.authorizer (-want +got):\n%s", diff)
	}
}

// Cached answers are used for the TTL (300 s by default) without calling
// the function, and the cached policy is matched against each new method
// ARN: a policy naming one path denies another within the TTL
// (https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors).
func TestAuthorizerCache(t *testing.T) {
	f := newAuthFixture(t, "", nil)
	f.inv.auth = func([]byte) ([]byte, string, error) {
		return policyAnswer("u", "Allow", "arn:aws:execute-api:us-east-1:000000000000:"+f.api+"/v1/GET/pets/1"), "", nil
	}
	tok := map[string]string{"Authorization": "Bearer same"}
	for range 3 {
		if got := f.get("/pets/1", tok); got.status != 200 {
			t.Fatalf("response %+v", got)
		}
	}
	if f.inv.authCalls != 1 {
		t.Errorf("authorizer called %d times for one token, want 1", f.inv.authCalls)
	}
	if got := f.get("/pets/2", tok); got.status != 403 || !strings.Contains(got.body, "not authorized to access this resource") {
		t.Errorf("cached policy for /pets/1 applied to /pets/2: %+v", got)
	}
	if f.inv.authCalls != 1 {
		t.Errorf("cache not used for another path: %d calls", f.inv.authCalls)
	}
	if f.get("/pets/1", map[string]string{"Authorization": "Bearer other"}); f.inv.authCalls != 2 {
		t.Errorf("another token did not call the authorizer: %d calls", f.inv.authCalls)
	}
	f.advance(299 * time.Second)
	f.get("/pets/1", tok)
	if f.inv.authCalls != 2 {
		t.Errorf("called again within the TTL: %d calls", f.inv.authCalls)
	}
	f.advance(time.Second)
	f.get("/pets/1", tok)
	if f.inv.authCalls != 3 {
		t.Errorf("not called again after the TTL: %d calls", f.inv.authCalls)
	}
	// Errors are not cached.
	f.inv.auth = func([]byte) ([]byte, string, error) {
		return []byte(`{"errorMessage":"Unauthorized"}`), "Unhandled", nil
	}
	f.get("/pets/1", map[string]string{"Authorization": "Bearer bad"})
	f.get("/pets/1", map[string]string{"Authorization": "Bearer bad"})
	if f.inv.authCalls != 5 {
		t.Errorf("an Unauthorized answer was cached: %d calls", f.inv.authCalls)
	}
}

// A REQUEST authorizer reads every identity source (a missing one is 401
// without a call), receives the full request, and caches per value set.
func TestRequestAuthorizer(t *testing.T) {
	f := newAuthFixture(t, "", nil)
	f.inv.auth = func([]byte) ([]byte, string, error) {
		return policyAnswer("u", "Allow", "arn:aws:execute-api:*:*:"+f.api+"/*"), "", nil
	}
	if got := f.get("/req", map[string]string{"X-User": "alice"}); got.status != 401 || got.body != unauthorized || f.inv.authCalls != 0 {
		t.Errorf("missing query identity source: %+v, %d calls", got, f.inv.authCalls)
	}
	if got := f.get("/req?tenant=", map[string]string{"X-User": "alice"}); got.status != 401 || f.inv.authCalls != 0 {
		t.Errorf("empty query identity source: %+v", got)
	}
	if got := f.get("/req?tenant=t1", map[string]string{"X-User": "alice"}); got.status != 200 {
		t.Fatalf("response %+v", got)
	}
	var ev map[string]any
	if err := json.Unmarshal(f.inv.authEvent, &ev); err != nil {
		t.Fatal(err)
	}
	if ev["type"] != "REQUEST" || ev["methodArn"] != "arn:aws:execute-api:us-east-1:000000000000:"+f.api+"/v1/GET/req" ||
		ev["resource"] != "/req" || ev["httpMethod"] != "GET" || ev["path"] != "/req" {
		t.Errorf("REQUEST event = %v", ev)
	}
	if q, _ := ev["queryStringParameters"].(map[string]any); q["tenant"] != "t1" {
		t.Errorf("queryStringParameters = %v", ev["queryStringParameters"])
	}
	if h, _ := ev["headers"].(map[string]any); h["X-User"] != "alice" {
		t.Errorf("headers = %v", ev["headers"])
	}
	if rc, _ := ev["requestContext"].(map[string]any); rc["resourcePath"] != "/req" || rc["stage"] != "v1" {
		t.Errorf("requestContext = %v", ev["requestContext"])
	}
	f.get("/req?tenant=t1", map[string]string{"X-User": "alice"})
	f.get("/req?tenant=t2", map[string]string{"X-User": "alice"})
	if f.inv.authCalls != 2 {
		t.Errorf("authorizer calls = %d, want 2 (one per identity value set)", f.inv.authCalls)
	}
}

// API Gateway calls the authorizer only if the function's resource policy
// lets apigateway.amazonaws.com invoke it for .../authorizers/{id} (what
// SAM's AuthorizerPermission grants); otherwise 500.
func TestAuthorizerPermission(t *testing.T) {
	allowFor := func(source string) string {
		c := functions.Config{ARN: authFnARN, Policy: []functions.Permission{{Sid: "MyApiTokenAuthAuthorizerPermission", Action: "lambda:InvokeFunction",
			Principal: "apigateway.amazonaws.com", SourceArn: source}}}
		return c.PolicyDocument()
	}
	integration := lambdaPolicy("arn:aws:execute-api:us-east-1:000000000000:*/*/GET/pets")
	for _, tc := range []struct {
		name, policy string
		want         int
	}{
		{"allowed for the API's authorizers", allowFor("arn:aws:execute-api:us-east-1:000000000000:*/authorizers/*"), 200},
		{"allowed for methods only", allowFor("arn:aws:execute-api:us-east-1:000000000000:*/*/GET/*"), 500},
		{"no policy", "", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, "", fakeFunctionPolicies{authFnARN: tc.policy, fnARN: integration})
			f.inv.auth = func([]byte) ([]byte, string, error) { return policyAnswer("u", "Allow", "*"), "", nil }
			got := f.get("/pets", map[string]string{"Authorization": "Bearer t"})
			if got.status != tc.want {
				t.Errorf("status %d (%s), want %d", got.status, got.body, tc.want)
			}
			if tc.want == 500 && (got.errType != "AuthorizerConfigurationException" || f.inv.authCalls != 0) {
				t.Errorf("refusal = %+v after %d calls", got, f.inv.authCalls)
			}
		})
	}
}

// The API's resource policy still applies: its explicit deny refuses a
// request the authorizer allowed.
func TestAuthorizerWithResourcePolicy(t *testing.T) {
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`
	f := newAuthFixture(t, deny, nil)
	f.inv.auth = func([]byte) ([]byte, string, error) { return policyAnswer("u", "Allow", "*"), "", nil }
	got := f.get("/pets", map[string]string{"Authorization": "Bearer t"})
	if got.status != 403 || !strings.Contains(got.body, "User: anonymous is not authorized") || !strings.Contains(got.body, "explicit deny") {
		t.Errorf("response %+v", got)
	}
}

// The trace of `iamgate why` shows the authorizer's decision, never the token.
func TestAuthorizerTrace(t *testing.T) {
	f := newAuthFixture(t, "", nil)
	f.inv.auth = func([]byte) ([]byte, string, error) { return policyAnswer("u7", "Deny", "*"), "", nil }
	r := httptest.NewRequest("GET", "http://"+f.api+".execute-api.us-east-1.amazonaws.com/v1/pets", nil)
	r.Header.Set("Authorization", "Bearer secret-token-value")
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	tr, ok := f.gw.Trace(w.Header().Get("x-amzn-RequestId"))
	if !ok || tr.Authorizer == nil {
		t.Fatalf("no authorizer trace: %+v", tr)
	}
	text := traceText(tr)
	for _, want := range []string{"lambda authorizer:", "TokenAuth (TOKEN)", "principalId: u7", "outcome: ExplicitDeny", "function called"} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks %q:\n%s", want, text)
		}
	}
	b, _ := json.Marshal(tr)
	if strings.Contains(text, "secret-token-value") || strings.Contains(string(b), "secret-token-value") {
		t.Errorf("trace holds the token:\n%s", text)
	}
}

// A query string value an identity source reads is a credential: the
// trace's URL does not show it.
func TestAuthorizerTraceMasksQuerySources(t *testing.T) {
	f := newAuthFixture(t, "", nil)
	f.inv.auth = func([]byte) ([]byte, string, error) { return policyAnswer("u", "Allow", "*"), "", nil }
	r := httptest.NewRequest("GET", "http://"+f.api+".execute-api.us-east-1.amazonaws.com/v1/req?tenant=secret-tenant&x=1", nil)
	r.Header.Set("X-User", "alice")
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	tr, ok := f.gw.Trace(w.Header().Get("x-amzn-RequestId"))
	if !ok || w.Code != 200 {
		t.Fatalf("status %d, trace %v", w.Code, ok)
	}
	if strings.Contains(tr.URL, "secret-tenant") || !strings.Contains(tr.URL, "x=1") {
		t.Errorf("trace URL %q", tr.URL)
	}
}

// authorizerCredentials: API Gateway assumes the role (its trust policy
// must allow apigateway.amazonaws.com) and the role must be allowed to
// invoke the authorizer function; otherwise 500.
func TestAuthorizerCredentialsRole(t *testing.T) {
	allowAuthInvoke := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"` + authFnARN + `"}]}`
	for _, tc := range []struct {
		name string
		role testRole
		want int
	}{
		{"trusted and allowed", testRole{trust: trustAPIGW, policy: allowAuthInvoke}, 200},
		{"not trusting API Gateway", testRole{trust: trustLambda, policy: allowAuthInvoke}, 500},
		{"not allowed to invoke", testRole{trust: trustAPIGW, policy: allowLogs}, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := *authSnapshot(t, "")
			snap.Authorizers = append([]apigw.Authorizer(nil), snap.Authorizers...)
			for i := range snap.Authorizers {
				snap.Authorizers[i].AuthorizerCredentials = roleARN
			}
			f := newAuthFixtureWith(t, &snap, fakeFunctionPolicies{authFnARN: "", fnARN: lambdaPolicy("arn:aws:execute-api:us-east-1:000000000000:*/*/GET/pets")})
			f.ids.addRole(t, &tc.role)
			f.gw.o.Roles = f.ids.Auth
			f.inv.auth = func([]byte) ([]byte, string, error) { return policyAnswer("u", "Allow", "*"), "", nil }
			got := f.get("/pets", map[string]string{"Authorization": "Bearer t"})
			if got.status != tc.want {
				t.Errorf("status %d %s, want %d", got.status, got.body, tc.want)
			}
			if tc.want == 500 && (got.errType != "AuthorizerConfigurationException" || f.inv.authCalls != 0) {
				t.Errorf("refusal %+v after %d calls", got, f.inv.authCalls)
			}
		})
	}
}

// With apiKeySource AUTHORIZER the API key of an apiKeyRequired method is
// the authorizer's usageIdentifierKey, not the x-api-key header
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
func TestAuthorizerUsageIdentifierKey(t *testing.T) {
	snap := *authSnapshot(t, "")
	snap.API.APIKeySource = "AUTHORIZER"
	snap.Resources = append([]apigw.Resource(nil), snap.Resources...)
	for i := range snap.Resources {
		if m := snap.Resources[i].Methods["GET"]; m != nil && snap.Resources[i].Path == "/pets" {
			cp := *m
			cp.APIKeyRequired = true
			snap.Resources[i].Methods = map[string]*apigw.Method{"GET": &cp}
		}
	}
	f := newAuthFixtureWith(t, &snap, nil)
	f.gw.o.APIKeys = usageKeys{api: snap.API.ID}
	answer := func(key string) func([]byte) ([]byte, string, error) {
		return func([]byte) ([]byte, string, error) {
			return []byte(`{"principalId":"u","usageIdentifierKey":"` + key + `","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}}`), "", nil
		}
	}
	f.inv.auth = answer(testAPIKey)
	if got := f.get("/pets", map[string]string{"Authorization": "Bearer a", "x-api-key": "ignored"}); got.status != 200 {
		t.Errorf("usage key of a plan: %+v", got)
	}
	f.inv.auth = answer("not-a-key")
	if got := f.get("/pets", map[string]string{"Authorization": "Bearer b", "x-api-key": testAPIKey}); got.status != 403 || got.body != `{"message":"Forbidden"}` {
		t.Errorf("x-api-key used instead of the usage key: %+v", got)
	}
}

type usageKeys struct{ api string }

func (u usageKeys) ValidAPIKey(_ context.Context, apiID, stage, value string) (string, bool, error) {
	return "key1", apiID == u.api && stage == "v1" && value == testAPIKey, nil
}

// `iamgate why URL` explains without invoking: the authorizer is not called
// (its answer would decide), unless a cached answer exists.
func TestAuthorizerExplain(t *testing.T) {
	f := newAuthFixture(t, "", nil)
	f.inv.auth = func([]byte) ([]byte, string, error) { return policyAnswer("u", "Allow", "*"), "", nil }
	req := func() *http.Request {
		r := httptest.NewRequest("GET", "http://"+f.api+".execute-api.us-east-1.amazonaws.com/v1/pets", nil)
		r.Header.Set("Authorization", "Bearer t")
		return r
	}
	tr := f.gw.Explain(req())
	if !tr.DryRun || tr.Authorizer == nil || tr.Authorizer.Invoked || f.inv.authCalls != 0 {
		t.Fatalf("explain called the authorizer: %+v, %d calls", tr.Authorizer, f.inv.authCalls)
	}
	if text := traceText(tr); !strings.Contains(text, "result: undecided") {
		t.Errorf("trace:\n%s", text)
	}
	if got := f.get("/pets", map[string]string{"Authorization": "Bearer t"}); got.status != 200 {
		t.Fatal(got)
	}
	tr = f.gw.Explain(req())
	if !tr.Authorizer.Cached || f.inv.authCalls != 1 || !strings.Contains(traceText(tr), "answer from the cache") {
		t.Errorf("explain after a cached answer: %+v, %d calls", tr.Authorizer, f.inv.authCalls)
	}
}
