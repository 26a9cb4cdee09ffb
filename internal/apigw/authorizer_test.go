package apigw

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// The translator's authorizer outputs import as API Gateway imports them:
// one authorizer per x-amazon-apigateway-authorizer scheme, methods linked
// to it by id, TOKEN identity source from the scheme's header name.
func TestImportSAMAuthorizers(t *testing.T) {
	ctx := context.Background()
	s := newTestService()
	bodies := samBodies(t, "api_with_auth_all_minimum.json")
	cases := []struct {
		api, typ, source string
		ttl              time.Duration
	}{
		{"MyApiWithLambdaTokenAuth", AuthorizerToken, "method.request.header.Authorization", 300 * time.Second},
		{"MyApiWithLambdaRequestAuth", AuthorizerRequest, "method.request.header.Authorization1", 300 * time.Second},
		{"MyApiWithNotCachedLambdaRequestAuth", AuthorizerRequest, "", 0},
		{"MyApiWithCognitoAuth", AuthorizerCognito, "method.request.header.Authorization", 300 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.api, func(t *testing.T) {
			api, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Name: tc.api, Body: bodies[tc.api]})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateDeployment(ctx, api.ID, "prod", ""); err != nil {
				t.Fatal(err)
			}
			snap, err := s.Deployed(ctx, api.ID, "prod")
			if err != nil {
				t.Fatal(err)
			}
			if len(snap.Authorizers) != 1 {
				t.Fatalf("authorizers = %+v", snap.Authorizers)
			}
			a := snap.Authorizers[0]
			if a.Type != tc.typ || a.IdentitySource != tc.source || a.TTL() != tc.ttl || len(a.ID) != 6 {
				t.Errorf("authorizer = %+v (ttl %v)", a, a.TTL())
			}
			if a.Lambda() {
				if fn, ok := a.FunctionARN(); !ok || !strings.HasSuffix(fn, ":function:AuthorizerFunction") {
					t.Errorf("FunctionARN = %q, %v", fn, ok)
				}
			}
			linked := 0
			for _, r := range snap.Resources {
				for _, m := range r.Methods {
					if m.AuthorizerID != "" {
						if got, ok := snap.Authorizer(m.AuthorizerID); !ok || got.Name != a.Name {
							t.Errorf("%s %s names authorizer %q", m.HTTPMethod, r.Path, m.AuthorizerID)
						}
						linked++
					}
				}
			}
			if linked == 0 {
				t.Error("no method uses the authorizer")
			}
		})
	}
}

// An overwrite import keeps authorizers made outside the definition and the
// ids of authorizers it redefines; it drops imported ones it no longer has.
func TestAuthorizersAcrossImports(t *testing.T) {
	ctx := context.Background()
	s := newTestService()
	uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations"
	body := func(names ...string) string {
		var schemes []string
		for _, n := range names {
			schemes = append(schemes, `"`+n+`":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"custom","x-amazon-apigateway-authorizer":{"type":"token","authorizerUri":"`+uri+`","authorizerResultTtlInSeconds":60}}`)
		}
		return `{"swagger":"2.0","paths":{"/":{"get":{"security":[{"` + names[0] + `":[]}],"x-amazon-apigateway-integration":{"type":"mock"}}}},"securityDefinitions":{` + strings.Join(schemes, ",") + `}}`
	}
	api, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Name: "a", Body: body("A", "B")})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.CreateAuthorizer(ctx, api.ID, Authorizer{Name: "Plain", Type: AuthorizerRequest, AuthorizerURI: uri, IdentitySource: "method.request.querystring.q"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.GetAuthorizers(ctx, api.ID)
	idOf := func(list []Authorizer, name string) string {
		for _, a := range list {
			if a.Name == name {
				return a.ID
			}
		}
		return ""
	}
	if _, err := s.PutRestAPI(ctx, api.ID, body("A"), "overwrite"); err != nil {
		t.Fatal(err)
	}
	after, _ := s.GetAuthorizers(ctx, api.ID)
	if idOf(after, "A") != idOf(before, "A") || idOf(after, "B") != "" || idOf(after, "Plain") != plain.ID {
		t.Errorf("before %+v\nafter %+v", before, after)
	}
	res, _ := s.GetResources(ctx, api.ID)
	if m := res[0].Methods["GET"]; m.AuthorizationType != AuthCustom || m.AuthorizerID != idOf(after, "A") {
		t.Errorf("method = %+v", m)
	}
	if err := s.DeleteAuthorizer(ctx, api.ID, idOf(after, "A")); !awserr.Is(err, awserr.ConflictException) {
		t.Errorf("deleting a used authorizer: %v", err)
	}
	if err := s.DeleteAuthorizer(ctx, api.ID, plain.ID); err != nil {
		t.Error(err)
	}
	if _, err := s.GetAuthorizer(ctx, api.ID, plain.ID); !awserr.Is(err, awserr.NotFoundException) {
		t.Errorf("deleted authorizer: %v", err)
	}
}

func TestAuthorizerValidation(t *testing.T) {
	uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations"
	ttl := func(n int) *int { return &n }
	bad := []Authorizer{
		{Name: "", Type: AuthorizerToken, AuthorizerURI: uri, IdentitySource: "method.request.header.A"},
		{Name: "x", Type: "LAMBDA", AuthorizerURI: uri, IdentitySource: "method.request.header.A"},
		{Name: "x", Type: AuthorizerToken, AuthorizerURI: "arn:aws:lambda:us-east-1:0:function:f", IdentitySource: "method.request.header.A"},
		{Name: "x", Type: AuthorizerToken, AuthorizerURI: uri, IdentitySource: "method.request.querystring.A"},
		{Name: "x", Type: AuthorizerToken, AuthorizerURI: uri, IdentitySource: "method.request.header.A", ResultTTL: ttl(3601)},
		{Name: "x", Type: AuthorizerToken, AuthorizerURI: uri, IdentitySource: "method.request.header.A", IdentityValidationExpression: "(["},
		{Name: "x", Type: AuthorizerRequest, AuthorizerURI: uri},
		{Name: "x", Type: AuthorizerRequest, AuthorizerURI: uri, IdentitySource: "method.request.body.x"},
		{Name: "x", Type: AuthorizerCognito, IdentitySource: "method.request.header.A"},
	}
	for i, a := range bad {
		if err := a.validate(); !awserr.Is(err, awserr.BadRequestException) {
			t.Errorf("%d: validate(%+v) = %v", i, a, err)
		}
	}
	ok := Authorizer{Name: "x", Type: AuthorizerRequest, AuthorizerURI: uri, ResultTTL: ttl(0)}
	if err := ok.validate(); err != nil {
		t.Errorf("uncached REQUEST authorizer without identity source: %v", err)
	}
	re, err := (&Authorizer{Type: AuthorizerToken, IdentityValidationExpression: "Bearer [a-z]+"}).ValidationRegexp()
	if err != nil || !re.MatchString("Bearer abc") || re.MatchString("xBearer abc") || re.MatchString("Bearer abc1") {
		t.Errorf("validation expression must match the whole token: %v", err)
	}
}
