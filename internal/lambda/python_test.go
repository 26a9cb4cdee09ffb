package lambda

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

// pyApp is a Python function with one handler per behaviour under test.
const pyApp = `import json, os, sys, time, logging

def hello(event, context):
    return {"statusCode": 200, "body": json.dumps({"message": "hello world"})}

def boom(event, context):
    raise ValueError("boom")

def sleepy(event, context):
    time.sleep(30)

def printer(event, context):
    print("hello from print")
    print("second line", file=sys.stderr)
    logging.getLogger().warning("a warning")
    return "printed"

def pid(event, context):
    time.sleep(event.get("sleep", 0))
    return os.getpid()

def crash(event, context):
    print("about to crash")
    os._exit(1)

def env(event, context):
    return dict(os.environ)

def ctx(event, context):
    remaining = context.get_remaining_time_in_millis()
    cc = context.client_context
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ok": 0 < remaining <= 5000,
        "identity_id": context.identity.cognito_identity_id,
        "client_custom": cc.custom if cc else None,
        "client_app_title": cc.client.app_title if cc and cc.client else None,
        "event": event,
    }
`

func pyFunction(t *testing.T, name, handler string) Function {
	return Function{Name: name, Runtime: "python3.11", Handler: "app." + handler,
		CodeDir: writeCode(t, map[string]string{"app.py": pyApp}), Timeout: 5 * time.Second}
}

// TestPythonSeedHello runs the seed application's function (python3.9 in its
// template) unchanged.
func TestPythonSeedHello(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	sink := newMemSink()
	m := newTestManager(t, Options{Logs: sink})
	mustDeploy(t, m, Function{Name: "HelloWorldFunction", Runtime: "python3.9", Handler: "app.lambda_handler",
		CodeDir: filepath.Join(testutil.RepoRoot(t), "examples", "hello-iam", "hello_world")})
	res := mustInvoke(t, m, "HelloWorldFunction", `{}`, InvokeOptions{})
	want := `{"statusCode": 200, "body": "{\"message\": \"hello world\"}"}`
	if string(res.Payload) != want || res.FunctionError != "" {
		t.Fatalf("Invoke = %q (%q), want %q", res.Payload, res.FunctionError, want)
	}
}

func TestPythonInvoke(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	tests := []struct {
		name, handler, payload string
		wantFnErr              string
		check                  func(t *testing.T, res *Result, got map[string]any)
	}{
		{name: "hello", handler: "hello", payload: `{}`, check: func(t *testing.T, res *Result, got map[string]any) {
			if diff := cmp.Diff(map[string]any{"statusCode": 200.0, "body": `{"message": "hello world"}`}, got); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
		}},
		// Shape: https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
		{name: "exception", handler: "boom", payload: `{}`, wantFnErr: "Unhandled", check: func(t *testing.T, res *Result, got map[string]any) {
			trace, _ := got["stackTrace"].([]any)
			if len(trace) != 1 || !strings.Contains(trace[0].(string), `app.py", line 7, in boom`) {
				t.Errorf("stackTrace = %v, want one frame of app.py line 7", got["stackTrace"])
			}
			delete(got, "stackTrace")
			want := map[string]any{"errorMessage": "boom", "errorType": "ValueError", "requestId": res.RequestID}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error payload (-want +got):\n%s", diff)
			}
		}},
		{name: "context", handler: "ctx", payload: `{"k":"v"}`, check: func(t *testing.T, res *Result, got map[string]any) {
			stream, _ := got["log_stream_name"].(string)
			if !regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`).MatchString(stream) {
				t.Errorf("log_stream_name = %q", stream)
			}
			delete(got, "log_stream_name")
			want := map[string]any{
				"function_name": "fn-context", "function_version": "$LATEST",
				"invoked_function_arn": "arn:aws:lambda:ap-northeast-1:000000000000:function:fn-context",
				"memory_limit_in_mb":   "128", "aws_request_id": res.RequestID, "log_group_name": "/aws/lambda/fn-context",
				"remaining_ok": true, "identity_id": nil, "client_custom": map[string]any{"x": "y"},
				"client_app_title": "demo", "event": map[string]any{"k": "v"},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("context (-want +got):\n%s", diff)
			}
		}},
		{name: "import-error", handler: "missing", payload: `{}`, wantFnErr: "Unhandled", check: func(t *testing.T, res *Result, got map[string]any) {
			want := map[string]any{"errorMessage": "Handler 'missing' missing on module 'app'",
				"errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []any{}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("init error (-want +got):\n%s", diff)
			}
		}},
		{name: "crash", handler: "crash", payload: `{}`, wantFnErr: "Unhandled", check: func(t *testing.T, res *Result, got map[string]any) {
			want := map[string]any{"errorType": "Runtime.ExitError",
				"errorMessage": "RequestId: " + res.RequestID + " Error: Runtime exited with error: exit status 1"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("exit error (-want +got):\n%s", diff)
			}
		}},
	}
	m := newTestManager(t, Options{Logs: newMemSink()})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustDeploy(t, m, pyFunction(t, "fn-"+tc.name, tc.handler))
			cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"x":"y"},"client":{"app_title":"demo"}}`))
			res := mustInvoke(t, m, "fn-"+tc.name, tc.payload, InvokeOptions{ClientContext: cc})
			if res.FunctionError != tc.wantFnErr {
				t.Errorf("FunctionError = %q, want %q (payload %s)", res.FunctionError, tc.wantFnErr, res.Payload)
			}
			tc.check(t, res, decodeJSON(t, res.Payload))
		})
	}
}

