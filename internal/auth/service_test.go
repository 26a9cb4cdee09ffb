package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/sigv4"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

func newIAM(t testing.TB) *iam.Service {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := seal.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return iam.New(st, s, iam.Options{AccountID: "000000000000", ValidatePolicy: func(doc string) error {
		_, err := iampolicy.Parse([]byte(doc), iampolicy.IdentityPolicy)
		return err
	}})
}

func callerOf(t *testing.T, svc *iam.Service, keyID string) *Caller {
	t.Helper()
	p, err := svc.Principal(context.Background(), keyID)
	if err != nil {
		t.Fatal(err)
	}
	return &Caller{AccessKeyID: keyID, ARN: p.ARN, AccountID: p.AccountID, UserID: p.UserID, Username: p.Username, Type: p.Type}
}

const invokeHello = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello"}]}`

func TestAuthorize(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	root, err := svc.EnsureRootKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"alice", "bob"} {
		if _, err := svc.CreateUser(ctx, u, "/", nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.PutUserPolicy(ctx, "alice", "p", invokeHello); err != nil {
		t.Fatal(err)
	}
	alice, _ := svc.CreateAccessKey(ctx, "alice")
	bob, _ := svc.CreateAccessKey(ctx, "bob")
	hello := Request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello"}
	cases := []struct {
		name    string
		key     string
		req     Request
		allowed bool
		message string
	}{
		{"root is allowed in its account", root.AccessKeyID, hello, true, ""},
		{"user with a policy", alice.AccessKeyID, hello, true, ""},
		{"user on another path", alice.AccessKeyID, Request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/POST/hello"}, false,
			"User: arn:aws:iam::000000000000:user/alice is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:abc/v1/POST/hello"},
		{"user without a policy", bob.AccessKeyID, hello, false,
			"User: arn:aws:iam::000000000000:user/bob is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := a.Authorize(ctx, callerOf(t, svc, c.key), c.req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != c.allowed || d.Message != c.message {
				t.Errorf("got allowed=%v message=%q", d.Allowed, d.Message)
			}
			if !d.Allowed && d.Because != " because no identity-based policy allows the execute-api:Invoke action" {
				t.Errorf("because = %q", d.Because)
			}
		})
	}
}

// TestAssumeRoleNeedsTrust: an identity policy allowing sts:AssumeRole is not
// enough; the role's trust policy must allow the caller (directly, or by
// naming the account, which then defers to the identity policy).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestAssumeRoleNeedsTrust(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "carol", "/", nil, "")
	svc.PutUserPolicy(ctx, "carol", "assume", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	key, _ := svc.CreateAccessKey(ctx, "carol")
	caller := callerOf(t, svc, key.AccessKeyID)
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	cases := []struct {
		name, trust string
		allowed     bool
	}{
		{"trust names the user", trust("arn:aws:iam::000000000000:user/carol"), true},
		{"trust names the account", trust("arn:aws:iam::000000000000:root"), true},
		{"trust names someone else", trust("arn:aws:iam::000000000000:user/dave"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := a.Authorize(ctx, caller, Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::000000000000:role/r",
				ResourcePolicies: []Policy{{Name: "trust", Document: c.trust}}, ResourceMustAllow: true})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != c.allowed {
				t.Errorf("allowed = %v; trace:\n%v", d.Allowed, d.Steps)
			}
		})
	}
}

