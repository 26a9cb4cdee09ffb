package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type wantResp struct {
	status  int
	errType string // x-amzn-ErrorType; "" = absent
	body    string
}

// otherAccountPolicy is a resource policy that lets another account in and
// allows no one of this one: callers of this account need an identity
// policy, anonymous callers are refused.
const otherAccountPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"execute-api:Invoke","Resource":"*"}]}`

const (
	missingToken = `{"message":"Missing Authentication Token"}`
	internal     = `{"message": "Internal server error"}`
)

func hostURL(path string) string {
	return "http://" + testAPI + ".execute-api.us-east-1.amazonaws.com" + path
}

func TestServeHTTP(t *testing.T) {
	tests := []struct {
		name   string
		method string
		url    string
		host   string
		header map[string]string
		policy string
		reply  func(ctx context.Context) ([]byte, string, error)
		want   wantResp
	}{
		{name: "signed, allowed", url: hostURL("/v1/hello"), header: map[string]string{"Authorization": "good"},
			want: wantResp{200, "", `{"message": "hello world"}`}},
		{name: "path style, signed", url: "http://127.0.0.1:4566/restapis/" + testAPI + "/v1/_user_request_/hello", header: map[string]string{"Authorization": "good"},
			want: wantResp{200, "", `{"message": "hello world"}`}},
		{name: "localhost host style", url: "http://" + testAPI + ".execute-api.localhost:4566/v1/hello", header: map[string]string{"Authorization": "good"},
			want: wantResp{200, "", `{"message": "hello world"}`}},
		{name: "presigned", url: hostURL("/v1/hello?X-Amz-Signature=good&X-Amz-Credential=x"),
			want: wantResp{200, "", `{"message": "hello world"}`}},
		{name: "unsigned", url: hostURL("/v1/hello"),
			want: wantResp{403, "MissingAuthenticationTokenException", missingToken}},
		{name: "unknown api", url: "http://zzzzzzzzzz.execute-api.us-east-1.amazonaws.com/v1/hello", header: map[string]string{"Authorization": "good"},
			want: wantResp{403, "MissingAuthenticationTokenException", missingToken}},
		{name: "unknown stage", url: hostURL("/v2/hello"), header: map[string]string{"Authorization": "good"},
			want: wantResp{403, "MissingAuthenticationTokenException", missingToken}},
		{name: "no stage", url: hostURL("/"),
			want: wantResp{403, "MissingAuthenticationTokenException", missingToken}},
		{name: "unknown resource", url: hostURL("/v1/nope"), header: map[string]string{"Authorization": "good"},
			want: wantResp{403, "MissingAuthenticationTokenException", missingToken}},
		{name: "unknown method", method: "POST", url: hostURL("/v1/hello"), header: map[string]string{"Authorization": "good"},
			want: wantResp{403, "MissingAuthenticationTokenException", missingToken}},
		{name: "signature mismatch", url: hostURL("/v1/hello"), header: map[string]string{"Authorization": "bad"},
			want: wantResp{403, "InvalidSignatureException", mismatchBody(testAPI+".execute-api.us-east-1.amazonaws.com", "/v1/hello")}},
		{name: "unknown key", url: hostURL("/v1/hello"), header: map[string]string{"Authorization": "unknown"},
			want: wantResp{403, "UnrecognizedClientException", `{"message":"The security token included in the request is invalid."}`}},
		{name: "signature expired", url: hostURL("/v1/hello"), header: map[string]string{"Authorization": "expired"},
			want: wantResp{403, "InvalidSignatureException", `{"message":"Signature expired: 20261125T093000Z is now earlier than 20261125T095500Z (20261125T100000Z - 5 min.)"}`}},
		{name: "authenticator failure", url: hostURL("/v1/hello"), header: map[string]string{"Authorization": "broken"},
			want: wantResp{500, "InternalServerErrorException", internal}},
		{name: "explicit deny", url: hostURL("/v1/hello"), header: map[string]string{"Authorization": "denied"},
			want: wantResp{403, "AccessDeniedException", `{"Message":"User: arn:aws:iam::********0000:user/denied is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:abc123defg/v1/GET/hello with an explicit deny"}`}},
		{name: "anonymous denied by resource policy", url: hostURL("/v1/open/x"), policy: otherAccountPolicy,
			want: wantResp{403, "AccessDeniedException", `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:abc123defg/v1/GET/open/x"}`}},
		{name: "no auth, no policy", method: "DELETE", url: hostURL("/v1/open/a/b"),
			want: wantResp{200, "", `{"message": "hello world"}`}},
		{name: "api key missing", url: hostURL("/v1/keyed"),
			want: wantResp{403, "ForbiddenException", `{"message":"Forbidden"}`}},
		// Any non-empty x-api-key used to pass: only a key of a usage plan
		// of the stage does
		// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
		{name: "api key unknown", url: hostURL("/v1/keyed"), header: map[string]string{"x-api-key": "k"},
			want: wantResp{403, "ForbiddenException", `{"message":"Forbidden"}`}},
		{name: "api key of a usage plan", url: hostURL("/v1/keyed"), header: map[string]string{"x-api-key": testAPIKey},
			want: wantResp{200, "", `{"message": "hello world"}`}},
		{name: "mock integration unsupported", url: hostURL("/v1/mock"),
			want: wantResp{500, "InternalServerErrorException", internal}},
		{name: "function error", url: hostURL("/v1/open/x"),
			reply: func(context.Context) ([]byte, string, error) {
				return []byte(`{"errorMessage":"boom"}`), "Unhandled", nil
			},
			want: wantResp{502, "InternalServerErrorException", internal}},
		{name: "invoke error", url: hostURL("/v1/open/x"),
			reply: func(context.Context) ([]byte, string, error) { return nil, "", fmt.Errorf("no runtime") },
			want:  wantResp{502, "InternalServerErrorException", internal}},
		// "If the Lambda API rejects the invocation request, API Gateway
		// returns a 500" (services-apigateway-errors.html): a throttle.
		{name: "invocation rejected", url: hostURL("/v1/open/x"),
			reply: func(context.Context) ([]byte, string, error) {
				return nil, "", fmt.Errorf("%w: TooManyRequestsException", ErrInvokeRejected)
			},
			want: wantResp{500, "InternalServerErrorException", internal}},
		{name: "malformed response", url: hostURL("/v1/open/x"),
			reply: func(context.Context) ([]byte, string, error) { return []byte(`{"body": "no status"}`), "", nil },
			want:  wantResp{502, "InternalServerErrorException", internal}},
		{name: "body not a string", url: hostURL("/v1/open/x"),
			reply: func(context.Context) ([]byte, string, error) {
				return []byte(`{"statusCode":200,"body":{"a":1}}`), "", nil
			},
			want: wantResp{502, "InternalServerErrorException", internal}},
		{name: "integration timeout", url: hostURL("/v1/open/x"),
			reply: func(ctx context.Context) ([]byte, string, error) { <-ctx.Done(); return nil, "", ctx.Err() },
			want:  wantResp{504, "", `{"message": "Endpoint request timed out"}`}},
		{name: "base64 response", url: hostURL("/v1/open/x"),
			reply: func(context.Context) ([]byte, string, error) {
				return []byte(`{"statusCode":201,"isBase64Encoded":true,"body":"aGk=","headers":{"Content-Type":"text/plain"}}`), "", nil
			},
			want: wantResp{201, "", "hi"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.policy)
			f.inv.reply = tc.reply
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, tc.url, nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			f.gw.ServeHTTP(w, r)
			got := wantResp{w.Code, w.Header().Get("x-amzn-ErrorType"), w.Body.String()}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(wantResp{})); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			for _, h := range []string{"x-amzn-RequestId", "x-amz-apigw-id", "X-Amzn-Trace-Id"} {
				if w.Header().Get(h) == "" {
					t.Errorf("header %s missing", h)
				}
			}
			if got.errType != "" && w.Header().Get("Content-Type") != "application/json" {
				t.Errorf("error Content-Type = %q", w.Header().Get("Content-Type"))
			}
		})
	}
}

