package apigwapi

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/apigw"
)

// helloAPI is the seed's shape: GET /hello with AWS_IAM and a Lambda proxy.
const helloAPI = `{"openapi":"3.0.1","info":{"title":"HelloApi","version":"1.0"},
"paths":{"/hello":{"get":{"security":[{"sigv4":[]}],
"x-amazon-apigateway-integration":{"type":"aws_proxy","httpMethod":"POST",
"uri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:hello/invocations"}}}},
"components":{"securitySchemes":{"sigv4":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"awsSigv4"}}}}`

func decodeOut(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

// TestCLIReads drives the read operations with the real aws CLI.
func TestCLIReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	api, err := e.apis.CreateRestAPI(ctx, apigw.CreateRestAPIInput{Name: "HelloApi", Body: helloAPI})
	if err != nil {
		t.Fatal(err)
	}
	dep, err := e.apis.CreateDeployment(ctx, api.ID, "v1", "first")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("get-rest-apis", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "apigateway", "get-rest-apis"))
		items := m["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != api.ID || items[0].(map[string]any)["name"] != "HelloApi" {
			t.Errorf("get-rest-apis = %v", m)
		}
	})
	t.Run("get-rest-api", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "apigateway", "get-rest-api", "--rest-api-id", api.ID))
		if m["apiKeySource"] != "HEADER" || m["endpointConfiguration"].(map[string]any)["types"].([]any)[0] != "EDGE" {
			t.Errorf("get-rest-api = %v", m)
		}
	})
	var helloID string
	t.Run("get-resources", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "apigateway", "get-resources", "--rest-api-id", api.ID))
		paths := map[string]any{}
		for _, it := range m["items"].([]any) {
			r := it.(map[string]any)
			paths[r["path"].(string)] = r["resourceMethods"]
			if r["path"] == "/hello" {
				helloID = r["id"].(string)
			}
		}
		want := map[string]any{"/": nil, "/hello": map[string]any{"GET": map[string]any{}}}
		if diff := cmp.Diff(want, paths); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("get-method", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "apigateway", "get-method", "--rest-api-id", api.ID, "--resource-id", helloID, "--http-method", "GET"))
		in := m["methodIntegration"].(map[string]any)
		if m["authorizationType"] != "AWS_IAM" || in["type"] != "AWS_PROXY" || !strings.HasSuffix(in["uri"].(string), ":function:hello/invocations") {
			t.Errorf("get-method = %v", m)
		}
		_, stderr, err := e.AWS(t, e.Root, "apigateway", "get-method", "--rest-api-id", api.ID, "--resource-id", helloID, "--http-method", "POST")
		if err == nil || !strings.Contains(stderr, "(NotFoundException) when calling the GetMethod operation: Invalid Method identifier specified") {
			t.Errorf("missing method: %v %s", err, stderr)
		}
	})
	t.Run("stages and deployments", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "apigateway", "get-stages", "--rest-api-id", api.ID))
		st := m["item"].([]any)[0].(map[string]any)
		if st["stageName"] != "v1" || st["deploymentId"] != dep.ID {
			t.Errorf("get-stages = %v", m)
		}
		m = decodeOut(t, e.Must(t, e.Root, "apigateway", "get-stage", "--rest-api-id", api.ID, "--stage-name", "v1"))
		if m["cacheClusterStatus"] != "NOT_AVAILABLE" {
			t.Errorf("get-stage = %v", m)
		}
		m = decodeOut(t, e.Must(t, e.Root, "apigateway", "get-deployments", "--rest-api-id", api.ID))
		if m["items"].([]any)[0].(map[string]any)["id"] != dep.ID {
			t.Errorf("get-deployments = %v", m)
		}
		m = decodeOut(t, e.Must(t, e.Root, "apigateway", "get-deployment", "--rest-api-id", api.ID, "--deployment-id", dep.ID))
		if m["description"] != "first" {
			t.Errorf("get-deployment = %v", m)
		}
	})
	t.Run("unknown api", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "apigateway", "get-rest-api", "--rest-api-id", "nope")
		if err == nil || !strings.Contains(stderr, "(NotFoundException) when calling the GetRestApi operation: Invalid API identifier specified "+acct+":nope") {
			t.Errorf("%v %s", err, stderr)
		}
	})
	t.Run("denied", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.User, "apigateway", "get-rest-apis")
		want := "An error occurred (AccessDeniedException) when calling the GetRestApis operation: User: arn:aws:iam::" + acct +
			":user/api-gateway-user is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/restapis because no identity-based policy allows the apigateway:GET action"
		if err == nil || strings.TrimSpace(stderr) != want {
			t.Errorf("stderr:\n%s", cmp.Diff(want, strings.TrimSpace(stderr)))
		}
	})
}

