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
	err     error
}

// runtimes resolves interpreters once per Manager and writes the embedded
// bootstraps into the runtime directory (LAMBDA_RUNTIME_DIR).
type runtimes struct {
	mu     sync.Mutex
	dir    string                  // LAMBDA_RUNTIME_DIR, created on first use
	interp map[string]*interpreter // by requested command ("python3.9", "python3", "node")
}

// pythonFor returns the interpreter for a python3.x runtime: python3.x when it
// is installed, else python3. exact reports whether the version matches.
func (r *runtimes) pythonFor(ctx context.Context, runtime string) (*interpreter, bool, error) {
	if ip := r.resolve(ctx, runtime, pythonVersionArgs); ip.err == nil {
		return ip, true, nil
	}
	ip := r.resolve(ctx, "python3", pythonVersionArgs)
	if ip.err != nil {
		return nil, false, fmt.Errorf("%s is not installed and no python3 was found: %w", runtime, ip.err)
	}
	want := strings.TrimPrefix(runtime, "python")
	exact := ip.version == want || strings.HasPrefix(ip.version, want+".")
	return ip, exact, nil
}

func (r *runtimes) node(ctx context.Context) (*interpreter, error) {
	ip := r.resolve(ctx, "node", nodeVersionArgs)
	return ip, ip.err
}

// Asking the interpreter for its own executable resolves shims (pyenv, nvm),
// so the function process runs without the shim's environment needs.
var (
	pythonVersionArgs = []string{"-c", `import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])`}
	nodeVersionArgs   = []string{"-e", `console.log(process.execPath); console.log(process.versions.node)`}
)

func (r *runtimes) resolve(ctx context.Context, name string, args []string) *interpreter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ip, ok := r.interp[name]; ok {
		return ip
	}
	ip := &interpreter{}
	if r.interp == nil {
		r.interp = map[string]*interpreter{}
	}
	r.interp[name] = ip
	path, err := exec.LookPath(name)
	if err != nil {
		ip.err = err
		return ip
	}
	out, err := exec.CommandContext(ctx, path, args...).Output()
	if err != nil {
		ip.err = fmt.Errorf("%s: %w", name, err)
		return ip
	}
	lines := strings.Fields(string(out))
	if len(lines) != 2 {
		ip.err = fmt.Errorf("%s: unexpected version output %q", name, out)
		return ip
	}
	ip.path, ip.version = lines[0], lines[1]
	return ip
}

// runtimeDir returns LAMBDA_RUNTIME_DIR with the bootstraps written in it.
func (r *runtimes) runtimeDir() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir != "" {
		return r.dir, nil
	}
	dir, err := os.MkdirTemp("", "iamgate-lambda-runtime-")
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

func (r *runtimes) cleanup() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir == "" {
		return nil
	}
	err := os.RemoveAll(r.dir)
	r.dir = ""
	return err
}

// command is what to execute for a function process.
type command struct {
	path string
	args []string
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
		return command{path: filepath.Join(fn.CodeDir, "bootstrap")}, "", nil
	default: // go1.x runs the handler executable itself
		return command{path: filepath.Join(fn.CodeDir, fn.Handler)}, "", nil
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
	return command{path: ip.path, args: []string{"-u", filepath.Join(dir, "python_bootstrap.py")}}, notice, nil
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
	return command{path: ip.path, args: []string{filepath.Join(dir, "node_bootstrap.js")}}, notice, nil
}
