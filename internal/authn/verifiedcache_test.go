package authn

import (
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
)

func TestVerifiedCacheBoundsAndExpiry(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	c := NewCache(100)
	s := &Session{Token: &jwt.Token{}}
	for i := 0; i < 1000; i++ {
		c.put(string(rune('a'+i%26))+itoa(i), s, now.Add(time.Minute), now)
		if c.Len() > 100 {
			t.Fatalf("cache grew to %d entries, bound is 100", c.Len())
		}
	}
	c.put("tok", s, now.Add(time.Minute), now)
	if c.get("tok", now.Add(59*time.Second)) == nil {
		t.Fatal("entry missing before its expiry")
	}
	if c.get("tok", now.Add(time.Minute)) != nil {
		t.Fatal("entry served at its expiry")
	}
	if c.get("tok", now) != nil {
		t.Fatal("an expired entry was not dropped (a hit must never revive it)")
	}
	// Entries that are already expired are never stored.
	c.put("old", s, now, now)
	if c.get("old", now.Add(-time.Second)) != nil {
		t.Fatal("stored an entry that had already expired")
	}
	var nilCache *Cache
	nilCache.put("x", s, now.Add(time.Hour), now)
	if nilCache.get("x", now) != nil || nilCache.Len() != 0 || NewCache(0) != nil {
		t.Fatal("a disabled cache must be a no-op")
	}
}

func TestVerifiedCacheEvictsExpiredFirst(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	c := NewCache(4)
	s := &Session{Token: &jwt.Token{}}
	c.put("short1", s, now.Add(time.Second), now)
	c.put("short2", s, now.Add(time.Second), now)
	c.put("long1", s, now.Add(time.Hour), now)
	c.put("long2", s, now.Add(time.Hour), now)
	later := now.Add(2 * time.Second)
	c.put("new", s, later.Add(time.Hour), later) // full: the expired ones go first
	for _, k := range []string{"long1", "long2", "new"} {
		if c.get(k, later) == nil {
			t.Fatalf("%s was evicted while expired entries were present", k)
		}
	}
}
