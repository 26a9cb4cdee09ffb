package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/gateway"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// oneDecisionAPI is an AWS_IAM REST API with three GET methods; its
// integrations are MOCK, so a request that passes authorization stops at
// the integration (which the gateway does not run) without invoking code.
const oneDecisionAPI = `
openapi: 3.0.1
info: {title: one decision, version: "1"}
paths:
  /hello:
    get: {security: [{sigv4: []}], x-amazon-apigateway-integration: {type: mock}}
  /items:
    get: {security: [{sigv4: []}], x-amazon-apigateway-integration: {type: mock}}
  /secret:
    get: {security: [{sigv4: []}], x-amazon-apigateway-integration: {type: mock}}
components:
  securitySchemes:
    sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
`

// TestOneDecision: for the same principal, action, resource and policies,
// the data plane (a signed execute-api request and the trace it leaves),
// `iamgate why` (POST /_iamgate/why), the control plane (a signed IAM
// call), IAM's policy simulator (SimulatePrincipalPolicy) and the
// authorizer itself reach the same Decision: the same effect, and where a
// surface reports it, the same deciding statement. The principals cover the
// account root under a resource-policy Deny, a user whose permissions
// boundary cuts an allow, and a role session whose session policy does.
func TestOneDecision(t *testing.T) {
	ctx := context.Background()
	s := newServer(t, "sqlite", t.TempDir())
	t.Cleanup(func() { _ = s.Shutdown(ctx) })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	rootID, rootSecret := s.RootKey()
	root := aws.Credentials{AccessKeyID: rootID, SecretAccessKey: rootSecret}

	api, err := s.apis.CreateRestAPI(ctx, apigw.CreateRestAPIInput{Body: oneDecisionAPI})
	if err != nil {
		t.Fatal(err)
	}
	methodARN := func(path string) string {
		return "arn:aws:execute-api:us-east-1:000000000000:" + api.ID + "/v1/GET/" + path
	}
	apiPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"` + methodARN("secret") + `"}]}`
	if _, err := s.apis.UpdateRestAPI(ctx, api.ID, func(a *apigw.RestAPI) error { a.Policy = apiPolicy; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.apis.CreateDeployment(ctx, api.ID, "v1", ""); err != nil {
		t.Fatal(err)
	}

	// bounded: allowed every GET and iam:Get*, cut to /hello and
	// iam:GetUser by its boundary.
	bnd, err := s.iam.CreatePolicy(ctx, "hello-and-get-user", "/", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"`+methodARN("hello")+`"},
		{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	broad := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke","iam:Get*"],"Resource":"*"}]}`
	if _, err := s.iam.CreateUser(ctx, "bounded", "/", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.iam.PutUserPolicy(ctx, "bounded", "broad", broad); err != nil {
		t.Fatal(err)
	}
	if err := s.iam.PutUserPermissionsBoundary(ctx, "bounded", bnd.ARN); err != nil {
		t.Fatal(err)
	}
	bk, err := s.iam.CreateAccessKey(ctx, "bounded")
	if err != nil {
		t.Fatal(err)
	}
	bounded := aws.Credentials{AccessKeyID: bk.AccessKeyID, SecretAccessKey: bk.Secret.Reveal()}

	// session: a role allowed every GET and iam:Get*, whose session policy
	// keeps /items and iam:GetRole.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	role, err := s.iam.CreateRole(ctx, "reader", "/", trust, "", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.iam.PutRolePolicy(ctx, "reader", "broad", broad); err != nil {
		t.Fatal(err)
	}
	sessionPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke","iam:GetRole"],"Resource":["` +
		methodARN("items") + `","` + role.ARN + `"]}]}`
	sess, err := s.iam.CreateSession(ctx, role.ARN, "s1", time.Hour, sessionPolicy)
	if err != nil {
		t.Fatal(err)
	}
	session := aws.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.Secret.Reveal(), SessionToken: sess.SessionToken.Reveal()}

	userARN := "arn:aws:iam::000000000000:user/bounded"
	type who struct {
		name     string
		creds    aws.Credentials
		simulate string // PolicySourceArn for SimulatePrincipalPolicy; "" = not simulable
	}
	rootWho, boundedWho, sessionWho := who{"root", root, ""}, who{"bounded", bounded, userARN}, who{"session", session, ""}
	const (
		allow    = iampolicy.Allow
		implicit = iampolicy.ImplicitDeny
		explicit = iampolicy.ExplicitDeny
	)
	cases := []struct {
		who      who
		action   string
		resource string // a method path for execute-api, else an ARN
		want     iampolicy.Effect
		deciding string // the Layer of the deciding statement; "" = none
	}{
		{rootWho, "execute-api:Invoke", "hello", allow, ""},
		{rootWho, "execute-api:Invoke", "secret", explicit, iampolicy.LayerResource},
		{rootWho, "iam:GetUser", userARN, allow, ""},
		{boundedWho, "execute-api:Invoke", "hello", allow, iampolicy.LayerIdentity},
		{boundedWho, "execute-api:Invoke", "items", implicit, ""},
		{boundedWho, "execute-api:Invoke", "secret", explicit, iampolicy.LayerResource},
		{boundedWho, "iam:GetUser", userARN, allow, iampolicy.LayerIdentity},
		{boundedWho, "iam:GetRole", role.ARN, implicit, ""},
		{sessionWho, "execute-api:Invoke", "items", allow, iampolicy.LayerIdentity},
		{sessionWho, "execute-api:Invoke", "hello", implicit, ""},
		{sessionWho, "execute-api:Invoke", "secret", explicit, iampolicy.LayerResource},
		{sessionWho, "iam:GetRole", role.ARN, allow, iampolicy.LayerIdentity},
		{sessionWho, "iam:GetUser", userARN, implicit, ""},
	}
	// The same engine the server wires, over the server's IAM.
	authn := auth.NewService(s.iam, time.Now)
	for _, tc := range cases {
		t.Run(tc.who.name+" "+tc.action+" "+tc.resource, func(t *testing.T) {
			resource, policies := tc.resource, []auth.Policy(nil)
			if tc.action == "execute-api:Invoke" {
				resource = methodARN(tc.resource)
				policies = []auth.Policy{{Name: "resource policy of REST API " + api.ID, Document: apiPolicy}}
			}
			// The authorizer itself, for the caller the signature resolves to.
			caller, err := authn.Authenticate(ctx, signedRequest(t, "GET", srv.URL+"/", nil, tc.who.creds, "iam"), sigv4.Options{Service: "iam"})
			if err != nil {
				t.Fatal(err)
			}
			direct, err := authn.Authorize(ctx, caller, auth.Request{Action: tc.action, Resource: resource,
				ResourceAccount: "000000000000", ResourcePolicies: policies})
			if err != nil {
				t.Fatal(err)
			}
			if direct.Effect() != tc.want || layerOf(direct.Statement) != tc.deciding {
				t.Fatalf("authorizer: %v decided by %+v; want %v by %q", direct.Effect(), direct.Statement, tc.want, tc.deciding)
			}
			got := map[string]iampolicy.Effect{}
			if tc.action == "execute-api:Invoke" {
				url := srv.URL + "/restapis/" + api.ID + "/v1/_user_request_/" + tc.resource
				// The data plane, and the trace the request left.
				resp := do(t, signedRequest(t, "GET", url, nil, tc.who.creds, "execute-api"))
				got["data plane"] = implicit
				if resp.StatusCode != http.StatusForbidden {
					got["data plane"] = allow
				} else if strings.Contains(resp.body, "with an explicit deny") {
					got["data plane"] = explicit
				}
				tr := why(t, srv.URL, root, "GET", WhyPath+"/"+resp.Header.Get("x-amzn-RequestId"), nil)
				got["trace of the request"] = sameTrace(t, tr, direct)
				// iamgate why URL: evaluated without invoking.
				inner := signedRequest(t, "GET", url, nil, tc.who.creds, "execute-api")
				body, _ := json.Marshal(WhyRequest{Method: "GET", URL: url, Header: inner.Header})
				got["why"] = sameTrace(t, why(t, srv.URL, root, "POST", WhyPath, body), direct)
			} else {
				// The control plane: the signed IAM call itself.
				form := url.Values{"Action": {strings.TrimPrefix(tc.action, "iam:")}, "Version": {"2010-05-08"}}
				if tc.action == "iam:GetUser" {
					form.Set("UserName", "bounded")
				} else {
					form.Set("RoleName", "reader")
				}
				resp := do(t, signedRequest(t, "POST", srv.URL+"/", []byte(form.Encode()), tc.who.creds, "iam"))
				got["control plane"] = allow
				if resp.StatusCode == http.StatusForbidden && strings.Contains(resp.body, "<Code>AccessDenied</Code>") {
					got["control plane"] = implicit
					if strings.Contains(resp.body, "with an explicit deny") {
						got["control plane"] = explicit
					}
				} else if resp.StatusCode != http.StatusOK {
					t.Fatalf("control plane: %d %s", resp.StatusCode, resp.body)
				}
			}
			if tc.who.simulate != "" {
				form := url.Values{"Action": {"SimulatePrincipalPolicy"}, "Version": {"2010-05-08"}, "PolicySourceArn": {tc.who.simulate},
					"ActionNames.member.1": {tc.action}, "ResourceArns.member.1": {resource}}
				for _, p := range policies {
					form.Set("ResourcePolicy", p.Document)
				}
				resp := do(t, signedRequest(t, "POST", srv.URL+"/", []byte(form.Encode()), root, "iam"))
				got["simulator"] = simulated(t, resp)
			}
			for surface, e := range got {
				if e != tc.want {
					t.Errorf("%s: %v, want %v (authorizer: %s)", surface, e, tc.want, direct.Reason)
				}
			}
		})
	}
}

