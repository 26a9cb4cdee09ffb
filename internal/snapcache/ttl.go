package snapcache

import (
	"context"
	"sync"
	"time"
)

// TTL caches one value (or a remembered error) per key for ttl. The zero
// TTL is not usable; use NewTTL.
type TTL[V any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu  sync.Mutex
	gen uint64
	m   map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v   V
	err error
	at  time.Time
}

// NewTTL returns a cache keeping each entry for ttl (0 or less caches
// nothing) and at most max entries: keys may be chosen by clients (unknown
// ids are cached too), so when full it starts over.
func NewTTL[V any](ttl time.Duration, max int, now func() time.Time) *TTL[V] {
	return &TTL[V]{ttl: ttl, max: max, now: now, m: map[string]ttlEntry[V]{}}
}

// Get returns key's value, calling load when it is absent or older than the
// TTL. An error load returns is remembered only when remember(err) says it
// is an answer (such as "not found"), never a failure to retry.
func (c *TTL[V]) Get(ctx context.Context, key string, load func(context.Context) (V, error), remember func(error) bool) (V, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	gen := c.gen
	c.mu.Unlock()
	if age := now.Sub(e.at); ok && age < c.ttl && age >= 0 {
		return e.v, e.err
	}
	v, err := load(ctx)
	if err != nil && (remember == nil || !remember(err)) {
		return v, err
	}
	if c.ttl > 0 {
		c.mu.Lock()
		if c.gen == gen {
			if len(c.m) >= c.max {
				clear(c.m)
			}
			c.m[key] = ttlEntry[V]{v: v, err: err, at: now}
		}
		c.mu.Unlock()
	}
	return v, err
}

// Invalidate drops every entry. Call it after a write commits, so a reader
// that loads after it sees the write.
func (c *TTL[V]) Invalidate() {
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}
