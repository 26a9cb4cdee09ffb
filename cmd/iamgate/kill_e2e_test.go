package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// TestKillMidDeploy kills `iamgate serve` (SIGKILL) while it creates one
// stack and updates another, restarts it over the same data dir, and
// checks with the aws CLI that both were resolved as CloudFormation
// resolves an operation that cannot go on: the create rolled back
// (ROLLBACK_COMPLETE, nothing left), the update rolled back
// (UPDATE_ROLLBACK_COMPLETE, the previous resource, property and template
// restored, every added resource deleted). A resource whose creation was
// under way at the kill is reported "Resource creation cancelled" and is
// the only one allowed to remain.
func TestKillMidDeploy(t *testing.T) {
	needE2E(t)
	bin, dir := buildBinary(t), t.TempDir()
	dataDir := filepath.Join(t.TempDir(), "data")
	b := serveAt(t, bin, dir, dataDir)
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const keep = "  Keep:\n    Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: kill-upd-keep, RetentionInDays: %d}\n"
	write("v1.yaml", "Resources:\n"+fmt.Sprintf(keep, 7))
	write("v2.yaml", "Resources:\n"+fmt.Sprintf(keep, 30)+manyGroups("upd", "Keep"))
	write("big.yaml", "Resources:\n"+manyGroups("crt", ""))
	write("again.yaml", "Resources:\n  Again:\n    Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: kill-crt-again}\n")
	b.mustAWS(t, "cloudformation", "deploy", "--template-file", "v1.yaml", "--stack-name", "upd")

	var clients []*exec.Cmd
	for _, args := range [][]string{
		{"cloudformation", "update-stack", "--stack-name", "upd", "--template-body", "file://v2.yaml"},
		{"cloudformation", "create-stack", "--stack-name", "crt", "--template-body", "file://big.yaml"},
	} {
		cmd := exec.Command("aws", args...)
		cmd.Dir, cmd.Env = dir, b.env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, cmd)
	}
	waitForProgress(t, b, "upd", "crt")
	if err := b.proc.Kill(); err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		_ = c.Wait() // their connection is cut: either answer is fine
	}

	b = serveAt(t, bin, dir, dataDir)
	cases := []struct {
		stack, status string
		resources     []string
	}{
		{"upd", "UPDATE_ROLLBACK_COMPLETE", []string{"Keep"}},
		{"crt", "ROLLBACK_COMPLETE", nil},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			if got := settleCLI(t, b, tc.stack); got != tc.status {
				t.Fatalf("status %s, want %s", got, tc.status)
			}
			var res struct {
				StackResources []struct{ LogicalResourceId string }
			}
			decodeJSON(t, b.mustAWS(t, "cloudformation", "describe-stack-resources", "--stack-name", tc.stack), &res)
			var ids []string
			for _, r := range res.StackResources {
				ids = append(ids, r.LogicalResourceId)
			}
			if strings.Join(ids, ",") != strings.Join(tc.resources, ",") {
				t.Errorf("resources %v, want %v", ids, tc.resources)
			}
			var evs struct {
				StackEvents []struct{ LogicalResourceId, ResourceStatus, ResourceStatusReason string }
			}
			decodeJSON(t, b.mustAWS(t, "cloudformation", "describe-stack-events", "--stack-name", tc.stack), &evs)
			cancelled := map[string]bool{}
			interrupted := false
			for _, ev := range evs.StackEvents {
				if ev.ResourceStatusReason == "Resource creation cancelled" {
					cancelled["kill-"+tc.stack+"-"+strings.ToLower(ev.LogicalResourceId)] = true
				}
				if ev.LogicalResourceId == tc.stack && strings.Contains(ev.ResourceStatusReason, "interrupted") {
					interrupted = true
				}
			}
			if !interrupted {
				t.Error("no stack event says the operation was interrupted")
			}
			var groups struct {
				LogGroups []struct {
					LogGroupName    string
					RetentionInDays int
				}
			}
			decodeJSON(t, b.mustAWS(t, "logs", "describe-log-groups", "--log-group-name-prefix", "kill-"+tc.stack+"-"), &groups)
			for _, g := range groups.LogGroups {
				switch {
				case g.LogGroupName == "kill-upd-keep":
					if g.RetentionInDays != 7 {
						t.Errorf("kept log group's retention %d, want 7 restored", g.RetentionInDays)
					}
				case !cancelled[g.LogGroupName]:
					t.Errorf("log group %s left behind by the rollback", g.LogGroupName)
				}
			}
		})
	}
	t.Run("template restored", func(t *testing.T) {
		out := b.mustAWS(t, "cloudformation", "get-template", "--stack-name", "upd", "--query", "TemplateBody", "--output", "text")
		if !strings.Contains(out, "RetentionInDays: 7") || strings.Contains(out, "G001") {
			t.Errorf("template after the rollback:\n%s", out)
		}
	})
	t.Run("stack usable again", func(t *testing.T) {
		b.mustAWS(t, "cloudformation", "delete-stack", "--stack-name", "crt")
		b.mustAWS(t, "cloudformation", "deploy", "--template-file", "again.yaml", "--stack-name", "crt")
	})
}

// manyGroups is enough log groups that a deployment lasts long enough to
// be killed in the middle (CloudFormation's limit is 500 resources).
func manyGroups(stack, dependsOn string) string {
	var sb strings.Builder
	for i := 1; i <= 400; i++ {
		dep := ""
		if dependsOn != "" {
			dep = ", DependsOn: " + dependsOn
		}
		fmt.Fprintf(&sb, "  G%03d: {Type: AWS::Logs::LogGroup%s, Properties: {LogGroupName: kill-%s-g%03d}}\n", i, dep, stack, i)
	}
	return sb.String()
}

// waitForProgress polls (with the SDK, faster than the CLI) until every
// stack is in progress with some resources done.
func waitForProgress(t *testing.T, b *blog, stacks ...string) {
	t.Helper()
	c := cfnClient(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, name := range stacks {
		for {
			out, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(name)})
			if ctx.Err() != nil {
				t.Fatalf("stack %s: no progress within 60s: %v", name, err)
			}
			done := 0
			if err == nil {
				for _, ev := range out.StackEvents {
					if strings.HasPrefix(aws.ToString(ev.LogicalResourceId), "G") && ev.ResourceStatus == "CREATE_COMPLETE" {
						done++
					}
				}
			}
			if done >= 20 {
				break
			}
		}
	}
	for _, name := range stacks {
		out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
		if err != nil || !strings.HasSuffix(string(out.Stacks[0].StackStatus), "_IN_PROGRESS") {
			t.Fatalf("stack %s finished before the kill (%v): the template is not slow enough", name, err)
		}
	}
}

func cfnClient(t *testing.T, b *blog) *cloudformation.Client {
	t.Helper()
	env := map[string]string{}
	for _, kv := range b.env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return cloudformation.New(cloudformation.Options{Region: "us-east-1", BaseEndpoint: aws.String(b.endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "")})
}

// settleCLI polls a stack with the aws CLI until it leaves *_IN_PROGRESS.
func settleCLI(t *testing.T, b *blog, name string) string {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		status := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", name,
			"--query", "Stacks[0].StackStatus", "--output", "text"))
		if !strings.HasSuffix(status, "_IN_PROGRESS") {
			return status
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack %s still %s after 90s", name, status)
		}
	}
}

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
}
