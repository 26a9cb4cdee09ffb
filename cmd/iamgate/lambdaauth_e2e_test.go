package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/textproto"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLambdaAuthorizers deploys testdata/lambdaauth (SAM Auth.Authorizers
// with a Python authorizer function) with `iamgate deploy` against `iamgate
// serve`, then calls it with curl: every answer of a TOKEN and a REQUEST
// authorizer as API Gateway gives it, the authorizer's context in the
// integration's event, the cache, and the decision in `iamgate why`.
func TestLambdaAuthorizers(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "lambdaauth"))
	out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "lambdaauth",
		"--resolve-s3", "--capabilities", "CAPABILITY_IAM")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	apiID := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "lambdaauth",
		"--query", "Stacks[0].Outputs[?OutputKey=='ApiId'].OutputValue", "--output", "text"))
	base := b.endpoint + "/restapis/" + apiID + "/v1/_user_request_"
	const (
		unauthorized = `{"message":"Unauthorized"}`
		failure      = `{"message": null}`
	)
	tests := []struct {
		name, path string
		header     []string
		status     int
		errType    string
		body       string
	}{
		{"token allows", "/pets/1", []string{"Authorization: Bearer allow"}, 200, "",
			`{"authorizer": {"admin": false, "calls": 1, "integrationLatency": *, "n": 7, "principalId": "user-allow", "user": "alice"}, "path": "/pets/1"}`},
		// Within the TTL the cached answer is used: the function is not
		// called again (calls stays 1), and its policy is matched against the
		// new method ARN.
		{"cached answer", "/pets/2", []string{"Authorization: Bearer allow"}, 200, "",
			`{"authorizer": {"admin": false, "calls": 1, "integrationLatency": *, "n": 7, "principalId": "user-allow", "user": "alice"}, "path": "/pets/2"}`},
		{"no token", "/pets/1", nil, 401, "UnauthorizedException", unauthorized},
		{"token fails ValidationExpression", "/pets/1", []string{"Authorization: Basic allow"}, 401, "UnauthorizedException", unauthorized},
		{"authorizer raises Unauthorized", "/pets/1", []string{"Authorization: Bearer unauthorized"}, 401, "UnauthorizedException", unauthorized},
		{"explicit deny", "/pets/1", []string{"Authorization: Bearer deny"}, 403, "AccessDeniedException",
			`{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}`},
		{"no matching allow", "/pets/1", []string{"Authorization: Bearer elsewhere"}, 403, "AccessDeniedException",
			`{"Message":"User is not authorized to access this resource"}`},
		{"authorizer fails", "/pets/1", []string{"Authorization: Bearer boom"}, 500, "AuthorizerConfigurationException", failure},
		{"context value not a scalar", "/pets/1", []string{"Authorization: Bearer nested"}, 500, "AuthorizerConfigurationException", failure},
		{"request authorizer allows", "/req?tenant=t1", []string{"X-User: alice"}, 200, "",
			`{"authorizer": {"calls": *, "integrationLatency": *, "principalId": "alice", "tenant": "t1"}, "path": "/req"}`},
		{"request authorizer denies", "/req?tenant=t1", []string{"X-User: bob"}, 403, "AccessDeniedException",
			`{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}`},
		{"request identity source missing", "/req", []string{"X-User: alice"}, 401, "UnauthorizedException", unauthorized},
		{"request header missing", "/req?tenant=t1", nil, 401, "UnauthorizedException", unauthorized},
		{"API Gateway may not invoke the authorizer", "/noperm", []string{"Authorization: Bearer allow"}, 500, "AuthorizerConfigurationException", failure},
		{"Authorizer NONE", "/open", nil, 200, "", `{"authorizer": null, "path": "/open"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := curlGET(t, base+tc.path, tc.header...)
			if r.status != tc.status || r.header.Get("x-amzn-ErrorType") != tc.errType || !bodyMatches(tc.body, r.body) {
				t.Errorf("got %d %q %s\nwant %d %q %s", r.status, r.header.Get("x-amzn-ErrorType"), r.body, tc.status, tc.errType, tc.body)
			}
		})
	}

	t.Run("aws apigateway get-authorizers", func(t *testing.T) {
		var got struct {
			Items []struct {
				ID, Name, Type, IdentitySource, IdentityValidationExpression string
				AuthorizerURI                                                string `json:"authorizerUri"`
				TTL                                                          int    `json:"authorizerResultTtlInSeconds"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(b.mustAWS(t, "apigateway", "get-authorizers", "--rest-api-id", apiID)), &got); err != nil {
			t.Fatal(err)
		}
		byName := map[string]string{}
		for _, a := range got.Items {
			byName[a.Name] = fmt.Sprintf("%s %s %q %v %d", a.Type, a.IdentitySource, a.IdentityValidationExpression,
				strings.Contains(a.AuthorizerURI, ":function:"), a.TTL)
		}
		want := map[string]string{
			"TokenAuth":        `TOKEN method.request.header.Authorization "Bearer .+" true 300`,
			"RequestAuth":      `REQUEST method.request.header.X-User, method.request.querystring.tenant "" true 0`,
			"NoPermissionAuth": `TOKEN method.request.header.Authorization "" true 300`,
		}
		if diff := cmp.Diff(want, byName); diff != "" {
			t.Errorf("get-authorizers (-want +got):\n%s", diff)
		}
	})
	t.Run("HTTP API", func(t *testing.T) { httpAPILambdaAuthorizers(t, b) })
	t.Run("why shows the authorizer's decision", func(t *testing.T) {
		r := curlGET(t, base+"/pets/1", "Authorization: Bearer deny")
		out, err := b.iamgate(t, "why", r.header.Get("x-amzn-RequestId"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"lambda authorizer:", "TokenAuth (TOKEN)", "principalId: user-deny", "outcome: ExplicitDeny"} {
			if !strings.Contains(out, want) {
				t.Errorf("why lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "Bearer deny") {
			t.Errorf("why shows the token:\n%s", out)
		}
	})
}

// bodyMatches compares a body with want, where "*" in want stands for one
// JSON number.
func bodyMatches(want, got string) bool {
	parts := strings.Split(want, "*")
	rest := got
	for i, p := range parts {
		if !strings.HasPrefix(rest, p) {
			return false
		}
		rest = rest[len(p):]
		if i == len(parts)-1 {
			return rest == ""
		}
		n := 0
		for n < len(rest) && (rest[n] >= '0' && rest[n] <= '9') {
			n++
		}
		if n == 0 {
			return false
		}
		rest = rest[n:]
	}
	return true
}

type curlResponse struct {
	status int
	header textproto.MIMEHeader
	body   string
}

// curlGET runs curl (a client iamgate did not write) and reads the status
// line, headers and body it received.
func curlGET(t *testing.T, url string, headers ...string) curlResponse {
	t.Helper()
	args := []string{"-sS", "-i", "--max-time", "60"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := exec.Command("curl", append(args, url)...).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", url, err)
	}
	rd := textproto.NewReader(bufio.NewReader(strings.NewReader(string(out))))
	line, err := rd.ReadLine()
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(line)
	if len(fields) < 2 {
		t.Fatalf("status line %q", line)
	}
	status, _ := strconv.Atoi(fields[1])
	h, err := rd.ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	for {
		l, err := rd.ReadLine()
		body.WriteString(l)
		if err != nil {
			break
		}
	}
	return curlResponse{status, h, body.String()}
}

// httpAPILambdaAuthorizers deploys template_http.yaml: an HTTP API whose
// Lambda authorizers answer in payload 2.0 simple responses and 1.0 IAM
// policies, with HTTP APIs' answers (no x-amzn-ErrorType).
func httpAPILambdaAuthorizers(t *testing.T, b *blog) {
	out, err := b.iamgate(t, "deploy", "--template-file", "template_http.yaml", "--stack-name", "lambdaauth-http",
		"--resolve-s3", "--capabilities", "CAPABILITY_IAM")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	apiID := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "lambdaauth-http",
		"--query", "Stacks[0].Outputs[?OutputKey=='HttpApiId'].OutputValue", "--output", "text"))
	base := b.endpoint + "/restapis/" + apiID + "/$default/_user_request_"
	tests := []struct {
		name, path string
		header     []string
		status     int
		body       string
	}{
		{"simple response allows", "/hello", []string{"Authorization: letmein"}, 200, `{"authorizer": {"lambda": {"calls": 1, "user": {"name": "alice"}}}}`},
		{"cached answer", "/hello", []string{"Authorization: letmein"}, 200, `{"authorizer": {"lambda": {"calls": 1, "user": {"name": "alice"}}}}`},
		{"simple response refuses", "/hello", []string{"Authorization: nope"}, 403, `{"message":"Forbidden"}`},
		{"identity source missing", "/hello", nil, 401, `{"message":"Unauthorized"}`},
		{"1.0 policy allows", "/policy", []string{"X-User: alice"}, 200, `{"authorizer": {"lambda": {"user": "alice"}}}`},
		{"1.0 policy denies", "/policy", []string{"X-User: bob"}, 403, `{"message":"Forbidden"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := curlGET(t, base+tc.path, tc.header...)
			if r.status != tc.status || r.header.Get("x-amzn-ErrorType") != "" || r.body != tc.body {
				t.Errorf("got %d %q %s\nwant %d %s", r.status, r.header.Get("x-amzn-ErrorType"), r.body, tc.status, tc.body)
			}
		})
	}
}
