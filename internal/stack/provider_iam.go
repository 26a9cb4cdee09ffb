package stack

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/iamgate/iamgate/internal/iam"
)

// IAM is what the AWS::IAM::* providers need; *iam.Service satisfies it.
type IAM interface {
	CreateUser(ctx context.Context, name, path string, tags map[string]string, boundary string) (iam.User, error)
	GetUser(ctx context.Context, name string) (iam.User, error)
	DeleteUser(ctx context.Context, name string) error
	TagUser(ctx context.Context, user string, tags map[string]string) error
	PutUserPolicy(ctx context.Context, user, policyName, doc string) error
	DeleteUserPolicy(ctx context.Context, user, policyName string) error
	AttachUserPolicy(ctx context.Context, user, policyARN string) error
	DetachUserPolicy(ctx context.Context, user, policyARN string) error
	PutUserPermissionsBoundary(ctx context.Context, user, policyARN string) error
	AddUserToGroup(ctx context.Context, group, user string) error
	RemoveUserFromGroup(ctx context.Context, group, user string) error
	CreateGroup(ctx context.Context, name, path string) (iam.Group, error)
	DeleteGroup(ctx context.Context, name string) error
	PutGroupPolicy(ctx context.Context, group, policyName, doc string) error
	DeleteGroupPolicy(ctx context.Context, group, policyName string) error
	AttachGroupPolicy(ctx context.Context, group, policyARN string) error
	DetachGroupPolicy(ctx context.Context, group, policyARN string) error
	PutRolePolicy(ctx context.Context, role, policyName, doc string) error
	DeleteRolePolicy(ctx context.Context, role, policyName string) error
}

// RegisterIAM adds the AWS::IAM::* providers. Their calls go through a
// guard that authorizes each one as the stack operation's actor.
func (e *Engine) RegisterIAM(svc IAMService) {
	e.roles = svc
	g := &iamGuard{in: svc, account: e.account}
	e.Register("AWS::IAM::User", &userProvider{iam: g})
	e.Register("AWS::IAM::Policy", &policyProvider{iam: g})
	e.Register("AWS::IAM::Group", &groupProvider{iam: g})
	e.Register("AWS::IAM::UserToGroupAddition", &groupAdditionProvider{iam: g})
	e.Register("AWS::IAM::Role", &roleProvider{iam: g})
	e.Register("AWS::IAM::ManagedPolicy", &managedPolicyProvider{iam: g})
	e.Register("AWS::IAM::AccessKey", &accessKeyProvider{iam: g})
}

// policyDoc renders a PolicyDocument property (an object, or a JSON string).
func policyDoc(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

type inlinePolicy struct{ name, doc string }

func inlinePolicies(props map[string]any) []inlinePolicy {
	l, _ := props["Policies"].([]any)
	var out []inlinePolicy
	for _, v := range l {
		m, _ := v.(map[string]any)
		out = append(out, inlinePolicy{str(m, "PolicyName"), policyDoc(m["PolicyDocument"])})
	}
	return out
}

type userProvider struct{ iam IAM }

func (p *userProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "UserName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 64, true)
	}
	path := str(in.Props, "Path")
	if path == "" {
		path = "/"
	}
	u, err := p.iam.CreateUser(ctx, name, path, tagMap(in.Props), str(in.Props, "PermissionsBoundary"))
	if err != nil {
		return Result{}, err
	}
	if err := p.attach(ctx, name, in.Props, nil); err != nil {
		_ = p.Delete(ctx, State{PhysicalID: name, Props: in.Props})
		return Result{}, err
	}
	return Result{PhysicalID: u.Name, Attrs: map[string]any{"Arn": u.ARN}}, nil
}

// attach applies Policies, ManagedPolicyArns and Groups (the boundary is
// set by CreateUser, changed by Update),
// removing what prev had and next does not.
func (p *userProvider) attach(ctx context.Context, name string, next, prev map[string]any) error {
	for _, ip := range inlinePolicies(next) {
		if err := p.iam.PutUserPolicy(ctx, name, ip.name, ip.doc); err != nil {
			return err
		}
	}
	for _, old := range inlinePolicies(prev) {
		if !hasInline(inlinePolicies(next), old.name) {
			_ = p.iam.DeleteUserPolicy(ctx, name, old.name)
		}
	}
	for _, arn := range strList(next, "ManagedPolicyArns") {
		if err := p.iam.AttachUserPolicy(ctx, name, arn); err != nil {
			return err
		}
	}
	for _, arn := range strList(prev, "ManagedPolicyArns") {
		if !slices.Contains(strList(next, "ManagedPolicyArns"), arn) {
			_ = p.iam.DetachUserPolicy(ctx, name, arn)
		}
	}
	for _, g := range strList(next, "Groups") {
		if err := p.iam.AddUserToGroup(ctx, g, name); err != nil {
			return err
		}
	}
	for _, g := range strList(prev, "Groups") {
		if !slices.Contains(strList(next, "Groups"), g) {
			_ = p.iam.RemoveUserFromGroup(ctx, g, name)
		}
	}
	return nil
}

