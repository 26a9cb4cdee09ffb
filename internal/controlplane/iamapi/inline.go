package iamapi

import (
	"context"

	"github.com/iamgate/iamgate/internal/controlplane/query"
)

// Inline policies of users, groups and roles: Put/Get/List/Delete{User,Group,Role}Policy.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html
// and its group and role twins; documents come back URL-encoded, as IAM sends them.

// inlineKind binds one entity kind to its four domain calls.
type inlineKind struct {
	entityKind
	action string // "User": iam:PutUserPolicy, ...
	put    func(IAM, context.Context, string, string, string) error
	get    func(IAM, context.Context, string, string) (string, error)
	list   func(IAM, context.Context, string) ([]string, error)
	del    func(IAM, context.Context, string, string) error
}

var (
	userInline  = inlineKind{userKind, "User", IAM.PutUserPolicy, IAM.GetUserPolicy, IAM.ListUserPolicies, IAM.DeleteUserPolicy}
	groupInline = inlineKind{groupKind, "Group", IAM.PutGroupPolicy, IAM.GetGroupPolicy, IAM.ListGroupPolicies, IAM.DeleteGroupPolicy}
	roleInline  = inlineKind{roleKind, "Role", IAM.PutRolePolicy, IAM.GetRolePolicy, IAM.ListRolePolicies, IAM.DeleteRolePolicy}
)

func inlinePut(k inlineKind) op {
	return func(c *call) (any, error) {
		policy, err := c.P.Required("PolicyName")
		if err != nil {
			return nil, err
		}
		doc, err := c.P.Required("PolicyDocument")
		if err != nil {
			return nil, err
		}
		svc, name, err := c.authorizeEntity("iam:Put"+k.action+"Policy", k.entityKind, nil)
		if err != nil {
			return nil, err
		}
		return nil, k.put(svc, c.Ctx, name, policy, doc)
	}
}

// inlinePolicy is GetUserPolicyResult and its twins: the entity member
// (UserName, GroupName or RoleName) comes first.
type inlinePolicy struct {
	UserName       string `xml:",omitempty"`
	GroupName      string `xml:",omitempty"`
	RoleName       string `xml:",omitempty"`
	PolicyName     string
	PolicyDocument string
}

func inlineGet(k inlineKind) op {
	return func(c *call) (any, error) {
		policy, err := c.P.Required("PolicyName")
		if err != nil {
			return nil, err
		}
		svc, name, err := c.authorizeEntity("iam:Get"+k.action+"Policy", k.entityKind, nil)
		if err != nil {
			return nil, err
		}
		doc, err := k.get(svc, c.Ctx, name, policy)
		if err != nil {
			return nil, err
		}
		out := inlinePolicy{PolicyName: policy, PolicyDocument: policyEscape(doc)}
		switch k.label {
		case "user":
			out.UserName = name
		case "group":
			out.GroupName = name
		default:
			out.RoleName = name
		}
		return out, nil
	}
}

func inlineList(k inlineKind) op {
	return func(c *call) (any, error) {
		svc, name, err := c.authorizeEntity("iam:List"+k.action+"Policies", k.entityKind, nil)
		if err != nil {
			return nil, err
		}
		names, err := k.list(svc, c.Ctx, name)
		if err != nil {
			return nil, err
		}
		names, pg, err := pageOf(c, names)
		if err != nil {
			return nil, err
		}
		return struct {
			PolicyNames query.Members[string]
			page
		}{append(query.Members[string]{}, names...), pg}, nil
	}
}

func inlineDelete(k inlineKind) op {
	return func(c *call) (any, error) {
		policy, err := c.P.Required("PolicyName")
		if err != nil {
			return nil, err
		}
		svc, name, err := c.authorizeEntity("iam:Delete"+k.action+"Policy", k.entityKind, nil)
		if err != nil {
			return nil, err
		}
		return nil, k.del(svc, c.Ctx, name, policy)
	}
}
