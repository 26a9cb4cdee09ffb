package stack

import (
	"context"
	"slices"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/iam"
)

// IAMService is everything the AWS::IAM::* providers call; *iam.Service
// satisfies it.
type IAMService interface {
	IAM
	managedIAM
	keyIAM
	roleLookup
	GetGroup(ctx context.Context, name string) (iam.Group, []iam.User, error)
}

// iamGuard authorizes each IAM call on the resource the Service
// Authorization Reference names for it
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
// IAM's denials name an existing entity as "user NAME" or "role NAME"
// ("... iam:GetUserPolicy on resource: user boundary-e2e-EMvkM because ...",
// https://github.com/hashicorp/boundary/pull/3877) and a new one by its ARN
// ("... iam:CreateRole on resource: arn:aws:iam::…:role/…").
type iamGuard struct {
	in      IAMService
	account string
}

var _ IAMService = (*iamGuard)(nil)

func (g *iamGuard) arn(kind, path, name string) string {
	return arn.IAMEntity(g.account, kind, path, name)
}

// entity is the ARN (with its path) and display name of an existing user,
// role or group; a missing one is named under "/", and the call that
// follows the check reports it missing.
func (g *iamGuard) user(ctx context.Context, name string) (string, string) {
	if u, err := g.in.GetUser(ctx, name); err == nil {
		return u.ARN, "user " + name
	}
	return g.arn("user", "/", name), "user " + name
}

func (g *iamGuard) role(ctx context.Context, name string) (string, string) {
	if r, err := g.in.GetRole(ctx, name); err == nil {
		return r.ARN, "role " + name
	}
	return g.arn("role", "/", name), "role " + name
}

func (g *iamGuard) group(ctx context.Context, name string) (string, string) {
	if gr, _, err := g.in.GetGroup(ctx, name); err == nil {
		return gr.ARN, "group " + name
	}
	return g.arn("group", "/", name), "group " + name
}

func (g *iamGuard) onUser(ctx context.Context, action, name string, keys map[string][]string) error {
	arn, display := g.user(ctx, name)
	return allow(ctx, svcIAM, action, arn, display, keys)
}

func (g *iamGuard) onRole(ctx context.Context, action, name string, keys map[string][]string) error {
	arn, display := g.role(ctx, name)
	return allow(ctx, svcIAM, action, arn, display, keys)
}

func (g *iamGuard) onGroup(ctx context.Context, action, name string, keys map[string][]string) error {
	arn, display := g.group(ctx, name)
	return allow(ctx, svcIAM, action, arn, display, keys)
}

func (g *iamGuard) onPolicy(ctx context.Context, action, arn string) error {
	return allow(ctx, svcIAM, action, arn, "", nil)
}

func policyKey(arn string) map[string][]string {
	return map[string][]string{"iam:PolicyARN": {arn}}
}

func boundaryKey(arn string) map[string][]string {
	if arn == "" {
		return nil
	}
	return map[string][]string{"iam:PermissionsBoundary": {arn}}
}

// tagKeys are the request tag condition keys of a tagging request.
func tagKeys(tags map[string]string, keys map[string][]string) map[string][]string {
	if len(tags) == 0 {
		return keys
	}
	if keys == nil {
		keys = map[string][]string{}
	}
	var names []string
	for k, v := range tags {
		keys["aws:RequestTag/"+k] = []string{v}
		names = append(names, k)
	}
	slices.Sort(names)
	keys["aws:TagKeys"] = names
	return keys
}

// Users.

func (g *iamGuard) CreateUser(ctx context.Context, name, path string, tags map[string]string, boundary string) (iam.User, error) {
	arn := g.arn("user", path, name)
	keys := tagKeys(tags, nil)
	if boundary != "" {
		// What a delegated administrator's condition reads, as on CreateUser
		// through the API (API_CreateUser.html).
		if keys == nil {
			keys = map[string][]string{}
		}
		keys["iam:PermissionsBoundary"] = []string{boundary}
	}
	if err := allow(ctx, svcIAM, "iam:CreateUser", arn, "", keys); err != nil {
		return iam.User{}, err
	}
	if len(tags) > 0 {
		if err := allow(ctx, svcIAM, "iam:TagUser", arn, "", tagKeys(tags, nil)); err != nil {
			return iam.User{}, err
		}
	}
	return g.in.CreateUser(ctx, name, path, tags, boundary)
}

func (g *iamGuard) GetUser(ctx context.Context, name string) (iam.User, error) {
	if err := g.onUser(ctx, "iam:GetUser", name, nil); err != nil {
		return iam.User{}, err
	}
	return g.in.GetUser(ctx, name)
}

func (g *iamGuard) DeleteUser(ctx context.Context, name string) error {
	if err := g.onUser(ctx, "iam:DeleteUser", name, nil); err != nil {
		return err
	}
	return g.in.DeleteUser(ctx, name)
}

func (g *iamGuard) TagUser(ctx context.Context, user string, tags map[string]string) error {
	if err := g.onUser(ctx, "iam:TagUser", user, tagKeys(tags, nil)); err != nil {
		return err
	}
	return g.in.TagUser(ctx, user, tags)
}

