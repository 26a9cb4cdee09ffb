package controlplane

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

// runCLI runs aws with key's credentials against url; it returns stdout,
// stderr and whether the command succeeded.
func runCLI(t *testing.T, bin, url, key string, args ...string) (string, string, bool) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.CommandContext(t.Context(), bin, append(args, "--endpoint-url", url, "--output", "json")...)
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
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
	bin := testutil.NeedCommand(t, "aws")
	e := newEnv()
	srv := httptest.NewServer(e.h)
	defer srv.Close()

	tests := []struct {
		name string
		key  string
		args []string
		// want maps a JSON path (dot separated) of stdout to its value.
		want map[string]string
	}{
		{"get-user", "AKIAROOT", []string{"iam", "get-user", "--user-name", "api-gateway-user"},
			map[string]string{"User.UserName": "api-gateway-user", "User.Arn": apiUser.ARN, "User.CreateDate": "2026-11-25T11:00:00Z"}},
		{"create-access-key", "AKIAROOT", []string{"iam", "create-access-key", "--user-name", "api-gateway-user"},
			map[string]string{"AccessKey.UserName": "api-gateway-user", "AccessKey.Status": "Active", "AccessKey.SecretAccessKey": "secret/api-gateway-user"}},
		{"get-caller-identity", "AKIAAPIUSER", []string{"sts", "get-caller-identity"},
			map[string]string{"Account": acct, "Arn": apiUser.ARN, "UserId": "AIDAAPIUSER"}},
		{"describe-stacks", "AKIAROOT", []string{"cloudformation", "describe-stacks", "--stack-name", "Api-IAM-Sample-Stack"},
			map[string]string{"Stacks.0.StackStatus": "CREATE_COMPLETE",
				"Stacks.0.Outputs.0.OutputValue": "https://abc123.execute-api.us-east-1.amazonaws.com/v1/hello"}},
		{"get-role decodes trust policy", "AKIAROOT", []string{"iam", "get-role", "--role-name", "deployer"},
			map[string]string{"Role.AssumeRolePolicyDocument.Statement.0.Principal.AWS": apiUser.ARN}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, ok := runCLI(t, bin, srv.URL, tt.key, tt.args...)
			if !ok {
				t.Fatalf("aws failed: %s", stderr)
			}
			checkJSONPaths(t, stdout, tt.want)
		})
	}
	t.Run("denied", func(t *testing.T) {
		_, stderr, ok := runCLI(t, bin, srv.URL, "AKIAAPIUSER", "iam", "create-user", "--user-name", "bob")
		want := "An error occurred (AccessDenied) when calling the CreateUser operation: User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/bob because no identity-based policy allows the iam:CreateUser action"
		if ok || strings.TrimSpace(stderr) != want {
			t.Errorf("ok=%v stderr:\n%s", ok, stderr)
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		_, stderr, ok := runCLI(t, bin, srv.URL, "AKIANOBODY", "iam", "list-users")
		if ok || !strings.Contains(stderr, "(InvalidClientTokenId) when calling the ListUsers operation: The security token included in the request is invalid.") {
			t.Errorf("ok=%v stderr:\n%s", ok, stderr)
		}
	})
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
