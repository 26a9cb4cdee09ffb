package apigwapi

import (
	"strings"
	"testing"
)

// TestCLIIntegrationResponses builds a MOCK method's responses with the
// aws CLI as the PetStore tutorial does (put-method-response,
// put-integration-response with a selection pattern, templates and
// header mappings), reads them back and deletes them
// (https://docs.aws.amazon.com/apigateway/latest/api/API_PutIntegrationResponse.html).
func TestCLIIntegrationResponses(t *testing.T) {
	e := newEnv(t)
	root := e.Root
	api := decodeOut(t, e.Must(t, root, "apigateway", "create-rest-api", "--name", "responses"))
	apiID, rootID := api["id"].(string), api["rootResourceId"].(string)
	loc := []string{"--rest-api-id", apiID, "--resource-id", rootID, "--http-method", "GET"}
	args := func(extra ...string) []string {
		return append(append([]string{"apigateway"}, extra[0]), append(loc, extra[1:]...)...)
	}

	_, stderr, err := e.AWS(t, root, args("put-integration-response", "--status-code", "200")...)
	if err == nil || !strings.Contains(stderr, "(NotFoundException) when calling the PutIntegrationResponse operation: Invalid Method identifier specified") {
		t.Errorf("no method: %v %s", err, stderr)
	}
	e.Must(t, root, args("put-method", "--authorization-type", "NONE")...)
	_, stderr, err = e.AWS(t, root, args("put-integration-response", "--status-code", "200")...)
	if err == nil || !strings.Contains(stderr, "(NotFoundException) when calling the PutIntegrationResponse operation: No integration defined for method") {
		t.Errorf("no integration: %v %s", err, stderr)
	}
	e.Must(t, root, args("put-integration", "--type", "MOCK", "--request-templates", `{"application/json":"{\"statusCode\": 200}"}`)...)
	mr := decodeOut(t, e.Must(t, root, args("put-method-response", "--status-code", "200",
		"--response-parameters", "method.response.header.X-Kind=false")...))
	if mr["statusCode"] != "200" || mr["responseParameters"].(map[string]any)["method.response.header.X-Kind"] != false {
		t.Errorf("put-method-response = %v", mr)
	}
	ir := decodeOut(t, e.Must(t, root, args("put-integration-response", "--status-code", "200", "--selection-pattern", "",
		"--response-parameters", `{"method.response.header.X-Kind":"'mock'"}`,
		"--response-templates", `{"application/json":"{\"kind\": \"mock\"}"}`)...))
	if ir["statusCode"] != "200" || ir["responseTemplates"].(map[string]any)["application/json"] != `{"kind": "mock"}` {
		t.Errorf("put-integration-response = %v", ir)
	}
	e.Must(t, root, args("put-integration-response", "--status-code", "400", "--selection-pattern", "4\\d{2}")...)
	_, stderr, err = e.AWS(t, root, args("put-integration-response", "--status-code", "500", "--selection-pattern", "(")...)
	if err == nil || !strings.Contains(stderr, "(BadRequestException) when calling the PutIntegrationResponse operation: Invalid selection pattern specified: (") {
		t.Errorf("bad pattern: %v %s", err, stderr)
	}
	_, stderr, err = e.AWS(t, root, args("put-integration-response", "--status-code", "200", "--response-parameters", `{"method.response.header.X":"nowhere"}`)...)
	if err == nil || !strings.Contains(stderr, "Invalid mapping expression specified") {
		t.Errorf("bad mapping: %v %s", err, stderr)
	}

	in := decodeOut(t, e.Must(t, root, args("get-integration")...))
	responses, _ := in["integrationResponses"].(map[string]any)
	if len(responses) != 2 || responses["400"].(map[string]any)["selectionPattern"] != `4\d{2}` {
		t.Errorf("get-integration = %v", in)
	}
	m := decodeOut(t, e.Must(t, root, args("get-method")...))
	if _, ok := m["methodResponses"].(map[string]any)["200"]; !ok {
		t.Errorf("get-method = %v", m)
	}
	got := decodeOut(t, e.Must(t, root, args("get-integration-response", "--status-code", "200")...))
	if got["responseParameters"].(map[string]any)["method.response.header.X-Kind"] != "'mock'" {
		t.Errorf("get-integration-response = %v", got)
	}
	e.Must(t, root, args("delete-integration-response", "--status-code", "400")...)
	_, stderr, err = e.AWS(t, root, args("get-integration-response", "--status-code", "400")...)
	if err == nil || !strings.Contains(stderr, "(NotFoundException) when calling the GetIntegrationResponse operation: Invalid Response status code specified") {
		t.Errorf("deleted response: %v %s", err, stderr)
	}
	e.Must(t, root, args("delete-method-response", "--status-code", "200")...)
	_, stderr, err = e.AWS(t, root, args("get-method-response", "--status-code", "200")...)
	if err == nil || !strings.Contains(stderr, "Invalid Response status code specified") {
		t.Errorf("deleted method response: %v %s", err, stderr)
	}
}
