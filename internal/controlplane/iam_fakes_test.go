package controlplane

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/iam"
)

// fakeAdmin is the in-memory rest of IAM for fakeIAM: groups, inline and
// managed policies, roles, boundaries, tags. Domain rules are package iam's
// and tested there; this keeps just enough state for wire-shape tests.
type fakeAdmin struct {
	f        *fakeIAM
	groups   map[string]iam.Group
	members  map[string][]string          // group → user names
	inline   map[string]map[string]string // "user/x" → policy name → document
	attached map[string][]string          // "user/x" → policy ARNs
	policies map[string]*fakePolicy       // ARN →
}

type fakePolicy struct {
	p        iam.ManagedPolicy
	versions []iam.PolicyVersion
}

const adminARN = "arn:aws:iam::aws:policy/AdministratorAccess"

func newFakeAdmin(f *fakeIAM) *fakeAdmin {
	a := &fakeAdmin{f: f, groups: map[string]iam.Group{}, members: map[string][]string{}, inline: map[string]map[string]string{},
		attached: map[string][]string{}, policies: map[string]*fakePolicy{}}
	a.policies[adminARN] = &fakePolicy{
		p: iam.ManagedPolicy{Name: "AdministratorAccess", Path: "/", PolicyID: "ANPAADMIN", ARN: adminARN, DefaultVersionID: "v1",
			IsAttachable: true, AWSManaged: true, Created: testNow.Add(-24 * time.Hour), Updated: testNow.Add(-24 * time.Hour)},
		versions: []iam.PolicyVersion{{VersionID: "v1", IsDefault: true, Created: testNow.Add(-24 * time.Hour),
			Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}},
	}
	return a
}

func (a *fakeAdmin) lock() func() { a.f.mu.Lock(); return a.f.mu.Unlock }

func noEntity(label, name string) error {
	return awserr.New(awserr.NoSuchEntity, "The %s with name %s cannot be found.", label, name)
}

// exists checks "user/x", "group/x" or "role/x"; the caller holds the lock.
func (a *fakeAdmin) exists(owner string) error {
	kind, name, _ := strings.Cut(owner, "/")
	ok := false
	switch kind {
	case "user":
		_, ok = a.f.users[name]
	case "group":
		_, ok = a.groups[name]
	case "role":
		_, ok = a.f.roles[name]
	}
	if !ok {
		return noEntity(kind, name)
	}
	return nil
}

func (a *fakeAdmin) CreateGroup(_ context.Context, name, path string) (iam.Group, error) {
	defer a.lock()()
	if _, ok := a.groups[name]; ok {
		return iam.Group{}, awserr.New(awserr.EntityAlreadyExists, "Group with name %s already exists.", name)
	}
	g := iam.Group{Name: name, Path: path, GroupID: "AGPA" + strings.ToUpper(name), ARN: "arn:aws:iam::" + acct + ":group" + path + name, Created: testNow}
	a.groups[name] = g
	return g, nil
}

func (a *fakeAdmin) GetGroup(_ context.Context, name string) (iam.Group, []iam.User, error) {
	defer a.lock()()
	g, ok := a.groups[name]
	if !ok {
		return iam.Group{}, nil, noEntity("group", name)
	}
	us := []iam.User{}
	for _, u := range a.members[name] {
		us = append(us, a.f.users[u])
	}
	return g, us, nil
}

