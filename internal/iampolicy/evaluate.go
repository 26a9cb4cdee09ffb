package iampolicy

import (
	"strings"
)

// Request is what is being authorized.
type Request struct {
	Principal Principal
	Action    string // "execute-api:Invoke"
	Resource  string // "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello"
	// ResourceAccount owns the resource; "" means the caller's own account.
	ResourceAccount string
	// Context holds request context keys (aws:SourceIp, aws:CurrentTime, ...);
	// names are case-insensitive. Keys derived from the principal
	// (aws:username, aws:userid, aws:PrincipalArn, aws:PrincipalAccount,
	// aws:PrincipalType, aws:PrincipalTag/k) are added unless present.
	Context map[string][]string
	// ContextFunc, when Context is nil, supplies it: it is called once, at
	// the first context lookup, and most evaluations make none (no
	// statement with a condition or a policy variable), so a caller whose
	// keys cost a map and a format each pays only when one is read.
	ContextFunc func() map[string][]string
}

// Named is a policy with the name the trace and messages show for it.
type Named struct {
	Name   string // "inline policy api-gateway-user-policy of user x"
	Policy *Policy
}

// Set is every policy that applies to one request.
type Set struct {
	Identity []Named // user inline + attached managed + group policies, or the role's policies
	Session  []Named // session policies of an assumed-role/federated session; empty = none
	Boundary *Named  // permissions boundary; nil = none
	Resource []Named // resource-based policies (API Gateway resource policy, Lambda function policy)
}

// Effect is the outcome of an evaluation.
type Effect int

const (
	ImplicitDeny Effect = iota
	Allow
	ExplicitDeny
)

func (e Effect) String() string {
	return [...]string{"ImplicitDeny", "Allow", "ExplicitDeny"}[e]
}

// Policy layers as AWS names them in AccessDenied messages.
const (
	LayerIdentity = "identity-based policy"
	LayerResource = "resource-based policy"
	LayerBoundary = "permissions boundary"
	LayerSession  = "session policy"
)

// Decision is the result of Evaluate.
type Decision struct {
	Effect Effect
	// DeniedBy names the policy type that caused a deny (one of the Layer
	// constants), for AWS's newer AccessDenied wording; "" when allowed.
	DeniedBy string
	// Statement is the deciding statement: the explicit Deny, or the Allow
	// that granted access; nil for an implicit deny.
	Statement *Match
	// Reason is the final rule applied, in words.
	Reason string
	// Trace lists every statement considered, in order.
	Trace []Step
}

// Evaluate decides req against set in AWS's order: an explicit deny in any
// policy wins; then, within one account, an Allow from a resource-based policy
// or from the identity-based policies (limited by the permissions boundary and
// session policies) suffices; across accounts both the identity side and the
// resource-based policy must allow.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
func Evaluate(req *Request, set Set) Decision {
	e := newEvaluator(req, set)
	id := e.layer(LayerIdentity, set.Identity)
	sess := e.layer(LayerSession, set.Session)
	var bnd layerResult
	if set.Boundary != nil {
		bnd = e.layer(LayerBoundary, []Named{*set.Boundary})
	}
	e.hasBoundary = set.Boundary != nil
	res := e.layer(LayerResource, set.Resource)
	d := Decision{Trace: e.trace}
	for _, l := range []layerResult{id, res, bnd, sess} {
		if l.deny != nil {
			d.Effect, d.DeniedBy, d.Statement = ExplicitDeny, l.name, l.deny
			d.Reason = "explicit deny in " + l.name + " " + l.deny.String()
			return d
		}
	}
	e.decide(&d, set, id, sess, bnd, res)
	return d
}

// decide applies the allow rules once no explicit deny was found.
func (e *evaluator) decide(d *Decision, set Set, id, sess, bnd, res layerResult) {
	p := &e.req.Principal
	sameAccount := e.req.ResourceAccount == "" || e.req.ResourceAccount == p.AccountID
	boundaryOK := set.Boundary == nil || bnd.allow != nil
	sessionOK := len(set.Session) == 0 || sess.allow != nil
	root := p.Type == TypeRoot
	identityOK := root || (p.Type != TypeAnonymous && id.allow != nil && boundaryOK && sessionOK)

	allow := func(m *Match, why string) {
		d.Effect, d.Statement, d.Reason = Allow, m, why
	}
	switch {
	case p.Type == TypeAnonymous:
		if res.allow != nil {
			allow(res.allow, "resource-based policy allows anonymous access "+res.allow.String())
			return
		}
	case sameAccount:
		switch {
		case res.via == viaDirect:
			allow(res.allow, "resource-based policy allows the caller "+res.allow.String())
			return
		case res.via == viaEveryone && sessionOK:
			allow(res.allow, "resource-based policy allows everyone and no session policy limits it "+res.allow.String())
			return
		case res.via == viaRole && boundaryOK && sessionOK:
			allow(res.allow, "resource-based policy allows the caller's role "+res.allow.String())
			return
		case identityOK && root:
			d.Effect, d.Reason = Allow, "the account root user is allowed in its own account"
			return
		case identityOK:
			allow(id.allow, "identity-based policy allows "+id.allow.String())
			return
		}
	default:
		if identityOK && res.allow != nil {
			m := id.allow
			if m == nil {
				m = res.allow
			}
			allow(m, "cross-account: identity side and resource-based policy both allow")
			return
		}
	}
	d.Effect = ImplicitDeny
	d.DeniedBy = e.missing(boundaryOK, sessionOK, id)
	d.Reason = implicitReason(d.DeniedBy)
}

