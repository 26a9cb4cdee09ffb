package stack_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestDelegatedAdminCreatesBoundedUser: the delegated-administrator pattern
// ("Permissions boundaries for IAM entities", iam:PermissionsBoundary on
// iam:CreateUser) holds through CloudFormation as through the API. The
// stack creates the user as the caller, with its boundary from the first
// moment, so a condition requiring the boundary allows the bounded user
// and refuses the same user without it.
func TestDelegatedAdminCreatesBoundedUser(t *testing.T) {
	e := newEnv(t)
	const boundary = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	delegate := e.user(t, "delegate", "cloudformation:*")
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": boundary}},
	}}})
	if _, err := e.iam.PutUserPolicy(context.Background(), &iam.PutUserPolicyInput{UserName: aws.String("delegate"),
		PolicyName: aws.String("bounded-only"), PolicyDocument: aws.String(string(doc))}); err != nil {
		t.Fatal(err)
	}
	e.must(t, delegate, "cloudformation", "create-stack", "--stack-name", "bounded", "--capabilities", "CAPABILITY_NAMED_IAM",
		"--template-body", e.template(t, "bounded.yaml",
			"Resources:\n  U:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: intern\n      PermissionsBoundary: "+boundary+"\n"))
	if st := e.settle(t, "bounded"); st.StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("bounded user's stack: %+v", st)
	}
	u, err := e.iam.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("intern")})
	if err != nil {
		t.Fatal(err)
	}
	if u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != boundary {
		t.Errorf("intern's boundary = %+v, want %s", u.User.PermissionsBoundary, boundary)
	}

	e.must(t, delegate, "cloudformation", "create-stack", "--stack-name", "unbounded", "--capabilities", "CAPABILITY_NAMED_IAM",
		"--template-body", e.template(t, "unbounded.yaml", "Resources:\n  U:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: free\n"))
	if st := e.settle(t, "unbounded"); st.StackStatus != "ROLLBACK_COMPLETE" {
		t.Fatalf("unbounded user's stack: %+v", st)
	}
	if _, err := e.iam.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("free")}); err == nil {
		t.Error("the unbounded user was created")
	}
}
