package functions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Published versions and aliases, as Lambda keeps them
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html,
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html):
// a version is an immutable snapshot of $LATEST's code and configuration,
// numbered from 1 and never reused; an alias points at a version (or
// $LATEST), optionally sending a share of invocations to a second one.
// Each version and alias has its own resource policy: a statement on the
// function does not let anyone invoke fn:live.

const (
	kindVersion = "lambda/version" // key: name ":" zero-padded number
	kindAlias   = "lambda/alias"   // key: name ":" alias
)

func versionKey(name string, n int) string { return fmt.Sprintf("%s:%010d", name, n) }

func aliasKey(name, alias string) string { return name + ":" + alias }

// runtimeVersion is the version the runtime reports (AWS_LAMBDA_FUNCTION_VERSION).
func (c Config) runtimeVersion() string {
	if c.Version == "" {
		return Latest
	}
	return c.Version
}

// VersionName is the version as the Lambda API shows it: "$LATEST" or "N".
func (c Config) VersionName() string { return c.runtimeVersion() }

// Alias is a named pointer to a function version.
type Alias struct {
	Name              string       `json:"name"`
	Function          string       `json:"function"`
	ARN               string       `json:"arn"`
	FunctionVersion   string       `json:"functionVersion"`
	Description       string       `json:"description,omitempty"`
	RevisionID        string       `json:"revisionId"`
	AdditionalVersion string       `json:"additionalVersion,omitempty"`
	AdditionalWeight  float64      `json:"additionalWeight,omitempty"`
	Policy            []Permission `json:"policy,omitempty"`
}

// PolicyDocument renders the alias's resource policy.
func (a Alias) PolicyDocument() string { return policyDocument(a.ARN, a.Policy) }

// sameConfig reports whether a published version already holds $LATEST's
// code and configuration, in which case PublishVersion returns it.
func sameConfig(a, b Config) bool {
	key := func(c Config) string {
		c.Name, c.ARN, c.Version, c.LastVersion, c.Description = "", "", "", 0, ""
		c.LastModified, c.RevisionID, c.Policy, c.Tags = time.Time{}, "", nil, nil
		b, _ := json.Marshal(c)
		return string(b)
	}
	return key(a) == key(b)
}

