package controlplane_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// The AWS SDK for Go v2 signs and parses: what the handler writes is what
// the SDK decodes.

func sdkConfig(t *testing.T, alias string) (aws.Config, *testEnv) {
	t.Helper()
	e := newClientEnv(t)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	k := e.keys[alias]
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(k.ID, k.Secret, k.Token),
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
	}, e
}

func TestSDKIAM(t *testing.T) {
	cfg, e := sdkConfig(t, rootKey)
	ctx := context.Background()
	c := iam.NewFromConfig(cfg)

	t.Run("CreateUser", func(t *testing.T) {
		out, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/team/"),
			Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{aws.ToString(out.User.UserName), aws.ToString(out.User.Path), aws.ToString(out.User.Arn),
			out.User.CreateDate.Format(time.RFC3339), aws.ToString(out.User.Tags[0].Value)}
		want := []string{"bob", "/team/", "arn:aws:iam::000000000000:user/team/bob", "2026-11-25T12:00:00Z", "v"}
		if d := cmp.Diff(want, got); d != "" {
			t.Error(d)
		}
	})
	t.Run("GetUser", func(t *testing.T) {
		out, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("api-gateway-user")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.User.UserId) != e.user.UserID {
			t.Errorf("user %+v", out.User)
		}
	})
	t.Run("GetUser root", func(t *testing.T) {
		out, err := c.GetUser(ctx, &iam.GetUserInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.User.Arn) != "arn:aws:iam::000000000000:root" || aws.ToString(out.User.UserId) != acct {
			t.Errorf("user %+v", out.User)
		}
	})
	var keyID string
	t.Run("CreateAccessKey", func(t *testing.T) {
		out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("api-gateway-user")})
		if err != nil {
			t.Fatal(err)
		}
		keyID = aws.ToString(out.AccessKey.AccessKeyId)
		if out.AccessKey.Status != iamtypes.StatusTypeActive || aws.ToString(out.AccessKey.SecretAccessKey) == "" {
			t.Errorf("key %+v", out.AccessKey)
		}
		// The secret handed out is the one IAM verifies signatures with.
		if ki, ok, err := e.ids.IAM.LookupKey(ctx, keyID); err != nil || !ok || ki.Secret != aws.ToString(out.AccessKey.SecretAccessKey) {
			t.Errorf("lookup %v %v: secret differs", ok, err)
		}
	})
	t.Run("ListAccessKeys", func(t *testing.T) {
		out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("api-gateway-user")})
		if err != nil {
			t.Fatal(err)
		}
		// The fixture's own key, then the new one.
		var ids []string
		for _, m := range out.AccessKeyMetadata {
			ids = append(ids, aws.ToString(m.AccessKeyId))
		}
		if len(ids) != 2 || !slices.Contains(ids, keyID) || !slices.Contains(ids, e.keys[userKey].ID) || out.IsTruncated {
			t.Errorf("keys %+v", out.AccessKeyMetadata)
		}
	})
	t.Run("NoSuchEntity is typed", func(t *testing.T) {
		_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
		var nse *iamtypes.NoSuchEntityException
		if !errors.As(err, &nse) || aws.ToString(nse.Message) != "The user with name nobody cannot be found." {
			t.Errorf("err %v", err)
		}
	})
	t.Run("GetRole decodes", func(t *testing.T) {
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Role.AssumeRolePolicyDocument) == "" || aws.ToInt32(out.Role.MaxSessionDuration) != 3600 {
			t.Errorf("role %+v", out.Role)
		}
	})
}

func TestSDKDenied(t *testing.T) {
	cfg, _ := sdkConfig(t, userKey)
	_, err := iam.NewFromConfig(cfg).CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("bob")})
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err %v", err)
	}
	want := "User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/bob because no identity-based policy allows the iam:CreateUser action"
	if ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != want {
		t.Errorf("%s %q", ae.ErrorCode(), ae.ErrorMessage())
	}
}

func TestSDKUnknownKey(t *testing.T) {
	cfg, _ := sdkConfig(t, unknownKey)
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" {
		t.Fatalf("err %v", err)
	}
}

func TestSDKSTS(t *testing.T) {
	cfg, e := sdkConfig(t, userKey)
	ctx := context.Background()
	c := sts.NewFromConfig(cfg)
	t.Run("GetCallerIdentity", func(t *testing.T) {
		out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{aws.ToString(out.Arn), aws.ToString(out.UserId), aws.ToString(out.Account)}
		if d := cmp.Diff([]string{apiUserARN, e.user.UserID, acct}, got); d != "" {
			t.Error(d)
		}
	})
	t.Run("AssumeRole", func(t *testing.T) {
		out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/deployer"),
			RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900)})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{aws.ToString(out.AssumedRoleUser.Arn), out.Credentials.Expiration.UTC().Format(time.RFC3339)}
		want := []string{"arn:aws:sts::000000000000:assumed-role/deployer/s1", "2026-11-25T12:15:00Z"}
		if d := cmp.Diff(want, got); d != "" {
			t.Error(d)
		}
		// The credentials handed out are the ones IAM verifies.
		ki, ok, err := e.ids.IAM.LookupKey(ctx, aws.ToString(out.Credentials.AccessKeyId))
		if err != nil || !ok || ki.SessionToken != aws.ToString(out.Credentials.SessionToken) || ki.Secret != aws.ToString(out.Credentials.SecretAccessKey) {
			t.Errorf("lookup %v %v: credentials differ", ok, err)
		}
	})
	t.Run("GetSessionToken", func(t *testing.T) {
		out, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(3600)})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") || aws.ToString(out.Credentials.SessionToken) == "" {
			t.Errorf("creds %+v", out.Credentials)
		}
	})
}

