package auth

import (
	"context"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// Evaluator is the one place iamgate evaluates IAM policies: the data plane,
// the control plane, the stack engine, the policy simulator and `iamgate
// why` all reach iampolicy.Evaluate through it, so they decide alike. It
// builds the policy set of a principal in one way and keeps compiled
// documents by content (documents are immutable values, so a hash names one
// parse). It reads no store: the principal comes with its policies.
type Evaluator struct {
	mu     sync.Mutex
	parsed map[compiledKey]*iampolicy.Policy
}

// compiledKey names one parse: the document itself is the key (a map's
// string hash is far cheaper than the SHA-256 it replaced, computed for
// every policy of every request; the parsed policy outweighs the text it
// keeps alive).
type compiledKey struct {
	kind iampolicy.Kind
	doc  string
}

// compiledCacheSize bounds the cache; beyond it the cache starts over
// (policies in use are re-parsed once).
const compiledCacheSize = 4096

// NewEvaluator returns an Evaluator with an empty cache.
func NewEvaluator() *Evaluator {
	return &Evaluator{parsed: map[compiledKey]*iampolicy.Policy{}}
}

// Evaluate decides req for p, over p's identity policies, session
// policies and permissions boundary and req's resource-based policies. The
// context is req.Context as given, plus the keys iampolicy derives from the
// principal and aws:TokenIssueTime for a session; Authorize adds the
// request-time keys. An error means a policy did not parse
// (*iampolicy.ParseError): nothing was decided.
//
// The account root is evaluated like any principal: it needs no identity
// policy in its own account, but an explicit Deny in a resource-based policy
// still refuses it
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
func (e *Evaluator) Evaluate(_ context.Context, p iam.Principal, req Request) (Decision, error) {
	issued := p.SessionIssued
	return e.evaluate(p, req, func() map[string][]string { return withTokenIssueTime(addRequestKeys(nil, req), issued) })
}

// evaluate is Evaluate with the context made by keys, a fresh map, and only
// if a policy reads it: Authorize's adds the request-time keys.
func (e *Evaluator) evaluate(p iam.Principal, req Request, keys func() map[string][]string) (Decision, error) {
	ip := iampolicy.Request{Principal: principalOf(p), Action: req.Action, Resource: req.Resource,
		ResourceAccount: req.ResourceAccount, ContextFunc: keys}
	set, err := e.policySet(p, req)
	if err != nil {
		return Decision{}, err
	}
	d := iampolicy.Evaluate(&ip, set)
	if d.Effect == iampolicy.Allow && req.ResourceMustAllow && !resourceAllowed(d) {
		d.Effect, d.DeniedBy, d.Statement = iampolicy.ImplicitDeny, iampolicy.LayerResource, nil
		d.Reason = "implicit deny: no " + iampolicy.LayerResource + " allows the caller"
	}
	return decisionOf(d, &ip), nil
}

// withTokenIssueTime adds aws:TokenIssueTime for a session issued at
// issued, unless ctx has it.
func withTokenIssueTime(ctx map[string][]string, issued time.Time) map[string][]string {
	if _, set := ctx["aws:TokenIssueTime"]; !set && !issued.IsZero() {
		ctx["aws:TokenIssueTime"] = []string{tokenIssueTime(issued)}
	}
	return ctx
}

// tokenIssueTime is aws:TokenIssueTime's value for a session issued at issued.
func tokenIssueTime(issued time.Time) string { return issued.UTC().Format(time.RFC3339) }

// addRequestKeys adds req's own context keys to ctx (a new map when nil):
// ContextFunc's, then Context's, which win.
func addRequestKeys(ctx map[string][]string, req Request) map[string][]string {
	var more map[string][]string
	if req.ContextFunc != nil {
		more = req.ContextFunc()
	}
	if ctx == nil {
		ctx = make(map[string][]string, len(more)+len(req.Context)+1)
	}
	for k, v := range more {
		ctx[k] = v
	}
	for k, v := range req.Context {
		ctx[k] = v
	}
	return ctx
}

// Compile parses doc as a policy of kind through the cache.
func (e *Evaluator) Compile(doc string, kind iampolicy.Kind) (*iampolicy.Policy, error) {
	key := compiledKey{kind, doc}
	e.mu.Lock()
	p, ok := e.parsed[key]
	e.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := iampolicy.Parse([]byte(doc), kind)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if len(e.parsed) >= compiledCacheSize {
		clear(e.parsed)
	}
	e.parsed[key] = p
	e.mu.Unlock()
	return p, nil
}

// policySet is the one builder of what applies to a request: the
// principal's identity policies (a user's own, then its groups'; or the
// role's), session policies and boundary, and the request's resource-based
// policies (a role's trust policy when the resource must allow).
func (e *Evaluator) policySet(p iam.Principal, req Request) (iampolicy.Set, error) {
	ps, err := e.principalSet(p)
	if err != nil {
		return iampolicy.Set{}, err
	}
	set := iampolicy.Set{Identity: ps.identity, Session: ps.session, Boundary: ps.boundary}
	kind := iampolicy.ResourcePolicy
	if req.ResourceMustAllow {
		kind = iampolicy.TrustPolicy // trust policies name no Resource
	}
	for _, rp := range req.ResourcePolicies {
		pol, err := e.Compile(rp.Document, kind)
		if err != nil {
			return set, err
		}
		set.Resource = append(set.Resource, iampolicy.Named{Name: rp.Name, Policy: pol})
	}
	return set, nil
}

// principalPolicies is the compiled part of a policy set that comes from
// the principal: identity policies, session policies, boundary. Evaluation
// only reads it, so one value serves every request of a cached principal.
type principalPolicies struct {
	by       *Evaluator // the Evaluator that compiled it
	identity []iampolicy.Named
	session  []iampolicy.Named
	boundary *iampolicy.Named
}

// principalSet compiles p's policies, once per cache entry of a principal
// from iam's cache (p.Derived, which the writes that change the policies
// and the entry's TTL drop with the entry), else per call.
func (e *Evaluator) principalSet(p iam.Principal) (principalPolicies, error) {
	if p.Derived != nil {
		if ps, ok := p.Derived.Load().(*principalPolicies); ok && ps.by == e {
			return *ps, nil
		}
	}
	ps := principalPolicies{by: e}
	var err error
	if ps.identity, err = e.named(p.Identity, iampolicy.IdentityPolicy); err != nil {
		return ps, err
	}
	if ps.session, err = e.named(p.Session, iampolicy.SessionPolicy); err != nil {
		return ps, err
	}
	if p.Boundary != nil {
		b, err := e.named([]iam.PolicyDoc{*p.Boundary}, iampolicy.PermissionsBoundary)
		if err != nil {
			return ps, err
		}
		ps.boundary = &b[0]
	}
	if p.Derived != nil {
		kept := ps
		p.Derived.Store(&kept)
	}
	return ps, nil
}

func (e *Evaluator) named(docs []iam.PolicyDoc, kind iampolicy.Kind) ([]iampolicy.Named, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	out := make([]iampolicy.Named, 0, len(docs))
	for _, d := range docs {
		pol, err := e.Compile(d.Document, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, iampolicy.Named{Name: d.Name, Policy: pol})
	}
	return out, nil
}

// principalOf is the principal as the policy language sees it:
// aws:PrincipalArn of a role session is the role's ARN.
func principalOf(p iam.Principal) iampolicy.Principal {
	return iampolicy.Principal{ARN: p.ARN, AccountID: p.AccountID, Type: p.Type, UserID: p.UserID,
		Username: p.Username, Tags: p.Tags, SourceIdentityARN: p.RoleARN}
}

// resourceAllowed reports whether some resource-policy statement allowed the
// request (directly, or by naming the caller's account).
func resourceAllowed(d iampolicy.Decision) bool {
	for _, st := range d.Trace {
		if st.Layer == iampolicy.LayerResource && st.Applies && st.Effect == "Allow" {
			return true
		}
	}
	return false
}

// decisionOf keeps iampolicy's structured decision and adds AWS's wording.
func decisionOf(d iampolicy.Decision, ip *iampolicy.Request) Decision {
	out := Decision{Allowed: d.Effect == iampolicy.Allow, ExplicitDeny: d.Effect == iampolicy.ExplicitDeny,
		DeniedBy: d.DeniedBy, Reason: d.Reason, Statement: d.Statement, Steps: d.Trace}
	if !out.Allowed {
		// Message is the head both wordings share; Because the newer
		// suffix; denial both, in the one allocation they share.
		var head int
		out.denial, head = d.DenyParts(ip)
		out.Message, out.Because = out.denial[:head], out.denial[head:]
	}
	return out
}
