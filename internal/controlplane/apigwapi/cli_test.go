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
		path string
		want route
		ok   bool
	}{
		{"/restapis", route{op: "GetRestApis"}, true},
		{"/restapis/a1", route{op: "GetRestApi", api: "a1"}, true},
		{"/restapis/a1/resources", route{op: "GetResources", api: "a1"}, true},
		{"/restapis/a1/resources/r1", route{op: "GetResource", api: "a1", resource: "r1"}, true},
		{"/restapis/a1/resources/r1/methods/get", route{op: "GetMethod", api: "a1", resource: "r1", method: "GET"}, true},
		{"/restapis/a1/stages", route{op: "GetStages", api: "a1"}, true},
		{"/restapis/a1/stages/v1", route{op: "GetStage", api: "a1", stage: "v1"}, true},
		{"/restapis/a1/deployments", route{op: "GetDeployments", api: "a1"}, true},
		{"/restapis/a1/deployments/d1", route{op: "GetDeployment", api: "a1", depID: "d1"}, true},
		{"/restapis/a1/authorizers", route{op: "GetAuthorizers", api: "a1"}, true},
		{"/restapis/a1/authorizers/z9", route{op: "GetAuthorizer", api: "a1", authorizer: "z9"}, true},
		{"/restapis/a1/authorizers/z9/x", route{}, false},
		{"/domainnames", route{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, ok := parseRoute(tc.path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseRoute = %+v %v", got, ok)
			}
		})
	}
}

// FuzzParseRoute checks that every routed path has a handler and that
// path parameters hold no "/".
func FuzzParseRoute(f *testing.F) {
	for _, s := range []string{"/restapis", "/restapis/a/resources/r/methods/GET", "/restapis//stages", "restapis/x/deployments/y/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		r, ok := parseRoute(path)
		if !ok {
			return
		}
		if handlers[r.op] == nil {
			t.Fatalf("no handler for %q", r.op)
		}
		for _, v := range []string{r.api, r.resource, r.method, r.stage, r.depID, r.authorizer} {
			if strings.Contains(v, "/") {
				t.Fatalf("parameter %q holds a slash", v)
			}
		}
	})
}
