package iam

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

type groupRec struct {
	Name     string    `json:"name"`
	Path     string    `json:"path"`
	ID       string    `json:"id"`
	Created  time.Time `json:"created"`
	Policies policySet `json:"policies"`
}

// Group is an IAM group.
type Group struct {
	Name    string
	Path    string
	GroupID string // AGPA…
	ARN     string
	Created time.Time
}

func (s *Service) group(r *groupRec) Group {
	return Group{Name: r.Name, Path: r.Path, GroupID: r.ID, ARN: s.iamARN("group" + r.Path + r.Name), Created: r.Created}
}

// CreateGroup creates a group; path "" means "/".
func (s *Service) CreateGroup(ctx context.Context, name, path string) (Group, error) {
	if err := checkName("groupName", name, 128); err != nil {
		return Group{}, err
	}
	path, err := checkPath(path)
	if err != nil {
		return Group{}, err
	}
	rec := &groupRec{Name: name, Path: path, ID: newGroupID(), Created: s.clock()}
	if err := createJSON(ctx, s.st, kindGroup, lower(name), rec, alreadyExists("Group", name)); err != nil {
		return Group{}, err
	}
	return s.group(rec), nil
}

// GetGroup returns the group and its members, ordered by user name.
func (s *Service) GetGroup(ctx context.Context, name string) (Group, []User, error) {
	rec, err := groups.load(ctx, s.st, name)
	if err != nil {
		return Group{}, nil, err
	}
	members, err := s.members(ctx, s.st, rec.Name)
	if err != nil {
		return Group{}, nil, err
	}
	out := []User{}
	for i := range members {
		out = append(out, s.user(&members[i]))
	}
	return s.group(rec), out, nil
}

// ListGroups returns the groups whose path starts with pathPrefix ("" = all).
func (s *Service) ListGroups(ctx context.Context, pathPrefix string) ([]Group, error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return nil, err
	}
	recs, err := listJSON[groupRec](ctx, s.st, kindGroup, "")
	if err != nil {
		return nil, err
	}
	out := []Group{}
	for i := range recs {
		if strings.HasPrefix(recs[i].Path, prefix) {
			out = append(out, s.group(&recs[i]))
		}
	}
	return out, nil
}

// members scans users for the group; membership lives on the user record
// only, so there is one source of truth.
func (s *Service) members(ctx context.Context, r store.Reader, group string) ([]userRec, error) {
	all, err := listJSON[userRec](ctx, r, kindUser, "")
	if err != nil {
		return nil, err
	}
	var out []userRec
	for _, u := range all {
		if slices.Contains(u.Groups, lower(group)) {
			out = append(out, u)
		}
	}
	return out, nil
}

// DeleteGroup deletes a group without members or policies.
func (s *Service) DeleteGroup(ctx context.Context, name string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := groups.load(ctx, tx, name)
		if err != nil {
			return err
		}
		members, err := s.members(ctx, tx, rec.Name)
		if err != nil {
			return err
		}
		if len(members) > 0 {
			return deleteConflict("Cannot delete entity, must remove users from group first.")
		}
		if err := deleteBlockers(rec.Policies); err != nil {
			return err
		}
		return tx.Delete(ctx, kindGroup, lower(rec.Name))
	})
}

// AddUserToGroup adds the user to the group; adding twice is a no-op.
func (s *Service) AddUserToGroup(ctx context.Context, group, user string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		g, err := groups.load(ctx, tx, group)
		if err != nil {
			return err
		}
		u, err := users.load(ctx, tx, user)
		if err != nil {
			return err
		}
		if slices.Contains(u.Groups, lower(g.Name)) {
			return nil
		}
		u.Groups = append(u.Groups, lower(g.Name))
		return putJSON(ctx, tx, kindUser, lower(u.Name), u)
	})
}

// RemoveUserFromGroup removes the user from the group.
func (s *Service) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		g, err := groups.load(ctx, tx, group)
		if err != nil {
			return err
		}
		u, err := users.load(ctx, tx, user)
		if err != nil {
			return err
		}
		i := slices.Index(u.Groups, lower(g.Name))
		if i < 0 {
			return noSuchEntity("user", user)
		}
		u.Groups = slices.Delete(u.Groups, i, i+1)
		return putJSON(ctx, tx, kindUser, lower(u.Name), u)
	})
}

// ListGroupsForUser returns the user's groups in the order they were joined.
func (s *Service) ListGroupsForUser(ctx context.Context, user string) ([]Group, error) {
	u, err := users.load(ctx, s.st, user)
	if err != nil {
		return nil, err
	}
	out := []Group{}
	for _, name := range u.Groups {
		g, err := getJSON[groupRec](ctx, s.st, kindGroup, name, noSuchEntity("group", name))
		if err != nil {
			return nil, err
		}
		out = append(out, s.group(g))
	}
	return out, nil
}

// PutGroupPolicy adds or replaces the group's inline policy.
func (s *Service) PutGroupPolicy(ctx context.Context, group, policyName, doc string) error {
	return putInline(ctx, s, groups, group, policyName, doc)
}

// GetGroupPolicy returns the group's inline policy document.
func (s *Service) GetGroupPolicy(ctx context.Context, group, policyName string) (string, error) {
	return getInline(ctx, s, groups, group, policyName)
}

// ListGroupPolicies returns the names of the group's inline policies, sorted.
func (s *Service) ListGroupPolicies(ctx context.Context, group string) ([]string, error) {
	return listInline(ctx, s, groups, group)
}

// DeleteGroupPolicy deletes the group's inline policy.
func (s *Service) DeleteGroupPolicy(ctx context.Context, group, policyName string) error {
	return deleteInline(ctx, s, groups, group, policyName)
}

// AttachGroupPolicy attaches a managed policy to the group.
func (s *Service) AttachGroupPolicy(ctx context.Context, group, policyARN string) error {
	return attach(ctx, s, groups, group, policyARN)
}

// DetachGroupPolicy detaches a managed policy from the group.
func (s *Service) DetachGroupPolicy(ctx context.Context, group, policyARN string) error {
	return detach(ctx, s, groups, group, policyARN)
}

// ListAttachedGroupPolicies lists the group's managed policies in attach order.
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, group string) ([]AttachedPolicy, error) {
	return listAttached(ctx, s, groups, group)
}
