package controlplane_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

// The AWS SDK for Go v2 and the aws CLI v1 parse one representative
// operation of each IAM family.

func TestSDKIAMFamilies(t *testing.T) {
	cfg, _ := sdkConfig(t, rootKey)
	ctx := context.Background()
	c := iam.NewFromConfig(cfg)
	t.Run("groups", func(t *testing.T) {
		if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("api-gateway-user")}); err != nil {
			t.Fatal(err)
		}
		out, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("devs")})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{aws.ToString(out.Group.Arn), aws.ToString(out.Users[0].UserName), out.Group.CreateDate.UTC().Format("2006-01-02T15:04:05Z")}
		if d := cmp.Diff([]string{arnPrefix + "group/devs", "api-gateway-user", "2026-11-25T12:00:00Z"}, got); d != "" {
			t.Error(d)
		}
	})
	t.Run("inline policy", func(t *testing.T) {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("api-gateway-user"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(allowInvoke)}); err != nil {
			t.Fatal(err)
		}
		out, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("api-gateway-user"), PolicyName: aws.String("p")})
		if err != nil {
			t.Fatal(err)
		}
		// The SDKs hand the document over still URL-encoded, as IAM sends it.
		doc, _ := url.QueryUnescape(aws.ToString(out.PolicyDocument))
		if doc != allowInvoke {
			t.Errorf("document %q", aws.ToString(out.PolicyDocument))
		}
	})
	t.Run("managed policy", func(t *testing.T) {
		p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("mp"), PolicyDocument: aws.String(allowInvoke)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: p.Policy.Arn}); err != nil {
			t.Fatal(err)
		}
		out, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("deployer")})
		if err != nil || len(out.AttachedPolicies) != 1 || aws.ToString(out.AttachedPolicies[0].PolicyArn) != arnPrefix+"policy/mp" {
			t.Fatalf("%+v %v", out, err)
		}
		vs, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: p.Policy.Arn})
		if err != nil || len(vs.Versions) != 1 || !vs.Versions[0].IsDefaultVersion {
			t.Fatalf("%+v %v", vs, err)
		}
	})
	t.Run("roles and tags", func(t *testing.T) {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fn"), AssumeRolePolicyDocument: aws.String(trustDoc),
			PermissionsBoundary: aws.String(adminARN), Tags: []iamtypes.Tag{{Key: aws.String("app"), Value: aws.String("hello")}}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("fn")})
		if err != nil || r.Role.PermissionsBoundary == nil || aws.ToString(r.Role.PermissionsBoundary.PermissionsBoundaryArn) != adminARN {
			t.Fatalf("%+v %v", r, err)
		}
		tags, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("fn")})
		if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "hello" {
			t.Fatalf("%+v %v", tags, err)
		}
	})
	// CreateUser's PermissionsBoundary is the new user's boundary
	// (API_CreateUser.html: "The ARN of the managed policy that is used to
	// set the permissions boundary for the user"). iamgate dropped it: the
	// user was created unbounded, with whatever its policies allow.
	t.Run("user created with a boundary", func(t *testing.T) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded"), PermissionsBoundary: aws.String(adminARN)})
		if err != nil {
			t.Fatal(err)
		}
		u, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bounded")})
		if err != nil || u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != adminARN {
			t.Fatalf("%+v %v", u, err)
		}
		// A boundary that is not an ARN is refused, and no user is left.
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded2"), PermissionsBoundary: aws.String("AdministratorAccess")})
		if err == nil {
			t.Fatal("a boundary that is not an ARN was accepted")
		}
		if _, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bounded2")}); err == nil {
			t.Error("the refused CreateUser left its user")
		}
	})
	t.Run("simulate", func(t *testing.T) {
		out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{dynamoAfter},
			ActionNames: []string{"dynamodb:CreateBackup"},
			ContextEntries: []iamtypes.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"),
				ContextKeyValues: []string{"2019-04-25T11:00:00Z"}, ContextKeyType: iamtypes.ContextKeyTypeEnumDate}}})
		if err != nil {
			t.Fatal(err)
		}
		r := out.EvaluationResults[0]
		m := r.MatchedStatements[0]
		got := []any{r.EvalDecision, aws.ToString(m.SourcePolicyId), m.StartPosition.Column, m.EndPosition.Column}
		if d := cmp.Diff([]any{iamtypes.PolicyEvaluationDecisionTypeAllowed, "PolicyInputList.1", int32(38), int32(167)}, got); d != "" {
			t.Error(d)
		}
	})
}

