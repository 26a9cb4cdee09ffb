package controlplane

import (
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// IAM over the query protocol, version 2010-05-08: users and access keys.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html
// Resources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html

func (h *Handler) iamService() *queryService {
	svc := &queryService{
		name:      "iam",
		namespace: awserr.IAMNamespace,
		version:   "2010-05-08",
		global:    true,
		ops: map[string]op{
			"CreateUser":      iamCreateUser,
			"GetUser":         iamGetUser,
			"ListUsers":       iamListUsers,
			"DeleteUser":      iamDeleteUser,
			"CreateAccessKey": iamCreateAccessKey,
			"ListAccessKeys":  iamListAccessKeys,
			"UpdateAccessKey": iamUpdateAccessKey,
			"DeleteAccessKey": iamDeleteAccessKey,
			"GetRole":         iamGetRole,
		},
	}
	maps.Copy(svc.ops, iamAdminOps) // groups, policies, roles, tags, simulation
	return svc
}

func (c *call) iam() (IAM, error) {
	if c.h.o.IAM == nil {
		return nil, awserr.New(awserr.ServiceFailure, "IAM is not available")
	}
	return c.h.o.IAM, nil
}

// iamARN is arn:aws:iam::ACCOUNT:KIND{path}{name}; path defaults to "/".
func (c *call) iamARN(kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + c.account() + ":" + kind + path + name
}

// targetUser resolves the UserName member, defaulting to the caller: an
// IAM user acts on itself; root on the account ("" name); a role session
// must name a user, as AWS requires.
func (c *call) targetUser() (string, error) {
	if name := c.p.get("UserName"); name != "" {
		return name, nil
	}
	switch c.caller.Type {
	case "User":
		return c.caller.Username, nil
	case "Root":
		return "", nil
	}
	return "", awserr.New(awserr.ValidationError, "Must specify userName when calling with non-User credentials")
}

// authorizeUser authorizes action on user name's ARN (with its path when
// the user exists) and returns the user when found. A missing user is
// reported only after authorization, so that denied callers learn nothing.
func (c *call) authorizeUser(action, name string) (User, error) {
	svc, err := c.iam()
	if err != nil {
		return User{}, err
	}
	if name == "" {
		if err := c.authorize(action, c.caller.ARN); err != nil {
			return User{}, err
		}
		return User{UserID: c.caller.AccountID, ARN: c.caller.ARN}, nil
	}
	u, getErr := svc.GetUser(c.ctx, name)
	resource := u.ARN
	if getErr != nil || resource == "" {
		resource = c.iamARN("user", "/", name)
	}
	if err := c.authorize(action, resource); err != nil {
		return User{}, err
	}
	return u, getErr
}

type iamUser struct {
	Path       string `xml:",omitempty"`
	UserName   string `xml:",omitempty"`
	UserID     string `xml:"UserId"`
	ARN        string `xml:"Arn"`
	CreateDate isoTime
	// PermissionsBoundary is returned by GetUser only.
	PermissionsBoundary *iamBoundary `xml:",omitempty"`
	Tags                members[tag] `xml:",omitempty"`
}

func toIAMUser(u User) iamUser {
	return iamUser{Path: u.Path, UserName: u.Name, UserID: u.UserID, ARN: u.ARN,
		CreateDate: isoTime(u.Created), PermissionsBoundary: boundaryOf(u.PermissionsBoundary), Tags: tagList(u.Tags)}
}

func iamCreateUser(c *call) (any, error) {
	name, err := c.p.required("UserName")
	if err != nil {
		return nil, err
	}
	path := c.p.get("Path")
	if path == "" {
		path = "/"
	}
	if err := c.authorize("iam:CreateUser", c.iamARN("user", path, name)); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	u, err := svc.CreateUser(c.ctx, name, path, c.p.tags("Tags"))
	if err != nil {
		return nil, err
	}
	return struct{ User iamUser }{toIAMUser(u)}, nil
}

func iamGetUser(c *call) (any, error) {
	name, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	u, err := c.authorizeUser("iam:GetUser", name)
	if err != nil {
		return nil, err
	}
	return struct{ User iamUser }{toIAMUser(u)}, nil
}

func iamListUsers(c *call) (any, error) {
	if err := c.authorize("iam:ListUsers", "*"); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	prefix := c.p.get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	us, err := svc.ListUsers(c.ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := struct {
		Users       members[iamUser]
		IsTruncated bool
	}{Users: members[iamUser]{}}
	for _, u := range us {
		iu := toIAMUser(u)
		iu.Tags, iu.PermissionsBoundary = nil, nil // ListUsers returns neither
		out.Users = append(out.Users, iu)
	}
	return out, nil
}

func iamDeleteUser(c *call) (any, error) {
	name, err := c.p.required("UserName")
	if err != nil {
		return nil, err
	}
	if _, err := c.authorizeUser("iam:DeleteUser", name); err != nil {
		return nil, err
	}
	return nil, c.h.o.IAM.DeleteUser(c.ctx, name)
}

type iamAccessKey struct {
	UserName        string `xml:",omitempty"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      isoTime
}

func iamCreateAccessKey(c *call) (any, error) {
	name, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if _, err := c.authorizeUser("iam:CreateAccessKey", name); err != nil {
		return nil, err
	}
	k, err := c.h.o.IAM.CreateAccessKey(c.ctx, name)
	if err != nil {
		return nil, err
	}
	return struct{ AccessKey iamAccessKey }{iamAccessKey{
		UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status,
		SecretAccessKey: k.Secret.Reveal(), CreateDate: isoTime(k.Created),
	}}, nil
}

func iamListAccessKeys(c *call) (any, error) {
	name, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if _, err := c.authorizeUser("iam:ListAccessKeys", name); err != nil {
		return nil, err
	}
	ks, err := c.h.o.IAM.ListAccessKeys(c.ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct {
		UserName          string `xml:",omitempty"`
		AccessKeyMetadata members[iamAccessKey]
		IsTruncated       bool
	}{UserName: name, AccessKeyMetadata: members[iamAccessKey]{}}
	for _, k := range ks {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamAccessKey{
			UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status, CreateDate: isoTime(k.Created),
		})
	}
	return out, nil
}

func iamUpdateAccessKey(c *call) (any, error) {
	id, err := c.p.required("AccessKeyId")
	if err != nil {
		return nil, err
	}
	status, err := c.p.required("Status")
	if err != nil {
		return nil, err
	}
	if status != "Active" && status != "Inactive" {
		return nil, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status)
	}
	name, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if _, err := c.authorizeUser("iam:UpdateAccessKey", name); err != nil {
		return nil, err
	}
	return nil, c.h.o.IAM.UpdateAccessKey(c.ctx, name, id, status)
}

func iamDeleteAccessKey(c *call) (any, error) {
	id, err := c.p.required("AccessKeyId")
	if err != nil {
		return nil, err
	}
	name, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if _, err := c.authorizeUser("iam:DeleteAccessKey", name); err != nil {
		return nil, err
	}
	return nil, c.h.o.IAM.DeleteAccessKey(c.ctx, name, id)
}

type iamRole struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	ARN                      string `xml:"Arn"`
	CreateDate               isoTime
	AssumeRolePolicyDocument string       `xml:",omitempty"`
	Description              string       `xml:",omitempty"`
	MaxSessionDuration       int          `xml:",omitempty"`
	PermissionsBoundary      *iamBoundary `xml:",omitempty"`
	Tags                     members[tag] `xml:",omitempty"`
}

func toIAMRole(r Role) iamRole {
	return iamRole{Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, ARN: r.ARN,
		CreateDate: isoTime(r.Created), AssumeRolePolicyDocument: policyEscape(r.AssumeRolePolicy),
		Description: r.Description, MaxSessionDuration: int(r.MaxSessionDuration / time.Second),
		PermissionsBoundary: boundaryOf(r.PermissionsBoundary), Tags: tagList(r.Tags)}
}

func iamGetRole(c *call) (any, error) {
	name, err := c.p.required("RoleName")
	if err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	r, getErr := svc.GetRole(c.ctx, name)
	resource := r.ARN
	if getErr != nil || resource == "" {
		resource = c.iamARN("role", "/", name)
	}
	if err := c.authorize("iam:GetRole", resource); err != nil {
		return nil, err
	}
	if getErr != nil {
		return nil, getErr
	}
	return struct{ Role iamRole }{toIAMRole(r)}, nil
}

// policyEscape percent-encodes a policy document the way IAM returns
// documents (RFC 3986, spaces as %20); the CLI decodes it, the SDKs do not.
func policyEscape(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}
