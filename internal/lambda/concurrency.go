package lambda

import (
	"context"
	"errors"
	"reflect"
	"time"
)

// Concurrency as Lambda counts it
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html):
// one invocation per instance; a function with ReservedConcurrentExecutions
// runs at most that many at once, the others share what the reservations
// leave of the account's quota; past either limit a synchronous invocation
// is throttled at once (429 TooManyRequestsException), never queued.
const (
	// DefaultAccountConcurrency is Lambda's default concurrent executions
	// quota per account and Region.
	DefaultAccountConcurrency = 1000
	// DefaultIdleTimeout is how long an idle instance stays warm. Lambda
	// does not publish its figure; instances are seen reused for minutes.
	DefaultIdleTimeout = 10 * time.Minute
)

// Throttle reasons, as Lambda's TooManyRequestsException names them in its
// Reason field (botocore's lambda service model, ThrottleReason).
const (
	ReasonReservedConcurrency = "ReservedFunctionConcurrentInvocationLimitExceeded"
	ReasonAccountConcurrency  = "ConcurrentInvocationLimitExceeded"
)

// ErrThrottled is matched by every *ThrottleError.
var ErrThrottled = errors.New("Rate Exceeded.")

// ThrottleError is an invocation refused for lack of concurrency.
type ThrottleError struct{ Reason string }

func (e *ThrottleError) Error() string        { return "lambda: Rate Exceeded. (" + e.Reason + ")" }
func (e *ThrottleError) Is(target error) bool { return target == ErrThrottled }

// concurrency is the Manager's count of running invocations against the
// limits. It is guarded by Manager.mu.
type concurrency struct {
	account    int
	reserved   map[string]int // function → ReservedConcurrentExecutions
	reservedN  int            // sum of reserved
	busy       map[string]int // function → invocations running
	unreserved int            // running invocations of functions without a reservation
}

func newConcurrency(account int) concurrency {
	return concurrency{account: account, reserved: map[string]int{}, busy: map[string]int{}}
}

// reserve sets (nil: clears) a function's reservation.
func (c *concurrency) reserve(name string, n *int) {
	c.reservedN -= c.reserved[name]
	delete(c.reserved, name)
	if n != nil {
		c.reserved[name] = *n
		c.reservedN += *n
	}
}

func (c *concurrency) reservation(name string) *int {
	n, ok := c.reserved[name]
	if !ok {
		return nil
	}
	return &n
}

// slot is one running invocation, charged to its function and, without a
// reservation at the time it started, to the unreserved pool.
type slot struct {
	function   string
	unreserved bool
}

// take charges one invocation of name or says why it is throttled.
func (c *concurrency) take(name string) (slot, error) {
	if r, ok := c.reserved[name]; ok {
		if c.busy[name] >= r {
			return slot{}, &ThrottleError{Reason: ReasonReservedConcurrency}
		}
		c.busy[name]++
		return slot{function: name}, nil
	}
	if c.unreserved >= c.account-c.reservedN {
		return slot{}, &ThrottleError{Reason: ReasonAccountConcurrency}
	}
	c.busy[name]++
	c.unreserved++
	return slot{function: name, unreserved: true}, nil
}

func (c *concurrency) give(s slot) {
	if c.busy[s.function]--; c.busy[s.function] <= 0 {
		delete(c.busy, s.function)
	}
	if s.unreserved {
		c.unreserved--
	}
}

// takeSlot charges one invocation of name, reporting a throttle or the
// start.
func (m *Manager) takeSlot(name string) (slot, error) {
	m.mu.Lock()
	s, err := m.conc.take(name)
	m.mu.Unlock()
	if err != nil {
		m.observe(InvokeEvent{Kind: InvokeThrottled, Function: name})
		return slot{}, err
	}
	m.observe(InvokeEvent{Kind: InvokeStarted, Function: name})
	return s, nil
}

func (m *Manager) giveSlot(s slot) {
	m.mu.Lock()
	m.conc.give(s)
	m.mu.Unlock()
}

// sameButReservation reports whether two versions differ in their
// reservation alone, which keeps the warm instances, as
// PutFunctionConcurrency does on Lambda.
func sameButReservation(a, b Function) bool {
	a.ReservedConcurrency, b.ReservedConcurrency = nil, nil
	return reflect.DeepEqual(a, b)
}

// reaper stops instances idle for longer than Options.IdleTimeout until
// Close.
func (m *Manager) reaper() {
	defer close(m.reaperDone)
	if m.opts.IdleTimeout < 0 {
		<-m.stopReaper
		return
	}
	every := min(max(m.opts.IdleTimeout/4, 10*time.Millisecond), time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			m.reapIdle()
		case <-m.stopReaper:
			return
		}
	}
}

// reapIdle stops the idle instances whose idle time has passed
// IdleTimeout on the injected clock.
func (m *Manager) reapIdle() {
	now := m.now()
	m.mu.Lock()
	pools := make([]*pool, 0, len(m.pools))
	for _, pl := range m.pools {
		pools = append(pools, pl)
	}
	m.mu.Unlock()
	for _, pl := range pools {
		var stale []*process
		pl.mu.Lock()
		keep := pl.idle[:0]
		for _, p := range pl.idle {
			if now.Sub(p.idleSince) >= m.opts.IdleTimeout {
				stale = append(stale, p)
				delete(pl.all, p)
				continue
			}
			keep = append(keep, p)
		}
		clear(pl.idle[len(keep):])
		pl.idle = keep
		pl.mu.Unlock()
		for _, p := range stale {
			m.logger.Debug("idle function instance stopped", "function", pl.fn.Name, "pid", p.pid())
			_ = p.stop(context.Background())
		}
	}
}