func (a *fakeAdmin) ListGroups(_ context.Context, prefix string) ([]iam.Group, error) {
	defer a.lock()()
	out := []iam.Group{}
	for _, g := range a.groups {
		if strings.HasPrefix(g.Path, prefix) {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (a *fakeAdmin) DeleteGroup(_ context.Context, name string) error {
	defer a.lock()()
	if err := a.exists("group/" + name); err != nil {
		return err
	}
	if len(a.members[name]) > 0 {
		return awserr.New(awserr.DeleteConflict, "Cannot delete entity, must remove users from group first.")
	}
	delete(a.groups, name)
	return nil
}

func (a *fakeAdmin) AddUserToGroup(_ context.Context, group, user string) error {
	defer a.lock()()
	if err := a.exists("group/" + group); err != nil {
		return err
	}
	if err := a.exists("user/" + user); err != nil {
		return err
	}
	if !slices.Contains(a.members[group], user) {
		a.members[group] = append(a.members[group], user)
	}
	return nil
}

func (a *fakeAdmin) RemoveUserFromGroup(_ context.Context, group, user string) error {
	defer a.lock()()
	i := slices.Index(a.members[group], user)
	if i < 0 {
		return noEntity("user", user)
	}
	a.members[group] = slices.Delete(a.members[group], i, i+1)
	return nil
}

func (a *fakeAdmin) ListGroupsForUser(_ context.Context, user string) ([]iam.Group, error) {
	defer a.lock()()
	if err := a.exists("user/" + user); err != nil {
		return nil, err
	}
	out := []iam.Group{}
	for _, g := range a.groupsOf(user) {
		out = append(out, a.groups[g])
	}
	return out, nil
}

func (a *fakeAdmin) groupsOf(user string) []string {
	var gs []string
	for g, us := range a.members {
		if slices.Contains(us, user) {
			gs = append(gs, g)
		}
	}
	sort.Strings(gs)
	return gs
}

func (a *fakeAdmin) putInline(owner, name, doc string) error {
	defer a.lock()()
	if err := a.exists(owner); err != nil {
		return err
	}
	if a.inline[owner] == nil {
		a.inline[owner] = map[string]string{}
	}
	a.inline[owner][name] = doc
	return nil
}

func (a *fakeAdmin) getInline(owner, name string) (string, error) {
	defer a.lock()()
	if err := a.exists(owner); err != nil {
		return "", err
	}
	doc, ok := a.inline[owner][name]
	if !ok {
		kind, _, _ := strings.Cut(owner, "/")
		return "", awserr.New(awserr.NoSuchEntity, "The %s policy with name %s cannot be found.", kind, name)
	}
	return doc, nil
}

func (a *fakeAdmin) listInline(owner string) ([]string, error) {
	defer a.lock()()
	if err := a.exists(owner); err != nil {
		return nil, err
	}
	names := []string{}
	for n := range a.inline[owner] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (a *fakeAdmin) deleteInline(owner, name string) error {
	if _, err := a.getInline(owner, name); err != nil {
		return err
	}
	defer a.lock()()
	delete(a.inline[owner], name)
	return nil
}

func (a *fakeAdmin) PutUserPolicy(_ context.Context, u, p, d string) error {
	return a.putInline("user/"+u, p, d)
}
func (a *fakeAdmin) GetUserPolicy(_ context.Context, u, p string) (string, error) {
	return a.getInline("user/"+u, p)
}
func (a *fakeAdmin) ListUserPolicies(_ context.Context, u string) ([]string, error) {
	return a.listInline("user/" + u)
}
func (a *fakeAdmin) DeleteUserPolicy(_ context.Context, u, p string) error {
	return a.deleteInline("user/"+u, p)
}
func (a *fakeAdmin) PutGroupPolicy(_ context.Context, g, p, d string) error {
	return a.putInline("group/"+g, p, d)
}
func (a *fakeAdmin) GetGroupPolicy(_ context.Context, g, p string) (string, error) {
	return a.getInline("group/"+g, p)
}
func (a *fakeAdmin) ListGroupPolicies(_ context.Context, g string) ([]string, error) {
	return a.listInline("group/" + g)
}
func (a *fakeAdmin) DeleteGroupPolicy(_ context.Context, g, p string) error {
	return a.deleteInline("group/"+g, p)
}
func (a *fakeAdmin) PutRolePolicy(_ context.Context, r, p, d string) error {
	return a.putInline("role/"+r, p, d)
}
func (a *fakeAdmin) GetRolePolicy(_ context.Context, r, p string) (string, error) {
	return a.getInline("role/"+r, p)
}
func (a *fakeAdmin) ListRolePolicies(_ context.Context, r string) ([]string, error) {
	return a.listInline("role/" + r)
}
func (a *fakeAdmin) DeleteRolePolicy(_ context.Context, r, p string) error {
	return a.deleteInline("role/"+r, p)
}

func (a *fakeAdmin) CreatePolicy(_ context.Context, name, path, doc, desc string) (iam.ManagedPolicy, error) {
	defer a.lock()()
	arn := "arn:aws:iam::" + acct + ":policy" + path + name
	if _, ok := a.policies[arn]; ok {
		return iam.ManagedPolicy{}, awserr.New(awserr.EntityAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", name)
	}
	p := iam.ManagedPolicy{Name: name, Path: path, PolicyID: "ANPA" + strings.ToUpper(name), ARN: arn, Description: desc,
		DefaultVersionID: "v1", IsAttachable: true, Created: testNow, Updated: testNow}
	a.policies[arn] = &fakePolicy{p: p, versions: []iam.PolicyVersion{{VersionID: "v1", Document: doc, IsDefault: true, Created: testNow}}}
	return p, nil
}

func (a *fakeAdmin) policy(arn string) (*fakePolicy, error) {
	p, ok := a.policies[arn]
	if !ok {
		return nil, awserr.New(awserr.NoSuchEntity, "Policy %s was not found.", arn)
	}
	return p, nil
}

func (a *fakeAdmin) GetPolicy(_ context.Context, arn string) (iam.ManagedPolicy, error) {
	defer a.lock()()
	p, err := a.policy(arn)
	if err != nil {
		return iam.ManagedPolicy{}, err
	}
	return p.p, nil
}

func (a *fakeAdmin) ListPolicies(_ context.Context, scope string) ([]iam.ManagedPolicy, error) {
	defer a.lock()()
	out := []iam.ManagedPolicy{}
	for _, p := range a.policies {
		if scope == "" || scope == "All" || (scope == "AWS") == p.p.AWSManaged {
			out = append(out, p.p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out, nil
}

func (a *fakeAdmin) DeletePolicy(_ context.Context, arn string) error {
	defer a.lock()()
	if _, err := a.policy(arn); err != nil {
		return err
	}
	delete(a.policies, arn)
	return nil
}

func (a *fakeAdmin) CreatePolicyVersion(_ context.Context, arn, doc string, def bool) (iam.PolicyVersion, error) {
	defer a.lock()()
	p, err := a.policy(arn)
	if err != nil {
		return iam.PolicyVersion{}, err
	}
	v := iam.PolicyVersion{VersionID: fmt.Sprintf("v%d", len(p.versions)+1), Document: doc, IsDefault: def, Created: testNow}
	p.versions = append(p.versions, v)
	if def {
		a.setDefault(p, v.VersionID)
	}
	return v, nil
}

func (a *fakeAdmin) setDefault(p *fakePolicy, id string) {
	p.p.DefaultVersionID = id
	for i := range p.versions {
		p.versions[i].IsDefault = p.versions[i].VersionID == id
	}
}

func (a *fakeAdmin) GetPolicyVersion(ctx context.Context, arn, id string) (iam.PolicyVersion, error) {
	vs, err := a.ListPolicyVersions(ctx, arn)
	if err != nil {
		return iam.PolicyVersion{}, err
	}
	for _, v := range vs {
		if v.VersionID == id {
			return v, nil
		}
	}
	return iam.PolicyVersion{}, awserr.New(awserr.NoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, id)
}

func (a *fakeAdmin) ListPolicyVersions(_ context.Context, arn string) ([]iam.PolicyVersion, error) {
	defer a.lock()()
	p, err := a.policy(arn)
	if err != nil {
		return nil, err
	}
	return slices.Clone(p.versions), nil
}

func (a *fakeAdmin) SetDefaultPolicyVersion(ctx context.Context, arn, id string) error {
	if _, err := a.GetPolicyVersion(ctx, arn, id); err != nil {
		return err
	}
	defer a.lock()()
	a.setDefault(a.policies[arn], id)
	return nil
}

func (a *fakeAdmin) DeletePolicyVersion(ctx context.Context, arn, id string) error {
	v, err := a.GetPolicyVersion(ctx, arn, id)
	if err != nil {
		return err
	}
	if v.IsDefault {
		return awserr.New(awserr.DeleteConflict, "Cannot delete the default version of a policy.")
	}
	defer a.lock()()
	p := a.policies[arn]
	p.versions = slices.DeleteFunc(p.versions, func(x iam.PolicyVersion) bool { return x.VersionID == id })
	return nil
}

func (a *fakeAdmin) attach(owner, arn string) error {
	defer a.lock()()
	if err := a.exists(owner); err != nil {
		return err
	}
	p, ok := a.policies[arn]
	if !ok {
		return awserr.New(awserr.NoSuchEntity, "Policy %s does not exist or is not attachable.", arn)
	}
	if !slices.Contains(a.attached[owner], arn) {
		a.attached[owner] = append(a.attached[owner], arn)
		p.p.AttachmentCount++
	}
	return nil
}

func (a *fakeAdmin) detach(owner, arn string) error {
	defer a.lock()()
	i := slices.Index(a.attached[owner], arn)
	if i < 0 {
		return awserr.New(awserr.NoSuchEntity, "Policy %s was not found.", arn)
	}
	a.attached[owner] = slices.Delete(a.attached[owner], i, i+1)
	a.policies[arn].p.AttachmentCount--
	return nil
}

func (a *fakeAdmin) listAttached(owner string) ([]iam.AttachedPolicy, error) {
	defer a.lock()()
	if err := a.exists(owner); err != nil {
		return nil, err
	}
	out := []iam.AttachedPolicy{}
	for _, arn := range a.attached[owner] {
		out = append(out, iam.AttachedPolicy{PolicyName: arn[strings.LastIndex(arn, "/")+1:], PolicyARN: arn})
	}
	return out, nil
}

func (a *fakeAdmin) AttachUserPolicy(_ context.Context, u, arn string) error {
	return a.attach("user/"+u, arn)
}
func (a *fakeAdmin) DetachUserPolicy(_ context.Context, u, arn string) error {
	return a.detach("user/"+u, arn)
}
func (a *fakeAdmin) ListAttachedUserPolicies(_ context.Context, u string) ([]iam.AttachedPolicy, error) {
	return a.listAttached("user/" + u)
}
func (a *fakeAdmin) AttachGroupPolicy(_ context.Context, g, arn string) error {
	return a.attach("group/"+g, arn)
}
func (a *fakeAdmin) DetachGroupPolicy(_ context.Context, g, arn string) error {
	return a.detach("group/"+g, arn)
}
func (a *fakeAdmin) ListAttachedGroupPolicies(_ context.Context, g string) ([]iam.AttachedPolicy, error) {
	return a.listAttached("group/" + g)
}
func (a *fakeAdmin) AttachRolePolicy(_ context.Context, r, arn string) error {
	return a.attach("role/"+r, arn)
}
func (a *fakeAdmin) DetachRolePolicy(_ context.Context, r, arn string) error {
	return a.detach("role/"+r, arn)
}
func (a *fakeAdmin) ListAttachedRolePolicies(_ context.Context, r string) ([]iam.AttachedPolicy, error) {
	return a.listAttached("role/" + r)
}

func (a *fakeAdmin) CreateRole(_ context.Context, name, path, trust, desc string, maxSession time.Duration, boundary string) (iam.Role, error) {
	defer a.lock()()
	if _, ok := a.f.roles[name]; ok {
		return iam.Role{}, awserr.New(awserr.EntityAlreadyExists, "Role with name %s already exists.", name)
	}
	if maxSession == 0 {
		maxSession = time.Hour
	}
	r := iam.Role{Name: name, Path: path, RoleID: "AROA" + strings.ToUpper(name), ARN: "arn:aws:iam::" + acct + ":role" + path + name,
		AssumeRolePolicy: trust, Description: desc, MaxSessionDuration: maxSession, PermissionsBoundary: boundary, Created: testNow}
	a.f.roles[name] = r
	return r, nil
}

func (a *fakeAdmin) ListRoles(_ context.Context, prefix string) ([]iam.Role, error) {
	defer a.lock()()
	out := []iam.Role{}
	for _, r := range a.f.roles {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (a *fakeAdmin) DeleteRole(_ context.Context, name string) error {
	defer a.lock()()
	if err := a.exists("role/" + name); err != nil {
		return err
	}
	delete(a.f.roles, name)
	return nil
}

func (a *fakeAdmin) updateRole(name string, fn func(*iam.Role)) error {
	defer a.lock()()
	r, ok := a.f.roles[name]
	if !ok {
		return noEntity("role", name)
	}
	fn(&r)
	a.f.roles[name] = r
	return nil
}

func (a *fakeAdmin) updateUser(name string, fn func(*iam.User)) error {
	defer a.lock()()
	u, ok := a.f.users[name]
	if !ok {
		return noEntity("user", name)
	}
	fn(&u)
	a.f.users[name] = u
	return nil
}

func (a *fakeAdmin) UpdateAssumeRolePolicy(_ context.Context, name, trust string) error {
	return a.updateRole(name, func(r *iam.Role) { r.AssumeRolePolicy = trust })
}
func (a *fakeAdmin) PutRolePermissionsBoundary(_ context.Context, name, arn string) error {
	return a.updateRole(name, func(r *iam.Role) { r.PermissionsBoundary = arn })
}
func (a *fakeAdmin) DeleteRolePermissionsBoundary(_ context.Context, name string) error {
	return a.updateRole(name, func(r *iam.Role) { r.PermissionsBoundary = "" })
}
func (a *fakeAdmin) PutUserPermissionsBoundary(_ context.Context, name, arn string) error {
	return a.updateUser(name, func(u *iam.User) { u.PermissionsBoundary = arn })
}
func (a *fakeAdmin) DeleteUserPermissionsBoundary(_ context.Context, name string) error {
	return a.updateUser(name, func(u *iam.User) { u.PermissionsBoundary = "" })
}

func merge(dst, src map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		out[k] = v
	}
	return out
}

func sortedTagList(m map[string]string) []iam.Tag {
	out := []iam.Tag{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, iam.Tag{Key: k, Value: m[k]})
	}
	return out
}

func (a *fakeAdmin) TagUser(_ context.Context, name string, tags map[string]string) error {
	return a.updateUser(name, func(u *iam.User) { u.Tags = merge(u.Tags, tags) })
}
func (a *fakeAdmin) UntagUser(_ context.Context, name string, keys []string) error {
	return a.updateUser(name, func(u *iam.User) {
		for _, k := range keys {
			delete(u.Tags, k)
		}
	})
}
func (a *fakeAdmin) ListUserTags(_ context.Context, name string) ([]iam.Tag, error) {
	var out []iam.Tag
	err := a.updateUser(name, func(u *iam.User) { out = sortedTagList(u.Tags) })
	return out, err
}
func (a *fakeAdmin) TagRole(_ context.Context, name string, tags map[string]string) error {
	if len(tags) > 50 {
		return awserr.New(awserr.LimitExceeded, "Cannot exceed quota for TagsPerRole: 50")
	}
	return a.updateRole(name, func(r *iam.Role) { r.Tags = merge(r.Tags, tags) })
}
func (a *fakeAdmin) UntagRole(_ context.Context, name string, keys []string) error {
	return a.updateRole(name, func(r *iam.Role) {
		for _, k := range keys {
			delete(r.Tags, k)
		}
	})
}
func (a *fakeAdmin) ListRoleTags(_ context.Context, name string) ([]iam.Tag, error) {
	var out []iam.Tag
	err := a.updateRole(name, func(r *iam.Role) { out = sortedTagList(r.Tags) })
	return out, err
}

// PolicySourcesFor builds what the domain would from the fake's state:
// inline policies by name, then attached ones, then each group's.
func (a *fakeAdmin) PolicySourcesFor(_ context.Context, arn string) (iam.PolicySources, error) {
	defer a.lock()()
	rest, _ := strings.CutPrefix(arn, "arn:aws:iam::"+acct+":")
	kind, name, _ := strings.Cut(rest, "/")
	name = name[strings.LastIndex(name, "/")+1:]
	var out iam.PolicySources
	owners := []string{kind + "/" + name}
	switch kind {
	case "user":
		u, ok := a.f.users[name]
		if !ok {
			return out, noEntity("user", name)
		}
		out.Principal = iam.Principal{ARN: u.ARN, AccountID: acct, Type: iam.TypeUser, UserID: u.UserID, Username: u.Name, Tags: u.Tags}
		for _, g := range a.groupsOf(name) {
			owners = append(owners, "group/"+g)
		}
		if u.PermissionsBoundary != "" {
			p := a.policies[u.PermissionsBoundary]
			out.Boundary = &iam.PolicySource{PolicyDoc: iam.PolicyDoc{Name: "boundary", Document: p.versions[0].Document},
				ID: p.p.Name, Type: iam.SourceUserManaged}
		}
	case "role":
		r, ok := a.f.roles[name]
		if !ok {
			return out, noEntity("role", name)
		}
		out.Principal = iam.Principal{ARN: r.ARN, AccountID: acct, Type: iam.TypeAssumedRole, UserID: r.RoleID, RoleARN: r.ARN}
	default:
		return out, awserr.New(awserr.InvalidInput, "Invalid ARN: %s", arn)
	}
	for _, o := range owners {
		typ, _, _ := strings.Cut(o, "/")
		for _, n := range slices.Sorted(maps.Keys(a.inline[o])) {
			out.Identity = append(out.Identity, iam.PolicySource{PolicyDoc: iam.PolicyDoc{Name: o + " inline " + n, Document: a.inline[o][n]}, ID: n, Type: typ})
		}
		for _, p := range a.attached[o] {
			fp := a.policies[p]
			typ := iam.SourceUserManaged
			if fp.p.AWSManaged {
				typ = iam.SourceAWSManaged
			}
			out.Identity = append(out.Identity, iam.PolicySource{PolicyDoc: iam.PolicyDoc{Name: o + " attached " + p, Document: fp.versions[0].Document}, ID: fp.p.Name, Type: typ})
		}
	}
	return out, nil
}
