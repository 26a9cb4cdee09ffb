package gateway

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/functions"
)

type fakeFunctionPolicies map[string]string

func (f fakeFunctionPolicies) FunctionPolicy(_ context.Context, fn string) (string, error) {
	doc, ok := f[unqualified(fn)]
	if !ok {
		return "", fmt.Errorf("Function not found: %s", fn)
	}
	return doc, nil
}

// testRole is an integration role created in a real IAM.
type testRole struct{ trust, policy, boundary string }

// addRole creates r (if any) as roleARN in the fixture's IAM.
func (ti *testIAM) addRole(t testing.TB, r *testRole) {
	t.Helper()
	if r == nil {
		return
	}
	ctx := context.Background()
	var bnd string
	if r.boundary != "" {
		p, err := ti.IAM.CreatePolicy(ctx, "boundary", "/", r.boundary, "")
		if err != nil {
			t.Fatal(err)
		}
		bnd = p.ARN
	}
	if _, err := ti.IAM.CreateRole(ctx, "ApiInvokeRole", "/", r.trust, "", time.Hour, bnd); err != nil {
		t.Fatal(err)
	}
	if err := ti.IAM.PutRolePolicy(ctx, "ApiInvokeRole", "invoke", r.policy); err != nil {
		t.Fatal(err)
	}
}

// lambdaPolicy is what AWS::Lambda::Permission for API Gateway produces, as
// package functions renders it (GetPolicy's shape).
func lambdaPolicy(sourceARN string) string {
	c := functions.Config{ARN: fnARN, Policy: []functions.Permission{{Sid: "HelloWorldPermission", Action: "lambda:InvokeFunction",
		Principal: "apigateway.amazonaws.com", SourceArn: sourceARN}}}
	return c.PolicyDocument()
}

const (
	roleARN     = "arn:aws:iam::000000000000:role/ApiInvokeRole"
	trustAPIGW  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	trustLambda = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	allowInvoke = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"` + fnARN + `"}]}`
	allowLogs   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`
)

