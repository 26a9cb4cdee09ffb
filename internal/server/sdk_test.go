package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/iamgate/iamgate/internal/stack"
)

// clients are the AWS SDK for Go v2 clients of one identity, pointed at a server.
type clients struct {
	iam    *iam.Client
	sts    *sts.Client
	s3     *s3.Client
	cfn    *cloudformation.Client
	lambda *lambda.Client
	logs   *cloudwatchlogs.Client
	apigw  *apigateway.Client
}

func newClients(url, id, secret string) clients {
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}, nil
		})}
	return clients{
		iam: iam.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg), cfn: cloudformation.NewFromConfig(cfg),
		s3:     s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		lambda: lambda.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), apigw: apigateway.NewFromConfig(cfg),
	}
}

// TestSDKOperations drives a table of operations per service with the AWS
// SDK for Go v2 against a real server (in-process, over loopback): the
// admin's calls succeed with AWS's shapes, and a user without policies gets
// each protocol's AccessDenied.
func TestSDKOperations(t *testing.T) {
	ctx := context.Background()
	s, srvURL, apiID := seededServer(t, "sdk-seed")
	id, secret := s.RootKey()
	admin := newClients(srvURL, id, secret)
	fn := seedFunction(t, s, "sdk-seed")

	ops := []struct {
		service, name string
		run           func() error
	}{
		{"sts", "GetCallerIdentity", func() error {
			out, err := admin.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return want(err, func() bool { return aws.ToString(out.Arn) == "arn:aws:iam::000000000000:root" }, "caller %v", out)
		}},
		{"iam", "CreateUser+GetUser", func() error {
			if _, err := admin.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nobody")}); err != nil {
				return err
			}
			out, err := admin.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
			return want(err, func() bool { return aws.ToString(out.User.Arn) == "arn:aws:iam::000000000000:user/nobody" }, "user %v", out)
		}},
		{"iam", "ListUsers", func() error {
			out, err := admin.iam.ListUsers(ctx, &iam.ListUsersInput{})
			return want(err, func() bool { return len(out.Users) == 2 }, "users %v", out)
		}},
		{"cloudformation", "DescribeStackEvents", func() error {
			out, err := admin.cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("sdk-seed")})
			return want(err, func() bool {
				return len(out.StackEvents) > 0 && out.StackEvents[0].ResourceStatus == cfntypes.ResourceStatusCreateComplete
			}, "events %v", out)
		}},
		{"cloudformation", "GetTemplate Processed", func() error {
			out, err := admin.cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("sdk-seed"), TemplateStage: cfntypes.TemplateStageProcessed})
			return want(err, func() bool { return strings.Contains(aws.ToString(out.TemplateBody), "AWS::Lambda::Function") }, "template lacks the transformed function")
		}},
		{"s3", "CreateBucket+PutObject+GetObject", func() error {
			if _, err := admin.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sdk-bucket")}); err != nil {
				return err
			}
			if _, err := admin.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sdk-bucket"), Key: aws.String("a/b.txt"), Body: strings.NewReader("hi")}); err != nil {
				return err
			}
			out, err := admin.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("sdk-bucket"), Key: aws.String("a/b.txt")})
			if err != nil {
				return err
			}
			b, _ := io.ReadAll(out.Body)
			return want(nil, func() bool { return string(b) == "hi" }, "body %q", b)
		}},
		{"s3", "ListObjectsV2", func() error {
			out, err := admin.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("sdk-bucket"), Prefix: aws.String("a/")})
			return want(err, func() bool { return len(out.Contents) == 1 && aws.ToString(out.Contents[0].Key) == "a/b.txt" }, "contents %v", out)
		}},
		{"lambda", "Invoke", func() error {
			out, err := admin.lambda.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: []byte(`{}`)})
			return want(err, func() bool { return out.StatusCode == 200 && strings.Contains(string(out.Payload), "hello world") }, "invoke %v", out)
		}},
		{"lambda", "GetFunction", func() error {
			out, err := admin.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn)})
			return want(err, func() bool {
				return aws.ToInt32(out.Configuration.Timeout) == 3 && string(out.Configuration.Runtime) == "python3.9"
			}, "config %v", out)
		}},
		{"logs", "DescribeLogGroups", func() error {
			out, err := admin.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
			return want(err, func() bool {
				return len(out.LogGroups) == 1 && aws.ToString(out.LogGroups[0].LogGroupName) == "/aws/lambda/"+fn
			}, "groups %v", out)
		}},
		{"logs", "FilterLogEvents", func() error {
			out, err := admin.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/" + fn), FilterPattern: aws.String("REPORT")})
			return want(err, func() bool { return len(out.Events) >= 1 }, "events %v", out)
		}},
		{"apigateway", "GetRestApis+GetStages", func() error {
			apis, err := admin.apigw.GetRestApis(ctx, &apigateway.GetRestApisInput{})
			if err != nil || len(apis.Items) != 1 || aws.ToString(apis.Items[0].Id) != apiID {
				return want(err, func() bool { return false }, "apis %v", apis)
			}
			stages, err := admin.apigw.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(apiID)})
			return want(err, func() bool { return stages != nil && len(stages.Item) == 2 }, "stages %v", stages)
		}},
	}
	for _, op := range ops {
		t.Run(op.service+"/"+op.name, func(t *testing.T) {
			if err := op.run(); err != nil {
				t.Error(err)
			}
		})
	}

	key, err := admin.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if err != nil {
		t.Fatal(err)
	}
	nobody := newClients(srvURL, aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
	denied := []struct {
		service, code string
		run           func() error
	}{
		{"iam", "AccessDenied", func() error {
			_, err := nobody.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
			return err
		}},
		{"cloudformation", "AccessDenied", func() error {
			_, err := nobody.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
			return err
		}},
		{"s3", "AccessDenied", func() error {
			_, err := nobody.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}},
		{"lambda", "AccessDeniedException", func() error {
			_, err := nobody.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{})
			return err
		}},
		{"logs", "AccessDeniedException", func() error {
			_, err := nobody.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		}},
		{"apigateway", "AccessDeniedException", func() error {
			_, err := nobody.apigw.GetRestApis(ctx, &apigateway.GetRestApisInput{})
			return err
		}},
	}
	for _, d := range denied {
		t.Run("denied/"+d.service, func(t *testing.T) {
			err := d.run()
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != d.code || !strings.Contains(ae.ErrorMessage(), "user/nobody is not authorized") {
				t.Errorf("got %v, want %s naming the user", err, d.code)
			}
		})
	}
}

func mustResources(t *testing.T, s *Server, name string) []stack.Resource {
	t.Helper()
	rs, err := s.stacks.DescribeStackResources(context.Background(), name, "")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// want is err, or an error from format when ok (run only without err) fails.
func want(err error, ok func() bool, format string, args ...any) error {
	if err != nil {
		return err
	}
	if !ok() {
		return fmt.Errorf(format, args...)
	}
	return nil
}