func TestPythonTimeout(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	sink := newMemSink()
	m := newTestManager(t, Options{Logs: sink})
	fn := pyFunction(t, "slow", "sleepy")
	fn.Timeout = time.Second
	mustDeploy(t, m, fn)
	res := mustInvoke(t, m, "slow", `{}`, InvokeOptions{Tail: true})
	want := regexp.MustCompile(`^\{"errorMessage":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ` + res.RequestID +
		` Task timed out after 1\.00 seconds"\}$`)
	if !want.Match(res.Payload) || res.FunctionError != "Unhandled" {
		t.Fatalf("timeout result = %s (%q), want %v", res.Payload, res.FunctionError, want)
	}
	tail, _ := base64.StdEncoding.DecodeString(res.LogTail)
	if !strings.Contains(string(tail), "Task timed out after 1.00 seconds") {
		t.Errorf("log tail lacks the timeout line:\n%s", tail)
	}
	if pids := m.pids("slow"); len(pids) != 0 {
		t.Errorf("timed-out process kept: %v", pids)
	}
}

func TestPythonLogs(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	sink := newMemSink()
	m := newTestManager(t, Options{Logs: sink})
	mustDeploy(t, m, pyFunction(t, "printer", "printer"))
	first := mustInvoke(t, m, "printer", `{}`, InvokeOptions{Tail: true})
	second := mustInvoke(t, m, "printer", `{}`, InvokeOptions{})
	streams := sink.messages("/aws/lambda/printer")
	if len(streams) != 1 {
		t.Fatalf("streams = %v, want one (a warm process keeps its stream)", streams)
	}
	var got []string
	for _, lines := range streams {
		got = lines
	}
	norm := func(s string) string {
		s = regexp.MustCompile(`\d+(\.\d+)? ms`).ReplaceAllString(s, "N ms")
		s = regexp.MustCompile(`Max Memory Used: \d+ MB`).ReplaceAllString(s, "Max Memory Used: N MB")
		s = regexp.MustCompile(`\d{4}-\d\d-\d\dT[0-9:.]+Z`).ReplaceAllString(s, "TIME")
		s = strings.ReplaceAll(s, first.RequestID, "ID1")
		return strings.ReplaceAll(s, second.RequestID, "ID2")
	}
	for i := range got {
		got[i] = norm(got[i])
	}
	want := []string{
		"START RequestId: ID1 Version: $LATEST", "hello from print", "second line", "[WARNING]\tTIME\tID1\ta warning",
		"END RequestId: ID1",
		"REPORT RequestId: ID1\tDuration: N ms\tBilled Duration: N ms\tMemory Size: 128 MB\tMax Memory Used: N MB\tInit Duration: N ms\t",
		"START RequestId: ID2 Version: $LATEST", "hello from print", "second line", "[WARNING]\tTIME\tID2\ta warning",
		"END RequestId: ID2",
		"REPORT RequestId: ID2\tDuration: N ms\tBilled Duration: N ms\tMemory Size: 128 MB\tMax Memory Used: N MB\t",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log stream (-want +got):\n%s", diff)
	}
	tail, err := base64.StdEncoding.DecodeString(first.LogTail)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Join(want[:6], "\n")+"\n", norm(string(tail))); diff != "" {
		t.Errorf("LogTail (-want +got):\n%s", diff)
	}
}

