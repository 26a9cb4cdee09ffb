package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/logs"
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
	if err := s.objects.CreateBucket(ctx, "restapi-code"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.objects.PutObject(ctx, "restapi-code", "app.zip", code, "", nil); err != nil {
		t.Fatal(err)
	}
	tmpl, err := os.ReadFile("testdata/restapi/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return outputs(createStack(t, ctx, s, stack.ChangeSetInput{StackName: "plain", TemplateBody: string(tmpl), Capabilities: []string{"CAPABILITY_IAM"}}))
}

// TestPlainRestAPI deploys a REST API of plain AWS::ApiGateway::*
// resources and calls it with curl: routing, stage variables, request
// validation and the API's gateway responses as AWS answers them.
func TestPlainRestAPI(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	curl := testutil.NeedCommand(t, "curl")
	ctx := context.Background()
	s, addr := listening(t, Config{AccountID: "000000000000", Region: "us-east-1"})
	out := plainRestAPI(t, s)
	apiID := out["ApiId"]

	// What CloudFormation made, as the control plane reads it.
	rs, err := s.apis.GetResources(ctx, apiID)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, r := range rs {
		var verbs []string
		for v := range r.Methods {
			verbs = append(verbs, v)
		}
		sort.Strings(verbs) // r.Methods is a map: its order varies
		paths[r.Path] = strings.Join(verbs, ",")
		if r.Path == "/items/{id}" && r.ID != out["ItemId"] {
			t.Errorf("Ref of the resource = %s, want its id %s", out["ItemId"], r.ID)
		}
	}
	if paths["/items"] != "GET" || paths["/items/{id}"] != "GET,POST" || len(paths) != 3 {
		t.Errorf("resources = %v", paths)
	}
	m, err := s.apis.GetMethod(ctx, apiID, out["ItemId"], "POST")
	if err != nil || m.RequestValidatorID != out["ValidatorId"] || m.RequestModels["application/json"] != "Item" ||
		!m.RequestParameters["method.request.header.x-tenant"] || m.Integration == nil || m.Integration.Type != "AWS_PROXY" {
		t.Errorf("POST method = %+v %v", m, err)
	}
	models, _ := s.apis.GetModels(ctx, apiID)
	if len(models) != 3 { // Empty, Error and Item
		t.Errorf("models = %+v", models)
	}
	st, err := s.apis.GetStage(ctx, apiID, "v1")
	if err != nil || st.Variables["color"] != "blue" || burst(st.MethodSettings["*/*"]) != 20 {
		t.Errorf("stage = %+v %v", st, err)
	}

	base := "http://" + addr + "/restapis/" + apiID + "/v1/_user_request_"
	good := []string{"-X", "POST", "-H", "x-tenant: t1", "-H", "Content-Type: application/json", "-d", `{"name":"pen","count":2}`}
	// The method answers through its Lambda proxy integration.
	r := curlDo(t, curl, base+"/items/42?mode=x", good...)
	var ev map[string]any
	if r.status != 200 || json.Unmarshal([]byte(r.body), &ev) != nil {
		t.Fatalf("POST /items/42 = %d %s", r.status, r.body)
	}
	if ev["resource"] != "/items/{id}" || ev["pathParameters"].(map[string]any)["id"] != "42" ||
		ev["stageVariables"].(map[string]any)["color"] != "blue" || ev["body"] != `{"name":"pen","count":2}` {
		t.Errorf("event = %v", ev)
	}

	// Request validation answers 400 with AWS's bodies
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-validation-test.html);
	// the API's DEFAULT_4XX adds its header to them.
	tests := []struct {
		name, url string
		args      []string
		status    int
		body      string
		errType   string
	}{
		{"missing header and query", base + "/items/42", []string{"-X", "POST", "-H", "Content-Type: application/json", "-d", `{"name":"pen"}`},
			400, `{"message": "Missing required request parameters: [mode, x-tenant]"}`, "BadRequestException"},
		{"blank query", base + "/items/42?mode=", good, 400, `{"message": "Missing required request parameters: [mode]"}`, "BadRequestException"},
		{"body misses a required property", base + "/items/42?mode=x", []string{"-X", "POST", "-H", "x-tenant: t1", "-H", "Content-Type: application/json", "-d", `{"count":2}`},
			400, `{"message": "Invalid request body"}`, "BadRequestException"},
		{"body of the wrong type", base + "/items/42?mode=x", []string{"-X", "POST", "-H", "x-tenant: t1", "-H", "Content-Type: application/json; charset=utf-8", "-d", `{"name":"pen","count":-1}`},
			400, `{"message": "Invalid request body"}`, "BadRequestException"},
		{"body not JSON", base + "/items/42?mode=x", []string{"-X", "POST", "-H", "x-tenant: t1", "-H", "Content-Type: application/json", "-d", `name=pen`},
			400, `{"message": "Invalid request body"}`, "BadRequestException"},
		// MISSING_AUTHENTICATION_TOKEN is customized: 404 and a template.
		{"no such resource", base + "/nothing", nil,
			404, `{"error":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN","stage":"v1"}`, "MissingAuthenticationTokenException"},
		{"unsigned call of an AWS_IAM method", base + "/items", nil,
			404, `{"error":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN","stage":"v1"}`, "MissingAuthenticationTokenException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := curlDo(t, curl, tc.url, tc.args...)
			if r.status != tc.status || r.body != tc.body || r.header.Get("x-amzn-ErrorType") != tc.errType ||
				r.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("got %d %s %v\nwant %d %s %s", r.status, r.body, r.header, tc.status, tc.body, tc.errType)
			}
		})
	}
	// The custom domain serves the API through its base path mapping
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html).
	if !strings.HasSuffix(out["DomainTarget"], ".execute-api.us-east-1.amazonaws.com") {
		t.Errorf("RegionalDomainName = %q", out["DomainTarget"])
	}
	r = curlDo(t, curl, "http://"+addr+"/shop/items/7?mode=x", append([]string{"-H", "Host: api.example.test"}, good...)...)
	if r.status != 200 || !strings.Contains(r.body, `"resource": "/items/{id}"`) || !strings.Contains(r.body, `"id": "7"`) {
		t.Errorf("POST api.example.test/shop/items/7 = %d %s", r.status, r.body)
	}

	// A media type without a model is not validated.
	if r := curlDo(t, curl, base+"/items/42?mode=x", "-X", "POST", "-H", "x-tenant: t1", "-H", "Content-Type: text/plain", "-d", "anything"); r.status != 200 {
		t.Errorf("text/plain body = %d %s", r.status, r.body)
	}
	// A signed call of the AWS_IAM method passes.
	id, secret := s.RootKey()
	if r := curlDo(t, curl, "http://"+addr+"/restapis/"+apiID+"/v1/_user_request_/items",
		"--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user", id+":"+secret); r.status != 200 {
		t.Errorf("signed GET /items = %d %s", r.status, r.body)
	}

	// test-invoke-method runs the method as it is now, without
	// authorization, with the given stage variables, through the real aws CLI.
	if awsBin, err := exec.LookPath("aws"); err == nil || os.Getenv("CI") == "true" {
		if err != nil {
			t.Fatal("aws CLI not found")
		}
		cmd := exec.Command(awsBin, "apigateway", "test-invoke-method", "--rest-api-id", apiID, "--resource-id", out["ItemId"],
			"--http-method", "POST", "--path-with-query-string", "/items/9?mode=x", "--headers", "x-tenant=t1,Content-Type=application/json",
			"--body", `{"name":"pen"}`, "--stage-variables", "color=green", "--endpoint-url", "http://"+addr, "--output", "json")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
			"AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true"}
		raw, err := cmd.Output()
		var ti map[string]any
		if err != nil || json.Unmarshal(raw, &ti) != nil {
			t.Fatalf("test-invoke-method: %v %s", err, raw)
		}
		body, _ := ti["body"].(string)
		if ti["status"] != float64(200) || !strings.Contains(body, `"id": "9"`) || !strings.Contains(body, `"color": "green"`) ||
			!strings.Contains(ti["log"].(string), "test invoke") {
			t.Errorf("test-invoke-method = %v", ti)
		}
	} else {
		t.Log("aws CLI not installed: test-invoke-method not exercised")
	}

	// The stage's access log holds a line per request in its format
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
	if err := s.logGroups.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := s.logGroups.FilterLogEvents(ctx, "plain-rest-access", logs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range evs {
		lines = append(lines, e.Message)
	}
	for _, want := range []string{
		"POST /items/{id} 200 - v1 -",
		"POST /items/{id} 400 Missing required request parameters: [mode, x-tenant] v1 -",
		"POST /items/{id} 400 Invalid request body v1 -",
		"GET - 404 Missing Authentication Token v1 -",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("access log misses %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}

	// The method whose own settings give it a burst of 0 is throttled with
	// the THROTTLED gateway response (its headers from DEFAULT_4XX); the
	// stage's INFO level wrote each request's execution log
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html,
	// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
	r = curlDo(t, curl, base+"/items/7")
	if r.status != 429 || r.body != `{"message":"Too Many Requests"}` || r.header.Get("x-amzn-ErrorType") != "TooManyRequestsException" ||
		r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("throttled GET /items/7 = %d %s %v", r.status, r.body, r.header)
	}
	if err := s.logGroups.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err = s.logGroups.FilterLogEvents(ctx, "API-Gateway-Execution-Logs_"+apiID+"/v1", logs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	exec := ""
	for _, e := range evs {
		exec += e.Message + "\n"
	}
	throttledID := r.header.Get("x-amzn-RequestId")
	for _, want := range []string{
		"(" + throttledID + ") HTTP Method: GET, Resource Path: /items/7\n",
		"(" + throttledID + ") Method completed with status: 429\n",
		") Method request query string: {mode=x}\n",
		") Sending request to https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:",
		") Successfully completed execution\n",
	} {
		if !strings.Contains(exec, want) {
			t.Errorf("execution log misses %q:\n%s", want, exec)
		}
	}

	// Deleting the stack deletes the API.
	if err := s.stacks.DeleteStack(rootCtx(t, s), "plain", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.apis.GetRestAPI(ctx, apiID); err == nil {
		t.Error("API of a deleted stack still there")
	}
}

type curlResult struct {
	status int
	header http.Header
	body   string
}

// curlDo runs curl on url and parses the response it prints with -i.
func curlDo(t *testing.T, curl, url string, args ...string) curlResult {
	t.Helper()
	cmd := exec.Command(curl, append([]string{"-s", "-i", "--max-time", "20", url}, args...)...)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl %s: %v", url, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		t.Fatalf("curl output: %v\n%s", err, raw)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return curlResult{status: resp.StatusCode, header: resp.Header, body: strings.TrimSpace(string(b))}
}

// meteredTemplate: two usage plans of one stage, one throttled to a burst
// of 1, one with a quota of 1 request a day.
const meteredTemplate = `
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: metered}
  Keyed:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      ApiKeyRequired: true
      Integration: {Type: MOCK, RequestTemplates: {application/json: '{"statusCode": 200}'}}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Keyed
    Properties: {RestApiId: !Ref Api, StageName: v1}
  Throttled:
    Type: AWS::ApiGateway::UsagePlan
    DependsOn: Deployment
    Properties:
      ApiStages: [{ApiId: !Ref Api, Stage: v1}]
      Throttle: {BurstLimit: 1, RateLimit: 0.001}
  Limited:
    Type: AWS::ApiGateway::UsagePlan
    DependsOn: Deployment
    Properties:
      ApiStages: [{ApiId: !Ref Api, Stage: v1}]
      Quota: {Limit: 1, Period: DAY}
  FastKey:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Enabled: true, Value: fast-key-value-0123456789}
  QuotaKey:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Enabled: true, Value: quota-key-value-0123456789}
  FastPlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: {KeyId: !Ref FastKey, KeyType: API_KEY, UsagePlanId: !Ref Throttled}
  QuotaPlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: {KeyId: !Ref QuotaKey, KeyType: API_KEY, UsagePlanId: !Ref Limited}
Outputs:
  ApiId: {Value: !Ref Api}
`

// TestUsagePlansMeterKeys: past its plan's burst a key gets 429 Too Many
// Requests, past its quota 429 Limit Exceeded, with API Gateway's error
// types (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
func TestUsagePlansMeterKeys(t *testing.T) {
	curl := testutil.NeedCommand(t, "curl")
	s, addr := listening(t, Config{AccountID: "000000000000", Region: "us-east-1"})
	ctx := rootCtx(t, s)
	st := createStack(t, ctx, s, stack.ChangeSetInput{StackName: "metered", TemplateBody: meteredTemplate})
	url := "http://" + addr + "/restapis/" + st.Outputs[0].Value + "/v1/_user_request_/"
	for _, tc := range []struct {
		key, body, errType string
	}{
		{"fast-key-value-0123456789", `{"message":"Too Many Requests"}`, "TooManyRequestsException"},
		{"quota-key-value-0123456789", `{"message":"Limit Exceeded"}`, "LimitExceededException"},
	} {
		if r := curlDo(t, curl, url, "-H", "x-api-key: "+tc.key); r.status == 429 || r.status == 403 {
			t.Errorf("first call with %s = %d %s", tc.key, r.status, r.body)
		}
		r := curlDo(t, curl, url, "-H", "x-api-key: "+tc.key)
		if r.status != 429 || r.body != tc.body || r.header.Get("x-amzn-ErrorType") != tc.errType {
			t.Errorf("second call with %s = %d %s %s", tc.key, r.status, r.body, r.header.Get("x-amzn-ErrorType"))
		}
	}
}

func burst(ms apigw.MethodSettings) int {
	if ms.ThrottlingBurstLimit == nil {
		return -1
	}
	return *ms.ThrottlingBurstLimit
}