func hasInline(l []inlinePolicy, name string) bool {
	for _, p := range l {
		if p.name == name {
			return true
		}
	}
	return false
}

func tagMap(props map[string]any) map[string]string {
	l, _ := props["Tags"].([]any)
	if len(l) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, v := range l {
		m, _ := v.(map[string]any)
		out[str(m, "Key")] = str(m, "Value")
	}
	return out
}

func (p *userProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if n := str(in.Props, "UserName"); n != "" && n != prev.PhysicalID || str(in.Props, "Path") != str(prev.Props, "Path") {
		return Result{}, ErrReplace
	}
	if err := p.attach(ctx, prev.PhysicalID, in.Props, prev.Props); err != nil {
		return Result{}, err
	}
	if b := str(in.Props, "PermissionsBoundary"); b != "" && b != str(prev.Props, "PermissionsBoundary") {
		if err := p.iam.PutUserPermissionsBoundary(ctx, prev.PhysicalID, b); err != nil {
			return Result{}, err
		}
	}
	if tags := tagMap(in.Props); tags != nil {
		if err := p.iam.TagUser(ctx, prev.PhysicalID, tags); err != nil {
			return Result{}, err
		}
	}
	return Result{PhysicalID: prev.PhysicalID, Attrs: prev.Attrs}, nil
}

// Delete removes what CloudFormation attached before deleting the user, so
// IAM's DeleteConflict does not stop it; keys made outside the stack too.
func (p *userProvider) Delete(ctx context.Context, prev State) error {
	_ = p.attach(ctx, prev.PhysicalID, nil, prev.Props)
	if k, ok := p.iam.(keyIAM); ok {
		deleteAllKeys(ctx, k, prev.PhysicalID)
	}
	return p.iam.DeleteUser(ctx, prev.PhysicalID)
}

// policyProvider: AWS::IAM::Policy is an inline policy put on each named user, group and role.
type policyProvider struct{ iam IAM }

func (p *policyProvider) apply(ctx context.Context, props map[string]any) error {
	name, doc := str(props, "PolicyName"), policyDoc(props["PolicyDocument"])
	for _, u := range strList(props, "Users") {
		if err := p.iam.PutUserPolicy(ctx, u, name, doc); err != nil {
			return err
		}
	}
	for _, g := range strList(props, "Groups") {
		if err := p.iam.PutGroupPolicy(ctx, g, name, doc); err != nil {
			return err
		}
	}
	for _, r := range strList(props, "Roles") {
		if err := p.iam.PutRolePolicy(ctx, r, name, doc); err != nil {
			return err
		}
	}
	return nil
}

func (p *policyProvider) Create(ctx context.Context, in *Input) (Result, error) {
	if err := p.apply(ctx, in.Props); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: physicalName(in.StackName, in.LogicalID, 40, true)}, nil
}

func (p *policyProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if err := p.apply(ctx, in.Props); err != nil {
		return Result{}, err
	}
	p.remove(ctx, prev.Props, in.Props)
	return Result{PhysicalID: prev.PhysicalID}, nil
}

// remove deletes the policy from the holders in old that next no longer names.
func (p *policyProvider) remove(ctx context.Context, old, next map[string]any) {
	name := str(old, "PolicyName")
	same := next != nil && str(next, "PolicyName") == name
	for _, u := range strList(old, "Users") {
		if !same || !slices.Contains(strList(next, "Users"), u) {
			_ = p.iam.DeleteUserPolicy(ctx, u, name)
		}
	}
	for _, g := range strList(old, "Groups") {
		if !same || !slices.Contains(strList(next, "Groups"), g) {
			_ = p.iam.DeleteGroupPolicy(ctx, g, name)
		}
	}
	for _, r := range strList(old, "Roles") {
		if !same || !slices.Contains(strList(next, "Roles"), r) {
			_ = p.iam.DeleteRolePolicy(ctx, r, name)
		}
	}
}

func (p *policyProvider) Delete(ctx context.Context, prev State) error {
	p.remove(ctx, prev.Props, nil)
	return nil
}
