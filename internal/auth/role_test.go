package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// TestRoleCaller: a service acting as a role (CloudFormation with a stack's
// service role) is authorized as a session of that role: the role's
// policies, limited by its permissions boundary, for the principal
// arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html
func TestRoleCaller(t *testing.T) {
	ctx := context.Background()
	svc := newIAM(t)
	a := NewService(svc, time.Now)
	bnd, err := svc.CreatePolicy(ctx, "no-users", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","s3:*"],"Resource":"*"},
		{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, "deployer", "/cfn/", trust, "", time.Hour, bnd.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.PutRolePolicy(ctx, "deployer", "iam", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","lambda:*"],"Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::000000000000:role/cfn/deployer"}}}]}`); err != nil {
		t.Fatal(err)
	}
	c, err := a.RoleCaller(ctx, role.ARN, "stack-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.ARN != "arn:aws:sts::000000000000:assumed-role/deployer/stack-1" || c.Type != "AssumedRole" || c.UserID != role.RoleID+":stack-1" {
		t.Fatalf("caller = %+v", c)
	}
	cases := []struct {
		action  string
		allowed bool
		because string
	}{
		{"iam:GetRole", true, ""},
		{"iam:CreateUser", false, " with an explicit deny in a permissions boundary"},
		{"lambda:CreateFunction", false, " because no permissions boundary allows the lambda:CreateFunction action"},
		{"s3:GetObject", false, " because no identity-based policy allows the s3:GetObject action"},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			d, err := a.Authorize(ctx, c, Request{Action: tc.action, Resource: "*"})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tc.allowed || d.Because != tc.because {
				t.Errorf("allowed=%v because=%q, want %v %q", d.Allowed, d.Because, tc.allowed, tc.because)
			}
			if !d.Allowed && d.Message != "User: "+c.ARN+" is not authorized to perform: "+tc.action+" on resource: *" {
				t.Errorf("message = %q", d.Message)
			}
		})
	}
	for _, bad := range []struct{ arn, session string }{
		{"arn:aws:iam::000000000000:role/cfn/missing", "s1"},
		{"arn:aws:iam::000000000000:role/deployer", "s1"}, // wrong path
		{role.ARN, "x"},   // session name too short
		{role.ARN, "a b"}, // not in [\w+=,.@-]
		{"not-an-arn-at-all-xx", "s1"},
	} {
		_, err := a.RoleCaller(ctx, bad.arn, bad.session)
		var ae *awserr.Error
		if !errors.As(err, &ae) || (ae.Code != awserr.NoSuchEntity && ae.Code != awserr.ValidationError) {
			t.Errorf("RoleCaller(%q, %q) = %v, want NoSuchEntity or ValidationError", bad.arn, bad.session, err)
		}
	}
}
