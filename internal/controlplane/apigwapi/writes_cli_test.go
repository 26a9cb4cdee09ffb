package apigwapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCLIBuildsAnAPI builds, deploys, exports and deletes a REST API with
// the real aws CLI alone, as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/create-api-using-awscli.html
// walks through it, and checks that every write is authorized as
// apigateway:{METHOD} on the path it addresses.
func TestCLIBuildsAnAPI(t *testing.T) {
	e := newEnv(t)
	root := e.Root
	api := decodeOut(t, e.Must(t, root, "apigateway", "create-rest-api", "--name", "built", "--endpoint-configuration", "types=REGIONAL"))
	apiID, rootID := api["id"].(string), api["rootResourceId"].(string)
	if rootID == "" || api["apiKeySource"] != "HEADER" {
		t.Fatalf("create-rest-api = %v", api)
	}
	items := decodeOut(t, e.Must(t, root, "apigateway", "create-resource", "--rest-api-id", apiID, "--parent-id", rootID, "--path-part", "items"))
	itemsID := items["id"].(string)
	if items["path"] != "/items" || items["parentId"] != rootID {
		t.Errorf("create-resource = %v", items)
	}
	_, stderr, err := e.AWS(t, root, "apigateway", "create-resource", "--rest-api-id", apiID, "--parent-id", rootID, "--path-part", "items")
	if err == nil || !strings.Contains(stderr, "(ConflictException) when calling the CreateResource operation: Another resource with the same parent already has this name: items") {
		t.Errorf("duplicate resource: %v %s", err, stderr)
	}
	model := decodeOut(t, e.Must(t, root, "apigateway", "create-model", "--rest-api-id", apiID, "--name", "Item", "--content-type", "application/json",
		"--schema", `{"type":"object","required":["name"]}`))
	if model["name"] != "Item" {
		t.Errorf("create-model = %v", model)
	}
	val := decodeOut(t, e.Must(t, root, "apigateway", "create-request-validator", "--rest-api-id", apiID, "--name", "all",
		"--validate-request-body", "--validate-request-parameters"))
	valID := val["id"].(string)
	m := decodeOut(t, e.Must(t, root, "apigateway", "put-method", "--rest-api-id", apiID, "--resource-id", itemsID, "--http-method", "POST",
		"--authorization-type", "AWS_IAM", "--request-validator-id", valID, "--request-models", "application/json=Item",
		"--request-parameters", "method.request.querystring.q=true"))
	if m["authorizationType"] != "AWS_IAM" || m["requestValidatorId"] != valID {
		t.Errorf("put-method = %v", m)
	}
	in := decodeOut(t, e.Must(t, root, "apigateway", "put-integration", "--rest-api-id", apiID, "--resource-id", itemsID, "--http-method", "POST",
		"--type", "AWS_PROXY", "--integration-http-method", "POST",
		"--uri", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:"+acct+":function:f/invocations"))
	if in["type"] != "AWS_PROXY" || in["timeoutInMillis"] != float64(29000) {
		t.Errorf("put-integration = %v", in)
	}
	_, stderr, err = e.AWS(t, root, "apigateway", "put-integration", "--rest-api-id", apiID, "--resource-id", itemsID, "--http-method", "POST",
		"--type", "HTTP", "--integration-http-method", "GET", "--uri", "ftp://x")
	if err == nil || !strings.Contains(stderr, "(BadRequestException) when calling the PutIntegration operation: Invalid HTTP endpoint specified for URI") {
		t.Errorf("bad integration: %v %s", err, stderr)
	}
	e.Must(t, root, "apigateway", "put-gateway-response", "--rest-api-id", apiID, "--response-type", "MISSING_AUTHENTICATION_TOKEN",
		"--status-code", "404", "--response-templates", `{"application/json":"{\"m\":$context.error.messageString}"}`)
	gr := decodeOut(t, e.Must(t, root, "apigateway", "get-gateway-response", "--rest-api-id", apiID, "--response-type", "MISSING_AUTHENTICATION_TOKEN"))
	if gr["statusCode"] != "404" || gr["defaultResponse"] != false {
		t.Errorf("get-gateway-response = %v", gr)
	}
	dep := decodeOut(t, e.Must(t, root, "apigateway", "create-deployment", "--rest-api-id", apiID, "--stage-name", "v1", "--variables", "color=blue"))
	st := decodeOut(t, e.Must(t, root, "apigateway", "update-stage", "--rest-api-id", apiID, "--stage-name", "v1", "--patch-operations",
		"op=replace,path=/variables/color,value=red", "op=replace,path=/*/*/throttling/rateLimit,value=5",
		"op=replace,path=/~1items/POST/logging/loglevel,value=INFO"))
	ms, _ := st["methodSettings"].(map[string]any)
	all, _ := ms["*/*"].(map[string]any)
	post, _ := ms["items/POST"].(map[string]any)
	if st["deploymentId"] != dep["id"] || st["variables"].(map[string]any)["color"] != "red" ||
		all["throttlingRateLimit"] != float64(5) || post["loggingLevel"] != "INFO" {
		t.Errorf("update-stage = %v", st)
	}

	// The export imports back into the same API.
	out := filepath.Join(t.TempDir(), "api.json")
	e.Must(t, root, "apigateway", "get-export", "--rest-api-id", apiID, "--stage-name", "v1", "--export-type", "oas30",
		"--parameters", "extensions=integrations", out)
	doc, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(doc), `"x-amazon-apigateway-request-validator": "all"`) {
		t.Fatalf("export: %v\n%s", err, doc)
	}
	copyAPI := decodeOut(t, e.Must(t, root, "apigateway", "import-rest-api", "--body", "fileb://"+out))
	cm := decodeOut(t, e.Must(t, root, "apigateway", "get-resources", "--rest-api-id", copyAPI["id"].(string), "--embed", "methods"))
	post = nil
	for _, it := range cm["items"].([]any) {
		r := it.(map[string]any)
		if r["path"] == "/items" {
			post = r["resourceMethods"].(map[string]any)["POST"].(map[string]any)
		}
	}
	if post == nil || post["authorizationType"] != "AWS_IAM" || post["requestModels"].(map[string]any)["application/json"] != "Item" ||
		post["requestParameters"].(map[string]any)["method.request.querystring.q"] != true || post["requestValidatorId"] == "" {
		t.Errorf("re-imported POST /items = %v", post)
	}

	// Keys and usage plans.
	key := decodeOut(t, e.Must(t, root, "apigateway", "create-api-key", "--name", "k1", "--enabled"))
	if v, _ := key["value"].(string); len(v) != 40 {
		t.Errorf("create-api-key = %v", key)
	}
	plan := decodeOut(t, e.Must(t, root, "apigateway", "create-usage-plan", "--name", "p1", "--api-stages", "apiId="+apiID+",stage=v1",
		"--throttle", "burstLimit=2,rateLimit=1", "--quota", "limit=100,offset=0,period=DAY"))
	if plan["throttle"].(map[string]any)["burstLimit"] != float64(2) || plan["quota"].(map[string]any)["period"] != "DAY" {
		t.Errorf("create-usage-plan = %v", plan)
	}
	e.Must(t, root, "apigateway", "create-usage-plan-key", "--usage-plan-id", plan["id"].(string), "--key-id", key["id"].(string), "--key-type", "API_KEY")
	today := time.Now().UTC().Format(time.DateOnly)
	usage := decodeOut(t, e.Must(t, root, "apigateway", "get-usage", "--usage-plan-id", plan["id"].(string), "--start-date", today, "--end-date", today))
	want := map[string]any{key["id"].(string): []any{[]any{float64(0), float64(100)}}}
	if diff := cmp.Diff(want, usage["items"]); diff != "" {
		t.Errorf("get-usage items (-want +got):\n%s", diff)
	}

	// A caller without apigateway:POST on the API's resources is refused.
	_, stderr, err = e.AWS(t, e.User, "apigateway", "create-resource", "--rest-api-id", apiID, "--parent-id", rootID, "--path-part", "x")
	wantDenied := "An error occurred (AccessDeniedException) when calling the CreateResource operation: User: arn:aws:iam::" + acct +
		":user/api-gateway-user is not authorized to perform: apigateway:POST on resource: arn:aws:apigateway:us-east-1::/restapis/" + apiID + "/resources/" + rootID +
		" because no identity-based policy allows the apigateway:POST action"
	if err == nil || strings.TrimSpace(stderr) != wantDenied {
		t.Errorf("denied create-resource:\n%s", cmp.Diff(wantDenied, strings.TrimSpace(stderr)))
	}

	e.Must(t, root, "apigateway", "delete-stage", "--rest-api-id", apiID, "--stage-name", "v1")
	e.Must(t, root, "apigateway", "delete-rest-api", "--rest-api-id", apiID)
	_, stderr, err = e.AWS(t, root, "apigateway", "get-rest-api", "--rest-api-id", apiID)
	if err == nil || !strings.Contains(stderr, "NotFoundException") {
		t.Errorf("deleted API: %v %s", err, stderr)
	}
}
