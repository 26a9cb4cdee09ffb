package functions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/seal"
)

// Option configures a Service.
type Option func(*Service)

// WithSealer seals every function's environment variables at rest with the
// data dir's master key, as access keys are: they often hold credentials.
func WithSealer(s *seal.Sealer) Option { return func(svc *Service) { svc.sealer = s } }

// record is a function as stored: the configuration without its
// environment, which is sealed (AAD: the function's name, so a sealed
// environment cannot be moved to another function).
type record struct {
	Config
	// Env shadows Config.Env in JSON. Written only without a sealer; read
	// for records stored before environments were sealed.
	Env       map[string]string `json:"env,omitempty"`
	SealedEnv []byte            `json:"sealedEnv,omitempty"`
}

func envAAD(name string) []byte { return []byte("lambda/function/" + name + "/env") }

func (s *Service) encode(c Config) ([]byte, error) {
	r := record{Config: c}
	if len(c.Env) > 0 {
		if s.sealer == nil {
			r.Env = c.Env
		} else {
			plain, _ := json.Marshal(c.Env)
			sealed, err := s.sealer.Seal(plain, envAAD(c.Name))
			if err != nil {
				return nil, fmt.Errorf("function %s: sealing environment: %w", c.Name, err)
			}
			r.SealedEnv = sealed
		}
	}
	return json.Marshal(r)
}

func (s *Service) decode(b []byte) (Config, error) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return Config{}, err
	}
	c := r.Config
	c.Env = r.Env
	if len(r.SealedEnv) > 0 {
		if s.sealer == nil {
			return Config{}, fmt.Errorf("function %s: environment is sealed and no master key is configured", c.Name)
		}
		plain, err := s.sealer.Open(r.SealedEnv, envAAD(c.Name))
		if err != nil {
			return Config{}, fmt.Errorf("function %s: environment: %w", c.Name, err)
		}
		if err := json.Unmarshal(plain, &c.Env); err != nil {
			return Config{}, fmt.Errorf("function %s: environment: %w", c.Name, err)
		}
	}
	return c, nil
}

// decoded keeps the last configuration decoded per function with the bytes
// it came from: an invocation reads the record (replicas may have changed
// it) but only decodes, opens the sealed environment and renders the
// policy when the bytes changed.
type decoded struct {
	mu sync.Mutex
	m  map[string]decodedEntry
	// gen counts forgets, so that a read racing a local write never marks
	// the bytes it read before the write as fresh.
	gen uint64
}

type decodedEntry struct {
	raw    []byte
	cfg    Config
	policy string // PolicyDocument(), "" without statements
	// read is when read last found these bytes in the store: for
	// recordTTL after it, read trusts them without asking the store again.
	read time.Time
}

// recordTTL bounds how long a function's configuration read from the store
// is used without reading it again: an invocation reads it twice (Sync,
// then the resource policy) and a busy function many times a second. Local
// writes forget it at once; a replica's write is seen within recordTTL, as
// IAM's identity caches are.
const recordTTL = time.Second

// recent returns name's configuration when it was read within recordTTL,
// and the generation to pass to touch otherwise.
func (s *Service) recent(name string) (decodedEntry, uint64, bool) {
	s.dec.mu.Lock()
	defer s.dec.mu.Unlock()
	e, ok := s.dec.m[name]
	if ok && !e.read.IsZero() && s.now().Sub(e.read) < recordTTL {
		return e, s.dec.gen, true
	}
	return decodedEntry{}, s.dec.gen, false
}

// touch marks raw as just read from the store, unless a forget came since
// gen.
func (s *Service) touch(name string, raw []byte, gen uint64) {
	s.dec.mu.Lock()
	defer s.dec.mu.Unlock()
	if cur, ok := s.dec.m[name]; ok && s.dec.gen == gen && bytes.Equal(cur.raw, raw) {
		cur.read = s.now()
		s.dec.m[name] = cur
	}
}

// maxDecoded bounds the cache; past it the cache starts over.
const maxDecoded = 4096

func (s *Service) cached(name string, raw []byte) (decodedEntry, error) {
	s.dec.mu.Lock()
	e, ok := s.dec.m[name]
	s.dec.mu.Unlock()
	if ok && bytes.Equal(e.raw, raw) {
		return e, nil
	}
	c, err := s.decode(raw)
	if err != nil {
		return decodedEntry{}, err
	}
	e = decodedEntry{raw: bytes.Clone(raw), cfg: c}
	if len(c.Policy) > 0 {
		e.policy = c.PolicyDocument()
	}
	s.dec.mu.Lock()
	if s.dec.m == nil || len(s.dec.m) >= maxDecoded {
		s.dec.m = map[string]decodedEntry{}
	}
	s.dec.m[name] = e
	s.dec.mu.Unlock()
	return e, nil
}

func (s *Service) forget(name string) {
	s.dec.mu.Lock()
	delete(s.dec.m, name)
	s.dec.gen++
	s.dec.mu.Unlock()
}

// clone gives a caller its own copy of the cached configuration's maps and
// slices, so nothing it changes reaches the cache.
func clone(c Config) Config {
	c.Env = maps.Clone(c.Env)
	c.Tags = maps.Clone(c.Tags)
	c.Policy = slices.Clone(c.Policy)
	c.Architectures = slices.Clone(c.Architectures)
	if c.ReservedConcurrency != nil {
		n := *c.ReservedConcurrency
		c.ReservedConcurrency = &n
	}
	return c
}
