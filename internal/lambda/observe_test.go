package lambda

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamgate/iamgate/internal/testutil"
)

// eventLog collects InvokeEvents in order; Observe runs on the invoking
// goroutine, so a buffered channel keeps their order without blocking.
type eventLog chan InvokeEvent

func (l eventLog) observe(ev InvokeEvent) { l <- ev }

// next returns the next event, failing after a bound.
func (l eventLog) next(t *testing.T) InvokeEvent {
	t.Helper()
	select {
	case ev := <-l:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no InvokeEvent within 30s")
		return InvokeEvent{}
	}
}

// take returns the next n events, durations checked and then zeroed so that
// the rest compares exactly.
func (l eventLog) take(t *testing.T, n int) []InvokeEvent {
	t.Helper()
	var out []InvokeEvent
	for range n {
		ev := l.next(t)
		if ev.Completed && ev.Duration <= 0 {
			t.Errorf("%s: completed with Duration %v", ev.Function, ev.Duration)
		}
		if !ev.ColdStart && ev.InitDuration != 0 {
			t.Errorf("%s: warm start with InitDuration %v", ev.Function, ev.InitDuration)
		}
		ev.Duration, ev.InitDuration = 0, 0
		out = append(out, ev)
	}
	return out
}

func TestObserveInvocations(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	log := make(eventLog, 100)
	m := newTestManager(t, Options{Logs: newMemSink(), Observe: log.observe})
	mustDeploy(t, m, pyFunction(t, "hello", "hello"))
	mustDeploy(t, m, pyFunction(t, "boom", "boom"))
	started := func(fn string) InvokeEvent { return InvokeEvent{Kind: InvokeStarted, Function: fn} }
	tests := []struct {
		name, function string
		want           []InvokeEvent
	}{
		{"cold start", "hello", []InvokeEvent{started("hello"),
			{Kind: InvokeFinished, Function: "hello", Invoked: true, Completed: true, ColdStart: true}}},
		{"warm", "hello", []InvokeEvent{started("hello"),
			{Kind: InvokeFinished, Function: "hello", Invoked: true, Completed: true}}},
		{"function error", "boom", []InvokeEvent{started("boom"),
			{Kind: InvokeFinished, Function: "boom", Invoked: true, Completed: true, ColdStart: true, FunctionError: "Unhandled"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustInvoke(t, m, tc.function, `{}`, InvokeOptions{})
			if diff := cmp.Diff(tc.want, log.take(t, len(tc.want))); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
	if len(log) != 0 {
		t.Errorf("%d unexpected events left", len(log))
	}
}

// TestObserveThrottleAndCancel: with a reservation of 1, a second
// invocation while the first runs is throttled at once, as Lambda does; a
// caller that goes away gets context.Canceled at once while the invocation
// runs on to its end (here the function's timeout), holding its slot until
// then, as on Lambda (Manager.Invoke).
func TestObserveThrottleAndCancel(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	log := make(eventLog, 100)
	sink := newMemSink()
	m := newTestManager(t, Options{Logs: sink, Observe: log.observe})
	one := 1
	// The handler says when it runs, so that the caller goes away during
	// the invocation, not during the process's start.
	mustDeploy(t, m, Function{Name: "slow", Runtime: "python3.11", Handler: "app.slow", Timeout: 2 * time.Second, ReservedConcurrency: &one,
		CodeDir: writeCode(t, map[string]string{"app.py": "import time\ndef slow(event, context):\n    print('running', flush=True)\n    time.sleep(60)\n"})})

	ctx1, cancel1 := context.WithCancel(context.Background())
	defer cancel1()
	first := make(chan error, 1)
	go func() {
		_, err := m.Invoke(ctx1, "slow", []byte(`{}`), InvokeOptions{})
		first <- err
	}()
	if ev := log.next(t); ev.Kind != InvokeStarted {
		t.Fatalf("first event %+v, want InvokeStarted", ev)
	}

	_, err := m.Invoke(context.Background(), "slow", []byte(`{}`), InvokeOptions{})
	var te *ThrottleError
	if !errors.As(err, &te) || te.Reason != ReasonReservedConcurrency || !errors.Is(err, ErrThrottled) {
		t.Fatalf("second invocation: err %v, want a ThrottleError %s", err, ReasonReservedConcurrency)
	}
	if diff := cmp.Diff(InvokeEvent{Kind: InvokeThrottled, Function: "slow"}, log.next(t)); diff != "" {
		t.Fatalf("throttle (-want +got):\n%s", diff)
	}

	waitForLine(t, sink, "/aws/lambda/slow", "running")
	cancel1()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("running invocation: err %v, want context.Canceled", err)
	}
	got := log.next(t)
	want := InvokeEvent{Kind: InvokeFinished, Function: "slow", Invoked: true, ColdStart: true,
		FunctionError: "Unhandled", Completed: true}
	if got.InitDuration <= 0 {
		t.Errorf("cold start with InitDuration %v", got.InitDuration)
	}
	if got.Duration < 2*time.Second {
		t.Errorf("abandoned invocation ended after %v, before its 2 s timeout", got.Duration)
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(InvokeEvent{}, "InitDuration", "Duration")); diff != "" {
		t.Errorf("cancelled invocation (-want +got):\n%s", diff)
	}
	if len(log) != 0 {
		t.Errorf("%d unexpected events left: the throttled invocation never started", len(log))
	}
}

// waitForLine waits (bounded) until a stream of group has the line.
func waitForLine(t *testing.T, sink *memSink, group, line string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		for _, lines := range sink.messages(group) {
			for _, l := range lines {
				if strings.TrimSpace(l) == line {
					return
				}
			}
		}
		select {
		case <-sink.changed:
		case <-deadline:
			t.Fatalf("no line %q in %s within 30s: %v", line, group, sink.messages(group))
		}
	}
}