func TestParseRoute(t *testing.T) {
	tests := []struct {
		method, path string
		want         route
		ok           bool
	}{
		{"GET", "/restapis", route{shape: shapeRestAPIs}, true},
		{"GET", "/restapis/a1", route{shape: shapeRestAPI, api: "a1"}, true},
		{"GET", "/restapis/a1/resources", route{shape: shapeResources, api: "a1"}, true},
		{"GET", "/restapis/a1/resources/r1", route{shape: shapeResource, api: "a1", resource: "r1"}, true},
		{"GET", "/restapis/a1/resources/r1/methods/get", route{shape: shapeMethod, api: "a1", resource: "r1", method: "GET"}, true},
		{"GET", "/restapis/a1/resources/r1/methods/GET/integration", route{shape: shapeIntegration, api: "a1", resource: "r1", method: "GET"}, true},
		{"GET", "/restapis/a1/resources/r1/methods/GET/integration/responses/200", route{shape: shapeIntegrationResponse, api: "a1", resource: "r1", method: "GET", name: "200"}, true},
		{"GET", "/restapis/a1/resources/r1/methods/GET/responses/200", route{shape: shapeMethodResponse, api: "a1", resource: "r1", method: "GET", name: "200"}, true},
		{"GET", "/restapis/a1/stages", route{shape: shapeStages, api: "a1"}, true},
		{"GET", "/restapis/a1/stages/v1", route{shape: shapeStage, api: "a1", stage: "v1"}, true},
		{"GET", "/restapis/a1/stages/v1/exports/oas30", route{shape: shapeExport, api: "a1", stage: "v1", exportType: "oas30"}, true},
		{"GET", "/restapis/a1/deployments", route{shape: shapeDeployments, api: "a1"}, true},
		{"GET", "/restapis/a1/deployments/d1", route{shape: shapeDeployment, api: "a1", depID: "d1"}, true},
		{"GET", "/restapis/a1/models/M", route{shape: shapeModel, api: "a1", name: "M"}, true},
		{"GET", "/restapis/a1/gatewayresponses/DEFAULT_4XX", route{shape: shapeGatewayResponse, api: "a1", name: "DEFAULT_4XX"}, true},
		{"DELETE", "/usageplans/p1/keys/k1", route{shape: shapeUsagePlanKey, plan: "p1", key: "k1"}, true},
		{"GET", "/usageplans/p1/usage", route{shape: shapeUsage, plan: "p1"}, true},
		{"GET", "/apikeys/k1", route{shape: shapeAPIKey, key: "k1"}, true},
		{"GET", "/restapis/a1/authorizers", route{shape: shapeAuthorizers, api: "a1"}, true},
		{"GET", "/restapis/a1/authorizers/z9", route{shape: shapeAuthorizer, api: "a1", name: "z9"}, true},
		{"GET", "/restapis/a1/authorizers/z9/x", route{}, false},
		{"GET", "/restapis//stages", route{}, false},
		{"GET", "/domainnames", route{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			got, ok := parseRoute(tc.method, tc.path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseRoute = %+v %v", got, ok)
			}
		})
	}
}

// FuzzParseRoute checks that path parameters hold no "/" and are never
// empty, and that every shape parsed has at least one operation.
func FuzzParseRoute(f *testing.F) {
	for _, s := range []string{"/restapis", "/restapis/a/resources/r/methods/GET", "/restapis//stages", "restapis/x/deployments/y/",
		"/usageplans/p/keys/k", "/restapis/a/stages/s/exports/swagger"} {
		f.Add("GET", s)
	}
	f.Add("DELETE", "/usageplans/p/keys/k")
	f.Add("PATCH", "/restapis/a/stages/s%2Fx")
	shapes := map[string]bool{}
	for k := range ops {
		shapes[strings.SplitN(k, " ", 2)[1]] = true
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		r, ok := parseRoute(method, path)
		if !ok {
			return
		}
		if !shapes[r.shape] && r.shape != shapeIntegrationResponse && r.shape != shapeMethodResponse {
			t.Fatalf("no operation for shape %q", r.shape)
		}
		for _, v := range []string{r.api, r.resource, r.method, r.stage, r.depID, r.name, r.plan, r.key, r.exportType} {
			if strings.Contains(v, "/") {
				t.Fatalf("parameter %q holds a slash", v)
			}
		}
	})
}