// TestRequestKeys: condition keys taken from the HTTP request reach every
// authorization made under WithRequest.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
func TestRequestKeys(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "erin", "/", nil, "")
	svc.PutUserPolicy(ctx, "erin", "local", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",
		"Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"},"StringLike":{"aws:UserAgent":"aws-cli/*"}}}]}`)
	key, _ := svc.CreateAccessKey(ctx, "erin")
	caller := callerOf(t, svc, key.AccessKeyID)
	cases := []struct {
		name, remote, ua string
		allowed          bool
	}{
		{"loopback, aws cli", "127.0.0.1:5000", "aws-cli/1.45.11 Python/3.11.7", true},
		{"other address", "10.1.2.3:5000", "aws-cli/1.45.11", false},
		{"other agent", "127.0.0.1:5000", "curl/7.88.1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.RemoteAddr = c.remote
			r.Header.Set("User-Agent", c.ua)
			d, err := a.Authorize(WithRequest(ctx, r), caller, Request{Action: "iam:GetUser", Resource: "arn:aws:iam::000000000000:user/erin"})
			if err != nil || d.Allowed != c.allowed {
				t.Errorf("allowed = %v, %v", d.Allowed, err)
			}
		})
	}
}

// TestContextFunc: keys a caller supplies on demand are the context's when
// a condition reads them, Context's win over them, and they are not made
// when no statement reads the context (the gateway's keys cost a map and
// two formats per request).
func TestContextFunc(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "fay", "/", nil, "")
	svc.PutUserPolicy(ctx, "fay", "p", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
		{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`)
	key, _ := svc.CreateAccessKey(ctx, "fay")
	caller := callerOf(t, svc, key.AccessKeyID)
	principal, err := svc.Principal(ctx, key.AccessKeyID)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	keys := func(ip string) func() map[string][]string {
		return func() map[string][]string { calls++; return map[string][]string{"aws:SourceIp": {ip}} }
	}
	cases := []struct {
		name    string
		req     Request
		allowed bool
		calls   int
	}{
		{"loopback", Request{Action: "execute-api:Invoke", Resource: "arn:x", ContextFunc: keys("127.0.0.1")}, true, 1},
		{"other address", Request{Action: "execute-api:Invoke", Resource: "arn:x", ContextFunc: keys("10.0.0.1")}, false, 1},
		{"Context wins", Request{Action: "execute-api:Invoke", Resource: "arn:x", ContextFunc: keys("127.0.0.1"),
			Context: map[string][]string{"aws:SourceIp": {"10.0.0.1"}}}, false, 1},
		{"no condition read", Request{Action: "iam:GetUser", Resource: "arn:x", ContextFunc: keys("10.0.0.1")}, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls = 0
			d, err := a.Authorize(ctx, caller, c.req)
			if err != nil || d.Allowed != c.allowed || calls != c.calls {
				t.Errorf("allowed = %v, %v; ContextFunc called %d times, want %d", d.Allowed, err, calls, c.calls)
			}
			calls = 0
			d, err = a.Evaluate(ctx, principal, c.req)
			if err != nil || d.Allowed != c.allowed || calls != c.calls {
				t.Errorf("Evaluate: allowed = %v, %v; ContextFunc called %d times, want %d", d.Allowed, err, calls, c.calls)
			}
		})
	}
}

