package iam

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

func TestGroups(t *testing.T) {
	f := newFixture(t, "")
	g, err := f.svc.CreateGroup(ctx, "Devs", "/eng/")
	must(t, err)
	if !groupIDRE.MatchString(g.GroupID) || g.ARN != "arn:aws:iam::"+acct+":group/eng/Devs" {
		t.Fatalf("group %+v", g)
	}
	mkUser(t, f, "u1")
	mkUser(t, f, "u2")
	_, err = f.svc.CreateGroup(ctx, "ops", "")
	must(t, err)
	steps := []struct {
		name string
		op   func() error
		code awserr.Code
		msg  string
	}{
		{"duplicate", func() error { _, err := f.svc.CreateGroup(ctx, "devs", ""); return err },
			awserr.EntityAlreadyExists, "Group with name devs already exists."},
		{"add u1", func() error { return f.svc.AddUserToGroup(ctx, "devs", "u1") }, "", ""},
		{"add u1 again", func() error { return f.svc.AddUserToGroup(ctx, "Devs", "U1") }, "", ""},
		{"add u2", func() error { return f.svc.AddUserToGroup(ctx, "devs", "u2") }, "", ""},
		{"add u1 to ops", func() error { return f.svc.AddUserToGroup(ctx, "ops", "u1") }, "", ""},
		{"add to missing group", func() error { return f.svc.AddUserToGroup(ctx, "nope", "u1") },
			awserr.NoSuchEntity, "The group with name nope cannot be found."},
		{"add missing user", func() error { return f.svc.AddUserToGroup(ctx, "devs", "nobody") },
			awserr.NoSuchEntity, "The user with name nobody cannot be found."},
		{"remove non-member", func() error { return f.svc.RemoveUserFromGroup(ctx, "ops", "u2") },
			awserr.NoSuchEntity, "The user with name u2 cannot be found."},
		{"delete with members", func() error { return f.svc.DeleteGroup(ctx, "devs") },
			awserr.DeleteConflict, "Cannot delete entity, must remove users from group first."},
		{"get missing", func() error { _, _, err := f.svc.GetGroup(ctx, "nope"); return err },
			awserr.NoSuchEntity, "The group with name nope cannot be found."},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) { wantErr(t, st.op(), st.code, st.msg) })
	}
	_, members, err := f.svc.GetGroup(ctx, "DEVS")
	must(t, err)
	var names []string
	for _, m := range members {
		names = append(names, m.Name)
	}
	if diff := cmp.Diff([]string{"u1", "u2"}, names); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	gs, err := f.svc.ListGroupsForUser(ctx, "u1")
	must(t, err)
	if len(gs) != 2 || gs[0].Name != "Devs" || gs[1].Name != "ops" {
		t.Errorf("ListGroupsForUser = %+v", gs)
	}
	must(t, f.svc.RemoveUserFromGroup(ctx, "devs", "u1"))
	must(t, f.svc.RemoveUserFromGroup(ctx, "devs", "u2"))
	must(t, f.svc.AttachGroupPolicy(ctx, "devs", "arn:aws:iam::aws:policy/ReadOnlyAccess"))
	wantErr(t, f.svc.DeleteGroup(ctx, "devs"), awserr.DeleteConflict, "Cannot delete entity, must detach all policies first.")
	must(t, f.svc.DetachGroupPolicy(ctx, "devs", "arn:aws:iam::aws:policy/ReadOnlyAccess"))
	must(t, f.svc.DeleteGroup(ctx, "devs"))
	list, err := f.svc.ListGroups(ctx, "")
	must(t, err)
	if len(list) != 1 || list[0].Name != "ops" {
		t.Errorf("ListGroups = %+v", list)
	}
}

