package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/stack"
	"github.com/iamgate/iamgate/internal/testutil"
)

// widgetTemplate is a custom resource backed by an inline Python function
// that uses the cfnresponse module CloudFormation provides to inline code.
// The function answers FAILED when Mode is fail (on Create and Update),
// and names the resource after Suffix, so that a new Suffix replaces it.
const widgetTemplate = `
Parameters:
  Mode: {Type: String, Default: ok}
  Suffix: {Type: String, Default: one}
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
      Timeout: 10
      Code:
        ZipFile: |
          import cfnresponse
          def handler(event, context):
              props = event["ResourceProperties"]
              if event["RequestType"] != "Delete" and props.get("Mode") == "fail":
                  cfnresponse.send(event, context, cfnresponse.FAILED, {}, "failed-" + event["LogicalResourceId"], reason="the widget would not turn")
                  return
              data = {"Greeting": "hello " + props["Name"], "CountType": type(props["Count"]).__name__,
                      "Old": event.get("OldResourceProperties", {}).get("Suffix", "-"), "Seen": event["RequestType"] + " " + event.get("PhysicalResourceId", "-")}
              cfnresponse.send(event, context, cfnresponse.SUCCESS, data, "widget-" + props["Suffix"])
  Widget:
    Type: Custom::Widget
    Properties:
      ServiceToken: !GetAtt Fn.Arn
      Name: world
      Count: 3
      Mode: !Ref Mode
      Suffix: !Ref Suffix
Outputs:
  Greeting: {Value: !GetAtt Widget.Greeting}
  CountType: {Value: !GetAtt Widget.CountType}
  Old: {Value: !GetAtt Widget.Old}
  Seen: {Value: !GetAtt Widget.Seen}
  Id: {Value: !Ref Widget}
`

