package authn

import (
	"sync"
	"time"
)

// Cache remembers tokens whose signature and static claims were verified,
// so that a repeated request costs a map lookup and the time checks. It is
// bounded; an entry is dropped once its token has expired, and a hit never
// extends it.
type Cache struct {
	mu      sync.RWMutex
	entries map[string]*cacheEntry
	max     int
}

type cacheEntry struct {
	session *Session
	expires time.Time // exp plus the clock skew: useless afterwards
}

// NewCache builds a cache of at most max tokens (max <= 0 disables it).
func NewCache(max int) *Cache {
	if max <= 0 {
		return nil
	}
	return &Cache{entries: make(map[string]*cacheEntry, 64), max: max}
}

func (c *Cache) get(token string, now time.Time) *Session {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	e := c.entries[token]
	c.mu.RUnlock()
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) {
		c.mu.Lock()
		if c.entries[token] == e {
			delete(c.entries, token)
		}
		c.mu.Unlock()
		return nil
	}
	return e.session
}

func (c *Cache) put(token string, s *Session, expires, now time.Time) {
	if c == nil || !now.Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[token] = &cacheEntry{session: s, expires: expires}
}

// evict drops expired entries, then arbitrary ones until a quarter of the
// capacity is free. Callers hold mu.
func (c *Cache) evict(now time.Time) {
	for k, e := range c.entries {
		if !now.Before(e.expires) {
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
