// Command apis deploys N REST APIs on an iamgate server with the AWS SDK for
// Go v2, through CloudFormation as iamgate wants (stacks of 10
// AWS::ApiGateway::RestApi with a Body and an AWS::ApiGateway::Deployment of
// stage v1), each with an IAM-protected GET /hello, and sends each API one
// unsigned request so that the server holds its deployed snapshot, for
// bench/rss.sh's "RSS with N deployed APIs".
//
//	apis -endpoint http://127.0.0.1:PORT -n 100   # admin keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// api is one API of a stack: the seed's GET /hello behind AWS_IAM, with an
// integration that is never reached (the requests sent are unsigned).
const api = `
  Api%[1]d:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: bench-%[1]d
      Body:
        openapi: 3.0.1
        info: {title: bench-%[1]d, version: "1.0"}
        paths:
          /hello:
            get:
              security: [{sigv4: []}]
              x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:none/invocations"}
        components:
          securitySchemes:
            sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
  Deployment%[1]d:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Api%[1]d, StageName: v1}
`

const perStack = 10

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:4566", "iamgate endpoint")
	n := flag.Int("n", 100, "APIs to deploy")
	flag.Parse()
	if err := run(*endpoint, *n); err != nil {
		fmt.Fprintln(os.Stderr, "apis:", err)
		os.Exit(1)
	}
}

func run(endpoint string, n int) error {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must hold the admin's keys (eval \"$(iamgate env)\")")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cfn := cloudformation.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}, nil
		})})
	httpc := &http.Client{Timeout: 30 * time.Second}
	for first := 0; first < n; first += perStack {
		ids, err := deployStack(ctx, cfn, first, min(first+perStack, n))
		if err != nil {
			return err
		}
		for _, apiID := range ids {
			resp, err := httpc.Get(endpoint + "/restapis/" + apiID + "/v1/_user_request_/hello")
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				return fmt.Errorf("api %s: unsigned GET answered %d, want 403", apiID, resp.StatusCode)
			}
		}
	}
	fmt.Printf("deployed %d APIs\n", n)
	return nil
}

// deployStack creates the stack of APIs [from, to) and returns their ids.
func deployStack(ctx context.Context, cfn *cloudformation.Client, from, to int) ([]string, error) {
	var b strings.Builder
	b.WriteString("Resources:")
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, api, i)
	}
	b.WriteString("Outputs:\n")
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "  Id%[1]d: {Value: !Ref Api%[1]d}\n", i)
	}
	name := fmt.Sprintf("bench-apis-%d", from)
	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(b.String())}); err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	for {
		out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		st := out.Stacks[0]
		switch st.StackStatus {
		case types.StackStatusCreateComplete:
			var ids []string
			for _, o := range st.Outputs {
				ids = append(ids, aws.ToString(o.OutputValue))
			}
			return ids, nil
		case types.StackStatusCreateInProgress, types.StackStatusReviewInProgress:
			time.Sleep(100 * time.Millisecond)
		default:
			return nil, fmt.Errorf("stack %s: %s %s", name, st.StackStatus, aws.ToString(st.StackStatusReason))
		}
	}
}
