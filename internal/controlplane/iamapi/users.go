package iamapi

import (
	"net/url"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/query"
)

// IAM over the query protocol, version 2010-05-08: users and access keys.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html
// Resources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html

// userOps are the operations on users and access keys.
var userOps = map[string]op{
	"CreateUser":      iamCreateUser,
	"GetUser":         iamGetUser,
	"ListUsers":       iamListUsers,
	"DeleteUser":      iamDeleteUser,
	"CreateAccessKey": iamCreateAccessKey,
	"ListAccessKeys":  iamListAccessKeys,
	"UpdateAccessKey": iamUpdateAccessKey,
	"DeleteAccessKey": iamDeleteAccessKey,
	"GetRole":         iamGetRole,
}

func (c *call) iam() (IAM, error) {
	if c.o.IAM == nil {
		return nil, awserr.New(awserr.ServiceFailure, "IAM is not available")
	}
	return c.o.IAM, nil
}

// iamARN is arn:aws:iam::ACCOUNT:KIND{path}{name}; path defaults to "/".
func (c *call) iamARN(kind, path, name string) string {
	return arn.IAMEntity(c.Account(), kind, path, name)
}

// targetUser resolves the UserName member, defaulting to the caller: an
// IAM user acts on itself; root on the account ("" name); a role session
// must name a user, as AWS requires.
func (c *call) targetUser() (string, error) {
	if name := c.P.Get("UserName"); name != "" {
		return name, nil
	}
	switch c.Caller.Type {
	case "User":
		return c.Caller.Username, nil
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
		if err := c.Authorize(action, c.Caller.ARN); err != nil {
			return User{}, err
		}
		return User{UserID: c.Caller.AccountID, ARN: c.Caller.ARN}, nil
	}
	u, getErr := svc.GetUser(c.Ctx, name)
	resource := u.ARN
	if getErr != nil || resource == "" {
		resource = c.iamARN("user", "/", name)
	}
	if err := c.Authorize(action, resource); err != nil {
		return User{}, err
	}
	return u, getErr
}

type iamUser struct {
	Path       string `xml:",omitempty"`
	UserName   string `xml:",omitempty"`
	UserID     string `xml:"UserId"`
	ARN        string `xml:"Arn"`
	CreateDate query.ISOTime
	// PermissionsBoundary is returned by GetUser only.
	PermissionsBoundary *iamBoundary             `xml:",omitempty"`
	Tags                query.Members[query.Tag] `xml:",omitempty"`
}

func toIAMUser(u User) iamUser {
	return iamUser{Path: u.Path, UserName: u.Name, UserID: u.UserID, ARN: u.ARN,
		CreateDate: query.ISOTime(u.Created), PermissionsBoundary: boundaryOf(u.PermissionsBoundary), Tags: query.TagList(u.Tags)}
}

func iamCreateUser(c *call) (any, error) {
	name, err := c.P.Required("UserName")
	if err != nil {
		return nil, err
	}
	path := c.P.Get("Path")
	if path == "" {
		path = "/"
	}
	// The boundary is the new user's, and what a delegated administrator's
	// iam:PermissionsBoundary condition reads (API_CreateUser.html).
	boundary := c.P.Get("PermissionsBoundary")
	var ctx map[string][]string
	if boundary != "" {
		if err := requireARN(boundary); err != nil {
			return nil, err
		}
		ctx = map[string][]string{"iam:PermissionsBoundary": {boundary}}
	}
	if err := c.AuthorizeReq(auth.Request{Action: "iam:CreateUser", Resource: c.iamARN("user", path, name), Context: ctx}); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	u, err := svc.CreateUser(c.Ctx, name, path, c.P.Tags("Tags"), boundary)
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
	if err := c.Authorize("iam:ListUsers", "*"); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	prefix := c.P.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	us, err := svc.ListUsers(c.Ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := struct {
		Users       query.Members[iamUser]
		IsTruncated bool
	}{Users: query.Members[iamUser]{}}
	for _, u := range us {
		iu := toIAMUser(u)
		iu.Tags, iu.PermissionsBoundary = nil, nil // ListUsers returns neither
		out.Users = append(out.Users, iu)
	}
	return out, nil
}

func iamDeleteUser(c *call) (any, error) {
	name, err := c.P.Required("UserName")
	if err != nil {
		return nil, err
	}
	if _, err := c.authorizeUser("iam:DeleteUser", name); err != nil {
		return nil, err
	}
	return nil, c.o.IAM.DeleteUser(c.Ctx, name)
}

type iamAccessKey struct {
	UserName        string `xml:",omitempty"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      query.ISOTime
}

func iamCreateAccessKey(c *call) (any, error) {
	name, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if _, err := c.authorizeUser("iam:CreateAccessKey", name); err != nil {
		return nil, err
	}
	k, err := c.o.IAM.CreateAccessKey(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	return struct{ AccessKey iamAccessKey }{iamAccessKey{
		UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status,
		SecretAccessKey: k.Secret.Reveal(), CreateDate: query.ISOTime(k.Created),
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
	ks, err := c.o.IAM.ListAccessKeys(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct {
		UserName          string `xml:",omitempty"`
		AccessKeyMetadata query.Members[iamAccessKey]
		IsTruncated       bool
	}{UserName: name, AccessKeyMetadata: query.Members[iamAccessKey]{}}
	for _, k := range ks {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamAccessKey{
			UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status, CreateDate: query.ISOTime(k.Created),
		})
	}
	return out, nil
}

func iamUpdateAccessKey(c *call) (any, error) {
	id, err := c.P.Required("AccessKeyId")
	if err != nil {
		return nil, err
	}
	status, err := c.P.Required("Status")
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
	return nil, c.o.IAM.UpdateAccessKey(c.Ctx, name, id, status)
}

func iamDeleteAccessKey(c *call) (any, error) {
	id, err := c.P.Required("AccessKeyId")
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
	return nil, c.o.IAM.DeleteAccessKey(c.Ctx, name, id)
}

type iamRole struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	ARN                      string `xml:"Arn"`
	CreateDate               query.ISOTime
	AssumeRolePolicyDocument string                   `xml:",omitempty"`
	Description              string                   `xml:",omitempty"`
	MaxSessionDuration       int                      `xml:",omitempty"`
	PermissionsBoundary      *iamBoundary             `xml:",omitempty"`
	Tags                     query.Members[query.Tag] `xml:",omitempty"`
}

func toIAMRole(r Role) iamRole {
	return iamRole{Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, ARN: r.ARN,
		CreateDate: query.ISOTime(r.Created), AssumeRolePolicyDocument: policyEscape(r.AssumeRolePolicy),
		Description: r.Description, MaxSessionDuration: int(r.MaxSessionDuration / time.Second),
		PermissionsBoundary: boundaryOf(r.PermissionsBoundary), Tags: query.TagList(r.Tags)}
}

func iamGetRole(c *call) (any, error) {
	name, err := c.P.Required("RoleName")
	if err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	r, getErr := svc.GetRole(c.Ctx, name)
	resource := r.ARN
	if getErr != nil || resource == "" {
		resource = c.iamARN("role", "/", name)
	}
	if err := c.Authorize("iam:GetRole", resource); err != nil {
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
