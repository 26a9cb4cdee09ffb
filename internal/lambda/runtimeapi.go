package lambda

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Runtime API paths (version 2018-06-01, runtime-api.yaml).
const (
	apiPrefix       = "/2018-06-01"
	pathNext        = apiPrefix + "/runtime/invocation/next"
	pathInitError   = apiPrefix + "/runtime/init/error"
	headerErrorType = "Lambda-Runtime-Function-Error-Type"
)

// maxPayload is the largest synchronous response Lambda accepts from a
// runtime: 6 MB plus 100 bytes, as in the emulator's "Exceeded maximum
// allowed payload size (6291556 bytes)."
// (aws/aws-lambda-runtime-interface-emulator internal/lambda/rapi/rendering/render_error.go).
const maxPayload = 6*1024*1024 + 100

// apiState is where a process stands in the Runtime API state machine.
type apiState int

const (
	stateInit       apiState = iota // started, has not asked for an event yet
	stateIdle                       // waiting in /next, or about to
	stateInvoking                   // holds an event, owes a response or error
	stateInitFailed                 // posted /init/error; must exit
)

var stateNames = map[apiState]string{
	stateInit: "Init", stateIdle: "Ready", stateInvoking: "Invoke", stateInitFailed: "InitError",
}

// invocation is one event handed to a runtime.
type invocation struct {
	id            string
	payload       []byte
	arn           string
	clientContext string
	cognito       string
	traceID       string
	timeout       time.Duration

	deadline time.Time     // set when the runtime picks the event up
	picked   chan struct{} // closed at pick-up
	done     chan outcome  // buffered 1: the runtime's answer
	stats    runStats      // set by the run that finishes it, for Options.Observe
}

func newInvocation(id string, payload []byte, timeout time.Duration) *invocation {
	return &invocation{id: id, payload: payload, timeout: timeout,
		picked: make(chan struct{}), done: make(chan outcome, 1)}
}

// outcome is the runtime's answer to one invocation.
type outcome struct {
	payload []byte
	ferr    *functionError
}

// runtimeAPI serves the Runtime API to one process.
type runtimeAPI struct {
	now func() time.Time
	// secret is the first path segment of every Runtime API URL of this
	// environment (AWS_LAMBDA_RUNTIME_API is "127.0.0.1:PORT/SECRET"): any
	// local process can connect to the port, only the environment knows the
	// secret. Clients build URLs as "http://" + AWS_LAMBDA_RUNTIME_API +
	// "/2018-06-01/runtime/...", as aws-lambda-go does
	// (lambda/runtime_api_client.go), so they keep working. "" in tests of
	// the protocol alone.
	secret  string
	next    chan *invocation // unbuffered hand-off to a waiting /next
	closing chan struct{}
	initErr chan functionError // buffered 1
	ready   chan struct{}      // closed on the first /next: init is over

	mu      sync.Mutex
	state   apiState
	current *invocation
	readyAt time.Time
	closed  bool
}

func newRuntimeAPI(now func() time.Time) *runtimeAPI {
	return &runtimeAPI{now: now, next: make(chan *invocation), closing: make(chan struct{}),
		initErr: make(chan functionError, 1), ready: make(chan struct{})}
}

func (a *runtimeAPI) handler() http.Handler {
	prefix := ""
	if a.secret != "" {
		prefix = "/" + a.secret
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+pathNext, a.serveNext)
	mux.HandleFunc("POST "+prefix+apiPrefix+"/runtime/invocation/{id}/response", a.serveResponse)
	mux.HandleFunc("POST "+prefix+apiPrefix+"/runtime/invocation/{id}/error", a.serveError)
	mux.HandleFunc("POST "+prefix+pathInitError, a.serveInitError)
	if prefix == "" {
		return mux
	}
	want := []byte(prefix + "/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Constant time: the mux's own matching would tell a prober how much
		// of the secret it has right.
		p := r.URL.Path
		if len(p) < len(want) || subtle.ConstantTimeCompare([]byte(p[:len(want)]), want) != 1 {
			writeAPIError(w, awserr.AccessDenied, "This Runtime API belongs to another execution environment.")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// close wakes every long poll; later calls get 500 so the runtime exits.
func (a *runtimeAPI) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.closed {
		a.closed = true
		close(a.closing)
	}
}

func (a *runtimeAPI) serveNext(w http.ResponseWriter, r *http.Request) {
	if !a.enterIdle(w) {
		return
	}
	select {
	case inv := <-a.next:
		a.mu.Lock()
		// The runtime compares the deadline with its own clock, so it is
		// wall time, whatever clock iamgate's logs are stamped with.
		inv.deadline = time.Now().Add(inv.timeout)
		a.current, a.state = inv, stateInvoking
		a.mu.Unlock()
		close(inv.picked)
		writeEvent(w, inv)
	case <-a.closing:
		writeAPIError(w, runtimeInternal, "Internal Server Error")
	case <-r.Context().Done():
	}
}

// enterIdle moves to Ready for /next, or writes the 403 Lambda gives for a
// call out of turn.
func (a *runtimeAPI) enterIdle(w http.ResponseWriter) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		writeAPIError(w, runtimeInternal, "Internal Server Error")
		return false
	}
	if a.state == stateInvoking || a.state == stateInitFailed {
		writeTransitionError(w, a.state, stateIdle)
		return false
	}
	if a.state == stateInit {
		a.readyAt = a.now()
		close(a.ready)
	}
	a.state = stateIdle
	return true
}

