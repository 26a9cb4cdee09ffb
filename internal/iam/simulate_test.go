package iam

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

// docsOf drops the simulator's id and type, leaving what Principal lists.
func docsOf(src []PolicySource) []PolicyDoc {
	out := make([]PolicyDoc, 0, len(src))
	for _, s := range src {
		out = append(out, s.PolicyDoc)
	}
	return out
}

type idType struct{ ID, Type string }

func idsOf(src []PolicySource) []idType {
	out := make([]idType, 0, len(src))
	for _, s := range src {
		out = append(out, idType{s.ID, s.Type})
	}
	return out
}

func TestPolicySourcesFor(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateUser(ctx, "api-gateway-user", "/app/", map[string]string{"team": "blue"}, "")
	must(t, err)
	must(t, f.svc.PutUserPolicy(ctx, "api-gateway-user", "invoke", allowAll))
	must(t, f.svc.AttachUserPolicy(ctx, "api-gateway-user", "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess"))
	_, err = f.svc.CreateGroup(ctx, "devs", "")
	must(t, err)
	must(t, f.svc.PutGroupPolicy(ctx, "devs", "deny-s3", denyS3))
	pol, err := f.svc.CreatePolicy(ctx, "mine", "/", allowAll, "")
	must(t, err)
	must(t, f.svc.AttachGroupPolicy(ctx, "devs", pol.ARN))
	must(t, f.svc.AddUserToGroup(ctx, "devs", "api-gateway-user"))
	must(t, f.svc.PutUserPermissionsBoundary(ctx, "api-gateway-user", pol.ARN))
	k, err := f.svc.CreateAccessKey(ctx, "api-gateway-user")
	must(t, err)
	_, err = f.svc.CreateRole(ctx, "fn", "/service-role/", trustLambda, "", 0, "")
	must(t, err)
	must(t, f.svc.PutRolePolicy(ctx, "fn", "logs", allowAll))

	t.Run("user matches Principal", func(t *testing.T) {
		got, err := f.svc.PolicySourcesFor(ctx, "arn:aws:iam::"+acct+":user/app/api-gateway-user")
		must(t, err)
		p, err := f.svc.Principal(ctx, k.AccessKeyID)
		must(t, err)
		if d := cmp.Diff(p.Identity, docsOf(got.Identity)); d != "" {
			t.Errorf("identity (-Principal +sources)\n%s", d)
		}
		if got.Boundary == nil || got.Boundary.PolicyDoc != *p.Boundary {
			t.Errorf("boundary %+v, want %+v", got.Boundary, p.Boundary)
		}
		want := []idType{{"invoke", SourceUser}, {"AmazonAPIGatewayInvokeFullAccess", SourceAWSManaged},
			{"deny-s3", SourceGroup}, {"mine", SourceUserManaged}}
		if d := cmp.Diff(want, idsOf(got.Identity)); d != "" {
			t.Errorf("ids (-want +got)\n%s", d)
		}
		if got.Principal.ARN != p.ARN || got.Principal.Username != "api-gateway-user" || got.Principal.Type != TypeUser {
			t.Errorf("principal %+v", got.Principal)
		}
	})
	t.Run("group", func(t *testing.T) {
		got, err := f.svc.PolicySourcesFor(ctx, "arn:aws:iam::"+acct+":group/devs")
		must(t, err)
		if d := cmp.Diff([]idType{{"deny-s3", SourceGroup}, {"mine", SourceUserManaged}}, idsOf(got.Identity)); d != "" {
			t.Error(d)
		}
	})
	t.Run("role", func(t *testing.T) {
		got, err := f.svc.PolicySourcesFor(ctx, "arn:aws:iam::"+acct+":role/service-role/fn")
		must(t, err)
		if d := cmp.Diff([]idType{{"logs", SourceRole}}, idsOf(got.Identity)); d != "" {
			t.Error(d)
		}
		if got.Principal.RoleARN != "arn:aws:iam::"+acct+":role/service-role/fn" {
			t.Errorf("principal %+v", got.Principal)
		}
	})
	errs := []struct {
		name, arn string
		code      awserr.Code
		msg       string
	}{
		{"missing user", "arn:aws:iam::" + acct + ":user/nobody", awserr.NoSuchEntity, "The user with name nobody cannot be found."},
		{"wrong path", "arn:aws:iam::" + acct + ":user/api-gateway-user", awserr.NoSuchEntity, "The user with name api-gateway-user cannot be found."},
		{"missing role", "arn:aws:iam::" + acct + ":role/x", awserr.NoSuchEntity, "The role with name x cannot be found."},
		{"other account", "arn:aws:iam::999999999999:user/x", awserr.InvalidInput, "Invalid ARN: arn:aws:iam::999999999999:user/x"},
		{"policy arn", "arn:aws:iam::" + acct + ":policy/mine", awserr.InvalidInput, "Invalid ARN: arn:aws:iam::" + acct + ":policy/mine"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.PolicySourcesFor(ctx, tt.arn)
			wantErr(t, err, tt.code, tt.msg)
		})
	}
}
