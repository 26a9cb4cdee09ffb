package lambda

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/testutil"
)

// isoApp reports who the function runs as and what it can read.
const isoApp = `import json, os

def probe(event, context):
    out = {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "cwd": os.getcwd(),
           "task": os.environ["LAMBDA_TASK_ROOT"], "api": os.environ["AWS_LAMBDA_RUNTIME_API"], "pid": os.getpid()}
    for k, p in (event or {}).get("read", {}).items():
        try:
            with open(p, "rb") as f:
                f.read()
            out[k] = "read"
        except PermissionError:
            out[k] = "denied"
        except FileNotFoundError:
            out[k] = "missing"
    return out
`

func isoFunction(t *testing.T, name string) Function {
	return Function{Name: name, Runtime: "python3.11", Handler: "app.probe",
		CodeDir: writeCode(t, map[string]string{"app.py": isoApp}), Timeout: 5 * time.Second}
}

// TestRuntimeAPIEndpointIsPrivate: an environment's Runtime API answers only
// under its own secret prefix; another local process that finds the port
// cannot take the next event or answer in the function's place.
func TestRuntimeAPIEndpointIsPrivate(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{})
	mustDeploy(t, m, isoFunction(t, "iso"))
	got := decodeJSON(t, mustInvoke(t, m, "iso", `{}`, InvokeOptions{}).Payload)
	api, _ := got["api"].(string)
	hostport, secret, ok := strings.Cut(api, "/")
	if !ok || len(secret) != 32 {
		t.Fatalf("AWS_LAMBDA_RUNTIME_API = %q, want host:port/<32 hex digits>", api)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, path := range []string{
		"/2018-06-01/runtime/invocation/next",
		"/" + strings.Repeat("0", 32) + "/2018-06-01/runtime/invocation/next",
		"/" + secret[:31] + "/2018-06-01/runtime/invocation/next",
		"/" + secret + "x/2018-06-01/runtime/invocation/next",
		"/" + strings.ToUpper(secret) + "/2018-06-01/runtime/invocation/next",
	} {
		for _, method := range []string{"GET", "POST"} {
			p := path
			if method == "POST" {
				p = strings.Replace(path, "/next", "/"+"x/response", 1)
			}
			req, _ := http.NewRequest(method, "http://"+hostport+p, strings.NewReader("{}"))
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, p, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s = %d, want 403", method, p, resp.StatusCode)
			}
		}
	}
	// The function still works: nothing above took its event.
	if again := decodeJSON(t, mustInvoke(t, m, "iso", `{}`, InvokeOptions{}).Payload); again["pid"] != got["pid"] {
		t.Errorf("warm environment lost: pid %v then %v", got["pid"], again["pid"])
	}
}

// TestProbeOutlivesCancelledCaller is issue 11's bug: a caller that hangs up
// during the first cold start must not make every later invocation fail.
func TestProbeOutlivesCancelledCaller(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	t.Run("resolve", func(t *testing.T) {
		rt := newRuntimes(newSandbox())
		defer rt.close()
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := rt.pythonFor(cancelled, "python3.11"); !errors.Is(err, context.Canceled) {
			t.Fatalf("pythonFor(cancelled) = %v, want context.Canceled", err)
		}
		ctx, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel2()
		ip, _, err := rt.pythonFor(ctx, "python3.11")
		if err != nil || ip.path == "" {
			t.Fatalf("pythonFor after a cancelled caller = %+v, %v", ip, err)
		}
	})
	t.Run("invoke", func(t *testing.T) {
		m := newTestManager(t, Options{})
		mustDeploy(t, m, isoFunction(t, "first"))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := m.Invoke(ctx, "first", []byte(`{}`), InvokeOptions{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Invoke(cancelled) = %v", err)
		}
		res := mustInvoke(t, m, "first", `{}`, InvokeOptions{})
		if res.FunctionError != "" {
			t.Fatalf("Invoke after a cancelled one = %s (%s)", res.Payload, res.FunctionError)
		}
	})
}

// TestEnvironmentIsolation: code runs from a private copy outside the
// directory it was deployed from (and so outside the data dir); as root,
// each environment has its own unprivileged uid and cannot read iamgate's
// files or another environment's variables.
func TestEnvironmentIsolation(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{})
	a, b := isoFunction(t, "a"), isoFunction(t, "b")
	mustDeploy(t, m, a)
	mustDeploy(t, m, b)
	gotB := decodeJSON(t, mustInvoke(t, m, "b", `{}`, InvokeOptions{}).Payload)

	dataDir := t.TempDir() // 0700, as the data dir is
	secret := filepath.Join(dataDir, "master.key")
	if err := os.WriteFile(secret, []byte("k"), 0o600); err != nil {
		t.Fatal(err)
	}
	event := `{"read": {"data": "` + secret + `", "server_env": "/proc/` + strconv.Itoa(os.Getpid()) + `/environ", ` +
		`"other_env": "/proc/` + strconv.FormatFloat(gotB["pid"].(float64), 'f', 0, 64) + `/environ"}}`
	got := decodeJSON(t, mustInvoke(t, m, "a", event, InvokeOptions{}).Payload)
	task, _ := got["task"].(string)
	if got["cwd"] != task || strings.HasPrefix(task, a.CodeDir) || !strings.HasPrefix(task, os.TempDir()) {
		t.Errorf("cwd %v, LAMBDA_TASK_ROOT %v: want a private copy under %s", got["cwd"], task, os.TempDir())
	}
	if os.Geteuid() != 0 {
		t.Skip("uid isolation applies when iamgate runs as root")
	}
	uid, _ := got["uid"].(float64)
	if uid < uidBase+1 || got["gid"] != got["uid"] || len(got["groups"].([]any)) != 0 {
		t.Errorf("function runs as uid %v gid %v groups %v: want its own unprivileged ids", got["uid"], got["gid"], got["groups"])
	}
	if gotB["uid"] == got["uid"] {
		t.Errorf("two environments share uid %v", got["uid"])
	}
	for _, k := range []string{"data", "server_env", "other_env"} {
		if got[k] != "denied" {
			t.Errorf("reading %s: %v, want denied", k, got[k])
		}
	}
	envDir := filepath.Dir(task)
	if fi, err := os.Stat(envDir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("environment directory %s: %v %v, want 0700", envDir, fi.Mode(), err)
	}
	root := filepath.Dir(envDir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("sandbox %s left after Close: %v", root, err)
	}
}

