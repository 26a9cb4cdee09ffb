package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDeployCorpusLike deploys testdata/corpuslike with `iamgate deploy`
// against `iamgate serve` and checks, with the aws CLI and plain HTTP, what
// real SAM applications rely on (issue 12): the policy template expanded as
// the SAM translator does, managed policy names and Tracing attaching AWS's
// real managed policies, an inline statement without Version accepted,
// Cors's OPTIONS method, a local AWS::Include uploaded (its swagger 2.0 a
// number), a repeated key taking the last value, and !Ref Api.Stage.
func TestDeployCorpusLike(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "corpuslike"))
	out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "corpuslike",
		"--resolve-s3", "--capabilities", "CAPABILITY_IAM")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var outputs []struct{ OutputKey, OutputValue string }
	if err := json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "corpuslike",
		"--query", "Stacks[0].Outputs")), &outputs); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range outputs {
		got[o.OutputKey] = o.OutputValue
	}
	m := regexp.MustCompile(`^https://([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com/v1/hello$`).FindStringSubmatch(got["HelloUrl"])
	if m == nil || got["Stage"] != "v1" {
		t.Fatalf("outputs %v: want the execute-api URL of stage v1 and Stage v1", got)
	}
	apiID := m[1]

	t.Run("GET /hello answers", func(t *testing.T) {
		r := do(t, mustRequest(t, b.endpoint+"/restapis/"+apiID+"/v1/_user_request_/hello"))
		if r.status != http.StatusOK || r.body != `{"message": "hello", "path": "/hello"}` {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("Cors added OPTIONS", func(t *testing.T) {
		var res struct {
			Items []struct {
				Path            string
				ResourceMethods map[string]any
			}
		}
		json.Unmarshal([]byte(b.mustAWS(t, "apigateway", "get-resources", "--rest-api-id", apiID)), &res)
		for _, it := range res.Items {
			if it.Path == "/hello" {
				if _, ok := it.ResourceMethods["OPTIONS"]; !ok {
					t.Errorf("/hello methods %v lack OPTIONS", it.ResourceMethods)
				}
				return
			}
		}
		t.Errorf("no /hello resource: %+v", res)
	})
	t.Run("repeated key keeps the last value", func(t *testing.T) {
		fn := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stack-resource", "--stack-name", "corpuslike",
			"--logical-resource-id", "Fn", "--query", "StackResourceDetail.PhysicalResourceId", "--output", "text"))
		desc := strings.TrimSpace(b.mustAWS(t, "lambda", "get-function-configuration", "--function-name", fn, "--query", "Description", "--output", "text"))
		if desc != "answers GET /hello" {
			t.Errorf("Description %q", desc)
		}
	})

	role := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stack-resource", "--stack-name", "corpuslike",
		"--logical-resource-id", "FnRole", "--query", "StackResourceDetail.PhysicalResourceId", "--output", "text"))
	t.Run("managed policies attached", func(t *testing.T) {
		var arns []string
		json.Unmarshal([]byte(b.mustAWS(t, "iam", "list-attached-role-policies", "--role-name", role,
			"--query", "AttachedPolicies[].PolicyArn")), &arns)
		slices.Sort(arns)
		want := []string{"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
			"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
		if !slices.Equal(arns, want) {
			t.Errorf("attached %v, want %v", arns, want)
		}
	})
	t.Run("policy template expanded", func(t *testing.T) {
		doc := b.mustAWS(t, "iam", "get-role-policy", "--role-name", role, "--policy-name", "FnRolePolicy0", "--query", "PolicyDocument")
		for _, s := range []string{`"dynamodb:GetItem"`, `"dynamodb:ConditionCheckItem"`,
			`"arn:aws:dynamodb:us-east-1:000000000000:table/items"`, `"arn:aws:dynamodb:us-east-1:000000000000:table/items/index/*"`} {
			if !strings.Contains(doc, s) {
				t.Errorf("DynamoDBCrudPolicy document lacks %s:\n%s", s, doc)
			}
		}
		if strings.Contains(doc, `"Version"`) {
			t.Errorf("the translator's expansion has no Version:\n%s", doc)
		}
	})
	t.Run("inline statement without Version", func(t *testing.T) {
		doc := b.mustAWS(t, "iam", "get-role-policy", "--role-name", role, "--policy-name", "FnRolePolicy2", "--query", "PolicyDocument")
		if !strings.Contains(doc, `"sqs:SendMessage"`) || strings.Contains(doc, `"Version"`) {
			t.Errorf("document:\n%s", doc)
		}
	})
	t.Run("get-policy-version returns AWS's document", func(t *testing.T) {
		const xray = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
		v := strings.TrimSpace(b.mustAWS(t, "iam", "get-policy", "--policy-arn", xray, "--query", "Policy.DefaultVersionId", "--output", "text"))
		doc := b.mustAWS(t, "iam", "get-policy-version", "--policy-arn", xray, "--version-id", v, "--query", "PolicyVersion.Document")
		if !strings.Contains(doc, `"xray:PutTraceSegments"`) {
			t.Errorf("document:\n%s", doc)
		}
	})
	t.Run("unknown AWS managed policy", func(t *testing.T) {
		_, err := b.aws(t, "iam", "attach-role-policy", "--role-name", role, "--policy-arn", "arn:aws:iam::aws:policy/X")
		const want = "An error occurred (NoSuchEntity) when calling the AttachRolePolicy operation: Policy arn:aws:iam::aws:policy/X does not exist or is not attachable."
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	})
}
