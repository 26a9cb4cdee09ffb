package stack

import (
	"context"
	"slices"
	"time"

	"github.com/iamgate/iamgate/internal/iam"
)

// roleIAM is the role part of the IAM service.
type roleIAM interface {
	CreateRole(ctx context.Context, name, path, trustPolicy, description string, maxSession time.Duration, boundary string) (iam.Role, error)
	DeleteRole(ctx context.Context, name string) error
	UpdateAssumeRolePolicy(ctx context.Context, name, trustPolicy string) error
	PutRolePolicy(ctx context.Context, role, policyName, doc string) error
	DeleteRolePolicy(ctx context.Context, role, policyName string) error
	AttachRolePolicy(ctx context.Context, role, policyARN string) error
	DetachRolePolicy(ctx context.Context, role, policyARN string) error
	PutRolePermissionsBoundary(ctx context.Context, role, policyARN string) error
	TagRole(ctx context.Context, role string, tags map[string]string) error
}

type roleProvider struct{ iam roleIAM }

func (p *roleProvider) attach(ctx context.Context, name string, next, prev map[string]any) error {
	for _, ip := range inlinePolicies(next) {
		if err := p.iam.PutRolePolicy(ctx, name, ip.name, ip.doc); err != nil {
			return err
		}
	}
	for _, old := range inlinePolicies(prev) {
		if !hasInline(inlinePolicies(next), old.name) {
			_ = p.iam.DeleteRolePolicy(ctx, name, old.name)
		}
	}
	for _, arn := range strList(next, "ManagedPolicyArns") {
		if err := p.iam.AttachRolePolicy(ctx, name, arn); err != nil {
			return err
		}
	}
	for _, arn := range strList(prev, "ManagedPolicyArns") {
		if !slices.Contains(strList(next, "ManagedPolicyArns"), arn) {
			_ = p.iam.DetachRolePolicy(ctx, name, arn)
		}
	}
	return nil
}

func (p *roleProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "RoleName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 64, false)
	}
	path := str(in.Props, "Path")
	if path == "" {
		path = "/"
	}
	maxSession := time.Duration(intProp(in.Props, "MaxSessionDuration", 3600)) * time.Second
	r, err := p.iam.CreateRole(ctx, name, path, policyDoc(in.Props["AssumeRolePolicyDocument"]), str(in.Props, "Description"),
		maxSession, str(in.Props, "PermissionsBoundary"))
	if err != nil {
		return Result{}, err
	}
	if tags := tagMap(in.Props); tags != nil {
		if err := p.iam.TagRole(ctx, name, tags); err != nil {
			_ = p.iam.DeleteRole(ctx, name)
			return Result{}, err
		}
	}
	if err := p.attach(ctx, name, in.Props, nil); err != nil {
		_ = p.Delete(ctx, State{PhysicalID: name, Props: in.Props})
		return Result{}, err
	}
	return Result{PhysicalID: r.Name, Attrs: map[string]any{"Arn": r.ARN, "RoleId": r.RoleID}}, nil
}

func (p *roleProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if n := str(in.Props, "RoleName"); n != "" && n != prev.PhysicalID || str(in.Props, "Path") != str(prev.Props, "Path") {
		return Result{}, ErrReplace
	}
	if err := p.iam.UpdateAssumeRolePolicy(ctx, prev.PhysicalID, policyDoc(in.Props["AssumeRolePolicyDocument"])); err != nil {
		return Result{}, err
	}
	if b := str(in.Props, "PermissionsBoundary"); b != "" {
		if err := p.iam.PutRolePermissionsBoundary(ctx, prev.PhysicalID, b); err != nil {
			return Result{}, err
		}
	}
	if err := p.attach(ctx, prev.PhysicalID, in.Props, prev.Props); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID, Attrs: prev.Attrs}, nil
}

func (p *roleProvider) Delete(ctx context.Context, prev State) error {
	_ = p.attach(ctx, prev.PhysicalID, nil, prev.Props)
	return p.iam.DeleteRole(ctx, prev.PhysicalID)
}

// keyIAM is the access key part of the IAM service.
type keyIAM interface {
	CreateAccessKey(ctx context.Context, user string) (iam.AccessKey, error)
	ListAccessKeys(ctx context.Context, user string) ([]iam.AccessKeyMeta, error)
	UpdateAccessKey(ctx context.Context, user, keyID, status string) error
	DeleteAccessKey(ctx context.Context, user, keyID string) error
}

func deleteAllKeys(ctx context.Context, k keyIAM, user string) {
	keys, err := k.ListAccessKeys(ctx, user)
	if err != nil {
		return
	}
	for _, key := range keys {
		_ = k.DeleteAccessKey(ctx, user, key.AccessKeyID)
	}
}

type accessKeyProvider struct{ iam keyIAM }

func (p *accessKeyProvider) Create(ctx context.Context, in *Input) (Result, error) {
	user := str(in.Props, "UserName")
	k, err := p.iam.CreateAccessKey(ctx, user)
	if err != nil {
		return Result{}, err
	}
	if st := str(in.Props, "Status"); st == "Inactive" {
		if err := p.iam.UpdateAccessKey(ctx, user, k.AccessKeyID, st); err != nil {
			return Result{}, err
		}
	}
	// The secret is not kept in stack state: state is not sealed, secrets must be.
	return Result{PhysicalID: k.AccessKeyID}, nil
}

func (p *accessKeyProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "UserName") != str(prev.Props, "UserName") || intProp(in.Props, "Serial", 0) != intProp(prev.Props, "Serial", 0) {
		return Result{}, ErrReplace
	}
	st := str(in.Props, "Status")
	if st == "" {
		st = "Active"
	}
	if err := p.iam.UpdateAccessKey(ctx, str(in.Props, "UserName"), prev.PhysicalID, st); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID, Attrs: prev.Attrs}, nil
}

func (p *accessKeyProvider) Delete(ctx context.Context, prev State) error {
	return p.iam.DeleteAccessKey(ctx, str(prev.Props, "UserName"), prev.PhysicalID)
}
