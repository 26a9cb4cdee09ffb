package lambda

import "time"

// InvokeEventKind says what an InvokeEvent reports.
type InvokeEventKind int

const (
	// InvokeStarted: an invocation holds one of the function's concurrency
	// slots (AWS/Lambda ConcurrentExecutions goes up by one).
	InvokeStarted InvokeEventKind = iota + 1
	// InvokeFinished: the invocation gave its slot back. Every InvokeStarted
	// is followed by exactly one InvokeFinished of the same function.
	InvokeFinished
	// InvokeThrottled: the function's reservation or the account's
	// unreserved concurrency was all in use when the invocation arrived;
	// Invoke returned a *ThrottleError (Lambda's 429 TooManyRequestsException,
	// counted in Throttles) and nothing follows.
	InvokeThrottled
)

// InvokeEvent is what the Manager tells Options.Observe about one
// invocation, for metrics named after AWS/Lambda's
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
// Fields other than Kind and Function are set on InvokeFinished only.
type InvokeEvent struct {
	Kind     InvokeEventKind
	Function string // the function's name
	// Invoked: the invocation reached the function (a process ran it, or
	// failed to start for it), which is what Invocations counts. False when
	// no environment could be made for it (no credentials, no sandbox), or
	// the version was replaced before it started (it is then retried and
	// reported again). A caller that leaves changes nothing: the invocation
	// runs on (Manager.Invoke).
	Invoked bool
	// FunctionError is X-Amz-Function-Error ("Unhandled") when the
	// invocation ended in a function error (Errors), else "".
	FunctionError string
	// Completed: a result came back from the process, so Duration is
	// REPORT's Duration (pick-up to answer, on Options.Now). False when the
	// runtime could not start.
	Completed bool
	Duration  time.Duration
	// ColdStart: a new process was started for this invocation; InitDuration
	// is REPORT's Init Duration then.
	ColdStart    bool
	InitDuration time.Duration
}

// runStats is what one run on a process measured, for InvokeFinished.
type runStats struct {
	ran          bool
	cold         bool
	duration     time.Duration
	initDuration time.Duration
}

// observe hands ev to Options.Observe, if set.
func (m *Manager) observe(ev InvokeEvent) {
	if m.opts.Observe != nil {
		m.opts.Observe(ev)
	}
}