// TestTokenIssueTime: a role session's issue time is the aws:TokenIssueTime
// context key. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-tokenissuetime
func TestTokenIssueTime(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, "r", "/", trust, "", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	svc.PutRolePolicy(ctx, "r", "recent", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*",
		"Condition":{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}}]}`)
	sess, err := svc.CreateSession(ctx, role.ARN, "session", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.Authorize(ctx, callerOf(t, svc, sess.AccessKeyID), Request{Action: "iam:GetRole", Resource: role.ARN})
	if err != nil || !d.Allowed {
		t.Errorf("allowed = %v, %v; trace %v", d.Allowed, err, d.Steps)
	}
}

// TestRootAndResourcePolicies: the account root needs no identity policy in
// its own account, but an explicit Deny in a resource-based policy refuses
// it as it refuses anyone; in another account's resource only that
// resource's policy can allow it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
func TestRootAndResourcePolicies(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	rk, err := svc.EnsureRootKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	root := callerOf(t, svc, rk.AccessKeyID)
	const res = "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/secret"
	resPolicy := func(effect, principal string) []Policy {
		return []Policy{{Name: "resource policy of REST API abc", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect +
			`","Principal":` + principal + `,"Action":"execute-api:Invoke","Resource":"` + res + `"}]}`}}
	}
	cases := []struct {
		name     string
		req      Request
		allowed  bool
		explicit bool
		because  string
	}{
		{"own account, no resource policy", Request{Action: "execute-api:Invoke", Resource: res}, true, false, ""},
		{"own account, resource policy denies everyone", Request{Action: "execute-api:Invoke", Resource: res,
			ResourcePolicies: resPolicy("Deny", `"*"`)}, false, true, " with an explicit deny in a resource-based policy"},
		{"own account, resource policy denies the account", Request{Action: "execute-api:Invoke", Resource: res,
			ResourcePolicies: resPolicy("Deny", `{"AWS":"arn:aws:iam::000000000000:root"}`)}, false, true, " with an explicit deny in a resource-based policy"},
		{"own account, resource policy denies someone else", Request{Action: "execute-api:Invoke", Resource: res,
			ResourcePolicies: resPolicy("Deny", `{"AWS":"arn:aws:iam::000000000000:user/x"}`)}, true, false, ""},
		{"another account's resource, no policy", Request{Action: "execute-api:Invoke", Resource: res, ResourceAccount: "111111111111"},
			false, false, " because no resource-based policy allows the execute-api:Invoke action"},
		{"another account's resource allowing this account", Request{Action: "execute-api:Invoke", Resource: res, ResourceAccount: "111111111111",
			ResourcePolicies: resPolicy("Allow", `{"AWS":"000000000000"}`)}, true, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := a.Authorize(ctx, root, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != c.allowed || d.ExplicitDeny != c.explicit || d.Because != c.because {
				t.Errorf("allowed=%v explicit=%v because=%q; reason %s", d.Allowed, d.ExplicitDeny, d.Because, d.Reason)
			}
			if c.explicit && (d.Statement == nil || d.Statement.Layer != iampolicy.LayerResource || d.Statement.Effect != "Deny") {
				t.Errorf("deciding statement = %+v", d.Statement)
			}
		})
	}
}

// TestDeadSession: a session whose source key or role was deleted after it
// was issued fails authentication with the invalid-token reason (403
// InvalidClientTokenId on the control plane, UnrecognizedClientException on
// execute-api), never an internal error.
func TestDeadSession(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "gone", "/", nil, "")
	key, err := svc.CreateAccessKey(ctx, "gone")
	if err != nil {
		t.Fatal(err)
	}
	fromKey, err := svc.GetSessionToken(ctx, key.AccessKeyID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, "doomed", "/", trust, "", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	fromRole, err := svc.CreateSession(ctx, role.ARN, "s1", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]iam.Session{"source key deleted": fromKey, "role deleted": fromRole}
	for name, s := range sessions {
		if _, err := a.Authenticate(ctx, signed(t, s), sigv4.Options{Service: "sts"}); err != nil {
			t.Fatalf("%s: alive session refused: %v", name, err)
		}
	}
	if err := svc.DeleteAccessKey(ctx, "gone", key.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteRole(ctx, "doomed"); err != nil {
		t.Fatal(err)
	}
	for name, s := range sessions {
		t.Run(name, func(t *testing.T) {
			_, err := a.Authenticate(ctx, signed(t, s), sigv4.Options{Service: "sts"})
			var se *sigv4.Error
			if !errors.As(err, &se) || se.Reason != sigv4.InvalidToken || se.Message != "The security token included in the request is invalid." {
				t.Errorf("got %v", err)
			}
		})
	}
}

// signed is an STS GetCallerIdentity request signed with s by the AWS SDK's signer.
func signed(t *testing.T, s iam.Session) *http.Request {
	t.Helper()
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.Secret.Reveal(), SessionToken: s.SessionToken.Reveal()}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestServiceRole: a service takes a role only when the role's trust policy
// names it, and then acts as the role's session.
func TestServiceRole(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, "invoker", "/", trust, "", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	c, d, err := a.ServiceRole(ctx, "apigateway.amazonaws.com", role.ARN, "req-1")
	if err != nil || !d.Allowed || c == nil || c.ARN != "arn:aws:sts::000000000000:assumed-role/invoker/req-1" {
		t.Errorf("apigateway: %+v %+v %v", c, d, err)
	}
	c, d, err = a.ServiceRole(ctx, "lambda.amazonaws.com", role.ARN, "req-1")
	if err != nil || d.Allowed || c != nil || d.DeniedBy != iampolicy.LayerResource {
		t.Errorf("lambda: %+v %+v %v", c, d, err)
	}
}

// TestDenial: Denial is Message then Because, also for a decision whose
// parts were changed after the evaluator made them.
func TestDenial(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "gus", "/", nil, "")
	key, _ := svc.CreateAccessKey(ctx, "gus")
	d, err := a.Authorize(ctx, callerOf(t, svc, key.AccessKeyID), Request{Action: "iam:GetUser", Resource: "arn:aws:iam::000000000000:user/gus"})
	if err != nil || d.Allowed {
		t.Fatalf("allowed = %v, %v", d.Allowed, err)
	}
	const want = "User: arn:aws:iam::000000000000:user/gus is not authorized to perform: iam:GetUser on resource: arn:aws:iam::000000000000:user/gus because no identity-based policy allows the iam:GetUser action"
	if got := d.Denial(); got != want || got != d.Message+d.Because {
		t.Errorf("Denial() = %q, want %q", got, want)
	}
	d.Because = " with an explicit deny"
	if got := d.Denial(); got != d.Message+" with an explicit deny" {
		t.Errorf("Denial() after a change = %q", got)
	}
	if got := (Decision{Allowed: true}).Denial(); got != "" {
		t.Errorf("allowed Denial() = %q", got)
	}
}

