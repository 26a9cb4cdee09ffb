package lambda

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// process is one execution environment: an OS process, its Runtime API
// listener and its log stream.
type process struct {
	fn      Function
	stream  string
	api     *runtimeAPI
	srv     *http.Server
	cmd     *exec.Cmd
	out     *outputReader
	log     *streamLog
	env     *env      // its directory and uid in the sandbox
	started time.Time // injected clock, for Init Duration

	exited  chan struct{} // closed once the process is reaped
	exitErr error         // set before exited is closed
	served  chan struct{} // closed when the listener's Serve returns
	warm    bool          // has run an invocation (no Init Duration any more)
	status  procStatus    // its /proc status, for Max Memory Used
	// idleSince is when it last went back to the pool (guarded by the
	// pool's mu), for the idle reaper.
	idleSince time.Time
}

// startError is a failure to start the function's runtime. Lambda reports it
// on the invocation, e.g. Runtime.InvalidEntrypoint for a missing bootstrap.
type startError struct{ errorType, reason string }

func (e *startError) Error() string { return e.errorType + ": " + e.reason }

// startProcess starts fn's runtime in a new sandbox environment with its
// own Runtime API listener.
func (m *Manager) startProcess(ctx context.Context, fn Function) (*process, error) {
	command, notice, err := m.commandFor(ctx, fn)
	if err != nil {
		return nil, err
	}
	m.noticeOnce(fn, notice)
	m.warnOnce(command.isolation)
	creds, err := m.credentials(ctx, fn)
	if err != nil {
		return nil, err
	}
	e, err := m.sb.newEnv(fn.CodeDir, fn.Layers, command.asServer)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = e.remove()
		return nil, fmt.Errorf("lambda: runtime API listener: %w", err)
	}
	p := &process{fn: fn, stream: streamName(m.now(), fn.Version), api: newRuntimeAPI(m.now), env: e,
		exited: make(chan struct{}), served: make(chan struct{}), started: m.now()}
	p.api.secret = randomHex(16)
	p.log = &streamLog{sink: m.opts.Logs, logger: m.logger, group: fn.LogGroup, stream: p.stream, now: m.now}
	p.srv = &http.Server{Handler: p.api.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(p.served)
		_ = p.srv.Serve(ln)
	}()
	runtimeDir, _ := m.rt.runtimeDir()
	environ := buildEnv(envSpec{fn: fn, region: m.opts.Region, stream: p.stream,
		runtimeAPI: ln.Addr().String() + "/" + p.api.secret, runtimeDir: runtimeDir, credentials: creds,
		taskRoot: e.task, tmpDir: e.tmp, optDir: e.opt, nodeModules: m.opts.NodeModules})
	if err := p.spawn(command, environ); err != nil {
		_ = p.srv.Close()
		<-p.served
		_ = e.remove()
		return nil, err
	}
	return p, nil
}

// spawn starts the OS process in its own process group, so that stop also
// ends anything the function started, as the environment's uid when it has
// one.
func (p *process) spawn(c command, environ []string) error {
	path := c.path
	if c.inTask {
		path = filepath.Join(p.env.task, c.path)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("lambda: output pipe: %w", err)
	}
	p.cmd = &exec.Cmd{Path: path, Args: append([]string{path}, c.args...), Env: environ,
		Dir: p.env.task, Stdout: w, Stderr: w,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true, Credential: p.env.cred}}
	if err := p.cmd.Start(); err != nil {
		_ = r.Close()
		_ = w.Close()
		return entrypointError(c, p.fn.CodeDir, err)
	}
	p.out = newOutputReader(r, w, p.log)
	go p.out.run()
	go func() {
		p.exitErr = p.cmd.Wait()
		p.status.close()
		close(p.exited)
		p.api.close()
		p.out.closeWriter()
	}()
	return nil
}

// entrypointError is Lambda's answer when the runtime cannot be started. It
// names the executable in the function's code directory.
func entrypointError(c command, codeDir string, err error) *startError {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, exec.ErrNotFound) {
		shown := c.path
		if c.inTask {
			shown = filepath.Join(codeDir, c.path)
		}
		return &startError{"Runtime.InvalidEntrypoint", fmt.Sprintf("Couldn't find valid bootstrap(s): [%s]", shown)}
	}
	return &startError{"Runtime.InvalidEntrypoint", err.Error()}
}

// alive reports whether the process has not exited.
func (p *process) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill ends the process group at once (Lambda freezes or discards an
// environment; nothing of it may keep running).
func (p *process) kill() {
	if p.cmd != nil && p.cmd.Process != nil && p.alive() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// stop kills the process and waits for it, its listener and its output
// reader, bounded by ctx.
func (p *process) stop(ctx context.Context) error {
	p.kill()
	p.api.close()
	select {
	case <-p.exited:
	case <-ctx.Done():
		return ctx.Err()
	}
	// The group may have outlived its leader; it must not keep the pipe.
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	_ = p.srv.Close()
	select {
	case <-p.out.done:
	case <-ctx.Done():
		_ = p.out.r.Close()
		return ctx.Err()
	}
	<-p.served
	return p.env.remove()
}

// pid is the OS process id (for tests and operator logs).
func (p *process) pid() int { return p.cmd.Process.Pid }

// exitReason is Lambda's wording for an exited runtime.
func (p *process) exitReason() string {
	if p.exitErr == nil {
		return "Runtime exited without providing a reason"
	}
	return "Runtime exited with error: " + p.exitErr.Error()
}
