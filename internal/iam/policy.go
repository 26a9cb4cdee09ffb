package iam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Managed policy limits (reference_iam-quotas.html).
const (
	maxPolicyVersions = 5
	maxManagedSize    = 6144
)

type versionRec struct {
	ID       string    `json:"id"`
	Document string    `json:"document"`
	Created  time.Time `json:"created"`
}

type policyRec struct {
	Name         string       `json:"name"`
	Path         string       `json:"path"`
	ID           string       `json:"id"`
	Description  string       `json:"description,omitempty"`
	Default      string       `json:"default"`
	Versions     []versionRec `json:"versions"`
	NextVersion  int          `json:"nextVersion"`
	Attachments  int          `json:"attachments"`
	BoundaryUses int          `json:"boundaryUses"`
	Created      time.Time    `json:"created"`
	Updated      time.Time    `json:"updated"`
}

// ManagedPolicy describes a customer or AWS managed policy.
type ManagedPolicy struct {
	Name                          string
	Path                          string
	PolicyID                      string // ANPA…
	ARN                           string
	Description                   string
	DefaultVersionID              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	AWSManaged                    bool
	Created                       time.Time
	Updated                       time.Time
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID string
	Document  string
	IsDefault bool
	Created   time.Time
}

func (s *Service) policy(r *policyRec) ManagedPolicy {
	return ManagedPolicy{
		Name: r.Name, Path: r.Path, PolicyID: r.ID, ARN: s.iamARN("policy" + r.Path + r.Name),
		Description: r.Description, DefaultVersionID: r.Default, AttachmentCount: r.Attachments,
		PermissionsBoundaryUsageCount: r.BoundaryUses, IsAttachable: true, Created: r.Created, Updated: r.Updated,
	}
}

// policyARN is a parsed arn:aws:iam::{account}:policy{path}{name}.
type policyARN struct{ account, path, name string }

func parsePolicyARN(policy string) (policyARN, error) {
	a, err := arn.Parse(policy)
	pathName, ok := strings.CutPrefix(a.Resource, "policy/")
	acct := a.AccountID
	if err != nil || a.Partition != "aws" || a.Service != "iam" || a.Region != "" || !ok || acct == "" || pathName == "" || strings.HasSuffix(pathName, "/") {
		return policyARN{}, awserr.New(awserr.InvalidInput, "ARN %s is not valid.", policy)
	}
	i := strings.LastIndexByte(pathName, '/')
	return policyARN{account: acct, path: "/" + pathName[:i+1], name: pathName[i+1:]}, nil
}

