package authorizer

import (
	"crypto/sha256"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTTL is authorizerResultTtlInSeconds when it is not set, and
// MaxTTL its largest value: "If this field is not set, the default value
// is 300. The maximum value is 3600, or 1 hour"
// (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html).
const (
	DefaultTTL = 300 * time.Second
	MaxTTL     = 3600 * time.Second
)

// maxEntries bounds the cache: callers choose the identity values.
const maxEntries = 10000

// Cache keeps authorizer results per authorizer and identity-source
// values for the authorizer's TTL, as API Gateway's authorization caching
// does: within the TTL the function is not called again and the cached
// policy is evaluated against each new method ARN. Only accepted answers
// are cached; errors and "Unauthorized" are not. Safe for concurrent use.
type Cache struct {
	now func() time.Time

	mu sync.Mutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	r       *Result
	expires time.Time
}

// NewCache returns a cache reading time from now (time.Now when nil).
func NewCache(now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{now: now, m: map[string]cacheEntry{}}
}

// Key names the cache slot of one authorizer (scope, e.g. API id +
// authorizer id; a new deployment may change the authorizer, so the scope
// should name it) and identity values. Lengths are part of the hashed
// text, so no two value lists share one; the identity values (tokens are
// credentials) are kept only as a SHA-256 digest.
func Key(scope string, values []string) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(scope)))
	b.WriteByte(':')
	b.WriteString(scope)
	for _, v := range values {
		b.WriteByte('|')
		b.WriteString(strconv.Itoa(len(v)))
		b.WriteByte(':')
		b.WriteString(v)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return string(sum[:])
}

// Get returns the live result under key.
func (c *Cache) Get(key string) (*Result, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		delete(c.m, key)
		return nil, false
	}
	return e.r, true
}

// Put keeps r under key for ttl; a ttl of zero or less caches nothing.
func (c *Cache) Put(key string, r *Result, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	if ttl > MaxTTL {
		ttl = MaxTTL
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxEntries {
		c.evict(now)
	}
	c.m[key] = cacheEntry{r: r, expires: now.Add(ttl)}
}

// evict drops expired entries, and everything when none had expired.
func (c *Cache) evict(now time.Time) {
	for k, e := range c.m {
		if !now.Before(e.expires) {
			delete(c.m, k)
		}
	}
	if len(c.m) >= maxEntries {
		clear(c.m)
	}
}

// Len is the number of entries held, live or not yet evicted.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
