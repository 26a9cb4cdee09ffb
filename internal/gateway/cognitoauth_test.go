package gateway

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/jwtauth"
)

const (
	cognitoPool   = "us-east-1_Pool1abcd"
	cognitoIssuer = "https://cognito-idp.us-east-1.amazonaws.com/" + cognitoPool
)

// cognitoDefinition has a Cognito-authorized method without scopes (id
// tokens), one with a scope (access tokens) and one reading its token from
// another header.
var cognitoDefinition = `
swagger: "2.0"
info: {title: cognito api, version: "1"}
paths:
  /me:
    get:
      security: [{UserPool: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
  /scoped:
    get:
      security: [{UserPool: [pets/read]}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
  /other:
    get:
      security: [{OtherHeader: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnARN + `/invocations"}
securityDefinitions:
  UserPool:
    type: apiKey
    name: Authorization
    in: header
    x-amazon-apigateway-authtype: cognito_user_pools
    x-amazon-apigateway-authorizer:
      type: cognito_user_pools
      providerARNs: ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/` + cognitoPool + `"]
  OtherHeader:
    type: apiKey
    name: X-Id-Token
    in: header
    x-amazon-apigateway-authtype: cognito_user_pools
    x-amazon-apigateway-authorizer:
      type: cognito_user_pools
      identitySource: method.request.header.X-Id-Token
      providerARNs: ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/` + cognitoPool + `"]