// policyNameOf returns the name part of a policy ARN.
func policyNameOf(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// loadPolicy reads a customer managed policy by ARN; notFound words the miss.
func (s *Service) loadPolicy(ctx context.Context, r store.Reader, arn string, notFound func(string) error) (*policyRec, error) {
	p, err := parsePolicyARN(arn)
	if err != nil {
		return nil, err
	}
	if p.account != s.acct {
		return nil, notFound(arn)
	}
	rec, err := getJSON[policyRec](ctx, r, kindPolicy, lower(p.name), notFound(arn))
	if err != nil {
		return nil, err
	}
	if rec.Path != p.path || rec.Name != p.name {
		return nil, notFound(arn)
	}
	return rec, nil
}

// CreatePolicy creates a customer managed policy with version v1 as default.
func (s *Service) CreatePolicy(ctx context.Context, name, path, doc, description string) (ManagedPolicy, error) {
	if err := checkName("policyName", name, 128); err != nil {
		return ManagedPolicy{}, err
	}
	path, err := checkPath(path)
	if err != nil {
		return ManagedPolicy{}, err
	}
	if err := s.checkManagedDoc(doc); err != nil {
		return ManagedPolicy{}, err
	}
	now := s.clock()
	rec := &policyRec{
		Name: name, Path: path, ID: newPolicyID(), Description: description, Default: "v1",
		Versions: []versionRec{{ID: "v1", Document: doc, Created: now}}, NextVersion: 2,
		Created: now, Updated: now,
	}
	exists := awserr.New(awserr.EntityAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", name)
	if err := createJSON(ctx, s.st, kindPolicy, lower(name), rec, exists); err != nil {
		return ManagedPolicy{}, err
	}
	return s.policy(rec), nil
}

func (s *Service) checkManagedDoc(doc string) error {
	if policySize(doc) > maxManagedSize {
		return awserr.New(awserr.LimitExceeded, "Cannot exceed quota for PolicySize: %d", maxManagedSize)
	}
	if err := s.checkPolicy(doc); err != nil {
		return err
	}
	// Inline policies may omit Version (the 2008-10-17 language); managed
	// ones may not: CreatePolicy answers MalformedPolicyDocument (the
	// console says "A managed policy must have a version string").
	var v struct{ Version any }
	if json.Unmarshal([]byte(doc), &v) == nil && v.Version != "2012-10-17" {
		return awserr.New(awserr.MalformedPolicyDocument, "Policy document must be version 2012-10-17 or greater.")
	}
	return nil
}

// GetPolicy describes a customer or AWS managed policy.
func (s *Service) GetPolicy(ctx context.Context, arn string) (ManagedPolicy, error) {
	if p, ok := awsManaged(arn); ok {
		return s.withAWSUse(ctx, s.st, p.describe())
	}
	rec, err := s.loadPolicy(ctx, s.st, arn, policyNotFound)
	if err != nil {
		return ManagedPolicy{}, err
	}
	return s.policy(rec), nil
}

// ListPolicies lists managed policies; scope is "All" (or ""), "AWS" or "Local", as IAM's Scope.
func (s *Service) ListPolicies(ctx context.Context, scope string) ([]ManagedPolicy, error) {
	if scope != "" && scope != "All" && scope != "AWS" && scope != "Local" {
		return nil, validationError(scope, "scope", "must satisfy enum value set: [All, AWS, Local]")
	}
	out := []ManagedPolicy{}
	if scope != "Local" {
		uses, err := s.awsUses(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range awsPolicies() {
			d := p.describe()
			if u, ok := uses[d.ARN]; ok {
				d.AttachmentCount, d.PermissionsBoundaryUsageCount = u.Attachments, u.BoundaryUses
			}
			out = append(out, d)
		}
	}
	if scope == "AWS" {
		return out, nil
	}
	recs, err := listJSON[policyRec](ctx, s.st, kindPolicy, "")
	if err != nil {
		return nil, err
	}
	for i := range recs {
		out = append(out, s.policy(&recs[i]))
	}
	return out, nil
}

// DeletePolicy deletes a customer managed policy that is attached nowhere
// and has only its default version left.
func (s *Service) DeletePolicy(ctx context.Context, arn string) error {
	if err := s.rejectAWSManaged(arn); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.loadPolicy(ctx, tx, arn, policyNotFound)
		if err != nil {
			return err
		}
		if rec.Attachments > 0 || rec.BoundaryUses > 0 {
			return deleteConflict("Cannot delete a policy attached to entities.")
		}
		if len(rec.Versions) > 1 {
			return deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return tx.Delete(ctx, kindPolicy, lower(rec.Name))
	})
}

// rejectAWSManaged refuses changes to the embedded AWS managed policies.
func (s *Service) rejectAWSManaged(arn string) error {
	if _, ok := awsManaged(arn); ok {
		return awserr.New(awserr.AccessDenied, "Cannot modify an AWS managed policy: %s", arn)
	}
	return nil
}

// updatePolicy loads, changes and stores a customer managed policy in one transaction.
func (s *Service) updatePolicy(ctx context.Context, arn string, fn func(*policyRec) error) error {
	if err := s.rejectAWSManaged(arn); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.loadPolicy(ctx, tx, arn, policyNotFound)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
		return putJSON(ctx, tx, kindPolicy, lower(rec.Name), rec)
	})
}

