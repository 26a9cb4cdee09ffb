package iamapi

import (
	"github.com/iamgate/iamgate/internal/auth/simulator"
	"github.com/iamgate/iamgate/internal/controlplane/query"
)

// The simulator's results in the query protocol's shapes.

type simStatement struct {
	SourcePolicyID   string `xml:"SourcePolicyId"`
	SourcePolicyType string `xml:",omitempty"`
	StartPosition    *simulator.Position
	EndPosition      *simulator.Position
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

// simulate runs in and answers one page of its results.
func simulate(c *call, in simulator.Input) (any, error) {
	rs, err := simulator.Simulate(c.Ctx, c.o.Evaluator, in)
	if err != nil {
		return nil, err
	}
	results := make([]evaluationResult, 0, len(rs))
	for _, r := range rs {
		results = append(results, toEvaluationResult(r))
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

func toEvaluationResult(r simulator.Result) evaluationResult {
	out := evaluationResult{EvalActionName: r.Action, EvalResourceName: r.Resource, EvalDecision: r.Decision,
		MatchedStatements: toStatements(r.Matched), MissingContextValues: append(query.Members[string]{}, r.Missing...),
		PermissionsBoundaryDecisionDetail: toBoundary(r.BoundaryAllowed)}
	for _, rr := range r.PerResource {
		out.ResourceSpecificResults = append(out.ResourceSpecificResults, resourceResult{
			EvalResourceName: rr.Resource, EvalResourceDecision: rr.Decision, MatchedStatements: toStatements(rr.Matched),
			MissingContextValues: append(query.Members[string]{}, rr.Missing...), PermissionsBoundaryDecisionDetail: toBoundary(rr.BoundaryAllowed)})
	}
	return out
}

func toStatements(sts []simulator.Statement) query.Members[simStatement] {
	out := query.Members[simStatement]{}
	for _, st := range sts {
		out = append(out, simStatement{SourcePolicyID: st.SourcePolicyID, SourcePolicyType: st.SourcePolicyType,
			StartPosition: st.Start, EndPosition: st.End})
	}
	return out
}

func toBoundary(allowed *bool) *boundaryDetail {
	if allowed == nil {
		return nil
	}
	return &boundaryDetail{*allowed}
}
