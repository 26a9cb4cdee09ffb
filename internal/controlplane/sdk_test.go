package controlplane

import (
	"context"
	"errors"
	"net/http/httptest"
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

// The AWS SDK for Go v2 parses what the handler writes. The fake
// authenticator only reads the access key of the SDK's real signature.

func sdkConfig(t *testing.T, key string) (aws.Config, *testEnv) {
	t.Helper()
	e := newEnv()
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
	}, e
}

func TestSDKIAM(t *testing.T) {
	cfg, _ := sdkConfig(t, "AKIAROOT")
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
		if aws.ToString(out.User.UserId) != "AIDAAPIUSER" {
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
	})
	t.Run("ListAccessKeys", func(t *testing.T) {
		out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("api-gateway-user")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.AccessKeyMetadata) != 1 || aws.ToString(out.AccessKeyMetadata[0].AccessKeyId) != keyID || out.IsTruncated {
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
	cfg, _ := sdkConfig(t, "AKIAAPIUSER")
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
	cfg, _ := sdkConfig(t, "AKIANOBODY")
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" {
		t.Fatalf("err %v", err)
	}
}

func TestSDKSTS(t *testing.T) {
	cfg, _ := sdkConfig(t, "AKIAAPIUSER")
	ctx := context.Background()
	c := sts.NewFromConfig(cfg)
	t.Run("GetCallerIdentity", func(t *testing.T) {
		out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{aws.ToString(out.Arn), aws.ToString(out.UserId), aws.ToString(out.Account)}
		if d := cmp.Diff([]string{apiUser.ARN, "AIDAAPIUSER", acct}, got); d != "" {
			t.Error(d)
		}
	})
	t.Run("AssumeRole", func(t *testing.T) {
		out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/deployer"),
			RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900)})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{aws.ToString(out.AssumedRoleUser.Arn), aws.ToString(out.Credentials.SessionToken),
			out.Credentials.Expiration.UTC().Format(time.RFC3339)}
		want := []string{"arn:aws:sts::000000000000:assumed-role/deployer/s1", "token", "2026-11-25T12:15:00Z"}
		if d := cmp.Diff(want, got); d != "" {
			t.Error(d)
		}
	})
	t.Run("GetSessionToken", func(t *testing.T) {
		out, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(3600)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Credentials.AccessKeyId) != "ASIATOKEN" {
			t.Errorf("creds %+v", out.Credentials)
		}
	})
}

func TestSDKCloudFormation(t *testing.T) {
	cfg, e := sdkConfig(t, "AKIAROOT")
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
		want := []string{seedStackID, "CREATE_COMPLETE", "HelloWorldApi",
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
	t.Run("CreateChangeSet", func(t *testing.T) {
		out, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
			StackName: aws.String("Api-IAM-Sample-Stack"), ChangeSetName: aws.String("cs1"),
			TemplateBody: aws.String("Resources: {}"), ChangeSetType: "CREATE",
			Capabilities: []cftypes.Capability{cftypes.CapabilityCapabilityNamedIam},
			Parameters:   []cftypes.Parameter{{ParameterKey: aws.String("Stage"), ParameterValue: aws.String("v2")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.StackId) != seedStackID {
			t.Errorf("out %+v", out)
		}
		in := e.stacks.lastInput
		if in.ChangeSetType != "CREATE" || in.Capabilities[0] != "CAPABILITY_NAMED_IAM" || in.Parameters[0].Value != "v2" || in.TemplateBody != "Resources: {}" {
			t.Errorf("backend got %+v", in)
		}
	})
	t.Run("DescribeChangeSet", func(t *testing.T) {
		out, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("cs1")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != "CREATE_COMPLETE" || out.Changes[0].ResourceChange.Action != "Add" {
			t.Errorf("out %+v", out)
		}
	})
	t.Run("ExecuteChangeSet", func(t *testing.T) {
		if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("cs1")}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("GetTemplate", func(t *testing.T) {
		out, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("s"), TemplateStage: "Processed"})
		if err != nil || aws.ToString(out.TemplateBody) != "stage: Processed" || len(out.StagesAvailable) != 2 {
			t.Errorf("out %+v err %v", out, err)
		}
	})
	t.Run("DescribeStackEvents", func(t *testing.T) {
		out, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("s")})
		if err != nil || len(out.StackEvents) != 1 || out.StackEvents[0].ResourceStatus != "CREATE_COMPLETE" {
			t.Errorf("out %+v err %v", out, err)
		}
	})
	t.Run("ValidateTemplate", func(t *testing.T) {
		out, err := c.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String("{}")})
		if err != nil || aws.ToString(out.Parameters[0].DefaultValue) != "v1" {
			t.Errorf("out %+v err %v", out, err)
		}
	})
}
