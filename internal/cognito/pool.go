package cognito

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Pool is a user pool.
type Pool struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	ARN              string         `json:"arn"`
	CreationDate     time.Time      `json:"creationDate"`
	LastModifiedDate time.Time      `json:"lastModifiedDate"`
	PasswordPolicy   PasswordPolicy `json:"passwordPolicy"`
	// UsernameAttributes lets users sign up and sign in with an email or
	// phone number instead of a username ("email", "phone_number").
	UsernameAttributes     []string `json:"usernameAttributes,omitempty"`
	AliasAttributes        []string `json:"aliasAttributes,omitempty"`
	AutoVerifiedAttributes []string `json:"autoVerifiedAttributes,omitempty"`
	// CaseInsensitive is UsernameConfiguration.CaseSensitive false.
	CaseInsensitive          bool              `json:"caseInsensitive,omitempty"`
	AllowAdminCreateUserOnly bool              `json:"allowAdminCreateUserOnly,omitempty"`
	MfaConfiguration         string            `json:"mfaConfiguration,omitempty"`
	DeletionProtection       string            `json:"deletionProtection,omitempty"`
	Schema                   []SchemaAttribute `json:"schema,omitempty"`
	Tags                     map[string]string `json:"tags,omitempty"`
	// KeyID is the kid of the pool's signing key.
	KeyID string `json:"kid"`
}

// SchemaAttribute is a custom attribute of a pool ("custom:NAME").
type SchemaAttribute struct {
	Name              string `json:"name"`
	AttributeDataType string `json:"attributeDataType,omitempty"`
	Mutable           bool   `json:"mutable"`
	Required          bool   `json:"required,omitempty"`
}

// poolKey is a pool's signing key, kept apart from the pool record and
// sealed with the pool ARN as associated data.
type poolKey struct {
	KeyID  string `json:"kid"`
	Sealed []byte `json:"sealed"`
}

// CreatePool creates a pool with a fresh id and signing key. p's ID, ARN,
// dates and KeyID are set here; a zero PasswordPolicy is the default.
func (s *Service) CreatePool(ctx context.Context, p Pool) (Pool, error) {
	if err := Check(PoolNameField(p.Name)); err != nil {
		return Pool{}, err
	}
	if err := checkPolicy(p.PasswordPolicy); err != nil {
		return Pool{}, err
	}
	if p.PasswordPolicy == (PasswordPolicy{}) {
		p.PasswordPolicy = DefaultPasswordPolicy
	}
	if p.PasswordPolicy.TemporaryPasswordValidityDays == 0 {
		p.PasswordPolicy.TemporaryPasswordValidityDays = 7
	}
	if p.MfaConfiguration == "" {
		p.MfaConfiguration = "OFF"
	}
	if p.DeletionProtection == "" {
		p.DeletionProtection = "INACTIVE"
	}
	suffix, err := randomString(s.o.Rand, alnum, 9)
	if err != nil {
		return Pool{}, err
	}
	p.ID = s.o.Region + "_" + suffix
	p.ARN = s.PoolARN(p.ID)
	p.CreationDate = s.o.Now().UTC()
	p.LastModifiedDate = p.CreationDate
	key, err := rsa.GenerateKey(s.o.Rand, s.o.KeyBits)
	if err != nil {
		return Pool{}, err
	}
	p.KeyID = keyID(&key.PublicKey)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Pool{}, err
	}
	sealed, err := s.o.Sealer.Seal(der, []byte(p.ARN))
	if err != nil {
		return Pool{}, err
	}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		if err := record.Create(ctx, tx, kindPool, p.ID, p); err != nil {
			return err
		}
		return record.Put(ctx, tx, kindKey, p.ID, poolKey{KeyID: p.KeyID, Sealed: sealed})
	})
	return p, err
}

// checkPolicy enforces PasswordPolicyType's bounds.
func checkPolicy(p PasswordPolicy) error {
	if p == (PasswordPolicy{}) {
		return nil
	}
	if p.MinimumLength != 0 && (p.MinimumLength < 6 || p.MinimumLength > 99) {
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%d' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value between 6 and 99", p.MinimumLength)
	}
	if p.TemporaryPasswordValidityDays < 0 || p.TemporaryPasswordValidityDays > 365 {
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%d' at 'policies.passwordPolicy.temporaryPasswordValidityDays' failed to satisfy constraint: Member must have value less than or equal to 365", p.TemporaryPasswordValidityDays)
	}
	return nil
}

