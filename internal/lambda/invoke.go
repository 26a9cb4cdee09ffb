package lambda

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
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
	timer   *time.Timer // the init limit, then the function's timeout
	start   time.Time   // pick-up, injected clock
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
	p.log.emit("START RequestId: " + inv.id + " Version: " + p.fn.Version)

	r.timer = time.NewTimer(initLimit)
	defer r.timer.Stop()
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
	case <-r.timer.C:
		p.kill()
		r.start = p.api.now()
		f := platformError(r.inv.id, "Runtime.Unknown", "Runtime failed to initialize within the init timeout")
		return &f
	}
}

// await waits for the runtime's answer, its exit or the timeout.
func (r *run) await() (outcome, *functionError) {
	p := r.p
	// Since Go 1.23 a Reset timer never delivers the old expiry.
	r.timer.Reset(r.inv.timeout)
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
	case <-r.timer.C:
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
	lines := []string{"END RequestId: " + r.inv.id, reportLine(r.inv.id, dur, p.fn.MemoryMB, maxMemoryMB(p), r.cold, r.initDur)}
	if r.timeout != "" {
		lines = append(lines, r.timeout)
	}
	p.log.emit(lines...)
}

// reportLine is Lambda's REPORT line, as
// fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t")
// and, on a cold start, "Init Duration: %.2f ms\t" (log-structure.html),
// in one buffer: it is written for every invocation.
func reportLine(id string, dur time.Duration, memoryMB, usedMB int, cold bool, initDur time.Duration) string {
	b := make([]byte, 0, 160)
	b = append(b, "REPORT RequestId: "...)
	b = append(b, id...)
	b = append(b, "\tDuration: "...)
	b = strconv.AppendFloat(b, ms(dur), 'f', 2, 64)
	b = append(b, " ms\tBilled Duration: "...)
	b = strconv.AppendInt(b, int64(math.Ceil(ms(dur))), 10)
	b = append(b, " ms\tMemory Size: "...)
	b = strconv.AppendInt(b, int64(memoryMB), 10)
	b = append(b, " MB\tMax Memory Used: "...)
	b = strconv.AppendInt(b, int64(usedMB), 10)
	b = append(b, " MB\t"...)
	if cold && initDur > 0 {
		b = append(b, "Init Duration: "...)
		b = strconv.AppendFloat(b, ms(initDur), 'f', 2, 64)
		b = append(b, " ms\t"...)
	}
	return string(b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// maxMemoryMB is the process's peak resident set (VmHWM), as Lambda's "Max
// Memory Used"; 0 where /proc is not available.
func maxMemoryMB(p *process) int { return p.status.peakMB(p.pid()) }
