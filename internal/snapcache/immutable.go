package snapcache

import (
	"context"
	"strings"
	"sync"
)

// Immutable caches records that never change once written. The zero value
// is ready to use.
type Immutable[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

// Get returns key's record, calling load the first time. When two callers
// load it at once, both get the first one stored, so state built lazily
// inside a record (a route tree) is shared.
func (c *Immutable[V]) Get(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := load(ctx)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[key]; ok {
		return prev, nil
	}
	if c.m == nil {
		c.m = map[string]V{}
	}
	c.m[key] = v
	return v, nil
}

// Evict drops the records whose key starts with prefix (a deleted record,
// or every record of a deleted parent).
func (c *Immutable[V]) Evict(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if strings.HasPrefix(k, prefix) {
			delete(c.m, k)
		}
	}
}
