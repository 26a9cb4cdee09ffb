package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/stack"
	"github.com/iamgate/iamgate/internal/testutil"
)

// TestRestAPIIntegrations deploys testdata/integrations/template.yaml and
// calls it with curl: a non-proxy Lambda integration with request and
// response templates and a selection pattern, a MOCK CORS preflight and
// an HTTP_PROXY to a local server, answered as API Gateway answers
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-custom-integrations.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html).
func TestRestAPIIntegrations(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	curl := testutil.NeedCommand(t, "curl")
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Backend", "local")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.EscapedPath(), "query": r.URL.RawQuery,
			"color": r.Header.Get("X-Stage-Color"), "custom": r.Header.Get("X-Custom")})
	}))
	defer backend.Close()
	s, addr := listening(t, Config{AccountID: "000000000000", Region: "us-east-1"})
	ctx := rootCtx(t, s)
	code, err := functions.ZipDir("testdata/integrations")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.objects.CreateBucket(ctx, "integrations-code"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.objects.PutObject(ctx, "integrations-code", "app.zip", code, "", nil); err != nil {
		t.Fatal(err)
	}
	tmpl, err := os.ReadFile("testdata/integrations/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st := createStack(t, ctx, s, stack.ChangeSetInput{StackName: "integrations", TemplateBody: string(tmpl), Capabilities: []string{"CAPABILITY_IAM"},
		Parameters: []stack.Parameter{{Key: "BackendUrl", Value: backend.URL}}})
	apiID := st.Outputs[0].Value
	base := "http://" + addr + "/restapis/" + apiID + "/v1/_user_request_"
	jsonBody := func(body string) []string {
		return []string{"-X", "POST", "-H", "Content-Type: application/json", "-d", body}
	}

	r := curlDo(t, curl, base+"/greet?name=Ann", jsonBody(`{"n": [1, 2]}`)...)
	if r.status != 200 || r.body != `{"message": "hello Ann", "stage": "v1", "echo": {"n":[1,2]}}` ||
		r.header.Get("X-Greeting") != "hello Ann" || r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("POST /greet = %d %q %v", r.status, r.body, r.header)
	}
	// The function's error message selects the 404 response.
	r = curlDo(t, curl, base+"/greet?name=missing", jsonBody(`{}`)...)
	if r.status != 404 || r.body != `{"error": "NotFound: no one called missing"}` {
		t.Errorf("POST /greet?name=missing = %d %q", r.status, r.body)
	}
	// passthroughBehavior NEVER: a content type without a template is 415.
	r = curlDo(t, curl, base+"/greet", "-X", "POST", "-H", "Content-Type: text/plain", "-d", "hi")
	if r.status != 415 || r.body != `{"message":"Unsupported Media Type"}` || r.header.Get("x-amzn-ErrorType") != "UnsupportedMediaTypeException" {
		t.Errorf("POST /greet text/plain = %d %q %v", r.status, r.body, r.header)
	}
	// The CORS preflight answers from the MOCK integration.
	r = curlDo(t, curl, base+"/greet", "-X", "OPTIONS", "-H", "Origin: https://example.com", "-H", "Access-Control-Request-Method: POST")
	if r.status != 200 || r.body != "" || r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Methods") != "OPTIONS,POST" ||
		r.header.Get("Access-Control-Allow-Headers") != "Content-Type,X-Amz-Date,Authorization,X-Api-Key" {
		t.Errorf("OPTIONS /greet = %d %q %v", r.status, r.body, r.header)
	}
	// HTTP_PROXY passes the request and the answer through.
	r = curlDo(t, curl, base+"/backend/a/b%3Fc?x=1", "-X", "PUT", "-H", "X-Custom: yes", "-d", "data")
	var got map[string]string
	if r.status != 201 || json.Unmarshal([]byte(r.body), &got) != nil || r.header.Get("X-Backend") != "local" {
		t.Fatalf("PUT /backend/a/b = %d %q %v", r.status, r.body, r.header)
	}
	want := map[string]string{"method": "PUT", "path": "/v2/a/b%3Fc", "query": "x=1", "color": "green", "custom": "yes"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("backend saw %s = %q, want %q (%v)", k, got[k], v, got)
		}
	}
	if strings.Contains(r.body, "Internal server error") {
		t.Error(r.body)
	}

	// An AWS_IAM method signed by botocore: the template sees the verified
	// caller in $context.identity.
	if exec.Command("python3", "-c", "import botocore").Run() != nil {
		testutil.Need(t, false, "botocore is not installed (pip install botocore)")
	}
	id, secret := s.RootKey()
	const sign = `import sys, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
req = AWSRequest(method="GET", url=sys.argv[1])
SigV4Auth(Credentials(sys.argv[2], sys.argv[3]), "execute-api", "us-east-1").add_auth(req)
p = req.prepare()
try:
    resp = urllib.request.urlopen(urllib.request.Request(p.url, headers=dict(p.headers)), timeout=20)
    print(resp.status, resp.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
`
	out, err := exec.Command("python3", "-c", sign, base+"/greet", id, secret).CombinedOutput()
	wantOut := `200 {"caller": "hello arn:aws:iam::000000000000:root", "key": "` + id + `"}`
	if err != nil || strings.TrimSpace(string(out)) != wantOut {
		t.Errorf("botocore GET /greet = %v %s, want %s", err, out, wantOut)
	}
	out, _ = exec.Command("python3", "-c", sign, base+"/greet", id, "wrong-secret").CombinedOutput()
	if !strings.HasPrefix(string(out), "403 ") {
		t.Errorf("botocore GET /greet with a bad secret = %s", out)
	}
}
