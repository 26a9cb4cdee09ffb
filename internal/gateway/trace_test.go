package gateway

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

func TestTraceOfRequest(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		authz string
		want  Trace
	}{
		{name: "allowed", url: hostURL("/v1/hello"), authz: "good", want: Trace{
			Route: "GET /hello", Authorization: "AWS_IAM", Signature: "verified",
			Identity: &Identity{ARN: userARN},
			Action:   "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello",
			Decision: "Allow", Invoked: true, Status: 200,
			Rule:        `allowed by identity-based policy "user/api-gateway-user inline policy" statement 0 Allow (identity-based policy allows (user/api-gateway-user inline policy, statement 0))`,
			Statement:   &iampolicy.Match{Layer: iampolicy.LayerIdentity, Policy: "user/api-gateway-user inline policy", Index: 0, Effect: "Allow"},
			Integration: []string{"integration permissions are not checked (no function policies configured)"},
		}},
		{name: "explicit deny", url: hostURL("/v1/hello"), authz: "denied", want: Trace{
			Route: "GET /hello", Authorization: "AWS_IAM", Signature: "verified",
			Identity: &Identity{ARN: "arn:aws:iam::000000000000:user/denied"},
			Action:   "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello",
			Decision:  "ExplicitDeny",
			Statement: &iampolicy.Match{Layer: iampolicy.LayerIdentity, Policy: "user/denied inline policy", Index: 1, Effect: "Deny"},
			Rule:      "User: arn:aws:iam::000000000000:user/denied is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello with an explicit deny in an identity-based policy",
			Status:    403,
			Response:  `{"Message":"User: arn:aws:iam::********0000:user/denied is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:abc123defg/v1/GET/hello with an explicit deny"}`,
		}},
		{name: "unsigned", url: hostURL("/v1/hello"), want: Trace{
			Route: "GET /hello", Authorization: "AWS_IAM",
			Signature: "missing: no Authorization header and no X-Amz-Signature query parameter",
			Status:    403, Response: missingToken,
		}},
		{name: "bad signature", url: hostURL("/v1/hello"), authz: "expired", want: Trace{
			Route: "GET /hello", Authorization: "AWS_IAM",
			Signature: "failed: Signature expired: 20261125T093000Z is now earlier than 20261125T095500Z (20261125T100000Z - 5 min.)",
			Status:    403, Response: `{"message":"Signature expired: 20261125T093000Z is now earlier than 20261125T095500Z (20261125T100000Z - 5 min.)"}`,
		}},
		{name: "unknown resource", url: hostURL("/v1/nope"), authz: "good", want: Trace{
			Route: "no method GET on a resource matching /nope", Status: 403, Response: missingToken,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			r := httptest.NewRequest("GET", tc.url, nil)
			if tc.authz != "" {
				r.Header.Set("Authorization", tc.authz)
			}
			w := httptest.NewRecorder()
			f.gw.ServeHTTP(w, r)
			got, ok := f.gw.Trace(w.Header().Get("x-amzn-RequestId"))
			if !ok {
				t.Fatal("no trace kept")
			}
			want := tc.want
			want.RequestID, want.Time, want.Method, want.URL = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", testNow, "GET", tc.url
			want.APIID, want.Stage = testAPI, "v1"
			if want.Identity != nil { // the verified user's own ids, as IAM issued them
				want.Identity = f.ids.identity(tc.authz)
			}
			// Context and statements come from the authorizer; checked elsewhere.
			got.Context, got.Statements = nil, nil
			if diff := cmp.Diff(&want, got, cmpopts.IgnoreUnexported(Trace{})); diff != "" {
				t.Errorf("trace (-want +got):\n%s", diff)
			}
			denied := strings.Contains(f.logs.String(), `msg="request denied"`)
			if denied != (got.Status == 403) {
				t.Errorf("debug trace logged = %v for status %d:\n%s", denied, got.Status, f.logs.String())
			}
		})
	}
}

func TestTraceContext(t *testing.T) {
	f := newFixture(t, "")
	r := httptest.NewRequest("GET", hostURL("/v1/hello"), nil)
	r.Header.Set("Authorization", "good")
	r.RemoteAddr = "127.0.0.1:5555"
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	got, _ := f.gw.Trace(w.Header().Get("x-amzn-RequestId"))
	want := map[string][]string{
		"aws:PrincipalArn": {userARN}, "aws:PrincipalAccount": {testAccount}, "aws:PrincipalType": {"User"},
		"aws:userid": {f.ids.users["good"].UserID}, "aws:username": {"api-gateway-user"},
		"aws:SourceIp": {"127.0.0.1"}, "aws:SecureTransport": {"false"}, "aws:CurrentTime": {"2026-11-25T10:00:00Z"},
		"aws:EpochTime": {"1795600800"}, "aws:RequestedRegion": {"us-east-1"},
	}
	if diff := cmp.Diff(want, got.Context); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
}