// sameTrace checks that a data-plane trace carries the authorizer's
// structured decision unchanged, and returns its effect.
func sameTrace(t *testing.T, tr gateway.Trace, d auth.Decision) iampolicy.Effect {
	t.Helper()
	if diff := cmp.Diff(d.Statement, tr.Statement); diff != "" {
		t.Errorf("trace's deciding statement (-authorizer +trace):\n%s", diff)
	}
	var steps []string
	for _, s := range tr.Statements {
		steps = append(steps, s.Layer+" "+s.Policy+" "+s.Effect)
	}
	var want []string
	for _, s := range d.Steps {
		want = append(want, s.Layer+" "+s.Policy+" "+s.Effect)
	}
	if diff := cmp.Diff(want, steps); diff != "" {
		t.Errorf("trace's statements (-authorizer +trace):\n%s", diff)
	}
	for _, e := range []iampolicy.Effect{iampolicy.Allow, iampolicy.ImplicitDeny, iampolicy.ExplicitDeny} {
		if e.String() == tr.Decision {
			return e
		}
	}
	t.Fatalf("trace decision %q", tr.Decision)
	return 0
}

func layerOf(m *iampolicy.Match) string {
	if m == nil {
		return ""
	}
	return m.Layer
}

type response struct {
	*http.Response
	body string
}

