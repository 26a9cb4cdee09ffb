package lambda

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/testutil"
)

// TestConcurrencyLimits walks Lambda's accounting
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html):
// reservations are carved out of the account's quota, functions without
// one share the rest, and 0 throttles every invocation.
func TestConcurrencyLimits(t *testing.T) {
	intp := func(n int) *int { return &n }
	type step struct {
		take   string // function invoked; "" gives back the oldest slot
		reason string // "" admitted, else the throttle reason
	}
	tests := []struct {
		name     string
		account  int
		reserved map[string]*int
		steps    []step
	}{
		{"reserved function stops at its reservation", 10, map[string]*int{"r": intp(2)}, []step{
			{"r", ""}, {"r", ""}, {"r", ReasonReservedConcurrency}, {"", ""}, {"r", ""}}},
		{"reservation 0 throttles everything", 10, map[string]*int{"off": intp(0)}, []step{
			{"off", ReasonReservedConcurrency}, {"other", ""}}},
		{"unreserved functions share what reservations leave", 5, map[string]*int{"r": intp(3)}, []step{
			{"a", ""}, {"b", ""}, {"a", ReasonAccountConcurrency}, {"r", ""}, {"r", ""}, {"r", ""},
			{"r", ReasonReservedConcurrency}, {"", ""}, {"b", ""}}},
		{"a reserved function never uses the shared pool", 2, map[string]*int{"r": intp(1)}, []step{
			{"r", ""}, {"r", ReasonReservedConcurrency}, {"a", ""}, {"a", ReasonAccountConcurrency}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newConcurrency(tc.account)
			for name, n := range tc.reserved {
				c.reserve(name, n)
			}
			var held []slot
			for i, st := range tc.steps {
				if st.take == "" {
					c.give(held[0])
					held = held[1:]
					continue
				}
				s, err := c.take(st.take)
				var te *ThrottleError
				switch {
				case st.reason == "" && err != nil:
					t.Fatalf("step %d: invoke %s: %v, want admitted", i, st.take, err)
				case st.reason != "" && (!errors.As(err, &te) || te.Reason != st.reason):
					t.Fatalf("step %d: invoke %s: %v, want throttled with %s", i, st.take, err, st.reason)
				case err == nil:
					held = append(held, s)
				}
			}
			for _, s := range held {
				c.give(s)
			}
			if len(c.busy) != 0 || c.unreserved != 0 {
				t.Errorf("after every slot came back: busy %v, unreserved %d", c.busy, c.unreserved)
			}
		})
	}
}

// TestReservationKeepsInstances: changing only the reservation (what
// PutFunctionConcurrency does) keeps the warm instance; any other change
// starts a new one.
func TestReservationKeepsInstances(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{Logs: newMemSink()})
	fn := pyFunction(t, "pid", "pid")
	mustDeploy(t, m, fn)
	first := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload)
	five := 5
	fn.ReservedConcurrency = &five
	mustDeploy(t, m, fn)
	if got, _ := m.Get("pid"); got.ReservedConcurrency == nil || *got.ReservedConcurrency != 5 {
		t.Errorf("Get: reservation %v, want 5", got.ReservedConcurrency)
	}
	if again := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload); again != first {
		t.Errorf("after a reservation change the invocation ran in %s, want the warm %s", again, first)
	}
	fn.MemoryMB = 256
	mustDeploy(t, m, fn)
	if again := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload); again == first {
		t.Errorf("after a memory change the invocation still ran in %s", first)
	}
}

// TestIdleInstancesReaped: an instance idle past IdleTimeout (on the
// injected clock) is stopped; the next invocation starts a new one.
func TestIdleInstancesReaped(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	m := newTestManager(t, Options{Logs: newMemSink(), Now: clock, IdleTimeout: time.Hour})
	mustDeploy(t, m, pyFunction(t, "pid", "pid"))
	first := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload)
	advance(59 * time.Minute)
	m.reapIdle()
	if len(m.pids("pid")) != 1 {
		t.Fatalf("instance idle 59 min of 60 was stopped")
	}
	advance(time.Minute)
	m.reapIdle()
	if pids := m.pids("pid"); len(pids) != 0 {
		t.Fatalf("instance idle 60 min still running: %v", pids)
	}
	if again := string(mustInvoke(t, m, "pid", `{}`, InvokeOptions{}).Payload); again == first {
		t.Errorf("after the reap the invocation ran in the stopped instance %s", first)
	}
}

// TestIdleReaperRuns: the Manager's own reaper stops idle instances
// without being asked.
func TestIdleReaperRuns(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{Logs: newMemSink(), IdleTimeout: 50 * time.Millisecond})
	mustDeploy(t, m, pyFunction(t, "pid", "pid"))
	mustInvoke(t, m, "pid", `{}`, InvokeOptions{})
	deadline := time.Now().Add(20 * time.Second)
	for len(m.pids("pid")) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("idle instance not reaped within 20 s of a 50 ms idle timeout")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
