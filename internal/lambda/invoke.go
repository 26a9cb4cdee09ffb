package lambda

import (
	"encoding/base64"
	"fmt"
	"math"
	"time"
)

// InvokeOptions are the per-call options of Invoke.
type InvokeOptions struct {
	Tail          bool   // LogType Tail: last 4 KB of logs, base64
	ClientContext string // base64 JSON, passed to the runtime as Lambda-Runtime-Client-Context
	// InvokedARN is the ARN the caller invoked (an alias ARN for fn:live),
	// the function's context.invoked_function_arn; "" is the function's ARN.
	InvokedARN string
}

// Result is the outcome of a synchronous invocation.
type Result struct {
	RequestID     string
	Payload       []byte
	FunctionError string // "" or "Unhandled" (as Lambda's X-Amz-Function-Error)
	LogTail       string // base64 of the last 4 KB when Tail
}

// initLimit is how long a runtime may take to become ready (Lambda's 10 s
// init phase limit).
const initLimit = 10 * time.Second

// logSyncWait bounds how long END waits for the process's last output lines.
const logSyncWait = 2 * time.Second

// run is one invocation on one process, from START to REPORT.
type run struct {
	p       *process
	inv     *invocation
	start   time.Time // pick-up, injected clock
	initDur time.Duration
	cold    bool
	timeout string // the timeout message, for the payload and the log
}

// invoke runs inv on p to its end: the runtime's answer, its exit, the init
// limit or the function's timeout; no caller can cut it short (Invoke). reusable
// reports whether p may serve another invocation.
func (p *process) invoke(inv *invocation, tail bool) (res *Result, reusable bool) {
	r := &run{p: p, inv: inv, cold: !p.warm}
	p.warm = true
	p.log.captureTail(tail)
	p.log.emit(fmt.Sprintf("START RequestId: %s Version: %s", inv.id, p.fn.Version))

	ferr := r.pickUp()
	if ferr == nil {
		var o outcome
		o, ferr = r.await()
		if ferr == nil {
			res = &Result{RequestID: inv.id, Payload: o.payload}
			if o.ferr != nil {
				res = r.failed(*o.ferr)
			}
		}
	}
	if ferr != nil {
		res = r.failed(*ferr)
	}
	r.finish(ferr)
	if t := p.log.captureTail(false); tail {
		res.LogTail = base64.StdEncoding.EncodeToString(t)
	}
	return res, ferr == nil && p.alive()
}

func (r *run) failed(f functionError) *Result {
	return &Result{RequestID: r.inv.id, Payload: f.payload, FunctionError: "Unhandled"}
}

// pickUp hands the event to the runtime's /next, during or after init.
func (r *run) pickUp() *functionError {
	p := r.p
	limit := time.NewTimer(initLimit)
	defer limit.Stop()
	select {
	case p.api.next <- r.inv:
		<-r.inv.picked
		r.start = p.api.now()
		if r.cold {
			p.api.mu.Lock()
			r.initDur = p.api.readyAt.Sub(p.started)
			p.api.mu.Unlock()
		}
		return nil
	case f := <-p.api.initErr:
		// The runtime reported an init error and is expected to exit.
		p.kill()
		r.start = p.api.now()
		return &f
	case <-p.exited:
		r.start = p.api.now()
		f := platformError(r.inv.id, "Runtime.ExitError", p.exitReason())
		return &f
	case <-limit.C:
		p.kill()
		r.start = p.api.now()
		f := platformError(r.inv.id, "Runtime.Unknown", "Runtime failed to initialize within the init timeout")
		return &f
	}
}

// await waits for the runtime's answer, its exit or the timeout.
func (r *run) await() (outcome, *functionError) {
	p := r.p
	timer := time.NewTimer(r.inv.timeout)
	defer timer.Stop()
	select {
	case o := <-r.inv.done:
		return o, nil
	case <-p.exited:
		f := platformError(r.inv.id, "Runtime.ExitError", p.exitReason())
		// What the process wrote before it died comes first, as in Lambda's
		// logs: its output is drained before the platform's line.
		p.out.drain(logSyncWait)
		p.log.emit(fmt.Sprintf("RequestId: %s Error: %s\nRuntime.ExitError", r.inv.id, p.exitReason()))
		return outcome{}, &f
	case <-timer.C:
		p.kill()
		r.timeout = timeoutMessage(p.api.now(), r.inv.id, r.inv.timeout)
		f := timeoutError(r.timeout)
		return outcome{}, &f
	}
}

// finish writes END and REPORT once the process's own lines are in.
func (r *run) finish(ferr *functionError) {
	p := r.p
	if p.alive() {
		p.out.sync(logSyncWait)
	} else {
		p.out.drain(logSyncWait)
	}
	end := p.api.now()
	dur := end.Sub(r.start)
	r.inv.stats = runStats{ran: true, cold: r.cold, duration: dur, initDuration: r.initDur}
	report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		r.inv.id, ms(dur), int64(math.Ceil(ms(dur))), p.fn.MemoryMB, maxMemoryMB(p))
	if r.cold && r.initDur > 0 {
		report += fmt.Sprintf("Init Duration: %.2f ms\t", ms(r.initDur))
	}
	lines := []string{"END RequestId: " + r.inv.id, report}
	if r.timeout != "" {
		lines = append(lines, r.timeout)
	}
	p.log.emit(lines...)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// maxMemoryMB is the process's peak resident set (VmHWM), as Lambda's "Max
// Memory Used"; 0 where /proc is not available.
func maxMemoryMB(p *process) int { return p.status.peakMB(p.pid()) }
