package iam

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
)

// Access key statuses, as IAM spells them.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

const maxKeysPerUser = 2

type keyRec struct {
	ID      string    `json:"id"`
	User    string    `json:"user,omitempty"` // user name as created; "" for root
	Root    bool      `json:"root,omitempty"`
	Status  string    `json:"status"`
	Created time.Time `json:"created"`
	Sealed  []byte    `json:"sealed"` // the secret, sealed with the key id as AAD
}

type rootRec struct {
	AccessKeyID string `json:"accessKeyId"`
}

// AccessKey is a new access key with its secret; only CreateAccessKey and
// EnsureRootKey return one.
type AccessKey struct {
	AccessKeyID string
	Secret      seal.Secret
	UserName    string // "" for the root key
	Status      string
	Created     time.Time
}

// AccessKeyMeta describes an access key without its secret.
type AccessKeyMeta struct {
	AccessKeyID string
	UserName    string
	Status      string
	Created     time.Time
}

// KeyInfo is what signature verification needs about an access key. It
// mirrors sigv4's key type without importing it. Secret and SessionToken are
// plaintext: keep KeyInfo out of logs (its LogValue redacts them).
type KeyInfo struct {
	AccessKeyID  string
	Secret       string
	SessionToken string    // "" for long-term keys
	Expires      time.Time // zero for long-term keys
	Active       bool
}

// LogValue keeps the secret and token out of slog output.
func (k KeyInfo) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", k.AccessKeyID), slog.Bool("active", k.Active),
		slog.Time("expires", k.Expires))
}

func noSuchKey(id string) error {
	return awserr.New(awserr.NoSuchEntity, "The Access Key with id %s cannot be found.", id)
}

// invalidToken is STS's and the gateway's answer for an unknown key id.
func invalidToken() error {
	return awserr.New(awserr.InvalidClientTokenID, "The security token included in the request is invalid.")
}

// newKey builds a sealed key record and the AccessKey to hand out once.
func (s *Service) newKey(user string, root bool) (*keyRec, AccessKey, error) {
	id, secret := newKeyID(), newSecret()
	sealed, err := s.sealer.Seal([]byte(secret), []byte(id))
	if err != nil {
		return nil, AccessKey{}, fmt.Errorf("iam: seal: %w", err)
	}
	rec := &keyRec{ID: id, User: user, Root: root, Status: StatusActive, Created: s.clock(), Sealed: sealed}
	return rec, AccessKey{AccessKeyID: id, Secret: seal.Secret(secret), UserName: user, Status: StatusActive, Created: rec.Created}, nil
}

// CreateAccessKey creates an active key for user; IAM allows two per user.
func (s *Service) CreateAccessKey(ctx context.Context, user string) (AccessKey, error) {
	var out AccessKey
	err := s.st.Update(ctx, func(tx store.Tx) error {
		u, err := users.load(ctx, tx, user)
		if err != nil {
			return err
		}
		existing, err := tx.List(ctx, kindUserKey, lower(u.Name)+"/")
		if err != nil {
			return err
		}
		if len(existing) >= maxKeysPerUser {
			return awserr.New(awserr.LimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		rec, key, err := s.newKey(u.Name, false)
		if err != nil {
			return err
		}
		if err := createJSON(ctx, tx, kindKey, rec.ID, rec, fmt.Errorf("iam: access key id %s collided", rec.ID)); err != nil {
			return err
		}
		out = key
		return tx.Put(ctx, kindUserKey, lower(u.Name)+"/"+rec.ID, []byte{})
	})
	return out, err
}

// userKey loads a key and checks that it belongs to user.
func (s *Service) userKey(ctx context.Context, r store.Reader, user, keyID string) (*userRec, *keyRec, error) {
	u, err := users.load(ctx, r, user)
	if err != nil {
		return nil, nil, err
	}
	k, err := getJSON[keyRec](ctx, r, kindKey, keyID, noSuchKey(keyID))
	if err != nil {
		return nil, nil, err
	}
	if k.Root || lower(k.User) != lower(u.Name) {
		return nil, nil, noSuchKey(keyID)
	}
	return u, k, nil
}

// ListAccessKeys lists the user's keys, without secrets, oldest first.
func (s *Service) ListAccessKeys(ctx context.Context, user string) ([]AccessKeyMeta, error) {
	u, err := users.load(ctx, s.st, user)
	if err != nil {
		return nil, err
	}
	idx, err := s.st.List(ctx, kindUserKey, lower(u.Name)+"/")
	if err != nil {
		return nil, err
	}
	out := []AccessKeyMeta{}
	for _, it := range idx {
		id := strings.TrimPrefix(it.Key, lower(u.Name)+"/")
		k, err := getJSON[keyRec](ctx, s.st, kindKey, id, noSuchKey(id))
		if awserr.Is(err, awserr.NoSuchEntity) {
			continue // deleted between the two reads
		}
		if err != nil {
			return nil, err
		}
		out = append(out, AccessKeyMeta{AccessKeyID: k.ID, UserName: u.Name, Status: k.Status, Created: k.Created})
	}
	sortKeys(out)
	return out, nil
}

func sortKeys(keys []AccessKeyMeta) {
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].Created.Before(keys[j].Created) })
}

