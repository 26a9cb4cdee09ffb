package server

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/stack"
)

// keyedTemplate deploys a REST API whose method requires an API key, with
// a key (a given Value), a usage plan of stage v1 and the plan's key, the
// way a template written for AWS does. The method's integration is MOCK,
// which iamgate does not run: past the key check it answers 500.
const keyedTemplate = `
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: keyed
      Body:
        openapi: 3.0.1
        paths:
          /k:
            get:
              security: [{api_key: []}]
              x-amazon-apigateway-integration: {type: mock}
        components:
          securitySchemes:
            api_key: {type: apiKey, name: x-api-key, in: header}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Api, StageName: v1}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    DependsOn: Deployment
    Properties:
      UsagePlanName: plan
      ApiStages: [{ApiId: !Ref Api, Stage: v1}]
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Enabled: true, Value: keyed-api-key-value-0123456789}
  Loose:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Enabled: true, Value: loose-api-key-value-0123456789}
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: {KeyId: !Ref Key, KeyType: API_KEY, UsagePlanId: !Ref Plan}
Outputs:
  ApiId: {Value: !Ref Api}
`

func TestAPIKeysFromCloudFormation(t *testing.T) {
	ctx := context.Background()
	s, err := New(ctx, Config{DataDir: t.TempDir(), AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	ctx = rootCtx(t, s)
	st := createStack(t, ctx, s, stack.ChangeSetInput{StackName: "keyed", TemplateBody: keyedTemplate})
	if len(st.Outputs) != 1 {
		t.Fatalf("stack: %+v", st)
	}
	apiID := st.Outputs[0].Value
	const forbidden = `{"message":"Forbidden"}`
	tests := []struct {
		name, key string
		status    int
		body      string
	}{
		{"no key", "", 403, forbidden},
		{"key in no usage plan", "loose-api-key-value-0123456789", 403, forbidden},
		{"unknown key", "some-other-value-of-thirty-chars", 403, forbidden},
		{"key of the plan", "keyed-api-key-value-0123456789", 500, `{"message": "Internal server error"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://127.0.0.1:4566/restapis/"+apiID+"/v1/_user_request_/k", nil)
			if tc.key != "" {
				r.Header.Set("x-api-key", tc.key)
			}
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			if w.Code != tc.status || strings.TrimSpace(w.Body.String()) != tc.body {
				t.Errorf("got %d %s, want %d %s", w.Code, w.Body.String(), tc.status, tc.body)
			}
		})
	}
	// Deleting the stack deletes the keys: the key no longer passes.
	if err := s.stacks.DeleteStack(ctx, "keyed", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.stacks.Wait(ctx, "keyed"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.apis.ValidAPIKey(ctx, apiID, "v1", "keyed-api-key-value-0123456789"); ok {
		t.Error("key of a deleted stack still valid")
	}
}
