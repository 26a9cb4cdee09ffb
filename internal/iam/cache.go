package iam

import (
	"context"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

// cacheTTL bounds how long a replica may serve an identity another replica
// has changed. IAM itself is eventually consistent ("changes ... can take
// some time to propagate",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency);
// changes made through this Service are seen at once.
const cacheTTL = time.Second

// identityCache keeps what every signed request asks for (the key's secret
// and the caller's policies) so the hot path does not read the store each
// time. Any write through this Service empties it.
type identityCache struct {
	mu         sync.Mutex
	gen        uint64
	keys       map[string]cachedKey
	principals map[string]cachedPrincipal
}

type cachedKey struct {
	info  KeyInfo
	found bool
	at    time.Time
	gen   uint64
}

type cachedPrincipal struct {
	p   Principal
	at  time.Time
	gen uint64
}

func newIdentityCache() *identityCache {
	return &identityCache{keys: map[string]cachedKey{}, principals: map[string]cachedPrincipal{}}
}

// invalidate drops everything; the generation guards against a reader
// storing a value computed before the write.
func (c *identityCache) invalidate() {
	c.mu.Lock()
	c.gen++
	clear(c.keys)
	clear(c.principals)
	c.mu.Unlock()
}

func (c *identityCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// fresh reports whether an entry stored at at may still be served at now
// (the Service's injected clock).
func fresh(at, now time.Time) bool { return now.Sub(at) < cacheTTL }

func (c *identityCache) key(id string, now time.Time) (cachedKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.keys[id]
	return e, ok && e.gen == c.gen && fresh(e.at, now)
}

func (c *identityCache) putKey(id string, e cachedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen == c.gen && len(c.keys) < 10000 {
		c.keys[id] = e
	}
}

func (c *identityCache) principal(id string, now time.Time) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.principals[id]
	return e.p, ok && e.gen == c.gen && fresh(e.at, now)
}

func (c *identityCache) putPrincipal(id string, e cachedPrincipal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen == c.gen && len(c.principals) < 10000 {
		c.principals[id] = e
	}
}

// watchedStore empties the cache after every write made through it.
type watchedStore struct {
	store.Store
	cache *identityCache
}

func (w watchedStore) Put(ctx context.Context, kind, key string, value []byte) error {
	defer w.cache.invalidate()
	return w.Store.Put(ctx, kind, key, value)
}

func (w watchedStore) Create(ctx context.Context, kind, key string, value []byte) error {
	defer w.cache.invalidate()
	return w.Store.Create(ctx, kind, key, value)
}

func (w watchedStore) Delete(ctx context.Context, kind, key string) error {
	defer w.cache.invalidate()
	return w.Store.Delete(ctx, kind, key)
}

func (w watchedStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	defer w.cache.invalidate()
	return w.Store.Update(ctx, fn)
}
