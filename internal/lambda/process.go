package lambda

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
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
	started time.Time // injected clock, for Init Duration

	exited  chan struct{} // closed once the process is reaped
	exitErr error         // set before exited is closed
	served  chan struct{} // closed when the listener's Serve returns
	warm    bool          // has run an invocation (no Init Duration any more)
}

// startError is a failure to start the function's runtime. Lambda reports it
// on the invocation, e.g. Runtime.InvalidEntrypoint for a missing bootstrap.
type startError struct{ errorType, reason string }

func (e *startError) Error() string { return e.errorType + ": " + e.reason }

// startProcess starts fn's runtime with its own Runtime API listener.
func (m *Manager) startProcess(ctx context.Context, fn Function) (*process, error) {
	command, notice, err := m.commandFor(ctx, fn)
	if err != nil {
		return nil, err
	}
	m.noticeOnce(fn, notice)
	creds, err := m.credentials(ctx, fn)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("lambda: runtime API listener: %w", err)
	}
	p := &process{fn: fn, stream: streamName(m.now(), fn.Version), api: newRuntimeAPI(m.now),
		exited: make(chan struct{}), served: make(chan struct{}), started: m.now()}
	p.log = &streamLog{sink: m.opts.Logs, logger: m.logger, group: fn.LogGroup, stream: p.stream, now: m.now}
	p.srv = &http.Server{Handler: p.api.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(p.served)
		_ = p.srv.Serve(ln)
	}()
	runtimeDir, _ := m.rt.runtimeDir()
	env := buildEnv(envSpec{fn: fn, region: m.opts.Region, stream: p.stream,
		runtimeAPI: ln.Addr().String(), runtimeDir: runtimeDir, credentials: creds})
	if err := p.spawn(command, env); err != nil {
		_ = p.srv.Close()
		<-p.served
		return nil, err
	}
	return p, nil
}

// spawn starts the OS process in its own process group, so that stop also
// ends anything the function started.
func (p *process) spawn(c command, env []string) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("lambda: output pipe: %w", err)
	}
	p.cmd = &exec.Cmd{Path: c.path, Args: append([]string{c.path}, c.args...), Env: env,
		Dir: p.fn.CodeDir, Stdout: w, Stderr: w, SysProcAttr: &syscall.SysProcAttr{Setpgid: true}}
	if err := p.cmd.Start(); err != nil {
		_ = r.Close()
		_ = w.Close()
		return entrypointError(c, err)
	}
	p.out = newOutputReader(r, w, p.log)
	go p.out.run()
	go func() {
		p.exitErr = p.cmd.Wait()
		close(p.exited)
		p.api.close()
		p.out.closeWriter()
	}()
	return nil
}

// entrypointError is Lambda's answer when the runtime cannot be started.
func entrypointError(c command, err error) *startError {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, exec.ErrNotFound) {
		return &startError{"Runtime.InvalidEntrypoint", fmt.Sprintf("Couldn't find valid bootstrap(s): [%s]", c.path)}
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
	return nil
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
