package iamapi

import "github.com/iamgate/iamgate/internal/controlplane/query"

// IAM groups and membership.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Group.html,
// API_GetGroup.html, API_ListGroups.html, API_ListGroupsForUser.html.

type iamGroup struct {
	Path       string
	GroupName  string
	GroupID    string `xml:"GroupId"`
	ARN        string `xml:"Arn"`
	CreateDate query.ISOTime
}

func toIAMGroup(g Group) iamGroup {
	return iamGroup{Path: g.Path, GroupName: g.Name, GroupID: g.GroupID, ARN: g.ARN, CreateDate: query.ISOTime(g.Created)}
}

func iamCreateGroup(c *call) (any, error) {
	name, err := c.P.Required("GroupName")
	if err != nil {
		return nil, err
	}
	path := c.P.Get("Path")
	if path == "" {
		path = "/"
	}
	if err := c.Authorize("iam:CreateGroup", c.iamARN("group", path, name)); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	g, err := svc.CreateGroup(c.Ctx, name, path)
	if err != nil {
		return nil, err
	}
	return struct{ Group iamGroup }{toIAMGroup(g)}, nil
}

func iamGetGroup(c *call) (any, error) {
	svc, name, err := c.authorizeEntity("iam:GetGroup", groupKind, nil)
	if err != nil {
		return nil, err
	}
	g, us, err := svc.GetGroup(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	users, pg, err := pageOf(c, us)
	if err != nil {
		return nil, err
	}
	out := struct {
		Group iamGroup
		Users query.Members[iamUser]
		page
	}{Group: toIAMGroup(g), Users: query.Members[iamUser]{}, page: pg}
	for _, u := range users {
		iu := toIAMUser(u)
		iu.Tags, iu.PermissionsBoundary = nil, nil
		out.Users = append(out.Users, iu)
	}
	return out, nil
}

// groupList is the result of ListGroups and ListGroupsForUser.
type groupList struct {
	Groups query.Members[iamGroup]
	page
}

func toGroupList(c *call, gs []Group) (any, error) {
	gs, pg, err := pageOf(c, gs)
	if err != nil {
		return nil, err
	}
	out := groupList{Groups: query.Members[iamGroup]{}, page: pg}
	for _, g := range gs {
		out.Groups = append(out.Groups, toIAMGroup(g))
	}
	return out, nil
}

func iamListGroups(c *call) (any, error) {
	if err := c.Authorize("iam:ListGroups", "*"); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	gs, err := svc.ListGroups(c.Ctx, c.P.Get("PathPrefix"))
	if err != nil {
		return nil, err
	}
	return toGroupList(c, gs)
}

func iamListGroupsForUser(c *call) (any, error) {
	svc, name, err := c.authorizeEntity("iam:ListGroupsForUser", userKind, nil)
	if err != nil {
		return nil, err
	}
	gs, err := svc.ListGroupsForUser(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	return toGroupList(c, gs)
}

func iamDeleteGroup(c *call) (any, error) {
	svc, name, err := c.authorizeEntity("iam:DeleteGroup", groupKind, nil)
	if err != nil {
		return nil, err
	}
	return nil, svc.DeleteGroup(c.Ctx, name)
}

// membership runs AddUserToGroup or RemoveUserFromGroup: both are
// authorized on the group (the Service Authorization Reference lists only
// the group resource for them).
func membership(c *call, action string, fn func(svc IAM, group, user string) error) (any, error) {
	user, err := c.P.Required("UserName")
	if err != nil {
		return nil, err
	}
	svc, group, err := c.authorizeEntity(action, groupKind, nil)
	if err != nil {
		return nil, err
	}
	return nil, fn(svc, group, user)
}

func iamAddUserToGroup(c *call) (any, error) {
	return membership(c, "iam:AddUserToGroup", func(svc IAM, g, u string) error { return svc.AddUserToGroup(c.Ctx, g, u) })
}

func iamRemoveUserFromGroup(c *call) (any, error) {
	return membership(c, "iam:RemoveUserFromGroup", func(svc IAM, g, u string) error { return svc.RemoveUserFromGroup(c.Ctx, g, u) })
}