// CreatePolicyVersion adds a version (at most five), optionally as default.
func (s *Service) CreatePolicyVersion(ctx context.Context, arn, doc string, setAsDefault bool) (PolicyVersion, error) {
	if err := s.checkManagedDoc(doc); err != nil {
		return PolicyVersion{}, err
	}
	var v versionRec
	err := s.updatePolicy(ctx, arn, func(rec *policyRec) error {
		if len(rec.Versions) >= maxPolicyVersions {
			return awserr.New(awserr.LimitExceeded, "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		v = versionRec{ID: fmt.Sprintf("v%d", rec.NextVersion), Document: doc, Created: s.clock()}
		rec.NextVersion++
		rec.Versions = append(rec.Versions, v)
		if setAsDefault {
			rec.Default = v.ID
		}
		rec.Updated = v.Created
		return nil
	})
	if err != nil {
		return PolicyVersion{}, err
	}
	return PolicyVersion{VersionID: v.ID, Document: v.Document, IsDefault: setAsDefault, Created: v.Created}, nil
}

func noSuchVersion(arn, id string) error {
	return awserr.New(awserr.NoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, id)
}

// GetPolicyVersion returns one version of a managed policy.
func (s *Service) GetPolicyVersion(ctx context.Context, arn, versionID string) (PolicyVersion, error) {
	versions, err := s.ListPolicyVersions(ctx, arn)
	if err != nil {
		return PolicyVersion{}, err
	}
	for _, v := range versions {
		if v.VersionID == versionID {
			return v, nil
		}
	}
	return PolicyVersion{}, noSuchVersion(arn, versionID)
}

// ListPolicyVersions returns a policy's versions, oldest first.
func (s *Service) ListPolicyVersions(ctx context.Context, arn string) ([]PolicyVersion, error) {
	if p, ok := awsManaged(arn); ok {
		return []PolicyVersion{{VersionID: p.version(), Document: p.document(), IsDefault: true, Created: p.Updated}}, nil
	}
	rec, err := s.loadPolicy(ctx, s.st, arn, policyNotFound)
	if err != nil {
		return nil, err
	}
	out := []PolicyVersion{}
	for _, v := range rec.Versions {
		out = append(out, PolicyVersion{VersionID: v.ID, Document: v.Document, IsDefault: v.ID == rec.Default, Created: v.Created})
	}
	return out, nil
}

// SetDefaultPolicyVersion makes versionID the policy's effective version.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, arn, versionID string) error {
	return s.updatePolicy(ctx, arn, func(rec *policyRec) error {
		if !slices.ContainsFunc(rec.Versions, func(v versionRec) bool { return v.ID == versionID }) {
			return noSuchVersion(arn, versionID)
		}
		rec.Default = versionID
		rec.Updated = s.clock()
		return nil
	})
}

// DeletePolicyVersion deletes a non-default version.
func (s *Service) DeletePolicyVersion(ctx context.Context, arn, versionID string) error {
	return s.updatePolicy(ctx, arn, func(rec *policyRec) error {
		i := slices.IndexFunc(rec.Versions, func(v versionRec) bool { return v.ID == versionID })
		if i < 0 {
			return noSuchVersion(arn, versionID)
		}
		if versionID == rec.Default {
			return deleteConflict("Cannot delete the default version of a policy.")
		}
		rec.Versions = slices.Delete(rec.Versions, i, i+1)
		return nil
	})
}

// policyDocument returns the default version's document of a managed
// policy, or notAttachable when it is gone.
func (s *Service) policyDocument(ctx context.Context, r store.Reader, arn string) (string, error) {
	if p, ok := awsManaged(arn); ok {
		if p.Deprecated {
			return "", notAttachable(arn)
		}
		return p.document(), nil
	}
	rec, err := s.loadPolicy(ctx, r, arn, notAttachable)
	if err != nil {
		return "", err
	}
	for _, v := range rec.Versions {
		if v.ID == rec.Default {
			return v.Document, nil
		}
	}
	return "", fmt.Errorf("iam: policy %s: default version %s missing", arn, rec.Default)
}

// policyForAttach checks that arn names an attachable policy.
func (s *Service) policyForAttach(ctx context.Context, r store.Reader, arn string) (string, error) {
	return s.policyDocument(ctx, r, arn)
}

// countUse adjusts a customer managed policy's attachment and boundary
// counters inside tx; AWS managed policies are counted in their own records.
func (s *Service) countUse(ctx context.Context, tx store.Tx, arn string, attachments, boundaries int) error {
	if _, ok := awsManaged(arn); ok {
		return countAWSUse(ctx, tx, arn, attachments, boundaries)
	}
	rec, err := s.loadPolicy(ctx, tx, arn, notAttachable)
	if awserr.Is(err, awserr.NoSuchEntity) && attachments <= 0 && boundaries <= 0 {
		return nil // decrementing a policy that no longer exists
	}
	if err != nil {
		return err
	}
	rec.Attachments = max(0, rec.Attachments+attachments)
	rec.BoundaryUses = max(0, rec.BoundaryUses+boundaries)
	return putJSON(ctx, tx, kindPolicy, lower(rec.Name), rec)
}

// setBoundary replaces *field with arn ("" clears it), keeping usage counts.
func (s *Service) setBoundary(ctx context.Context, tx store.Tx, field *string, arn string) error {
	if arn == *field {
		return nil
	}
	if arn != "" {
		if _, err := s.policyForAttach(ctx, tx, arn); err != nil {
			return err
		}
		if err := s.countUse(ctx, tx, arn, 0, +1); err != nil {
			return err
		}
	}
	if *field != "" {
		if err := s.countUse(ctx, tx, *field, 0, -1); err != nil {
			return err
		}
	}
	*field = arn
	return nil
}
