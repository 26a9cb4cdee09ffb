package simulator

import (
	"context"
	"slices"
	"sort"
	"strconv"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// Decisions, as PolicyEvaluationDecisionType spells them.
const (
	Allowed      = "allowed"
	ExplicitDeny = "explicitDeny"
	ImplicitDeny = "implicitDeny"
)

// Statement is a matched statement: its policy and its place there
// (positions nil when the document's statements could not be located).
type Statement struct {
	SourcePolicyID   string
	SourcePolicyType string
	Start, End       *Position
}

// ResourceResult is one resource's answer (ResourceSpecificResult).
type ResourceResult struct {
	Resource        string
	Decision        string
	Matched         []Statement
	Missing         []string // context keys the statements needed and lacked
	BoundaryAllowed *bool    // nil without a permissions boundary
}

// Result is one action's answer (EvaluationResult): one per action,
// whose decision is the most restrictive over the requested resources,
// with one ResourceResult per resource when ResourceArns were given
// (API_EvaluationResult.html: "The simulator now returns a single
// EvaluationResult per action, regardless of how many resource ARNs are
// provided").
type Result struct {
	Action          string
	Resource        string // "*" unless exactly one resource was given
	Decision        string
	Matched         []Statement
	Missing         []string
	BoundaryAllowed *bool
	PerResource     []ResourceResult // nil without ResourceArns
}

// severity orders decisions from least to most restrictive.
var severity = map[string]int{Allowed: 0, ImplicitDeny: 1, ExplicitDeny: 2}

func (s *simulation) action(ctx context.Context, action string) (Result, error) {
	resources := s.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	out := Result{Action: action, Resource: "*", Decision: Allowed, Matched: []Statement{}, Missing: []string{}}
	if len(resources) == 1 {
		out.Resource = resources[0]
	}
	per := make([]ResourceResult, 0, len(resources))
	for _, r := range resources {
		rr, err := s.evaluate(ctx, action, r)
		if err != nil {
			return out, err
		}
		per = append(per, rr)
		if severity[rr.Decision] > severity[out.Decision] {
			out.Decision = rr.Decision
		}
	}
	for _, rr := range per {
		if rr.Decision == out.Decision {
			out.Matched = appendNew(out.Matched, rr.Matched...)
		}
		if rr.BoundaryAllowed != nil {
			allowed := (out.BoundaryAllowed == nil || *out.BoundaryAllowed) && *rr.BoundaryAllowed
			out.BoundaryAllowed = &allowed
		}
	}
	if len(s.resources) == 0 {
		// Missing keys are reported at the top for "*", and per resource
		// otherwise (API_ResourceSpecificResult.html).
		out.Missing = per[0].Missing
	} else {
		out.PerResource = per
	}
	return out, nil
}

func appendNew(list []Statement, items ...Statement) []Statement {
	for _, it := range items {
		if !slices.ContainsFunc(list, func(x Statement) bool { return samePlace(x, it) }) {
			list = append(list, it)
		}
	}
	return list
}

func samePlace(a, b Statement) bool {
	return a.SourcePolicyID == b.SourcePolicyID && a.SourcePolicyType == b.SourcePolicyType &&
		(a.Start == nil) == (b.Start == nil) && (a.Start == nil || *a.Start == *b.Start)
}

func (s *simulation) evaluate(ctx context.Context, action, resource string) (ResourceResult, error) {
	d, err := s.ev.Evaluate(ctx, s.principal, auth.Request{Action: action, Resource: resource,
		ResourceAccount: s.owner, Context: s.context, ResourcePolicies: s.resource})
	if err != nil {
		return ResourceResult{}, err
	}
	rr := ResourceResult{Resource: resource, Decision: decisionName(d.Effect()), Matched: []Statement{}, Missing: []string{}}
	missing := map[string]bool{}
	bndAllow, bndDeny := false, false
	for _, st := range d.Steps {
		if st.Action && st.Resource && st.Principal {
			for _, cr := range st.Conditions {
				if !cr.Present {
					missing[cr.Key] = true
				}
			}
		}
		if !st.Applies {
			continue
		}
		if st.Layer == iampolicy.LayerBoundary {
			bndAllow = bndAllow || st.Effect == "Allow"
			bndDeny = bndDeny || st.Effect == "Deny"
		}
		if matches(d.Effect(), st) {
			rr.Matched = appendNew(rr.Matched, s.statement(st))
		}
	}
	for k := range missing {
		rr.Missing = append(rr.Missing, k)
	}
	sort.Strings(rr.Missing)
	if s.principal.Boundary != nil {
		allowed := bndAllow && !bndDeny
		rr.BoundaryAllowed = &allowed
	}
	return rr, nil
}

// matches reports whether an applying statement determined the decision:
// for a deny only the Deny statements count ("the deny statement is the
// only entry included in the result"); for an allow, the Allow statements
// of the identity and resource-based policies.
func matches(e iampolicy.Effect, st iampolicy.Step) bool {
	switch e {
	case iampolicy.ExplicitDeny:
		return st.Effect == "Deny"
	case iampolicy.Allow:
		return st.Effect == "Allow" && (st.Layer == iampolicy.LayerIdentity || st.Layer == iampolicy.LayerResource)
	}
	return false
}

func (s *simulation) statement(st iampolicy.Step) Statement {
	i, _ := strconv.Atoi(st.Policy)
	src := s.sources[i]
	out := Statement{SourcePolicyID: src.id, SourcePolicyType: src.typ}
	if st.Index < len(src.spans) {
		sp := src.spans[st.Index]
		out.Start, out.End = &sp.start, &sp.end
	}
	return out
}

func decisionName(e iampolicy.Effect) string {
	switch e {
	case iampolicy.Allow:
		return Allowed
	case iampolicy.ExplicitDeny:
		return ExplicitDeny
	}
	return ImplicitDeny
}
