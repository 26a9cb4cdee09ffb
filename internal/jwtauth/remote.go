package jwtauth

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Remote is a KeySource over OpenID Connect discovery: an issuer's
// {issuer}/.well-known/openid-configuration names its jwks_uri, whose RSA
// signing keys are cached per issuer.
type Remote struct {
	client *http.Client
	now    func() time.Time
	ttl    time.Duration
	max    int

	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	keys    map[string]*rsa.PublicKey
	fetched time.Time
	// failed and failErr remember the last failed fetch, so that an
	// unreachable issuer is not asked again for every request.
	failed  time.Time
	failErr error
	// fetching serializes fetches of one issuer.
	fetching sync.Mutex
}

// RemoteOptions configures a Remote; zero values take the defaults.
type RemoteOptions struct {
	Client *http.Client     // default: 5 s timeout, no redirects off the issuer's scheme
	Now    func() time.Time // default time.Now
	// TTL is how long keys are kept (default 1 hour; API Gateway, too,
	// caches an issuer's JWKS).
	TTL time.Duration
	// MaxIssuers bounds the cache (default 64); past it the oldest entry goes.
	MaxIssuers int
}

// refetchEvery bounds how often an unknown kid makes Remote fetch again.
const refetchEvery = time.Minute

// retryFailedEvery bounds how often an unreachable issuer is asked again.
const retryFailedEvery = 10 * time.Second

// maxDocBytes bounds a discovery document or key set.
const maxDocBytes = 1 << 20

// NewRemote returns a Remote.
func NewRemote(o RemoteOptions) *Remote {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TTL <= 0 {
		o.TTL = time.Hour
	}
	if o.MaxIssuers <= 0 {
		o.MaxIssuers = 64
	}
	return &Remote{client: o.Client, now: o.Now, ttl: o.TTL, max: o.MaxIssuers, entries: map[string]*entry{}}
}

// Key returns issuer's key kid, fetching the key set when it is not
// cached, too old, or (at most once a minute) lacks kid.
func (r *Remote) Key(ctx context.Context, issuer, kid string) (*rsa.PublicKey, error) {
	e := r.entry(issuer)
	e.fetching.Lock()
	defer e.fetching.Unlock()
	now := r.now()
	if k := e.keys[kid]; k != nil && now.Sub(e.fetched) < r.ttl {
		return k, nil
	}
	if e.keys != nil && now.Sub(e.fetched) < refetchEvery {
		return nil, ErrUnknownKey
	}
	if e.failErr != nil && now.Sub(e.failed) < retryFailedEvery {
		if k := e.keys[kid]; k != nil {
			return k, nil
		}
		return nil, e.failErr
	}
	keys, err := r.fetch(ctx, issuer)
	if err != nil {
		e.failed, e.failErr = now, err
		if k := e.keys[kid]; k != nil {
			return k, nil // stale beats none while the issuer is unreachable
		}
		return nil, err
	}
	e.failErr = nil
	e.keys, e.fetched = keys, now
	if k := keys[kid]; k != nil {
		return k, nil
	}
	return nil, ErrUnknownKey
}

func (r *Remote) entry(issuer string) *entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.entries[issuer]; e != nil {
		return e
	}
	if len(r.entries) >= r.max {
		var oldest string
		var at time.Time
		for iss, e := range r.entries {
			if oldest == "" || e.fetched.Before(at) {
				oldest, at = iss, e.fetched
			}
		}
		delete(r.entries, oldest)
	}
	e := &entry{}
	r.entries[issuer] = e
	return e
}

func (r *Remote) fetch(ctx context.Context, issuer string) (map[string]*rsa.PublicKey, error) {
	if err := checkURL(issuer); err != nil {
		return nil, err
	}
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := r.getJSON(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	if disc.Issuer != "" && disc.Issuer != issuer {
		return nil, fmt.Errorf("discovery document of %s names issuer %s", issuer, disc.Issuer)
	}
	if err := checkURL(disc.JWKSURI); err != nil {
		return nil, fmt.Errorf("jwks_uri: %w", err)
	}
	var set jwks
	if err := r.getJSON(ctx, disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	return set.rsaKeys()
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("not an http(s) URL: %q", s)
	}
	return nil
}

func (r *Remote) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDocBytes+1))
	if err != nil {
		return err
	}
	if len(b) > maxDocBytes {
		return fmt.Errorf("GET %s: document over %d bytes", u, maxDocBytes)
	}
	return json.Unmarshal(b, v)
}

// jwks is a JSON Web Key Set (RFC 7517).
type jwks struct {
	Keys []struct {
		Kty string `json:"kty"`
		Kid string `json:"kid"`
		Use string `json:"use"`
		Alg string `json:"alg"`
		N   string `json:"n"`
		E   string `json:"e"`
	} `json:"keys"`
}

// rsaKeys returns the set's RSA signing keys by kid.
func (s jwks) rsaKeys() (map[string]*rsa.PublicKey, error) {
	out := map[string]*rsa.PublicKey{}
	for _, k := range s.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		pub, err := RSAKey(k.N, k.E)
		if err != nil {
			continue
		}
		out[k.Kid] = pub
	}
	if len(out) == 0 {
		return nil, errors.New("the key set has no RSA signing key")
	}
	return out, nil
}

// RSAKey decodes a JWK's base64url modulus and exponent.
func RSAKey(n64, e64 string) (*rsa.PublicKey, error) {
	n, err1 := base64.RawURLEncoding.DecodeString(n64)
	e, err2 := base64.RawURLEncoding.DecodeString(e64)
	if err1 != nil || err2 != nil || len(n) < 256 || len(e) == 0 || len(e) > 4 {
		return nil, errors.New("bad RSA key")
	}
	exp := int(new(big.Int).SetBytes(e).Int64())
	if exp < 3 || exp%2 == 0 {
		return nil, errors.New("bad RSA exponent")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, nil
}
