package iam

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

type userRec struct {
	Name     string            `json:"name"`
	Path     string            `json:"path"`
	ID       string            `json:"id"`
	Created  time.Time         `json:"created"`
	Tags     map[string]string `json:"tags,omitempty"`
	Boundary string            `json:"boundary,omitempty"` // managed policy ARN
	Groups   []string          `json:"groups,omitempty"`   // lower-cased group names
	Policies policySet         `json:"policies"`
}

// User is an IAM user as GetUser describes it.
type User struct {
	Name                string
	Path                string
	UserID              string // AIDA…
	ARN                 string
	Created             time.Time
	Tags                map[string]string
	PermissionsBoundary string // managed policy ARN, "" when none
}

func (s *Service) user(r *userRec) User {
	return User{
		Name: r.Name, Path: r.Path, UserID: r.ID, ARN: s.iamARN("user" + r.Path + r.Name),
		Created: r.Created, Tags: copyTags(r.Tags), PermissionsBoundary: r.Boundary,
	}
}

// CreateUser creates a user; path "" means "/".
// boundary, when set, is the user's permissions boundary from its first
// moment (CreateUser's PermissionsBoundary): the user and its boundary are
// written in one transaction, never an unbounded user first.
func (s *Service) CreateUser(ctx context.Context, name, path string, tags map[string]string, boundary string) (User, error) {
	if err := checkName("userName", name, 64); err != nil {
		return User{}, err
	}
	path, err := checkPath(path)
	if err != nil {
		return User{}, err
	}
	if err := checkTags("TagsPerUser", tags); err != nil {
		return User{}, err
	}
	rec := &userRec{Name: name, Path: path, ID: newUserID(), Created: s.clock(), Tags: copyTags(tags)}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		if boundary != "" {
			if err := s.setBoundary(ctx, tx, &rec.Boundary, boundary); err != nil {
				return err
			}
		}
		return createJSON(ctx, tx, kindUser, lower(name), rec, alreadyExists("User", name))
	})
	if err != nil {
		return User{}, err
	}
	return s.user(rec), nil
}

// GetUser returns the user called name (matched regardless of case).
func (s *Service) GetUser(ctx context.Context, name string) (User, error) {
	rec, err := users.load(ctx, s.st, name)
	if err != nil {
		return User{}, err
	}
	return s.user(rec), nil
}

// ListUsers returns the users whose path starts with pathPrefix ("" = all),
// ordered by name.
func (s *Service) ListUsers(ctx context.Context, pathPrefix string) ([]User, error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return nil, err
	}
	recs, err := listJSON[userRec](ctx, s.st, kindUser, "")
	if err != nil {
		return nil, err
	}
	out := []User{}
	for i := range recs {
		if strings.HasPrefix(recs[i].Path, prefix) {
			out = append(out, s.user(&recs[i]))
		}
	}
	return out, nil
}

// DeleteUser deletes a user that has no policies, access keys or group
// memberships left, failing with DeleteConflict as IAM does otherwise.
func (s *Service) DeleteUser(ctx context.Context, name string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := users.load(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := deleteBlockers(rec.Policies); err != nil {
			return err
		}
		keys, err := tx.List(ctx, kindUserKey, lower(rec.Name)+"/")
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return deleteConflict("Cannot delete entity, must delete access keys first.")
		}
		if len(rec.Groups) > 0 {
			return deleteConflict("Cannot delete entity, must remove user from all groups first.")
		}
		if rec.Boundary != "" {
			if err := s.countUse(ctx, tx, rec.Boundary, 0, -1); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, kindUser, lower(rec.Name))
	})
}

// PutUserPolicy adds or replaces the user's inline policy.
func (s *Service) PutUserPolicy(ctx context.Context, user, policyName, doc string) error {
	return putInline(ctx, s, users, user, policyName, doc)
}

// GetUserPolicy returns the user's inline policy document.
func (s *Service) GetUserPolicy(ctx context.Context, user, policyName string) (string, error) {
	return getInline(ctx, s, users, user, policyName)
}

// ListUserPolicies returns the names of the user's inline policies, sorted.
func (s *Service) ListUserPolicies(ctx context.Context, user string) ([]string, error) {
	return listInline(ctx, s, users, user)
}

// DeleteUserPolicy deletes the user's inline policy.
func (s *Service) DeleteUserPolicy(ctx context.Context, user, policyName string) error {
	return deleteInline(ctx, s, users, user, policyName)
}

// AttachUserPolicy attaches a managed policy to the user.
func (s *Service) AttachUserPolicy(ctx context.Context, user, policyARN string) error {
	return attach(ctx, s, users, user, policyARN)
}

// DetachUserPolicy detaches a managed policy from the user.
func (s *Service) DetachUserPolicy(ctx context.Context, user, policyARN string) error {
	return detach(ctx, s, users, user, policyARN)
}

// ListAttachedUserPolicies lists the user's managed policies in attach order.
func (s *Service) ListAttachedUserPolicies(ctx context.Context, user string) ([]AttachedPolicy, error) {
	return listAttached(ctx, s, users, user)
}

// PutUserPermissionsBoundary sets (or replaces) the user's permissions boundary.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, user, policyARN string) error {
	return users.update(ctx, s.st, user, func(tx store.Tx, rec *userRec) error {
		return s.setBoundary(ctx, tx, &rec.Boundary, policyARN)
	})
}

// DeleteUserPermissionsBoundary removes the user's permissions boundary.
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, user string) error {
	return users.update(ctx, s.st, user, func(tx store.Tx, rec *userRec) error {
		return s.setBoundary(ctx, tx, &rec.Boundary, "")
	})
}

// TagUser adds or overwrites tags on the user.
func (s *Service) TagUser(ctx context.Context, user string, tags map[string]string) error {
	return users.update(ctx, s.st, user, func(_ store.Tx, rec *userRec) error {
		merged := copyTags(rec.Tags)
		for k, v := range tags {
			merged[k] = v
		}
		if err := checkTags("TagsPerUser", merged); err != nil {
			return err
		}
		rec.Tags = merged
		return nil
	})
}

// UntagUser removes the tags with the given keys; absent keys are ignored.
func (s *Service) UntagUser(ctx context.Context, user string, keys []string) error {
	return users.update(ctx, s.st, user, func(_ store.Tx, rec *userRec) error {
		for _, k := range keys {
			delete(rec.Tags, k)
		}
		return nil
	})
}

// Tag is one key/value pair, in ListUserTags order.
type Tag struct{ Key, Value string }

// ListUserTags returns the user's tags sorted by key.
func (s *Service) ListUserTags(ctx context.Context, user string) ([]Tag, error) {
	rec, err := users.load(ctx, s.st, user)
	if err != nil {
		return nil, err
	}
	return sortedTags(rec.Tags), nil
}

func sortedTags(tags map[string]string) []Tag {
	out := make([]Tag, 0, len(tags))
	for k, v := range tags {
		out = append(out, Tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
