package iam

import (
	"context"
	"slices"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// policySet is what users, groups and roles hold: inline documents by name
// and attached managed policy ARNs in attach order.
type policySet struct {
	Inline   map[string]string `json:"inline,omitempty"`
	Attached []string          `json:"attached,omitempty"`
}

// entity describes one identity kind (user, group, role) for the operations
// they share: inline policies, attachments, lookups.
type entity[T any] struct {
	kind      string
	label     string // "user", as in "The user with name X cannot be found."
	field     string // "userName", as in validation errors
	maxName   int
	inlineMax int // aggregate inline policy size limit, non-whitespace characters
	policies  func(*T) *policySet
	name      func(*T) string
}

var (
	users = entity[userRec]{kindUser, "user", "userName", 64, 2048,
		func(r *userRec) *policySet { return &r.Policies }, func(r *userRec) string { return r.Name }}
	groups = entity[groupRec]{kindGroup, "group", "groupName", 128, 5120,
		func(r *groupRec) *policySet { return &r.Policies }, func(r *groupRec) string { return r.Name }}
	roles = entity[roleRec]{kindRole, "role", "roleName", 64, 10240,
		func(r *roleRec) *policySet { return &r.Policies }, func(r *roleRec) string { return r.Name }}
)

// load reads the entity called name, or NoSuchEntity.
func (e entity[T]) load(ctx context.Context, r store.Reader, name string) (*T, error) {
	if err := checkName(e.field, name, e.maxName); err != nil {
		return nil, err
	}
	return getJSON[T](ctx, r, e.kind, lower(name), noSuchEntity(e.label, name))
}

// update loads, changes and stores the entity in one transaction.
func (e entity[T]) update(ctx context.Context, st store.Store, name string, fn func(tx store.Tx, rec *T) error) error {
	return st.Update(ctx, func(tx store.Tx) error {
		rec, err := e.load(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := fn(tx, rec); err != nil {
			return err
		}
		return putJSON(ctx, tx, e.kind, lower(e.name(rec)), rec)
	})
}

// policySize counts a document's characters as IAM's quotas do: whitespace
// is not counted (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func putInline[T any](ctx context.Context, s *Service, e entity[T], name, policy, doc string) error {
	if err := checkName("policyName", policy, 128); err != nil {
		return err
	}
	if err := s.checkPolicy(doc); err != nil {
		return err
	}
	return e.update(ctx, s.st, name, func(_ store.Tx, rec *T) error {
		ps := e.policies(rec)
		if ps.Inline == nil {
			ps.Inline = map[string]string{}
		}
		ps.Inline[policy] = doc
		total := 0
		for _, d := range ps.Inline {
			total += policySize(d)
		}
		if total > e.inlineMax {
			return awserr.New(awserr.LimitExceeded, "Maximum policy size of %d bytes exceeded for %s %s", e.inlineMax, e.label, e.name(rec))
		}
		return nil
	})
}

func getInline[T any](ctx context.Context, s *Service, e entity[T], name, policy string) (string, error) {
	if err := checkName("policyName", policy, 128); err != nil {
		return "", err
	}
	rec, err := e.load(ctx, s.st, name)
	if err != nil {
		return "", err
	}
	doc, ok := e.policies(rec).Inline[policy]
	if !ok {
		return "", noSuchInline(e.label, policy)
	}
	return doc, nil
}

func listInline[T any](ctx context.Context, s *Service, e entity[T], name string) ([]string, error) {
	rec, err := e.load(ctx, s.st, name)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(e.policies(rec).Inline))
	for n := range e.policies(rec).Inline {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func deleteInline[T any](ctx context.Context, s *Service, e entity[T], name, policy string) error {
	if err := checkName("policyName", policy, 128); err != nil {
		return err
	}
	return e.update(ctx, s.st, name, func(_ store.Tx, rec *T) error {
		ps := e.policies(rec)
		if _, ok := ps.Inline[policy]; !ok {
			return noSuchInline(e.label, policy)
		}
		delete(ps.Inline, policy)
		return nil
	})
}

// attach adds a managed policy to the entity and counts the attachment on
// customer managed policies, in one transaction. Attaching twice is a no-op,
// as in IAM.
func attach[T any](ctx context.Context, s *Service, e entity[T], name, arn string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := e.load(ctx, tx, name)
		if err != nil {
			return err
		}
		if _, err := s.policyForAttach(ctx, tx, arn); err != nil {
			return err
		}
		ps := e.policies(rec)
		if slices.Contains(ps.Attached, arn) {
			return nil
		}
		ps.Attached = append(ps.Attached, arn)
		if err := s.countUse(ctx, tx, arn, +1, 0); err != nil {
			return err
		}
		return putJSON(ctx, tx, e.kind, lower(e.name(rec)), rec)
	})
}

func detach[T any](ctx context.Context, s *Service, e entity[T], name, arn string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := e.load(ctx, tx, name)
		if err != nil {
			return err
		}
		ps := e.policies(rec)
		i := slices.Index(ps.Attached, arn)
		if i < 0 {
			return policyNotFound(arn)
		}
		ps.Attached = slices.Delete(ps.Attached, i, i+1)
		if err := s.countUse(ctx, tx, arn, -1, 0); err != nil {
			return err
		}
		return putJSON(ctx, tx, e.kind, lower(e.name(rec)), rec)
	})
}

// AttachedPolicy names a managed policy attached to an identity.
type AttachedPolicy struct {
	PolicyName string
	PolicyARN  string
}

func listAttached[T any](ctx context.Context, s *Service, e entity[T], name string) ([]AttachedPolicy, error) {
	rec, err := e.load(ctx, s.st, name)
	if err != nil {
		return nil, err
	}
	out := []AttachedPolicy{}
	for _, arn := range e.policies(rec).Attached {
		out = append(out, AttachedPolicy{PolicyName: policyNameOf(arn), PolicyARN: arn})
	}
	return out, nil
}

// deleteBlockers returns IAM's DeleteConflict for an entity that still has
// policies: inline policies are reported before attached ones.
func deleteBlockers(ps policySet) error {
	if len(ps.Inline) > 0 {
		return deleteConflict("Cannot delete entity, must delete policies first.")
	}
	if len(ps.Attached) > 0 {
		return deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	return nil
}

// copyTags returns a fresh, non-nil copy of tags.
func copyTags(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// checkTags applies IAM's tag limits: 50 per entity, keys 1-128 and values
// 0-256 characters. quota is "TagsPerUser" or "TagsPerRole".
func checkTags(quota string, tags map[string]string) error {
	if len(tags) > 50 {
		return awserr.New(awserr.LimitExceeded, "Cannot exceed quota for %s: 50", quota)
	}
	for k, v := range tags {
		switch n := utf8.RuneCountInString(k); {
		case n < 1:
			return validationError(k, "tags.1.member.key", "must have length greater than or equal to 1")
		case n > 128:
			return validationError(k, "tags.1.member.key", "must have length less than or equal to 128")
		}
		if utf8.RuneCountInString(v) > 256 {
			return validationError(v, "tags.1.member.value", "must have length less than or equal to 256")
		}
	}
	return nil
}