// PublishVersion publishes $LATEST as a new version, or returns the last
// version when nothing changed since it was published. codeSha256 and
// revisionID, when set, must match $LATEST.
func (s *Service) PublishVersion(ctx context.Context, name, description, codeSha256, revisionID string) (Config, error) {
	var out Config
	err := s.st.Update(ctx, func(tx store.Tx) error {
		latest, err := getTx(ctx, tx, name, s)
		if err != nil {
			return err
		}
		if codeSha256 != "" && codeSha256 != latest.CodeSha256 {
			return awserr.New(InvalidParameter, "CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", codeSha256, latest.CodeSha256)
		}
		if revisionID != "" && revisionID != latest.RevisionID {
			return errRevision()
		}
		if latest.LastVersion > 0 {
			b, err := tx.Get(ctx, kindVersion, versionKey(name, latest.LastVersion))
			if err == nil {
				prev, err := s.decode(b)
				if err != nil {
					return err
				}
				if sameConfig(prev, latest) {
					out = prev
					return nil
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		latest.LastVersion++
		v := latest
		v.Version = strconv.Itoa(latest.LastVersion)
		v.ARN = s.ARN(name) + ":" + v.Version
		v.LastVersion = 0
		v.Policy = nil
		v.LastModified = s.now().UTC()
		sum := sha256.Sum256([]byte(v.ARN + v.CodeSha256 + v.LastModified.String()))
		v.RevisionID = hex.EncodeToString(sum[:8])
		if description != "" {
			v.Description = description
		}
		vb, err := s.encode(v)
		if err != nil {
			return err
		}
		lb, err := s.encode(latest)
		if err != nil {
			return err
		}
		if err := tx.Put(ctx, kindVersion, versionKey(name, latest.LastVersion), vb); err != nil {
			return err
		}
		out = v
		return tx.Put(ctx, kindFunction, name, lb)
	})
	s.forget(name)
	return clone(out), err
}

func errRevision() error {
	return awserr.New(PreconditionFaild, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
}

// Version returns a function's configuration at a qualifier: $LATEST ("")
// or a version number.
func (s *Service) Version(ctx context.Context, name, version string) (Config, error) {
	if version == "" || version == Latest {
		return s.Get(ctx, name)
	}
	n, err := strconv.Atoi(version)
	if err != nil || !IsVersion(version) {
		return Config{}, awserr.New(ResourceNotFound, "Function not found: %s:%s", s.ARN(name), version)
	}
	if err := ValidateName(name); err != nil {
		return Config{}, err
	}
	key := versionKey(name, n)
	b, err := s.st.Get(ctx, kindVersion, key)
	if errors.Is(err, store.ErrNotFound) {
		return Config{}, awserr.New(ResourceNotFound, "Function not found: %s:%s", s.ARN(name), version)
	}
	if err != nil {
		return Config{}, err
	}
	e, err := s.cached(key, b)
	if err != nil {
		return Config{}, err
	}
	return clone(e.cfg), nil
}

// versions lists a function's published versions, oldest first.
func (s *Service) versions(ctx context.Context, name string) ([]Config, error) {
	return s.listConfigs(ctx, kindVersion, name+":")
}

// ListVersions returns $LATEST then every published version, in order, as
// ListVersionsByFunction does.
func (s *Service) ListVersions(ctx context.Context, name string) ([]Config, error) {
	latest, err := s.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	vs, err := s.versions(ctx, name)
	if err != nil {
		return nil, err
	}
	return append([]Config{latest}, vs...), nil
}

// DeleteVersion deletes one published version; an alias still pointing at
// it keeps it, as on Lambda.
func (s *Service) DeleteVersion(ctx context.Context, name, version string) error {
	if version == Latest {
		return awserr.New(InvalidParameter, "$LATEST version cannot be deleted without deleting the function.")
	}
	v, err := s.Version(ctx, name, version)
	if err != nil {
		return err
	}
	aliases, err := s.ListAliases(ctx, name, "")
	if err != nil {
		return err
	}
	var using []string
	for _, a := range aliases {
		if a.FunctionVersion == version || a.AdditionalVersion == version {
			using = append(using, a.Name)
		}
	}
	if len(using) > 0 {
		return awserr.New(ResourceConflict, "Unable to delete version because the following aliases reference it: %v", using)
	}
	n, _ := strconv.Atoi(version)
	if err := s.st.Delete(ctx, kindVersion, versionKey(name, n)); err != nil {
		return err
	}
	s.removeVersion(ctx, v)
	return nil
}

// removeVersion stops a deleted version's processes and drops its code
// when nothing else uses it.
func (s *Service) removeVersion(ctx context.Context, v Config) {
	key := s.runtimeFunction(v).Key()
	_ = s.rt.Remove(key)
	s.forget(key)
	s.mu.Lock()
	delete(s.deployed, key)
	s.mu.Unlock()
	s.dropUnused(ctx, v)
}

// AliasInput is what CreateAlias and UpdateAlias set.
type AliasInput struct {
	FunctionVersion   string
	Description       *string
	AdditionalVersion string
	AdditionalWeight  float64
	RevisionID        string
}

// CreateAlias creates an alias of a function pointing at a version.
func (s *Service) CreateAlias(ctx context.Context, name, alias string, in AliasInput) (Alias, error) {
	if err := ValidateAliasName(alias); err != nil {
		return Alias{}, err
	}
	if _, err := s.Get(ctx, name); err != nil {
		return Alias{}, err
	}
	a := Alias{Name: alias, Function: name, ARN: s.ARN(name) + ":" + alias}
	if err := s.pointAlias(ctx, &a, in); err != nil {
		return Alias{}, err
	}
	b, _ := json.Marshal(a)
	err := s.st.Create(ctx, kindAlias, aliasKey(name, alias), b)
	if errors.Is(err, store.ErrConflict) {
		return Alias{}, awserr.New(ResourceConflict, "Alias already exists: %s", a.ARN)
	}
	return a, err
}

// pointAlias sets an alias's versions after checking they exist.
func (s *Service) pointAlias(ctx context.Context, a *Alias, in AliasInput) error {
	if in.FunctionVersion != "" {
		a.FunctionVersion = in.FunctionVersion
	}
	if a.FunctionVersion == "" {
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: Member must not be null")
	}
	if _, err := s.Version(ctx, a.Function, a.FunctionVersion); err != nil {
		return err
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	a.AdditionalVersion, a.AdditionalWeight = in.AdditionalVersion, in.AdditionalWeight
	if a.AdditionalVersion != "" {
		if a.AdditionalWeight < 0 || a.AdditionalWeight > 1 {
			return awserr.New(awserr.ValidationException, "1 validation error detected: Value '%v' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]", a.AdditionalWeight)
		}
		if a.AdditionalVersion == a.FunctionVersion || a.FunctionVersion == Latest {
			return awserr.New(InvalidParameter, "Invalid function version %s. Function version %s is already included in routing configuration.", a.AdditionalVersion, a.AdditionalVersion)
		}
		if _, err := s.Version(ctx, a.Function, a.AdditionalVersion); err != nil {
			return err
		}
	}
	sum := sha256.Sum256([]byte(a.ARN + a.FunctionVersion + a.AdditionalVersion + s.now().String()))
	a.RevisionID = hex.EncodeToString(sum[:8])
	return nil
}

// GetAlias returns an alias.
func (s *Service) GetAlias(ctx context.Context, name, alias string) (Alias, error) {
	if err := ValidateName(name); err != nil {
		return Alias{}, err
	}
	b, err := s.st.Get(ctx, kindAlias, aliasKey(name, alias))
	if errors.Is(err, store.ErrNotFound) {
		return Alias{}, awserr.New(ResourceNotFound, "Cannot find alias arn: %s:%s", s.ARN(name), alias)
	}
	if err != nil {
		return Alias{}, err
	}
	var a Alias
	return a, json.Unmarshal(b, &a)
}

// UpdateAlias repoints an alias.
func (s *Service) UpdateAlias(ctx context.Context, name, alias string, in AliasInput) (Alias, error) {
	a, err := s.GetAlias(ctx, name, alias)
	if err != nil {
		return Alias{}, err
	}
	if in.RevisionID != "" && in.RevisionID != a.RevisionID {
		return Alias{}, errRevision()
	}
	if err := s.pointAlias(ctx, &a, in); err != nil {
		return Alias{}, err
	}
	b, _ := json.Marshal(a)
	return a, s.st.Put(ctx, kindAlias, aliasKey(name, alias), b)
}

// DeleteAlias deletes an alias.
func (s *Service) DeleteAlias(ctx context.Context, name, alias string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if u, err := s.GetURL(ctx, name, alias); err == nil {
		// The alias's URL goes with it.
		_ = s.DeleteURL(ctx, name, u.Qualifier)
	}
	err := s.st.Delete(ctx, kindAlias, aliasKey(name, alias))
	if errors.Is(err, store.ErrNotFound) {
		return nil // DeleteAlias of a missing alias succeeds on Lambda
	}
	return err
}

// ListAliases lists a function's aliases by name, those pointing at
// version only when it is set.
func (s *Service) ListAliases(ctx context.Context, name, version string) ([]Alias, error) {
	if _, err := s.Get(ctx, name); err != nil {
		return nil, err
	}
	items, err := s.st.List(ctx, kindAlias, name+":")
	if err != nil {
		return nil, err
	}
	out := []Alias{}
	for _, it := range items {
		var a Alias
		if err := json.Unmarshal(it.Value, &a); err != nil {
			return nil, err
		}
		if version == "" || a.FunctionVersion == version || a.AdditionalVersion == version {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Resolve gives the configuration an invocation of name at qualifier runs:
// $LATEST, a version, or the version an alias routes this invocation to.
func (s *Service) Resolve(ctx context.Context, name, qualifier string) (Config, error) {
	if qualifier == "" || qualifier == Latest || IsVersion(qualifier) {
		return s.Version(ctx, name, qualifier)
	}
	a, err := s.GetAlias(ctx, name, qualifier)
	if err != nil {
		if awserr.Is(err, ResourceNotFound) {
			return Config{}, awserr.New(ResourceNotFound, "Function not found: %s:%s", s.ARN(name), qualifier)
		}
		return Config{}, err
	}
	v := a.FunctionVersion
	if a.AdditionalVersion != "" && rand.Float64() < a.AdditionalWeight {
		v = a.AdditionalVersion
	}
	return s.Version(ctx, name, v)
}

// SyncConfig makes the runtime run c (a version Resolve returned) and gives
// the runtime key to invoke it by.
func (s *Service) SyncConfig(ctx context.Context, c Config) (string, error) {
	if c.Version == "" {
		return c.Name, s.Sync(ctx, c.Name)
	}
	fn := s.runtimeFunction(c)
	key := fn.Key()
	s.mu.Lock()
	current := s.deployed[key] == c.RevisionID
	s.mu.Unlock()
	if current {
		return key, nil
	}
	if err := s.ensureCode(ctx, c); err != nil {
		return "", err
	}
	if err := s.rt.Deploy(s.runtimeFunction(c)); err != nil {
		return "", err
	}
	s.mu.Lock()
	s.deployed[key] = c.RevisionID
	s.mu.Unlock()
	return key, nil
}

// ensureCode extracts c's code and its layers' content from the store
// when this node lacks them.
func (s *Service) ensureCode(ctx context.Context, c Config) error {
	if _, err := os.Stat(s.codeDir(c)); err != nil {
		zipped, err := s.st.Get(ctx, kindCode, codeKey(c))
		if err != nil {
			return fmt.Errorf("function %s: code %s: %w", c.Name, codeKey(c), err)
		}
		if err := s.extract(c, zipped); err != nil {
			return err
		}
	}
	return s.ensureLayers(ctx, c)
}

// QualifiedPolicy returns the resource policy of name at qualifier ("" or
// $LATEST: the function's own) as GetPolicy renders it, "" without
// statements.
func (s *Service) QualifiedPolicy(ctx context.Context, name, qualifier string) (string, error) {
	switch {
	case qualifier == "" || qualifier == Latest:
		return s.Policy(ctx, name)
	case IsVersion(qualifier):
		v, err := s.Version(ctx, name, qualifier)
		if err != nil || len(v.Policy) == 0 {
			return "", err
		}
		return v.PolicyDocument(), nil
	}
	a, err := s.GetAlias(ctx, name, qualifier)
	if err != nil || len(a.Policy) == 0 {
		return "", err
	}
	return a.PolicyDocument(), nil
}

func (s *Service) addQualifiedPermission(ctx context.Context, name, q string, p Permission) error {
	return s.editQualifiedPolicy(ctx, name, q, func(ps []Permission) ([]Permission, error) {
		for _, x := range ps {
			if x.Sid == p.Sid {
				return nil, awserr.New(ResourceConflict, "The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", p.Sid)
			}
		}
		return append(ps, p), nil
	})
}

func (s *Service) removeQualifiedPermission(ctx context.Context, name, q, sid string) error {
	return s.editQualifiedPolicy(ctx, name, q, func(ps []Permission) ([]Permission, error) {
		i := slices.IndexFunc(ps, func(x Permission) bool { return x.Sid == sid })
		if i < 0 {
			return nil, awserr.New(ResourceNotFound, "Statement %s is not found in resource policy.", sid)
		}
		return slices.Delete(ps, i, i+1), nil
	})
}

// editQualifiedPolicy changes the policy of a version or alias in one
// transaction.
func (s *Service) editQualifiedPolicy(ctx context.Context, name, q string, edit func([]Permission) ([]Permission, error)) error {
	if q == Latest {
		return awserr.New(InvalidParameter, "We currently do not support adding policies for $LATEST.")
	}
	if err := ValidateName(name); err != nil {
		return err
	}
	if IsVersion(q) {
		n, _ := strconv.Atoi(q)
		key := versionKey(name, n)
		defer s.forget(key)
		return s.st.Update(ctx, func(tx store.Tx) error {
			b, err := tx.Get(ctx, kindVersion, key)
			if errors.Is(err, store.ErrNotFound) {
				return awserr.New(ResourceNotFound, "Function not found: %s:%s", s.ARN(name), q)
			}
			if err != nil {
				return err
			}
			v, err := s.decode(b)
			if err != nil {
				return err
			}
			if v.Policy, err = edit(v.Policy); err != nil {
				return err
			}
			nb, err := s.encode(v)
			if err != nil {
				return err
			}
			return tx.Put(ctx, kindVersion, key, nb)
		})
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(ctx, kindAlias, aliasKey(name, q))
		if errors.Is(err, store.ErrNotFound) {
			return awserr.New(ResourceNotFound, "Function not found: %s:%s", s.ARN(name), q)
		}
		if err != nil {
			return err
		}
		var a Alias
		if err := json.Unmarshal(b, &a); err != nil {
			return err
		}
		if a.Policy, err = edit(a.Policy); err != nil {
			return err
		}
		nb, _ := json.Marshal(a)
		return tx.Put(ctx, kindAlias, aliasKey(name, q), nb)
	})
}
