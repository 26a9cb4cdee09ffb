package lambda

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
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

// TestPythonCallerCancels: a caller that leaves gets context.Canceled at
// once; the invocation it started is Lambda's and runs on to its end (here
// the function's 5 s timeout), and the environment that timed out is not
// kept (Manager.Invoke).
func TestPythonCallerCancels(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	log := make(eventLog, 100)
	m := newTestManager(t, Options{Observe: log.observe})
	mustDeploy(t, m, pyFunction(t, "slow", "sleepy"))
	mustDeploy(t, m, pyFunction(t, "pid", "pid"))
	mustInvoke(t, m, "pid", `{}`, InvokeOptions{}) // python resolved, so the cold start below is short
	log.take(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := m.Invoke(ctx, "slow", []byte(`{}`), InvokeOptions{})
		done <- err
	}()
	if ev := log.next(t); ev.Kind != InvokeStarted || ev.Function != "slow" {
		t.Fatalf("event %+v, want slow's InvokeStarted", ev)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Invoke = %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Invoke did not return after cancel")
	}
	if ev := log.next(t); ev.Kind != InvokeFinished || ev.FunctionError != "Unhandled" || ev.Duration < 5*time.Second {
		t.Errorf("abandoned invocation finished as %+v, want its 5 s timeout", ev)
	}
	if pids := m.pids("slow"); len(pids) != 0 {
		t.Errorf("abandoned process kept: %v", pids)
	}
}

// TestCallerLeavesDuringInit is the burst of 64's bug (issue 13): callers
// with a short timeout (wrk's 2 s) hung up while 64 environments started
// on 2 cores, each hang-up killed its environment half-initialized, and
// the retry started another, so that no start ever finished. On Lambda the
// environment's init and the accepted invocation run on without the caller
// (Manager.Invoke): here init waits until the caller has gone, then the
// invocation still runs (its output is logged, it completes) and the
// environment serves the next invocation warm.
func TestCallerLeavesDuringInit(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	gate, err := os.MkdirTemp("", "init-gate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(gate) })
	if err := os.Chmod(gate, 0o755); err != nil { // the function's own uid polls it
		t.Fatal(err)
	}
	open := filepath.Join(gate, "open")
	code := writeCode(t, map[string]string{"app.py": "import os, time\n" +
		"while not os.path.exists(" + strconv.Quote(open) + "):\n    time.sleep(0.01)\n" +
		"def handler(event, context):\n    print('ran', context.aws_request_id, flush=True)\n    return os.getpid()\n"})
	log := make(eventLog, 100)
	sink := newMemSink()
	m := newTestManager(t, Options{Logs: sink, Observe: log.observe})
	mustDeploy(t, m, Function{Name: "gated", Runtime: "python3.11", Handler: "app.handler", CodeDir: code, Timeout: 5 * time.Second})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := m.Invoke(ctx, "gated", []byte(`{}`), InvokeOptions{})
		done <- err
	}()
	if ev := log.next(t); ev.Kind != InvokeStarted {
		t.Fatalf("event %+v, want InvokeStarted", ev)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Invoke = %v, want context.Canceled", err)
	}
	if err := os.WriteFile(open, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := log.take(t, 1)[0]
	want := InvokeEvent{Kind: InvokeFinished, Function: "gated", Invoked: true, Completed: true, ColdStart: true}
	if got != want {
		t.Errorf("abandoned invocation finished as %+v, want %+v", got, want)
	}
	pids := m.pids("gated")
	if len(pids) != 1 {
		t.Fatalf("environments after the abandoned cold start: %v, want 1 kept warm", pids)
	}
	res := mustInvoke(t, m, "gated", `{}`, InvokeOptions{})
	if string(res.Payload) != strconv.Itoa(pids[0]) {
		t.Errorf("next invocation ran in pid %s, want the warm %d", res.Payload, pids[0])
	}
	if ev := log.take(t, 2); ev[1].ColdStart {
		t.Errorf("next invocation was a cold start: %+v", ev[1])
	}
	ran := 0
	for _, lines := range sink.messages("/aws/lambda/gated") {
		for _, l := range lines {
			if strings.HasPrefix(l, "ran ") {
				ran++
			}
		}
	}
	if ran != 2 {
		t.Errorf("function output of %d invocations logged, want 2 (the abandoned one too): %v", ran, sink.messages("/aws/lambda/gated"))
	}
}
