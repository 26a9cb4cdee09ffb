package iamapi

import (
	"context"
	"time"

	"github.com/iamgate/iamgate/internal/iam"
)

// IAM is what the IAM and STS handlers need of the identity domain;
// *iam.Service satisfies it. Every error is an *awserr.Error (NoSuchEntity,
// EntityAlreadyExists, LimitExceeded, ...), written to the client as is.
type IAM interface {
	CreateUser(ctx context.Context, name, path string, tags map[string]string, boundary string) (iam.User, error)
	GetUser(ctx context.Context, name string) (iam.User, error)
	ListUsers(ctx context.Context, pathPrefix string) ([]iam.User, error)
	DeleteUser(ctx context.Context, name string) error
	CreateAccessKey(ctx context.Context, user string) (iam.AccessKey, error)
	ListAccessKeys(ctx context.Context, user string) ([]iam.AccessKeyMeta, error)
	UpdateAccessKey(ctx context.Context, user, accessKeyID, status string) error
	DeleteAccessKey(ctx context.Context, user, accessKeyID string) error
	GetRole(ctx context.Context, name string) (iam.Role, error)
	CreateSession(ctx context.Context, roleARN, sessionName string, d time.Duration, sessionPolicy string) (iam.Session, error)
	GetSessionToken(ctx context.Context, accessKeyID string, d time.Duration) (iam.Session, error)

	// Groups (iam_groups.go).
	CreateGroup(ctx context.Context, name, path string) (iam.Group, error)
	GetGroup(ctx context.Context, name string) (iam.Group, []iam.User, error)
	ListGroups(ctx context.Context, pathPrefix string) ([]iam.Group, error)
	DeleteGroup(ctx context.Context, name string) error
	AddUserToGroup(ctx context.Context, group, user string) error
	RemoveUserFromGroup(ctx context.Context, group, user string) error
	ListGroupsForUser(ctx context.Context, user string) ([]iam.Group, error)

	// Inline policies (iam_inline.go).
	PutUserPolicy(ctx context.Context, user, policyName, doc string) error
	GetUserPolicy(ctx context.Context, user, policyName string) (string, error)
	ListUserPolicies(ctx context.Context, user string) ([]string, error)
	DeleteUserPolicy(ctx context.Context, user, policyName string) error
	PutGroupPolicy(ctx context.Context, group, policyName, doc string) error
	GetGroupPolicy(ctx context.Context, group, policyName string) (string, error)
	ListGroupPolicies(ctx context.Context, group string) ([]string, error)
	DeleteGroupPolicy(ctx context.Context, group, policyName string) error
	PutRolePolicy(ctx context.Context, role, policyName, doc string) error
	GetRolePolicy(ctx context.Context, role, policyName string) (string, error)
	ListRolePolicies(ctx context.Context, role string) ([]string, error)
	DeleteRolePolicy(ctx context.Context, role, policyName string) error

	// Managed policies and attachments (iam_managed.go).
	CreatePolicy(ctx context.Context, name, path, doc, description string) (iam.ManagedPolicy, error)
	GetPolicy(ctx context.Context, arn string) (iam.ManagedPolicy, error)
	ListPolicies(ctx context.Context, scope string) ([]iam.ManagedPolicy, error)
	DeletePolicy(ctx context.Context, arn string) error
	CreatePolicyVersion(ctx context.Context, arn, doc string, setAsDefault bool) (iam.PolicyVersion, error)
	GetPolicyVersion(ctx context.Context, arn, versionID string) (iam.PolicyVersion, error)
	ListPolicyVersions(ctx context.Context, arn string) ([]iam.PolicyVersion, error)
	SetDefaultPolicyVersion(ctx context.Context, arn, versionID string) error
	DeletePolicyVersion(ctx context.Context, arn, versionID string) error
	AttachUserPolicy(ctx context.Context, user, policyARN string) error
	DetachUserPolicy(ctx context.Context, user, policyARN string) error
	ListAttachedUserPolicies(ctx context.Context, user string) ([]iam.AttachedPolicy, error)
	AttachGroupPolicy(ctx context.Context, group, policyARN string) error
	DetachGroupPolicy(ctx context.Context, group, policyARN string) error
	ListAttachedGroupPolicies(ctx context.Context, group string) ([]iam.AttachedPolicy, error)
	AttachRolePolicy(ctx context.Context, role, policyARN string) error
	DetachRolePolicy(ctx context.Context, role, policyARN string) error
	ListAttachedRolePolicies(ctx context.Context, role string) ([]iam.AttachedPolicy, error)

	// Roles, permissions boundaries and tags (iam_roles.go).
	CreateRole(ctx context.Context, name, path, trustPolicy, description string, maxSession time.Duration, boundary string) (iam.Role, error)
	ListRoles(ctx context.Context, pathPrefix string) ([]iam.Role, error)
	DeleteRole(ctx context.Context, name string) error
	UpdateAssumeRolePolicy(ctx context.Context, name, trustPolicy string) error
	PutRolePermissionsBoundary(ctx context.Context, role, policyARN string) error
	DeleteRolePermissionsBoundary(ctx context.Context, role string) error
	PutUserPermissionsBoundary(ctx context.Context, user, policyARN string) error
	DeleteUserPermissionsBoundary(ctx context.Context, user string) error
	TagUser(ctx context.Context, user string, tags map[string]string) error
	UntagUser(ctx context.Context, user string, keys []string) error
	ListUserTags(ctx context.Context, user string) ([]iam.Tag, error)
	TagRole(ctx context.Context, role string, tags map[string]string) error
	UntagRole(ctx context.Context, role string, keys []string) error
	ListRoleTags(ctx context.Context, role string) ([]iam.Tag, error)

	// Simulation (iam_simulate.go).
	PolicySourcesFor(ctx context.Context, arn string) (iam.PolicySources, error)
}

var _ IAM = (*iam.Service)(nil)

type (
	// User is iam's user.
	User = iam.User
	// Role is iam's role.
	Role = iam.Role
	// Session is iam's temporary credentials.
	Session = iam.Session
	// AccessKey is iam's new access key with its sealed secret.
	AccessKey = iam.AccessKey
	// AccessKeyMeta is iam's access key without the secret.
	AccessKeyMeta = iam.AccessKeyMeta
	// Group is iam's group.
	Group = iam.Group
	// ManagedPolicy is iam's customer or AWS managed policy.
	ManagedPolicy = iam.ManagedPolicy
	// PolicyVersion is one version of a managed policy.
	PolicyVersion = iam.PolicyVersion
	// AttachedPolicy names a managed policy attached to an identity.
	AttachedPolicy = iam.AttachedPolicy
	// PolicySources is what a principal simulation evaluates.
	PolicySources = iam.PolicySources
)
