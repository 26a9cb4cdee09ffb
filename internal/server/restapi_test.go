package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/stack"
	"github.com/iamgate/iamgate/internal/testutil"
)

// plainRestAPI deploys testdata/restapi/template.yaml (a REST API of plain
// AWS::ApiGateway::* resources) and returns the stack outputs by key.
func plainRestAPI(t *testing.T, s *Server) map[string]string {
	t.Helper()
	ctx := rootCtx(t, s)
	code, err := functions.ZipDir("testdata/restapi")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.S3.CreateBucket(ctx, "restapi-code"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.S3.PutObject(ctx, "restapi-code", "app.zip", code, "", nil); err != nil {
		t.Fatal(err)
	}
	tmpl, err := os.ReadFile("testdata/restapi/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stacks.CreateChangeSet(ctx, stack.ChangeSetInput{StackName: "plain", ChangeSetName: "c1", ChangeSetType: "CREATE",
		TemplateBody: string(tmpl), Capabilities: []string{"CAPABILITY_IAM"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Stacks.ExecuteChangeSet(ctx, "plain", "c1"); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stacks.DescribeStacks(ctx, "plain")
	if err != nil || len(st) != 1 || st[0].StackStatus != stack.CreateComplete {
		ev, _ := s.Stacks.DescribeStackEvents(ctx, "plain")
		for _, e := range ev {
			t.Logf("%s %s %s", e.LogicalResourceID, e.ResourceStatus, e.ResourceStatusReason)
		}
		t.Fatalf("stack: %+v %v", st, err)
	}
	out := map[string]string{}
	for _, o := range st[0].Outputs {
		out[o.Key] = o.Value
	}
	return out
}

func TestPlainRestAPIResources(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	ctx := context.Background()
	s, err := New(ctx, Config{DataDir: t.TempDir(), AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	out := plainRestAPI(t, s)
	apiID := out["ApiId"]

	// What CloudFormation made, as the control plane reads it.
	rs, err := s.APIs.GetResources(ctx, apiID)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, r := range rs {
		var verbs []string
		for v := range r.Methods {
			verbs = append(verbs, v)
		}
		paths[r.Path] = strings.Join(verbs, ",")
		if r.Path == "/items/{id}" && r.ID != out["ItemId"] {
			t.Errorf("Ref of the resource = %s, want its id %s", out["ItemId"], r.ID)
		}
	}
	if paths["/items"] != "GET" || paths["/items/{id}"] != "POST" || len(paths) != 3 {
		t.Errorf("resources = %v", paths)
	}
	m, err := s.APIs.GetMethod(ctx, apiID, out["ItemId"], "POST")
	if err != nil || m.RequestValidatorID != out["ValidatorId"] || m.RequestModels["application/json"] != "Item" ||
		!m.RequestParameters["method.request.header.x-tenant"] || m.Integration == nil || m.Integration.Type != "AWS_PROXY" {
		t.Errorf("POST method = %+v %v", m, err)
	}
	models, _ := s.APIs.GetModels(ctx, apiID)
	if len(models) != 3 { // Empty, Error and Item
		t.Errorf("models = %+v", models)
	}
	st, err := s.APIs.GetStage(ctx, apiID, "v1")
	if err != nil || st.Variables["color"] != "blue" || st.MethodSettings["*/*"].ThrottlingBurstLimit != 20 {
		t.Errorf("stage = %+v %v", st, err)
	}

	// The method answers through its Lambda proxy integration.
	status, body, _ := callPlain(t, s, "POST", "/restapis/"+apiID+"/v1/_user_request_/items/42?mode=x",
		map[string]string{"x-tenant": "t1", "Content-Type": "application/json"}, `{"name":"pen"}`)
	var ev map[string]any
	if status != 200 || json.Unmarshal([]byte(body), &ev) != nil {
		t.Fatalf("POST /items/42 = %d %s", status, body)
	}
	if ev["resource"] != "/items/{id}" || ev["pathParameters"].(map[string]any)["id"] != "42" ||
		ev["stageVariables"].(map[string]any)["color"] != "blue" {
		t.Errorf("event = %v", ev)
	}

	// Deleting the stack deletes the API.
	if err := s.Stacks.DeleteStack(rootCtx(t, s), "plain", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.APIs.GetRestAPI(ctx, apiID); err == nil {
		t.Error("API of a deleted stack still there")
	}
}

// callPlain sends one request through the server's handler.
func callPlain(t *testing.T, s *Server, method, target string, headers map[string]string, body string) (int, string, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, "http://127.0.0.1:4566"+target, rd)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w.Code, strings.TrimSpace(w.Body.String()), w.Header()
}
