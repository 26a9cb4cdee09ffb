package gateway

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/iampolicy/condition"
	"github.com/iamgate/iamgate/internal/redact"
)

// Trace is the decision trace of one data-plane request: what `iamgate why`
// prints. It holds no secrets: the access key id, never the signature,
// secret or session token.
type Trace struct {
	RequestID string    `json:"requestId"`
	Time      time.Time `json:"time"`
	Method    string    `json:"method"`
	URL       string    `json:"url"`
	APIID     string    `json:"apiId,omitempty"`
	Stage     string    `json:"stage,omitempty"`
	// Route is the resource and method the request matched ("GET /hello"),
	// or why none did.
	Route         string `json:"route"`
	Authorization string `json:"authorizationType,omitempty"`
	// Signature is "verified", "not checked (...)", or the failure.
	Signature string    `json:"signature,omitempty"`
	Identity  *Identity `json:"identity,omitempty"`
	// Authorizer is how a Lambda authorizer decided (CUSTOM methods).
	Authorizer *AuthorizerTrace `json:"authorizer,omitempty"`
	Action     string           `json:"action,omitempty"`
	Resource   string           `json:"resource,omitempty"`
	// Context holds the request context keys the policies were evaluated with.
	Context map[string][]string `json:"context,omitempty"`
	// Statements lists every policy statement considered, in order, as the
	// authorizer evaluated them.
	Statements []iampolicy.Step `json:"statements,omitempty"`
	// Decision is Allow, ExplicitDeny or ImplicitDeny; Rule the final rule;
	// Statement the statement that decided (none for an implicit deny).
	Decision  string           `json:"decision,omitempty"`
	Rule      string           `json:"rule,omitempty"`
	Statement *iampolicy.Match `json:"statement,omitempty"`
	// APIKey says how the x-api-key of an apiKeyRequired method was judged
	// (the key id, never its value).
	APIKey string `json:"apiKey,omitempty"`
	// Validation says what the method's request validator found.
	Validation string `json:"validation,omitempty"`
	// Integration explains whether API Gateway may call the function;
	// Checks holds each decision that took.
	Integration []string `json:"integration,omitempty"`
	Checks      []Check  `json:"checks,omitempty"`
	Invoked     bool     `json:"invoked"`
	// DryRun: evaluated without invoking (`iamgate why URL`); everything
	// up to the call passed.
	DryRun bool `json:"dryRun,omitempty"`
	Status int  `json:"status"`
	// Response is the body API Gateway's own errors carried.
	Response string `json:"response,omitempty"`

	// pending is what the trace still needs when it is first read; settled
	// says it was finished (settle).
	pending traceInputs
	settled bool
	// identity is where Identity points for a verified caller: one
	// allocation with the trace.
	identity Identity
}

// traceInputs is what finishing a trace takes: the request's URL and
// credentials, and the context the policies were evaluated with. Most
// traces are never read, so the URL, the context's map and the masking of
// every field wait for the first reader.
type traceInputs struct {
	host    string
	url     *url.URL
	secrets redact.Source
	caller  *auth.Caller
	context func() map[string][]string // the request's keys; made when read
}

// settle finishes t: its URL, its context, every secret of its request
// masked. The ring's readers call it under the ring's lock, the request's
// own readers before the trace is shared.
func (t *Trace) settle() {
	if t.settled {
		return
	}
	t.settled = true
	t.settleURL()
	in := t.pending
	t.pending = traceInputs{}
	if in.caller != nil {
		var keys map[string][]string
		if in.context != nil {
			keys = in.context()
		}
		t.Context = traceContext(in.caller, keys)
	}
	t.redact(in.secrets.Scrubber())
}

// settleURL fills URL from the request's.
func (t *Trace) settleURL() {
	if in := &t.pending; in.url != nil {
		t.URL = "http://" + in.host + in.url.RequestURI()
		in.url = nil
	}
}

// Check is one authorization the integration needed (API Gateway invoking
// the function, or assuming its role), as the authorizer decided it.
type Check struct {
	Principal  string           `json:"principal"`
	Action     string           `json:"action"`
	Resource   string           `json:"resource"`
	Decision   string           `json:"decision"`
	Rule       string           `json:"rule"`
	Statement  *iampolicy.Match `json:"statement,omitempty"`
	Statements []iampolicy.Step `json:"statements,omitempty"`
}

func checkOf(principal, action, resource string, d auth.Decision) Check {
	return Check{Principal: principal, Action: action, Resource: resource, Decision: d.Effect().String(),
		Rule: ruleOf(d), Statement: d.Statement, Statements: d.Steps}
}