// TestCustomResourceLifecycle: Create, an Update that replaces the
// resource (a new PhysicalResourceId: the old one gets a Delete in
// cleanup), a FAILED answer (the reason as CloudFormation words it, the
// stack rolled back and the failed resource sent a Delete) and a stack
// deletion, against a real Python function and the real response bucket.
func TestCustomResourceLifecycle(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	s, _ := listening(t, Config{AccountID: "000000000000", Region: "us-east-1"})
	ctx := rootCtx(t, s)
	n := 0
	apply := func(name, typ string, params ...stack.Parameter) stack.Stack {
		t.Helper()
		n++
		cs := "c" + strings.Repeat("x", n)
		if _, err := s.stacks.CreateChangeSet(ctx, stack.ChangeSetInput{StackName: name, ChangeSetName: cs, ChangeSetType: typ,
			TemplateBody: widgetTemplate, Parameters: params, Capabilities: []string{"CAPABILITY_IAM"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.stacks.ExecuteChangeSet(ctx, name, cs); err != nil {
			t.Fatal(err)
		}
		_ = s.stacks.Wait(ctx, name)
		st, err := s.stacks.DescribeStacks(ctx, name)
		if err != nil || len(st) != 1 {
			t.Fatalf("describe: %v %v", st, err)
		}
		return st[0]
	}
	widgetEvents := func(name string) []string {
		t.Helper()
		evs, err := s.stacks.DescribeStackEvents(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := len(evs) - 1; i >= 0; i-- { // oldest first
			if e := evs[i]; e.LogicalResourceID == "Widget" {
				out = append(out, e.ResourceStatus+" "+e.PhysicalResourceID+" "+e.ResourceStatusReason)
			}
		}
		return out
	}

	st := apply("widgets", "CREATE")
	if st.StackStatus != stack.CreateComplete {
		t.Fatalf("create: %s %s %q", st.StackStatus, st.StackStatusReason, widgetEvents("widgets"))
	}
	// Properties reach the function as strings, as CloudFormation passes them.
	want := map[string]string{"Greeting": "hello world", "CountType": "str", "Old": "-", "Seen": "Create -", "Id": "widget-one"}
	if got := outputs(st); !equalMaps(got, want) {
		t.Errorf("create outputs %v, want %v", got, want)
	}

	st = apply("widgets", "UPDATE", stack.Parameter{Key: "Suffix", Value: "two"})
	if st.StackStatus != stack.UpdateComplete {
		t.Fatalf("update: %s %s %q", st.StackStatus, st.StackStatusReason, widgetEvents("widgets"))
	}
	want = map[string]string{"Greeting": "hello world", "CountType": "str", "Old": "one", "Seen": "Update widget-one", "Id": "widget-two"}
	if got := outputs(st); !equalMaps(got, want) {
		t.Errorf("update outputs %v, want %v", got, want)
	}
	evs := widgetEvents("widgets")
	if !containsLine(evs, "DELETE_COMPLETE widget-one ") || !containsLine(evs, "UPDATE_COMPLETE widget-two ") {
		t.Errorf("replacement events %q", evs)
	}

	st0 := st
	st = apply("broken", "CREATE", stack.Parameter{Key: "Mode", Value: "fail"})
	if st.StackStatus != stack.RollbackComplete || st.StackStatusReason != "The following resource(s) failed to create: [Widget]. Rollback requested by user." {
		t.Fatalf("failed create: %s %q", st.StackStatus, st.StackStatusReason)
	}
	evs = widgetEvents("broken")
	failed := regexp.MustCompile(`^CREATE_FAILED failed-Widget Received response status \[FAILED\] from custom resource\. Message returned: the widget would not turn \(RequestId: [0-9a-f-]{36}\)$`)
	if len(evs) < 4 || !failed.MatchString(evs[len(evs)-3]) || evs[len(evs)-2] != "DELETE_IN_PROGRESS failed-Widget " || evs[len(evs)-1] != "DELETE_COMPLETE failed-Widget " {
		t.Errorf("failed create events %q", evs)
	}

	id := st0.StackID
	if err := s.stacks.DeleteStack(ctx, "widgets", ""); err != nil {
		t.Fatal(err)
	}
	_ = s.stacks.Wait(ctx, "widgets")
	if evs := widgetEvents(id); evs[len(evs)-1] != "DELETE_COMPLETE widget-two " {
		t.Errorf("delete events %q", evs)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// TestResponseBucketRefusesOthers: the response bucket is CloudFormation's,
// not the account's: unsigned requests, the account's own credentials and
// reads are refused as S3 refuses another account's bucket.
func TestResponseBucketRefusesOthers(t *testing.T) {
	s, _ := listening(t, Config{AccountID: "000000000000", Region: "us-east-1"})
	base := s.Endpoint() + "/cloudformation-custom-resource-response-useast1/"
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(method, base+"arn%3Aaws%3Acloudformation%3Aus-east-1%3A000000000000%3Astack/x/y%7CR%7Cid", strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", method, resp.StatusCode)
		}
	}
}

// nodeWidgetTemplate answers through the cfn-response module CloudFormation
// adds to inline Node.js code, from a handler that neither returns nor
// calls back: send ends the invocation with context.done.
const nodeWidgetTemplate = `
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
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Timeout: 10
      Code:
        ZipFile: |
          const response = require('cfn-response');
          exports.handler = function (event, context) {
            response.send(event, context, response.SUCCESS, {Sum: String(Number(event.ResourceProperties.A) + 1)}, "node-widget");
          };
  Widget:
    Type: AWS::CloudFormation::CustomResource
    Properties:
      ServiceToken: !GetAtt Fn.Arn
      A: 41
Outputs:
  Sum: {Value: !GetAtt Widget.Sum}
  Id: {Value: !Ref Widget}
`

func TestCustomResourceNode(t *testing.T) {
	testutil.NeedCommand(t, "node")
	s, _ := listening(t, Config{AccountID: "000000000000", Region: "us-east-1"})
	ctx := rootCtx(t, s)
	out := outputs(createStack(t, ctx, s, stack.ChangeSetInput{StackName: "nodewidget", ChangeSetName: "c", TemplateBody: nodeWidgetTemplate,
		Capabilities: []string{"CAPABILITY_IAM"}}))
	if out["Sum"] != "42" || out["Id"] != "node-widget" {
		t.Errorf("outputs %v", out)
	}
}
