package gateway

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

func conformanceFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.Shared(t, "conformance", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shape lists "key.path: json type" for every key of v, walking into the
// objects whose paths descend says to; keys in skip are left out.
func shape(prefix string, v any, skip map[string]bool, descend func(path string) bool, out map[string]string) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, e := range m {
		p := strings.TrimPrefix(prefix+"."+k, ".")
		if skip[p] {
			continue
		}
		out[p] = jsonType(e)
		if descend(p) {
			shape(p, e, skip, descend, out)
		}
	}
}

// intoV1 walks a format 1.0 event's requestContext and its identity: the
// other objects are maps whose keys are the request's own.
func intoV1(p string) bool { return p == "requestContext" || p == "requestContext.identity" }

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	}
	return "object"
}

// The event must carry every key of aws-lambda-go's apigw-request.json with
// the same JSON type (null where AWS sends null for an absent value).
func TestProxyEventShape(t *testing.T) {
	var ref any
	if err := json.Unmarshal(conformanceFile(t, "lambda/aws-lambda-go-events/apigw-request.json"), &ref); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, "")
	r := httptest.NewRequest("POST", "http://127.0.0.1:4566/restapis/"+testAPI+"/v1/_user_request_/open/hello/world?name=me&name=you", strings.NewReader(`{"a": 1}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "PostmanRuntime/2.4.5")
	r.RemoteAddr = "192.0.2.7:40000"
	got := f.event(t, r)
	// authorizer appears only behind Lambda/Cognito authorizers; the
	// sample's identity.clientCert is mutual TLS, null here.
	skip := map[string]bool{"requestContext.authorizer": true}
	want, have := map[string]string{}, map[string]string{}
	shape("", ref, skip, intoV1, want)
	shape("", got, skip, intoV1, have)
	var missing []string
	for k, typ := range want {
		h, ok := have[k]
		if !ok || (h != typ && h != "null") {
			missing = append(missing, k+": want "+typ+", got "+h)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("event keys differ from apigw-request.json:\n%s", strings.Join(missing, "\n"))
	}

	ev := got.(map[string]any)
	rc := ev["requestContext"].(map[string]any)
	values := map[string]any{
		"resource": ev["resource"], "path": ev["path"], "httpMethod": ev["httpMethod"],
		"pathParameters": ev["pathParameters"], "multiValueQueryStringParameters": ev["multiValueQueryStringParameters"],
		"queryStringParameters": ev["queryStringParameters"], "stageVariables": ev["stageVariables"],
		"body": ev["body"], "isBase64Encoded": ev["isBase64Encoded"],
		"rc.path": rc["path"], "rc.stage": rc["stage"], "rc.domainName": rc["domainName"], "rc.domainPrefix": rc["domainPrefix"],
		"rc.requestTime": rc["requestTime"], "rc.requestTimeEpoch": rc["requestTimeEpoch"], "rc.resourcePath": rc["resourcePath"],
		"rc.accountId": rc["accountId"], "rc.apiId": rc["apiId"], "rc.protocol": rc["protocol"],
		"rc.identity.sourceIp": rc["identity"].(map[string]any)["sourceIp"],
		"rc.identity.userArn":  rc["identity"].(map[string]any)["userArn"],
		"host":                 ev["headers"].(map[string]any)["Host"],
	}
	wantValues := map[string]any{
		"resource": "/open/{proxy+}", "path": "/open/hello/world", "httpMethod": "POST",
		"pathParameters":                  map[string]any{"proxy": "hello/world"},
		"multiValueQueryStringParameters": map[string]any{"name": []any{"me", "you"}},
		"queryStringParameters":           map[string]any{"name": "you"},
		"stageVariables":                  map[string]any{"k": "v"},
		"body":                            `{"a": 1}`, "isBase64Encoded": false,
		"rc.path": "/v1/open/hello/world", "rc.stage": "v1",
		"rc.domainName": "abc123defg.execute-api.us-east-1.amazonaws.com", "rc.domainPrefix": "abc123defg",
		"rc.requestTime": "25/Nov/2026:10:00:00 +0000", "rc.requestTimeEpoch": float64(1795600800000),
		"rc.resourcePath": "/open/{proxy+}", "rc.accountId": "000000000000", "rc.apiId": "abc123defg", "rc.protocol": "HTTP/1.1",
		"rc.identity.sourceIp": "192.0.2.7", "rc.identity.userArn": nil,
		"host": "abc123defg.execute-api.us-east-1.amazonaws.com",
	}
	if diff := cmp.Diff(wantValues, values); diff != "" {
		t.Errorf("event values (-want +got):\n%s", diff)
	}
}

func TestProxyEventIdentityAndBinary(t *testing.T) {
	f := newFixture(t, "")
	r := httptest.NewRequest("GET", hostURL("/v1/hello"), strings.NewReader("\x89PNG"))
	r.Header.Set("Authorization", "good")
	r.Header.Set("Content-Type", "image/png")
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	var ev struct {
		Body            string `json:"body"`
		IsBase64Encoded bool   `json:"isBase64Encoded"`
		RequestContext  struct {
			Identity map[string]any `json:"identity"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(f.inv.payload, &ev); err != nil {
		t.Fatal(err)
	}
	if !ev.IsBase64Encoded || ev.Body != "iVBORw==" {
		t.Errorf("binary body = %q base64=%v", ev.Body, ev.IsBase64Encoded)
	}
	id := ev.RequestContext.Identity
	got := map[string]any{"accessKey": id["accessKey"], "accountId": id["accountId"], "caller": id["caller"], "user": id["user"], "userArn": id["userArn"], "cognitoIdentityId": id["cognitoIdentityId"]}
	uid := f.ids.users["good"].UserID
	want := map[string]any{"accessKey": f.ids.keys["good"].ID, "accountId": "000000000000", "caller": uid, "user": uid, "userArn": userARN, "cognitoIdentityId": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if f.inv.fn != fnARN {
		t.Errorf("invoked %q", f.inv.fn)
	}
}

// An X-Ray root id is Root=1-{epoch seconds, 8 lower-case hex}-{24 hex}
// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-traceids);
// a client's X-Amzn-Trace-Id is kept as sent.
var traceIDShape = regexp.MustCompile(`^Root=1-6b06b1a0-[0-9a-f]{24}$`)

func TestTraceID(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	r := httptest.NewRequest("GET", "http://x/", nil)
	got := traceID(r, now)
	if !traceIDShape.MatchString(got) {
		t.Errorf("traceID = %q, want Root=1-%x-{24 hex}", got, now.Unix())
	}
	if again := traceID(r, now); again == got {
		t.Errorf("two trace ids alike: %q", got)
	}
	r.Header.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")
	if got := traceID(r, now); got != "Root=1-5759e988-bd862e3fe1be46a994272793" {
		t.Errorf("traceID with the client's header = %q", got)
	}
}
