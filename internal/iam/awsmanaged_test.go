package iam

import (
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// AWS managed policies attach and evaluate with AWS's real documents
// (AWS Managed Policy Reference: AWSLambdaVPCAccessExecutionRole allows
// ec2:CreateNetworkInterface and the CloudWatch Logs writes, nothing else).
func TestAWSManagedPolicyAttachesRealDocument(t *testing.T) {
	f := newFixture(t, "")
	const vpc = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
	r, err := f.svc.CreateRole(ctx, "fn", "/", trustLambda, "", 0, "")
	must(t, err)
	must(t, f.svc.AttachRolePolicy(ctx, "fn", vpc))
	s, err := f.svc.CreateSession(ctx, r.ARN, "session", 0, "")
	must(t, err)
	p, err := f.svc.Principal(ctx, s.AccessKeyID)
	must(t, err)
	if len(p.Identity) != 1 || !strings.Contains(p.Identity[0].Document, "ec2:CreateNetworkInterface") {
		t.Fatalf("identity = %+v", p.Identity)
	}
	pol, err := iampolicy.Parse([]byte(p.Identity[0].Document), iampolicy.IdentityPolicy)
	must(t, err)
	set := iampolicy.Set{Identity: []iampolicy.Named{{Name: vpc, Policy: pol}}}
	who := iampolicy.Principal{ARN: p.ARN, AccountID: acct, Type: iampolicy.TypeAssumedRole}
	for action, want := range map[string]iampolicy.Effect{
		"ec2:CreateNetworkInterface": iampolicy.Allow,
		"logs:PutLogEvents":          iampolicy.Allow,
		"s3:GetObject":               iampolicy.ImplicitDeny,
	} {
		d := iampolicy.Evaluate(&iampolicy.Request{Principal: who, Action: action, Resource: "*"}, set)
		if d.Effect != want {
			t.Errorf("%s: %v, want %v", action, d.Effect, want)
		}
	}

	got, err := f.svc.GetPolicy(ctx, vpc)
	must(t, err)
	if !got.AWSManaged || !got.IsAttachable || got.Path != "/service-role/" || got.DefaultVersionID == "" || got.Created.IsZero() {
		t.Errorf("GetPolicy = %+v", got)
	}
	v, err := f.svc.GetPolicyVersion(ctx, vpc, got.DefaultVersionID)
	must(t, err)
	if !v.IsDefault || v.Document != p.Identity[0].Document {
		t.Errorf("GetPolicyVersion = %+v", v)
	}
	_, err = f.svc.GetPolicyVersion(ctx, vpc, "v999")
	wantErr(t, err, awserr.NoSuchEntity, "Policy "+vpc+" version v999 does not exist or is not attachable.")
}

// Unknown AWS managed ARNs fail as IAM does: NoSuchEntity, with the
// attach wording for attach and the lookup wording for GetPolicy.
func TestAWSManagedPolicyUnknown(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateRole(ctx, "fn", "/", trustLambda, "", 0, "")
	must(t, err)
	const x = "arn:aws:iam::aws:policy/X"
	wantErr(t, f.svc.AttachRolePolicy(ctx, "fn", x), awserr.NoSuchEntity, "Policy "+x+" does not exist or is not attachable.")
	_, err = f.svc.GetPolicy(ctx, x)
	wantErr(t, err, awserr.NoSuchEntity, "Policy "+x+" was not found.")
	// The right name under the wrong path is another policy.
	const wrongPath = "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"
	wantErr(t, f.svc.AttachRolePolicy(ctx, "fn", wrongPath), awserr.NoSuchEntity, "Policy "+wrongPath+" does not exist or is not attachable.")
}

// Inline policies without Version are accepted (2008-10-17 language);
// managed ones are refused, as IAM does.
func TestVersionlessPolicies(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateRole(ctx, "fn", "/", trustLambda, "", 0, "")
	must(t, err)
	const noVersion = `{"Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`
	must(t, f.svc.PutRolePolicy(ctx, "fn", "inline", noVersion))
	_, err = f.svc.CreatePolicy(ctx, "managed", "", noVersion, "")
	wantErr(t, err, awserr.MalformedPolicyDocument, "Policy document must be version 2012-10-17 or greater.")
	_, err = f.svc.CreatePolicy(ctx, "old", "", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`, "")
	wantErr(t, err, awserr.MalformedPolicyDocument, "Policy document must be version 2012-10-17 or greater.")
}

// AWS managed policies count their attachments and boundary uses in the
// account, as IAM's GetPolicy and ListPolicies --only-attached report them.
func TestAWSManagedPolicyUsage(t *testing.T) {
	f := newFixture(t, "")
	const basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	const ro = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	_, err := f.svc.CreateRole(ctx, "a", "/", trustLambda, "", 0, "")
	must(t, err)
	_, err = f.svc.CreateRole(ctx, "b", "/", trustLambda, "", 0, ro)
	must(t, err)
	must(t, f.svc.AttachRolePolicy(ctx, "a", basic))
	must(t, f.svc.AttachRolePolicy(ctx, "b", basic))
	p, err := f.svc.GetPolicy(ctx, basic)
	must(t, err)
	if p.AttachmentCount != 2 || p.PermissionsBoundaryUsageCount != 0 {
		t.Errorf("basic: %d attachments, %d boundary uses; want 2, 0", p.AttachmentCount, p.PermissionsBoundaryUsageCount)
	}
	all, err := f.svc.ListPolicies(ctx, "AWS")
	must(t, err)
	used := map[string][2]int{}
	for _, p := range all {
		if p.AttachmentCount > 0 || p.PermissionsBoundaryUsageCount > 0 {
			used[p.ARN] = [2]int{p.AttachmentCount, p.PermissionsBoundaryUsageCount}
		}
	}
	if len(used) != 2 || used[basic] != [2]int{2, 0} || used[ro] != [2]int{0, 1} {
		t.Errorf("used = %v", used)
	}
	must(t, f.svc.DetachRolePolicy(ctx, "a", basic))
	must(t, f.svc.DetachRolePolicy(ctx, "b", basic))
	if p, _ := f.svc.GetPolicy(ctx, basic); p.AttachmentCount != 0 {
		t.Errorf("after detaching: %d attachments", p.AttachmentCount)
	}
}
