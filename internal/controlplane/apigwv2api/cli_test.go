package apigwv2api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/store"
)

const acct = cptest.AccountID

type env struct {
	*cptest.Env
	apis *httpapi.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{}
	e.Env = cptest.New(t, "apigateway", func(_ testing.TB, st store.Store, a *auth.Service) controlplane.Mount {
		e.apis = httpapi.New(st, httpapi.Options{AccountID: acct, Region: cptest.Region, Now: time.Now})
		h := New(Options{APIs: e.apis, Authz: a, Options: mount.Options{Region: cptest.Region}})
		return controlplane.Mount{Handler: h}
	})
	return e
}

const fn = "arn:aws:lambda:us-east-1:" + acct + ":function:hello"

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

// TestCLIReads drives the read operations with the real aws CLI
// (aws apigatewayv2 get-apis, get-routes, get-stages, get-integrations, ...).
func TestCLIReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	api, err := e.apis.CreateAPI(ctx, httpapi.CreateAPIInput{Name: "quick", ProtocolType: "HTTP", Target: fn,
		Cors: &httpapi.Cors{AllowOrigins: []string{"https://a.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("get-apis", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-apis"))
		items := m["Items"].([]any)
		a := items[0].(map[string]any)
		if len(items) != 1 || a["ApiId"] != api.APIID || a["ProtocolType"] != "HTTP" ||
			a["ApiEndpoint"] != "https://"+api.APIID+".execute-api.us-east-1.amazonaws.com" ||
			a["RouteSelectionExpression"] != "$request.method $request.path" {
			t.Errorf("get-apis = %v", m)
		}
		if _, err := time.Parse(time.RFC3339, a["CreatedDate"].(string)); err != nil {
			t.Errorf("CreatedDate %v: %v", a["CreatedDate"], err)
		}
	})
	t.Run("get-api", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-api", "--api-id", api.APIID))
		if diff := cmp.Diff(map[string]any{"AllowOrigins": []any{"https://a.example"}}, m["CorsConfiguration"]); diff != "" {
			t.Errorf("cors (-want +got):\n%s", diff)
		}
	})
	var integID string
	t.Run("get-integrations", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-integrations", "--api-id", api.APIID))
		in := m["Items"].([]any)[0].(map[string]any)
		integID, _ = in["IntegrationId"].(string)
		if in["IntegrationType"] != "AWS_PROXY" || in["IntegrationUri"] != fn || in["PayloadFormatVersion"] != "2.0" || in["TimeoutInMillis"] != float64(30000) {
			t.Errorf("get-integrations = %v", m)
		}
	})
	t.Run("get-routes", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-routes", "--api-id", api.APIID))
		r := m["Items"].([]any)[0].(map[string]any)
		if r["RouteKey"] != "$default" || r["AuthorizationType"] != "NONE" || r["Target"] != "integrations/"+integID {
			t.Errorf("get-routes = %v", m)
		}
		one := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-route", "--api-id", api.APIID, "--route-id", r["RouteId"].(string)))
		if one["RouteKey"] != "$default" {
			t.Errorf("get-route = %v", one)
		}
	})
	t.Run("get-stages", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-stages", "--api-id", api.APIID))
		st := m["Items"].([]any)[0].(map[string]any)
		if st["StageName"] != "$default" || st["AutoDeploy"] != true || st["DeploymentId"] == "" {
			t.Errorf("get-stages = %v", m)
		}
		one := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-stage", "--api-id", api.APIID, "--stage-name", "$default"))
		if one["DeploymentId"] != st["DeploymentId"] {
			t.Errorf("get-stage = %v", one)
		}
		d := decode(t, e.Must(t, e.Root, "apigatewayv2", "get-deployments", "--api-id", api.APIID))
		if d["Items"].([]any)[0].(map[string]any)["DeploymentId"] != st["DeploymentId"] {
			t.Errorf("get-deployments = %v", d)
		}
	})
	t.Run("unknown api", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "apigatewayv2", "get-routes", "--api-id", "nope")
		if err == nil || !strings.Contains(stderr, "(NotFoundException) when calling the GetRoutes operation: Invalid API identifier specified "+acct+":nope") {
			t.Errorf("%v %s", err, stderr)
		}
	})
	t.Run("denied", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.User, "apigatewayv2", "get-stages", "--api-id", api.APIID)
		want := "An error occurred (AccessDeniedException) when calling the GetStages operation: User: arn:aws:iam::" + acct +
			":user/api-gateway-user is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/apis/" + api.APIID +
			"/stages because no identity-based policy allows the apigateway:GET action"
		if err == nil || strings.TrimSpace(stderr) != want {
			t.Errorf("stderr:\n%s", cmp.Diff(want, strings.TrimSpace(stderr)))
		}
	})
	t.Run("writes refused", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "apigatewayv2", "delete-api", "--api-id", api.APIID)
		if err == nil || !strings.Contains(stderr, "(BadRequestException)") {
			t.Errorf("%v %s", err, stderr)
		}
	})
}

func TestParseRoute(t *testing.T) {
	tests := []struct {
		path string
		want route
		ok   bool
	}{
		{"/v2/apis", route{op: "GetApis"}, true},
		{"/v2/apis/", route{op: "GetApis"}, true},
		{"/v2/apis/a1", route{op: "GetApi", api: "a1"}, true},
		{"/v2/apis/a1/routes", route{op: "GetRoutes", api: "a1", child: "routes"}, true},
		{"/v2/apis/a1/routes/r1", route{op: "GetRoute", api: "a1", child: "routes", id: "r1"}, true},
		{"/v2/apis/a1/stages/$default", route{op: "GetStage", api: "a1", child: "stages", id: "$default"}, true},
		{"/v2/apis/a1/deployments/d1", route{op: "GetDeployment", api: "a1", child: "deployments", id: "d1"}, true},
		{"/v2/apis/a1/stages/a%2Fb", route{}, false},
		{"/v2/apis//stages", route{}, false},
		{"/v2/apis/a1/models", route{}, false},
		{"/v2/apis/a1/routes/r1/x", route{}, false},
		{"/v2/domainnames", route{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, ok := parseRoute(tc.path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseRoute = %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// FuzzParseRoute checks that a routed path names a known operation and
// that its parameters hold no "/".
func FuzzParseRoute(f *testing.F) {
	for _, s := range []string{"/v2/apis", "/v2/apis/a/routes/r", "/v2/apis//stages", "v2/apis/x/stages/$default/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		r, ok := parseRoute(path)
		if !ok {
			return
		}
		if r.op == "" {
			t.Fatalf("no operation for %q", path)
		}
		for _, v := range []string{r.api, r.child, r.id} {
			if strings.Contains(v, "/") {
				t.Fatalf("parameter %q holds a slash", v)
			}
		}
	})
}
