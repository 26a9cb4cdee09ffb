package iamapi

import (
	"context"
	"slices"
	"sort"
	"strconv"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// Simulation results: one EvaluationResult per action, whose decision is
// the most restrictive over the requested resources, with one
// ResourceSpecificResult per resource when ResourceArns were given
// (API_EvaluationResult.html: "The simulator now returns a single
// EvaluationResult per action, regardless of how many resource ARNs are
// provided").

type simStatement struct {
	SourcePolicyID   string `xml:"SourcePolicyId"`
	SourcePolicyType string `xml:",omitempty"`
	StartPosition    *simPosition
	EndPosition      *simPosition
}

type boundaryDetail struct {
	AllowedByPermissionsBoundary bool
}

type resourceResult struct {
	EvalResourceName                  string
	EvalResourceDecision              string
	MatchedStatements                 query.Members[simStatement]
	MissingContextValues              query.Members[string]
	PermissionsBoundaryDecisionDetail *boundaryDetail `xml:",omitempty"`
}

type evaluationResult struct {
	EvalActionName                    string
	EvalResourceName                  string
	EvalDecision                      string
	MatchedStatements                 query.Members[simStatement]
	MissingContextValues              query.Members[string]
	PermissionsBoundaryDecisionDetail *boundaryDetail               `xml:",omitempty"`
	ResourceSpecificResults           query.Members[resourceResult] `xml:",omitempty"`
}

func (s *simulation) run(c *call) (any, error) {
	results := make([]evaluationResult, 0, len(s.actions))
	for _, action := range s.actions {
		r, err := s.action(c.Ctx, action)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	results, pg, err := pageOf(c, results)
	if err != nil {
		return nil, err
	}
	return struct {
		EvaluationResults query.Members[evaluationResult]
		page
	}{append(query.Members[evaluationResult]{}, results...), pg}, nil
}

// severity orders decisions from least to most restrictive.
var severity = map[string]int{evalAllowed: 0, evalImplicitDeny: 1, evalExplicitDeny: 2}

func (s *simulation) action(ctx context.Context, action string) (evaluationResult, error) {
	resources := s.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	out := evaluationResult{EvalActionName: action, EvalResourceName: "*", EvalDecision: evalAllowed,
		MatchedStatements: query.Members[simStatement]{}, MissingContextValues: query.Members[string]{}}
	if len(resources) == 1 {
		out.EvalResourceName = resources[0]
	}
	per := make([]resourceResult, 0, len(resources))
	for _, r := range resources {
		rr, err := s.evaluate(ctx, action, r)
		if err != nil {
			return out, err
		}
		per = append(per, rr)
		if severity[rr.EvalResourceDecision] > severity[out.EvalDecision] {
			out.EvalDecision = rr.EvalResourceDecision
		}
	}
	for _, rr := range per {
		if rr.EvalResourceDecision == out.EvalDecision {
			out.MatchedStatements = appendNew(out.MatchedStatements, rr.MatchedStatements...)
		}
		if rr.PermissionsBoundaryDecisionDetail != nil {
			allowed := out.PermissionsBoundaryDecisionDetail == nil || out.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary
			out.PermissionsBoundaryDecisionDetail = &boundaryDetail{allowed && rr.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary}
		}
	}
	if len(s.resources) == 0 {
		// Missing keys are reported at the top for "*", and per resource
		// otherwise (API_ResourceSpecificResult.html).
		out.MissingContextValues = per[0].MissingContextValues
	} else {
		out.ResourceSpecificResults = per
	}
	return out, nil
}

func appendNew(list query.Members[simStatement], items ...simStatement) query.Members[simStatement] {
	for _, it := range items {
		if !slices.ContainsFunc(list, func(x simStatement) bool { return samePlace(x, it) }) {
			list = append(list, it)
		}
	}
	return list
}

func samePlace(a, b simStatement) bool {
	return a.SourcePolicyID == b.SourcePolicyID && a.SourcePolicyType == b.SourcePolicyType &&
		(a.StartPosition == nil) == (b.StartPosition == nil) && (a.StartPosition == nil || *a.StartPosition == *b.StartPosition)
}

func (s *simulation) evaluate(ctx context.Context, action, resource string) (resourceResult, error) {
	d, err := s.ev.Evaluate(ctx, s.principal, auth.Request{Action: action, Resource: resource,
		ResourceAccount: s.owner, Context: s.context, ResourcePolicies: s.resource})
	if err != nil {
		return resourceResult{}, err
	}
	rr := resourceResult{EvalResourceName: resource, EvalResourceDecision: decisionName(d.Effect()),
		MatchedStatements: query.Members[simStatement]{}, MissingContextValues: query.Members[string]{}}
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
		if s.matches(d.Effect(), st) {
			rr.MatchedStatements = appendNew(rr.MatchedStatements, s.statement(st))
		}
	}
	for k := range missing {
		rr.MissingContextValues = append(rr.MissingContextValues, k)
	}
	sort.Strings(rr.MissingContextValues)
	if s.principal.Boundary != nil {
		rr.PermissionsBoundaryDecisionDetail = &boundaryDetail{bndAllow && !bndDeny}
	}
	return rr, nil
}

// matches reports whether an applying statement determined the decision:
// for a deny only the Deny statements count ("the deny statement is the
// only entry included in the result"); for an allow, the Allow statements
// of the identity and resource-based policies.
func (s *simulation) matches(e iampolicy.Effect, st iampolicy.Step) bool {
	switch e {
	case iampolicy.ExplicitDeny:
		return st.Effect == "Deny"
	case iampolicy.Allow:
		return st.Effect == "Allow" && (st.Layer == iampolicy.LayerIdentity || st.Layer == iampolicy.LayerResource)
	}
	return false
}

func (s *simulation) statement(st iampolicy.Step) simStatement {
	i, _ := strconv.Atoi(st.Policy)
	src := s.sources[i]
	out := simStatement{SourcePolicyID: src.id, SourcePolicyType: src.typ}
	if st.Index < len(src.spans) {
		sp := src.spans[st.Index]
		out.StartPosition, out.EndPosition = &sp.start, &sp.end
	}
	return out
}

func decisionName(e iampolicy.Effect) string {
	switch e {
	case iampolicy.Allow:
		return evalAllowed
	case iampolicy.ExplicitDeny:
		return evalExplicitDeny
	}
	return evalImplicitDeny
}
