package iamapi

import (
	"context"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/query"
)

// Managed policies, their versions and their attachments.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html,
// API_PolicyVersion.html, API_AttachedPolicy.html.

type iamPolicy struct {
	PolicyName                    string
	PolicyID                      string `xml:"PolicyId"`
	ARN                           string `xml:"Arn"`
	Path                          string
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"` // GetPolicy and CreatePolicy only
	CreateDate                    query.ISOTime
	UpdateDate                    query.ISOTime
}

func toIAMPolicy(p ManagedPolicy) iamPolicy {
	return iamPolicy{PolicyName: p.Name, PolicyID: p.PolicyID, ARN: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersionID,
		AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount,
		IsAttachable: p.IsAttachable, Description: p.Description, CreateDate: query.ISOTime(p.Created), UpdateDate: query.ISOTime(p.Updated)}
}

type iamPolicyVersion struct {
	Document         string `xml:",omitempty"` // not in ListPolicyVersions
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool
	CreateDate       query.ISOTime
}

func toIAMVersion(v PolicyVersion) iamPolicyVersion {
	return iamPolicyVersion{Document: policyEscape(v.Document), VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: query.ISOTime(v.Created)}
}

func iamCreatePolicy(c *call) (any, error) {
	name, err := c.P.Required("PolicyName")
	if err != nil {
		return nil, err
	}
	doc, err := c.P.Required("PolicyDocument")
	if err != nil {
		return nil, err
	}
	path := c.P.Get("Path")
	if path == "" {
		path = "/"
	}
	if err := c.Authorize("iam:CreatePolicy", c.iamARN("policy", path, name)); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	p, err := svc.CreatePolicy(c.Ctx, name, path, doc, c.P.Get("Description"))
	if err != nil {
		return nil, err
	}
	return struct{ Policy iamPolicy }{toIAMPolicy(p)}, nil
}

// policyOp reads PolicyArn and authorizes action on it.
func policyOp(c *call, action string) (IAM, string, error) {
	arn, err := c.P.Required("PolicyArn")
	if err != nil {
		return nil, "", err
	}
	if err := c.Authorize(action, arn); err != nil {
		return nil, "", err
	}
	svc, err := c.iam()
	return svc, arn, err
}

func iamGetPolicy(c *call) (any, error) {
	svc, arn, err := policyOp(c, "iam:GetPolicy")
	if err != nil {
		return nil, err
	}
	p, err := svc.GetPolicy(c.Ctx, arn)
	if err != nil {
		return nil, err
	}
	return struct{ Policy iamPolicy }{toIAMPolicy(p)}, nil
}

func iamListPolicies(c *call) (any, error) {
	if err := c.Authorize("iam:ListPolicies", "*"); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	all, err := svc.ListPolicies(c.Ctx, c.P.Get("Scope"))
	if err != nil {
		return nil, err
	}
	prefix, onlyAttached := c.P.Get("PathPrefix"), c.P.Boolean("OnlyAttached", false)
	var ps []ManagedPolicy
	for _, p := range all {
		if strings.HasPrefix(p.Path, prefix) && (!onlyAttached || p.AttachmentCount > 0) {
			ps = append(ps, p)
		}
	}
	ps, pg, err := pageOf(c, ps)
	if err != nil {
		return nil, err
	}
	out := struct {
		Policies query.Members[iamPolicy]
		page
	}{Policies: query.Members[iamPolicy]{}, page: pg}
	for _, p := range ps {
		ip := toIAMPolicy(p)
		ip.Description = "" // ListPolicies does not return descriptions
		out.Policies = append(out.Policies, ip)
	}
	return out, nil
}

func iamDeletePolicy(c *call) (any, error) {
	svc, arn, err := policyOp(c, "iam:DeletePolicy")
	if err != nil {
		return nil, err
	}
	return nil, svc.DeletePolicy(c.Ctx, arn)
}

func iamCreatePolicyVersion(c *call) (any, error) {
	doc, err := c.P.Required("PolicyDocument")
	if err != nil {
		return nil, err
	}
	svc, arn, err := policyOp(c, "iam:CreatePolicyVersion")
	if err != nil {
		return nil, err
	}
	v, err := svc.CreatePolicyVersion(c.Ctx, arn, doc, c.P.Boolean("SetAsDefault", false))
	if err != nil {
		return nil, err
	}
	iv := toIAMVersion(v)
	iv.Document = "" // CreatePolicyVersion does not echo the document
	return struct{ PolicyVersion iamPolicyVersion }{iv}, nil
}

func iamGetPolicyVersion(c *call) (any, error) {
	id, err := c.P.Required("VersionId")
	if err != nil {
		return nil, err
	}
	svc, arn, err := policyOp(c, "iam:GetPolicyVersion")
	if err != nil {
		return nil, err
	}
	v, err := svc.GetPolicyVersion(c.Ctx, arn, id)
	if err != nil {
		return nil, err
	}
	return struct{ PolicyVersion iamPolicyVersion }{toIAMVersion(v)}, nil
}

