package iamapi

import (
	"context"
	"encoding/base64"
	"sort"
	"strconv"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

// iamAdminOps are the IAM operations beyond users and access keys: groups,
// inline and managed policies, roles, permissions boundaries, tags and the
// policy simulator. Each authorizes against the resource the Service
// Authorization Reference names for its action
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
var iamAdminOps = map[string]op{
	"CreateGroup":         iamCreateGroup,
	"GetGroup":            iamGetGroup,
	"ListGroups":          iamListGroups,
	"DeleteGroup":         iamDeleteGroup,
	"AddUserToGroup":      iamAddUserToGroup,
	"RemoveUserFromGroup": iamRemoveUserFromGroup,
	"ListGroupsForUser":   iamListGroupsForUser,

	"PutUserPolicy":     inlinePut(userInline),
	"GetUserPolicy":     inlineGet(userInline),
	"ListUserPolicies":  inlineList(userInline),
	"DeleteUserPolicy":  inlineDelete(userInline),
	"PutGroupPolicy":    inlinePut(groupInline),
	"GetGroupPolicy":    inlineGet(groupInline),
	"ListGroupPolicies": inlineList(groupInline),
	"DeleteGroupPolicy": inlineDelete(groupInline),
	"PutRolePolicy":     inlinePut(roleInline),
	"GetRolePolicy":     inlineGet(roleInline),
	"ListRolePolicies":  inlineList(roleInline),
	"DeleteRolePolicy":  inlineDelete(roleInline),

	"CreatePolicy":            iamCreatePolicy,
	"GetPolicy":               iamGetPolicy,
	"ListPolicies":            iamListPolicies,
	"DeletePolicy":            iamDeletePolicy,
	"CreatePolicyVersion":     iamCreatePolicyVersion,
	"GetPolicyVersion":        iamGetPolicyVersion,
	"ListPolicyVersions":      iamListPolicyVersions,
	"SetDefaultPolicyVersion": iamSetDefaultPolicyVersion,
	"DeletePolicyVersion":     iamDeletePolicyVersion,

	"AttachUserPolicy":          attachOp(userAttach),
	"DetachUserPolicy":          detachOp(userAttach),
	"ListAttachedUserPolicies":  listAttachedOp(userAttach),
	"AttachGroupPolicy":         attachOp(groupAttach),
	"DetachGroupPolicy":         detachOp(groupAttach),
	"ListAttachedGroupPolicies": listAttachedOp(groupAttach),
	"AttachRolePolicy":          attachOp(roleAttach),
	"DetachRolePolicy":          detachOp(roleAttach),
	"ListAttachedRolePolicies":  listAttachedOp(roleAttach),

	"CreateRole":                    iamCreateRole,
	"ListRoles":                     iamListRoles,
	"DeleteRole":                    iamDeleteRole,
	"UpdateAssumeRolePolicy":        iamUpdateAssumeRolePolicy,
	"PutRolePermissionsBoundary":    putBoundaryOp(roleKind),
	"DeleteRolePermissionsBoundary": deleteBoundaryOp(roleKind),
	"PutUserPermissionsBoundary":    putBoundaryOp(userKind),
	"DeleteUserPermissionsBoundary": deleteBoundaryOp(userKind),

	"TagUser":      tagOp(userKind),
	"UntagUser":    untagOp(userKind),
	"ListUserTags": listTagsOp(userKind),
	"TagRole":      tagOp(roleKind),
	"UntagRole":    untagOp(roleKind),
	"ListRoleTags": listTagsOp(roleKind),

	"SimulatePrincipalPolicy": iamSimulatePrincipalPolicy,
	"SimulateCustomPolicy":    iamSimulateCustomPolicy,
}

// entityKind is a user, group or role as the handlers address it: the ARN
// resource type, the request member naming it, and how to find its ARN.
type entityKind struct {
	label string // "user": arn:aws:iam::A:user/{path}{name}
	param string // "UserName"
	arn   func(ctx context.Context, svc IAM, name string) (string, error)
}

var (
	userKind = entityKind{"user", "UserName", func(ctx context.Context, svc IAM, name string) (string, error) {
		u, err := svc.GetUser(ctx, name)
		return u.ARN, err
	}}
	groupKind = entityKind{"group", "GroupName", func(ctx context.Context, svc IAM, name string) (string, error) {
		g, _, err := svc.GetGroup(ctx, name)
		return g.ARN, err
	}}
	roleKind = entityKind{"role", "RoleName", func(ctx context.Context, svc IAM, name string) (string, error) {
		r, err := svc.GetRole(ctx, name)
		return r.ARN, err
	}}
)

// authorizeEntity reads k's required name member and authorizes action on
// the entity's ARN, with its real path when it exists (a policy naming
// user/team/* must match). A missing entity is left for the domain call to
// report after authorization, so that a denied caller learns nothing.
// extra adds condition keys (iam:PolicyARN, aws:TagKeys, ...).
func (c *call) authorizeEntity(action string, k entityKind, extra map[string][]string) (IAM, string, error) {
	name, err := c.P.Required(k.param)
	if err != nil {
		return nil, "", err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, "", err
	}
	arn, getErr := k.arn(c.Ctx, svc, name)
	if getErr != nil || arn == "" {
		arn = c.iamARN(k.label, "/", name)
	}
	if err := c.AuthorizeReq(auth.Request{Action: action, Resource: arn, Context: extra}); err != nil {
		return nil, "", err
	}
	return svc, name, nil
}

// page is the tail of every IAM list result.
type page struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// Bounds of MaxItems (every IAM List* and Simulate* operation).
const (
	defaultMaxItems = 100
	maxMaxItems     = 1000
)

// pageOf applies the MaxItems and Marker members to items. The marker is
// opaque to clients, as IAM's is; here it encodes the next offset.
func pageOf[T any](c *call, items []T) ([]T, page, error) {
	n, err := c.P.Integer("MaxItems", defaultMaxItems)
	if err != nil {
		return nil, page{}, err
	}
	if n < 1 {
		return nil, page{}, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
	}
	if n > maxMaxItems {
		return nil, page{}, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", n)
	}
	lo := 0
	if m := c.P.Get("Marker"); m != "" {
		lo, err = decodeMarker(m)
		if err != nil || lo > len(items) {
			return nil, page{}, awserr.New(awserr.InvalidInput, "Invalid Marker.")
		}
	}
	hi := min(len(items), lo+n)
	pg := page{IsTruncated: hi < len(items)}
	if pg.IsTruncated {
		pg.Marker = base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(hi)))
	}
	return items[lo:hi], pg, nil
}

func decodeMarker(m string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || len(b) < 2 || b[0] != 'o' {
		return 0, awserr.New(awserr.InvalidInput, "Invalid Marker.")
	}
	n, err := strconv.Atoi(string(b[1:]))
	if err != nil || n < 0 {
		return 0, awserr.New(awserr.InvalidInput, "Invalid Marker.")
	}
	return n, nil
}

// iamBoundary is AttachedPermissionsBoundary.
type iamBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

func boundaryOf(arn string) *iamBoundary {
	if arn == "" {
		return nil
	}
	return &iamBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
}

// tagContext is the request context of a tagging action: aws:RequestTag/KEY
// for each tag set and aws:TagKeys for every key named
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html).
func tagContext(tags map[string]string, keys []string) map[string][]string {
	if len(tags) == 0 && len(keys) == 0 {
		return nil
	}
	ctx := map[string][]string{}
	for k, v := range tags {
		ctx["aws:RequestTag/"+k] = []string{v}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ctx["aws:TagKeys"] = keys
	return ctx
}
