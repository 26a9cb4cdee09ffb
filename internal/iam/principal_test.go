package iam

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

const denyS3 = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`

func TestUserPrincipal(t *testing.T) {
	f := newFixture(t, "")
	u, err := f.svc.CreateUser(ctx, "api-gateway-user", "/app/", map[string]string{"team": "blue"}, "")
	must(t, err)
	must(t, f.svc.PutUserPolicy(ctx, "api-gateway-user", "api-gateway-user-policy", allowAll))
	must(t, f.svc.AttachUserPolicy(ctx, "api-gateway-user", "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess"))
	_, err = f.svc.CreateGroup(ctx, "devs", "")
	must(t, err)
	must(t, f.svc.PutGroupPolicy(ctx, "devs", "deny-s3", denyS3))
	must(t, f.svc.AttachGroupPolicy(ctx, "devs", "arn:aws:iam::aws:policy/ReadOnlyAccess"))
	must(t, f.svc.AddUserToGroup(ctx, "devs", "api-gateway-user"))
	must(t, f.svc.PutUserPermissionsBoundary(ctx, "api-gateway-user", "arn:aws:iam::aws:policy/AdministratorAccess"))
	k, err := f.svc.CreateAccessKey(ctx, "api-gateway-user")
	must(t, err)

	got, err := f.svc.Principal(ctx, k.AccessKeyID)
	must(t, err)
	doc := func(arn string) string { d, _ := f.svc.policyDocument(ctx, f.st, arn); return d }
	want := Principal{
		ARN: "arn:aws:iam::" + acct + ":user/app/api-gateway-user", AccountID: acct, Type: TypeUser,
		UserID: u.UserID, Username: "api-gateway-user", Tags: map[string]string{"team": "blue"},
		Identity: []PolicyDoc{
			{"user/api-gateway-user inline api-gateway-user-policy", allowAll},
			{"user/api-gateway-user attached arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess", doc("arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess")},
			{"group/devs inline deny-s3", denyS3},
			{"group/devs attached arn:aws:iam::aws:policy/ReadOnlyAccess", doc("arn:aws:iam::aws:policy/ReadOnlyAccess")},
		},
		Boundary: &PolicyDoc{"permissions boundary arn:aws:iam::aws:policy/AdministratorAccess", doc("arn:aws:iam::aws:policy/AdministratorAccess")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Principal (-want +got):\n%s", diff)
	}
}

func TestRoleSessionPrincipal(t *testing.T) {
	f := newFixture(t, "")
	r, err := f.svc.CreateRole(ctx, "fn", "/service-role/", trustLambda, "", 0, "arn:aws:iam::aws:policy/ReadOnlyAccess")
	must(t, err)
	must(t, f.svc.TagRole(ctx, "fn", map[string]string{"app": "hello"}))
	must(t, f.svc.PutRolePolicy(ctx, "fn", "logs", allowAll))
	sessionPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`
	f.clock.now = t0.Add(time.Minute)
	s, err := f.svc.CreateSession(ctx, r.ARN, "invocation-1", 0, sessionPolicy)
	must(t, err)
	got, err := f.svc.Principal(ctx, s.AccessKeyID)
	must(t, err)
	ro, _ := f.svc.policyDocument(ctx, f.st, "arn:aws:iam::aws:policy/ReadOnlyAccess")
	want := Principal{
		ARN: "arn:aws:sts::" + acct + ":assumed-role/fn/invocation-1", AccountID: acct, Type: TypeAssumedRole,
		UserID: r.RoleID + ":invocation-1", Tags: map[string]string{"app": "hello"},
		Identity:      []PolicyDoc{{"role/fn inline logs", allowAll}},
		Session:       []PolicyDoc{{"session policy", sessionPolicy}},
		Boundary:      &PolicyDoc{"permissions boundary arn:aws:iam::aws:policy/ReadOnlyAccess", ro},
		RoleARN:       "arn:aws:iam::" + acct + ":role/service-role/fn",
		Trust:         trustLambda,
		SessionIssued: t0.Add(time.Minute), SessionName: "invocation-1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Principal (-want +got):\n%s", diff)
	}
	// A service acting as the role (RoleSessionPrincipal) is the same
	// principal, without the session policy only a caller of AssumeRole sets.
	f.clock.now = t0.Add(2 * time.Minute)
	as, err := f.svc.RoleSessionPrincipal(ctx, r.ARN, "invocation-1")
	must(t, err)
	want.Session, want.SessionIssued = nil, t0.Add(2*time.Minute)
	if diff := cmp.Diff(want, as); diff != "" {
		t.Errorf("RoleSessionPrincipal (-want +got):\n%s", diff)
	}
	if s.AssumedRoleID != want.UserID {
		t.Errorf("AssumedRoleID = %q, want %q", s.AssumedRoleID, want.UserID)
	}

	// A role deleted and re-created under the same name does not revive old sessions.
	must(t, f.svc.DeleteRolePolicy(ctx, "fn", "logs"))
	must(t, f.svc.DeleteRole(ctx, "fn"))
	_, err = f.svc.CreateRole(ctx, "fn", "/service-role/", trustLambda, "", 0, "")
	must(t, err)
	_, err = f.svc.Principal(ctx, s.AccessKeyID)
	wantErr(t, err, awserr.InvalidClientTokenID, "The security token included in the request is invalid.")
}

func TestPrincipalUnknownKey(t *testing.T) {
	f := newFixture(t, "")
	for _, id := range []string{"AKIAUNKNOWN000000000", "ASIAUNKNOWN000000000", ""} {
		t.Run(id, func(t *testing.T) {
			_, err := f.svc.Principal(ctx, id)
			wantErr(t, err, awserr.InvalidClientTokenID, "The security token included in the request is invalid.")
		})
	}
}

// FuzzParsePolicyARN checks that parsing never panics and that an accepted
// ARN is rebuilt exactly from its parts.
func FuzzParsePolicyARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"arn:aws:iam::123456789012:policy/a/b/c/Name",
		"arn:aws:iam::123456789012:policy/",
		"arn:aws:iam::123456789012:role/x",
		"arn:aws:iam:::policy/x",
		"Invoke",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePolicyARN(s)
		if err != nil {
			if !awserr.Is(err, awserr.InvalidInput) {
				t.Fatalf("error %v is not InvalidInput", err)
			}
			return
		}
		if p.name == "" || strings.Contains(p.name, "/") || !strings.HasPrefix(p.path, "/") || !strings.HasSuffix(p.path, "/") {
			t.Fatalf("%q parsed into bad parts %+v", s, p)
		}
		if back := "arn:aws:iam::" + p.account + ":policy" + p.path + p.name; back != s {
			t.Fatalf("round trip %q -> %+v -> %q", s, p, back)
		}
		if policyNameOf(s) != p.name {
			t.Fatalf("policyNameOf(%q) = %q, parse says %q", s, policyNameOf(s), p.name)
		}
	})
}
