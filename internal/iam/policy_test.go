package iam

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

// inlineOps lets one table exercise user, group and role inline policies.
type inlineOps struct {
	label  string
	create func(f *fixture, name string) error
	put    func(f *fixture, name, policy, doc string) error
	get    func(f *fixture, name, policy string) (string, error)
	list   func(f *fixture, name string) ([]string, error)
	del    func(f *fixture, name, policy string) error
	limit  int
}

var inlineKinds = []inlineOps{
	{"user", func(f *fixture, n string) error { _, err := f.svc.CreateUser(ctx, n, "", nil, ""); return err },
		func(f *fixture, n, p, d string) error { return f.svc.PutUserPolicy(ctx, n, p, d) },
		func(f *fixture, n, p string) (string, error) { return f.svc.GetUserPolicy(ctx, n, p) },
		func(f *fixture, n string) ([]string, error) { return f.svc.ListUserPolicies(ctx, n) },
		func(f *fixture, n, p string) error { return f.svc.DeleteUserPolicy(ctx, n, p) }, 2048},
	{"group", func(f *fixture, n string) error { _, err := f.svc.CreateGroup(ctx, n, ""); return err },
		func(f *fixture, n, p, d string) error { return f.svc.PutGroupPolicy(ctx, n, p, d) },
		func(f *fixture, n, p string) (string, error) { return f.svc.GetGroupPolicy(ctx, n, p) },
		func(f *fixture, n string) ([]string, error) { return f.svc.ListGroupPolicies(ctx, n) },
		func(f *fixture, n, p string) error { return f.svc.DeleteGroupPolicy(ctx, n, p) }, 5120},
	{"role", func(f *fixture, n string) error {
		_, err := f.svc.CreateRole(ctx, n, "", trustLambda, "", 0, "")
		return err
	},
		func(f *fixture, n, p, d string) error { return f.svc.PutRolePolicy(ctx, n, p, d) },
		func(f *fixture, n, p string) (string, error) { return f.svc.GetRolePolicy(ctx, n, p) },
		func(f *fixture, n string) ([]string, error) { return f.svc.ListRolePolicies(ctx, n) },
		func(f *fixture, n, p string) error { return f.svc.DeleteRolePolicy(ctx, n, p) }, 10240},
}

// bigDoc is a valid JSON policy with about n non-whitespace characters.
func bigDoc(n int) string {
	pad := strings.Repeat("a", n)
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + pad + `","Effect":"Allow","Action":"*","Resource":"*"}]}`
}

