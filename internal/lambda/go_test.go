package lambda

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

// buildGoFunction builds testdata/gofunc (aws-lambda-go) into dir/name.
func buildGoFunction(t *testing.T, dir, name string) {
	t.Helper()
	testutil.NeedCommand(t, "go")
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name), "./testdata/gofunc")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
}

func TestGoFunction(t *testing.T) {
	dir := t.TempDir()
	buildGoFunction(t, dir, "bootstrap")
	sink := newMemSink()
	m := newTestManager(t, Options{Logs: sink})
	tests := []struct {
		name, runtime, handler string
	}{
		{name: "provided", runtime: "provided.al2", handler: "ignored"},
		{name: "provided2023", runtime: "provided.al2023", handler: "ignored"},
		{name: "go1x", runtime: "go1.x", handler: "bootstrap"}, // go1.x runs the Handler executable
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustDeploy(t, m, Function{Name: tc.name, Runtime: tc.runtime, Handler: tc.handler, CodeDir: dir})
			res := mustInvoke(t, m, tc.name, `{"name":"gopher"}`, InvokeOptions{})
			got := decodeJSON(t, res.Payload)
			pid := got["pid"]
			delete(got, "pid")
			want := map[string]any{"greeting": "hello gopher", "requestId": res.RequestID, "function": tc.name}
			if diff := cmp.Diff(want, got); diff != "" || res.FunctionError != "" {
				t.Errorf("payload (-want +got):\n%s (FunctionError %q)", diff, res.FunctionError)
			}
			again := decodeJSON(t, mustInvoke(t, m, tc.name, `{"name":"again"}`, InvokeOptions{}).Payload)
			if again["pid"] != pid {
				t.Errorf("warm process not reused: pid %v then %v", pid, again["pid"])
			}
		})
	}
	t.Run("handler-error", func(t *testing.T) {
		res := mustInvoke(t, m, "provided", `{"fail":true}`, InvokeOptions{})
		want := map[string]any{"errorMessage": "go handler failed", "errorType": "errorString"}
		if diff := cmp.Diff(want, decodeJSON(t, res.Payload)); diff != "" || res.FunctionError != "Unhandled" {
			t.Errorf("error payload (-want +got):\n%s (FunctionError %q)", diff, res.FunctionError)
		}
	})
	t.Run("exit", func(t *testing.T) {
		res := mustInvoke(t, m, "provided", `{"exit":true}`, InvokeOptions{Tail: true})
		want := map[string]any{"errorType": "Runtime.ExitError",
			"errorMessage": "RequestId: " + res.RequestID + " Error: Runtime exited with error: exit status 3"}
		if diff := cmp.Diff(want, decodeJSON(t, res.Payload)); diff != "" || res.FunctionError != "Unhandled" {
			t.Errorf("exit payload (-want +got):\n%s", diff)
		}
		ok := false
		for _, lines := range sink.messages("/aws/lambda/provided") {
			ok = ok || strings.Contains(strings.Join(lines, "\n"), "hello from go \nRequestId: "+res.RequestID+
				" Error: Runtime exited with error: exit status 3\nRuntime.ExitError\nEND RequestId: "+res.RequestID)
		}
		if !ok {
			t.Errorf("logs lack the exit error before END: %v", sink.messages("/aws/lambda/provided"))
		}
	})
}

// BenchmarkInvokeWarm measures one invocation on a warm process: the Runtime
// API round trip plus the runtime's own work.
func BenchmarkInvokeWarm(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is not installed")
	}
	m := NewManager(Options{})
	defer m.Close(b.Context())
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(pyApp), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := m.Deploy(Function{Name: "hello", Runtime: "python3.11", Handler: "app.hello", CodeDir: dir}); err != nil {
		b.Fatal(err)
	}
	if _, err := m.Invoke(b.Context(), "hello", []byte(`{}`), InvokeOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Invoke(b.Context(), "hello", []byte(`{}`), InvokeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