// Implicit deny keeps AWS's base sentence, with no "because" clause:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html
func TestImplicitDeny(t *testing.T) {
	f := newFixture(t, "")
	r := httptest.NewRequest("GET", "http://127.0.0.1:4566/restapis/"+testAPI+"/v1/_user_request_/open/x", nil)
	f.gw.o.APIs.(fakeAPIs)[testAPI+"/v1"].API.Policy = otherAccountPolicy
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	want := `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:abc123defg/v1/GET/open/x"}`
	if w.Code != 403 || w.Body.String() != want {
		t.Errorf("got %d %s", w.Code, w.Body.String())
	}
	// A resource policy allowing everyone lets anonymous callers in.
	f.gw.o.APIs.(fakeAPIs)[testAPI+"/v1"].API.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`
	w = httptest.NewRecorder()
	f.gw.ServeHTTP(w, httptest.NewRequest("GET", "http://127.0.0.1:4566/restapis/"+testAPI+"/v1/_user_request_/open/x", nil))
	if w.Code != 200 {
		t.Errorf("anonymous allowed by policy: %d", w.Code)
	}
}

func TestAuthorizationRequest(t *testing.T) {
	f := newFixture(t, otherAccountPolicy)
	r := httptest.NewRequest("GET", "http://127.0.0.1:4566/restapis/"+testAPI+"/v1/_user_request_/hello?a=1", nil)
	r.Header.Set("Authorization", "good")
	r.Header.Set("User-Agent", "aws-cli/2")
	r.Header.Set("Referer", "http://example.com/")
	r.RemoteAddr = "127.0.0.1:5555"
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	if f.authn.seenURI != "/restapis/"+testAPI+"/v1/_user_request_/hello?a=1" {
		t.Errorf("authenticator saw %q, want the raw request URI", f.authn.seenURI)
	}
	req := f.authz.last
	if req.Action != "execute-api:Invoke" || req.Resource != "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello" {
		t.Errorf("request = %s on %s", req.Action, req.Resource)
	}
	wantCtx := map[string][]string{
		"aws:SourceIp": {"127.0.0.1"}, "aws:UserAgent": {"aws-cli/2"}, "aws:SecureTransport": {"false"},
		"aws:CurrentTime": {"2026-11-25T10:00:00Z"}, "aws:EpochTime": {"1795600800"},
		"aws:Referer": {"http://example.com/"}, "aws:RequestedRegion": {"us-east-1"},
	}
	gotCtx := req.Context
	if req.ContextFunc != nil { // the keys are made on demand
		gotCtx = req.ContextFunc()
	}
	if diff := cmp.Diff(wantCtx, gotCtx); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
	if len(req.ResourcePolicies) != 1 || req.ResourcePolicies[0].Document != otherAccountPolicy {
		t.Errorf("resource policies = %+v", req.ResourcePolicies)
	}
	// The access log names the principal and never the credentials.
	logs := f.logs.String()
	if !strings.Contains(logs, "principal_arn="+userARN) || strings.Contains(logs, "good") {
		t.Errorf("access log: %s", logs)
	}
}

func TestResponseMapping(t *testing.T) {
	f := newFixture(t, "")
	f.inv.reply = func(context.Context) ([]byte, string, error) {
		return []byte(`{"statusCode":200,"headers":{"X-One":"1","Server":"mine","X-Num":5},
			"multiValueHeaders":{"Set-Cookie":["a=1","b=2"],"X-One":["ignored"]},"body":"ok"}`), "", nil
	}
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, httptest.NewRequest("GET", hostURL("/v1/open/x"), nil))
	h := w.Header()
	got := map[string][]string{
		"X-One": h.Values("X-One"), "Set-Cookie": h.Values("Set-Cookie"), "X-Num": h.Values("X-Num"),
		"X-Amzn-Remapped-Server": h.Values("X-Amzn-Remapped-Server"), "Server": h.Values("Server"),
		"Content-Type": h.Values("Content-Type"),
	}
	want := map[string][]string{
		"X-One": {"1"}, "Set-Cookie": {"a=1", "b=2"}, "X-Num": {"5"},
		"X-Amzn-Remapped-Server": {"mine"}, "Server": nil, "Content-Type": {"application/json"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}

// The verified key reaches the function as requestContext.identity.apiKey
// and apiKeyId, as API Gateway sends them for apiKeyRequired methods.
func TestAPIKeyInEvent(t *testing.T) {
	f := newFixture(t, "")
	r := httptest.NewRequest("GET", hostURL("/v1/keyed"), nil)
	r.Header.Set("x-api-key", testAPIKey)
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	var ev struct {
		RequestContext struct {
			Identity struct {
				APIKey   *string `json:"apiKey"`
				APIKeyID *string `json:"apiKeyId"`
			} `json:"identity"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(f.inv.payload, &ev); err != nil {
		t.Fatalf("%d %s: %v", w.Code, w.Body, err)
	}
	id := ev.RequestContext.Identity
	if id.APIKey == nil || *id.APIKey != testAPIKey || id.APIKeyID == nil || *id.APIKeyID != "key0000001" {
		t.Errorf("identity api key = %v %v", id.APIKey, id.APIKeyID)
	}
}