// keyID is the kid of a public key: the base64 of its SHA-256 over the
// PKIX encoding (Cognito's kids look like "abcd...=": base64, padded).
func keyID(pub *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Pool returns a pool.
func (s *Service) Pool(ctx context.Context, id string) (Pool, error) {
	if err := Check(PoolIDField(id)); err != nil {
		return Pool{}, err
	}
	return s.pool(ctx, s.st, id)
}

func (s *Service) pool(ctx context.Context, r store.Reader, id string) (Pool, error) {
	p, err := get[Pool](ctx, r, kindPool, id)
	if notFound(err) {
		return Pool{}, awserr.New(ResourceNotFound, "User pool %s does not exist.", id)
	}
	return p, err
}

// UpdatePool replaces what fn changes in a pool's settings.
func (s *Service) UpdatePool(ctx context.Context, id string, fn func(*Pool) error) (Pool, error) {
	var out Pool
	err := s.st.Update(ctx, func(tx store.Tx) error {
		p, err := s.pool(ctx, tx, id)
		if err != nil {
			return err
		}
		keep := p
		if err := fn(&p); err != nil {
			return err
		}
		if err := checkPolicy(p.PasswordPolicy); err != nil {
			return err
		}
		p.ID, p.ARN, p.KeyID, p.CreationDate = keep.ID, keep.ARN, keep.KeyID, keep.CreationDate
		p.LastModifiedDate = s.o.Now().UTC()
		out = p
		return record.Put(ctx, tx, kindPool, id, p)
	})
	return out, err
}

// ListPools returns every pool, by id.
func (s *Service) ListPools(ctx context.Context) ([]Pool, error) {
	return record.List[Pool](ctx, s.st, kindPool, "")
}

// DeletePool deletes a pool with its key, clients, groups and users.
// Deletion protection refuses it as Cognito does.
func (s *Service) DeletePool(ctx context.Context, id string) error {
	if err := Check(PoolIDField(id)); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		p, err := s.pool(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.DeletionProtection == "ACTIVE" {
			return awserr.New(InvalidParameter, "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
		}
		for _, kind := range []string{kindUser, kindAlias, kindGroup} {
			if err := deletePrefix(ctx, tx, kind, id+"/"); err != nil {
				return err
			}
		}
		clients, err := s.clients(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, c := range clients {
			if err := tx.Delete(ctx, kindClient, c.ID); err != nil {
				return err
			}
		}
		if err := tx.Delete(ctx, kindKey, id); err != nil && !notFound(err) {
			return err
		}
		return tx.Delete(ctx, kindPool, id)
	})
}

func deletePrefix(ctx context.Context, tx store.Tx, kind, prefix string) error {
	items, err := tx.List(ctx, kind, prefix)
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := tx.Delete(ctx, kind, it.Key); err != nil {
			return err
		}
	}
	return nil
}

// signingKey opens a pool's private key.
func (s *Service) signingKey(ctx context.Context, p Pool) (*rsa.PrivateKey, error) {
	s.kmu.Lock()
	cached := s.keys[p.ID+" "+p.KeyID]
	s.kmu.Unlock()
	if cached != nil {
		return cached, nil
	}
	key, err := s.openKey(ctx, p)
	if err != nil {
		return nil, err
	}
	s.kmu.Lock()
	if len(s.keys) >= maxCachedKeys {
		clear(s.keys)
	}
	s.keys[p.ID+" "+p.KeyID] = key
	s.kmu.Unlock()
	return key, nil
}

// maxCachedKeys bounds the key cache.
const maxCachedKeys = 1024

func (s *Service) openKey(ctx context.Context, p Pool) (*rsa.PrivateKey, error) {
	k, err := get[poolKey](ctx, s.st, kindKey, p.ID)
	if err != nil {
		return nil, err
	}
	der, err := s.o.Sealer.Open(k.Sealed, []byte(p.ARN))
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("cognito: pool key is not RSA")
	}
	return rk, nil
}

// JWK is one key of a JSON Web Key Set, as Cognito publishes it.
type JWK struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

// JWKS returns the public keys of a pool, as served at
// https://cognito-idp.{region}.amazonaws.com/{poolId}/.well-known/jwks.json.
func (s *Service) JWKS(ctx context.Context, poolID string) ([]JWK, error) {
	p, err := s.Pool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	key, err := s.signingKey(ctx, p)
	if err != nil {
		return nil, err
	}
	enc := base64.RawURLEncoding
	e := big.NewInt(int64(key.PublicKey.E)).Bytes()
	return []JWK{{Alg: "RS256", E: enc.EncodeToString(e), Kid: p.KeyID, Kty: "RSA",
		N: enc.EncodeToString(key.PublicKey.N.Bytes()), Use: "sig"}}, nil
}

// PublicKeys returns a pool's public keys by kid, for in-process
// verification of its tokens.
func (s *Service) PublicKeys(ctx context.Context, poolID string) (map[string]*rsa.PublicKey, error) {
	p, err := s.Pool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	key, err := s.signingKey(ctx, p)
	if err != nil {
		return nil, err
	}
	return map[string]*rsa.PublicKey{p.KeyID: &key.PublicKey}, nil
}

// PoolOfIssuer returns the pool id an issuer URL of this region names,
// or false.
func (s *Service) PoolOfIssuer(iss string) (string, bool) {
	id, ok := strings.CutPrefix(iss, "https://cognito-idp."+s.o.Region+".amazonaws.com/")
	return id, ok && ValidPoolID(id)
}

func hasString(list []string, s string) bool { return slices.Contains(list, s) }
