package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/iamgate/iamgate/internal/stack"
)

// TestThrottledFunction: a function whose reservation is used up is
// throttled as Lambda throttles it, through both doors. Invoke answers 429
// TooManyRequestsException, Reason ReservedFunctionConcurrentInvocationLimitExceeded,
// "Rate Exceeded." (parsed by the AWS SDK for Go v2's own error type);
// API Gateway answers its caller 500 {"message": "Internal server error"}:
// "If the Lambda API rejects the invocation request, API Gateway returns a
// 500 error code" (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html).
// A reservation of 0 throttles every invocation, so nothing here races.
func TestThrottledFunction(t *testing.T) {
	ctx := context.Background()
	s, srvURL, apiID := seededServer(t, "conc")
	id, secret := s.RootKey()
	admin := newClients(srvURL, id, secret)
	fn := seedFunction(t, s, "conc")
	user := accessKey(t, s, "conc-user")
	url := srvURL + "/restapis/" + apiID + "/v1/_user_request_/hello"
	get := func() response { return do(t, signedRequest(t, "GET", url, nil, user, "execute-api")) }
	if r := get(); r.StatusCode != 200 {
		t.Fatalf("before the reservation: %d %s", r.StatusCode, r.body)
	}

	if _, err := admin.lambda.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String(fn),
		ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	_, err := admin.lambda.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: []byte(`{}`)})
	var tm *lambdatypes.TooManyRequestsException
	if !errors.As(err, &tm) || tm.Reason != lambdatypes.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded ||
		aws.ToString(tm.Message) != "Rate Exceeded." || aws.ToString(tm.Type) != "User" {
		t.Errorf("Invoke: %v, want TooManyRequestsException (ReservedFunctionConcurrentInvocationLimitExceeded)", err)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 429 {
		t.Errorf("Invoke: %v, want HTTP 429", err)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "TooManyRequestsException" {
		t.Errorf("Invoke: %v, want code TooManyRequestsException", err)
	}

	r := get()
	if r.StatusCode != 500 || r.body != `{"message": "Internal server error"}` ||
		r.Header.Get("x-amzn-ErrorType") != "InternalServerErrorException" {
		t.Errorf("API Gateway over a throttled function: %d %s %v, want 500 Internal server error", r.StatusCode, r.body, r.Header)
	}

	if _, err := admin.lambda.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String(fn)}); err != nil {
		t.Fatal(err)
	}
	if r := get(); r.StatusCode != 200 {
		t.Errorf("after DeleteFunctionConcurrency: %d %s", r.StatusCode, r.body)
	}
}

// reservedTemplate reserves concurrency with CloudFormation's property.
const reservedTemplate = `
Parameters:
  Reserved: {Type: Number, Default: 7}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      ReservedConcurrentExecutions: !Ref Reserved
      Code:
        ZipFile: |
          def handler(event, context):
              return "ok"
`

