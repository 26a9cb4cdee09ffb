package lambda

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// runtimeKind groups Lambda runtime identifiers by how a process is started.
type runtimeKind int

const (
	kindPython   runtimeKind = iota // embedded Python bootstrap on a local python3
	kindNode                        // embedded Node.js bootstrap on a local node
	kindProvided                    // the function's own bootstrap executable
	kindGo1x                        // the Handler executable (go1.x)
)

func runtimeKindOf(runtime string) (runtimeKind, error) {
	switch {
	case strings.HasPrefix(runtime, "python3"):
		return kindPython, nil
	case strings.HasPrefix(runtime, "nodejs"):
		return kindNode, nil
	case runtime == "provided" || runtime == "provided.al2" || runtime == "provided.al2023":
		return kindProvided, nil
	case runtime == "go1.x":
		return kindGo1x, nil
	}
	return 0, fmt.Errorf("%w %q", ErrInvalidRuntime, runtime)
}

// executionEnv is AWS_EXECUTION_ENV: set by managed runtimes only; custom
// runtimes (provided.*) get none.
func executionEnv(runtime string) string {
	if k, _ := runtimeKindOf(runtime); k == kindProvided {
		return ""
	}
	return "AWS_Lambda_" + runtime
}

//go:embed bootstraps/python_bootstrap.py
var pythonBootstrap []byte

//go:embed bootstraps/node_bootstrap.js
var nodeBootstrap []byte

// interpreter is a resolved local language runtime.
type interpreter struct {
	path    string // absolute path of the executable, no shims
	version string // "3.11.7"
	// asServer: the environment uids cannot execute any installed
	// interpreter of this name (one under root's home, say), so functions on
	// it run as iamgate's own user.
	asServer bool
	notice   string // for the operator, once: how the choice was made
}

// probeTimeout bounds one interpreter probe. Probes run detached from any
// request: a caller that hangs up must not decide what later callers get.
const probeTimeout = 30 * time.Second

// runtimes resolves interpreters once per Manager, in the background from
// Deploy on, and writes the embedded bootstraps into the runtime directory
// (LAMBDA_RUNTIME_DIR).
type runtimes struct {
	sb     *sandbox
	ctx    context.Context // ends at Close: probes stop
	cancel context.CancelFunc
	wg     sync.WaitGroup // probes and prewarms in flight

	mu     sync.Mutex
	dir    string            // LAMBDA_RUNTIME_DIR, created on first use
	probes map[string]*probe // by requested command ("python3.9", "python3", "node")
	closed bool
}

// probe is one interpreter resolution, shared by everyone who asks while it
// runs and, unless it was cut short, by everyone after.
type probe struct {
	done chan struct{}
	ip   interpreter
	err  error
}

func newRuntimes(sb *sandbox) *runtimes {
	ctx, cancel := context.WithCancel(context.Background())
	return &runtimes{sb: sb, ctx: ctx, cancel: cancel, probes: map[string]*probe{}}
}

// prewarm resolves what fn will need, in the background, so the first
// invocation after a deploy does not pay for interpreter shims.
func (r *runtimes) prewarm(fn Function) {
	kind, err := runtimeKindOf(fn.Runtime)
	if err != nil || (kind != kindPython && kind != kindNode) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		_, _ = r.runtimeDir()
		if kind == kindPython {
			_, _, _ = r.pythonFor(r.ctx, fn.Runtime)
		} else {
			_, _ = r.node(r.ctx)
		}
	}()
}

// pythonFor returns the interpreter for a python3.x runtime: python3.x when it
// is installed, else python3. exact reports whether the version matches.
func (r *runtimes) pythonFor(ctx context.Context, runtime string) (*interpreter, bool, error) {
	ip, err := r.resolve(ctx, runtime, pythonVersionArgs)
	if err == nil {
		return ip, true, nil
	}
	if ctx.Err() != nil {
		return nil, false, ctx.Err()
	}
	ip, err = r.resolve(ctx, "python3", pythonVersionArgs)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, false, fmt.Errorf("%s is not installed and no python3 was found: %w", runtime, err)
	}
	want := strings.TrimPrefix(runtime, "python")
	exact := ip.version == want || strings.HasPrefix(ip.version, want+".")
	return ip, exact, nil
}

func (r *runtimes) node(ctx context.Context) (*interpreter, error) {
	return r.resolve(ctx, "node", nodeVersionArgs)
}

// Asking the interpreter for its own executable resolves shims (pyenv, nvm),
// so the function process runs without the shim's environment needs.
var (
	pythonVersionArgs = []string{"-c", `import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])`}
	nodeVersionArgs   = []string{"-e", `console.log(process.execPath); console.log(process.versions.node)`}
)