`

type cognitoKeys map[string]*rsa.PublicKey

func (k cognitoKeys) Key(_ context.Context, iss, kid string) (*rsa.PublicKey, error) {
	if key := k[iss+" "+kid]; key != nil {
		return key, nil
	}
	return nil, jwtauth.ErrUnknownKey
}

type cognitoFixture struct {
	gw  *Gateway
	inv *scriptedInvoker
	api string
	key *rsa.PrivateKey
	mu  sync.Mutex
	now time.Time
}

func newCognitoFixture(t testing.TB) *cognitoFixture {
	t.Helper()
	svc := apigw.New(newAuthStore(t), apigw.Options{AccountID: testAccount, Region: testRegion, Now: func() time.Time { return testNow }})
	ctx := context.Background()
	api, err := svc.CreateRestAPI(ctx, apigw.CreateRestAPIInput{Name: "cognito", Body: cognitoDefinition})
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
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	ids := newTestIAM(t)
	f := &cognitoFixture{inv: &scriptedInvoker{}, api: api.ID, key: key, now: testNow}
	clock := func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
	f.gw = New(Options{APIs: fakeAPIs{api.ID + "/v1": snap}, Auth: &signingClients{ids: ids}, Authz: ids.Auth,
		Invoker: f.inv, Region: testRegion, AccountID: testAccount, Now: clock, Logger: slog.New(slog.DiscardHandler),
		NewRequestID: func() string { return "req-1" },
		Tokens:       jwtauth.New(cognitoKeys{cognitoIssuer + " kid1": &key.PublicKey}, clock)})
	return f
}

func (f *cognitoFixture) token(t testing.TB, use string, extra jwt.MapClaims) string {
	t.Helper()
	c := jwt.MapClaims{"sub": "sub-1", "iss": cognitoIssuer, "token_use": use, "auth_time": testNow.Unix(),
		"iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix(), "cognito:groups": []string{"admins", "ops"}}
	if use == "id" {
		c["aud"], c["cognito:username"], c["email_verified"] = "client1", "alice", true
	} else {
		c["client_id"], c["scope"], c["username"] = "client1", "aws.cognito.signin.user.admin pets/read", "alice"
	}
	for k, v := range extra {
		c[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header = map[string]any{"kid": "kid1", "alg": "RS256"}
	s, err := tok.SignedString(f.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *cognitoFixture) get(path string, headers map[string]string) (int, string, string) {
	r := httptest.NewRequest("GET", "http://127.0.0.1:4566/restapis/"+f.api+"/v1/_user_request_"+path, nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	return w.Code, w.Body.String(), w.Header().Get("x-amzn-ErrorType")
}

func TestCognitoAuthorizerAnswers(t *testing.T) {
	f := newCognitoFixture(t)
	id, access := f.token(t, "id", nil), f.token(t, "access", nil)
	const unauthorized = `{"message":"Unauthorized"}`
	for _, tc := range []struct {
		name, path string
		headers    map[string]string
		status     int
		body       string
	}{
		{"id token", "/me", map[string]string{"Authorization": id}, 200, "ok"},
		{"missing", "/me", nil, 401, unauthorized},
		{"garbage", "/me", map[string]string{"Authorization": "abc"}, 401, unauthorized},
		{"access token without scopes on the method", "/me", map[string]string{"Authorization": access}, 401, unauthorized},
		{"access token with the scope", "/scoped", map[string]string{"Authorization": access}, 200, "ok"},
		{"access token lacking the scope", "/scoped", map[string]string{"Authorization": f.token(t, "access", jwt.MapClaims{"scope": "other"})}, 401, unauthorized},
		{"id token where scopes are due", "/scoped", map[string]string{"Authorization": id}, 401, unauthorized},
		{"another pool's token", "/me", map[string]string{"Authorization": f.token(t, "id", jwt.MapClaims{"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"})}, 401, unauthorized},
		{"unknown key", "/me", map[string]string{"Authorization": func() string {
			tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": cognitoIssuer, "token_use": "id", "exp": testNow.Add(time.Hour).Unix()})
			tok.Header["kid"] = "kid2"
			s, _ := tok.SignedString(f.key)
			return s
		}()}, 401, unauthorized},
		{"expired", "/me", map[string]string{"Authorization": f.token(t, "id", jwt.MapClaims{"exp": testNow.Add(-time.Second).Unix()})}, 401, `{"message":"The incoming token has expired"}`},
		{"identity source header", "/other", map[string]string{"X-Id-Token": id}, 200, "ok"},
		{"identity source header missing", "/other", map[string]string{"Authorization": id}, 401, unauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, errType := f.get(tc.path, tc.headers)
			if status != tc.status || body != tc.body {
				t.Fatalf("got %d %s, want %d %s", status, body, tc.status, tc.body)
			}
			if status == 401 && errType != "UnauthorizedException" {
				t.Errorf("x-amzn-ErrorType = %q", errType)
			}
		})
	}
}

// The claims reach the function as strings: numbers as text, exp and iat
// as Java dates, lists comma-joined, as a REST Cognito authorizer passes them.
func TestCognitoClaimsInEvent(t *testing.T) {
	f := newCognitoFixture(t)
	if status, body, _ := f.get("/me", map[string]string{"Authorization": f.token(t, "id", nil)}); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var ev struct {
		RequestContext struct {
			Authorizer struct {
				Claims map[string]string `json:"claims"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(f.inv.event, &ev); err != nil {
		t.Fatal(err)
	}
	c := ev.RequestContext.Authorizer.Claims
	for k, want := range map[string]string{"cognito:groups": "admins,ops", "email_verified": "true", "auth_time": "1795600800",
		"exp": "Wed Nov 25 11:00:00 UTC 2026", "iat": "Wed Nov 25 10:00:00 UTC 2026", "cognito:username": "alice", "token_use": "id"} {
		if c[k] != want {
			t.Errorf("claims[%s] = %q, want %q", k, c[k], want)
		}
	}
	// A minute past exp the same token is refused as expired.
	f.mu.Lock()
	f.now = testNow.Add(61 * time.Minute)
	f.mu.Unlock()
	if status, body, _ := f.get("/me", map[string]string{"Authorization": f.token(t, "id", nil)}); status != 401 || body != `{"message":"The incoming token has expired"}` {
		t.Errorf("after exp: %d %s", status, body)
	}
}

// BenchmarkCognitoAuthorizer is a REST request through a Cognito
// authorizer: RS256 verification of an id token, claims into the event.
func BenchmarkCognitoAuthorizer(b *testing.B) {
	f := newCognitoFixture(b)
	h := map[string]string{"Authorization": f.token(b, "id", nil)}
	b.ReportAllocs()
	for b.Loop() {
		if status, body, _ := f.get("/me", h); status != 200 {
			b.Fatalf("%d %s", status, body)
		}
	}
}
