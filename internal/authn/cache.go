package authn

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/goclerk/clerk/internal/digest"
)

// Cache remembers tokens whose signature and static claims were verified,
// so that a repeated request costs a hash, a map lookup and the time
// checks. It is bounded; an entry is dropped once its token has expired,
// and a hit never extends it.
//
// Tokens are keyed by their SHA-256: an entry costs 32 bytes of key rather
// than the token, and no bearer token is kept in memory.
type Cache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]cacheEntry
	max     int
}

type cacheEntry struct {
	session *Session
	expires int64 // Unix ms of exp plus the clock skew: useless afterwards
}

// NewCache builds a cache of at most max tokens (max <= 0 disables it).
func NewCache(max int) *Cache {
	if max <= 0 {
		return nil
	}
	return &Cache{entries: make(map[[sha256.Size]byte]cacheEntry, min(max, 1024)), max: max}
}

// cacheKey is the token's SHA-256, computed without copying the token to
// the heap.
func cacheKey(token string) [sha256.Size]byte { return digest.SHA256(token) }

func (c *Cache) get(token string, now time.Time) *Session {
	if c == nil || token == "" {
		return nil
	}
	return c.getKey(cacheKey(token), now)
}

// getKey is get for a token hashed by cacheKey.
func (c *Cache) getKey(k [sha256.Size]byte, now time.Time) *Session {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	if !ok {
		return nil
	}
	if now.UnixMilli() >= e.expires {
		c.mu.Lock()
		if cur, ok := c.entries[k]; ok && cur.session == e.session {
			delete(c.entries, k)
		}
		c.mu.Unlock()
		return nil
	}
	return e.session
}

func (c *Cache) put(token string, s *Session, expires, now time.Time) {
	if c != nil {
		c.putKey(cacheKey(token), s, expires, now)
	}
}

// putKey is put for a token hashed by cacheKey.
func (c *Cache) putKey(k [sha256.Size]byte, s *Session, expires, now time.Time) {
	if c == nil || !now.Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		c.evict(now.UnixMilli())
	}
	c.entries[k] = cacheEntry{session: s, expires: expires.UnixMilli()}
}

// evict drops expired entries, then arbitrary ones until a quarter of the
// capacity is free, so that a full cache is scanned once per max/4
// inserts. Callers hold mu.
func (c *Cache) evict(nowMs int64) {
	for k, e := range c.entries {
		if nowMs >= e.expires {
			delete(c.entries, k)
		}
	}
	for k := range c.entries {
		if len(c.entries) < c.max-c.max/4 {
			break
		}
		delete(c.entries, k)
	}
}

// Len reports the number of cached tokens.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
