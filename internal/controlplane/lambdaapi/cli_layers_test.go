package lambdaapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/functions"
)

// TestCLILayers drives the layer operations and a function's Layers with
// the real aws CLI. Shapes and messages follow the Lambda API reference
// (PublishLayerVersion, ListLayerVersions, GetLayerVersion,
// GetLayerVersionByArn, DeleteLayerVersion, UpdateFunctionConfiguration,
// https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html); the
// missing-layer texts are Lambda's as reported in
// https://github.com/keithrozario/Klayers/issues/76 ("Layer version ARN does
// not exist.") and https://github.com/aws-observability/aws-otel-lambda/issues/133
// ("The resource you requested does not exist.").
func TestCLILayers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	content := zipOf(t, "python/greet.py", "def hi():\n    return 'hi'\n")
	zipPath := filepath.Join(e.Home, "layer.zip")
	if err := os.WriteFile(zipPath, content, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	sha := base64.StdEncoding.EncodeToString(sum[:])
	layerARN := "arn:aws:lambda:us-east-1:" + acct + ":layer:greet"
	publish := func(desc string) map[string]any {
		return decode(t, e.Must(t, e.Root, "lambda", "publish-layer-version", "--layer-name", "greet", "--description", desc,
			"--zip-file", "fileb://"+zipPath, "--compatible-runtimes", "python3.12", "python3.11", "--license-info", "MIT"))
	}
	v1 := publish("first")
	created := v1["CreatedDate"]
	delete(v1, "CreatedDate")
	want := map[string]any{"Content": map[string]any{"CodeSha256": sha, "CodeSize": float64(len(content))},
		"LayerArn": layerARN, "LayerVersionArn": layerARN + ":1", "Description": "first", "Version": 1.0,
		"CompatibleRuntimes": []any{"python3.12", "python3.11"}, "LicenseInfo": "MIT"}
	if diff := cmp.Diff(want, v1); diff != "" {
		t.Errorf("publish-layer-version (-want +got):\n%s", diff)
	}
	if s, _ := created.(string); !strings.HasSuffix(s, "+0000") || len(s) != len("2018-11-27T15:10:45.123+0000") {
		t.Errorf("CreatedDate = %v", created)
	}
	if v2 := publish("second"); v2["Version"] != 2.0 || v2["LayerVersionArn"] != layerARN+":2" {
		t.Errorf("second publish = %v", v2)
	}

	t.Run("list-layer-versions", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "lambda", "list-layer-versions", "--layer-name", "greet"))
		var got []string
		for _, v := range m["LayerVersions"].([]any) {
			lv := v.(map[string]any)
			got = append(got, lv["LayerVersionArn"].(string)+" "+lv["Description"].(string))
		}
		if diff := cmp.Diff([]string{layerARN + ":2 second", layerARN + ":1 first"}, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		none := decode(t, e.Must(t, e.Root, "lambda", "list-layer-versions", "--layer-name", "greet", "--compatible-runtime", "nodejs20.x"))
		if diff := cmp.Diff(map[string]any{"LayerVersions": []any{}}, none); diff != "" {
			t.Errorf("filtered (-want +got):\n%s", diff)
		}
	})
	t.Run("list-layers", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "lambda", "list-layers"))
		ls := m["Layers"].([]any)
		if len(ls) != 1 || ls[0].(map[string]any)["LatestMatchingVersion"].(map[string]any)["Version"] != 2.0 {
			t.Errorf("list-layers = %v", m)
		}
	})
	t.Run("get-layer-version", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "lambda", "get-layer-version", "--layer-name", layerARN, "--version-number", "1"))
		b := decode(t, e.Must(t, e.Root, "lambda", "get-layer-version-by-arn", "--arn", layerARN+":1"))
		if m["Description"] != "first" || !cmp.Equal(m, b) {
			t.Errorf("get-layer-version = %v, by arn = %v", m, b)
		}
	})
	errs := []struct {
		name string
		args []string
		want string
	}{
		{"missing version", []string{"lambda", "get-layer-version", "--layer-name", "greet", "--version-number", "9"},
			"An error occurred (ResourceNotFoundException) when calling the GetLayerVersion operation: The resource you requested does not exist."},
		{"bad name", []string{"lambda", "list-layer-versions", "--layer-name", "a.b"},
			"An error occurred (ValidationException) when calling the ListLayerVersions operation: 1 validation error detected: Value 'a.b' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+"},
		{"missing layer on function", []string{"lambda", "create-function", "--function-name", "f2", "--runtime", "python3.12",
			"--handler", "app.h", "--role", "arn:aws:iam::" + acct + ":role/r", "--zip-file", "fileb://" + zipPath, "--layers", layerARN + ":7"},
			"An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: Layer version " + layerARN + ":7 does not exist."},
	}
	e.role(t, "r", "lambda.amazonaws.com")
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := e.AWS(t, e.Root, tc.args...)
			if got := strings.TrimSpace(stderr); err == nil || got != tc.want {
				t.Errorf("stderr:\n%s", cmp.Diff(tc.want, got))
			}
		})
	}

	t.Run("function layers", func(t *testing.T) {
		m := decode(t, e.Must(t, e.Root, "lambda", "create-function", "--function-name", "fn", "--runtime", "python3.12",
			"--handler", "app.h", "--role", "arn:aws:iam::"+acct+":role/r", "--zip-file", "fileb://"+zipPath, "--layers", layerARN+":1"))
		wantLayers := []any{map[string]any{"Arn": layerARN + ":1", "CodeSize": float64(len(content))}}
		if diff := cmp.Diff(wantLayers, m["Layers"]); diff != "" {
			t.Errorf("create-function Layers (-want +got):\n%s", diff)
		}
		up := decode(t, e.Must(t, e.Root, "lambda", "update-function-configuration", "--function-name", "fn",
			"--layers", layerARN+":2", "--timeout", "10", "--memory-size", "256", "--description", "d", "--handler", "app.g",
			"--environment", "Variables={K=v}"))
		got := map[string]any{}
		for _, k := range []string{"Timeout", "MemorySize", "Description", "Handler", "Environment", "Layers", "LastUpdateStatus", "CodeSha256"} {
			got[k] = up[k]
		}
		wantUp := map[string]any{"Timeout": 10.0, "MemorySize": 256.0, "Description": "d", "Handler": "app.g",
			"Environment": map[string]any{"Variables": map[string]any{"K": "v"}}, "LastUpdateStatus": "Successful",
			"Layers": []any{map[string]any{"Arn": layerARN + ":2", "CodeSize": float64(len(content))}}, "CodeSha256": m["CodeSha256"]}
		if diff := cmp.Diff(wantUp, got); diff != "" {
			t.Errorf("update-function-configuration (-want +got):\n%s", diff)
		}
		if up["RevisionId"] == m["RevisionId"] {
			t.Error("update-function-configuration kept the RevisionId")
		}
		_, stderr, err := e.AWS(t, e.Root, "lambda", "update-function-configuration", "--function-name", "fn", "--revision-id", m["RevisionId"].(string), "--timeout", "5")
		if err == nil || !strings.Contains(stderr, "(PreconditionFailedException)") {
			t.Errorf("stale revision: %v %s", err, stderr)
		}
		cleared := decode(t, e.Must(t, e.Root, "lambda", "update-function-configuration", "--function-name", "fn", "--layers"))
		if _, has := cleared["Layers"]; has || cleared["Timeout"] != 10.0 {
			t.Errorf("--layers with none: %v", cleared)
		}
	})

	t.Run("delete-layer-version", func(t *testing.T) {
		e.Must(t, e.Root, "lambda", "delete-layer-version", "--layer-name", "greet", "--version-number", "1")
		e.Must(t, e.Root, "lambda", "delete-layer-version", "--layer-name", "greet", "--version-number", "1")
		m := decode(t, e.Must(t, e.Root, "lambda", "list-layer-versions", "--layer-name", "greet"))
		if vs := m["LayerVersions"].([]any); len(vs) != 1 || vs[0].(map[string]any)["Version"] != 2.0 {
			t.Errorf("after delete: %v", m)
		}
		// Numbers are never reused.
		if v3 := publish("third"); v3["Version"] != 3.0 {
			t.Errorf("publish after delete = %v", v3)
		}
	})
}