// TestInterpreterUnreachableByFunctionUsers: an interpreter under a
// directory only root can enter (as pyenv under /root) is replaced by one
// the environment uids can run, or else runs as iamgate's user, and the
// operator is told which.
func TestInterpreterUnreachableByFunctionUsers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the unprivileged probe uid only exists then")
	}
	real := "/usr/bin/python3"
	if _, err := os.Stat(real); err != nil {
		t.Skip("no /usr/bin/python3 to stand in")
	}
	private := t.TempDir() // 0700, root's
	public := filepath.Join(os.TempDir(), "iamgate-test-"+randomHex(4))
	if err := os.Mkdir(public, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(public) })
	for _, d := range []string{private, public} {
		if err := os.Symlink(real, filepath.Join(d, "python3.99")); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rt := newRuntimes(newSandbox())
	defer rt.close()

	t.Setenv("PATH", private+":"+public+":/usr/bin:/bin")
	ip, err := rt.find(ctx, "python3.99", pythonVersionArgs)
	if err != nil || ip.path != filepath.Join(public, "python3.99") || ip.asServer || !strings.Contains(ip.notice, "cannot be executed by function users") {
		t.Errorf("find with a reachable alternative = %+v, %v", ip, err)
	}
	t.Setenv("PATH", private+":/usr/bin:/bin")
	ip, err = rt.find(ctx, "python3.99", pythonVersionArgs)
	if err != nil || !ip.asServer || !strings.Contains(ip.notice, "run as iamgate's own user") {
		t.Errorf("find with no reachable alternative = %+v, %v", ip, err)
	}
}

// TestOutputQuiet: END skips the marker round trip only when every byte the
// process wrote has become a log line.
func TestOutputQuiet(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemSink()
	o := newOutputReader(r, nil, &streamLog{sink: sink, group: "g", stream: "s", now: time.Now})
	go o.run()
	defer func() { w.Close(); <-o.done }()
	waitLines := func(n int) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for len(sink.messages("g")["s"]) < n {
			select {
			case <-sink.changed:
			case <-deadline:
				t.Fatalf("lines %q, want %d", sink.messages("g")["s"], n)
			}
		}
	}
	// quiet may say false while the reader holds its lock for a moment (a
	// marker round trip then runs, as before); it must come to say true.
	becomesQuiet := func() bool {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); runtime.Gosched() {
			if o.quiet() {
				return true
			}
		}
		return false
	}
	if !becomesQuiet() {
		t.Error("quiet before any output: false")
	}
	w.WriteString("one\ntwo\n")
	waitLines(2)
	if !becomesQuiet() {
		t.Error("quiet once every line is emitted: false")
	}
	w.WriteString("half a line")
	deadline := time.Now().Add(10 * time.Second)
	for {
		o.mu.Lock()
		taken := len(o.line) > 0
		o.mu.Unlock()
		if taken || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	if o.quiet() {
		t.Error("quiet with half a line read: true")
	}
	o.mu.Lock() // the reader cannot take what comes next
	w.WriteString(" and its end\n")
	o.line = o.line[:0] // as if the half line were done: only the pipe is left
	pendingSeen := !o.quietLocked()
	o.line = append(o.line, "half a line"...)
	o.mu.Unlock()
	if !pendingSeen {
		t.Error("quiet with bytes in the pipe: true")
	}
	waitLines(3)
}