// Identity is the verified caller.
type Identity struct {
	ARN         string `json:"arn"`
	Type        string `json:"type"`
	AccountID   string `json:"accountId,omitempty"`
	UserID      string `json:"userId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
}

// Denied reports whether the request was refused before its integration ran.
func (t *Trace) Denied() bool { return t.Status == 403 || (t.Status >= 400 && !t.Invoked) }

// WriteText renders t for people, one fact per line.
func (t *Trace) WriteText(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("request %s at %s", t.RequestID, t.Time.UTC().Format(time.RFC3339))
	p("  %s %s", t.Method, t.URL)
	if t.APIID != "" {
		p("  api %s, stage %s", t.APIID, t.Stage)
	}
	p("route: %s", t.Route)
	if t.Authorization != "" {
		p("authorization: %s", t.Authorization)
	}
	if t.Signature != "" {
		p("signature: %s", t.Signature)
	}
	if id := t.Identity; id != nil {
		p("identity: %s (%s)", id.ARN, id.Type)
		if id.AccessKeyID != "" {
			p("  access key %s, account %s, user id %s", id.AccessKeyID, id.AccountID, id.UserID)
		}
	}
	if a := t.Authorizer; a != nil {
		p("lambda authorizer: %s %s (%s) %s", a.ID, a.Name, a.Type, a.Function)
		if a.IdentitySource != "" {
			p("  identity source: %s", a.IdentitySource)
		}
		switch {
		case a.Cached:
			p("  answer from the cache (the function was not called)")
		case a.Invoked:
			p("  function called")
		}
		for _, n := range a.Notes {
			p("  %s", n)
		}
		if a.PrincipalID != "" {
			p("  principalId: %s", a.PrincipalID)
		}
		p("  outcome: %s", a.Outcome)
	}
	if t.Action != "" {
		p("action: %s", t.Action)
		p("resource: %s", t.Resource)
	}
	if len(t.Context) > 0 {
		p("context:")
		for _, k := range slices.Sorted(maps.Keys(t.Context)) {
			p("  %s = %s", k, strings.Join(t.Context[k], ", "))
		}
	}
	if len(t.Statements) > 0 {
		p("statements considered:")
		for _, s := range t.Statements {
			p("  %s", s)
		}
	}
	if t.Decision != "" {
		p("decision: %s", t.Decision)
		p("rule: %s", t.Rule)
	}
	if t.APIKey != "" {
		p("api key: %s", t.APIKey)
	}
	if t.Validation != "" {
		p("request validation: %s", t.Validation)
	}
	if len(t.Integration) > 0 {
		p("integration permission:")
		for _, s := range t.Integration {
			p("  %s", s)
		}
		for _, c := range t.Checks {
			p("  %s %s on %s:", c.Principal, c.Action, c.Resource)
			for _, s := range c.Statements {
				p("    %s", s)
			}
			p("    %s: %s", c.Decision, c.Rule)
		}
	}
	if t.DryRun && t.Authorizer != nil && !t.Authorizer.Invoked && !t.Authorizer.Cached {
		p("result: undecided; the Lambda authorizer would be invoked and its answer decides (evaluated without invoking)")
		return
	}
	if t.DryRun {
		p("result: allowed; the function would be invoked (evaluated without invoking)")
		return
	}
	result := fmt.Sprintf("%d", t.Status)
	if t.Response != "" {
		result += " " + t.Response
	}
	if t.Invoked && t.Response == "" {
		result += " (from the function)"
	}
	p("result: %s", result)
}

// traceRing keeps the most recent traces by request id, for
// `iamgate why REQUEST_ID`. Memory only: a restart forgets them.
type traceRing struct {
	mu   sync.Mutex
	ids  []string // a circle; next is the oldest slot
	next int
	byID map[string]*Trace
}

func newTraceRing(size int) *traceRing {
	return &traceRing{ids: make([]string, size), byID: make(map[string]*Trace, size)}
}

func (r *traceRing) add(t *Trace) {
	if len(r.ids) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.ids[r.next]; old != "" {
		delete(r.byID, old)
	}
	r.ids[r.next] = t.RequestID
	r.byID[t.RequestID] = t
	r.next = (r.next + 1) % len(r.ids)
}

func (r *traceRing) get(id string) (*Trace, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.byID[id]
	if ok {
		t.settle()
	}
	return t, ok
}

// Trace returns the trace of a recent request by its x-amzn-RequestId.
func (g *Gateway) Trace(requestID string) (*Trace, bool) { return g.traces.get(requestID) }

// Explain runs r through routing, authentication, authorization and the
// integration permission check without invoking anything, and returns the
// trace; it writes no response and records nothing.
func (g *Gateway) Explain(r *http.Request) *Trace {
	c := g.newCall(discard{}, r)
	c.dryRun = true
	g.run(c)
	c.trace.pending.secrets = redact.SourceOf(r)
	c.trace.settle()
	return c.trace
}

// redact masks the request's signature and session token wherever the
// trace quotes them (the URL of a presigned request, a
// SignatureDoesNotMatch message quoting the canonical request, an error
// body): a trace is read by others than the caller, and a presigned URL is
// a bearer token until it expires.
func (t *Trace) redact(s redact.Scrubber) {
	t.URL = s.String(redact.URL(t.URL))
	t.Route, t.Signature, t.Rule, t.Response = s.String(t.Route), s.String(t.Signature), s.String(t.Rule), s.String(t.Response)
	t.Statements, t.Integration = redactSteps(s, t.Statements), s.Strings(t.Integration)
	for i := range t.Checks {
		c := &t.Checks[i]
		c.Rule, c.Statements = s.String(c.Rule), redactSteps(s, c.Statements)
	}
	for k, vs := range t.Context { // the trace's own map (traceContext)
		t.Context[k] = s.Strings(vs)
	}
}

// redactSteps masks the secrets of the request wherever a step quotes the
// request (a condition's request values, the words of a mismatch).
func redactSteps(s redact.Scrubber, steps []iampolicy.Step) []iampolicy.Step {
	if steps == nil {
		return nil
	}
	out := make([]iampolicy.Step, len(steps))
	for i, st := range steps {
		st.ActionWhy, st.ResourceWhy, st.PrincipalWhy = s.String(st.ActionWhy), s.String(st.ResourceWhy), s.String(st.PrincipalWhy)
		if st.Conditions != nil {
			conds := make([]condition.Result, len(st.Conditions))
			for j, c := range st.Conditions {
				c.Values, c.Request, c.Why = s.Strings(c.Values), s.Strings(c.Request), s.String(c.Why)
				conds[j] = c
			}
			st.Conditions = conds
		}
		out[i] = st
	}
	return out
}

// discard is a ResponseWriter that drops everything.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}