// TestPolicySetFollowsWrites: the compiled policy set kept with a cached
// principal is the one its policies make now: a policy put, replaced,
// detached or a group joined changes the next answer at once, with no
// request in between seeing the old set.
func TestPolicySetFollowsWrites(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	svc.CreateUser(ctx, "hal", "/", nil, "")
	key, _ := svc.CreateAccessKey(ctx, "hal")
	req := Request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello"}
	allowed := func(step string, want bool) {
		t.Helper()
		for range 2 { // the second answer comes from the kept set
			c := callerOf(t, svc, key.AccessKeyID)
			d, err := a.Authorize(ctx, c, req)
			if err != nil || d.Allowed != want {
				t.Fatalf("%s: allowed = %v, %v; want %v", step, d.Allowed, err, want)
			}
		}
	}
	allowed("no policy", false)
	if err := svc.PutUserPolicy(ctx, "hal", "p", invokeHello); err != nil {
		t.Fatal(err)
	}
	allowed("inline allow", true)
	if p, err := svc.Principal(ctx, key.AccessKeyID); err != nil || p.Derived == nil || p.Derived.Load() == nil {
		t.Fatalf("no policy set kept with the cached principal: %+v, %v", p.Derived, err)
	}
	deny := strings.Replace(invokeHello, `"Allow"`, `"Deny"`, 1)
	if err := svc.PutUserPolicy(ctx, "hal", "p", deny); err != nil {
		t.Fatal(err)
	}
	allowed("replaced by a deny", false)
	if err := svc.DeleteUserPolicy(ctx, "hal", "p"); err != nil {
		t.Fatal(err)
	}
	allowed("deleted", false)
	if _, err := svc.CreateGroup(ctx, "g", "/"); err != nil {
		t.Fatal(err)
	}
	if err := svc.PutGroupPolicy(ctx, "g", "gp", invokeHello); err != nil {
		t.Fatal(err)
	}
	allowed("group not joined", false)
	if err := svc.AddUserToGroup(ctx, "g", "hal"); err != nil {
		t.Fatal(err)
	}
	allowed("group joined", true)
}
