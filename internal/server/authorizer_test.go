package server

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/stack"
	"github.com/iamgate/iamgate/internal/testutil"
)

// TestPlainAuthorizerResource deploys testdata/authorizer (a TOKEN
// authorizer of plain CloudFormation resources) and calls the CUSTOM
// method: the authorizer CloudFormation made is the one the method names,
// its function runs with its Lambda permission, and its answers are API
// Gateway's.
func TestPlainAuthorizerResource(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	ctx := context.Background()
	s, err := New(ctx, Config{DataDir: t.TempDir(), AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	tmpl, err := os.ReadFile("testdata/authorizer/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rctx := rootCtx(t, s)
	out := outputs(createStack(t, rctx, s, stack.ChangeSetInput{StackName: "plainauth", TemplateBody: string(tmpl), Capabilities: []string{"CAPABILITY_IAM"}}))
	a, err := s.apis.GetAuthorizer(ctx, out["ApiId"], out["AuthorizerId"])
	if err != nil || a.Type != "TOKEN" || a.Name != "token" || a.TTL() != 0 {
		t.Fatalf("authorizer %+v %v", a, err)
	}
	tests := []struct {
		name, token string
		status      int
		body        string
	}{
		{"allowed", "allow", 200, `{"principalId": "plain-user", "via": "plain"}`},
		{"denied", "deny", 403, `{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}`},
		{"no token", "", 401, `{"message":"Unauthorized"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://127.0.0.1:4566/restapis/"+out["ApiId"]+"/v1/_user_request_/pets", nil)
			if tc.token != "" {
				r.Header.Set("Authorization", tc.token)
			}
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			if w.Code != tc.status || strings.TrimSpace(w.Body.String()) != tc.body {
				t.Errorf("got %d %s, want %d %s", w.Code, w.Body.String(), tc.status, tc.body)
			}
		})
	}
}
