package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/stack"
)

// httpAPITemplate builds an HTTP API from plain AWS::ApiGatewayV2
// resources, as CDK and hand-written templates do: the auto-deploy
// $default stage is created before the routes, so each route reaches it
// by auto-deploy. The HTTP_PROXY integration calls a local server.
const httpAPITemplate = `
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: plain, ProtocolType: HTTP}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: $default
      AutoDeploy: true
      DefaultRouteSettings: {ThrottlingBurstLimit: 5, ThrottlingRateLimit: 10}
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: HTTP_PROXY, IntegrationUri: "https://example.com/{proxy}", IntegrationMethod: ANY, PayloadFormatVersion: "1.0"}
  Open:
    Type: AWS::ApiGatewayV2::Route
    DependsOn: Stage
    Properties: {ApiId: !Ref Api, RouteKey: "GET /open", Target: !Sub "integrations/${Integ}"}
  Signed:
    Type: AWS::ApiGatewayV2::Route
    DependsOn: Stage
    Properties: {ApiId: !Ref Api, RouteKey: "ANY /signed/{proxy+}", AuthorizationType: AWS_IAM, Target: !Sub "integrations/${Integ}"}
Outputs:
  ApiId: {Value: !Ref Api}
  Endpoint: {Value: !GetAtt Api.ApiEndpoint}
`

func TestHTTPAPIFromCloudFormation(t *testing.T) {
	ctx := context.Background()
	s, err := New(ctx, Config{DataDir: t.TempDir(), AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	ctx = rootCtx(t, s)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("backend " + r.Method))
	}))
	defer backend.Close()
	out := outputs(createStack(t, ctx, s, stack.ChangeSetInput{StackName: "plain",
		TemplateBody: strings.ReplaceAll(httpAPITemplate, "https://example.com", backend.URL)}))
	apiID := out["ApiId"]
	if out["Endpoint"] != "https://"+apiID+".execute-api.us-east-1.amazonaws.com" {
		t.Errorf("ApiEndpoint %q", out["Endpoint"])
	}
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/open", 200, "backend GET"},
		{"POST", "/open", 404, `{"message":"Not Found"}`},
		{"DELETE", "/signed/a/b", 403, `{"message":"Forbidden"}`},
		{"GET", "/signed", 404, `{"message":"Not Found"}`},
	}
	for _, tc := range tests {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://127.0.0.1:4566/restapis/"+apiID+"/_user_request_"+tc.path, nil)
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			if w.Code != tc.status || w.Body.String() != tc.body {
				t.Errorf("got %d %s, want %d %s", w.Code, w.Body.String(), tc.status, tc.body)
			}
		})
	}
	stage, err := s.httpAPIs.GetStage(ctx, apiID, "$default")
	if err != nil || !throttles(stage.DefaultRouteSettings, 5, 10) {
		t.Errorf("throttling settings not kept: %+v %v", stage, err)
	}
	if err := s.stacks.DeleteStack(ctx, "plain", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.httpAPIs.GetAPI(ctx, apiID); err == nil || !strings.Contains(err.Error(), "Invalid API identifier") {
		t.Errorf("API of a deleted stack: %v", err)
	}
}

func throttles(rs httpapi.RouteSettings, burst int, rate float64) bool {
	return rs.ThrottlingBurstLimit != nil && *rs.ThrottlingBurstLimit == burst &&
		rs.ThrottlingRateLimit != nil && *rs.ThrottlingRateLimit == rate
}