// TestCLILayersDenied: adding a layer needs lambda:GetLayerVersion on it,
// changing the role needs iam:PassRole, as on Lambda.
func TestCLILayersDenied(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.deploy(t, "fn")
	role := e.role(t, "other", "lambda.amazonaws.com")
	lv, err := e.fns.PublishLayerVersion(ctx, "lib", functionsLayerInput(), zipOf(t, "python/x.py", "x = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:UpdateFunctionConfiguration","lambda:GetFunction"],"Resource":"*"}]}`
	if err := e.IAM.PutUserPolicy(ctx, "api-gateway-user", "p", policy); err != nil {
		t.Fatal(err)
	}
	user := "arn:aws:iam::" + acct + ":user/api-gateway-user"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"layer", []string{"--layers", lv.LayerVersionArn},
			"An error occurred (AccessDeniedException) when calling the UpdateFunctionConfiguration operation: User: " + user +
				" is not authorized to perform: lambda:GetLayerVersion on resource: " + lv.LayerVersionArn +
				" because no identity-based policy allows the lambda:GetLayerVersion action"},
		{"role", []string{"--role", role},
			"An error occurred (AccessDeniedException) when calling the UpdateFunctionConfiguration operation: User: " + user +
				" is not authorized to perform: iam:PassRole on resource: " + role +
				" because no identity-based policy allows the iam:PassRole action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := e.AWS(t, e.User, append([]string{"lambda", "update-function-configuration", "--function-name", "fn"}, tc.args...)...)
			if got := strings.TrimSpace(stderr); err == nil || got != tc.want {
				t.Errorf("stderr:\n%s", cmp.Diff(tc.want, got))
			}
		})
	}
	cfg, err := e.fns.Get(ctx, "fn")
	if err != nil || len(cfg.Layers) != 0 || cfg.Role == role {
		t.Errorf("a denied update changed the function: %+v %v", cfg, err)
	}
	// Allowed the action, the user may set a layer.
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:UpdateFunctionConfiguration","lambda:GetLayerVersion"],"Resource":"*"}]}`
	if err := e.IAM.PutUserPolicy(ctx, "api-gateway-user", "p", allow); err != nil {
		t.Fatal(err)
	}
	e.Must(t, e.User, "lambda", "update-function-configuration", "--function-name", "fn", "--layers", lv.LayerVersionArn)
}

