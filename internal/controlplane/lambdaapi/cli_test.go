package lambdaapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

// TestCLIFunctions drives the read and invoke operations with the real
// aws CLI and checks the parsed shapes.
func TestCLIFunctions(t *testing.T) {
	e := newEnv(t)
	e.deploy(t, "HelloWorldFunction")
	e.deploy(t, "boom")
	arn := "arn:aws:lambda:us-east-1:" + acct + ":function:HelloWorldFunction"

	t.Run("list-functions", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "lambda", "list-functions"))
		fns := m["Functions"].([]any)
		if len(fns) != 2 || fns[0].(map[string]any)["FunctionName"] != "HelloWorldFunction" {
			t.Errorf("list-functions = %v", m)
		}
	})
	t.Run("get-function-configuration", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "lambda", "get-function-configuration", "--function-name", arn))
		got := map[string]any{}
		for _, k := range []string{"FunctionName", "FunctionArn", "Runtime", "Handler", "Timeout", "MemorySize", "Version", "State", "PackageType"} {
			got[k] = m[k]
		}
		want := map[string]any{"FunctionName": "HelloWorldFunction", "FunctionArn": arn, "Runtime": "python3.12",
			"Handler": "app.lambda_handler", "Timeout": 3.0, "MemorySize": 128.0, "Version": "$LATEST",
			"State": "Active", "PackageType": "Zip"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000-0700", m["LastModified"].(string)); err != nil {
			t.Errorf("LastModified %q: %v", m["LastModified"], err)
		}
	})
	t.Run("get-function", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "lambda", "get-function", "--function-name", "HelloWorldFunction"))
		if m["Configuration"].(map[string]any)["FunctionArn"] != arn || m["Code"].(map[string]any)["RepositoryType"] != "S3" {
			t.Errorf("get-function = %v", m)
		}
	})
	invoke := func(t *testing.T, name string, extra ...string) (map[string]any, string) {
		out := filepath.Join(t.TempDir(), "out.json")
		args := append([]string{"lambda", "invoke", "--function-name", name, "--payload", `{"a":1}`}, extra...)
		m := decode(t, e.Must(t, e.Root, append(args, out)...))
		b, _ := os.ReadFile(out)
		return m, string(b)
	}
	t.Run("invoke", func(t *testing.T) {
		m, payload := invoke(t, "HelloWorldFunction")
		if diff := cmp.Diff(map[string]any{"StatusCode": 200.0, "ExecutedVersion": "$LATEST"}, m); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if payload != `{"echo":{"a":1}}` {
			t.Errorf("payload = %s", payload)
		}
		<-e.inv.calls
	})
	t.Run("invoke tail and function error", func(t *testing.T) {
		m, payload := invoke(t, "boom", "--log-type", "Tail")
		if m["FunctionError"] != "Unhandled" || !strings.HasPrefix(m["LogResult"].(string), "U1RBUlQg") {
			t.Errorf("invoke = %v", m)
		}
		if !strings.Contains(payload, `"errorMessage":"boom"`) {
			t.Errorf("payload = %s", payload)
		}
		<-e.inv.calls
	})
	t.Run("invoke event", func(t *testing.T) {
		m, _ := invoke(t, "HelloWorldFunction", "--invocation-type", "Event")
		if m["StatusCode"] != 202.0 {
			t.Errorf("invoke = %v", m)
		}
		select {
		case got := <-e.inv.calls:
			if got != `HelloWorldFunction {"a":1}` {
				t.Errorf("async call = %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the Event invocation never ran")
		}
	})
	t.Run("invoke dry run", func(t *testing.T) {
		m, _ := invoke(t, "HelloWorldFunction", "--invocation-type", "DryRun")
		if m["StatusCode"] != 204.0 {
			t.Errorf("invoke = %v", m)
		}
	})
	t.Run("not found", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "lambda", "get-function", "--function-name", "nope")
		want := "An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: arn:aws:lambda:us-east-1:" + acct + ":function:nope"
		if err == nil || strings.TrimSpace(stderr) != want {
			t.Errorf("stderr = %q, want %q", stderr, want)
		}
	})
}