// UpdateAccessKey sets a key's status to Active or Inactive.
func (s *Service) UpdateAccessKey(ctx context.Context, user, keyID, status string) error {
	if status != StatusActive && status != StatusInactive {
		return validationError(status, "status", "must satisfy enum value set: [Active, Inactive]")
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		_, k, err := s.userKey(ctx, tx, user, keyID)
		if err != nil {
			return err
		}
		k.Status = status
		return putJSON(ctx, tx, kindKey, k.ID, k)
	})
}

// DeleteAccessKey deletes one of the user's keys.
func (s *Service) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		u, k, err := s.userKey(ctx, tx, user, keyID)
		if err != nil {
			return err
		}
		if err := tx.Delete(ctx, kindKey, k.ID); err != nil {
			return err
		}
		return del(ctx, tx, kindUserKey, lower(u.Name)+"/"+k.ID)
	})
}

// EnsureRootKey returns the account root's access key, creating it on first
// use. Its principal is arn:aws:iam::{account}:root. The same key (with its
// secret) comes back on every call, so the server can rewrite the admin
// credentials file at each start.
func (s *Service) EnsureRootKey(ctx context.Context) (AccessKey, error) {
	var out AccessKey
	err := s.st.Update(ctx, func(tx store.Tx) error {
		root, err := getJSON[rootRec](ctx, tx, kindRoot, rootKey, store.ErrNotFound)
		if err == nil {
			out, err = s.openKey(ctx, tx, root.AccessKeyID)
			return err
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		rec, key, err := s.newKey("", true)
		if err != nil {
			return err
		}
		if err := createJSON(ctx, tx, kindKey, rec.ID, rec, fmt.Errorf("iam: access key id %s collided", rec.ID)); err != nil {
			return err
		}
		out = key
		return putJSON(ctx, tx, kindRoot, rootKey, rootRec{AccessKeyID: rec.ID})
	})
	return out, err
}

// openKey loads a long-term key and unseals its secret.
func (s *Service) openKey(ctx context.Context, r store.Reader, id string) (AccessKey, error) {
	k, err := getJSON[keyRec](ctx, r, kindKey, id, noSuchKey(id))
	if err != nil {
		return AccessKey{}, err
	}
	secret, err := s.sealer.Open(k.Sealed, []byte(k.ID))
	if err != nil {
		return AccessKey{}, fmt.Errorf("iam: key %s: %w", id, err)
	}
	return AccessKey{AccessKeyID: k.ID, Secret: seal.Secret(secret), UserName: k.User, Status: k.Status, Created: k.Created}, nil
}

// LookupKey returns the secret (and session token) of an access key id for
// signature verification; ok is false when the id is unknown. Expired
// sessions are still returned (with Expires in the past) so the verifier can
// answer ExpiredToken rather than an unknown-key error.
func (s *Service) LookupKey(ctx context.Context, accessKeyID string) (KeyInfo, bool, error) {
	if e, ok := s.cache.key(accessKeyID, s.now()); ok {
		return e.info, e.found, nil
	}
	gen := s.cache.generation()
	info, found, err := s.lookupKey(ctx, accessKeyID)
	if err == nil {
		s.cache.putKey(accessKeyID, cachedKey{info: info, found: found, at: s.now(), gen: gen})
	}
	return info, found, err
}

func (s *Service) lookupKey(ctx context.Context, accessKeyID string) (KeyInfo, bool, error) {
	if strings.HasPrefix(accessKeyID, "ASIA") {
		return s.lookupSession(ctx, accessKeyID)
	}
	key, err := s.openKey(ctx, s.st, accessKeyID)
	if awserr.Is(err, awserr.NoSuchEntity) {
		return KeyInfo{}, false, nil
	}
	if err != nil {
		return KeyInfo{}, false, err
	}
	return KeyInfo{AccessKeyID: key.AccessKeyID, Secret: key.Secret.Reveal(), Active: key.Status == StatusActive}, true, nil
}