func iamListPolicyVersions(c *call) (any, error) {
	svc, arn, err := policyOp(c, "iam:ListPolicyVersions")
	if err != nil {
		return nil, err
	}
	vs, err := svc.ListPolicyVersions(c.Ctx, arn)
	if err != nil {
		return nil, err
	}
	vs, pg, err := pageOf(c, vs)
	if err != nil {
		return nil, err
	}
	out := struct {
		Versions query.Members[iamPolicyVersion]
		page
	}{Versions: query.Members[iamPolicyVersion]{}, page: pg}
	for _, v := range vs {
		iv := toIAMVersion(v)
		iv.Document = ""
		out.Versions = append(out.Versions, iv)
	}
	return out, nil
}

func iamSetDefaultPolicyVersion(c *call) (any, error) {
	id, err := c.P.Required("VersionId")
	if err != nil {
		return nil, err
	}
	svc, arn, err := policyOp(c, "iam:SetDefaultPolicyVersion")
	if err != nil {
		return nil, err
	}
	return nil, svc.SetDefaultPolicyVersion(c.Ctx, arn, id)
}

func iamDeletePolicyVersion(c *call) (any, error) {
	id, err := c.P.Required("VersionId")
	if err != nil {
		return nil, err
	}
	svc, arn, err := policyOp(c, "iam:DeletePolicyVersion")
	if err != nil {
		return nil, err
	}
	return nil, svc.DeletePolicyVersion(c.Ctx, arn, id)
}

// attachKind binds an entity kind to its attachment calls.
type attachKind struct {
	entityKind
	action string // "User": iam:AttachUserPolicy, ...
	attach func(IAM, context.Context, string, string) error
	detach func(IAM, context.Context, string, string) error
	list   func(IAM, context.Context, string) ([]AttachedPolicy, error)
}

var (
	userAttach  = attachKind{userKind, "User", IAM.AttachUserPolicy, IAM.DetachUserPolicy, IAM.ListAttachedUserPolicies}
	groupAttach = attachKind{groupKind, "Group", IAM.AttachGroupPolicy, IAM.DetachGroupPolicy, IAM.ListAttachedGroupPolicies}
	roleAttach  = attachKind{roleKind, "Role", IAM.AttachRolePolicy, IAM.DetachRolePolicy, IAM.ListAttachedRolePolicies}
)

// policyARNContext is the iam:PolicyARN condition key that Attach* and
// Detach* carry, so that a policy can limit which policies may be attached.
func policyARNContext(arn string) map[string][]string {
	return map[string][]string{"iam:PolicyARN": {arn}}
}

func attachOp(k attachKind) op {
	return func(c *call) (any, error) {
		arn, err := c.P.Required("PolicyArn")
		if err != nil {
			return nil, err
		}
		svc, name, err := c.authorizeEntity("iam:Attach"+k.action+"Policy", k.entityKind, policyARNContext(arn))
		if err != nil {
			return nil, err
		}
		return nil, k.attach(svc, c.Ctx, name, arn)
	}
}

func detachOp(k attachKind) op {
	return func(c *call) (any, error) {
		arn, err := c.P.Required("PolicyArn")
		if err != nil {
			return nil, err
		}
		svc, name, err := c.authorizeEntity("iam:Detach"+k.action+"Policy", k.entityKind, policyARNContext(arn))
		if err != nil {
			return nil, err
		}
		return nil, k.detach(svc, c.Ctx, name, arn)
	}
}

type iamAttached struct {
	PolicyName string
	PolicyArn  string
}

func listAttachedOp(k attachKind) op {
	return func(c *call) (any, error) {
		svc, name, err := c.authorizeEntity("iam:ListAttached"+k.action+"Policies", k.entityKind, nil)
		if err != nil {
			return nil, err
		}
		all, err := k.list(svc, c.Ctx, name)
		if err != nil {
			return nil, err
		}
		prefix := c.P.Get("PathPrefix")
		var ps []AttachedPolicy
		for _, p := range all {
			if prefix == "" || strings.HasPrefix(policyPathOf(p.PolicyARN), prefix) {
				ps = append(ps, p)
			}
		}
		ps, pg, err := pageOf(c, ps)
		if err != nil {
			return nil, err
		}
		out := struct {
			AttachedPolicies query.Members[iamAttached]
			page
		}{AttachedPolicies: query.Members[iamAttached]{}, page: pg}
		for _, p := range ps {
			out.AttachedPolicies = append(out.AttachedPolicies, iamAttached{p.PolicyName, p.PolicyARN})
		}
		return out, nil
	}
}

// policyPathOf returns the path of arn:aws:iam::A:policy{path}{name}.
func policyPathOf(arn string) string {
	_, res, ok := strings.Cut(arn, ":policy/")
	if !ok {
		return ""
	}
	return "/" + res[:strings.LastIndexByte(res, '/')+1]
}

// requireARN is InvalidInput for a member that must be an ARN.
func requireARN(v string) error {
	if !strings.HasPrefix(v, "arn:") {
		return awserr.New(awserr.InvalidInput, "ARN %s is not valid.", v)
	}
	return nil
}