// TestReservedConcurrentExecutionsFromCloudFormation: the property is
// applied on create, changed on update and removed with the property, as
// CloudFormation does with PutFunctionConcurrency and
// DeleteFunctionConcurrency; a value that is not an integer fails the
// resource with the schema's message.
func TestReservedConcurrentExecutionsFromCloudFormation(t *testing.T) {
	ctx := context.Background()
	s := newServer(t, "sqlite", t.TempDir())
	defer s.Shutdown(ctx)
	rctx := rootCtx(t, s)
	n := 0
	apply := func(body string, params []stack.Parameter) []stack.Stack {
		t.Helper()
		n++
		typ := "UPDATE"
		if n == 1 {
			typ = "CREATE"
		}
		name := "c" + strings.Repeat("x", n)
		in := stack.ChangeSetInput{StackName: "reserved", ChangeSetName: name, ChangeSetType: typ, TemplateBody: body, Parameters: params,
			Capabilities: []string{"CAPABILITY_IAM"}}
		if _, err := s.stacks.CreateChangeSet(rctx, in); err != nil {
			t.Fatal(err)
		}
		if err := s.stacks.ExecuteChangeSet(rctx, "reserved", name); err != nil {
			t.Fatal(err)
		}
		st, err := s.stacks.DescribeStacks(rctx, "reserved")
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	reserved := func() *int {
		t.Helper()
		var fn string
		for _, r := range mustResources(t, s, "reserved") {
			if r.ResourceType == "AWS::Lambda::Function" {
				fn = r.PhysicalResourceID
			}
		}
		c, err := s.funcs.Get(ctx, fn)
		if err != nil {
			t.Fatal(err)
		}
		return c.ReservedConcurrency
	}
	if st := apply(reservedTemplate, nil); st[0].StackStatus != stack.CreateComplete {
		t.Fatalf("create: %+v", st)
	}
	if r := reserved(); r == nil || *r != 7 {
		t.Errorf("after create: reservation %v, want 7", r)
	}
	apply(reservedTemplate, []stack.Parameter{{Key: "Reserved", Value: "3"}})
	if r := reserved(); r == nil || *r != 3 {
		t.Errorf("after update: reservation %v, want 3", r)
	}
	apply(strings.Replace(reservedTemplate, "      ReservedConcurrentExecutions: !Ref Reserved\n", "", 1), nil)
	if r := reserved(); r != nil {
		t.Errorf("after the property was removed: reservation %d, want none", *r)
	}
	st := apply(strings.Replace(reservedTemplate, "!Ref Reserved", "lots", 1), nil)
	if st[0].StackStatus == stack.UpdateComplete {
		t.Fatalf("a string reservation updated the stack")
	}
	evs, err := s.stacks.DescribeStackEvents(rctx, "reserved")
	if err != nil {
		t.Fatal(err)
	}
	const want = "Properties validation failed for resource Fn with message: #/ReservedConcurrentExecutions: expected type: Integer, found: String"
	found := false
	for _, ev := range evs {
		found = found || strings.Contains(ev.ResourceStatusReason, want)
	}
	if !found {
		t.Errorf("no stack event says %q", want)
	}
}

// TestCallersHangUpDuringColdStarts is the burst of 64's bug (issue 13)
// through API Gateway: callers that hang up while their function's
// environments start (wrk's 2 s timeout against 64 cold starts on 2 cores)
// killed those environments half-initialized, so that every retry started
// another. On Lambda the init and the invocation run on without the caller
// ("a Lambda function running for more than 29 seconds will not return a
// value successfully", https://docs.aws.amazon.com/lambda/latest/operatorguide/invocation-modes.html):
// here every environment started for a caller who left is kept warm, and the
// next request reuses one instead of starting another. Waits are bounded
// polls of the server's metrics, not timing assertions.
func TestCallersHangUpDuringColdStarts(t *testing.T) {
	ctx := context.Background()
	s, srvURL, apiID := seededServer(t, "hangup")
	id, secret := s.RootKey()
	root := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}
	user := accessKey(t, s, "hangup-user")
	url := srvURL + "/restapis/" + apiID + "/v1/_user_request_/hello"
	lambdaSum := func(name string) float64 {
		var sum float64
		for k, v := range samples(t, []byte(do(t, signedRequest(t, "GET", srvURL+MetricsPath, nil, root, "iamgate")).body)) {
			if strings.HasPrefix(k, name+"{") {
				f, _ := strconv.ParseFloat(v, 64)
				sum += f
			}
		}
		return sum
	}

	// Six callers at once, who hang up as soon as all six invocations have
	// started, during their environments' start (Python's takes tens of ms).
	const callers = 6
	hctx, hangUp := context.WithCancel(ctx)
	defer hangUp()
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := http.DefaultClient.Do(signedRequest(t, "GET", url, nil, user, "execute-api").WithContext(hctx)); err == nil {
				resp.Body.Close()
			}
		}()
	}
	waitUntil := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 60 s", what)
			}
		}
	}
	waitUntil("six invocations in progress", func() bool { return lambdaSum("iamgate_lambda_concurrent_executions") == callers })
	hangUp()
	wg.Wait()
	waitUntil("the abandoned invocations ended", func() bool { return lambdaSum("iamgate_lambda_concurrent_executions") == 0 })
	for name, want := range map[string]float64{"iamgate_lambda_invocations_total": callers, "iamgate_lambda_cold_starts_total": callers,
		"iamgate_lambda_errors_total": 0} {
		if got := lambdaSum(name); got != want {
			t.Errorf("%s = %v after the callers hung up, want %v: their invocations run to their end, as on Lambda", name, got, want)
		}
	}
	cold := lambdaSum("iamgate_lambda_cold_starts_total")

	if r := do(t, signedRequest(t, "GET", url, nil, user, "execute-api")); r.StatusCode != 200 {
		t.Fatalf("after the callers hung up: %d %s", r.StatusCode, r.body)
	}
	if after := lambdaSum("iamgate_lambda_cold_starts_total"); after != cold {
		t.Errorf("cold starts %v → %v: the environments started for callers who hung up were not kept warm", cold, after)
	}
}