func TestCLIIAMFamilies(t *testing.T) {
	t.Parallel()
	bin := testutil.NeedCommand(t, "aws")
	e := newClientEnv(t)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close) // after the parallel chains
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "p.json")
	if err := os.WriteFile(policyFile, []byte(allowInvoke), 0o600); err != nil {
		t.Fatal(err)
	}
	// A list parameter read from a file must be a JSON list: the CLI splits a
	// bare document into one-character members (botocore's list handling),
	// against AWS as against iamgate.
	inputs, _ := json.Marshal([]string{allowInvoke})
	inputFile := filepath.Join(dir, "inputs.json")
	if err := os.WriteFile(inputFile, inputs, 0o600); err != nil {
		t.Fatal(err)
	}
	invoke := "arn:aws:execute-api:us-east-1:000000000000:abc123/v1/GET/hello"
	// Cases of one chain run in order; chains share nothing and run side by
	// side (an aws CLI start-up takes seconds).
	tests := []struct {
		chain string
		name  string
		args  []string
		want  map[string]string // JSON path → value; nil: only success
	}{
		{"groups", "create-group", []string{"iam", "create-group", "--group-name", "devs"}, map[string]string{"Group.Arn": arnPrefix + "group/devs"}},
		{"groups", "add-user-to-group", []string{"iam", "add-user-to-group", "--group-name", "devs", "--user-name", "api-gateway-user"}, nil},
		{"groups", "list-groups-for-user", []string{"iam", "list-groups-for-user", "--user-name", "api-gateway-user"}, map[string]string{"Groups.0.GroupName": "devs"}},
		{"user", "put-user-policy", []string{"iam", "put-user-policy", "--user-name", "api-gateway-user", "--policy-name", "invoke", "--policy-document", "file://" + policyFile}, nil},
		{"user", "get-user-policy decodes", []string{"iam", "get-user-policy", "--user-name", "api-gateway-user", "--policy-name", "invoke"},
			map[string]string{"PolicyDocument.Statement.0.Action": "execute-api:Invoke"}},
		{"managed", "create-policy", []string{"iam", "create-policy", "--policy-name", "mp", "--policy-document", "file://" + policyFile},
			map[string]string{"Policy.Arn": arnPrefix + "policy/mp", "Policy.DefaultVersionId": "v1"}},
		{"managed", "get-policy-version decodes", []string{"iam", "get-policy-version", "--policy-arn", arnPrefix + "policy/mp", "--version-id", "v1"},
			map[string]string{"PolicyVersion.Document.Statement.0.Effect": "Allow"}},
		{"managed", "create-policy second", []string{"iam", "create-policy", "--policy-name", "mp2", "--policy-document", "file://" + policyFile},
			map[string]string{"Policy.Arn": arnPrefix + "policy/mp2"}},
		// Local: the AWS managed policies are over a thousand pages of one.
		{"managed", "list-policies paginates", []string{"iam", "list-policies", "--scope", "Local", "--page-size", "1"},
			map[string]string{"Policies.0.PolicyName": "mp", "Policies.1.PolicyName": "mp2", "Policies.2.PolicyName": "<missing>"}},
		{"custom", "simulate-custom-policy inline", []string{"iam", "simulate-custom-policy", "--policy-input-list", dynamoAfter,
			"--action-names", "dynamodb:CreateBackup", "--context-entries",
			"ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',ContextKeyType=date"},
			map[string]string{"EvaluationResults.0.EvalDecision": "allowed", "EvaluationResults.0.MatchedStatements.0.StartPosition.Column": "38",
				"EvaluationResults.0.MatchedStatements.0.EndPosition.Column": "167", "EvaluationResults.0.EvalResourceName": "*"}},
		{"role", "create-role", []string{"iam", "create-role", "--role-name", "fn", "--assume-role-policy-document", trustDoc, "--tags", "Key=app,Value=hello"},
			map[string]string{"Role.Arn": arnPrefix + "role/fn", "Role.Tags.0.Key": "app"}},
		{"user", "put-user-permissions-boundary", []string{"iam", "put-user-permissions-boundary", "--user-name", "api-gateway-user", "--permissions-boundary", adminARN}, nil},
		{"user", "tag-user", []string{"iam", "tag-user", "--user-name", "api-gateway-user", "--tags", "Key=team,Value=blue"}, nil},
		{"user", "list-user-tags", []string{"iam", "list-user-tags", "--user-name", "api-gateway-user"}, map[string]string{"Tags.0.Value": "blue"}},
		{"custom", "simulate-custom-policy", []string{"iam", "simulate-custom-policy", "--policy-input-list", "file://" + inputFile,
			"--action-names", "execute-api:Invoke", "--resource-arns", invoke},
			map[string]string{"EvaluationResults.0.EvalDecision": "allowed", "EvaluationResults.0.EvalResourceName": invoke,
				"EvaluationResults.0.MatchedStatements.0.SourcePolicyId":             "PolicyInputList.1",
				"EvaluationResults.0.ResourceSpecificResults.0.EvalResourceDecision": "allowed"}},
		{"user", "simulate-principal-policy", []string{"iam", "simulate-principal-policy", "--policy-source-arn", apiUserARN,
			"--action-names", "execute-api:Invoke", "s3:GetObject", "--resource-arns", invoke},
			map[string]string{"EvaluationResults.0.EvalDecision": "allowed",
				"EvaluationResults.0.MatchedStatements.0.SourcePolicyId":                             "invoke",
				"EvaluationResults.0.MatchedStatements.0.SourcePolicyType":                           "user",
				"EvaluationResults.0.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary": "true",
				"EvaluationResults.1.EvalDecision":                                                   "implicitDeny"}},
	}
	var order []string
	byChain := map[string][]int{}
	for i, tt := range tests {
		if byChain[tt.chain] == nil {
			order = append(order, tt.chain)
		}
		byChain[tt.chain] = append(byChain[tt.chain], i)
	}
	for _, chain := range order {
		t.Run(chain, func(t *testing.T) {
			t.Parallel()
			for _, i := range byChain[chain] {
				tt := tests[i]
				t.Run(tt.name, func(t *testing.T) {
					stdout, stderr, ok := e.runCLI(t, bin, srv.URL, rootKey, tt.args...)
					if !ok {
						t.Fatalf("aws failed: %s", stderr)
					}
					if tt.want != nil {
						checkJSONPaths(t, stdout, tt.want)
					}
				})
			}
		})
	}
}