func TestExplainDoesNotInvoke(t *testing.T) {
	tests := []struct {
		name, authz string
		wantDryRun  bool
		wantStatus  int
	}{
		{"allowed", "good", true, 0},
		{"denied", "denied", false, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			r := httptest.NewRequest("GET", hostURL("/v1/hello"), nil)
			r.Header.Set("Authorization", tc.authz)
			tr := f.gw.Explain(r)
			if tr.DryRun != tc.wantDryRun || tr.Status != tc.wantStatus || tr.Invoked {
				t.Errorf("dryRun %v status %d invoked %v", tr.DryRun, tr.Status, tr.Invoked)
			}
			if f.inv.fn != "" {
				t.Error("Explain invoked the function")
			}
			if _, kept := f.gw.Trace(tr.RequestID); kept {
				t.Error("Explain recorded its trace")
			}
		})
	}
}

func TestTraceRing(t *testing.T) {
	r := newTraceRing(2)
	for _, id := range []string{"a", "b", "c"} {
		r.add(&Trace{RequestID: id})
	}
	var got []string
	for _, id := range []string{"a", "b", "c"} {
		if _, ok := r.get(id); ok {
			got = append(got, id)
		}
	}
	if diff := cmp.Diff([]string{"b", "c"}, got); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	none := newTraceRing(0)
	none.add(&Trace{RequestID: "a"})
	if _, ok := none.get("a"); ok {
		t.Error("a ring of size 0 kept a trace")
	}
}

func TestWriteText(t *testing.T) {
	tr := &Trace{
		RequestID: "id-1", Time: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), Method: "GET",
		URL: "http://abc123defg.execute-api.localhost:4566/v1/hello", APIID: testAPI, Stage: "v1",
		Route: "GET /hello", Authorization: "AWS_IAM", Signature: "verified",
		Identity: &Identity{ARN: userARN, Type: "User", AccountID: testAccount, UserID: "AIDAEXAMPLE", AccessKeyID: "AKIAEXAMPLE"},
		Action:   "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello",
		Context: map[string][]string{"aws:username": {"api-gateway-user"}, "aws:SourceIp": {"127.0.0.1"}},
		Statements: []iampolicy.Step{{Layer: iampolicy.LayerIdentity, Policy: "user/api-gateway-user inline p", Effect: "Allow",
			Action: true, Resource: true, Principal: true, ConditionsMet: true, Applies: true}},
		Decision: "Allow", Rule: `allowed by identity-based policy "user/api-gateway-user inline p" statement 0 Allow`,
		Integration: []string{"no integration credentials: ..."}, Invoked: true, Status: 200,
	}
	want := `request id-1 at 2026-11-25T10:00:00Z
  GET http://abc123defg.execute-api.localhost:4566/v1/hello
  api abc123defg, stage v1
route: GET /hello
authorization: AWS_IAM
signature: verified
identity: arn:aws:iam::000000000000:user/api-gateway-user (User)
  access key AKIAEXAMPLE, account 000000000000, user id AIDAEXAMPLE
action: execute-api:Invoke
resource: arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello
context:
  aws:SourceIp = 127.0.0.1
  aws:username = api-gateway-user
statements considered:
  identity-based policy "user/api-gateway-user inline p" statement 0 Allow: applies
decision: Allow
rule: allowed by identity-based policy "user/api-gateway-user inline p" statement 0 Allow
integration permission:
  no integration credentials: ...
result: 200 (from the function)
`
	var b strings.Builder
	tr.WriteText(&b)
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

// The trace's principal keys are auth's (Caller.ContextKeys, iampolicy's
// rule): a role session's aws:PrincipalArn is its role's ARN, it has no
// aws:username, and an anonymous caller has no principal keys
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
// auth's TestContextKeysAreEvaluated checks these are the evaluated values.
func TestTraceContextPrincipal(t *testing.T) {
	f := newFixture(t, "")
	f.ids.addRole(t, &testRole{trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`})
	c, err := f.ids.Auth.RoleCaller(context.Background(), "arn:aws:iam::000000000000:role/ApiInvokeRole", "s-1")
	if err != nil {
		t.Fatal(err)
	}
	got := traceContext(c, map[string][]string{"aws:SourceIp": {"127.0.0.1"}})
	if got["aws:PrincipalArn"][0] != "arn:aws:iam::000000000000:role/ApiInvokeRole" || got["aws:PrincipalType"][0] != "AssumedRole" || got["aws:SourceIp"][0] != "127.0.0.1" {
		t.Errorf("role session context = %v", got)
	}
	if v, ok := got["aws:username"]; ok {
		t.Errorf("role session aws:username = %v, want none", v)
	}
	if got := traceContext(auth.Anonymous, nil); len(got) != 0 {
		t.Errorf("anonymous context = %v, want none", got)
	}
}