func do(t *testing.T, r *http.Request) response {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

// signedRequest is a request signed by the AWS SDK for Go v2's signer.
func signedRequest(t *testing.T, method, url string, body []byte, c aws.Credentials, service string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), c, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

// why asks the why API, as root, and decodes the trace.
func why(t *testing.T, base string, root aws.Credentials, method, path string, body []byte) gateway.Trace {
	t.Helper()
	resp := do(t, signedRequest(t, method, base+path, body, root, WhyService))
	var tr gateway.Trace
	if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.body), &tr) != nil {
		t.Fatalf("why %s %s: %d %s", method, path, resp.StatusCode, resp.body)
	}
	return tr
}

// simulated reads the one EvalDecision of a SimulatePrincipalPolicy answer.
func simulated(t *testing.T, resp response) iampolicy.Effect {
	t.Helper()
	var out struct {
		Results []string `xml:"SimulatePrincipalPolicyResult>EvaluationResults>member>EvalDecision"`
	}
	if resp.StatusCode != 200 || xml.Unmarshal([]byte(resp.body), &out) != nil || len(out.Results) != 1 {
		t.Fatalf("simulate: %d %s", resp.StatusCode, resp.body)
	}
	return map[string]iampolicy.Effect{"allowed": iampolicy.Allow, "implicitDeny": iampolicy.ImplicitDeny,
		"explicitDeny": iampolicy.ExplicitDeny}[out.Results[0]]
}
