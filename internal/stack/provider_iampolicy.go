package stack

import (
	"context"
	"slices"

	"github.com/iamgate/iamgate/internal/iam"
)

// managedIAM is the managed-policy part of the IAM service.
type managedIAM interface {
	roleIAM
	CreatePolicy(ctx context.Context, name, path, doc, description string) (iam.ManagedPolicy, error)
	DeletePolicy(ctx context.Context, arn string) error
	CreatePolicyVersion(ctx context.Context, arn, doc string, setAsDefault bool) (iam.PolicyVersion, error)
	ListPolicyVersions(ctx context.Context, arn string) ([]iam.PolicyVersion, error)
	DeletePolicyVersion(ctx context.Context, arn, versionID string) error
	AttachUserPolicy(ctx context.Context, user, policyARN string) error
	DetachUserPolicy(ctx context.Context, user, policyARN string) error
	AttachGroupPolicy(ctx context.Context, group, policyARN string) error
	DetachGroupPolicy(ctx context.Context, group, policyARN string) error
}

type managedPolicyProvider struct{ iam managedIAM }

type attacher struct {
	prop           string
	attach, detach func(ctx context.Context, holder, arn string) error
}

func (p *managedPolicyProvider) attachers() []attacher {
	return []attacher{
		{"Users", p.iam.AttachUserPolicy, p.iam.DetachUserPolicy},
		{"Groups", p.iam.AttachGroupPolicy, p.iam.DetachGroupPolicy},
		{"Roles", p.iam.AttachRolePolicy, p.iam.DetachRolePolicy},
	}
}

func (p *managedPolicyProvider) link(ctx context.Context, arn string, next, prev map[string]any) error {
	for _, a := range p.attachers() {
		for _, h := range strList(next, a.prop) {
			if err := a.attach(ctx, h, arn); err != nil {
				return err
			}
		}
		for _, h := range strList(prev, a.prop) {
			if !slices.Contains(strList(next, a.prop), h) {
				_ = a.detach(ctx, h, arn)
			}
		}
	}
	return nil
}

func (p *managedPolicyProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "ManagedPolicyName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 128, true)
	}
	path := str(in.Props, "Path")
	if path == "" {
		path = "/"
	}
	mp, err := p.iam.CreatePolicy(ctx, name, path, policyDoc(in.Props["PolicyDocument"]), str(in.Props, "Description"))
	if err != nil {
		return Result{}, err
	}
	if err := p.link(ctx, mp.ARN, in.Props, nil); err != nil {
		_ = p.Delete(ctx, State{PhysicalID: mp.ARN, Props: in.Props})
		return Result{}, err
	}
	return Result{PhysicalID: mp.ARN, Attrs: map[string]any{"PolicyArn": mp.ARN, "PolicyId": mp.PolicyID,
		"DefaultVersionId": mp.DefaultVersionID}}, nil
}

func (p *managedPolicyProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "ManagedPolicyName") != str(prev.Props, "ManagedPolicyName") || str(in.Props, "Path") != str(prev.Props, "Path") {
		return Result{}, ErrReplace
	}
	arn := prev.PhysicalID
	if policyDoc(in.Props["PolicyDocument"]) != policyDoc(prev.Props["PolicyDocument"]) {
		p.pruneVersions(ctx, arn)
		if _, err := p.iam.CreatePolicyVersion(ctx, arn, policyDoc(in.Props["PolicyDocument"]), true); err != nil {
			return Result{}, err
		}
	}
	if err := p.link(ctx, arn, in.Props, prev.Props); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: arn, Attrs: prev.Attrs}, nil
}

// pruneVersions keeps room for a new version under IAM's limit of five.
func (p *managedPolicyProvider) pruneVersions(ctx context.Context, arn string) {
	vs, err := p.iam.ListPolicyVersions(ctx, arn)
	if err != nil || len(vs) < 5 {
		return
	}
	for _, v := range vs {
		if !v.IsDefault {
			_ = p.iam.DeletePolicyVersion(ctx, arn, v.VersionID)
			return
		}
	}
}

func (p *managedPolicyProvider) Delete(ctx context.Context, prev State) error {
	_ = p.link(ctx, prev.PhysicalID, nil, prev.Props)
	if vs, err := p.iam.ListPolicyVersions(ctx, prev.PhysicalID); err == nil {
		for _, v := range vs {
			if !v.IsDefault {
				_ = p.iam.DeletePolicyVersion(ctx, prev.PhysicalID, v.VersionID)
			}
		}
	}
	return p.iam.DeletePolicy(ctx, prev.PhysicalID)
}