func TestPythonWarmReuseAndCrash(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{Logs: newMemSink()})
	mustDeploy(t, m, pyFunction(t, "pid", "pid"))
	a := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload)
	b := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload)
	if a != b {
		t.Fatalf("pids %s then %s: process not reused", a, b)
	}
	// Crash of another function, then a fresh process on the next invoke.
	mustDeploy(t, m, pyFunction(t, "crash", "crash"))
	res := mustInvoke(t, m, "crash", `{}`, InvokeOptions{})
	if res.FunctionError != "Unhandled" || !strings.Contains(string(res.Payload), "Runtime.ExitError") {
		t.Fatalf("crash result = %s", res.Payload)
	}
	if pids := m.pids("crash"); len(pids) != 0 {
		t.Errorf("crashed process kept in pool: %v", pids)
	}
	res = mustInvoke(t, m, "crash", `{}`, InvokeOptions{})
	if !strings.Contains(string(res.Payload), "Runtime.ExitError") {
		t.Fatalf("second crash result = %s", res.Payload)
	}
}

// TestPythonConcurrency: a function reserved at 3 runs at most 3 instances;
// invocations past them are throttled at once, never queued, and a burst
// within the reservation is never throttled.
func TestPythonConcurrency(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{Logs: newMemSink()})
	fn := pyFunction(t, "pid", "pid")
	three := 3
	fn.ReservedConcurrency = &three
	mustDeploy(t, m, fn)
	burst := func(n int) (distinct map[string]bool, throttled int) {
		var wg sync.WaitGroup
		results := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				res, err := m.Invoke(ctx, "pid", []byte(`{"sleep": 0.3}`), InvokeOptions{})
				errs[i] = err
				if err == nil {
					results[i] = string(res.Payload) + res.FunctionError
				}
			})
		}
		wg.Wait()
		distinct = map[string]bool{}
		for i := range n {
			var te *ThrottleError
			switch {
			case errors.As(errs[i], &te) && te.Reason == ReasonReservedConcurrency:
				throttled++
			case errs[i] != nil:
				t.Fatalf("invoke %d: %v", i, errs[i])
			default:
				distinct[results[i]] = true
			}
		}
		return distinct, throttled
	}
	distinct, throttled := burst(12)
	if len(distinct) < 1 || len(distinct) > 3 {
		t.Errorf("%d distinct processes served the burst, want 1..3: %v", len(distinct), distinct)
	}
	if throttled == 0 {
		t.Errorf("12 invocations of 0.3 s over a reservation of 3: none throttled")
	}
	if distinct, throttled = burst(3); throttled != 0 || len(distinct) > 3 {
		t.Errorf("a burst of 3 within the reservation: %d throttled, %d processes, want 0 and at most 3", throttled, len(distinct))
	}
}

func TestPythonEnvironment(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	t.Setenv("IAMGATE_TEST_SECRET", "must-not-leak")
	creds := func(_ context.Context, fn Function) (map[string]string, error) {
		return map[string]string{"AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
			"AWS_SESSION_TOKEN": "token", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}, nil
	}
	m := newTestManager(t, Options{Logs: newMemSink(), Credentials: creds})
	fn := pyFunction(t, "env", "env")
	fn.MemoryMB, fn.Env = 256, map[string]string{"TABLE": "t1", "LANG": "C.UTF-8"}
	mustDeploy(t, m, fn)
	got := decodeJSON(t, mustInvoke(t, m, "env", `{}`, InvokeOptions{}).Payload)
	want := map[string]any{
		"AWS_LAMBDA_FUNCTION_NAME": "env", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/env",
		"AWS_REGION": "ap-northeast-1", "AWS_DEFAULT_REGION": "ap-northeast-1",
		"AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
		"_HANDLER": "app.env", "TZ": ":UTC", "LANG": "C.UTF-8",
		"TABLE": "t1", "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_SESSION_TOKEN": "token", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "PATH": os.Getenv("PATH"),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	// The code runs from the environment's own copy (sandbox.go), not from
	// the directory it was deployed from, and gets its own TMPDIR beside it.
	codeDir, _ := filepath.Abs(fn.CodeDir)
	task, _ := got["LAMBDA_TASK_ROOT"].(string)
	if task == "" || task == codeDir || filepath.Base(task) != "task" ||
		got["TMPDIR"] != filepath.Join(filepath.Dir(task), "tmp") {
		t.Errorf("LAMBDA_TASK_ROOT = %v, TMPDIR = %v: want an environment's task/ and tmp/", task, got["TMPDIR"])
	}
	if got["HOME"] != got["TMPDIR"] {
		t.Errorf("HOME = %v, want the environment's TMPDIR %v (not the server user's home)", got["HOME"], got["TMPDIR"])
	}
	for _, k := range []string{"AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_RUNTIME_DIR", "_X_AMZN_TRACE_ID"} {
		if got[k] == nil || got[k] == "" {
			t.Errorf("%s is not set", k)
		}
	}
	if _, ok := got["IAMGATE_TEST_SECRET"]; ok {
		t.Errorf("the parent's environment leaked into the function")
	}
}

func TestDeployRejectsReservedKeys(t *testing.T) {
	m := newTestManager(t, Options{})
	err := m.Deploy(Function{Name: "f", Runtime: "python3.12", Handler: "app.h",
		Env: map[string]string{"AWS_REGION": "x", "TZ": "y", "OK": "z"}})
	want := "Lambda was unable to configure your environment variables because the environment variables you " +
		"have provided contains reserved keys that are currently not supported for modification. " +
		"Reserved keys used in this request: AWS_REGION,TZ"
	if err == nil || err.Error() != want {
		t.Fatalf("Deploy error = %v, want %q", err, want)
	}
	if err := m.Deploy(Function{Name: "f", Runtime: "ruby3.3", Handler: "x"}); err == nil {
		t.Errorf("Deploy accepted an unsupported runtime")
	}
}

func TestRedeployAndClose(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := NewManager(Options{Logs: newMemSink()})
	mustDeploy(t, m, pyFunction(t, "pid", "pid"))
	first := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload)
	old := m.pids("pid")
	mustDeploy(t, m, pyFunction(t, "pid", "pid"))
	for _, pid := range old {
		if !processGone(pid) {
			t.Errorf("process %d of the replaced version still runs", pid)
		}
	}
	second := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload)
	if first == second {
		t.Errorf("redeployed function reused process %s", first)
	}
	running := m.pids("pid")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pid := range running {
		if !processGone(pid) {
			t.Errorf("process %d survived Close", pid)
		}
	}
	if _, err := m.Invoke(ctx, "pid", nil, InvokeOptions{}); err != ErrClosed {
		t.Errorf("Invoke after Close = %v, want ErrClosed", err)
	}
	if _, err := m.Invoke(ctx, "nope", nil, InvokeOptions{}); err != ErrClosed {
		t.Errorf("Invoke after Close = %v, want ErrClosed", err)
	}
}

