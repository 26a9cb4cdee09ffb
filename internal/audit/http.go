package audit

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"sync"

	"github.com/iamgate/iamgate/internal/store"
)

// DecisionHeader is set to "deny" on a response audit mode served
// although a policy denied it.
const DecisionHeader = "x-iamgate-decision"

type noteKey struct{}

// note collects the decisions of one request.
type note struct {
	mu        sync.Mutex
	decisions []store.Decision
}

func (n *note) add(d store.Decision) {
	n.mu.Lock()
	n.decisions = append(n.decisions, d)
	n.mu.Unlock()
}

// take hands the decisions over (no copy: the note keeps none of them);
// one a straggling goroutine of the request adds later is not recorded.
func (n *note) take() []store.Decision {
	n.mu.Lock()
	defer n.mu.Unlock()
	ds := n.decisions
	n.decisions = nil
	return ds
}

// skipped is the note of an Unrecorded request.
var skipped = &note{}

func noteFrom(ctx context.Context) *note {
	n, _ := ctx.Value(noteKey{}).(*note)
	return n
}

// Handler follows each request through next: its decisions are recorded
// with the response's request id, and a response served despite a denial
// gets x-iamgate-decision: deny and a log line per waived decision.
func (a *Auditor) Handler(next http.Handler) http.Handler {
	// Only audit mode waives denials (Decide), so only then does a
	// response need the writer that marks them.
	waiving := a.o.Mode.Auditing()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.o.Unrecorded != nil && a.o.Unrecorded(r) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), noteKey{}, skipped)))
			return
		}
		// One allocation for the note and the context that carries it:
		// this runs for every request.
		f := &followed{}
		f.ctx = noteContext{Context: r.Context(), n: &f.note}
		if waiving {
			aw := &writer{ResponseWriter: w, a: a, n: &f.note}
			next.ServeHTTP(aw, r.WithContext(&f.ctx))
			aw.decided()
		} else {
			next.ServeHTTP(w, r.WithContext(&f.ctx))
		}
		ds := f.note.take()
		if len(ds) == 0 {
			return
		}
		id := requestID(w.Header())
		for i := range ds {
			ds[i].RequestID = id
		}
		a.enqueue(ds)
	})
}

// followed is what Handler keeps of one request.
type followed struct {
	note note
	ctx  noteContext
}

// noteContext is context.WithValue(parent, noteKey{}, n) without its
// allocation.
type noteContext struct {
	context.Context
	n *note
}

func (c *noteContext) Value(key any) any {
	if _, ok := key.(noteKey); ok {
		return c.n
	}
	return c.Context.Value(key)
}

// requestID is the id the response carries (S3 names it x-amz-request-id).
func requestID(h http.Header) string {
	// Canonical keys, read directly: Get re-reads the key's spelling.
	if v := h["X-Amzn-Requestid"]; len(v) > 0 && v[0] != "" {
		return v[0]
	}
	if v := h["X-Amz-Request-Id"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// writer sets the decision header before the response's header is sent.
type writer struct {
	http.ResponseWriter
	a    *Auditor
	n    *note
	done bool
}

// decided marks the response once: by then every decision that let the
// request through has been made.
func (w *writer) decided() {
	if w.done {
		return
	}
	w.done = true
	waived := false
	w.n.mu.Lock() // read in place, not copied: a handler's goroutine may still add
	for i := range w.n.decisions {
		if d := &w.n.decisions[i]; d.Audited {
			waived = true
			w.a.logWaived(requestID(w.Header()), *d)
		}
	}
	w.n.mu.Unlock()
	if waived {
		w.Header().Set(DecisionHeader, "deny")
	}
}

func (w *writer) WriteHeader(code int) {
	w.decided()
	w.ResponseWriter.WriteHeader(code)
}

func (w *writer) Write(b []byte) (int, error) {
	w.decided()
	return w.ResponseWriter.Write(b)
}

// Flush and Hijack keep streaming responses working through the wrapper.
func (w *writer) Flush() {
	w.decided()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.decided()
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("audit: response does not support hijacking")
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