func TestSDKCloudFormation(t *testing.T) {
	cfg, e := sdkConfig(t, rootKey)
	e.seedStack(t)
	ctx := context.Background()
	c := cloudformation.NewFromConfig(cfg)
	t.Run("DescribeStacks outputs", func(t *testing.T) {
		out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("Api-IAM-Sample-Stack")})
		if err != nil {
			t.Fatal(err)
		}
		s := out.Stacks[0]
		got := []string{aws.ToString(s.StackId), string(s.StackStatus), aws.ToString(s.Outputs[0].OutputKey),
			aws.ToString(s.Outputs[0].OutputValue), aws.ToString(s.Parameters[0].ParameterValue), string(s.Capabilities[0]),
			s.CreationTime.UTC().Format(time.RFC3339Nano)}
		want := []string{e.seedStackID, "CREATE_COMPLETE", "HelloWorldApi",
			"https://abc123.execute-api.us-east-1.amazonaws.com/v1/hello", "v1", "CAPABILITY_NAMED_IAM", "2026-11-25T12:00:00Z"}
		if d := cmp.Diff(want, got); d != "" {
			t.Error(d)
		}
	})
	t.Run("missing stack", func(t *testing.T) {
		_, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("nope")})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" || ae.ErrorMessage() != "Stack with id nope does not exist" {
			t.Errorf("err %v", err)
		}
	})
	var stackID string
	t.Run("CreateChangeSet", func(t *testing.T) {
		out, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
			StackName: aws.String("s"), ChangeSetName: aws.String("cs1"),
			TemplateBody: aws.String(seedTemplate), ChangeSetType: "CREATE",
			Capabilities: []cftypes.Capability{cftypes.CapabilityCapabilityNamedIam},
			Parameters:   []cftypes.Parameter{{ParameterKey: aws.String("Stage"), ParameterValue: aws.String("v2")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		stackID = aws.ToString(out.StackId)
		if !strings.HasPrefix(stackID, "arn:aws:cloudformation:us-east-1:000000000000:stack/s/") {
			t.Errorf("out %+v", out)
		}
	})
	t.Run("DescribeChangeSet", func(t *testing.T) {
		out, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("cs1")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != "CREATE_COMPLETE" || out.Changes[0].ResourceChange.Action != "Add" || aws.ToString(out.StackId) != stackID {
			t.Errorf("out %+v", out)
		}
		// What the backend was given: the capability and the parameter.
		if len(out.Capabilities) != 1 || out.Capabilities[0] != cftypes.CapabilityCapabilityNamedIam ||
			len(out.Parameters) != 1 || aws.ToString(out.Parameters[0].ParameterValue) != "v2" {
			t.Errorf("capabilities %v parameters %+v", out.Capabilities, out.Parameters)
		}
	})
	t.Run("ExecuteChangeSet", func(t *testing.T) {
		if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("cs1")}); err != nil {
			t.Fatal(err)
		}
		if err := e.stacks.Wait(ctx, "s"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("GetTemplate", func(t *testing.T) {
		out, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("s"), TemplateStage: "Original"})
		if err != nil || aws.ToString(out.TemplateBody) != seedTemplate || len(out.StagesAvailable) != 2 {
			t.Errorf("out %+v err %v", out, err)
		}
	})
	t.Run("DescribeStackEvents", func(t *testing.T) {
		out, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("s")})
		if err != nil || len(out.StackEvents) == 0 {
			t.Fatalf("out %+v err %v", out, err)
		}
		// Newest first: the stack's own CREATE_COMPLETE.
		ev := out.StackEvents[0]
		if ev.ResourceStatus != "CREATE_COMPLETE" || aws.ToString(ev.LogicalResourceId) != "s" || aws.ToString(ev.PhysicalResourceId) != stackID {
			t.Errorf("event %+v", ev)
		}
	})
	t.Run("ValidateTemplate", func(t *testing.T) {
		out, err := c.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(seedTemplate)})
		if err != nil || aws.ToString(out.Parameters[0].DefaultValue) != "v1" {
			t.Errorf("out %+v err %v", out, err)
		}
	})
}
