package iamapi

import (
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/iam"
)

// Roles, permissions boundaries of users and roles, and user and role tags.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html,
// API_CreateRole.html, API_ListRoles.html, API_ListUserTags.html.

func iamCreateRole(c *call) (any, error) {
	name, err := c.P.Required("RoleName")
	if err != nil {
		return nil, err
	}
	trust, err := c.P.Required("AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	secs, err := c.P.Integer("MaxSessionDuration", 0)
	if err != nil {
		return nil, err
	}
	path := c.P.Get("Path")
	if path == "" {
		path = "/"
	}
	boundary, tags := c.P.Get("PermissionsBoundary"), c.P.Tags("Tags")
	if boundary != "" {
		if err := requireARN(boundary); err != nil {
			return nil, err
		}
	}
	ctx := tagContext(tags, nil)
	if boundary != "" {
		if ctx == nil {
			ctx = map[string][]string{}
		}
		ctx["iam:PermissionsBoundary"] = []string{boundary}
	}
	if err := c.AuthorizeReq(auth.Request{Action: "iam:CreateRole", Resource: c.iamARN("role", path, name), Context: ctx}); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	r, err := svc.CreateRole(c.Ctx, name, path, trust, c.P.Get("Description"), time.Duration(secs)*time.Second, boundary)
	if err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		// The domain tags separately; undo the role when its tags are refused,
		// so that CreateRole stays all or nothing as on AWS.
		if err := svc.TagRole(c.Ctx, name, tags); err != nil {
			_ = svc.DeleteRole(c.Ctx, name)
			return nil, err
		}
		r.Tags = tags
	}
	return struct{ Role iamRole }{toIAMRole(r)}, nil
}

func iamListRoles(c *call) (any, error) {
	if err := c.Authorize("iam:ListRoles", "*"); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	rs, err := svc.ListRoles(c.Ctx, c.P.Get("PathPrefix"))
	if err != nil {
		return nil, err
	}
	rs, pg, err := pageOf(c, rs)
	if err != nil {
		return nil, err
	}
	out := struct {
		Roles query.Members[iamRole]
		page
	}{Roles: query.Members[iamRole]{}, page: pg}
	for _, r := range rs {
		ir := toIAMRole(r)
		// "ListRoles does not return: PermissionsBoundary, RoleLastUsed, Tags" (API_ListRoles.html).
		ir.PermissionsBoundary, ir.Tags = nil, nil
		out.Roles = append(out.Roles, ir)
	}
	return out, nil
}

func iamDeleteRole(c *call) (any, error) {
	svc, name, err := c.authorizeEntity("iam:DeleteRole", roleKind, nil)
	if err != nil {
		return nil, err
	}
	return nil, svc.DeleteRole(c.Ctx, name)
}

func iamUpdateAssumeRolePolicy(c *call) (any, error) {
	doc, err := c.P.Required("PolicyDocument")
	if err != nil {
		return nil, err
	}
	svc, name, err := c.authorizeEntity("iam:UpdateAssumeRolePolicy", roleKind, nil)
	if err != nil {
		return nil, err
	}
	return nil, svc.UpdateAssumeRolePolicy(c.Ctx, name, doc)
}

// boundaryAction is "User" or "Role" for iam:Put{User,Role}PermissionsBoundary.
func boundaryAction(k entityKind) string {
	if k.label == "user" {
		return "User"
	}
	return "Role"
}

func putBoundaryOp(k entityKind) op {
	return func(c *call) (any, error) {
		arn, err := c.P.Required("PermissionsBoundary")
		if err != nil {
			return nil, err
		}
		if err := requireARN(arn); err != nil {
			return nil, err
		}
		ctx := map[string][]string{"iam:PermissionsBoundary": {arn}}
		svc, name, err := c.authorizeEntity("iam:Put"+boundaryAction(k)+"PermissionsBoundary", k, ctx)
		if err != nil {
			return nil, err
		}
		if k.label == "user" {
			return nil, svc.PutUserPermissionsBoundary(c.Ctx, name, arn)
		}
		return nil, svc.PutRolePermissionsBoundary(c.Ctx, name, arn)
	}
}

func deleteBoundaryOp(k entityKind) op {
	return func(c *call) (any, error) {
		svc, name, err := c.authorizeEntity("iam:Delete"+boundaryAction(k)+"PermissionsBoundary", k, nil)
		if err != nil {
			return nil, err
		}
		if k.label == "user" {
			return nil, svc.DeleteUserPermissionsBoundary(c.Ctx, name)
		}
		return nil, svc.DeleteRolePermissionsBoundary(c.Ctx, name)
	}
}

func tagOp(k entityKind) op {
	return func(c *call) (any, error) {
		if _, err := c.P.Required("Tags"); err != nil && len(c.P.Structs("Tags")) == 0 {
			return nil, err
		}
		tags := c.P.Tags("Tags")
		svc, name, err := c.authorizeEntity("iam:Tag"+boundaryAction(k), k, tagContext(tags, nil))
		if err != nil {
			return nil, err
		}
		if k.label == "user" {
			return nil, svc.TagUser(c.Ctx, name, tags)
		}
		return nil, svc.TagRole(c.Ctx, name, tags)
	}
}

func untagOp(k entityKind) op {
	return func(c *call) (any, error) {
		keys := c.P.List("TagKeys")
		if len(keys) == 0 {
			if _, err := c.P.Required("TagKeys"); err != nil {
				return nil, err
			}
		}
		svc, name, err := c.authorizeEntity("iam:Untag"+boundaryAction(k), k, tagContext(nil, append([]string(nil), keys...)))
		if err != nil {
			return nil, err
		}
		if k.label == "user" {
			return nil, svc.UntagUser(c.Ctx, name, keys)
		}
		return nil, svc.UntagRole(c.Ctx, name, keys)
	}
}

func listTagsOp(k entityKind) op {
	return func(c *call) (any, error) {
		svc, name, err := c.authorizeEntity("iam:List"+boundaryAction(k)+"Tags", k, nil)
		if err != nil {
			return nil, err
		}
		var ts []iam.Tag
		if k.label == "user" {
			ts, err = svc.ListUserTags(c.Ctx, name)
		} else {
			ts, err = svc.ListRoleTags(c.Ctx, name)
		}
		if err != nil {
			return nil, err
		}
		ts, pg, err := pageOf(c, ts)
		if err != nil {
			return nil, err
		}
		out := struct {
			Tags query.Members[query.Tag]
			page
		}{Tags: query.Members[query.Tag]{}, page: pg}
		for _, t := range ts {
			out.Tags = append(out.Tags, query.Tag(t))
		}
		return out, nil
	}
}
