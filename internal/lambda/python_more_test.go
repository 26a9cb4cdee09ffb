package lambda

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

func TestPythonInitErrors(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{Logs: newMemSink()})
	tests := []struct {
		name, handler string
		code          map[string]string
		want          map[string]any
	}{
		{name: "missing-module", handler: "nomod.handler", code: map[string]string{"app.py": pyApp},
			want: map[string]any{"errorMessage": "Unable to import module 'nomod': No module named 'nomod'",
				"errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []any{}}},
		{name: "malformed-handler", handler: "nodot", code: map[string]string{"app.py": pyApp},
			want: map[string]any{"errorMessage": "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)",
				"errorType": "Runtime.MalformedHandlerName", "requestId": "", "stackTrace": []any{}}},
		{name: "module-raises", handler: "bad.handler", code: map[string]string{"bad.py": "raise KeyError('cfg')\n"},
			want: map[string]any{"errorMessage": "'cfg'", "errorType": "KeyError", "requestId": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustDeploy(t, m, Function{Name: tc.name, Runtime: "python3.11", Handler: tc.handler, CodeDir: writeCode(t, tc.code)})
			res := mustInvoke(t, m, tc.name, `{}`, InvokeOptions{})
			got := decodeJSON(t, res.Payload)
			if _, ok := tc.want["stackTrace"]; !ok {
				delete(got, "stackTrace")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || res.FunctionError != "Unhandled" {
				t.Errorf("init error (-want +got):\n%s (FunctionError %q)", diff, res.FunctionError)
			}
			if pids := m.pids(tc.name); len(pids) != 0 {
				t.Errorf("failed process kept: %v", pids)
			}
		})
	}
}

// TestPythonErrorLog checks the runtime's one-event error line: Lambda splits
// output on "\n" only, so the Python runtime joins the traceback with "\r".
func TestPythonErrorLog(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	sink := newMemSink()
	m := newTestManager(t, Options{Logs: sink})
	mustDeploy(t, m, pyFunction(t, "boom", "boom"))
	mustInvoke(t, m, "boom", `{}`, InvokeOptions{})
	var found bool
	for _, lines := range sink.messages("/aws/lambda/boom") {
		for _, l := range lines {
			found = found || strings.HasPrefix(l, "[ERROR] ValueError: boom\rTraceback (most recent call last):\r  File \"") &&
				strings.HasSuffix(l, "in boom\r    raise ValueError(\"boom\")")
		}
	}
	if !found {
		t.Errorf("no [ERROR] line in %q", sink.messages("/aws/lambda/boom"))
	}
}

func TestPythonCallerCancels(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{})
	mustDeploy(t, m, pyFunction(t, "slow", "sleepy"))
	mustDeploy(t, m, pyFunction(t, "pid", "pid"))
	mustInvoke(t, m, "pid", `{}`, InvokeOptions{}) // python resolved, so the cold start below is short
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := m.Invoke(ctx, "slow", []byte(`{}`), InvokeOptions{})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Invoke = %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Invoke did not return after cancel")
	}
	if pids := m.pids("slow"); len(pids) != 0 {
		t.Errorf("abandoned process kept: %v", pids)
	}
}
