package lambda

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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
// API round trip plus the runtime's own work, for the Python bootstrap and
// for a Go function built with aws-lambda-go (provided.al2023). Besides
// ns/op it reports the CPU time per invocation of this process (iamgate's
// side: Manager, Runtime API server) and of the function's process (its
// runtime client), which share the machine's cores under load.
func BenchmarkInvokeWarm(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is not installed")
	}
	m := NewManager(Options{})
	defer m.Close(b.Context())
	pyDir := b.TempDir()
	if err := os.WriteFile(filepath.Join(pyDir, "app.py"), []byte(pyApp), 0o644); err != nil {
		b.Fatal(err)
	}
	goDir := b.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(goDir, "bootstrap"), "./testdata/gofunc")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for _, fn := range []Function{
		{Name: "python", Runtime: "python3.11", Handler: "app.hello", CodeDir: pyDir},
		{Name: "go", Runtime: "provided.al2023", Handler: "bootstrap", CodeDir: goDir},
	} {
		b.Run(fn.Name, func(b *testing.B) {
			if err := m.Deploy(fn); err != nil {
				b.Fatal(err)
			}
			payload := []byte(`{"name":"bench"}`)
			if _, err := m.Invoke(b.Context(), fn.Name, payload, InvokeOptions{}); err != nil {
				b.Fatal(err)
			}
			pids := m.pids(fn.Name)
			if len(pids) != 1 {
				b.Fatalf("processes %v, want one warm", pids)
			}
			selfCPU, fnCPU := processCPU(b, os.Getpid()), processCPU(b, pids[0])
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.Invoke(b.Context(), fn.Name, payload, InvokeOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			n := float64(b.N)
			b.ReportMetric(float64(processCPU(b, os.Getpid())-selfCPU)/n/1e3, "self-µs/op")
			b.ReportMetric(float64(processCPU(b, pids[0])-fnCPU)/n/1e3, "fn-µs/op")
		})
	}
}

// processCPU is the user plus system CPU time of pid so far, in ns, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
func processCPU(b *testing.B, pid int) int64 {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return (utime + stime) * int64(10*time.Millisecond)
}
