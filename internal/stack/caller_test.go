package stack_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/iamgate/iamgate/internal/server"
	"github.com/iamgate/iamgate/internal/testutil"
)

// The confused-deputy attacks on CloudFormation, driven with the real aws
// CLI against a whole server: a user allowed only cloudformation:* must gain
// nothing through a stack, because CloudFormation makes every resource call
// with the caller's own permissions, or with a service role the caller may
// pass (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html).

const acct = "000000000000"

type key struct{ id, secret string }

type env struct {
	bin  string
	url  string
	dir  string
	data string // the server's data dir
	root key
	// The root's SDK clients, for setup and checks that are not under test:
	// the server's services are reached over its API, as any client does.
	iam    *iam.Client
	lambda *lambda.Client
	apigw  *apigateway.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	bin := testutil.NeedCommand(t, "aws")
	data := t.TempDir()
	s, err := server.New(context.Background(), server.Config{DataDir: data, AccountID: acct, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	id, secret := s.RootKey()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1}
	return &env{bin: bin, url: srv.URL, dir: t.TempDir(), data: data, root: key{id, secret},
		iam: iam.NewFromConfig(cfg), lambda: lambda.NewFromConfig(cfg), apigw: apigateway.NewFromConfig(cfg)}
}

// aws runs the CLI with k's credentials and nothing from the machine's
// configuration.
func (e *env) aws(t *testing.T, k key, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.bin, append(args, "--endpoint-url", e.url, "--output", "json")...)
	cmd.Dir = e.dir
	cmd.Env = []string{"HOME=" + e.dir, "PATH=" + os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=" + k.id,
		"AWS_SECRET_ACCESS_KEY=" + k.secret, "AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + e.dir + "/none", "AWS_SHARED_CREDENTIALS_FILE=" + e.dir + "/none", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1"}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), strings.TrimSpace(errb.String()), err
}

func (e *env) must(t *testing.T, k key, args ...string) string {
	t.Helper()
	out, errOut, err := e.aws(t, k, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// user creates an IAM user (in process: the setup is not under test) with
// an inline policy allowing actions, and returns its key.
func (e *env) user(t *testing.T, name string, actions ...string) key {
	t.Helper()
	ctx := context.Background()
	if _, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if len(actions) > 0 {
		if _, err := e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("allowed"),
			PolicyDocument: aws.String(allowDoc(actions))}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return key{aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)}
}

func allowDoc(actions []string) string {
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17",
		"Statement": []any{map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}})
	return string(doc)
}

// role creates a role trusting service with an inline policy allowing actions.
func (e *env) role(t *testing.T, name, service string, actions ...string) string {
	t.Helper()
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
	r, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("allowed"),
		PolicyDocument: aws.String(allowDoc(actions))}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(r.Role.Arn)
}

func (e *env) template(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return "file://" + p
}

type stackState struct {
	StackStatus, StackStatusReason, RoleARN string
}

// settle polls the stack until it leaves every *_IN_PROGRESS status.
func (e *env) settle(t *testing.T, name string) stackState {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var out struct{ Stacks []stackState }
		if err := json.Unmarshal([]byte(e.must(t, e.root, "cloudformation", "describe-stacks", "--stack-name", name)), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Stacks) == 1 && !strings.HasSuffix(out.Stacks[0].StackStatus, "_IN_PROGRESS") {
			return out.Stacks[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack %s still %+v", name, out.Stacks)
		}
	}
}

type event struct {
	LogicalResourceId, ResourceStatus, ResourceStatusReason string
}

// failure is the reason of the resource's *_FAILED event.
func (e *env) failure(t *testing.T, stackName, logical string) string {
	t.Helper()
	var out struct{ StackEvents []event }
	if err := json.Unmarshal([]byte(e.must(t, e.root, "cloudformation", "describe-stack-events", "--stack-name", stackName)), &out); err != nil {
		t.Fatal(err)
	}
	for _, ev := range out.StackEvents {
		if ev.LogicalResourceId == logical && strings.HasSuffix(ev.ResourceStatus, "_FAILED") {
			return ev.ResourceStatusReason
		}
	}
	t.Fatalf("no failure event for %s: %+v", logical, out.StackEvents)
	return ""
}

// handlerDenial matches CloudFormation's resource handler message for an
// AccessDenied (https://github.com/aws/aws-cdk/issues/27067).
func handlerDenial(msg, service string, status string) *regexp.Regexp {
	return handlerFailure(msg, service, status, "AccessDenied")
}

