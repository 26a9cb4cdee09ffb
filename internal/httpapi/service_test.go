package httpapi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

func newTestService(t *testing.T) *Service {
	t.Helper()
	st := storetest.SQLite(t)
	return New(st, Options{AccountID: "123456789012", Region: "us-east-1", DeployedTTL: -1,
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
}

const fnARN = "arn:aws:lambda:us-east-1:123456789012:function:hello"

// samBody is what samtranslator 1.110 writes for an HttpApi with an
// AWS_IAM default authorizer, one open route and CORS.
func samBody() map[string]any {
	integ := func() map[string]any {
		return map[string]any{"httpMethod": "POST", "payloadFormatVersion": "2.0", "type": "aws_proxy",
			"uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fnARN + "/invocations"}
	}
	return map[string]any{
		"openapi": "3.0.1",
		"info":    map[string]any{"title": "stack", "version": "1.0"},
		"components": map[string]any{"securitySchemes": map[string]any{"AWS_IAM": map[string]any{
			"in": "header", "name": "Authorization", "type": "apiKey", "x-amazon-apigateway-authtype": "awsSigv4"}}},
		"paths": map[string]any{
			"/hello":      map[string]any{"get": map[string]any{"responses": map[string]any{}, "security": []any{map[string]any{"AWS_IAM": []any{}}}, "x-amazon-apigateway-integration": integ()}},
			"/items/{id}": map[string]any{"post": map[string]any{"security": []any{map[string]any{"NONE": []any{}}}, "x-amazon-apigateway-integration": integ()}},
			"$default":    map[string]any{"x-amazon-apigateway-any-method": map[string]any{"isDefaultRoute": true, "x-amazon-apigateway-integration": integ()}},
		},
		"x-amazon-apigateway-cors": map[string]any{"allowMethods": []any{"GET"}, "allowOrigins": []any{"https://x.com"}, "maxAge": float64(600)},
	}
}

func TestImportSAMBodyAndAutoDeploy(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	api, err := s.CreateAPI(ctx, CreateAPIInput{Body: samBody()})
	if err != nil {
		t.Fatal(err)
	}
	if api.Name != "stack" || api.ProtocolType != "HTTP" || api.CorsConfiguration == nil || *api.CorsConfiguration.MaxAge != 600 {
		t.Fatalf("api = %+v", api)
	}
	routes, _ := s.GetRoutes(ctx, api.APIID)
	got := map[string]string{}
	for _, r := range routes {
		got[r.RouteKey] = r.AuthorizationType
	}
	want := map[string]string{"GET /hello": AuthIAM, "POST /items/{id}": AuthNone, DefaultRoute: AuthNone}
	if len(got) != len(want) {
		t.Fatalf("routes %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("route %s auth %q, want %q", k, got[k], v)
		}
	}
	integs, _ := s.GetIntegrations(ctx, api.APIID)
	if len(integs) != 1 { // equal integrations are one
		t.Fatalf("integrations %+v", integs)
	}
	if fn, ok := integs[0].FunctionARN(); !ok || fn != fnARN {
		t.Errorf("function %q %v", fn, ok)
	}
	// Nothing is served before a stage exists.
	if _, _, err := s.Serve(ctx, api.APIID, "hello"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("serve without stage: %v", err)
	}
	if _, err := s.CreateStage(ctx, Stage{APIID: api.APIID, StageName: DefaultStage, AutoDeploy: true}); err != nil {
		t.Fatal(err)
	}
	snap, consumed, err := s.Serve(ctx, api.APIID, "hello")
	if err != nil || consumed || snap.Stage.StageName != DefaultStage {
		t.Fatalf("serve: %v %v %v", snap, consumed, err)
	}
	if r, _, ok := snap.Match("GET", []string{"hello"}); !ok || r.RouteKey != "GET /hello" {
		t.Fatalf("match = %v", r)
	}
	// A new route reaches the auto-deploy stage at once.
	in := integs[0]
	if _, err := s.CreateRoute(ctx, api.APIID, Route{RouteKey: "GET /new", Target: "integrations/" + in.IntegrationID}); err != nil {
		t.Fatal(err)
	}
	snap, _, _ = s.Serve(ctx, api.APIID, "new")
	if r, _, ok := snap.Match("GET", []string{"new"}); !ok || r.RouteKey != "GET /new" {
		t.Fatalf("after CreateRoute: %v", r)
	}
	deps, _ := s.GetDeployments(ctx, api.APIID)
	if len(deps) != 1 || !deps[0].AutoDeployed {
		t.Errorf("auto deployments are replaced, not kept: %+v", deps)
	}
	// A named stage is selected by the first segment; $default otherwise.
	if _, err := s.CreateStage(ctx, Stage{APIID: api.APIID, StageName: "prod", AutoDeploy: true}); err != nil {
		t.Fatal(err)
	}
	if snap, consumed, _ := s.Serve(ctx, api.APIID, "prod"); !consumed || snap.Stage.StageName != "prod" {
		t.Errorf("prod not selected")
	}
	if _, err := s.CreateStage(ctx, Stage{APIID: api.APIID, StageName: "prod"}); !awserr.Is(err, awserr.ConflictException) {
		t.Errorf("duplicate stage: %v", err)
	}
}

func TestQuickCreate(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	api, err := s.CreateAPI(ctx, CreateAPIInput{Name: "q", ProtocolType: "HTTP", Target: fnARN})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Deployed(ctx, api.APIID, DefaultStage)
	if err != nil {
		t.Fatal(err)
	}
	r, _, ok := snap.Match("DELETE", []string{"any", "path"})
	if !ok || r.RouteKey != DefaultRoute {
		t.Fatalf("quick create route: %v", r)
	}
	in, ok := snap.Integration(r)
	if !ok || in.IntegrationType != IntegrationAWSProxy || in.PayloadFormatVersion != PayloadV2 || in.TimeoutInMillis != 30000 {
		t.Fatalf("integration %+v", in)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	cases := map[string]CreateAPIInput{
		"no protocol":     {Name: "a"},
		"websocket":       {Name: "a", ProtocolType: "WEBSOCKET"},
		"no name":         {ProtocolType: "HTTP"},
		"bad route key":   {Name: "a", ProtocolType: "HTTP", Target: fnARN, RouteKey: "GET nope"},
		"bad body":        {Body: "not openapi"},
		"route key alone": {Name: "a", ProtocolType: "HTTP", RouteKey: "GET /a"},
		"greedy inside":   {Body: map[string]any{"openapi": "3.0.1", "paths": map[string]any{"/{p+}/a": map[string]any{"get": map[string]any{}}}}},
		"bad integration": {Body: map[string]any{"openapi": "3.0.1", "paths": map[string]any{"/a": map[string]any{"get": map[string]any{
			"x-amazon-apigateway-integration": map[string]any{"type": "aws_proxy", "uri": fnARN, "timeoutInMillis": float64(31000)}}}}}},
	}
	for name, in := range cases {
		if _, err := s.CreateAPI(ctx, in); !awserr.Is(err, awserr.BadRequestException) {
			t.Errorf("%s: %v, want BadRequestException", name, err)
		}
	}
	if apis, _ := s.GetAPIs(ctx); len(apis) != 0 {
		t.Errorf("a failed create stored %d APIs", len(apis))
	}
	if _, err := s.GetAPI(ctx, "nope"); !awserr.Is(err, awserr.NotFoundException) {
		t.Errorf("unknown api: %v", err)
	}
}