func functionsLayerInput() functions.LayerInput {
	return functions.LayerInput{CompatibleRuntimes: []string{"python3.12"}}
}

// TestCLIReservedEnvironment: a reserved key in Environment.Variables is
// Lambda's InvalidParameterValueException
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
// and the function keeps its settings.
func TestCLIReservedEnvironment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.deploy(t, "fn")
	_, stderr, err := e.AWS(t, e.Root, "lambda", "update-function-configuration", "--function-name", "fn", "--environment", "Variables={AWS_REGION=x,TZ=y}")
	want := "An error occurred (InvalidParameterValueException) when calling the UpdateFunctionConfiguration operation: Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION,TZ"
	if got := strings.TrimSpace(stderr); err == nil || got != want {
		t.Errorf("stderr:\n%s", cmp.Diff(want, got))
	}
	if cfg, err := e.fns.Get(context.Background(), "fn"); err != nil || len(cfg.Env) != 0 {
		t.Errorf("refused update stored: %+v %v", cfg.Env, err)
	}
}

// TestCLILayerPermissions: a layer version's policy
// (add-layer-version-permission) lets a principal that no identity policy
// allows get the version, until the statement is removed
// (https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html);
// "No policy is associated with the given resource." is Lambda's answer
// without one (https://github.com/cloud-custodian/cloud-custodian/issues/6824).
func TestCLILayerPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	lv, err := e.fns.PublishLayerVersion(ctx, "shared", functionsLayerInput(), zipOf(t, "python/x.py", "x = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	user := "arn:aws:iam::" + acct + ":user/" + "api-gateway-user"
	get := []string{"lambda", "get-layer-version", "--layer-name", "shared", "--version-number", "1"}
	deniedMsg := "An error occurred (AccessDeniedException) when calling the GetLayerVersion operation: User: " + user +
		" is not authorized to perform: lambda:GetLayerVersion on resource: " + lv.LayerVersionArn + " because no identity-based policy allows the lambda:GetLayerVersion action"
	if _, stderr, err := e.AWS(t, e.User, get...); err == nil || strings.TrimSpace(stderr) != deniedMsg {
		t.Errorf("before the statement:\n%s", cmp.Diff(deniedMsg, strings.TrimSpace(stderr)))
	}
	added := decode(t, e.Must(t, e.Root, "lambda", "add-layer-version-permission", "--layer-name", "shared", "--version-number", "1",
		"--statement-id", "everyone", "--action", "lambda:GetLayerVersion", "--principal", "*"))
	stmt := `{"Sid":"everyone","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"` + lv.LayerVersionArn + `"}`
	if added["Statement"] != stmt || added["RevisionId"] == "" {
		t.Errorf("add-layer-version-permission = %v", added)
	}
	if m := decode(t, e.Must(t, e.User, get...)); m["LayerVersionArn"] != lv.LayerVersionArn {
		t.Errorf("get-layer-version as the user = %v", m)
	}
	pol := decode(t, e.Must(t, e.Root, "lambda", "get-layer-version-policy", "--layer-name", "shared", "--version-number", "1"))
	if pol["Policy"] != `{"Version":"2012-10-17","Id":"default","Statement":[`+stmt+`]}` || pol["RevisionId"] != added["RevisionId"] {
		t.Errorf("get-layer-version-policy = %v", pol)
	}
	_, stderr, err := e.AWS(t, e.Root, "lambda", "add-layer-version-permission", "--layer-name", "shared", "--version-number", "1",
		"--statement-id", "everyone", "--action", "lambda:GetLayerVersion", "--principal", "*")
	if err == nil || !strings.Contains(stderr, "(ResourceConflictException) when calling the AddLayerVersionPermission operation: The statement id (everyone) provided already exists.") {
		t.Errorf("duplicate statement: %v %s", err, stderr)
	}
	e.Must(t, e.Root, "lambda", "remove-layer-version-permission", "--layer-name", "shared", "--version-number", "1", "--statement-id", "everyone")
	if _, stderr, err := e.AWS(t, e.User, get...); err == nil || strings.TrimSpace(stderr) != deniedMsg {
		t.Errorf("after removing the statement:\n%s", cmp.Diff(deniedMsg, strings.TrimSpace(stderr)))
	}
	want := "An error occurred (ResourceNotFoundException) when calling the GetLayerVersionPolicy operation: No policy is associated with the given resource."
	if _, stderr, err := e.AWS(t, e.Root, "lambda", "get-layer-version-policy", "--layer-name", "shared", "--version-number", "1"); err == nil || strings.TrimSpace(stderr) != want {
		t.Errorf("no policy:\n%s", cmp.Diff(want, strings.TrimSpace(stderr)))
	}
}