// implicitReason is the Reason of an implicit deny for the layer whose
// Allow was missing: a constant for each layer, not a string per request.
func implicitReason(layer string) string {
	const pre, post = "implicit deny: no ", " allows the action"
	switch layer {
	case LayerIdentity:
		return pre + LayerIdentity + post
	case LayerResource:
		return pre + LayerResource + post
	case LayerBoundary:
		return pre + LayerBoundary + post
	case LayerSession:
		return pre + LayerSession + post
	}
	return pre + layer + post
}

// missing names the policy type whose missing Allow caused an implicit deny.
func (e *evaluator) missing(boundaryOK, sessionOK bool, id layerResult) string {
	switch p := &e.req.Principal; {
	case p.Type == TypeAnonymous, p.Type == TypeRoot, p.Type == TypeService:
		// None of these has identity policies to miss: only a
		// resource-based policy could have allowed.
		return LayerResource
	case id.allow == nil:
		return LayerIdentity
	case !boundaryOK:
		return LayerBoundary
	case !sessionOK:
		return LayerSession
	}
	return LayerResource
}

// layerResult is what one policy layer contributed.
type layerResult struct {
	name  string
	allow *Match // first applicable Allow (for resources: the one with the strongest principal match)
	deny  *Match // first applicable Deny
	via   via    // resource layer only
}

type evaluator struct {
	// req is a copy: the caller's Request stays where it is (the
	// evaluator's content escapes, so a pointer would move the caller's
	// Request to the heap on every evaluation).
	req Request
	// ctx holds the context with lower-cased keys, built by the first
	// lookup: most statements (the seed's, every denied caller's) read no
	// condition key, and building it is a map and a string per key.
	ctx   map[string][]string
	trace []Step
	// hasBoundary: the caller has a permissions boundary, which makes every
	// Deny statement with NotPrincipal apply to it.
	hasBoundary bool
}

func newEvaluator(req *Request, set Set) *evaluator {
	n := 0
	for _, list := range [][]Named{set.Identity, set.Session, set.Resource} {
		for _, p := range list {
			if p.Policy != nil {
				n += len(p.Policy.Statements)
			}
		}
	}
	if set.Boundary != nil && set.Boundary.Policy != nil {
		n += len(set.Boundary.Policy.Statements)
	}
	return &evaluator{req: *req, trace: make([]Step, 0, n)}
}

func buildContext(req *Request) map[string][]string {
	keys := req.Context
	if keys == nil && req.ContextFunc != nil {
		keys = req.ContextFunc()
	}
	p := &req.Principal
	ctx := make(map[string][]string, len(keys)+6+len(p.Tags))
	p.ContextKeys(func(k, v string) { ctx[strings.ToLower(k)] = []string{v} })
	for k, v := range keys {
		ctx[strings.ToLower(k)] = v
	}
	return ctx
}

func (e *evaluator) lookup(key string) ([]string, bool) {
	if e.ctx == nil {
		e.ctx = buildContext(&e.req)
	}
	v, ok := e.ctx[strings.ToLower(key)]
	return v, ok
}

func (e *evaluator) layer(name string, policies []Named) layerResult {
	r := layerResult{name: name}
	for _, n := range policies {
		if n.Policy == nil {
			continue
		}
		for i := range n.Policy.Statements {
			st := &n.Policy.Statements[i]
			step, v := e.statement(name, n, st)
			e.trace = append(e.trace, step)
			if !step.Applies {
				continue
			}
			m := step.match()
			switch {
			case st.Effect == "Deny" && r.deny == nil:
				r.deny = m
			case st.Effect == "Allow" && (r.allow == nil || v > r.via):
				r.allow, r.via = m, v
			}
		}
	}
	return r
}
