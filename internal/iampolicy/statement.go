package iampolicy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/iampolicy/condition"
)

// Match identifies a statement.
type Match struct {
	Layer  string `json:"layer"`  // one of the Layer constants
	Policy string `json:"policy"` // Named.Name
	Sid    string `json:"sid,omitempty"`
	Index  int    `json:"index"` // statement position in the document, from 0
	Effect string `json:"effect"`
}

func (m *Match) String() string {
	// "(POLICY, statement N[ SID])" in one allocation (it is part of every
	// decision's Reason).
	var num [20]byte
	n := strconv.AppendInt(num[:0], int64(m.Index), 10)
	var b strings.Builder
	b.Grow(len("(, statement ") + len(m.Policy) + len(n) + len(" ") + len(m.Sid) + len(")"))
	b.WriteByte('(')
	b.WriteString(m.Policy)
	b.WriteString(", statement ")
	b.Write(n)
	if m.Sid != "" {
		b.WriteByte(' ')
		b.WriteString(m.Sid)
	}
	b.WriteByte(')')
	return b.String()
}

// Step is one statement considered during evaluation and why it did or did
// not apply.
type Step struct {
	Layer         string             `json:"layer"`
	Policy        string             `json:"policy"`
	Sid           string             `json:"sid,omitempty"`
	Index         int                `json:"index"`
	Effect        string             `json:"effect"`
	Action        bool               `json:"action"`
	ActionWhy     string             `json:"actionWhy,omitempty"`
	Resource      bool               `json:"resource"`
	ResourceWhy   string             `json:"resourceWhy,omitempty"`
	Principal     bool               `json:"principal"` // always true outside resource-based policies
	PrincipalWhy  string             `json:"principalWhy,omitempty"`
	ConditionsMet bool               `json:"conditionsMet"`
	Conditions    []condition.Result `json:"conditions,omitempty"`
	Applies       bool               `json:"applies"` // Action, Resource, Principal and ConditionsMet all hold
}

func (s *Step) match() *Match {
	return &Match{Layer: s.Layer, Policy: s.Policy, Sid: s.Sid, Index: s.Index, Effect: s.Effect}
}

// statement evaluates one statement, stopping at the first element that
// fails but recording each element checked.
func (e *evaluator) statement(layer string, n Named, st *Statement) (Step, via) {
	s := Step{Layer: layer, Policy: n.Name, Sid: st.Sid, Index: st.Index, Effect: st.Effect}
	vars := n.Policy.allowsVariables()
	s.Action, s.ActionWhy = matchActions(st, e.req.Action)
	if !s.Action {
		return s, viaNone
	}
	s.Resource, s.ResourceWhy = e.matchResources(st, vars)
	if !s.Resource {
		return s, viaNone
	}
	v := viaDirect
	s.Principal, s.PrincipalWhy = true, notChecked(layer)
	if layer == LayerResource {
		v, s.Principal, s.PrincipalWhy = e.matchPrincipal(st)
		if !s.Principal {
			return s, viaNone
		}
	}
	env := condition.Env{Lookup: e.lookup}
	if vars {
		env.Expand = func(val string) (string, bool) { return expandVariables(val, false, e.lookup) }
	}
	s.ConditionsMet, s.Conditions = st.Condition.Eval(env)
	s.Applies = s.ConditionsMet
	return s, v
}

// notChecked is the PrincipalWhy of a statement outside resource-based
// policies: a constant per layer, not a string per statement evaluated.
func notChecked(layer string) string {
	const pre = "not checked in an "
	switch layer {
	case LayerIdentity:
		return pre + LayerIdentity
	case LayerSession:
		return pre + LayerSession
	case LayerBoundary:
		return pre + LayerBoundary
	case LayerResource:
		return pre + LayerResource
	}
	return pre + layer
}

func matchActions(st *Statement, action string) (bool, string) {
	if st.NotAction != nil {
		if i := st.notActionIndex.first(st.NotAction, action); i >= 0 {
			return false, "NotAction " + st.NotAction[i] + " matches " + action
		}
		return true, "no NotAction entry matches"
	}
	if i := st.actionIndex.first(st.Action, action); i >= 0 {
		return true, "Action " + st.Action[i] + " matches"
	}
	return false, "no Action entry matches"
}

// matchResources applies Resource or NotResource. A policy variable with no
// value makes its entry unusable: it matches nothing in Resource, and makes a
// NotResource statement not apply ("If AWS cannot resolve a variable this
// might cause the entire statement to be invalid",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
func (e *evaluator) matchResources(st *Statement, vars bool) (bool, string) {
	res := e.req.Resource
	one := func(pattern string) (match, resolved bool) {
		if vars {
			p, ok := expandVariables(pattern, true, e.lookup)
			if !ok {
				return false, false
			}
			pattern = p
		}
		if strings.HasPrefix(pattern, executeAPIPrefix) {
			pattern = expandExecuteAPIFor(pattern, res)
		}
		return arn.Match(pattern, res), true
	}
	if st.NotResource != nil {
		for _, r := range st.NotResource {
			match, resolved := one(r)
			if !resolved {
				return false, "NotResource " + r + " has a policy variable with no value"
			}
			if match {
				return false, "NotResource " + r + " matches"
			}
		}
		return true, "no NotResource entry matches"
	}
	if st.Resource == nil && st.NotResource == nil {
		// A trust policy names no resource: it is the role's own policy.
		return true, "no Resource element (trust policy)"
	}
	for _, r := range st.Resource {
		if match, _ := one(r); match {
			return true, "Resource " + r + " matches"
		}
	}
	return false, "no Resource entry matches"
}

func (e *evaluator) matchPrincipal(st *Statement) (via, bool, string) {
	p := &e.req.Principal
	if st.NotPrincipal != nil {
		if st.Effect == "Deny" && e.hasBoundary {
			// "The NotPrincipal element with a Deny effect will always deny any IAM
			// principal that has a permissions boundary policy attached, regardless
			// of the values specified in the NotPrincipal element."
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
			return viaDirect, true, "Deny with NotPrincipal applies to every principal with a permissions boundary"
		}
		if v, why := matchPrincipals(st.NotPrincipal, p); v != viaNone {
			return viaNone, false, "NotPrincipal lists the caller: " + why
		}
		return everyone(p), true, "NotPrincipal does not list the caller"
	}
	if st.Principal == nil {
		return viaNone, false, "statement has no Principal"
	}
	v, why := matchPrincipals(st.Principal, p)
	return v, v != viaNone, why
}

// Describe names a statement for people:
// `identity-based policy "user/x inline p" statement 0 (Sid) Allow`.
func (m *Match) Describe() string {
	s := fmt.Sprintf("%s %q statement %d", m.Layer, m.Policy, m.Index)
	if m.Sid != "" {
		s += " (" + m.Sid + ")"
	}
	return s + " " + m.Effect
}

// String renders a step for `iamgate why`.
func (s Step) String() string {
	var b strings.Builder
	b.WriteString(s.match().Describe() + ": ")
	switch {
	case !s.Action:
		b.WriteString("action: " + s.ActionWhy)
	case !s.Resource:
		b.WriteString("resource: " + s.ResourceWhy)
	case !s.Principal:
		b.WriteString("principal: " + s.PrincipalWhy)
	case !s.ConditionsMet:
		b.WriteString("condition failed:")
		for _, c := range s.Conditions {
			if !c.Matched {
				fmt.Fprintf(&b, " %s %s %v (request %v: %s)", c.Operator, c.Key, c.Values, c.Request, c.Why)
			}
		}
	default:
		b.WriteString("applies")
	}
	return b.String()
}
