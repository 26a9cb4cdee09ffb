package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

func newIAM(t *testing.T) *iam.Service {
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
		if _, err := svc.CreateUser(ctx, u, "/", nil); err != nil {
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
	svc.CreateUser(ctx, "carol", "/", nil)
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
				t.Errorf("allowed = %v; trace:\n%v", d.Allowed, d.Trace)
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
	svc.CreateUser(ctx, "erin", "/", nil)
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
		t.Errorf("allowed = %v, %v; trace %v", d.Allowed, err, d.Trace)
	}
}
