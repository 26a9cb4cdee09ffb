package main

import (
	"encoding/json"
	"regexp"
	"testing"
)

// TestDeployCustomResource deploys testdata/customresource (a Custom::
// resource backed by a SAM function with InlineCode that answers with
// cfnresponse) and checks with the aws CLI that the answer's Data reaches
// an output through Fn::GetAtt and its PhysicalResourceId through Ref; then
// a FAILED answer: the resource's event carries the reason as
// CloudFormation writes it
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html)
// and the stack rolls back, deleting the failed resource.
func TestDeployCustomResource(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "customresource"))
	out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "seeded", "--capabilities", "CAPABILITY_IAM")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var outputs []struct{ OutputKey, OutputValue string }
	if err := json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "seeded",
		"--query", "Stacks[0].Outputs")), &outputs); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range outputs {
		got[o.OutputKey] = o.OutputValue
	}
	if got["SeededRows"] != "42" || got["SeedId"] != "seed-orders" {
		t.Errorf("outputs %v, want SeededRows 42 and SeedId seed-orders", got)
	}

	out, err = b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "unseeded", "--capabilities", "CAPABILITY_IAM",
		"--parameter-overrides", "Mode=fail")
	if err == nil {
		t.Fatalf("a FAILED custom resource deployed:\n%s", out)
	}
	var events []struct {
		LogicalResourceId, PhysicalResourceId, ResourceStatus string
		ResourceStatusReason                                  *string
	}
	if err := json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stack-events", "--stack-name", "unseeded",
		"--query", "StackEvents")), &events); err != nil {
		t.Fatal(err)
	}
	var seed []string
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.LogicalResourceId == "Seed" {
			reason := ""
			if e.ResourceStatusReason != nil {
				reason = *e.ResourceStatusReason
			}
			seed = append(seed, e.ResourceStatus+" | "+reason)
		}
	}
	// cfnresponse names the resource after the function's log stream when
	// the function gives no id; the rollback sends that id a Delete.
	failed := regexp.MustCompile(`^CREATE_FAILED \| Received response status \[FAILED\] from custom resource\. Message returned: seed table orders is locked \(RequestId: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$`)
	if len(seed) != 4 || seed[0] != "CREATE_IN_PROGRESS | " || !failed.MatchString(seed[1]) ||
		seed[2] != "DELETE_IN_PROGRESS | " || seed[3] != "DELETE_COMPLETE | " {
		t.Errorf("Seed events, oldest first:\n%q", seed)
	}
	status := b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "unseeded", "--query", "Stacks[0].StackStatus", "--output", "text")
	if status != "ROLLBACK_COMPLETE\n" && status != "ROLLBACK_COMPLETE" {
		t.Errorf("stack status %q", status)
	}
}
