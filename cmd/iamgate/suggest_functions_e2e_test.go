package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/testutil"
)

// copyTestdata copies cmd/iamgate/testdata/NAME into a temporary directory.
func copyTestdata(t *testing.T, name string) string {
	t.Helper()
	return copyTree(t, filepath.Join(testutil.RepoRoot(t), "cmd", "iamgate", "testdata", name))
}

type fnCall struct {
	Status   int    `json:"status"`
	Decision string `json:"decision"`
}

// invokeCalls invokes a function of testdata/multifn with `aws lambda
// invoke` and returns what its AWS calls answered.
func (a *app) invokeCalls(logicalID string) []fnCall {
	a.t.Helper()
	name := strings.TrimSpace(string(a.aws("cloudformation", "describe-stack-resource", "--stack-name", "multifn",
		"--logical-resource-id", logicalID, "--query", "StackResourceDetail.PhysicalResourceId", "--output", "text")))
	out := filepath.Join(a.t.TempDir(), "out.json")
	a.aws("lambda", "invoke", "--function-name", name, out)
	b, err := os.ReadFile(out)
	if err != nil {
		a.t.Fatal(err)
	}
	var calls []fnCall
	var proxy struct{ Body string }
	if json.Unmarshal(b, &proxy) == nil && proxy.Body != "" {
		b = []byte(proxy.Body)
	}
	if err := json.Unmarshal(b, &calls); err != nil || len(calls) == 0 {
		a.t.Fatalf("%s answered %s (%v)", logicalID, b, err)
	}
	return calls
}

// TestPolicySuggestFunctions: two functions call AWS APIs with their role
// credentials while the server audits; `policy suggest --principal
// Reader --stack multifn` turns the calls of Reader's role into a policy
// that, applied to the role and enforced after a restart, lets Reader's
// calls through while Peeker's (another role, not given it) stay denied.
func TestPolicySuggestFunctions(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dir := copyTestdata(t, "multifn")
	dataDir := filepath.Join(t.TempDir(), "data")
	a := startUp(t, bin, dir, dataDir, anyPort, "--iam-mode", "audit")
	for _, fn := range []string{"Reader", "Peeker"} {
		for i, c := range a.invokeCalls(fn) {
			if c.Status != 200 || c.Decision != "deny" {
				t.Fatalf("%s call %d in audit mode: %+v, want 200 served with x-iamgate-decision: deny", fn, i, c)
			}
		}
	}
	out, err := a.iamgate("policy", "suggest", "--principal", "Reader", "--stack", "multifn")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("suggested for Reader:\n%s", out)
	var policy struct {
		Statement []struct {
			Action, Resource any
		}
	}
	if err := json.Unmarshal([]byte(out), &policy); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	var actions []string
	for _, st := range policy.Statement {
		actions = append(actions, st.Action.(string))
		if st.Action == "lambda:GetFunction" && !strings.HasPrefix(st.Resource.(string), "arn:aws:lambda:us-east-1:000000000000:function:") {
			t.Errorf("GetFunction on %v, want the function's ARN", st.Resource)
		}
	}
	slices.Sort(actions)
	if !slices.Equal(actions, []string{"lambda:GetFunction", "logs:DescribeLogGroups"}) {
		t.Fatalf("actions %v, want lambda:GetFunction and logs:DescribeLogGroups:\n%s", actions, out)
	}

	role := strings.TrimSpace(string(a.aws("cloudformation", "describe-stack-resource", "--stack-name", "multifn",
		"--logical-resource-id", "ReaderRole", "--query", "StackResourceDetail.PhysicalResourceId", "--output", "text")))
	file := filepath.Join(t.TempDir(), "reader.json")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	a.aws("iam", "put-role-policy", "--role-name", role, "--policy-name", "suggested", "--policy-document", "file://"+file)
	a.stop()

	b := startUp(t, bin, dir, dataDir, anyPort)
	defer b.stop()
	for i, c := range b.invokeCalls("Reader") {
		if c.Status != 200 || c.Decision != "" {
			t.Errorf("Reader call %d enforced with the suggested policy: %+v, want 200", i, c)
		}
	}
	if c := b.invokeCalls("Peeker"); c[0].Status != 403 || c[0].Decision != "" {
		t.Errorf("Peeker's call enforced: %+v, want 403", c[0])
	}
}