// eventHeaders are the /next answer's headers, in canonical form so that
// writeEvent can set them without Header.Set's canonicalization.
var eventHeaders = [...]string{"Lambda-Runtime-Aws-Request-Id", "Lambda-Runtime-Deadline-Ms",
	"Lambda-Runtime-Invoked-Function-Arn", "Lambda-Runtime-Trace-Id", "Lambda-Runtime-Client-Context",
	"Lambda-Runtime-Cognito-Identity", "Content-Type", "Content-Length"}

func writeEvent(w http.ResponseWriter, inv *invocation) {
	// A length, not chunks: the bootstraps keep one connection and read
	// exactly the event.
	// One backing array for every header's value: Header.Set allocates a
	// slice per header, eight per invocation.
	vals := append(make([]string, 0, len(eventHeaders)), inv.id, strconv.FormatInt(inv.deadline.UnixMilli(), 10),
		inv.arn, inv.traceID, inv.clientContext, inv.cognito, "application/json", strconv.Itoa(len(inv.payload)))
	h := w.Header()
	for i, k := range eventHeaders {
		if vals[i] != "" {
			h[k] = vals[i : i+1 : i+1]
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

func (a *runtimeAPI) serveResponse(w http.ResponseWriter, r *http.Request) {
	body, tooLarge, err := readLimited(r.Body)
	if err != nil {
		writeAPIError(w, runtimeTruncated, "HTTP request detected as truncated")
		return
	}
	inv, ok := a.finish(w, r.PathValue("id"))
	if !ok {
		return
	}
	if tooLarge {
		ferr := platformTooLarge()
		inv.done <- outcome{ferr: &ferr}
		writeAPIError(w, runtimeTooLarge,
			fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", maxPayload))
		return
	}
	inv.done <- outcome{payload: body}
	writeAccepted(w)
}

// platformTooLarge is the Invoke payload when a function's response is over
// the limit.
func platformTooLarge() functionError {
	payload, _ := json.Marshal(errorRequest{
		ErrorMessage: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", maxPayload),
		ErrorType:    "Function.ResponseSizeTooLarge",
	})
	return functionError{payload: payload, errorType: "Function.ResponseSizeTooLarge"}
}

func (a *runtimeAPI) serveError(w http.ResponseWriter, r *http.Request) {
	body, _, err := readLimited(r.Body)
	if err != nil {
		writeAPIError(w, runtimeTruncated, "HTTP request detected as truncated")
		return
	}
	inv, ok := a.finish(w, r.PathValue("id"))
	if !ok {
		return
	}
	ferr := parseErrorBody(body, r.Header.Get(headerErrorType))
	inv.done <- outcome{ferr: &ferr}
	writeAccepted(w)
}

// finish ends the current invocation if id names it; otherwise it writes
// Lambda's 400 InvalidRequestID (or 403 when no event is held at all).
func (a *runtimeAPI) finish(w http.ResponseWriter, id string) (*invocation, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		writeAPIError(w, runtimeInternal, "Internal Server Error")
		return nil, false
	}
	if a.state != stateInvoking {
		writeTransitionError(w, a.state, stateIdle)
		return nil, false
	}
	if a.current == nil || a.current.id != id {
		writeAPIError(w, runtimeInvalidRequestID, "Invalid request ID")
		return nil, false
	}
	inv := a.current
	a.current, a.state = nil, stateIdle
	return inv, true
}

func (a *runtimeAPI) serveInitError(w http.ResponseWriter, r *http.Request) {
	body, _, err := readLimited(r.Body)
	if err != nil {
		writeAPIError(w, runtimeTruncated, "HTTP request detected as truncated")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		writeAPIError(w, runtimeInternal, "Internal Server Error")
		return
	}
	if a.state != stateInit {
		writeTransitionError(w, a.state, stateInitFailed)
		return
	}
	a.state = stateInitFailed
	a.initErr <- parseErrorBody(body, r.Header.Get(headerErrorType))
	writeAccepted(w)
}

// readLimited reads up to maxPayload bytes and reports whether there was more.
func readLimited(body io.Reader) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(body, maxPayload+1))
	if err != nil {
		return nil, false, err
	}
	if len(b) > maxPayload {
		_, _ = io.Copy(io.Discard, body)
		return nil, true, nil
	}
	return b, false, nil
}

func writeAccepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`+"\n")
}

// writeTransitionError is the 403 a runtime gets for a call its state does
// not allow (the emulator's InvalidStateTransition).
func writeTransitionError(w http.ResponseWriter, from, to apiState) {
	writeAPIError(w, runtimeInvalidTransition,
		fmt.Sprintf("State transition from %s to %s failed for runtime.", stateNames[from], stateNames[to]))
}

// The Runtime API's error types; their statuses are awserr.LambdaRuntime's.
const (
	runtimeInternal          awserr.Code = "InternalServerError"
	runtimeInvalidTransition awserr.Code = "InvalidStateTransition"
	runtimeInvalidRequestID  awserr.Code = "InvalidRequestID"
	runtimeTruncated         awserr.Code = "TruncatedHTTPRequest"
	runtimeTooLarge          awserr.Code = "RequestEntityTooLarge"
)

// writeAPIError writes the spec's ErrorResponse through the one error
// table, which gives the status.
func writeAPIError(w http.ResponseWriter, code awserr.Code, msg string) {
	awserr.LambdaRuntime.Write(w, &awserr.Error{Code: code, Message: msg}, awserr.Reply{})
}