func (g *iamGuard) PutUserPolicy(ctx context.Context, user, policyName, doc string) error {
	if err := g.onUser(ctx, "iam:PutUserPolicy", user, nil); err != nil {
		return err
	}
	return g.in.PutUserPolicy(ctx, user, policyName, doc)
}

func (g *iamGuard) DeleteUserPolicy(ctx context.Context, user, policyName string) error {
	if err := g.onUser(ctx, "iam:DeleteUserPolicy", user, nil); err != nil {
		return err
	}
	return g.in.DeleteUserPolicy(ctx, user, policyName)
}

func (g *iamGuard) AttachUserPolicy(ctx context.Context, user, policyARN string) error {
	if err := g.onUser(ctx, "iam:AttachUserPolicy", user, policyKey(policyARN)); err != nil {
		return err
	}
	return g.in.AttachUserPolicy(ctx, user, policyARN)
}

func (g *iamGuard) DetachUserPolicy(ctx context.Context, user, policyARN string) error {
	if err := g.onUser(ctx, "iam:DetachUserPolicy", user, policyKey(policyARN)); err != nil {
		return err
	}
	return g.in.DetachUserPolicy(ctx, user, policyARN)
}

func (g *iamGuard) PutUserPermissionsBoundary(ctx context.Context, user, policyARN string) error {
	if err := g.onUser(ctx, "iam:PutUserPermissionsBoundary", user, boundaryKey(policyARN)); err != nil {
		return err
	}
	return g.in.PutUserPermissionsBoundary(ctx, user, policyARN)
}

// AddUserToGroup and RemoveUserFromGroup are authorized on the group.
func (g *iamGuard) AddUserToGroup(ctx context.Context, group, user string) error {
	if err := g.onGroup(ctx, "iam:AddUserToGroup", group, nil); err != nil {
		return err
	}
	return g.in.AddUserToGroup(ctx, group, user)
}

func (g *iamGuard) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	if err := g.onGroup(ctx, "iam:RemoveUserFromGroup", group, nil); err != nil {
		return err
	}
	return g.in.RemoveUserFromGroup(ctx, group, user)
}

// Groups.

func (g *iamGuard) CreateGroup(ctx context.Context, name, path string) (iam.Group, error) {
	if err := allow(ctx, svcIAM, "iam:CreateGroup", g.arn("group", path, name), "", nil); err != nil {
		return iam.Group{}, err
	}
	return g.in.CreateGroup(ctx, name, path)
}

func (g *iamGuard) GetGroup(ctx context.Context, name string) (iam.Group, []iam.User, error) {
	if err := g.onGroup(ctx, "iam:GetGroup", name, nil); err != nil {
		return iam.Group{}, nil, err
	}
	return g.in.GetGroup(ctx, name)
}

func (g *iamGuard) DeleteGroup(ctx context.Context, name string) error {
	if err := g.onGroup(ctx, "iam:DeleteGroup", name, nil); err != nil {
		return err
	}
	return g.in.DeleteGroup(ctx, name)
}

func (g *iamGuard) PutGroupPolicy(ctx context.Context, group, policyName, doc string) error {
	if err := g.onGroup(ctx, "iam:PutGroupPolicy", group, nil); err != nil {
		return err
	}
	return g.in.PutGroupPolicy(ctx, group, policyName, doc)
}

func (g *iamGuard) DeleteGroupPolicy(ctx context.Context, group, policyName string) error {
	if err := g.onGroup(ctx, "iam:DeleteGroupPolicy", group, nil); err != nil {
		return err
	}
	return g.in.DeleteGroupPolicy(ctx, group, policyName)
}

func (g *iamGuard) AttachGroupPolicy(ctx context.Context, group, policyARN string) error {
	if err := g.onGroup(ctx, "iam:AttachGroupPolicy", group, policyKey(policyARN)); err != nil {
		return err
	}
	return g.in.AttachGroupPolicy(ctx, group, policyARN)
}

func (g *iamGuard) DetachGroupPolicy(ctx context.Context, group, policyARN string) error {
	if err := g.onGroup(ctx, "iam:DetachGroupPolicy", group, policyKey(policyARN)); err != nil {
		return err
	}
	return g.in.DetachGroupPolicy(ctx, group, policyARN)
}

// Roles.

func (g *iamGuard) CreateRole(ctx context.Context, name, path, trustPolicy, description string, maxSession time.Duration, boundary string) (iam.Role, error) {
	if err := allow(ctx, svcIAM, "iam:CreateRole", g.arn("role", path, name), "", boundaryKey(boundary)); err != nil {
		return iam.Role{}, err
	}
	return g.in.CreateRole(ctx, name, path, trustPolicy, description, maxSession, boundary)
}

func (g *iamGuard) GetRole(ctx context.Context, name string) (iam.Role, error) {
	if err := g.onRole(ctx, "iam:GetRole", name, nil); err != nil {
		return iam.Role{}, err
	}
	return g.in.GetRole(ctx, name)
}

