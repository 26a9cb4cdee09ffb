package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// awsAs runs the aws CLI against the app with c's credentials; it returns
// the output and the error text.
func (a *app) awsAs(c creds, args ...string) (string, string, error) {
	cmd := exec.Command("aws", args...)
	env := []string{}
	for _, kv := range a.awsEnv() {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") && !strings.HasPrefix(kv, "AWS_SESSION_TOKEN=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "AWS_ACCESS_KEY_ID="+c.id, "AWS_SECRET_ACCESS_KEY="+c.secret)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return string(out), stderr.String(), err
}

// TestPolicySuggest is issue 17's "Done when" for suggestions: a user with
// no permissions is audited while it calls the seed's API and the control
// plane with real clients; `policy suggest` turns the recorded decisions
// into a policy; applied, and with the server restarted in enforce mode
// (the decisions survive it), the same traffic passes and one call more is
// denied.
func TestPolicySuggest(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dir := copyExample(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	a := startUp(t, bin, dir, dataDir, anyPort, "--iam-mode", "audit:user/app-user")
	a.aws("iam", "create-user", "--user-name", "app-user")
	k := a.createKey("app-user")
	user := creds{id: k.AccessKey.AccessKeyID, secret: k.AccessKey.SecretAccessKey}

	traffic := func(a *app) []string {
		var problems []string
		for _, u := range []string{a.pathURL, a.hostURL} {
			if status, body, err := curlSigV4(u, user); err != nil || status != 200 || body != helloBody {
				problems = append(problems, u+": "+body)
			}
		}
		for _, args := range [][]string{
			{"cloudformation", "describe-stacks", "--stack-name", "Api-IAM-Sample-Stack"},
			{"iam", "get-user", "--user-name", "app-user"},
			{"iam", "get-user", "--user-name", "api-gateway-user"},
		} {
			if _, errOut, err := a.awsAs(user, args...); err != nil {
				problems = append(problems, strings.Join(args, " ")+": "+errOut)
			}
		}
		return problems
	}
	if p := traffic(a); len(p) > 0 {
		t.Fatalf("audit mode did not serve the traffic: %q", p)
	}

	out, err := a.iamgate("policy", "suggest", "--principal", "user/app-user", "--diff")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("policy suggest --diff:\n%s", out)
	doc, diff, _ := strings.Cut(out, "\nGranted and unused:\n")
	want := `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Cloudformation",
            "Effect": "Allow",
            "Action": "cloudformation:DescribeStacks",
            "Resource": "arn:aws:cloudformation:us-east-1:000000000000:stack/Api-IAM-Sample-Stack/*"
        },
        {
            "Sid": "ExecuteApi",
            "Effect": "Allow",
            "Action": "execute-api:Invoke",
            "Resource": "arn:aws:execute-api:us-east-1:000000000000:` + a.apiID + `/v1/GET/hello"
        },
        {
            "Sid": "Iam",
            "Effect": "Allow",
            "Action": "iam:GetUser",
            "Resource": "arn:aws:iam::000000000000:user/*"
        }
    ]
}
`
	if d := cmp.Diff(want, doc); d != "" {
		t.Fatalf("suggested policy (-want +got):\n%s\nfull output:\n%s", d, out)
	}
	for _, line := range []string{"  (none)\n\nDenied and needed:\n",
		"  execute-api:Invoke on arn:aws:execute-api:us-east-1:000000000000:" + a.apiID + "/v1/GET/hello\n",
		"  iam:GetUser on arn:aws:iam::000000000000:user/app-user\n"} {
		if !strings.Contains(diff, line) {
			t.Errorf("--diff lacks %q:\n%s", line, diff)
		}
	}

	policy := filepath.Join(t.TempDir(), "suggested.json")
	if err := os.WriteFile(policy, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	a.aws("iam", "put-user-policy", "--user-name", "app-user", "--policy-name", "suggested", "--policy-document", "file://"+policy)
	a.stop()

	// Enforce mode, same data dir: the policy is all the user has.
	b := startUp(t, bin, dir, dataDir, anyPort)
	defer b.stop()
	if b.apiID != a.apiID {
		t.Fatalf("the API changed across the restart: %s then %s", a.apiID, b.apiID)
	}
	if p := traffic(b); len(p) > 0 {
		t.Fatalf("the suggested policy does not let the same traffic through: %q", p)
	}
	if _, errOut, err := b.awsAs(user, "iam", "list-users"); err == nil || !strings.Contains(errOut, "AccessDenied") ||
		!strings.Contains(errOut, "is not authorized to perform: iam:ListUsers") {
		t.Fatalf("one call more is not denied: %v %s", err, errOut)
	}
	out, err = b.iamgate("policy", "suggest", "--principal", "app-user", "--diff")
	if err != nil {
		t.Fatal(err)
	}
	// Recorded before and after the restart: the denied ListUsers is needed.
	if !strings.Contains(out, "\"iam:ListUsers\"") && !strings.Contains(out, "iam:ListUsers on *") {
		t.Errorf("ListUsers after the restart is missing:\n%s", out)
	}
}