// TestCLIPermissions adds, reads and removes a resource-policy statement.
func TestCLIPermissions(t *testing.T) {
	e := newEnv(t)
	e.deploy(t, "fn")
	out := decode(t, e.Must(t, e.Root, "lambda", "add-permission", "--function-name", "fn", "--statement-id", "apigw",
		"--action", "lambda:InvokeFunction", "--principal", "apigateway.amazonaws.com",
		"--source-arn", "arn:aws:execute-api:us-east-1:"+acct+":abc/*/GET/hello"))
	var st map[string]any
	if err := json.Unmarshal([]byte(out["Statement"].(string)), &st); err != nil {
		t.Fatal(err)
	}
	if st["Sid"] != "apigw" || st["Effect"] != "Allow" {
		t.Errorf("statement = %v", st)
	}
	pol := decode(t, e.Must(t, e.Root, "lambda", "get-policy", "--function-name", "fn"))
	if !strings.Contains(pol["Policy"].(string), `"Sid":"apigw"`) {
		t.Errorf("get-policy = %v", pol)
	}
	_, stderr, err := e.AWS(t, e.Root, "lambda", "add-permission", "--function-name", "fn", "--statement-id", "apigw",
		"--action", "lambda:InvokeFunction", "--principal", "s3.amazonaws.com")
	if err == nil || !strings.Contains(stderr, "(ResourceConflictException)") {
		t.Errorf("duplicate add-permission: %v %s", err, stderr)
	}
	e.Must(t, e.Root, "lambda", "remove-permission", "--function-name", "fn", "--statement-id", "apigw")
	_, stderr, err = e.AWS(t, e.Root, "lambda", "get-policy", "--function-name", "fn")
	if err == nil || !strings.Contains(stderr, "(ResourceNotFoundException) when calling the GetPolicy operation: The resource you requested does not exist.") {
		t.Errorf("get-policy after remove: %v %s", err, stderr)
	}
}