// handlerFailure matches the handler message of any service error
// ("Resource handler returned message: \"The role defined for the function
// cannot be assumed by Lambda. (Service: Lambda, Status Code: 400, ...)\"").
func handlerFailure(msg, service, status, code string) *regexp.Regexp {
	const id = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	return regexp.MustCompile(`^Resource handler returned message: "` + regexp.QuoteMeta(msg) +
		` \(Service: ` + service + `, Status Code: ` + status + `, Request ID: ` + id + `\)" \(RequestToken: ` + id + `, HandlerErrorCode: ` + code + `\)$`)
}

const (
	selfAdminTemplate = `Resources:
  Escalate:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: pwned
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
      Users: [mallory]
`
	victimKeyTemplate = `Resources:
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: victim
Outputs:
  Secret:
    Value: !GetAtt Key.SecretAccessKey
`
	adminFunctionTemplate = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: stolen
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/lambda-admin
      Code:
        ZipFile: "def handler(e, c):\n    return 1\n"
`
	victimStackTemplate = `Resources:
  Owner:
    Type: AWS::IAM::User
    Properties:
      UserName: stack-owner-user
`
	victimUpdateTemplate = `Resources:
  Owner:
    Type: AWS::IAM::User
    Properties:
      UserName: stack-owner-user
  Escalate:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: pwned
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
      Users: [mallory]
`
)

func TestCloudFormationActsAsCaller(t *testing.T) {
	e := newEnv(t)
	mallory := e.user(t, "mallory", "cloudformation:*")
	// deployer may also create functions, but not pass roles.
	deployer := e.user(t, "deployer", "cloudformation:*", "lambda:*")
	e.user(t, "victim")
	e.role(t, "lambda-admin", "lambda.amazonaws.com", "*")
	e.role(t, "ec2-only", "ec2.amazonaws.com", "*")
	// codeless may deploy functions and pass roles, but not read S3.
	codeless := e.user(t, "codeless", "cloudformation:*", "lambda:*", "iam:PassRole")
	cfnAdmin := e.role(t, "cfn-admin", "cloudformation.amazonaws.com", "*")
	cfnLogsOnly := e.role(t, "cfn-logs-only", "cloudformation.amazonaws.com", "logs:*")
	e.must(t, e.root, "cloudformation", "create-stack", "--stack-name", "owned", "--capabilities", "CAPABILITY_NAMED_IAM",
		"--template-body", e.template(t, "owned.yaml", victimStackTemplate))
	if st := e.settle(t, "owned"); st.StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("root's stack: %+v", st)
	}
	e.must(t, e.root, "cloudformation", "create-stack", "--stack-name", "with-role", "--role-arn", cfnAdmin,
		"--template-body", e.template(t, "logs.yaml", "Resources:\n  G:\n    Type: AWS::Logs::LogGroup\n"))
	if st := e.settle(t, "with-role"); st.StackStatus != "CREATE_COMPLETE" || st.RoleARN != cfnAdmin {
		t.Fatalf("root's stack with a service role: %+v", st)
	}

	// noPrivilege checks that mallory still may not read IAM and holds only
	// the policy root gave her.
	noPrivilege := func(t *testing.T) {
		t.Helper()
		if _, stderr, err := e.aws(t, mallory, "iam", "list-users"); err == nil || !strings.Contains(stderr, "(AccessDenied)") {
			t.Errorf("mallory lists users: %v %s", err, stderr)
		}
		out, err := e.iam.ListUserPolicies(context.Background(), &iam.ListUserPoliciesInput{UserName: aws.String("mallory")})
		if err != nil || len(out.PolicyNames) != 1 || out.PolicyNames[0] != "allowed" {
			t.Errorf("mallory's policies: %v %v", out, err)
		}
	}

	type attack struct {
		name, template, logical string
		who                     key
		whoARN, caps            string
		want                    *regexp.Regexp
		after                   func(t *testing.T)
	}
	created := []attack{
		{"policy granting the caller *", selfAdminTemplate, "Escalate", mallory, "mallory", "CAPABILITY_IAM",
			handlerDenial("User: arn:aws:iam::000000000000:user/mallory is not authorized to perform: iam:PutUserPolicy on resource: user mallory because no identity-based policy allows the iam:PutUserPolicy action", "Iam", "403"),
			noPrivilege},
		{"access key for another user", victimKeyTemplate, "Key", mallory, "mallory", "CAPABILITY_IAM",
			handlerDenial("User: arn:aws:iam::000000000000:user/mallory is not authorized to perform: iam:CreateAccessKey on resource: user victim because no identity-based policy allows the iam:CreateAccessKey action", "Iam", "403"),
			func(t *testing.T) {
				out, err := e.iam.ListAccessKeys(context.Background(), &iam.ListAccessKeysInput{UserName: aws.String("victim")})
				if err != nil || len(out.AccessKeyMetadata) != 1 {
					t.Errorf("victim's keys: %v %v", out, err)
				}
			}},
		{"function without lambda permissions", adminFunctionTemplate, "Fn", mallory, "mallory", "",
			handlerDenial("User: arn:aws:iam::000000000000:user/mallory is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:stolen because no identity-based policy allows the lambda:CreateFunction action", "Lambda", "403"),
			nil},
		{"function with a role it may not pass", adminFunctionTemplate, "Fn", deployer, "deployer", "",
			handlerDenial("User: arn:aws:iam::000000000000:user/deployer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::000000000000:role/lambda-admin because no identity-based policy allows the iam:PassRole action", "Lambda", "403"),
			func(t *testing.T) {
				if _, err := e.lambda.GetFunction(context.Background(), &lambda.GetFunctionInput{FunctionName: aws.String("stolen")}); err == nil {
					t.Error("the function was created")
				}
			}},
	}
	created = append(created, attack{"API key without API Gateway permissions", "Resources:\n  Key:\n    Type: AWS::ApiGateway::ApiKey\n    Properties: {Enabled: true}\n",
		"Key", mallory, "mallory", "",
		handlerDenial("User: arn:aws:iam::000000000000:user/mallory is not authorized to perform: apigateway:POST on resource: arn:aws:apigateway:us-east-1::/apikeys because no identity-based policy allows the apigateway:POST action", "ApiGateway", "403"),
		func(t *testing.T) {
			out, err := e.apigw.GetApiKeys(context.Background(), &apigateway.GetApiKeysInput{})
			if err != nil || len(out.Items) != 0 {
				t.Errorf("keys were created: %+v %v", out, err)
			}
		}})
	created = append(created, attack{"function with a role Lambda may not assume", strings.ReplaceAll(adminFunctionTemplate, "lambda-admin", "ec2-only"), "Fn", e.root, "root", "",
		handlerFailure("The role defined for the function cannot be assumed by Lambda.", "Lambda", "400", "InvalidRequest"), nil},
		attack{"function code the caller may not read", strings.Replace(adminFunctionTemplate, "ZipFile: \"def handler(e, c):\\n    return 1\\n\"", "{S3Bucket: code-bucket, S3Key: app.zip}", 1), "Fn", codeless, "codeless", "",
			handlerFailure("Your access has been denied by S3, please make sure your request credentials have permission to GetObject for code-bucket/app.zip. S3 Error Code: AccessDenied. S3 Error Message: Access Denied", "Lambda", "403", "AccessDenied"), nil})
	for i, c := range created {
		t.Run(c.name, func(t *testing.T) {
			name := "attack" + string(rune('a'+i))
			args := []string{"cloudformation", "create-stack", "--stack-name", name, "--template-body", e.template(t, name+".yaml", c.template)}
			if c.caps != "" {
				args = append(args, "--capabilities", c.caps)
			}
			e.must(t, c.who, args...)
			st := e.settle(t, name)
			if want := "The following resource(s) failed to create: [" + c.logical + "]. Rollback requested by user."; st.StackStatus != "ROLLBACK_COMPLETE" || st.StackStatusReason != want {
				t.Errorf("stack %+v", st)
			}
			if got := e.failure(t, name, c.logical); !c.want.MatchString(got) {
				t.Errorf("reason\n got %s\nwant %s", got, c.want)
			}
			if c.after != nil {
				c.after(t)
			}
		})
	}

	t.Run("update of another's stack", func(t *testing.T) {
		e.must(t, mallory, "cloudformation", "update-stack", "--stack-name", "owned", "--capabilities", "CAPABILITY_NAMED_IAM",
			"--template-body", e.template(t, "update.yaml", victimUpdateTemplate))
		if st := e.settle(t, "owned"); st.StackStatus != "UPDATE_ROLLBACK_COMPLETE" {
			t.Errorf("stack %+v", st)
		}
		want := handlerDenial("User: arn:aws:iam::000000000000:user/mallory is not authorized to perform: iam:PutUserPolicy on resource: user mallory because no identity-based policy allows the iam:PutUserPolicy action", "Iam", "403")
		if got := e.failure(t, "owned", "Escalate"); !want.MatchString(got) {
			t.Errorf("reason %s", got)
		}
		noPrivilege(t)
	})
	t.Run("delete of another's stack", func(t *testing.T) {
		e.must(t, mallory, "cloudformation", "delete-stack", "--stack-name", "owned")
		if st := e.settle(t, "owned"); st.StackStatus != "DELETE_FAILED" || st.StackStatusReason != "The following resource(s) failed to delete: [Owner]. " {
			t.Errorf("stack %+v", st)
		}
		want := handlerDenial("User: arn:aws:iam::000000000000:user/mallory is not authorized to perform: iam:DeleteUser on resource: user stack-owner-user because no identity-based policy allows the iam:DeleteUser action", "Iam", "403")
		if got := e.failure(t, "owned", "Owner"); !want.MatchString(got) {
			t.Errorf("reason %s", got)
		}
		if _, err := e.iam.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("stack-owner-user")}); err != nil {
			t.Errorf("the stack's user is gone: %v", err)
		}
	})

	passRoleDenied := func(who, role, op string) string {
		return "An error occurred (AccessDenied) when calling the " + op + " operation: User: arn:aws:iam::000000000000:user/" + who +
			" is not authorized to perform: iam:PassRole on resource: " + role + " because no identity-based policy allows the iam:PassRole action"
	}
	refused := []struct {
		name string
		who  key
		args []string
		want string
	}{
		{"create with a service role the caller may not pass", mallory,
			[]string{"cloudformation", "create-stack", "--stack-name", "via-role", "--role-arn", cfnAdmin, "--capabilities", "CAPABILITY_IAM",
				"--template-body", e.template(t, "via-role.yaml", selfAdminTemplate)},
			passRoleDenied("mallory", cfnAdmin, "CreateStack")},
		{"change set with a service role the caller may not pass", mallory,
			[]string{"cloudformation", "create-change-set", "--stack-name", "via-role", "--change-set-name", "c", "--change-set-type", "CREATE",
				"--role-arn", cfnAdmin, "--capabilities", "CAPABILITY_IAM", "--template-body", e.template(t, "via-role-cs.yaml", selfAdminTemplate)},
			passRoleDenied("mallory", cfnAdmin, "CreateChangeSet")},
		{"update a stack whose kept service role the caller may not pass", mallory,
			[]string{"cloudformation", "update-stack", "--stack-name", "with-role", "--capabilities", "CAPABILITY_IAM",
				"--template-body", e.template(t, "with-role-update.yaml", selfAdminTemplate)},
			passRoleDenied("mallory", cfnAdmin, "UpdateStack")},
		{"delete with a service role the caller may not pass", mallory,
			[]string{"cloudformation", "delete-stack", "--stack-name", "owned", "--role-arn", cfnAdmin},
			passRoleDenied("mallory", cfnAdmin, "DeleteStack")},
		{"delete a stack whose kept service role the caller may not pass", mallory,
			[]string{"cloudformation", "delete-stack", "--stack-name", "with-role"},
			passRoleDenied("mallory", cfnAdmin, "DeleteStack")},
		{"service role CloudFormation may not assume", e.root,
			[]string{"cloudformation", "create-stack", "--stack-name", "lambda-role", "--role-arn", "arn:aws:iam::000000000000:role/lambda-admin",
				"--template-body", e.template(t, "lambda-role.yaml", victimStackTemplate)},
			"An error occurred (ValidationError) when calling the CreateStack operation: Role arn:aws:iam::000000000000:role/lambda-admin is invalid or cannot be assumed"},
		{"service role that does not exist", e.root,
			[]string{"cloudformation", "create-stack", "--stack-name", "no-role", "--role-arn", "arn:aws:iam::000000000000:role/nope",
				"--template-body", e.template(t, "no-role.yaml", victimStackTemplate)},
			"An error occurred (ValidationError) when calling the CreateStack operation: Role arn:aws:iam::000000000000:role/nope is invalid or cannot be assumed"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, err := e.aws(t, c.who, c.args...)
			if err == nil || stderr != c.want {
				t.Errorf("err %v\n got %s\nwant %s", err, stderr, c.want)
			}
		})
	}
	t.Run("refused operations left the stacks alone", func(t *testing.T) {
		if _, stderr, err := e.aws(t, e.root, "cloudformation", "describe-stacks", "--stack-name", "via-role"); err == nil || !strings.Contains(stderr, "Stack with id via-role does not exist") {
			t.Errorf("via-role: %v %s", err, stderr)
		}
		if st := e.settle(t, "with-role"); st.StackStatus != "CREATE_COMPLETE" {
			t.Errorf("with-role %+v", st)
		}
		noPrivilege(t)
	})

	t.Run("a service role's calls are the role's", func(t *testing.T) {
		e.must(t, e.root, "cloudformation", "create-stack", "--stack-name", "limited", "--role-arn", cfnLogsOnly, "--capabilities", "CAPABILITY_NAMED_IAM",
			"--template-body", e.template(t, "limited.yaml", "Resources:\n  U:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: by-role\n"))
		if st := e.settle(t, "limited"); st.StackStatus != "ROLLBACK_COMPLETE" {
			t.Errorf("stack %+v", st)
		}
		want := handlerDenial("User: arn:aws:sts::000000000000:assumed-role/cfn-logs-only/AWSCloudFormation is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/by-role because no identity-based policy allows the iam:CreateUser action", "Iam", "403")
		if got := e.failure(t, "limited", "U"); !want.MatchString(got) {
			t.Errorf("reason %s", got)
		}
	})
}
