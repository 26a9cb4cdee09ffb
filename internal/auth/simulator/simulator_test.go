package simulator

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

const (
	allowS3   = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	denyPut   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/secret/*"}]}`
	boundary  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}`
	needsTag  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}}`
	bucketPol = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/u"},"Action":"s3:GetObject","Resource":"*"}}`
)

func pos(l, c int) *Position { return &Position{Line: l, Column: c} }

// Decisions and matched statements as the simulator reports them
// (API_EvaluationResult.html: one result per action, the most restrictive
// over the resources; for a deny only the Deny statements are matched).
// denyPut's statement opens at byte 38 and closes at byte 115 (columns just after: 39, 116).
func TestSimulate(t *testing.T) {
	ctx := context.Background()
	in := Input{Account: "111111111111", PolicyInputs: []string{allowS3, denyPut},
		Actions: []string{"s3:GetObject", "s3:PutObject", "ec2:RunInstances"}, Resources: []string{"arn:aws:s3:::b/secret/x", "arn:aws:s3:::b/open"}}
	rs, err := Simulate(ctx, auth.NewEvaluator(), in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rs {
		got[r.Action] = r.Decision
	}
	want := map[string]string{"s3:GetObject": Allowed, "s3:PutObject": ExplicitDeny, "ec2:RunInstances": ImplicitDeny}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decisions (-want +got)\n%s", d)
	}
	put := rs[1]
	if d := cmp.Diff([]Statement{{SourcePolicyID: "PolicyInputList.2", Start: pos(1, 39), End: pos(1, 116)}}, put.Matched); d != "" {
		t.Errorf("PutObject matched (-want +got)\n%s", d)
	}
	if len(put.PerResource) != 2 || put.PerResource[1].Decision != Allowed || put.Resource != "*" {
		t.Errorf("PutObject per resource = %+v", put.PerResource)
	}
}

func TestSimulateBoundaryAndMissingContext(t *testing.T) {
	in := Input{Account: "111111111111", PolicyInputs: []string{allowS3, needsTag}, BoundaryInputs: []string{boundary},
		Actions: []string{"s3:GetObject", "s3:ListBucket"}}
	rs, err := Simulate(context.Background(), auth.NewEvaluator(), in)
	if err != nil {
		t.Fatal(err)
	}
	if r := rs[0]; r.Decision != Allowed || r.BoundaryAllowed == nil || !*r.BoundaryAllowed {
		t.Errorf("GetObject = %+v", r)
	}
	if r := rs[1]; r.Decision != ImplicitDeny || r.BoundaryAllowed == nil || *r.BoundaryAllowed {
		t.Errorf("ListBucket = %+v", r)
	}
	if d := cmp.Diff([]string{"aws:ResourceTag/team"}, rs[1].Missing); d != "" {
		t.Errorf("missing (-want +got)\n%s", d)
	}
}

// The input rules, with IAM's messages (API_SimulateCustomPolicy.html,
// API_SimulatePrincipalPolicy.html).
func TestSimulateInputErrors(t *testing.T) {
	base := Input{Account: "111111111111", PolicyInputs: []string{allowS3}, Actions: []string{"s3:GetObject"}}
	tests := []struct {
		name string
		edit func(*Input)
		code awserr.Code
		msg  string
	}{
		{"two boundaries", func(in *Input) { in.BoundaryInputs = []string{boundary, boundary} },
			awserr.InvalidInput, "Only one permissions boundary policy may be specified."},
		{"resource policy without caller", func(in *Input) { in.ResourcePolicy = bucketPol },
			awserr.InvalidInput, "Caller ARN must be specified when a resource policy is provided."},
		{"caller not a user", func(in *Input) { in.CallerARN = "arn:aws:iam::111111111111:role/r" },
			awserr.InvalidInput, "Invalid caller ARN: arn:aws:iam::111111111111:role/r. The caller must be an IAM user."},
		{"malformed input", func(in *Input) { in.PolicyInputs = []string{"{"} }, awserr.MalformedPolicyDocument, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.edit(&in)
			_, err := Simulate(context.Background(), auth.NewEvaluator(), in)
			e := awserr.As(err)
			if err == nil || e.Code != tc.code || (tc.msg != "" && e.Message != tc.msg) {
				t.Errorf("err = %v, want %s %q", err, tc.code, tc.msg)
			}
		})
	}
	in := base
	in.ResourcePolicy, in.CallerARN = bucketPol, "arn:aws:iam::111111111111:user/u"
	rs, err := Simulate(context.Background(), auth.NewEvaluator(), in)
	if err != nil || rs[0].Decision != Allowed {
		t.Fatalf("with caller: %+v %v", rs, err)
	}
}