func TestInlinePolicies(t *testing.T) {
	for _, k := range inlineKinds {
		t.Run(k.label, func(t *testing.T) {
			f := newFixture(t, "")
			must(t, k.create(f, "e"))
			must(t, k.put(f, "E", "zeta", allowAll))
			must(t, k.put(f, "e", "alpha", `{"Version":"2012-10-17","Statement":[]}`))
			must(t, k.put(f, "e", "alpha", allowAll)) // replaces
			doc, err := k.get(f, "e", "alpha")
			must(t, err)
			if doc != allowAll {
				t.Errorf("get = %s", doc)
			}
			names, err := k.list(f, "e")
			must(t, err)
			if diff := cmp.Diff([]string{"alpha", "zeta"}, names); diff != "" {
				t.Errorf("list (-want +got):\n%s", diff)
			}
			errTests := []struct {
				name string
				err  error
				code awserr.Code
				msg  string
			}{
				{"get missing policy", second(k.get(f, "e", "nope")), awserr.NoSuchEntity,
					fmt.Sprintf("The %s policy with name nope cannot be found.", k.label)},
				{"delete missing policy", k.del(f, "e", "nope"), awserr.NoSuchEntity,
					fmt.Sprintf("The %s policy with name nope cannot be found.", k.label)},
				{"put on missing entity", k.put(f, "ghost", "p", allowAll), awserr.NoSuchEntity,
					fmt.Sprintf("The %s with name ghost cannot be found.", k.label)},
				{"list on missing entity", second(k.list(f, "ghost")), awserr.NoSuchEntity,
					fmt.Sprintf("The %s with name ghost cannot be found.", k.label)},
				{"malformed document", k.put(f, "e", "bad", `{"Statement":`), awserr.MalformedPolicyDocument, "Syntax errors in policy."},
				{"bad policy name", k.put(f, "e", "bad name", allowAll), awserr.ValidationError,
					`1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
				{"aggregate size", k.put(f, "e", "big", bigDoc(k.limit)), awserr.LimitExceeded,
					fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s e", k.limit, k.label)},
			}
			for _, tc := range errTests {
				t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.code, tc.msg) })
			}
			must(t, k.del(f, "e", "alpha"))
			names, err = k.list(f, "e")
			must(t, err)
			if diff := cmp.Diff([]string{"zeta"}, names); diff != "" {
				t.Errorf("list after delete (-want +got):\n%s", diff)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestValidatePolicyHook(t *testing.T) {
	f := newFixture(t, "")
	mkUser(t, f, "u")
	f.svc.validate = func(doc string) error {
		switch doc {
		case "plain":
			return errors.New("Policy document should not specify a principal.")
		case "coded":
			return awserr.New(awserr.MalformedPolicyDocument, "Missing required field Effect")
		}
		return nil
	}
	wantErr(t, f.svc.PutUserPolicy(ctx, "u", "p", "plain"), awserr.MalformedPolicyDocument, "Policy document should not specify a principal.")
	wantErr(t, f.svc.PutUserPolicy(ctx, "u", "p", "coded"), awserr.MalformedPolicyDocument, "Missing required field Effect")
	wantErr(t, f.svc.PutUserPolicy(ctx, "u", "p", "ok"), "", "")
}

func TestManagedPolicies(t *testing.T) {
	f := newFixture(t, "")
	p, err := f.svc.CreatePolicy(ctx, "Invoke", "/app/", allowAll, "lets callers invoke")
	must(t, err)
	arn := "arn:aws:iam::" + acct + ":policy/app/Invoke"
	want := ManagedPolicy{Name: "Invoke", Path: "/app/", PolicyID: p.PolicyID, ARN: arn, Description: "lets callers invoke",
		DefaultVersionID: "v1", IsAttachable: true, Created: t0, Updated: t0}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("CreatePolicy (-want +got):\n%s", diff)
	}
	if !policyIDRE.MatchString(p.PolicyID) {
		t.Errorf("PolicyID %q not AWS-shaped", p.PolicyID)
	}
	mkUser(t, f, "u")

	steps := []struct {
		name string
		op   func() error
		code awserr.Code
		msg  string
	}{
		{"duplicate name on another path", func() error { _, err := f.svc.CreatePolicy(ctx, "invoke", "/", allowAll, ""); return err },
			awserr.EntityAlreadyExists, "A policy called invoke already exists. Duplicate names are not allowed."},
		{"too large", func() error { _, err := f.svc.CreatePolicy(ctx, "big", "/", bigDoc(6144), ""); return err },
			awserr.LimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
		{"get wrong path", func() error { _, err := f.svc.GetPolicy(ctx, "arn:aws:iam::"+acct+":policy/Invoke"); return err },
			awserr.NoSuchEntity, "Policy arn:aws:iam::" + acct + ":policy/Invoke was not found."},
		{"get invalid arn", func() error { _, err := f.svc.GetPolicy(ctx, "Invoke"); return err },
			awserr.InvalidInput, "ARN Invoke is not valid."},
		{"v2", func() error { _, err := f.svc.CreatePolicyVersion(ctx, arn, allowAll, false); return err }, "", ""},
		{"v3 default", func() error {
			_, err := f.svc.CreatePolicyVersion(ctx, arn, `{"Version":"2012-10-17","Statement":[]}`, true)
			return err
		}, "", ""},
		{"v4", func() error { _, err := f.svc.CreatePolicyVersion(ctx, arn, allowAll, false); return err }, "", ""},
		{"v5", func() error { _, err := f.svc.CreatePolicyVersion(ctx, arn, allowAll, false); return err }, "", ""},
		{"sixth version", func() error { _, err := f.svc.CreatePolicyVersion(ctx, arn, allowAll, false); return err },
			awserr.LimitExceeded, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."},
		{"delete default version", func() error { return f.svc.DeletePolicyVersion(ctx, arn, "v3") },
			awserr.DeleteConflict, "Cannot delete the default version of a policy."},
		{"delete missing version", func() error { return f.svc.DeletePolicyVersion(ctx, arn, "v9") },
			awserr.NoSuchEntity, "Policy " + arn + " version v9 does not exist or is not attachable."},
		{"set default missing version", func() error { return f.svc.SetDefaultPolicyVersion(ctx, arn, "v9") },
			awserr.NoSuchEntity, "Policy " + arn + " version v9 does not exist or is not attachable."},
		{"delete v1", func() error { return f.svc.DeletePolicyVersion(ctx, arn, "v1") }, "", ""},
		{"v6 after delete", func() error { _, err := f.svc.CreatePolicyVersion(ctx, arn, allowAll, false); return err }, "", ""},
		{"attach", func() error { return f.svc.AttachUserPolicy(ctx, "u", arn) }, "", ""},
		{"attach twice is a no-op", func() error { return f.svc.AttachUserPolicy(ctx, "u", arn) }, "", ""},
		{"attach missing policy", func() error { return f.svc.AttachUserPolicy(ctx, "u", "arn:aws:iam::"+acct+":policy/Nope") },
			awserr.NoSuchEntity, "Policy arn:aws:iam::" + acct + ":policy/Nope does not exist or is not attachable."},
		{"attach unknown AWS policy", func() error { return f.svc.AttachUserPolicy(ctx, "u", "arn:aws:iam::aws:policy/NoSuchThing") },
			awserr.NoSuchEntity, "Policy arn:aws:iam::aws:policy/NoSuchThing does not exist or is not attachable."},
		{"attach AWS policy", func() error {
			return f.svc.AttachUserPolicy(ctx, "u", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
		}, "", ""},
		{"delete attached policy", func() error { return f.svc.DeletePolicy(ctx, arn) },
			awserr.DeleteConflict, "Cannot delete a policy attached to entities."},
		{"detach", func() error { return f.svc.DetachUserPolicy(ctx, "u", arn) }, "", ""},
		{"detach again", func() error { return f.svc.DetachUserPolicy(ctx, "u", arn) },
			awserr.NoSuchEntity, "Policy " + arn + " was not found."},
		{"delete with versions", func() error { return f.svc.DeletePolicy(ctx, arn) },
			awserr.DeleteConflict, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) { wantErr(t, st.op(), st.code, st.msg) })
	}

	t.Run("versions", func(t *testing.T) {
		vs, err := f.svc.ListPolicyVersions(ctx, arn)
		must(t, err)
		var ids []string
		for _, v := range vs {
			ids = append(ids, fmt.Sprintf("%s default=%v", v.VersionID, v.IsDefault))
		}
		want := []string{"v2 default=false", "v3 default=true", "v4 default=false", "v5 default=false", "v6 default=false"}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("versions (-want +got):\n%s", diff)
		}
		v, err := f.svc.GetPolicyVersion(ctx, arn, "v3")
		must(t, err)
		if !v.IsDefault || v.Document != `{"Version":"2012-10-17","Statement":[]}` {
			t.Errorf("GetPolicyVersion v3 = %+v", v)
		}
	})
	t.Run("attached list and count", func(t *testing.T) {
		got, err := f.svc.ListAttachedUserPolicies(ctx, "u")
		must(t, err)
		want := []AttachedPolicy{{"AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("attached (-want +got):\n%s", diff)
		}
		p, err := f.svc.GetPolicy(ctx, arn)
		must(t, err)
		if p.AttachmentCount != 0 || p.DefaultVersionID != "v3" {
			t.Errorf("GetPolicy = %+v; want 0 attachments, default v3", p)
		}
	})
	t.Run("delete", func(t *testing.T) {
		for _, v := range []string{"v2", "v4", "v5", "v6"} {
			must(t, f.svc.DeletePolicyVersion(ctx, arn, v))
		}
		must(t, f.svc.DeletePolicy(ctx, arn))
		_, err := f.svc.GetPolicy(ctx, arn)
		wantErr(t, err, awserr.NoSuchEntity, "Policy "+arn+" was not found.")
	})
}

func TestAWSManagedPolicies(t *testing.T) {
	f := newFixture(t, "")
	all, err := f.svc.ListPolicies(ctx, "AWS")
	must(t, err)
	var arns []string
	for _, p := range all {
		arns = append(arns, p.ARN)
		if !p.AWSManaged || !policyIDRE.MatchString(p.PolicyID) {
			t.Errorf("%s: %+v", p.ARN, p)
		}
		doc, err := f.svc.policyDocument(ctx, f.st, p.ARN)
		must(t, err)
		if err := f.svc.checkPolicy(doc); err != nil {
			t.Errorf("%s: document is not valid JSON: %v", p.ARN, err)
		}
	}
	// A few of AWS's policies, among every one of the catalog.
	want := []string{
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:iam::aws:policy/IAMFullAccess",
		"arn:aws:iam::aws:policy/AmazonS3FullAccess",
		"arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess",
		"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
	}
	for _, w := range want {
		if !slices.Contains(arns, w) {
			t.Errorf("AWS scope lacks %s", w)
		}
	}
	if len(arns) != len(awsPolicies()) || len(arns) < 1500 {
		t.Errorf("AWS scope has %d policies, the catalog %d", len(arns), len(awsPolicies()))
	}
	_, err = f.svc.CreatePolicyVersion(ctx, want[0], allowAll, true)
	if !awserr.Is(err, awserr.AccessDenied) {
		t.Errorf("changing an AWS managed policy: %v, want AccessDenied", err)
	}
	_, err = f.svc.CreatePolicy(ctx, "Local", "", allowAll, "")
	must(t, err)
	local, err := f.svc.ListPolicies(ctx, "Local")
	must(t, err)
	if len(local) != 1 || local[0].Name != "Local" {
		t.Errorf("Local scope = %+v", local)
	}
	everything, err := f.svc.ListPolicies(ctx, "")
	must(t, err)
	if len(everything) != len(arns)+1 {
		t.Errorf("All scope has %d policies, want %d", len(everything), len(arns)+1)
	}
}

func TestPermissionsBoundaries(t *testing.T) {
	f := newFixture(t, "")
	mkUser(t, f, "u")
	p, err := f.svc.CreatePolicy(ctx, "Boundary", "", allowAll, "")
	must(t, err)
	must(t, f.svc.PutUserPermissionsBoundary(ctx, "u", p.ARN))
	u, err := f.svc.GetUser(ctx, "u")
	must(t, err)
	if u.PermissionsBoundary != p.ARN {
		t.Fatalf("boundary = %q", u.PermissionsBoundary)
	}
	got, _ := f.svc.GetPolicy(ctx, p.ARN)
	if got.PermissionsBoundaryUsageCount != 1 {
		t.Errorf("usage count = %d, want 1", got.PermissionsBoundaryUsageCount)
	}
	wantErr(t, f.svc.DeletePolicy(ctx, p.ARN), awserr.DeleteConflict, "Cannot delete a policy attached to entities.")
	wantErr(t, f.svc.PutUserPermissionsBoundary(ctx, "u", "arn:aws:iam::"+acct+":policy/Nope"),
		awserr.NoSuchEntity, "Policy arn:aws:iam::"+acct+":policy/Nope does not exist or is not attachable.")
	must(t, f.svc.DeleteUserPermissionsBoundary(ctx, "u"))
	must(t, f.svc.DeletePolicy(ctx, p.ARN))

	_, err = f.svc.CreateRole(ctx, "r", "", trustLambda, "", 0, "arn:aws:iam::aws:policy/AmazonS3FullAccess")
	must(t, err)
	must(t, f.svc.PutRolePermissionsBoundary(ctx, "r", "arn:aws:iam::aws:policy/ReadOnlyAccess"))
	r, err := f.svc.GetRole(ctx, "r")
	must(t, err)
	if r.PermissionsBoundary != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Errorf("role boundary = %q", r.PermissionsBoundary)
	}
	must(t, f.svc.DeleteRolePermissionsBoundary(ctx, "r"))
}

func TestValidateTrustPolicyHook(t *testing.T) {
	f := newFixture(t, "")
	f.svc.validateTrust = func(doc string) error {
		if !strings.Contains(doc, "Principal") {
			return awserr.New(awserr.MalformedPolicyDocument, "Has prohibited field Resource")
		}
		return nil
	}
	_, err := f.svc.CreateRole(ctx, "r", "", allowAll, "", 0, "")
	wantErr(t, err, awserr.MalformedPolicyDocument, "Has prohibited field Resource")
	_, err = f.svc.CreateRole(ctx, "r", "", trustLambda, "", 0, "")
	wantErr(t, err, "", "")
	wantErr(t, f.svc.UpdateAssumeRolePolicy(ctx, "r", allowAll), awserr.MalformedPolicyDocument, "Has prohibited field Resource")
}

// TestCreateUserWithBoundary: CreateUser's PermissionsBoundary is written
// with the user, in one transaction: a boundary that is not attachable
// creates no user at all, never an unbounded one.
func TestCreateUserWithBoundary(t *testing.T) {
	f := newFixture(t, "")
	const nope = "arn:aws:iam::" + acct + ":policy/Nope"
	_, err := f.svc.CreateUser(ctx, "u", "/", nil, nope)
	wantErr(t, err, awserr.NoSuchEntity, "Policy "+nope+" does not exist or is not attachable.")
	if _, err := f.svc.GetUser(ctx, "u"); err == nil {
		t.Fatal("a user was created although its boundary was refused")
	}
	u, err := f.svc.CreateUser(ctx, "u", "/", nil, "arn:aws:iam::aws:policy/AmazonS3FullAccess")
	must(t, err)
	if u.PermissionsBoundary != "arn:aws:iam::aws:policy/AmazonS3FullAccess" {
		t.Errorf("CreateUser answered boundary %q", u.PermissionsBoundary)
	}
	got, err := f.svc.GetUser(ctx, "u")
	must(t, err)
	if got.PermissionsBoundary != u.PermissionsBoundary {
		t.Errorf("stored boundary %q", got.PermissionsBoundary)
	}
}
