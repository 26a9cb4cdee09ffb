package lambdaapi

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/functions"
)

// TestCLIVersionsAndAliases drives PublishVersion, ListVersionsByFunction,
// CreateAlias, GetAlias, ListAliases, UpdateAlias, DeleteAlias, qualified
// Invoke and qualified permissions with the real aws CLI. Shapes and
// messages follow the Lambda API reference
// (https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html,
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html,
// https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html:
// "If you use a qualifier, the invoker must use the full ARN of that
// version or alias to invoke the function").
func TestCLIVersionsAndAliases(t *testing.T) {
	e := newEnv(t)
	e.deploy(t, "fn")
	arn := "arn:aws:lambda:us-east-1:" + acct + ":function:fn"
	v1 := decode(t, e.Must(t, e.Root, "lambda", "publish-version", "--function-name", "fn", "--description", "first"))
	if v1["Version"] != "1" || v1["FunctionArn"] != arn+":1" || v1["Description"] != "first" {
		t.Errorf("publish-version = %v", v1)
	}
	// Nothing changed: Lambda returns the last version instead of a new one.
	again := decode(t, e.Must(t, e.Root, "lambda", "publish-version", "--function-name", "fn"))
	if again["Version"] != "1" {
		t.Errorf("second publish-version without a change = %v", again["Version"])
	}
	_, stderr, err := e.AWS(t, e.Root, "lambda", "publish-version", "--function-name", "fn", "--code-sha256", "nope")
	if err == nil || !strings.Contains(stderr, "(InvalidParameterValueException) when calling the PublishVersion operation: CodeSHA256 (nope) is different from current CodeSHA256 in $LATEST") {
		t.Errorf("publish-version with a stale sha: %v %s", err, stderr)
	}
	if _, err := e.fns.Put(context.Background(), functions.Config{Name: "fn", Runtime: "python3.12", Handler: "app.lambda_handler",
		Role: "arn:aws:iam::" + acct + ":role/r"}, zipOf(t, "app.py", "def lambda_handler(e, c):\n    return 2\n")); err != nil {
		t.Fatal(err)
	}
	v2 := decode(t, e.Must(t, e.Root, "lambda", "publish-version", "--function-name", "fn"))
	if v2["Version"] != "2" || v2["CodeSha256"] == v1["CodeSha256"] {
		t.Errorf("publish-version after a code change = %v", v2)
	}
	list := decode(t, e.Must(t, e.Root, "lambda", "list-versions-by-function", "--function-name", "fn"))
	var versions []string
	for _, v := range list["Versions"].([]any) {
		versions = append(versions, v.(map[string]any)["Version"].(string))
	}
	if d := cmp.Diff([]string{"$LATEST", "1", "2"}, versions); d != "" {
		t.Errorf("list-versions-by-function (-want +got):\n%s", d)
	}

	alias := decode(t, e.Must(t, e.Root, "lambda", "create-alias", "--function-name", "fn", "--name", "live", "--function-version", "1"))
	if alias["AliasArn"] != arn+":live" || alias["FunctionVersion"] != "1" || alias["Name"] != "live" {
		t.Errorf("create-alias = %v", alias)
	}
	_, stderr, err = e.AWS(t, e.Root, "lambda", "create-alias", "--function-name", "fn", "--name", "live", "--function-version", "2")
	if err == nil || !strings.Contains(stderr, "(ResourceConflictException) when calling the CreateAlias operation: Alias already exists: "+arn+":live") {
		t.Errorf("second create-alias: %v %s", err, stderr)
	}
	_, stderr, err = e.AWS(t, e.Root, "lambda", "create-alias", "--function-name", "fn", "--name", "7", "--function-version", "2")
	if err == nil || !strings.Contains(stderr, "(ValidationException)") {
		t.Errorf("numeric alias name: %v %s", err, stderr)
	}
	invoke := func(name string, extra ...string) map[string]any {
		args := append([]string{"lambda", "invoke", "--function-name", name}, extra...)
		m := decode(t, e.Must(t, e.Root, append(args, filepath.Join(t.TempDir(), "out.json"))...))
		got := <-e.inv.calls
		m["ran"] = strings.Fields(got)[0]
		return m
	}
	for _, tc := range []struct {
		name  string
		extra []string
		want  string
	}{
		{"fn:live", nil, "1"}, {"fn", []string{"--qualifier", "live"}, "1"}, {arn + ":2", nil, "2"}, {"fn", nil, "$LATEST"},
	} {
		m := invoke(tc.name, tc.extra...)
		if m["ExecutedVersion"] != tc.want {
			t.Errorf("invoke %s %v: ExecutedVersion %v, want %s", tc.name, tc.extra, m["ExecutedVersion"], tc.want)
		}
		if want := map[string]string{"1": "fn:1", "2": "fn:2", "$LATEST": "fn"}[tc.want]; m["ran"] != want {
			t.Errorf("invoke %s ran %v, want %s", tc.name, m["ran"], want)
		}
	}
	_, stderr, err = e.AWS(t, e.Root, "lambda", "invoke", "--function-name", "fn:nope", filepath.Join(t.TempDir(), "o"))
	if err == nil || !strings.Contains(stderr, "(ResourceNotFoundException) when calling the Invoke operation: Function not found: "+arn+":nope") {
		t.Errorf("invoke of a missing alias: %v %s", err, stderr)
	}
	_, stderr, err = e.AWS(t, e.Root, "lambda", "invoke", "--function-name", "fn:live", "--qualifier", "2", filepath.Join(t.TempDir(), "o"))
	if err == nil || !strings.Contains(stderr, "The derived qualifier from the function name does not match the specified qualifier.") {
		t.Errorf("invoke with two qualifiers: %v %s", err, stderr)
	}

	up := decode(t, e.Must(t, e.Root, "lambda", "update-alias", "--function-name", "fn", "--name", "live", "--function-version", "2", "--description", "now 2"))
	if up["FunctionVersion"] != "2" || up["Description"] != "now 2" || up["RevisionId"] == alias["RevisionId"] {
		t.Errorf("update-alias = %v", up)
	}
	if m := invoke("fn:live"); m["ExecutedVersion"] != "2" {
		t.Errorf("invoke fn:live after update-alias ran %v", m["ExecutedVersion"])
	}
	aliases := decode(t, e.Must(t, e.Root, "lambda", "list-aliases", "--function-name", "fn", "--function-version", "2"))
	if n := len(aliases["Aliases"].([]any)); n != 1 {
		t.Errorf("list-aliases --function-version 2 = %v", aliases)
	}
	_, stderr, err = e.AWS(t, e.Root, "lambda", "delete-function", "--function-name", "fn", "--qualifier", "2")
	if err == nil || !strings.Contains(stderr, "(ResourceConflictException) when calling the DeleteFunction operation: Unable to delete version because the following aliases reference it: [live]") {
		t.Errorf("delete of an aliased version: %v %s", err, stderr)
	}

	// A statement on the alias lets its principal invoke the alias only.
	e.Must(t, e.Root, "lambda", "add-permission", "--function-name", "fn", "--qualifier", "live", "--statement-id", "user",
		"--action", "lambda:InvokeFunction", "--principal", "arn:aws:iam::"+acct+":user/"+cptest.UserName)
	pol := decode(t, e.Must(t, e.Root, "lambda", "get-policy", "--function-name", "fn:live"))
	if !strings.Contains(pol["Policy"].(string), `"Resource":"`+arn+`:live"`) {
		t.Errorf("get-policy of the alias = %v", pol)
	}
	if _, stderr, err := e.AWS(t, e.Root, "lambda", "get-policy", "--function-name", "fn"); err == nil || !strings.Contains(stderr, "(ResourceNotFoundException)") {
		t.Errorf("the function's own policy should be empty: %v %s", err, stderr)
	}
	out := filepath.Join(t.TempDir(), "o.json")
	m := decode(t, e.Must(t, e.User, "lambda", "invoke", "--function-name", "fn:live", out))
	<-e.inv.calls
	if m["ExecutedVersion"] != "2" {
		t.Errorf("user invoke of fn:live = %v", m)
	}
	for _, name := range []string{"fn", "fn:2"} {
		_, stderr, err := e.AWS(t, e.User, "lambda", "invoke", "--function-name", name, out)
		want := "is not authorized to perform: lambda:InvokeFunction on resource: " + strings.Replace(name, "fn", arn, 1) + " because no identity-based policy allows the lambda:InvokeFunction action"
		if err == nil || !strings.Contains(stderr, want) {
			t.Errorf("user invoke of %s: %v %s\nwant %s", name, err, stderr, want)
		}
	}
	e.Must(t, e.Root, "lambda", "delete-alias", "--function-name", "fn", "--name", "live")
	e.Must(t, e.Root, "lambda", "delete-function", "--function-name", "fn", "--qualifier", "1")
	list = decode(t, e.Must(t, e.Root, "lambda", "list-versions-by-function", "--function-name", "fn"))
	if n := len(list["Versions"].([]any)); n != 2 {
		t.Errorf("versions after deleting 1 = %v", list)
	}
	e.Must(t, e.Root, "lambda", "delete-function", "--function-name", "fn")
	if _, _, err := e.AWS(t, e.Root, "lambda", "get-function", "--function-name", "fn:2"); err == nil {
		t.Error("version 2 still there after delete-function")
	}
}
