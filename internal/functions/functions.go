package functions

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
)

// Error codes Lambda answers with.
const (
	ResourceNotFound  awserr.Code = "ResourceNotFoundException"
	ResourceConflict  awserr.Code = "ResourceConflictException"
	InvalidParameter  awserr.Code = "InvalidParameterValueException"
	PreconditionFaild awserr.Code = "PreconditionFailedException"
)

const (
	kindFunction = "lambda/function"
	// kindCode holds each code archive by its SHA-256, so that any node
	// sharing the store can extract and run a function another node deployed.
	kindCode = "lambda/code"
)

// Config is a function's stored configuration.
type Config struct {
	Name          string            `json:"name"`
	ARN           string            `json:"arn"`
	Runtime       string            `json:"runtime"`
	Handler       string            `json:"handler"`
	Role          string            `json:"role"`
	Description   string            `json:"description,omitempty"`
	Timeout       int               `json:"timeout"`
	MemorySize    int               `json:"memorySize"`
	Env           map[string]string `json:"env,omitempty"`
	Architectures []string          `json:"architectures,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
	CodeSha256    string            `json:"codeSha256"`
	CodeSize      int64             `json:"codeSize"`
	LastModified  time.Time         `json:"lastModified"`
	RevisionID    string            `json:"revisionId"`
	LogGroup      string            `json:"logGroup"`
	Policy        []Permission      `json:"policy,omitempty"`
	// ReservedConcurrency is ReservedConcurrentExecutions (nil: none), set
	// by PutConcurrency only: Put keeps the stored one.
	ReservedConcurrency *int `json:"reservedConcurrency,omitempty"`
	// Version is "" for $LATEST, the number of a published version else.
	Version string `json:"version,omitempty"`
	// LastVersion is the number PublishVersion gave last ($LATEST only):
	// Lambda never reuses a version number.
	LastVersion int `json:"lastVersion,omitempty"`
	// Layers are the function's layer versions, in order, each with the
	// hash of its content: a function keeps running a layer version that
	// was deleted after it was added, as on Lambda.
	Layers []LayerRef `json:"layers,omitempty"`
	// TracingMode is TracingConfig.Mode (Active or PassThrough).
	TracingMode string `json:"tracingMode,omitempty"`
}

// Permission is one statement of a function's resource-based policy, as
// AddPermission creates it.
type Permission struct {
	Sid           string `json:"sid"`
	Action        string `json:"action"`
	Principal     string `json:"principal"`
	SourceArn     string `json:"sourceArn,omitempty"`
	SourceAccount string `json:"sourceAccount,omitempty"`
	// EventSourceToken limits the statement to invokers presenting the
	// token (an Alexa skill ID; condition lambda:EventSourceToken).
	EventSourceToken string `json:"eventSourceToken,omitempty"`
	// FunctionUrlAuthType limits lambda:InvokeFunctionUrl statements to
	// URLs of that auth type (condition lambda:FunctionUrlAuthType).
	FunctionUrlAuthType string `json:"functionUrlAuthType,omitempty"`
	// InvokedViaFunctionUrl limits lambda:InvokeFunction statements to
	// invocations through a function URL (condition lambda:InvokedViaFunctionUrl).
	InvokedViaFunctionUrl bool   `json:"invokedViaFunctionUrl,omitempty"`
	PrincipalOrgID        string `json:"principalOrgId,omitempty"`
}

// Runtime runs deployed functions; package lambda's Manager satisfies it.
type Runtime interface {
	Deploy(fn lambda.Function) error
	Remove(name string) error
}

// Service stores functions and keeps the runtime in step with the store.
type Service struct {
	st               store.Store
	rt               Runtime
	codeRoot         string
	region           string
	account          string
	now              func() time.Time
	sealer           *seal.Sealer // nil: environments stored in clear (tests)
	dec              decoded
	concurrencyQuota int // the account's concurrency quota (WithAccountConcurrency)

	mu       sync.Mutex
	deployed map[string]string // function name → RevisionID handed to the runtime
}

// New returns a Service; extracted code lives under codeRoot, by content
// hash (never by function name), which should be outside the data dir and
// private to iamgate (lambda.Manager.CodeRoot).
func New(st store.Store, rt Runtime, codeRoot, region, account string, now func() time.Time, opts ...Option) *Service {
	s := &Service{st: st, rt: rt, codeRoot: codeRoot, region: region, account: account, now: now, deployed: map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ARN returns the ARN of the named function.
func (s *Service) ARN(name string) string {
	return arn.LambdaFunction(s.region, s.account, name)
}

// Put creates or replaces a function with the given code (a zip archive).
func (s *Service) Put(ctx context.Context, c Config, zipped []byte) (Config, error) {
	if err := ValidateName(c.Name); err != nil {
		return c, err
	}
	if err := checkRuntime(c.Runtime); err != nil {
		return c, err
	}
	if err := lambda.CheckEnvironment(c.Env); err != nil {
		// Refused before anything is stored, as Lambda refuses it.
		return c, awserr.New(InvalidParameter, "%s", err.Error())
	}
	sum := sha256.Sum256(zipped)
	c.CodeSha256 = base64.StdEncoding.EncodeToString(sum[:])
	c.CodeSize = int64(len(zipped))
	c.ARN = s.ARN(c.Name)
	c.LastModified = s.now().UTC()
	if c.Timeout == 0 {
		c.Timeout = 3
	}
	if c.MemorySize == 0 {
		c.MemorySize = 128
	}
	if c.LogGroup == "" {
		c.LogGroup = "/aws/lambda/" + c.Name
	}
	c.Version = ""
	if old, err := s.Get(ctx, c.Name); err == nil {
		c.Policy, c.ReservedConcurrency = old.Policy, old.ReservedConcurrency
		c.LastVersion = old.LastVersion
	}
	layers, err := s.resolveLayers(ctx, c.Layers)
	if err != nil {
		return c, err
	}
	c.Layers = layers
	c.RevisionID = revision(sum, c)
	if err := s.extract(c, zipped); err != nil {
		return c, err
	}
	if err := s.ensureLayers(ctx, c); err != nil {
		return c, err
	}
	b, err := s.encode(c)
	if err != nil {
		return c, err
	}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.Put(ctx, kindCode, codeKey(c), zipped); err != nil {
			return err
		}
		return tx.Put(ctx, kindFunction, c.Name, b)
	})
	s.forget(c.Name)
	if err != nil {
		return c, err
	}
	return c, s.deploy(c)
}

func codeKey(c Config) string { return shaKey(c.CodeSha256) }

// shaKey is the store key and directory suffix of an archive by its
// CodeSha256 (base64): hex digits only, whatever the record holds.
func shaKey(codeSha256 string) string {
	sum, _ := base64.StdEncoding.DecodeString(codeSha256)
	return hex.EncodeToString(sum)
}

// extract unpacks the archive into the function's code directory unless it
// is already there (directories are named by content hash).
func (s *Service) extract(c Config, zipped []byte) error { return s.extractSha(c.CodeSha256, zipped) }

// extractSha unpacks an archive (function code or layer content) into the
// directory of its hash unless it is already there.
func (s *Service) extractSha(codeSha256 string, zipped []byte) error {
	if s.codeRoot == "" {
		return errors.New("functions: no code directory")
	}
	if err := os.MkdirAll(s.codeRoot, 0o700); err != nil {
		return err
	}
	dir := s.shaDir(codeSha256)
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	tmp := dir + ".tmp" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := extractZip(zipped, tmp); err != nil {
		os.RemoveAll(tmp)
		return awserr.New(InvalidParameter, "%s", err.Error())
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, statErr := os.Stat(dir); statErr == nil {
			return nil // another caller extracted the same code first
		}
		return err
	}
	return nil
}

func (s *Service) deploy(c Config) error {
	if err := s.rt.Deploy(s.runtimeFunction(c)); err != nil {
		return err
	}
	s.mu.Lock()
	s.deployed[c.Name] = deployedKey(c)
	s.mu.Unlock()
	return nil
}

// deployedKey tells whether the runtime runs c: its revision and its
// reservation, which PutConcurrency changes without a new revision.
func deployedKey(c Config) string {
	if c.ReservedConcurrency == nil {
		return c.RevisionID
	}
	return c.RevisionID + "/" + strconv.Itoa(*c.ReservedConcurrency)
}

// Sync makes the runtime run the stored version of a function: it deploys a
// function this node has not seen, or one another node changed, extracting
// its code from the store when the code directory is missing. It is called
// before each invocation, so replicas sharing a store stay consistent
// without a notification channel.
func (s *Service) Sync(ctx context.Context, name string) error {
	e, err := s.read(ctx, name)
	if err != nil {
		return err
	}
	c := e.cfg
	s.mu.Lock()
	current := s.deployed[name] == deployedKey(c)
	s.mu.Unlock()
	if current {
		return nil
	}
	if err := s.ensureCode(ctx, c); err != nil {
		return err
	}
	return s.deploy(c)
}

// revision is the RevisionId of a configuration: it changes with the code
// and with any setting (UpdateFunctionConfiguration keeps the code), so
// replicas comparing revisions see every change.
func revision(sum [32]byte, c Config) string {
	c.RevisionID, c.Policy, c.ReservedConcurrency = "", nil, nil
	b, _ := json.Marshal(c)
	h := sha256.New()
	h.Write(sum[:])
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:8]) + c.LastModified.Format("150405")
}

// codeDir is where c's code is extracted: named by the code's hash (hex
// digits only), shared by functions with the same code.
func (s *Service) codeDir(c Config) string { return s.shaDir(c.CodeSha256) }

func (s *Service) shaDir(codeSha256 string) string {
	return filepath.Join(s.codeRoot, "sha256-"+shaKey(codeSha256))
}

func (s *Service) runtimeFunction(c Config) lambda.Function {
	return lambda.Function{
		Name: c.Name, ARN: c.ARN, Runtime: c.Runtime, Handler: c.Handler, CodeDir: s.codeDir(c),
		Timeout: time.Duration(c.Timeout) * time.Second, MemoryMB: c.MemorySize, Env: c.Env,
		Role: c.Role, LogGroup: c.LogGroup, Version: c.runtimeVersion(), ReservedConcurrency: c.ReservedConcurrency,
		Layers: s.layerDirs(c),
	}
}

// Get returns a function's configuration.
func (s *Service) Get(ctx context.Context, name string) (Config, error) {
	e, err := s.read(ctx, name)
	if err != nil {
		return Config{}, err
	}
	return clone(e.cfg), nil
}

// Policy returns a function's resource-based policy as GetPolicy renders it,
// "" when it has no statement. name may be any FunctionName form; with a
// qualifier it is that version's or alias's policy.
func (s *Service) Policy(ctx context.Context, name string) (string, error) {
	n, q := Split(name)
	if q != "" && q != Latest {
		return s.QualifiedPolicy(ctx, n, q)
	}
	e, err := s.read(ctx, n)
	if err != nil {
		return "", err
	}
	return e.policy, nil
}

// read reads a function's record (one store read) and decodes it unless it
// is the one decoded last time.
func (s *Service) read(ctx context.Context, name string) (decodedEntry, error) {
	if err := ValidateName(name); err != nil {
		return decodedEntry{}, err
	}
	e, gen, ok := s.recent(name)
	if ok {
		return e, nil
	}
	b, err := s.st.Get(ctx, kindFunction, name)
	if errors.Is(err, store.ErrNotFound) {
		return decodedEntry{}, awserr.New(ResourceNotFound, "Function not found: %s", s.ARN(name))
	}
	if err != nil {
		return decodedEntry{}, err
	}
	e, err = s.cached(name, b)
	if err == nil {
		s.touch(name, b, gen)
	}
	return e, err
}

// List returns every function.
func (s *Service) List(ctx context.Context) ([]Config, error) {
	return s.listConfigs(ctx, kindFunction, "")
}

// listConfigs decodes (through the cache) every configuration of kind
// whose key starts with prefix, in key order.
func (s *Service) listConfigs(ctx context.Context, kind, prefix string) ([]Config, error) {
	items, err := s.st.List(ctx, kind, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]Config, 0, len(items))
	for _, it := range items {
		e, err := s.cached(it.Key, it.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, clone(e.cfg))
	}
	return out, nil
}

// Delete removes a function and stops its processes.
func (s *Service) Delete(ctx context.Context, name string) error {
	c, err := s.Get(ctx, name)
	if err != nil {
		return err
	}
	versions, err := s.versions(ctx, name)
	if err != nil {
		return err
	}
	// DeleteFunction without a qualifier deletes every version and alias.
	err = s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.Delete(ctx, kindFunction, name); err != nil {
			return err
		}
		if err := deleteURLs(ctx, tx, name); err != nil {
			return err
		}
		for _, kind := range []string{kindVersion, kindAlias} {
			items, err := tx.List(ctx, kind, name+":")
			if err != nil {
				return err
			}
			for _, it := range items {
				if err := tx.Delete(ctx, kind, it.Key); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, v := range versions {
		s.removeVersion(ctx, v)
	}
	_ = s.rt.Remove(name)
	s.forget(name)
	s.mu.Lock()
	delete(s.deployed, name)
	s.mu.Unlock()
	// Running environments have their own copies (package lambda).
	s.dropUnused(ctx, c)
	return nil
}

// LoadAll hands every stored function to the runtime (at server start).
func (s *Service) LoadAll(ctx context.Context) error {
	all, err := s.List(ctx)
	if err != nil {
		return err
	}
	for _, c := range all {
		if err := s.Sync(ctx, c.Name); err != nil {
			return err
		}
	}
	return nil
}

// AddPermission adds a statement to a function's resource policy; name
// may carry a qualifier (a version or alias has a policy of its own).
func (s *Service) AddPermission(ctx context.Context, name string, p Permission) error {
	if n, q := Split(name); q != "" {
		return s.addQualifiedPermission(ctx, n, q, p)
	}
	defer s.forget(name)
	return s.st.Update(ctx, func(tx store.Tx) error {
		c, err := getTx(ctx, tx, name, s)
		if err != nil {
			return err
		}
		for _, q := range c.Policy {
			if q.Sid == p.Sid {
				return awserr.New(ResourceConflict, "The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", p.Sid)
			}
		}
		c.Policy = append(c.Policy, p)
		b, err := s.encode(c)
		if err != nil {
			return err
		}
		return tx.Put(ctx, kindFunction, name, b)
	})
}

// RemovePermission removes a statement by id; name may carry a qualifier.
func (s *Service) RemovePermission(ctx context.Context, name, sid string) error {
	if n, q := Split(name); q != "" {
		return s.removeQualifiedPermission(ctx, n, q, sid)
	}
	defer s.forget(name)
	return s.st.Update(ctx, func(tx store.Tx) error {
		c, err := getTx(ctx, tx, name, s)
		if err != nil {
			return err
		}
		for i, q := range c.Policy {
			if q.Sid == sid {
				c.Policy = append(c.Policy[:i], c.Policy[i+1:]...)
				b, err := s.encode(c)
				if err != nil {
					return err
				}
				return tx.Put(ctx, kindFunction, name, b)
			}
		}
		return awserr.New(ResourceNotFound, "Statement %s is not found in resource policy.", sid)
	})
}

func getTx(ctx context.Context, tx store.Tx, name string, s *Service) (Config, error) {
	if err := ValidateName(name); err != nil {
		return Config{}, err
	}
	b, err := tx.Get(ctx, kindFunction, name)
	if errors.Is(err, store.ErrNotFound) {
		return Config{}, awserr.New(ResourceNotFound, "Function not found: %s", s.ARN(name))
	}
	if err != nil {
		return Config{}, err
	}
	return s.decode(b)
}

// PolicyDocument renders the resource policy as IAM JSON, as GetPolicy returns it.
func (c Config) PolicyDocument() string { return policyDocument(c.ARN, c.Policy) }

// policyDocument renders statements on resource (a function, version or
// alias ARN) as GetPolicy shows them.
func policyDocument(resource string, ps []Permission) string {
	type stmt struct {
		Sid       string                       `json:"Sid"`
		Effect    string                       `json:"Effect"`
		Principal any                          `json:"Principal"`
		Action    string                       `json:"Action"`
		Resource  string                       `json:"Resource"`
		Condition map[string]map[string]string `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string `json:"Version"`
		ID        string `json:"Id"`
		Statement []stmt `json:"Statement"`
	}{Version: "2012-10-17", ID: "default"}
	for _, p := range ps {
		st := stmt{Sid: p.Sid, Effect: "Allow", Action: p.Action, Resource: resource, Principal: principalJSON(p.Principal)}
		cond := map[string]map[string]string{}
		add := func(op, key, v string) {
			if cond[op] == nil {
				cond[op] = map[string]string{}
			}
			cond[op][key] = v
		}
		if p.SourceArn != "" {
			add("ArnLike", "AWS:SourceArn", p.SourceArn)
		}
		if p.SourceAccount != "" {
			add("StringEquals", "AWS:SourceAccount", p.SourceAccount)
		}
		if p.EventSourceToken != "" {
			add("StringEquals", "lambda:EventSourceToken", p.EventSourceToken)
		}
		if p.PrincipalOrgID != "" {
			add("StringEquals", "aws:PrincipalOrgID", p.PrincipalOrgID)
		}
		if p.FunctionUrlAuthType != "" {
			add("StringEquals", "lambda:FunctionUrlAuthType", p.FunctionUrlAuthType)
		}
		if p.InvokedViaFunctionUrl {
			add("Bool", "lambda:InvokedViaFunctionUrl", "true")
		}
		if len(cond) > 0 {
			st.Condition = cond
		}
		doc.Statement = append(doc.Statement, st)
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

func principalJSON(p string) any {
	if p == "*" {
		return "*"
	}
	if len(p) > 0 && (p[0] >= '0' && p[0] <= '9' || len(p) > 4 && p[:4] == "arn:") {
		return map[string]any{"AWS": p}
	}
	return map[string]any{"Service": p}
}

// checkRuntime answers a runtime Lambda does not have with the API's
// ValidationException and one iamgate cannot run with
// InvalidParameterValueException, before anything is stored (both were
// stored and then failed the deploy with a 500).
func checkRuntime(runtime string) error {
	if runtime == "" {
		return awserr.New(InvalidParameter, "Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	err := lambda.CheckRuntime(runtime)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, lambda.ErrUnknownRuntime):
		return awserr.New(awserr.ValidationException, "%s", strings.TrimPrefix(err.Error(), lambda.ErrUnknownRuntime.Error()+": "))
	default:
		return awserr.New(InvalidParameter, "%s", strings.TrimPrefix(err.Error(), lambda.ErrInvalidRuntime.Error()+": "))
	}
}