// TestIntegrationPermission follows
// https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html:
// a failed check is API Gateway's 500 Internal server error (the integration
// "Invalid permissions on Lambda function" case), never the function's answer.
func TestIntegrationPermission(t *testing.T) {
	ok := wantResp{200, "", `{"message": "hello world"}`}
	refused := wantResp{500, "InternalServerErrorException", internal}
	tests := []struct {
		name     string
		cred     string
		authz    string // Authorization header of the caller
		fnPolicy string
		noPolicy bool // the function is unknown
		role     *testRole
		want     wantResp
		wantLog  string
		invoked  bool
		check    *Check // the last authorization the integration needed
	}{
		{name: "SAM permission for any stage", fnPolicy: lambdaPolicy("arn:aws:execute-api:us-east-1:000000000000:" + testAPI + "/*/GET/hello"),
			want: ok, invoked: true, check: &Check{Principal: apigatewayPrincipal, Action: invokeFunction, Resource: fnARN, Decision: "Allow"}},
		{name: "permission for every method and path", fnPolicy: lambdaPolicy("arn:aws:execute-api:us-east-1:000000000000:" + testAPI + "/*/*/*"),
			want: ok, invoked: true},
		{name: "permission for another path", fnPolicy: lambdaPolicy("arn:aws:execute-api:us-east-1:000000000000:" + testAPI + "/*/GET/other"),
			want: refused, wantLog: "no statement of the function's resource-based policy allows it for arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello",
			check: &Check{Principal: apigatewayPrincipal, Action: invokeFunction, Resource: fnARN, Decision: "ImplicitDeny"}},
		{name: "permission for another stage", fnPolicy: lambdaPolicy("arn:aws:execute-api:us-east-1:000000000000:" + testAPI + "/prod/GET/hello"),
			want: refused, wantLog: "may not invoke"},
		{name: "permission for another API", fnPolicy: lambdaPolicy("arn:aws:execute-api:us-east-1:000000000000:zzzzzzzzzz/*/GET/hello"),
			want: refused, wantLog: "may not invoke"},
		{name: "function without a policy", fnPolicy: "", want: refused, wantLog: "may not invoke"},
		{name: "function unknown", noPolicy: true, want: refused, wantLog: "integration permission check failed"},
		{name: "caller credentials, caller allowed", cred: "arn:aws:iam::*:user/*", want: ok, invoked: true,
			check: &Check{Principal: userARN, Action: invokeFunction, Resource: fnARN, Decision: "Allow"}},
		{name: "caller credentials, caller lacks lambda:InvokeFunction", cred: "arn:aws:iam::*:user/*", authz: "noinvoke", want: refused,
			wantLog: "is not authorized to perform: lambda:InvokeFunction on resource: " + fnARN + " because no identity-based policy allows the lambda:InvokeFunction action"},
		{name: "role trusted and allowed", cred: roleARN, role: &testRole{trust: trustAPIGW, policy: allowInvoke}, want: ok, invoked: true,
			check: &Check{Principal: "arn:aws:sts::000000000000:assumed-role/ApiInvokeRole/c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
				Action: invokeFunction, Resource: fnARN, Decision: "Allow"}},
		{name: "role not trusting API Gateway", cred: roleARN, role: &testRole{trust: trustLambda, policy: allowInvoke}, want: refused,
			wantLog: "may not assume " + roleARN, check: &Check{Principal: apigatewayPrincipal, Action: "sts:AssumeRole", Resource: roleARN, Decision: "ImplicitDeny"}},
		{name: "role without lambda:InvokeFunction", cred: roleARN, role: &testRole{trust: trustAPIGW, policy: allowLogs}, want: refused,
			wantLog: "role " + roleARN + " may not invoke"},
		{name: "role boundary cuts the allow", cred: roleARN, role: &testRole{trust: trustAPIGW, policy: allowInvoke, boundary: allowLogs},
			want: refused, wantLog: "may not invoke"},
		{name: "role missing", cred: roleARN, want: refused, wantLog: "cannot be assumed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			snap := f.gw.o.APIs.(fakeAPIs)[testAPI+"/v1"]
			helloGET(t, snap.Resources).Integration.Credentials = tc.cred
			pols := fakeFunctionPolicies{}
			if !tc.noPolicy {
				pols[fnARN] = tc.fnPolicy
			}
			f.ids.addRole(t, tc.role)
			f.gw.o.FunctionPolicies, f.gw.o.Roles = pols, f.ids.Auth
			r := httptest.NewRequest("GET", hostURL("/v1/hello"), nil)
			r.Header.Set("Authorization", "good")
			if tc.authz != "" {
				r.Header.Set("Authorization", tc.authz)
			}
			w := httptest.NewRecorder()
			f.gw.ServeHTTP(w, r)
			got := wantResp{w.Code, w.Header().Get("x-amzn-ErrorType"), w.Body.String()}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(wantResp{})); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if tc.wantLog != "" && !strings.Contains(f.logs.String(), tc.wantLog) {
				t.Errorf("log lacks %q:\n%s", tc.wantLog, f.logs.String())
			}
			if invoked := f.inv.fn != ""; invoked != tc.invoked {
				t.Errorf("invoked = %v, want %v", invoked, tc.invoked)
			}
			tr, found := f.gw.Trace(w.Header().Get("x-amzn-RequestId"))
			if !found {
				t.Fatal("no trace kept")
			}
			if tc.check != nil {
				if len(tr.Checks) == 0 {
					t.Fatalf("no check in the trace: %+v", tr.Integration)
				}
				last := tr.Checks[len(tr.Checks)-1]
				got := Check{Principal: last.Principal, Action: last.Action, Resource: last.Resource, Decision: last.Decision}
				if diff := cmp.Diff(*tc.check, got); diff != "" {
					t.Errorf("last check (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func helloGET(t *testing.T, res []apigw.Resource) *apigw.Method {
	t.Helper()
	for i := range res {
		if res[i].Path == "/hello" {
			return res[i].Methods["GET"]
		}
	}
	t.Fatal("no GET /hello")
	return nil
}

func TestUnqualified(t *testing.T) {
	for in, want := range map[string]string{
		fnARN:              fnARN,
		fnARN + ":live":    fnARN,
		fnARN + ":$LATEST": fnARN,
		"not-an-arn":       "not-an-arn",
	} {
		if got := unqualified(in); got != want {
			t.Errorf("unqualified(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzUnqualified: the result is a prefix of the input with no qualifier
// after the function name, and unqualifying twice changes nothing.
func FuzzUnqualified(f *testing.F) {
	for _, s := range []string{fnARN, fnARN + ":live", fnARN + ":1", "x", "arn:aws:lambda:r:a:function:", ":function::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := unqualified(s)
		if !strings.HasPrefix(s, u) || unqualified(u) != u {
			t.Fatalf("unqualified(%q) = %q", s, u)
		}
		if i := strings.Index(u, ":function:"); i >= 0 && strings.Contains(u[i+len(":function:"):], ":") {
			t.Fatalf("unqualified(%q) = %q keeps a qualifier", s, u)
		}
	})
}