// TestCLICreateDelete creates a function from a zip file, updates its code
// and deletes it.
func TestCLICreateDelete(t *testing.T) {
	e := newEnv(t)
	zipPath := filepath.Join(e.Home, "code.zip")
	if err := os.WriteFile(zipPath, zipOf(t, "app.py", "def h(e, c): return 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.role(t, "r", "lambda.amazonaws.com")
	m := decode(t, e.Must(t, e.Root, "lambda", "create-function", "--function-name", "made", "--runtime", "python3.12",
		"--handler", "app.h", "--role", "arn:aws:iam::"+acct+":role/r", "--zip-file", "fileb://"+zipPath,
		"--environment", "Variables={A=b}"))
	if m["FunctionName"] != "made" || m["Environment"].(map[string]any)["Variables"].(map[string]any)["A"] != "b" {
		t.Errorf("create-function = %v", m)
	}
	_, stderr, err := e.AWS(t, e.Root, "lambda", "create-function", "--function-name", "made", "--runtime", "python3.12",
		"--handler", "app.h", "--role", "arn:aws:iam::"+acct+":role/r", "--zip-file", "fileb://"+zipPath)
	if err == nil || !strings.Contains(stderr, "(ResourceConflictException) when calling the CreateFunction operation: Function already exist: made") {
		t.Errorf("second create: %v %s", err, stderr)
	}
	if err := os.WriteFile(zipPath, zipOf(t, "app.py", "def h(e, c): return 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	up := decode(t, e.Must(t, e.Root, "lambda", "update-function-code", "--function-name", "made", "--zip-file", "fileb://"+zipPath))
	if up["CodeSha256"] == m["CodeSha256"] {
		t.Error("update-function-code kept the old CodeSha256")
	}
	e.Must(t, e.Root, "lambda", "delete-function", "--function-name", "made")
	if _, _, err := e.AWS(t, e.Root, "lambda", "get-function", "--function-name", "made"); err == nil {
		t.Error("function still there after delete-function")
	}
}

// TestCLIDenied checks Lambda's AccessDeniedException wording for a user
// without policies.
func TestCLIDenied(t *testing.T) {
	e := newEnv(t)
	e.deploy(t, "fn")
	user := "arn:aws:iam::" + acct + ":user/api-gateway-user"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"invoke", []string{"lambda", "invoke", "--function-name", "fn", filepath.Join(e.Home, "o.json")},
			"An error occurred (AccessDeniedException) when calling the Invoke operation: User: " + user +
				" is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:" + acct +
				":function:fn because no identity-based policy allows the lambda:InvokeFunction action"},
		{"list", []string{"lambda", "list-functions"},
			"An error occurred (AccessDeniedException) when calling the ListFunctions operation: User: " + user +
				" is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := e.AWS(t, e.User, tc.args...)
			if err == nil {
				t.Fatal("aws succeeded; want AccessDeniedException")
			}
			if got := strings.TrimSpace(stderr); got != tc.want {
				t.Errorf("stderr:\n%s", cmp.Diff(tc.want, got))
			}
		})
	}
}

// TestCLIFunctionOfAnotherRegion: a FunctionName ARN of another region
// names no function of this endpoint, even when one of this region has the
// name. Lambda answers ResourceNotFoundException "Functions from 'us-east-1'
// are not reachable in this region ('us-west-1')"
// (https://github.com/alexcasalboni/aws-lambda-power-tuning/issues/18,
// https://github.com/Tim-B/grunt-aws-lambda/pull/83); iamgate served
// us-east-1's fn for it.
func TestCLIFunctionOfAnotherRegion(t *testing.T) {
	e := newEnv(t)
	e.deploy(t, "fn")
	other := "arn:aws:lambda:us-west-2:" + acct + ":function:fn"
	for _, op := range [][]string{
		{"get-function", "GetFunction", "--function-name", other},
		{"invoke", "Invoke", "--function-name", other, os.DevNull},
		{"delete-function", "DeleteFunction", "--function-name", other},
	} {
		_, stderr, err := e.AWS(t, e.Root, append([]string{"lambda", op[0]}, op[2:]...)...)
		want := "An error occurred (ResourceNotFoundException) when calling the " + op[1] +
			" operation: Functions from 'us-west-2' are not reachable in this region ('us-east-1')"
		if err == nil || strings.TrimSpace(stderr) != want {
			t.Errorf("%s: stderr = %q, want %q", op[0], stderr, want)
		}
	}
	// The function is still there, and still reached by its own ARN, with
	// or without its region (the pattern lets it out).
	e.Must(t, e.Root, "lambda", "get-function", "--function-name", "arn:aws:lambda:us-east-1:"+acct+":function:fn")
	e.Must(t, e.Root, "lambda", "get-function", "--function-name", "arn:aws:lambda:"+acct+":function:fn")
}

// TestCLIFunctionOfAnotherAccount: a FunctionName ARN (or partial ARN) of
// another account is that account's function, not this account's function
// of the same name. A cross-account call needs the function's
// resource-based policy to allow it ("Granting function access to other
// accounts",
// https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html),
// so even the root is refused, with IAM's denial on the other account's ARN.
func TestCLIFunctionOfAnotherAccount(t *testing.T) {
	e := newEnv(t)
	e.deploy(t, "fn")
	const other = "111111111111"
	for _, tc := range []struct{ cli, op, action, name string }{
		{"get-function", "GetFunction", "lambda:GetFunction", "arn:aws:lambda:us-east-1:" + other + ":function:fn"},
		{"invoke", "Invoke", "lambda:InvokeFunction", other + ":function:fn"},
		{"delete-function", "DeleteFunction", "lambda:DeleteFunction", "arn:aws:lambda:us-east-1:" + other + ":function:fn:live"},
	} {
		args := []string{"lambda", tc.cli, "--function-name", tc.name}
		if tc.cli == "invoke" {
			args = append(args, os.DevNull)
		}
		_, stderr, err := e.AWS(t, e.Root, args...)
		resource := "arn:aws:lambda:us-east-1:" + other + ":function:fn"
		if strings.HasSuffix(tc.name, ":live") {
			resource += ":live"
		}
		want := "An error occurred (AccessDeniedException) when calling the " + tc.op + " operation: User: arn:aws:iam::" + acct +
			":root is not authorized to perform: " + tc.action + " on resource: " + resource + " because no resource-based policy allows the " + tc.action + " action"
		if err == nil || strings.TrimSpace(stderr) != want {
			t.Errorf("%s: stderr = %q\nwant %q", tc.cli, stderr, want)
		}
	}
	// This account's fn is untouched, and its own account's ARN reaches it.
	e.Must(t, e.Root, "lambda", "get-function", "--function-name", acct+":function:fn")
}
