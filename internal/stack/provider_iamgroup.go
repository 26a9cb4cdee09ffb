package stack

import (
	"context"
	"slices"
)

type groupProvider struct{ iam IAM }

func (p *groupProvider) attach(ctx context.Context, name string, next, prev map[string]any) error {
	for _, ip := range inlinePolicies(next) {
		if err := p.iam.PutGroupPolicy(ctx, name, ip.name, ip.doc); err != nil {
			return err
		}
	}
	for _, old := range inlinePolicies(prev) {
		if !hasInline(inlinePolicies(next), old.name) {
			_ = p.iam.DeleteGroupPolicy(ctx, name, old.name)
		}
	}
	for _, arn := range strList(next, "ManagedPolicyArns") {
		if err := p.iam.AttachGroupPolicy(ctx, name, arn); err != nil {
			return err
		}
	}
	for _, arn := range strList(prev, "ManagedPolicyArns") {
		if !slices.Contains(strList(next, "ManagedPolicyArns"), arn) {
			_ = p.iam.DetachGroupPolicy(ctx, name, arn)
		}
	}
	return nil
}

func (p *groupProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "GroupName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 128, true)
	}
	path := str(in.Props, "Path")
	if path == "" {
		path = "/"
	}
	g, err := p.iam.CreateGroup(ctx, name, path)
	if err != nil {
		return Result{}, err
	}
	if err := p.attach(ctx, name, in.Props, nil); err != nil {
		_ = p.Delete(ctx, State{PhysicalID: name, Props: in.Props})
		return Result{}, err
	}
	return Result{PhysicalID: g.Name, Attrs: map[string]any{"Arn": g.ARN}}, nil
}

func (p *groupProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if n := str(in.Props, "GroupName"); n != "" && n != prev.PhysicalID || str(in.Props, "Path") != str(prev.Props, "Path") {
		return Result{}, ErrReplace
	}
	if err := p.attach(ctx, prev.PhysicalID, in.Props, prev.Props); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID, Attrs: prev.Attrs}, nil
}

func (p *groupProvider) Delete(ctx context.Context, prev State) error {
	_ = p.attach(ctx, prev.PhysicalID, nil, prev.Props)
	return p.iam.DeleteGroup(ctx, prev.PhysicalID)
}

type groupAdditionProvider struct{ iam IAM }

func (p *groupAdditionProvider) Create(ctx context.Context, in *Input) (Result, error) {
	g := str(in.Props, "GroupName")
	for _, u := range strList(in.Props, "Users") {
		if err := p.iam.AddUserToGroup(ctx, g, u); err != nil {
			return Result{}, err
		}
	}
	return Result{PhysicalID: physicalName(in.StackName, in.LogicalID, 64, true)}, nil
}

func (p *groupAdditionProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "GroupName") != str(prev.Props, "GroupName") {
		return Result{}, ErrReplace
	}
	if _, err := p.Create(ctx, in); err != nil {
		return Result{}, err
	}
	for _, u := range strList(prev.Props, "Users") {
		if !slices.Contains(strList(in.Props, "Users"), u) {
			_ = p.iam.RemoveUserFromGroup(ctx, str(prev.Props, "GroupName"), u)
		}
	}
	return Result{PhysicalID: prev.PhysicalID}, nil
}

func (p *groupAdditionProvider) Delete(ctx context.Context, prev State) error {
	for _, u := range strList(prev.Props, "Users") {
		_ = p.iam.RemoveUserFromGroup(ctx, str(prev.Props, "GroupName"), u)
	}
	return nil
}