// resolve returns the interpreter called name, probing it once. A probe
// runs on the runtimes' own context; ctx only bounds the wait, so a caller
// that goes away leaves the result for the next one. Results are kept,
// failures included, except a probe cut short by its timeout or by Close.
func (r *runtimes) resolve(ctx context.Context, name string, args []string) (*interpreter, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	pr, ok := r.probes[name]
	if !ok {
		pr = &probe{done: make(chan struct{})}
		r.probes[name] = pr
		r.wg.Add(1)
		go r.run(name, args, pr)
	}
	r.mu.Unlock()
	select {
	case <-pr.done:
		if pr.err != nil {
			return nil, pr.err
		}
		return &pr.ip, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *runtimes) run(name string, args []string, pr *probe) {
	defer r.wg.Done()
	ctx, cancel := context.WithTimeout(r.ctx, probeTimeout)
	defer cancel()
	pr.ip, pr.err = r.find(ctx, name, args)
	if pr.err != nil && ctx.Err() != nil {
		r.mu.Lock()
		if r.probes[name] == pr {
			delete(r.probes, name) // try again next time
		}
		r.mu.Unlock()
	}
	close(pr.done)
}

// find resolves name on PATH as iamgate's user (through any shim). When
// environments run as other uids, the interpreter must be one they can
// execute: the first installed one on PATH that they can run is taken
// instead, and failing that the environments of this interpreter run as
// iamgate's user (the notice says so).
func (r *runtimes) find(ctx context.Context, name string, args []string) (interpreter, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return interpreter{}, err
	}
	ip, err := probeAs(ctx, path, args, nil)
	if err != nil {
		return interpreter{}, fmt.Errorf("%s: %w", name, err)
	}
	cred := r.sb.probeCredential()
	if cred == nil {
		return ip, nil
	}
	if _, err := probeAs(ctx, ip.path, args, cred); err == nil {
		return ip, nil
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		cand := filepath.Join(dir, name)
		if cand == path || cand == ip.path {
			continue
		}
		if alt, err := probeAs(ctx, cand, args, cred); err == nil {
			alt.notice = fmt.Sprintf("%s (%s) cannot be executed by function users; running %s functions on %s (%s)",
				ip.path, ip.version, name, alt.path, alt.version)
			return alt, nil
		}
		if ctx.Err() != nil {
			return interpreter{}, ctx.Err()
		}
	}
	ip.asServer = true
	ip.notice = fmt.Sprintf("%s (%s) cannot be executed by function users and no other %s on PATH can: "+
		"functions on it run as iamgate's own user, without uid isolation", ip.path, ip.version, name)
	return ip, nil
}

// probeAs runs the interpreter's self-description, as cred when set, with
// the environment a function gets (PATH and LANG only).
func probeAs(ctx context.Context, path string, args []string, cred *syscall.Credential) (interpreter, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	if cred != nil {
		p := os.Getenv("PATH")
		if p == "" {
			p = defaultPath
		}
		cmd.Env = []string{"PATH=" + p, "LANG=en_US.UTF-8"}
		cmd.Dir = "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	out, err := cmd.Output()
	if err != nil {
		return interpreter{}, err
	}
	lines := strings.Fields(string(out))
	if len(lines) != 2 {
		return interpreter{}, fmt.Errorf("unexpected version output %q", out)
	}
	return interpreter{path: lines[0], version: lines[1]}, nil
}

// runtimeDir returns LAMBDA_RUNTIME_DIR with the bootstraps written in it
// (readable by the environment uids: the bootstraps hold no secret).
func (r *runtimes) runtimeDir() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir != "" {
		return r.dir, nil
	}
	dir, err := r.sb.sub("runtime", 0o755)
	if err != nil {
		return "", err
	}
	files := map[string][]byte{"python_bootstrap.py": pythonBootstrap, "node_bootstrap.js": nodeBootstrap}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", err
		}
	}
	r.dir = dir
	return dir, nil
}

// close stops probes and waits for them.
func (r *runtimes) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}

// command is what to execute for a function process.
type command struct {
	path   string
	args   []string
	inTask bool // path is relative to the environment's task directory (the function's own executable)
	// asServer: run as iamgate's user (see interpreter.asServer); isolation
	// is the operator notice that goes with the interpreter choice.
	asServer  bool
	isolation string
}

// commandFor builds the process command of fn. notice is a one-line message
// for the operator when the requested language version is not installed.
func (m *Manager) commandFor(ctx context.Context, fn Function) (cmd command, notice string, err error) {
	kind, err := runtimeKindOf(fn.Runtime)
	if err != nil {
		return command{}, "", err
	}
	switch kind {
	case kindPython:
		return m.pythonCommand(ctx, fn)
	case kindNode:
		return m.nodeCommand(ctx, fn)
	case kindProvided:
		return command{path: "bootstrap", inTask: true}, "", nil
	default: // go1.x runs the handler executable itself
		return command{path: filepath.Clean("/" + fn.Handler)[1:], inTask: true}, "", nil
	}
}

func (m *Manager) pythonCommand(ctx context.Context, fn Function) (command, string, error) {
	ip, exact, err := m.rt.pythonFor(ctx, fn.Runtime)
	if err != nil {
		return command{}, "", err
	}
	dir, err := m.rt.runtimeDir()
	if err != nil {
		return command{}, "", err
	}
	var notice string
	if !exact {
		notice = fmt.Sprintf("%s is not installed; running %s on python3 (%s)", fn.Runtime, fn.Name, ip.version)
	}
	// -u: unbuffered, so output lines reach the log stream before END.
	return command{path: ip.path, args: []string{"-u", filepath.Join(dir, "python_bootstrap.py")},
		asServer: ip.asServer, isolation: ip.notice}, notice, nil
}

func (m *Manager) nodeCommand(ctx context.Context, fn Function) (command, string, error) {
	ip, err := m.rt.node(ctx)
	if err != nil {
		return command{}, "", fmt.Errorf("%s: node is not installed: %w", fn.Runtime, err)
	}
	dir, err := m.rt.runtimeDir()
	if err != nil {
		return command{}, "", err
	}
	var notice string
	want := strings.TrimSuffix(strings.TrimPrefix(fn.Runtime, "nodejs"), ".x")
	if want != "" && !strings.HasPrefix(ip.version, want+".") {
		notice = fmt.Sprintf("%s is not installed; running %s on node (%s)", fn.Runtime, fn.Name, ip.version)
	}
	return command{path: ip.path, args: []string{filepath.Join(dir, "node_bootstrap.js")},
		asServer: ip.asServer, isolation: ip.notice}, notice, nil
}