func TestCreateRole(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateRole(ctx, "Exec", "", trustLambda, "", 0, "")
	must(t, err)
	tests := []struct {
		name, role, trust, boundary string
		max                         time.Duration
		code                        awserr.Code
		msg                         string
	}{
		{"ok", "fn-role", trustLambda, "", 2 * time.Hour, "", ""},
		{"duplicate", "exec", trustLambda, "", 0, awserr.EntityAlreadyExists, "Role with name exec already exists."},
		{"session too short", "r1", trustLambda, "", time.Minute, awserr.ValidationError,
			"1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"session too long", "r2", trustLambda, "", 13 * time.Hour, awserr.ValidationError,
			"1 validation error detected: Value '46800' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"bad trust", "r3", "{", "", 0, awserr.MalformedPolicyDocument, "Syntax errors in policy."},
		{"missing boundary", "r4", trustLambda, "arn:aws:iam::" + acct + ":policy/Nope", 0, awserr.NoSuchEntity,
			"Policy arn:aws:iam::" + acct + ":policy/Nope does not exist or is not attachable."},
		{"name too long", "r12345678901234567890123456789012345678901234567890123456789012345", trustLambda, "", 0, awserr.ValidationError,
			"1 validation error detected: Value 'r12345678901234567890123456789012345678901234567890123456789012345' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := f.svc.CreateRole(ctx, tc.role, "/service/", tc.trust, "d", tc.max, tc.boundary)
			wantErr(t, err, tc.code, tc.msg)
			if tc.code != "" {
				if _, err := f.svc.GetRole(ctx, tc.role); tc.code != awserr.EntityAlreadyExists && err == nil {
					t.Errorf("failed CreateRole left a role behind: %v", err)
				}
				return
			}
			want := Role{Name: tc.role, Path: "/service/", RoleID: r.RoleID, ARN: "arn:aws:iam::" + acct + ":role/service/" + tc.role,
				AssumeRolePolicy: tc.trust, Description: "d", MaxSessionDuration: tc.max, Tags: map[string]string{}, Created: t0}
			if diff := cmp.Diff(want, r); diff != "" {
				t.Errorf("CreateRole (-want +got):\n%s", diff)
			}
			if !roleIDRE.MatchString(r.RoleID) {
				t.Errorf("RoleID %q not AWS-shaped", r.RoleID)
			}
		})
	}
}

func TestRoleLifecycle(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateRole(ctx, "r", "", trustLambda, "", 0, "")
	must(t, err)
	newTrust := `{"Version":"2012-10-17","Statement":[]}`
	must(t, f.svc.UpdateAssumeRolePolicy(ctx, "R", newTrust))
	wantErr(t, f.svc.UpdateAssumeRolePolicy(ctx, "nope", newTrust), awserr.NoSuchEntity, "The role with name nope cannot be found.")
	must(t, f.svc.TagRole(ctx, "r", map[string]string{"env": "dev", "x": "1"}))
	must(t, f.svc.UntagRole(ctx, "r", []string{"x"}))
	tags, err := f.svc.ListRoleTags(ctx, "r")
	must(t, err)
	if diff := cmp.Diff([]Tag{{"env", "dev"}}, tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	r, err := f.svc.GetRole(ctx, "r")
	must(t, err)
	if r.AssumeRolePolicy != newTrust || r.MaxSessionDuration != time.Hour {
		t.Errorf("GetRole = %+v", r)
	}
	must(t, f.svc.AttachRolePolicy(ctx, "r", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
	must(t, f.svc.PutRolePolicy(ctx, "r", "inline", allowAll))
	wantErr(t, f.svc.DeleteRole(ctx, "r"), awserr.DeleteConflict, "Cannot delete entity, must delete policies first.")
	must(t, f.svc.DeleteRolePolicy(ctx, "r", "inline"))
	wantErr(t, f.svc.DeleteRole(ctx, "r"), awserr.DeleteConflict, "Cannot delete entity, must detach all policies first.")
	att, err := f.svc.ListAttachedRolePolicies(ctx, "r")
	must(t, err)
	if len(att) != 1 {
		t.Errorf("attached = %+v", att)
	}
	must(t, f.svc.DetachRolePolicy(ctx, "r", att[0].PolicyARN))
	must(t, f.svc.DeleteRole(ctx, "r"))
	wantErr(t, f.svc.DeleteRole(ctx, "r"), awserr.NoSuchEntity, "The role with name r cannot be found.")
	roles, err := f.svc.ListRoles(ctx, "")
	must(t, err)
	if len(roles) != 0 {
		t.Errorf("ListRoles = %+v", roles)
	}
}
