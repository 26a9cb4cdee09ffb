package sigv4

import (
	"container/list"
	"sync"
)

// defaultCacheSize bounds the signing-key cache: one entry per access key,
// day, region and service in use, so a few thousand covers a busy gateway.
const defaultCacheSize = 4096

// keyCache holds derived signing keys, least recently used evicted first.
// Deriving a key costs four HMACs; a cached request costs one map lookup.
// The secret is part of the entry so a rotated secret never reuses a stale
// key; it is compared as it is, not hashed (a SHA-256 per request), since
// the key lookup holds it in memory anyway.
type keyCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List // of *cacheEntry, most recent at the front
	items map[cacheID]*list.Element
}

type cacheID struct {
	accessKeyID, date, region, service string
}

type cacheEntry struct {
	id     cacheID
	secret string
	key    []byte
}

func newKeyCache(max int) *keyCache {
	return &keyCache{max: max, ll: list.New(), items: make(map[cacheID]*list.Element)}
}

// get returns the signing key for the scope, deriving and caching it on a miss.
func (c *keyCache) get(accessKeyID, secret, date, region, service string) []byte {
	if c == nil || c.max <= 0 {
		return SigningKey(secret, date, region, service)
	}
	id := cacheID{accessKeyID, date, region, service}
	c.mu.Lock()
	if el, ok := c.items[id]; ok {
		e := el.Value.(*cacheEntry)
		if sameSecret(e.secret, secret) {
			c.ll.MoveToFront(el)
			c.mu.Unlock()
			return e.key
		}
	}
	c.mu.Unlock()

	key := SigningKey(secret, date, region, service)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[id]; ok {
		el.Value = &cacheEntry{id: id, secret: secret, key: key}
		c.ll.MoveToFront(el)
		return key
	}
	c.items[id] = c.ll.PushFront(&cacheEntry{id: id, secret: secret, key: key})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).id)
	}
	return key
}

func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// sameSecret compares secrets in time independent of where they differ,
// without converting them to byte slices.
func sameSecret(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var d byte
	for i := 0; i < len(a); i++ {
		d |= a[i] ^ b[i]
	}
	return d == 0
}
