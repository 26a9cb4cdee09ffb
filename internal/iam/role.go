package iam

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/store"
)

// Role session duration bounds (CreateRole's MaxSessionDuration).
const (
	defaultMaxSession = time.Hour
	maxMaxSession     = 12 * time.Hour
)

type roleRec struct {
	Name        string            `json:"name"`
	Path        string            `json:"path"`
	ID          string            `json:"id"`
	Trust       string            `json:"trust"`
	Description string            `json:"description,omitempty"`
	MaxSession  time.Duration     `json:"maxSession"`
	Boundary    string            `json:"boundary,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Created     time.Time         `json:"created"`
	Policies    policySet         `json:"policies"`
}

// Role is an IAM role.
type Role struct {
	Name                string
	Path                string
	RoleID              string // AROA…
	ARN                 string
	AssumeRolePolicy    string // the trust policy document
	Description         string
	MaxSessionDuration  time.Duration
	PermissionsBoundary string
	Tags                map[string]string
	Created             time.Time
}

func (s *Service) role(r *roleRec) Role {
	return Role{
		Name: r.Name, Path: r.Path, RoleID: r.ID, ARN: s.iamARN("role" + r.Path + r.Name),
		AssumeRolePolicy: r.Trust, Description: r.Description, MaxSessionDuration: r.MaxSession,
		PermissionsBoundary: r.Boundary, Tags: copyTags(r.Tags), Created: r.Created,
	}
}

func checkMaxSession(d time.Duration) (time.Duration, error) {
	if d == 0 {
		return defaultMaxSession, nil
	}
	secs := int64(d / time.Second)
	if d < defaultMaxSession {
		return 0, validationError(fmt.Sprint(secs), "maxSessionDuration", "must have value greater than or equal to 3600")
	}
	if d > maxMaxSession {
		return 0, validationError(fmt.Sprint(secs), "maxSessionDuration", "must have value less than or equal to 43200")
	}
	return d.Truncate(time.Second), nil
}

// CreateRole creates a role with its trust policy. path "" means "/",
// maxSession 0 means one hour; boundary, when set, is a managed policy ARN.
func (s *Service) CreateRole(ctx context.Context, name, path, trustPolicy, description string, maxSession time.Duration, boundary string) (Role, error) {
	if err := checkName("roleName", name, 64); err != nil {
		return Role{}, err
	}
	path, err := checkPath(path)
	if err != nil {
		return Role{}, err
	}
	if utf8.RuneCountInString(description) > 1000 {
		return Role{}, validationError(description, "description", "must have length less than or equal to 1000")
	}
	if maxSession, err = checkMaxSession(maxSession); err != nil {
		return Role{}, err
	}
	if err := s.checkTrustPolicy(trustPolicy); err != nil {
		return Role{}, err
	}
	rec := &roleRec{
		Name: name, Path: path, ID: newRoleID(), Trust: trustPolicy, Description: description,
		MaxSession: maxSession, Created: s.clock(),
	}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		if boundary != "" {
			if err := s.setBoundary(ctx, tx, &rec.Boundary, boundary); err != nil {
				return err
			}
		}
		return createJSON(ctx, tx, kindRole, lower(name), rec, alreadyExists("Role", name))
	})
	if err != nil {
		return Role{}, err
	}
	return s.role(rec), nil
}

// GetRole returns the role called name.
func (s *Service) GetRole(ctx context.Context, name string) (Role, error) {
	rec, err := roles.load(ctx, s.st, name)
	if err != nil {
		return Role{}, err
	}
	return s.role(rec), nil
}

// ListRoles returns the roles whose path starts with pathPrefix ("" = all).
func (s *Service) ListRoles(ctx context.Context, pathPrefix string) ([]Role, error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return nil, err
	}
	recs, err := listJSON[roleRec](ctx, s.st, kindRole, "")
	if err != nil {
		return nil, err
	}
	out := []Role{}
	for i := range recs {
		if strings.HasPrefix(recs[i].Path, prefix) {
			out = append(out, s.role(&recs[i]))
		}
	}
	return out, nil
}

// DeleteRole deletes a role without policies. Its live sessions stop
// resolving (Principal fails), as on AWS where the role is gone.
func (s *Service) DeleteRole(ctx context.Context, name string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := roles.load(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := deleteBlockers(rec.Policies); err != nil {
			return err
		}
		if rec.Boundary != "" {
			if err := s.countUse(ctx, tx, rec.Boundary, 0, -1); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, kindRole, lower(rec.Name))
	})
}

// UpdateAssumeRolePolicy replaces the role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, name, trustPolicy string) error {
	if err := s.checkTrustPolicy(trustPolicy); err != nil {
		return err
	}
	return roles.update(ctx, s.st, name, func(_ store.Tx, rec *roleRec) error {
		rec.Trust = trustPolicy
		return nil
	})
}

// PutRolePolicy adds or replaces the role's inline policy.
func (s *Service) PutRolePolicy(ctx context.Context, role, policyName, doc string) error {
	return putInline(ctx, s, roles, role, policyName, doc)
}

// GetRolePolicy returns the role's inline policy document.
func (s *Service) GetRolePolicy(ctx context.Context, role, policyName string) (string, error) {
	return getInline(ctx, s, roles, role, policyName)
}

// ListRolePolicies returns the names of the role's inline policies, sorted.
func (s *Service) ListRolePolicies(ctx context.Context, role string) ([]string, error) {
	return listInline(ctx, s, roles, role)
}

// DeleteRolePolicy deletes the role's inline policy.
func (s *Service) DeleteRolePolicy(ctx context.Context, role, policyName string) error {
	return deleteInline(ctx, s, roles, role, policyName)
}

// AttachRolePolicy attaches a managed policy to the role.
func (s *Service) AttachRolePolicy(ctx context.Context, role, policyARN string) error {
	return attach(ctx, s, roles, role, policyARN)
}

// DetachRolePolicy detaches a managed policy from the role.
func (s *Service) DetachRolePolicy(ctx context.Context, role, policyARN string) error {
	return detach(ctx, s, roles, role, policyARN)
}

// ListAttachedRolePolicies lists the role's managed policies in attach order.
func (s *Service) ListAttachedRolePolicies(ctx context.Context, role string) ([]AttachedPolicy, error) {
	return listAttached(ctx, s, roles, role)
}

// PutRolePermissionsBoundary sets (or replaces) the role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, role, policyARN string) error {
	return roles.update(ctx, s.st, role, func(tx store.Tx, rec *roleRec) error {
		return s.setBoundary(ctx, tx, &rec.Boundary, policyARN)
	})
}

// DeleteRolePermissionsBoundary removes the role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, role string) error {
	return roles.update(ctx, s.st, role, func(tx store.Tx, rec *roleRec) error {
		return s.setBoundary(ctx, tx, &rec.Boundary, "")
	})
}

// TagRole adds or overwrites tags on the role.
func (s *Service) TagRole(ctx context.Context, role string, tags map[string]string) error {
	return roles.update(ctx, s.st, role, func(_ store.Tx, rec *roleRec) error {
		merged := copyTags(rec.Tags)
		for k, v := range tags {
			merged[k] = v
		}
		if err := checkTags("TagsPerRole", merged); err != nil {
			return err
		}
		rec.Tags = merged
		return nil
	})
}

// UntagRole removes the tags with the given keys; absent keys are ignored.
func (s *Service) UntagRole(ctx context.Context, role string, keys []string) error {
	return roles.update(ctx, s.st, role, func(_ store.Tx, rec *roleRec) error {
		for _, k := range keys {
			delete(rec.Tags, k)
		}
		return nil
	})
}

// ListRoleTags returns the role's tags sorted by key.
func (s *Service) ListRoleTags(ctx context.Context, role string) ([]Tag, error) {
	rec, err := roles.load(ctx, s.st, role)
	if err != nil {
		return nil, err
	}
	return sortedTags(rec.Tags), nil
}
