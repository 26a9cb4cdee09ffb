package iam

import (
	"context"
	"sort"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// SourcePolicyType values, as IAM's policy simulator reports a matched
// statement's policy (API_Statement.html: user | group | role | aws-managed |
// user-managed | resource | none).
const (
	SourceUser        = "user"
	SourceGroup       = "group"
	SourceRole        = "role"
	SourceAWSManaged  = "aws-managed"
	SourceUserManaged = "user-managed"
)

// PolicySource is one policy of a simulated identity: the document under
// the name Principal gives it, plus the SourcePolicyId and SourcePolicyType
// the simulator reports for it (the inline policy's name, or the managed
// policy's name).
type PolicySource struct {
	PolicyDoc
	ID   string
	Type string
}

// PolicySources is what applies to a user, group or role: the principal
// (without session data or policies) and its policies, in evaluation order,
// each with what the simulator reports for it. It is the one builder of an
// identity's policy set: Principal takes its documents from it for a key or
// a session, iam:SimulatePrincipalPolicy for the entity.
type PolicySources struct {
	Principal Principal
	Identity  []PolicySource
	Boundary  *PolicySource
}

// principal is the Principal with its policy documents.
func (ps PolicySources) principal() Principal {
	p := ps.Principal
	for _, src := range ps.Identity {
		p.Identity = append(p.Identity, src.PolicyDoc)
	}
	if ps.Boundary != nil {
		b := ps.Boundary.PolicyDoc
		p.Boundary = &b
	}
	return p
}

// PolicySourcesFor resolves the PolicySourceArn of a simulation: a user
// (its policies, then each group's), a group (its own policies) or a role
// (its policies). Identity documents are the same, in the same order, as
// Principal builds for a key of that user or a session of that role. Any
// other ARN is InvalidInput; a missing entity is NoSuchEntity.
func (s *Service) PolicySourcesFor(ctx context.Context, arn string) (PolicySources, error) {
	kind, name, ok := s.entityOf(arn)
	if !ok {
		return PolicySources{}, awserr.New(awserr.InvalidInput, "Invalid ARN: %s", arn)
	}
	switch kind {
	case "user":
		u, err := users.load(ctx, s.st, name)
		if err != nil || s.iamARN("user"+u.Path+u.Name) != arn {
			return PolicySources{}, orNoSuch(err, "user", name)
		}
		return s.userSources(ctx, s.st, u)
	case "group":
		g, err := groups.load(ctx, s.st, name)
		if err != nil || s.iamARN("group"+g.Path+g.Name) != arn {
			return PolicySources{}, orNoSuch(err, "group", name)
		}
		ids, err := s.sources(ctx, s.st, "group/"+g.Name, SourceGroup, g.Policies)
		p := Principal{ARN: arn, AccountID: s.acct, Type: "Group", UserID: g.ID, Tags: map[string]string{}}
		return PolicySources{Principal: p, Identity: ids}, err
	default:
		r, err := roles.load(ctx, s.st, name)
		if err != nil || s.iamARN("role"+r.Path+r.Name) != arn {
			return PolicySources{}, orNoSuch(err, "role", name)
		}
		return s.roleSources(ctx, s.st, r)
	}
}

// entityOf splits arn:aws:iam::ACCOUNT:{user|group|role}{path}NAME.
func (s *Service) entityOf(entity string) (kind, name string, ok bool) {
	a, err := arn.Parse(entity)
	if err != nil || !s.ownIAM(a) {
		return "", "", false
	}
	kind, res, ok := strings.Cut(a.Resource, "/")
	if !ok || (kind != "user" && kind != "group" && kind != "role") {
		return "", "", false
	}
	name = res[strings.LastIndexByte(res, '/')+1:]
	return kind, name, name != ""
}

func orNoSuch(err error, label, name string) error {
	if err != nil {
		return err
	}
	return noSuchEntity(label, name) // the path in the ARN is not the entity's
}

func (s *Service) userSources(ctx context.Context, r store.Reader, u *userRec) (PolicySources, error) {
	p := Principal{ARN: s.iamARN("user" + u.Path + u.Name), AccountID: s.acct, Type: TypeUser,
		UserID: u.ID, Username: u.Name, Tags: copyTags(u.Tags)}
	out := PolicySources{Principal: p}
	ids, err := s.sources(ctx, r, "user/"+u.Name, SourceUser, u.Policies)
	if err != nil {
		return PolicySources{}, err
	}
	out.Identity = ids
	for _, g := range u.Groups {
		grp, err := getJSON[groupRec](ctx, r, kindGroup, g, nil)
		if err != nil || grp == nil {
			continue // a group deleted concurrently contributes nothing
		}
		ids, err := s.sources(ctx, r, "group/"+grp.Name, SourceGroup, grp.Policies)
		if err != nil {
			return PolicySources{}, err
		}
		out.Identity = append(out.Identity, ids...)
	}
	out.Boundary, err = s.boundarySource(ctx, r, u.Boundary)
	return out, err
}

func (s *Service) roleSources(ctx context.Context, r store.Reader, role *roleRec) (PolicySources, error) {
	arn := s.iamARN("role" + role.Path + role.Name)
	p := Principal{ARN: arn, AccountID: s.acct, Type: TypeAssumedRole, UserID: role.ID,
		Tags: copyTags(role.Tags), RoleARN: arn}
	ids, err := s.sources(ctx, r, "role/"+role.Name, SourceRole, role.Policies)
	if err != nil {
		return PolicySources{}, err
	}
	out := PolicySources{Principal: p, Identity: ids}
	out.Boundary, err = s.boundarySource(ctx, r, role.Boundary)
	return out, err
}

// sources lists an identity's inline policies (by name) then its attached
// managed policies (in attach order), with the simulator's id and type of
// each document.
func (s *Service) sources(ctx context.Context, r store.Reader, owner, inlineType string, ps policySet) ([]PolicySource, error) {
	names := make([]string, 0, len(ps.Inline))
	for n := range ps.Inline {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []PolicySource
	for _, n := range names {
		out = append(out, PolicySource{PolicyDoc: PolicyDoc{Name: owner + " inline " + n, Document: ps.Inline[n]},
			ID: n, Type: inlineType})
	}
	for _, arn := range ps.Attached {
		doc, err := s.policyDocument(ctx, r, arn)
		if err != nil {
			return nil, err
		}
		out = append(out, PolicySource{PolicyDoc: PolicyDoc{Name: owner + " attached " + arn, Document: doc},
			ID: policyNameOf(arn), Type: managedType(arn)})
	}
	return out, nil
}

func (s *Service) boundarySource(ctx context.Context, r store.Reader, arn string) (*PolicySource, error) {
	if arn == "" {
		return nil, nil
	}
	doc, err := s.policyDocument(ctx, r, arn)
	if err != nil {
		return nil, err
	}
	return &PolicySource{PolicyDoc: PolicyDoc{Name: "permissions boundary " + arn, Document: doc},
		ID: policyNameOf(arn), Type: managedType(arn)}, nil
}

func managedType(policy string) string {
	if _, ok := awsManaged(policy); ok {
		return SourceAWSManaged
	}
	if a, err := arn.Parse(policy); err == nil && a.Partition == "aws" && a.Service == "iam" && a.Region == "" && a.AccountID == "aws" {
		return SourceAWSManaged
	}
	return SourceUserManaged
}
