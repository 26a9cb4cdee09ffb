package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
)

// Store kinds. Keys are lower-cased names (IAM names are unique regardless
// of case) or access key ids.
const (
	kindUser    = "iam/user"    // lower(name) → userRec
	kindGroup   = "iam/group"   // lower(name) → groupRec
	kindRole    = "iam/role"    // lower(name) → roleRec
	kindPolicy  = "iam/policy"  // lower(name) → policyRec (customer managed)
	kindKey     = "iam/key"     // AKIA… → keyRec
	kindUserKey = "iam/userkey" // lower(user)/AKIA… → "" (index for per-user listing and quota)
	kindSession = "iam/session" // ASIA… → sessionRec
	kindRoot    = "iam/root"    // "root" → rootRec
	rootKey     = "root"
	defaultAcct = "000000000000"
	awsAccount  = "aws" // account field of AWS managed policy ARNs
)

// Options configures a Service.
type Options struct {
	// AccountID is the 12-digit account all identities live in; default 000000000000.
	AccountID string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// ValidatePolicy checks a policy document's grammar (package iampolicy
	// provides it). A non-awserr error becomes MalformedPolicyDocument with
	// its text. Nil accepts any well-formed JSON.
	ValidatePolicy func(doc string) error
	// ValidateTrustPolicy checks a role's trust policy, which, unlike an
	// identity policy, must name a Principal. Nil accepts well-formed JSON.
	ValidateTrustPolicy func(doc string) error
}

// Service is the IAM identity domain over a store. It is safe for concurrent use.
type Service struct {
	st            store.Store
	sealer        *seal.Sealer
	acct          string
	now           func() time.Time
	validate      func(string) error
	validateTrust func(string) error
	cache         *identityCache
}

// New returns a Service storing in st and sealing secrets with s.
func New(st store.Store, s *seal.Sealer, o Options) *Service {
	if o.AccountID == "" {
		o.AccountID = defaultAcct
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	cache := newIdentityCache()
	return &Service{st: watchedStore{Store: st, cache: cache}, sealer: s, acct: o.AccountID, now: o.Now,
		validate: o.ValidatePolicy, validateTrust: o.ValidateTrustPolicy, cache: cache}
}

// AccountID is the account this service's identities belong to.
func (s *Service) AccountID() string { return s.acct }

// clock returns now in UTC, to the second, as IAM reports dates.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

func (s *Service) iamARN(resource string) string {
	return arn.IAM(s.acct, resource)
}

// ownIAM reports whether a is an IAM ARN of this account (arn:aws:iam::ACCOUNT:…):
// the only ARNs iamARN makes.
func (s *Service) ownIAM(a arn.ARN) bool {
	return a.Partition == "aws" && a.Service == "iam" && a.Region == "" && a.AccountID == s.acct
}

// checkTrustPolicy validates a trust policy through the injected validator.
func (s *Service) checkTrustPolicy(doc string) error {
	return s.checkWith(s.validateTrust, doc)
}

// checkPolicy validates a policy document through the injected validator.
func (s *Service) checkPolicy(doc string) error {
	return s.checkWith(s.validate, doc)
}

func (s *Service) checkWith(validate func(string) error, doc string) error {
	if validate == nil {
		if !json.Valid([]byte(doc)) {
			return awserr.New(awserr.MalformedPolicyDocument, "Syntax errors in policy.")
		}
		return nil
	}
	err := validate(doc)
	if err == nil {
		return nil
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return awserr.New(awserr.MalformedPolicyDocument, "%s", err.Error())
}

// getJSON reads and decodes one record; missing records yield notFound.
func getJSON[T any](ctx context.Context, r store.Reader, kind, key string, notFound error) (*T, error) {
	b, err := r.Get(ctx, kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("iam: get %s: %w", kind, err)
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("iam: decode %s %q: %w", kind, key, err)
	}
	return v, nil
}

func putJSON(ctx context.Context, w store.Writer, kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("iam: encode %s: %w", kind, err)
	}
	if err := w.Put(ctx, kind, key, b); err != nil {
		return fmt.Errorf("iam: put %s: %w", kind, err)
	}
	return nil
}

// createJSON stores a new record, turning a conflict into exists.
func createJSON(ctx context.Context, w store.Writer, kind, key string, v any, exists error) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("iam: encode %s: %w", kind, err)
	}
	err = w.Create(ctx, kind, key, b)
	if errors.Is(err, store.ErrConflict) {
		return exists
	}
	if err != nil {
		return fmt.Errorf("iam: create %s: %w", kind, err)
	}
	return nil
}

// listJSON decodes every record of kind under prefix, in key order.
func listJSON[T any](ctx context.Context, r store.Reader, kind, prefix string) ([]T, error) {
	items, err := r.List(ctx, kind, prefix)
	if err != nil {
		return nil, fmt.Errorf("iam: list %s: %w", kind, err)
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		var v T
		if err := json.Unmarshal(it.Value, &v); err != nil {
			return nil, fmt.Errorf("iam: decode %s %q: %w", kind, it.Key, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func del(ctx context.Context, w store.Writer, kind, key string) error {
	if err := w.Delete(ctx, kind, key); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("iam: delete %s: %w", kind, err)
	}
	return nil
}

func lower(name string) string { return strings.ToLower(name) }