func (g *iamGuard) DeleteRole(ctx context.Context, name string) error {
	if err := g.onRole(ctx, "iam:DeleteRole", name, nil); err != nil {
		return err
	}
	return g.in.DeleteRole(ctx, name)
}

func (g *iamGuard) UpdateAssumeRolePolicy(ctx context.Context, name, trustPolicy string) error {
	if err := g.onRole(ctx, "iam:UpdateAssumeRolePolicy", name, nil); err != nil {
		return err
	}
	return g.in.UpdateAssumeRolePolicy(ctx, name, trustPolicy)
}

func (g *iamGuard) PutRolePolicy(ctx context.Context, role, policyName, doc string) error {
	if err := g.onRole(ctx, "iam:PutRolePolicy", role, nil); err != nil {
		return err
	}
	return g.in.PutRolePolicy(ctx, role, policyName, doc)
}

func (g *iamGuard) DeleteRolePolicy(ctx context.Context, role, policyName string) error {
	if err := g.onRole(ctx, "iam:DeleteRolePolicy", role, nil); err != nil {
		return err
	}
	return g.in.DeleteRolePolicy(ctx, role, policyName)
}

func (g *iamGuard) AttachRolePolicy(ctx context.Context, role, policyARN string) error {
	if err := g.onRole(ctx, "iam:AttachRolePolicy", role, policyKey(policyARN)); err != nil {
		return err
	}
	return g.in.AttachRolePolicy(ctx, role, policyARN)
}

func (g *iamGuard) DetachRolePolicy(ctx context.Context, role, policyARN string) error {
	if err := g.onRole(ctx, "iam:DetachRolePolicy", role, policyKey(policyARN)); err != nil {
		return err
	}
	return g.in.DetachRolePolicy(ctx, role, policyARN)
}

func (g *iamGuard) PutRolePermissionsBoundary(ctx context.Context, role, policyARN string) error {
	if err := g.onRole(ctx, "iam:PutRolePermissionsBoundary", role, boundaryKey(policyARN)); err != nil {
		return err
	}
	return g.in.PutRolePermissionsBoundary(ctx, role, policyARN)
}

func (g *iamGuard) TagRole(ctx context.Context, role string, tags map[string]string) error {
	if err := g.onRole(ctx, "iam:TagRole", role, tagKeys(tags, nil)); err != nil {
		return err
	}
	return g.in.TagRole(ctx, role, tags)
}

// Managed policies.

func (g *iamGuard) CreatePolicy(ctx context.Context, name, path, doc, description string) (iam.ManagedPolicy, error) {
	if err := g.onPolicy(ctx, "iam:CreatePolicy", g.arn("policy", path, name)); err != nil {
		return iam.ManagedPolicy{}, err
	}
	return g.in.CreatePolicy(ctx, name, path, doc, description)
}

func (g *iamGuard) DeletePolicy(ctx context.Context, arn string) error {
	if err := g.onPolicy(ctx, "iam:DeletePolicy", arn); err != nil {
		return err
	}
	return g.in.DeletePolicy(ctx, arn)
}

func (g *iamGuard) CreatePolicyVersion(ctx context.Context, arn, doc string, setAsDefault bool) (iam.PolicyVersion, error) {
	if err := g.onPolicy(ctx, "iam:CreatePolicyVersion", arn); err != nil {
		return iam.PolicyVersion{}, err
	}
	return g.in.CreatePolicyVersion(ctx, arn, doc, setAsDefault)
}

func (g *iamGuard) ListPolicyVersions(ctx context.Context, arn string) ([]iam.PolicyVersion, error) {
	if err := g.onPolicy(ctx, "iam:ListPolicyVersions", arn); err != nil {
		return nil, err
	}
	return g.in.ListPolicyVersions(ctx, arn)
}

func (g *iamGuard) DeletePolicyVersion(ctx context.Context, arn, versionID string) error {
	if err := g.onPolicy(ctx, "iam:DeletePolicyVersion", arn); err != nil {
		return err
	}
	return g.in.DeletePolicyVersion(ctx, arn, versionID)
}

// Access keys.

func (g *iamGuard) CreateAccessKey(ctx context.Context, user string) (iam.AccessKey, error) {
	if err := g.onUser(ctx, "iam:CreateAccessKey", user, nil); err != nil {
		return iam.AccessKey{}, err
	}
	return g.in.CreateAccessKey(ctx, user)
}

func (g *iamGuard) ListAccessKeys(ctx context.Context, user string) ([]iam.AccessKeyMeta, error) {
	if err := g.onUser(ctx, "iam:ListAccessKeys", user, nil); err != nil {
		return nil, err
	}
	return g.in.ListAccessKeys(ctx, user)
}

func (g *iamGuard) UpdateAccessKey(ctx context.Context, user, keyID, status string) error {
	if err := g.onUser(ctx, "iam:UpdateAccessKey", user, nil); err != nil {
		return err
	}
	return g.in.UpdateAccessKey(ctx, user, keyID, status)
}

func (g *iamGuard) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	if err := g.onUser(ctx, "iam:DeleteAccessKey", user, nil); err != nil {
		return err
	}
	return g.in.DeleteAccessKey(ctx, user, keyID)
}
