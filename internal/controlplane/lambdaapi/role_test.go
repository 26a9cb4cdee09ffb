package lambdaapi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIExecutionRole: CreateFunction with a role needs iam:PassRole on it
// and a trust policy that lets lambda.amazonaws.com assume it, else a
// caller allowed lambda:CreateFunction would run code with any role's
// credentials; code from S3 is read with the caller's permissions.
func TestCLIExecutionRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	zipPath := filepath.Join(e.Home, "code.zip")
	if err := os.WriteFile(zipPath, zipOf(t, "app.py", "def h(e, c): return 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.objects["code-bucket/app.zip"] = zipOf(t, "app.py", "def h(e, c): return 1\n")
	admin := e.role(t, "admin", "lambda.amazonaws.com")
	ec2 := e.role(t, "ec2-only", "ec2.amazonaws.com")
	allow := func(actions string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"*"}]}`
	}
	const user = "arn:aws:iam::" + acct + ":user/api-gateway-user"
	create := func(name, role string, code ...string) []string {
		args := []string{"lambda", "create-function", "--function-name", name, "--runtime", "python3.12", "--handler", "app.h", "--role", role}
		if len(code) == 0 {
			return append(args, "--zip-file", "fileb://"+zipPath)
		}
		return append(args, "--code", code[0])
	}
	steps := []struct {
		name   string
		policy string // the user's whole inline policy for this step
		args   []string
		want   string // stderr; "" = success
	}{
		{"create-function only: the role may not be passed", allow(`"lambda:CreateFunction"`), create("f1", admin),
			"An error occurred (AccessDeniedException) when calling the CreateFunction operation: User: " + user +
				" is not authorized to perform: iam:PassRole on resource: " + admin + " because no identity-based policy allows the iam:PassRole action"},
		{"PassRole for another service only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"},` +
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}`,
			create("f2", admin),
			"An error occurred (AccessDeniedException) when calling the CreateFunction operation: User: " + user +
				" is not authorized to perform: iam:PassRole on resource: " + admin + " because no identity-based policy allows the iam:PassRole action"},
		{"a role Lambda may not assume", allow(`["lambda:CreateFunction","iam:PassRole"]`), create("f3", ec2),
			"An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda."},
		{"a role that does not exist", allow(`["lambda:CreateFunction","iam:PassRole"]`), create("f4", "arn:aws:iam::"+acct+":role/none"),
			"An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda."},
		{"not a role ARN", allow(`["lambda:CreateFunction","iam:PassRole"]`), create("f5", "arn:aws:iam::"+acct+":user/x"),
			"An error occurred (ValidationException) when calling the CreateFunction operation: 1 validation error detected: Value 'arn:aws:iam::" + acct +
				":user/x' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"},
		{"code the caller may not read", allow(`["lambda:CreateFunction","iam:PassRole"]`), create("f6", admin, "S3Bucket=code-bucket,S3Key=app.zip"),
			"An error occurred (AccessDeniedException) when calling the CreateFunction operation: Your access has been denied by S3, please make sure your request credentials have permission to GetObject for code-bucket/app.zip. S3 Error Code: AccessDenied. S3 Error Message: Access Denied"},
		{"allowed: pass the role, read the code", allow(`["lambda:CreateFunction","iam:PassRole","s3:GetObject"]`), create("f7", admin, "S3Bucket=code-bucket,S3Key=app.zip"), ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := e.IAM.PutUserPolicy(ctx, "api-gateway-user", "p", s.policy); err != nil {
				t.Fatal(err)
			}
			_, stderr, err := e.AWS(t, e.User, s.args...)
			stderr = strings.TrimSpace(stderr)
			if s.want == "" {
				if err != nil {
					t.Fatalf("create failed: %s", stderr)
				}
				return
			}
			if err == nil || stderr != s.want {
				t.Errorf("err %v\n got %s\nwant %s", err, stderr, s.want)
			}
			if _, err := e.fns.Get(ctx, s.args[3]); err == nil {
				t.Errorf("function %s was created", s.args[3])
			}
		})
	}
}
