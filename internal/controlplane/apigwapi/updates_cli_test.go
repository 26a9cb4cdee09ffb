package apigwapi

import (
	"context"
	"strings"
	"testing"
)

// TestCLIUpdates patches methods, integrations, API keys, usage plans and
// the account with the real aws CLI, with the patch paths of
// https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html;
// a bad path or value is AWS's BadRequestException and changes nothing.
func TestCLIUpdates(t *testing.T) {
	e := newEnv(t)
	root := e.Root
	api := decodeOut(t, e.Must(t, root, "apigateway", "create-rest-api", "--name", "patched"))
	apiID, rootID := api["id"].(string), api["rootResourceId"].(string)
	res := decodeOut(t, e.Must(t, root, "apigateway", "create-resource", "--rest-api-id", apiID, "--parent-id", rootID, "--path-part", "items"))
	resID := res["id"].(string)
	loc := []string{"--rest-api-id", apiID, "--resource-id", resID, "--http-method", "GET"}
	e.Must(t, root, append([]string{"apigateway", "put-method", "--authorization-type", "NONE"}, loc...)...)
	e.Must(t, root, append([]string{"apigateway", "put-integration", "--type", "HTTP", "--integration-http-method", "GET",
		"--uri", "http://backend.example/items"}, loc...)...)

	m := decodeOut(t, e.Must(t, root, append([]string{"apigateway", "update-method", "--patch-operations",
		"op=replace,path=/apiKeyRequired,value=true", "op=replace,path=/authorizationType,value=AWS_IAM",
		"op=add,path=/requestParameters/method.request.querystring.q,value=true"}, loc...)...))
	if m["apiKeyRequired"] != true || m["authorizationType"] != "AWS_IAM" ||
		m["requestParameters"].(map[string]any)["method.request.querystring.q"] != true {
		t.Errorf("update-method = %v", m)
	}
	_, stderr, err := e.AWS(t, root, append([]string{"apigateway", "update-method", "--patch-operations",
		"op=replace,path=/apiKeyRequired,value=false", "op=replace,path=/nope,value=1"}, loc...)...)
	if err == nil || !strings.Contains(stderr, "(BadRequestException) when calling the UpdateMethod operation: Invalid patch path '/nope' specified for op 'replace'") {
		t.Errorf("bad method path: %v %s", err, stderr)
	}
	if m := decodeOut(t, e.Must(t, root, append([]string{"apigateway", "get-method"}, loc...)...)); m["apiKeyRequired"] != true {
		t.Errorf("a failed update changed the method: %v", m)
	}

	in := decodeOut(t, e.Must(t, root, append([]string{"apigateway", "update-integration", "--patch-operations",
		"op=replace,path=/timeoutInMillis,value=5000", "op=replace,path=/uri,value=http://backend.example/v2/items",
		"op=add,path=/requestTemplates/application~1json,value=$input.body",
		"op=add,path=/requestParameters/integration.request.header.x-q,value=method.request.querystring.q"}, loc...)...))
	if in["timeoutInMillis"] != float64(5000) || in["uri"] != "http://backend.example/v2/items" ||
		in["requestTemplates"].(map[string]any)["application/json"] != "$input.body" ||
		in["requestParameters"].(map[string]any)["integration.request.header.x-q"] != "method.request.querystring.q" {
		t.Errorf("update-integration = %v", in)
	}
	_, stderr, err = e.AWS(t, root, append([]string{"apigateway", "update-integration", "--patch-operations",
		"op=add,path=/requestParameters/integration.request.header.x,value=bogus.source"}, loc...)...)
	if err == nil || !strings.Contains(stderr, "(BadRequestException) when calling the UpdateIntegration operation: Invalid mapping expression specified") {
		t.Errorf("bad mapping: %v %s", err, stderr)
	}

	// Disabling a key is how scripts revoke it.
	key := decodeOut(t, e.Must(t, root, "apigateway", "create-api-key", "--name", "k", "--enabled"))
	k := decodeOut(t, e.Must(t, root, "apigateway", "update-api-key", "--api-key", key["id"].(string), "--patch-operations",
		"op=replace,path=/enabled,value=false", "op=replace,path=/description,value=revoked"))
	if k["enabled"] != false || k["description"] != "revoked" || k["name"] != "k" {
		t.Errorf("update-api-key = %v", k)
	}
	_, stderr, err = e.AWS(t, root, "apigateway", "update-api-key", "--api-key", key["id"].(string), "--patch-operations", "op=replace,path=/enabled,value=maybe")
	if err == nil || !strings.Contains(stderr, "(BadRequestException) when calling the UpdateApiKey operation: Invalid value 'maybe' for patch path '/enabled'") {
		t.Errorf("bad enabled value: %v %s", err, stderr)
	}

	e.Must(t, root, "apigateway", "create-deployment", "--rest-api-id", apiID, "--stage-name", "v1")
	plan := decodeOut(t, e.Must(t, root, "apigateway", "create-usage-plan", "--name", "p"))
	p := decodeOut(t, e.Must(t, root, "apigateway", "update-usage-plan", "--usage-plan-id", plan["id"].(string), "--patch-operations",
		"op=replace,path=/throttle/rateLimit,value=2.5", "op=replace,path=/throttle/burstLimit,value=4",
		"op=replace,path=/quota/limit,value=100", "op=replace,path=/quota/period,value=DAY", "op=add,path=/apiStages,value="+apiID+":v1"))
	throttle, _ := p["throttle"].(map[string]any)
	quota, _ := p["quota"].(map[string]any)
	stages, _ := p["apiStages"].([]any)
	if throttle["rateLimit"] != 2.5 || throttle["burstLimit"] != float64(4) || quota["limit"] != float64(100) || quota["period"] != "DAY" || len(stages) != 1 {
		t.Errorf("update-usage-plan = %v", p)
	}
	_, stderr, err = e.AWS(t, root, "apigateway", "update-usage-plan", "--usage-plan-id", plan["id"].(string), "--patch-operations",
		"op=add,path=/apiStages,value="+apiID+":nostage")
	if err == nil || !strings.Contains(stderr, "(NotFoundException) when calling the UpdateUsagePlan operation: Invalid stage identifier specified") {
		t.Errorf("unknown stage: %v %s", err, stderr)
	}

	role := "arn:aws:iam::" + acct + ":role/apigw-logs"
	a := decodeOut(t, e.Must(t, root, "apigateway", "update-account", "--patch-operations", "op=replace,path=/cloudwatchRoleArn,value="+role))
	if a["cloudwatchRoleArn"] != role {
		t.Errorf("update-account = %v", a)
	}
	// Passing the role takes iam:PassRole, which API Gateway rights alone do not give.
	if err := e.IAM.PutUserPolicy(context.Background(), "api-gateway-user", "apigw",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"apigateway:*","Resource":"*"}]}`); err != nil {
		t.Fatal(err)
	}
	_, stderr, err = e.AWS(t, e.User, "apigateway", "update-account", "--patch-operations", "op=replace,path=/cloudwatchRoleArn,value="+role+"2")
	if err == nil || !strings.Contains(stderr, "AccessDenied") || !strings.Contains(stderr, "iam:PassRole") {
		t.Errorf("update-account without iam:PassRole: %v %s", err, stderr)
	}
}
