package iam

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Messages pinned from IAM's responses as reported by its users, e.g.
// https://github.com/aws-controllers-k8s/community/issues/2229 (DeleteConflict)
// and https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html (patterns).
func TestCreateUser(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateUser(ctx, "Alice", "", nil, "")
	must(t, err)
	tooManyTags := map[string]string{}
	for i := range 51 {
		tooManyTags[strings.Repeat("k", i+1)] = "v"
	}
	tests := []struct {
		name, user, path string
		tags             map[string]string
		code             awserr.Code
		msg              string
	}{
		{"plain", "api-gateway-user", "", nil, "", ""},
		{"with path and tags", "bob+=,.@_-1", "/division/team/", map[string]string{"team": "blue"}, "", ""},
		{"duplicate differs in case", "ALICE", "", nil, awserr.EntityAlreadyExists, "User with name ALICE already exists."},
		{"empty name", "", "", nil, awserr.ValidationError,
			"1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"bad character", "bad name", "", nil, awserr.ValidationError,
			`1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"too long", strings.Repeat("a", 65), "", nil, awserr.ValidationError,
			"1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"path without trailing slash", "carol", "/team", nil, awserr.ValidationError,
			`1 validation error detected: Value '/team' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"too many tags", "dave", "", tooManyTags, awserr.LimitExceeded, "Cannot exceed quota for TagsPerUser: 50"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := f.svc.CreateUser(ctx, tc.user, tc.path, tc.tags, "")
			wantErr(t, err, tc.code, tc.msg)
			if tc.code != "" {
				return
			}
			path := tc.path
			if path == "" {
				path = "/"
			}
			want := User{Name: tc.user, Path: path, UserID: u.UserID, ARN: "arn:aws:iam::" + acct + ":user" + path + tc.user,
				Created: t0, Tags: map[string]string{}}
			for k, v := range tc.tags {
				want.Tags[k] = v
			}
			if diff := cmp.Diff(want, u); diff != "" {
				t.Errorf("CreateUser (-want +got):\n%s", diff)
			}
			if !userIDRE.MatchString(u.UserID) {
				t.Errorf("UserID %q is not shaped like AIDA + 17", u.UserID)
			}
			got, err := f.svc.GetUser(ctx, strings.ToUpper(tc.user))
			must(t, err)
			if diff := cmp.Diff(u, got); diff != "" {
				t.Errorf("GetUser by other case (-create +get):\n%s", diff)
			}
		})
	}
}

func TestGetUserMissing(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.GetUser(ctx, "nobody")
	wantErr(t, err, awserr.NoSuchEntity, "The user with name nobody cannot be found.")
}

func TestListUsers(t *testing.T) {
	f := newFixture(t, "")
	for _, u := range []struct{ name, path string }{{"c", "/"}, {"a", "/eng/"}, {"b", "/eng/ops/"}, {"d", "/sales/"}} {
		_, err := f.svc.CreateUser(ctx, u.name, u.path, nil, "")
		must(t, err)
	}
	tests := []struct {
		prefix string
		want   []string
		code   awserr.Code
	}{
		{"", []string{"a", "b", "c", "d"}, ""},
		{"/eng/", []string{"a", "b"}, ""},
		{"/eng/ops", []string{"b"}, ""},
		{"/none/", []string{}, ""},
		{"eng", nil, awserr.ValidationError},
	}
	for _, tc := range tests {
		t.Run(tc.prefix, func(t *testing.T) {
			got, err := f.svc.ListUsers(ctx, tc.prefix)
			if tc.code != "" {
				if !awserr.Is(err, tc.code) {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				return
			}
			must(t, err)
			names := []string{}
			for _, u := range got {
				names = append(names, u.Name)
			}
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeleteUser(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		code  awserr.Code
		msg   string
	}{
		{"missing", nil, awserr.NoSuchEntity, "The user with name u cannot be found."},
		{"bare user", func(t *testing.T, f *fixture) { mkUser(t, f, "u") }, "", ""},
		{"inline policy", func(t *testing.T, f *fixture) {
			mkUser(t, f, "u")
			must(t, f.svc.PutUserPolicy(ctx, "u", "p", allowAll))
		}, awserr.DeleteConflict, "Cannot delete entity, must delete policies first."},
		{"attached policy", func(t *testing.T, f *fixture) {
			mkUser(t, f, "u")
			must(t, f.svc.AttachUserPolicy(ctx, "u", "arn:aws:iam::aws:policy/ReadOnlyAccess"))
		}, awserr.DeleteConflict, "Cannot delete entity, must detach all policies first."},
		{"access key", func(t *testing.T, f *fixture) {
			mkUser(t, f, "u")
			_, err := f.svc.CreateAccessKey(ctx, "u")
			must(t, err)
		}, awserr.DeleteConflict, "Cannot delete entity, must delete access keys first."},
		{"group member", func(t *testing.T, f *fixture) {
			mkUser(t, f, "u")
			_, err := f.svc.CreateGroup(ctx, "g", "")
			must(t, err)
			must(t, f.svc.AddUserToGroup(ctx, "g", "u"))
		}, awserr.DeleteConflict, "Cannot delete entity, must remove user from all groups first."},
		{"policies reported before keys", func(t *testing.T, f *fixture) {
			mkUser(t, f, "u")
			_, err := f.svc.CreateAccessKey(ctx, "u")
			must(t, err)
			must(t, f.svc.PutUserPolicy(ctx, "u", "p", allowAll))
		}, awserr.DeleteConflict, "Cannot delete entity, must delete policies first."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			if tc.setup != nil {
				tc.setup(t, f)
			}
			wantErr(t, f.svc.DeleteUser(ctx, "u"), tc.code, tc.msg)
			_, err := f.svc.GetUser(ctx, "u")
			if tc.code == "" && !awserr.Is(err, awserr.NoSuchEntity) {
				t.Errorf("user still there after delete: %v", err)
			}
			if tc.code == awserr.DeleteConflict && err != nil {
				t.Errorf("user gone after refused delete: %v", err)
			}
		})
	}
}

func mkUser(t *testing.T, f *fixture, name string) User {
	t.Helper()
	u, err := f.svc.CreateUser(ctx, name, "", nil, "")
	must(t, err)
	return u
}

func TestUserTags(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateUser(ctx, "u", "", map[string]string{"a": "1", "b": "2"}, "")
	must(t, err)
	must(t, f.svc.TagUser(ctx, "u", map[string]string{"b": "20", "c": "3"}))
	must(t, f.svc.UntagUser(ctx, "u", []string{"a", "absent"}))
	got, err := f.svc.ListUserTags(ctx, "u")
	must(t, err)
	if diff := cmp.Diff([]Tag{{"b", "20"}, {"c", "3"}}, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	wantErr(t, f.svc.TagUser(ctx, "nobody", map[string]string{"a": "1"}), awserr.NoSuchEntity, "The user with name nobody cannot be found.")
	wantErr(t, f.svc.TagUser(ctx, "u", map[string]string{"": "1"}), awserr.ValidationError,
		"1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1")
}
