package lambda

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// ErrInvalidClientContext is returned for a ClientContext that is not
// base64-encoded JSON (Lambda's InvalidRequestContentException).
var ErrInvalidClientContext = errors.New("Client context must be a valid Base64-encoded JSON object.")

// Manager owns the deployed functions and their processes.
type Manager struct {
	opts   Options
	logger *slog.Logger
	now    func() time.Time
	sb     *sandbox
	rt     *runtimes

	mu      sync.Mutex
	pools   map[string]*pool
	noticed map[string]bool
	closed  bool
	conc    concurrency // guarded by mu
	// running counts accepted invocations (Run), whose callers may have
	// left; Close waits for them. Add only under mu while !closed.
	running sync.WaitGroup

	stopReaper chan struct{}
	reaperDone chan struct{}
}

// NewManager returns a Manager; nothing runs until the first Invoke.
func NewManager(opts Options) *Manager {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountConcurrency <= 0 {
		opts.AccountConcurrency = DefaultAccountConcurrency
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	sb := newSandbox()
	m := &Manager{opts: opts, logger: opts.Logger.With("component", "lambda"), now: opts.Now, sb: sb,
		rt: newRuntimes(sb), pools: map[string]*pool{}, noticed: map[string]bool{},
		conc: newConcurrency(opts.AccountConcurrency), stopReaper: make(chan struct{}), reaperDone: make(chan struct{})}
	go m.reaper()
	return m
}

// Isolation says in one line what isolation function processes get, for
// the operator at start.
func (m *Manager) Isolation() string { return m.sb.describe() }

// CodeRoot returns a private directory (0700, outside any data dir, removed
// by Close) where a caller may keep the extracted code of functions it
// deploys; environments get their own copies of it.
func (m *Manager) CodeRoot() (string, error) { return m.sb.sub("code", 0o700) }

// pool is the set of processes of one function version. Its fn never
// changes; the function's reservation lives in Manager.conc, so that a
// PutFunctionConcurrency keeps the warm processes.
type pool struct {
	fn Function

	mu      sync.Mutex
	idle    []*process
	all     map[*process]struct{}
	retired bool
}

// Deploy registers fn or replaces the function of the same name; warm
// processes of the replaced version are stopped (busy ones when they finish).
func (m *Manager) Deploy(fn Function) error {
	if err := fn.validate(); err != nil {
		return err
	}
	fn = fn.withDefaults(m.opts.Region)
	if fn.CodeDir != "" {
		abs, err := filepath.Abs(fn.CodeDir)
		if err != nil {
			return fmt.Errorf("lambda: function %s: %w", fn.Name, err)
		}
		fn.CodeDir = abs
	}
	fn.Env = cloneMap(fn.Env)
	fn.Layers = slices.Clone(fn.Layers)
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	old := m.pools[fn.Key()]
	if fn.Key() == fn.Name {
		// A reservation belongs to the function; versions share it.
		m.conc.reserve(fn.Name, fn.ReservedConcurrency)
	}
	if old != nil && sameButReservation(old.fn, fn) {
		m.mu.Unlock()
		return nil
	}
	m.pools[fn.Key()] = &pool{fn: fn, all: map[*process]struct{}{}}
	m.mu.Unlock()
	m.rt.prewarm(fn)
	if old != nil {
		old.retire(context.Background(), false)
	}
	return nil
}

// Remove deletes a function version (by its Key) and stops its processes.
func (m *Manager) Remove(name string) error {
	m.mu.Lock()
	old, ok := m.pools[name]
	delete(m.pools, name)
	if ok && old.fn.Key() == old.fn.Name {
		// A reservation belongs to the function, not to one version.
		m.conc.reserve(name, nil)
	}
	m.mu.Unlock()
	if !ok {
		return fmt.Errorf("lambda: %s: %w", name, ErrNotFound)
	}
	old.retire(context.Background(), true)
	return nil
}

// Get returns a deployed function's configuration (with defaults filled).
func (m *Manager) Get(name string) (Function, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	pl, ok := m.pools[name]
	if !ok {
		return Function{}, false
	}
	fn := pl.fn
	fn.Env = cloneMap(fn.Env)
	fn.ReservedConcurrency = m.conc.reservation(fn.Name)
	return fn, true
}

// Invoke runs one synchronous invocation (InvocationType RequestResponse).
// Function errors are results (FunctionError "Unhandled"), not errors; an
// error means the function does not exist, the manager is closed, the
// request is invalid, or ctx ended. When ctx ends first Invoke returns at
// once and the invocation runs on to its end (Run).
func (m *Manager) Invoke(ctx context.Context, name string, payload []byte, o InvokeOptions) (*Result, error) {
	if ctx.Done() == nil {
		return m.Run(ctx, name, payload, o)
	}
	if err := ctx.Err(); err != nil {
		return nil, err // the caller left before Lambda accepted anything
	}
	done := make(chan answer, 1)
	go func() {
		res, err := m.Run(ctx, name, payload, o)
		done <- answer{res, err}
	}()
	select {
	case a := <-done:
		return a.res, a.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Run is Invoke on the calling goroutine, for a caller that waits for the
// result in a goroutine of its own anyway (API Gateway answers at its
// integration timeout): ctx's values are kept, its end is not heeded.
//
// An accepted invocation is Lambda's, not its caller's: a caller that hangs
// up (a client's read timeout, API Gateway's 29 s integration timeout) gets
// no answer, but the environment's init, the invocation and its
// START/END/REPORT lines run to their own end, bounded by the init limit and
// the function's timeout ("API Gateway has a 29-second integration timeout,
// so a Lambda function running for more than 29 seconds will not return a
// value successfully",
// https://docs.aws.amazon.com/lambda/latest/operatorguide/invocation-modes.html;
// a synchronous call the AWS CLI retries after its 60 s read timeout runs
// the function twice, awsdocs/aws-lambda-developer-guide#394). Killing the
// environment instead made a burst of callers with a short timeout restart
// every cold start that outlasted it, for ever.
func (m *Manager) Run(ctx context.Context, name string, payload []byte, o InvokeOptions) (*Result, error) {
	clientContext, err := decodeClientContext(o.ClientContext)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // the caller left before Lambda accepted anything
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrClosed
	}
	m.running.Add(1) // before Close's Wait: both under mu
	m.mu.Unlock()
	defer m.running.Done()
	return m.invoke(context.WithoutCancel(ctx), name, payload, clientContext, o)
}

// answer is the outcome of an invocation run for a caller who may leave.
type answer struct {
	res *Result
	err error
}

// invoke runs one accepted invocation.
func (m *Manager) invoke(ctx context.Context, name string, payload []byte, clientContext string, o InvokeOptions) (*Result, error) {
	// A Deploy during start-up retires the pool; the invocation then goes to
	// the new version, as it would on Lambda.
	for {
		res, err := m.invokePool(ctx, name, payload, clientContext, o.Tail, o.InvokedARN)
		if !errors.Is(err, errRetired) {
			if res != nil && res.FunctionError != "" {
				if fn, ok := m.Get(name); ok {
					m.noticeMissingSDK(fn, res)
				}
			}
			return res, err
		}
	}
}

// errRetired reports that a function version was replaced under an invocation
// that had not started yet.
var errRetired = errors.New("function version replaced")

func (m *Manager) invokePool(ctx context.Context, name string, payload []byte, clientContext string, tail bool, invokedARN string) (*Result, error) {
	m.mu.Lock()
	pl, ok := m.pools[name]
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if !ok {
		return nil, fmt.Errorf("lambda: %s: %w", name, ErrNotFound)
	}
	sl, err := m.takeSlot(pl.fn.Name)
	if err != nil {
		return nil, err
	}
	ev := InvokeEvent{Kind: InvokeFinished, Function: name}
	defer func() {
		m.observe(ev) // before the slot frees, so the gauge never passes the limit
		m.giveSlot(sl)
	}()

	inv := newInvocation(newRequestID(), payload, pl.fn.Timeout)
	inv.arn, inv.clientContext, inv.traceID = pl.fn.ARN, clientContext, m.traceID()
	if invokedARN != "" {
		inv.arn = invokedARN
	}
	p, err := m.acquire(ctx, pl)
	if err != nil {
		var se *startError
		if errors.As(err, &se) {
			f := platformError(inv.id, se.errorType, se.reason)
			ev.Invoked, ev.FunctionError, ev.ColdStart = true, "Unhandled", true
			return &Result{RequestID: inv.id, Payload: f.payload, FunctionError: "Unhandled"}, nil
		}
		return nil, err
	}
	res, reusable := p.invoke(inv, tail)
	m.release(pl, p, reusable)
	st := inv.stats
	ev.Invoked, ev.ColdStart, ev.InitDuration = true, st.cold, st.initDuration
	ev.FunctionError, ev.Completed, ev.Duration = res.FunctionError, st.ran, st.duration
	return res, nil
}

// acquire takes an idle process of pl or starts one.
func (m *Manager) acquire(ctx context.Context, pl *pool) (*process, error) {
	pl.mu.Lock()
	if pl.retired {
		pl.mu.Unlock()
		return nil, errRetired
	}
	for len(pl.idle) > 0 {
		p := pl.idle[len(pl.idle)-1]
		pl.idle = pl.idle[:len(pl.idle)-1]
		if p.alive() {
			pl.mu.Unlock()
			return p, nil
		}
		delete(pl.all, p)
		go func() { _ = p.stop(context.Background()) }() // reap listener and reader
	}
	pl.mu.Unlock()
	p, err := m.startProcess(ctx, pl.fn)
	if err != nil {
		return nil, err
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.retired {
		_ = p.stop(context.Background())
		return nil, errRetired
	}
	pl.all[p] = struct{}{}
	m.logger.Debug("function process started", "function", pl.fn.Name, "pid", p.pid(), "stream", p.stream)
	return p, nil
}

// release returns p to its pool, or stops it.
func (m *Manager) release(pl *pool, p *process, reusable bool) {
	pl.mu.Lock()
	if reusable && !pl.retired {
		p.idleSince = m.now()
		pl.idle = append(pl.idle, p)
		pl.mu.Unlock()
		return
	}
	delete(pl.all, p)
	pl.mu.Unlock()
	_ = p.stop(context.Background())
}

// retire stops pl's idle processes, or all of them when busy too; a busy
// process is otherwise stopped by release.
func (pl *pool) retire(ctx context.Context, busy bool) error {
	pl.mu.Lock()
	pl.retired = true
	stop := pl.idle
	pl.idle = nil
	for _, p := range stop {
		delete(pl.all, p)
	}
	if busy {
		for p := range pl.all {
			stop = append(stop, p)
		}
	}
	pl.mu.Unlock()
	var errs []error
	for _, p := range stop {
		errs = append(errs, p.stop(ctx))
	}
	return errors.Join(errs...)
}

// Close stops every process and waits for them (bounded by ctx). Invocations
// in flight fail as their process exits.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	wasClosed := m.closed
	m.closed = true
	pools := m.pools
	m.pools = map[string]*pool{}
	m.mu.Unlock()
	if !wasClosed {
		close(m.stopReaper)
	}
	<-m.reaperDone
	var errs []error
	for _, pl := range pools {
		errs = append(errs, pl.retire(ctx, true))
	}
	// Their processes are gone: what runs for a departed caller ends now,
	// and writes its last lines before the log sink closes.
	drained := make(chan struct{})
	go func() {
		m.running.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-ctx.Done():
		errs = append(errs, ctx.Err())
	}
	m.rt.close()
	errs = append(errs, m.sb.cleanup())
	return errors.Join(errs...)
}

// noticeOnce tells the operator, once per function and runtime, that a
// different local language version stands in for the requested one.
func (m *Manager) noticeOnce(fn Function, notice string) {
	if notice == "" {
		return
	}
	m.mu.Lock()
	key := fn.Name + "\x00" + fn.Runtime
	seen := m.noticed[key]
	m.noticed[key] = true
	m.mu.Unlock()
	if !seen {
		m.logger.Warn(notice, "function", fn.Name, "runtime", fn.Runtime)
	}
}

// warnOnce logs msg once per Manager ("" is nothing to say).
func (m *Manager) warnOnce(msg string) {
	if msg == "" {
		return
	}
	m.mu.Lock()
	seen := m.noticed["\x01"+msg]
	m.noticed["\x01"+msg] = true
	m.mu.Unlock()
	if !seen {
		m.logger.Warn(msg)
	}
}

func (m *Manager) credentials(ctx context.Context, fn Function) (map[string]string, error) {
	if m.opts.Credentials == nil {
		return nil, nil
	}
	creds, err := m.opts.Credentials(ctx, fn)
	if err != nil {
		return nil, fmt.Errorf("lambda: credentials for %s: %w", fn.Name, err)
	}
	return creds, nil
}

// traceID is an X-Ray trace header as Lambda passes it to the runtime
// (Lambda-Runtime-Trace-Id).
func (m *Manager) traceID() string {
	return formatTraceID(m.now().Unix())
}

// formatTraceID is fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", unix,
// 24 random hex digits, 16 random hex digits), built in one buffer with one
// random read: it runs for every invocation.
func formatTraceID(unix int64) string {
	var random [20]byte
	_, _ = rand.Read(random[:])
	b := make([]byte, 0, len("Root=1-00000000-;Parent=;Sampled=0")+40)
	b = append(b, "Root=1-"...)
	var digits [16]byte
	d := strconv.AppendInt(digits[:0], unix, 16)
	for range 8 - len(d) {
		b = append(b, '0')
	}
	b = append(b, d...)
	b = append(b, '-')
	b = hex.AppendEncode(b, random[:12])
	b = append(b, ";Parent="...)
	b = hex.AppendEncode(b, random[12:])
	b = append(b, ";Sampled=0"...)
	return string(b)
}

// decodeClientContext turns Invoke's base64 ClientContext into the JSON text
// the runtime receives.
func decodeClientContext(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !json.Valid(b) {
		return "", ErrInvalidClientContext
	}
	return string(b), nil
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
