package gateway

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/jwtauth"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// TestHTTPAPIJWTAuthorizer runs a JWT authorizer whose issuer is an OpenID
// Connect provider reachable over HTTP (a local one), its keys found
// through discovery, as API Gateway does for any issuer
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
func TestHTTPAPIJWTAuthorizer(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	var issuer string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k", "alg": "RS256", "use": "sig",
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())}}})
	})
	idp := httptest.NewServer(mux)
	defer idp.Close()
	issuer = idp.URL

	body := `
openapi: 3.0.1
info: {title: jwt api, version: "1.0"}
components:
  securitySchemes:
    oidc:
      type: oauth2
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: "$request.header.Authorization"
        jwtConfiguration: {issuer: "` + issuer + `", audience: [api://default]}
paths:
  /open:
    get:
      security: [{oidc: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `"}
  /v1:
    get:
      security: [{oidc: []}]
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "1.0", uri: "` + fnARN + `"}
  /write:
    get:
      security: [{oidc: [items/write]}]
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "` + fnARN + `"}
`
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := testNow
	clock := func() time.Time { return now }
	svc := httpapi.New(st, httpapi.Options{AccountID: testAccount, Region: testRegion, Now: clock})
	ctx := context.Background()
	api, err := svc.CreateAPI(ctx, httpapi.CreateAPIInput{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStage(ctx, httpapi.Stage{APIID: api.APIID, StageName: httpapi.DefaultStage, AutoDeploy: true}); err != nil {
		t.Fatal(err)
	}
	inv := &scriptedInvoker{}
	ids := newTestIAM(t)
	f := &authFixture{inv: inv, api: api.APIID, ids: ids}
	f.gw = New(Options{APIs: fakeAPIs{}, HTTPAPIs: svc, Auth: &signingClients{ids: ids}, Authz: ids.Auth, Invoker: inv,
		Region: testRegion, AccountID: testAccount, Now: clock, Logger: slog.New(slog.DiscardHandler),
		Tokens: jwtauth.New(jwtauth.NewRemote(jwtauth.RemoteOptions{Now: clock}), clock)})

	sign := func(claims jwt.MapClaims) string {
		c := jwt.MapClaims{"iss": issuer, "sub": "u-1", "aud": "api://default", "iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix(),
			"scp": []string{"items/read"}, "groups": []string{"a", "b"}}
		for k, v := range claims {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
		tok.Header["kid"] = "k"
		s, _ := tok.SignedString(key)
		return s
	}
	const unauthorized, forbidden = `{"message":"Unauthorized"}`, `{"message":"Forbidden"}`
	for _, tc := range []struct {
		name, path, auth string
		status           int
		body             string
	}{
		{"valid with Bearer", "/open", "Bearer " + sign(nil), 200, "ok"},
		{"valid without Bearer", "/open", sign(nil), 200, "ok"},
		{"missing", "/open", "", 401, unauthorized},
		{"wrong audience", "/open", "Bearer " + sign(jwt.MapClaims{"aud": "other"}), 401, unauthorized},
		{"client_id audience", "/open", "Bearer " + sign(jwt.MapClaims{"aud": nil, "client_id": "api://default"}), 200, "ok"},
		{"other issuer", "/open", "Bearer " + sign(jwt.MapClaims{"iss": "https://evil.example"}), 401, unauthorized},
		{"not yet valid", "/open", "Bearer " + sign(jwt.MapClaims{"nbf": testNow.Add(time.Hour).Unix()}), 401, unauthorized},
		{"scope missing", "/write", "Bearer " + sign(nil), 403, forbidden},
		{"scope granted", "/write", "Bearer " + sign(jwt.MapClaims{"scope": "items/write"}), 200, "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.auth != "" {
				h["Authorization"] = tc.auth
			}
			if got := f.getV2(tc.path, h); got.status != tc.status || got.body != tc.body || got.errType != "" {
				t.Fatalf("got %+v, want %d %s", got, tc.status, tc.body)
			}
		})
	}

	t.Run("claims in the 2.0 and 1.0 events", func(t *testing.T) {
		f.getV2("/open", map[string]string{"Authorization": "Bearer " + sign(nil)})
		var ev2 struct {
			RequestContext struct {
				Authorizer struct {
					JWT struct {
						Claims map[string]string `json:"claims"`
						Scopes []string          `json:"scopes"`
					} `json:"jwt"`
				} `json:"authorizer"`
			} `json:"requestContext"`
		}
		json.Unmarshal(inv.event, &ev2)
		j := ev2.RequestContext.Authorizer.JWT
		if j.Claims["sub"] != "u-1" || j.Claims["groups"] != "[a b]" || j.Claims["exp"] != "1795604400" || len(j.Scopes) != 1 || j.Scopes[0] != "items/read" {
			t.Errorf("2.0 jwt = %+v", j)
		}
		f.getV2("/v1", map[string]string{"Authorization": "Bearer " + sign(nil)})
		var ev1 struct {
			RequestContext struct {
				Authorizer struct {
					Claims map[string]string `json:"claims"`
					Scopes []string          `json:"scopes"`
				} `json:"authorizer"`
			} `json:"requestContext"`
		}
		json.Unmarshal(inv.event, &ev1)
		if a := ev1.RequestContext.Authorizer; a.Claims["sub"] != "u-1" || len(a.Scopes) != 1 {
			t.Errorf("1.0 authorizer = %+v", a)
		}
	})

	t.Run("expired says so in WWW-Authenticate", func(t *testing.T) {
		r := httptest.NewRequest("GET", "http://"+f.api+".execute-api.us-east-1.amazonaws.com/open", nil)
		r.Header.Set("Authorization", "Bearer "+sign(jwt.MapClaims{"exp": testNow.Add(-time.Minute).Unix()}))
		w := httptest.NewRecorder()
		f.gw.ServeHTTP(w, r)
		if w.Code != 401 || w.Body.String() != unauthorized ||
			w.Header().Get("WWW-Authenticate") != `Bearer scope="" error="invalid_token" error_description="the token has expired"` {
			t.Errorf("got %d %s %q", w.Code, w.Body, w.Header().Get("WWW-Authenticate"))
		}
	})
}
