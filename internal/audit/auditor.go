package audit

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/store"
)

// Sink is where decisions go; the store's backends satisfy it.
type Sink interface {
	AppendDecisions(ctx context.Context, ds []store.Decision, keep int) error
}

// Options configure an Auditor.
type Options struct {
	Mode Mode
	// Sink receives the decisions; nil records nothing.
	Sink Sink
	// Keep bounds the decision log (default DefaultKeep; < 0 unbounded).
	Keep   int
	Logger *slog.Logger
	Now    func() time.Time
	// Unrecorded picks requests whose decisions are neither recorded nor
	// waived: questions about a decision (`iamgate why`), not requests.
	Unrecorded func(*http.Request) bool
	// FlushDelay is how long the writer gathers decisions before one store
	// write (default 100 ms): one transaction per batch instead of one per
	// request. Readers of the decision log call Flush first.
	FlushDelay time.Duration
}

// DefaultKeep is how many decisions the store keeps by default.
const DefaultKeep = 100000

// queueSize bounds the decisions waiting for the store; beyond it new ones
// are dropped (and counted) rather than slow the requests down.
const queueSize = 4096

// Auditor records decisions and applies the IAM mode. Its writer goroutine
// runs from New until Close.
type Auditor struct {
	o       Options
	log     *slog.Logger
	queue   chan store.Decision
	flushes chan chan struct{} // Flush's requests to the writer
	done    chan struct{}
	mu      sync.Mutex
	dropped int
	closed  bool
}

// New starts an Auditor.
func New(o Options) *Auditor {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Keep == 0 {
		o.Keep = DefaultKeep
	}
	if o.FlushDelay <= 0 {
		o.FlushDelay = defaultFlushDelay
	}
	a := &Auditor{o: o, log: o.Logger.With("component", "audit"), queue: make(chan store.Decision, queueSize),
		flushes: make(chan chan struct{}), done: make(chan struct{})}
	go a.write()
	return a
}

// Mode returns the IAM mode.
func (a *Auditor) Mode() Mode { return a.o.Mode }

// Decide is the authorization path's hook: it records d and returns the
// decision to act on, d itself or, when the mode waives a denial, d made
// an allow that says what it was.
func (a *Auditor) Decide(ctx context.Context, c *auth.Caller, req auth.Request, d auth.Decision) auth.Decision {
	n := noteFrom(ctx)
	if n == skipped {
		return d
	}
	if c == nil {
		c = auth.Anonymous
	}
	rec := store.Decision{Time: a.o.Now().UTC(), Principal: PrincipalKey(c.ARN), Caller: c.ARN, Action: req.Action,
		Resource: req.Resource, Effect: effectOf(d), Statement: statementOf(d), Reason: reasonOf(d)}
	if !d.Allowed && a.o.Mode.Waives(c.ARN) {
		rec.Audited = true
		d = waived(d)
	}
	if n != nil {
		n.add(rec)
		return d
	}
	if rec.Audited {
		a.logWaived("", rec)
	}
	a.enqueue([]store.Decision{rec})
	return d
}

// waived turns a denial into the allow audit mode serves; Message and
// Because keep what AWS would have answered.
func waived(d auth.Decision) auth.Decision {
	d.Allowed, d.ExplicitDeny = true, false
	d.Reason = "audit mode: served although denied (" + strings.TrimSpace(d.Message+d.Because) + ")"
	return d
}

func effectOf(d auth.Decision) string {
	switch {
	case d.Allowed:
		return "Allow"
	case d.ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

func reasonOf(d auth.Decision) string {
	if d.Allowed {
		return d.Reason
	}
	return strings.TrimSpace(d.Message + d.Because)
}

// statementOf names the statement that decided (the explicit Deny, or the
// Allow that granted), as the evaluator reported it; "" for none.
func statementOf(d auth.Decision) string {
	if d.Statement == nil || (!d.Allowed && !d.ExplicitDeny) {
		return ""
	}
	return d.Statement.Describe()
}

func (a *Auditor) logWaived(requestID string, d store.Decision) {
	// The message stands alone: the terminal's log handler prints no attributes.
	msg := "audit mode: served request " + requestID + " that IAM denies (" + d.Effect + "): " + d.Reason
	if requestID == "" {
		msg = "audit mode: allowed what IAM denies (" + d.Effect + "): " + d.Reason
	}
	if d.Statement != "" {
		msg += "; decided by " + d.Statement
	}
	a.log.Warn(msg, "request_id", requestID, "principal_arn", d.Caller, "action", d.Action, "resource", d.Resource,
		"decision", d.Effect)
}

// enqueue hands decisions to the writer without blocking.
func (a *Auditor) enqueue(ds []store.Decision) {
	if a.o.Sink == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	for _, d := range ds {
		select {
		case a.queue <- d:
		default:
			a.dropped++
			if a.dropped == 1 || a.dropped%1000 == 0 {
				a.log.Warn("decision log queue full: decisions dropped", "dropped", a.dropped)
			}
		}
	}
}

// maxBatch is the most decisions one store write takes.
const maxBatch = 256

const defaultFlushDelay = 100 * time.Millisecond

// write appends queued decisions to the sink until Close: after the first
// decision it gathers more for FlushDelay (or until a batch is full), then
// stores them in one write; a Flush stores what is queued at once.
func (a *Auditor) write() {
	defer close(a.done)
	for {
		var batch []store.Decision
		select {
		case d, ok := <-a.queue:
			if !ok {
				return
			}
			batch = append(batch, d)
		case reply := <-a.flushes:
			a.drain(nil)
			close(reply)
			continue
		}
		if !a.gather(batch) {
			return
		}
	}
}

// gather adds to batch until FlushDelay passes, the batch is full, a Flush
// asks or the queue closes, and stores it. false: the queue is closed.
func (a *Auditor) gather(batch []store.Decision) bool {
	t := time.NewTimer(a.o.FlushDelay)
	defer t.Stop()
	for len(batch) < maxBatch {
		select {
		case d, ok := <-a.queue:
			if !ok {
				a.store(batch)
				return false
			}
			batch = append(batch, d)
		case reply := <-a.flushes:
			a.drain(batch)
			close(reply)
			return true
		case <-t.C:
			a.store(batch)
			return true
		}
	}
	a.store(batch)
	return true
}

// drain stores batch and everything queued now, maxBatch at a time.
func (a *Auditor) drain(batch []store.Decision) {
	for {
		select {
		case d, ok := <-a.queue:
			if ok {
				batch = append(batch, d)
				if len(batch) < maxBatch {
					continue
				}
			}
		default:
		}
		a.store(batch)
		if len(batch) < maxBatch {
			return
		}
		batch = nil
	}
}

func (a *Auditor) store(batch []store.Decision) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.o.Sink.AppendDecisions(ctx, batch, a.o.Keep); err != nil {
		a.log.Error("recording decisions", "err", err, "decisions", len(batch))
	}
}

// Flush stores every decision queued so far before it returns (or ctx
// ends), so that a read of the decision log sees them.
func (a *Auditor) Flush(ctx context.Context) error {
	reply := make(chan struct{})
	select {
	case a.flushes <- reply:
	case <-a.done: // closed: Close stored everything
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-reply:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes what is queued and stops the writer, or gives up when ctx
// ends.
func (a *Auditor) Close(ctx context.Context) error {
	a.mu.Lock()
	if !a.closed {
		a.closed = true
		close(a.queue)
	}
	a.mu.Unlock()
	select {
	case <-a.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
