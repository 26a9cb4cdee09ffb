package functions

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

// TestLayerPolicy: statements as AddLayerVersionPermission takes them and
// GetLayerVersionPolicy renders them
// (https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html),
// RevisionId checks, and Lambda's errors.
func TestLayerPolicy(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newLayerService(t)
	lv, err := s.PublishLayerVersion(ctx, "shared", LayerInput{}, zipOf(t, map[string]string{"x": ""}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.LayerVersionPolicy(ctx, "shared", 1); awserr.As(err).Message != "No policy is associated with the given resource." {
		t.Errorf("no policy: %v", err)
	}
	stmt, rev, err := s.AddLayerVersionPermission(ctx, "shared", 1, LayerPermission{Sid: "acct", Action: "lambda:GetLayerVersion", Principal: "111122223333"}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Sid":"acct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:GetLayerVersion","Resource":"` + lv.LayerVersionArn + `"}`
	if stmt != want {
		t.Errorf("statement\n got %s\nwant %s", stmt, want)
	}
	if _, _, err := s.AddLayerVersionPermission(ctx, "shared", 1, LayerPermission{Sid: "org", Action: "lambda:GetLayerVersion", Principal: "*", OrganizationID: "o-abcdefghij"}, "stale"); !awserr.Is(err, PreconditionFaild) {
		t.Errorf("stale revision: %v", err)
	}
	if _, _, err := s.AddLayerVersionPermission(ctx, "shared", 1, LayerPermission{Sid: "org", Action: "lambda:GetLayerVersion", Principal: "*", OrganizationID: "o-abcdefghij"}, rev); err != nil {
		t.Fatal(err)
	}
	doc, _, err := s.LayerVersionPolicy(ctx, "shared", 1)
	if err != nil {
		t.Fatal(err)
	}
	wantDoc := `{"Version":"2012-10-17","Id":"default","Statement":[` + want + `,{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"` + lv.LayerVersionArn + `","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`
	if d := cmp.Diff(wantDoc, doc); d != "" {
		t.Errorf("policy (-want +got):\n%s", d)
	}
	errs := []struct {
		p    LayerPermission
		code awserr.Code
		msg  string
	}{
		{LayerPermission{Sid: "acct", Action: "lambda:GetLayerVersion", Principal: "*"}, ResourceConflict, "The statement id (acct) provided already exists."},
		{LayerPermission{Sid: "a b", Action: "lambda:GetLayerVersion", Principal: "*"}, awserr.ValidationException, "at 'statementId' failed to satisfy constraint"},
		{LayerPermission{Sid: "x", Action: "lambda:*", Principal: "*"}, awserr.ValidationException, "Value 'lambda:*' at 'action'"},
		{LayerPermission{Sid: "x", Action: "lambda:GetLayerVersion", Principal: "arn:aws:iam::111122223333:user/u"}, awserr.ValidationException, "at 'principal' failed"},
		{LayerPermission{Sid: "x", Action: "lambda:GetLayerVersion", Principal: "*", OrganizationID: "org"}, awserr.ValidationException, "at 'organizationId' failed"},
	}
	for _, tc := range errs {
		_, _, err := s.AddLayerVersionPermission(ctx, "shared", 1, tc.p, "")
		if e := awserr.As(err); e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%+v: %v", tc.p, err)
		}
	}
	if _, _, err := s.AddLayerVersionPermission(ctx, "shared", 9, LayerPermission{Sid: "x", Action: "lambda:GetLayerVersion", Principal: "*"}, ""); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("missing version: %v", err)
	}
	if err := s.RemoveLayerVersionPermission(ctx, "shared", 1, "nope", ""); awserr.As(err).Message != "Statement nope is not found in resource policy." {
		t.Errorf("remove missing: %v", err)
	}
	for _, sid := range []string{"acct", "org"} {
		if err := s.RemoveLayerVersionPermission(ctx, "shared", 1, sid, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.LayerVersionPolicy(ctx, "shared", 1); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("after removing every statement: %v", err)
	}
}