func TestPythonVersionNotice(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	var buf strings.Builder
	var mu sync.Mutex
	logger := newTextLogger(&mu, &buf)
	m := newTestManager(t, Options{Logger: logger})
	fn := pyFunction(t, "HelloWorldFunction", "hello")
	fn.Runtime = "python3.1"
	mustDeploy(t, m, fn)
	mustInvoke(t, m, "HelloWorldFunction", `{}`, InvokeOptions{})
	mustDeploy(t, m, fn)
	mustInvoke(t, m, "HelloWorldFunction", `{}`, InvokeOptions{})
	mu.Lock()
	defer mu.Unlock()
	re := regexp.MustCompile(`python3\.1 is not installed; running HelloWorldFunction on python3 \(3\.\d+\.\d+\)`)
	if n := len(re.FindAllString(buf.String(), -1)); n != 1 {
		t.Errorf("notice logged %d times, want once:\n%s", n, buf.String())
	}
}

func TestInvokeErrors(t *testing.T) {
	m := newTestManager(t, Options{})
	mustDeploy(t, m, Function{Name: "f", Runtime: "provided.al2", Handler: "x", CodeDir: t.TempDir()})
	tests := []struct {
		name, fn, cc string
		want         error
	}{
		{name: "not-found", fn: "nope", want: ErrNotFound},
		{name: "bad-client-context", fn: "f", cc: "not base64!", want: ErrInvalidClientContext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Invoke(context.Background(), tc.fn, nil, InvokeOptions{ClientContext: tc.cc})
			if !errorsIs(err, tc.want) {
				t.Errorf("Invoke = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("missing-bootstrap", func(t *testing.T) {
		res := mustInvoke(t, m, "f", `{}`, InvokeOptions{})
		got := decodeJSON(t, res.Payload)
		wantMsg := fmt.Sprintf("RequestId: %s Error: Couldn't find valid bootstrap(s): [%s]", res.RequestID, filepath.Join(mustGet(t, m, "f").CodeDir, "bootstrap"))
		if res.FunctionError != "Unhandled" || got["errorType"] != "Runtime.InvalidEntrypoint" || got["errorMessage"] != wantMsg {
			t.Errorf("result = %s (%q)", res.Payload, res.FunctionError)
		}
	})
	if !slices.Contains(reservedKeys, "AWS_LAMBDA_RUNTIME_API") {
		t.Errorf("AWS_LAMBDA_RUNTIME_API must be reserved")
	}
}

func mustGet(t *testing.T, m *Manager, name string) Function {
	fn, ok := m.Get(name)
	if !ok {
		t.Fatalf("Get(%s): not found", name)
	}
	return fn
}
