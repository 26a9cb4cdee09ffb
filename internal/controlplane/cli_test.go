package controlplane_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

// The real aws CLI (v1, botocore) parses what the handler writes.

// runCLI runs aws with the credentials aliased alias against url; it
// returns stdout, stderr and whether the command succeeded.
func (e *testEnv) runCLI(t *testing.T, bin, url, alias string, args ...string) (string, string, bool) {
	k := e.keys[alias]
	t.Helper()
	home := t.TempDir()
	cmd := exec.CommandContext(t.Context(), bin, append(args, "--endpoint-url", url, "--output", "json")...)
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=" + k.ID, "AWS_SECRET_ACCESS_KEY=" + k.Secret, "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1",
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err == nil
}

// checkJSONPaths compares the values at want's paths in the JSON stdout.
func checkJSONPaths(t *testing.T, stdout string, want map[string]string) {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout not JSON: %v\n%s", err, stdout)
	}
	got := map[string]string{}
	for path := range want {
		got[path] = jsonPath(doc, path)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got)\n%s\n%s", d, stdout)
	}
}

func TestCLI(t *testing.T) {
	t.Parallel()
	bin := testutil.NeedCommand(t, "aws")
	e := newClientEnv(t)
	e.seedStack(t)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close) // after the parallel subtests

	tests := []struct {
		name string
		key  string
		args []string
		// want maps a JSON path (dot separated) of stdout to its value.
		want map[string]string
	}{
		{"get-user", rootKey, []string{"iam", "get-user", "--user-name", "api-gateway-user"},
			map[string]string{"User.UserName": "api-gateway-user", "User.Arn": apiUserARN, "User.CreateDate": "2026-11-25T11:00:00Z"}},
		{"create-access-key", rootKey, []string{"iam", "create-access-key", "--user-name", "api-gateway-user"},
			map[string]string{"AccessKey.UserName": "api-gateway-user", "AccessKey.Status": "Active"}},
		{"get-caller-identity", userKey, []string{"sts", "get-caller-identity"},
			map[string]string{"Account": acct, "Arn": apiUserARN, "UserId": "{{api-gateway-user}}"}},
		{"describe-stacks", rootKey, []string{"cloudformation", "describe-stacks", "--stack-name", "Api-IAM-Sample-Stack"},
			map[string]string{"Stacks.0.StackStatus": "CREATE_COMPLETE",
				"Stacks.0.Outputs.0.OutputValue": "https://abc123.execute-api.us-east-1.amazonaws.com/v1/hello"}},
		{"get-role decodes trust policy", rootKey, []string{"iam", "get-role", "--role-name", "deployer"},
			map[string]string{"Role.AssumeRolePolicyDocument.Statement.0.Principal.AWS": apiUserARN}},
	}
	// Each case reads what the fixture made or adds what no other reads:
	// they run side by side (an aws CLI start-up takes seconds).
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, ok := e.runCLI(t, bin, srv.URL, tt.key, tt.args...)
			if !ok {
				t.Fatalf("aws failed: %s", stderr)
			}
			want := map[string]string{}
			for k, v := range tt.want {
				want[k] = e.userIDs(t, v)
			}
			checkJSONPaths(t, stdout, want)
			if tt.name == "create-access-key" {
				// The secret printed is the one IAM verifies signatures with.
				id, secret := jsonField(t, stdout, "AccessKey.AccessKeyId"), jsonField(t, stdout, "AccessKey.SecretAccessKey")
				if ki, ok, err := e.ids.IAM.LookupKey(t.Context(), id); err != nil || !ok || ki.Secret != secret {
					t.Errorf("key %s: %v %v, secret differs", id, ok, err)
				}
			}
		})
	}
	t.Run("denied", func(t *testing.T) {
		t.Parallel()
		_, stderr, ok := e.runCLI(t, bin, srv.URL, userKey, "iam", "create-user", "--user-name", "bob")
		want := "An error occurred (AccessDenied) when calling the CreateUser operation: User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/bob because no identity-based policy allows the iam:CreateUser action"
		if ok || strings.TrimSpace(stderr) != want {
			t.Errorf("ok=%v stderr:\n%s", ok, stderr)
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		t.Parallel()
		_, stderr, ok := e.runCLI(t, bin, srv.URL, unknownKey, "iam", "list-users")
		if ok || !strings.Contains(stderr, "(InvalidClientTokenId) when calling the ListUsers operation: The security token included in the request is invalid.") {
			t.Errorf("ok=%v stderr:\n%s", ok, stderr)
		}
	})
}

func jsonField(t *testing.T, stdout, path string) string {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout not JSON: %v\n%s", err, stdout)
	}
	return jsonPath(doc, path)
}

// jsonPath follows a dot-separated path of keys and indices into doc.
func jsonPath(doc any, path string) string {
	for _, part := range strings.Split(path, ".") {
		switch v := doc.(type) {
		case map[string]any:
			doc = v[part]
		case []any:
			i := 0
			for _, c := range part {
				i = i*10 + int(c-'0')
			}
			if i >= len(v) {
				return "<missing>"
			}
			doc = v[i]
		default:
			return "<missing>"
		}
	}
	if s, ok := doc.(string); ok {
		return s
	}
	b, _ := json.Marshal(doc)
	return string(b)
}
