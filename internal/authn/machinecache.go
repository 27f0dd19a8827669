package authn

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// MachineCache remembers successful verifications of opaque machine tokens
// (API keys, M2M and OAuth tokens) for a TTL the user chooses, and never
// beyond the token's own expiration. Tokens are keyed by their SHA-256, so
// no secret is kept in memory. Concurrent verifications of the same token
// share one Backend API call. A revoked token keeps working until its entry
// expires: the TTL is the revocation delay.
type MachineCache struct {
	ttl   time.Duration
	max   int
	mu    sync.Mutex
	items map[[32]byte]machineEntry
	group singleflight.Group
}

type machineEntry struct {
	m       *Machine
	expires time.Time
}

// NewMachineCache builds a cache; ttl <= 0 disables it (nil).
func NewMachineCache(ttl time.Duration, max int) *MachineCache {
	if ttl <= 0 {
		return nil
	}
	if max <= 0 {
		max = 10000
	}
	return &MachineCache{ttl: ttl, max: max, items: map[[32]byte]machineEntry{}}
}

// verify returns the cached verification of tok or runs fetch once for all
// concurrent callers.
func (mc *MachineCache) verify(ctx context.Context, tok string, now func() time.Time, fetch func(context.Context) (*Machine, *machineError)) (*Machine, *machineError) {
	key := sha256.Sum256([]byte(tok))
	mc.mu.Lock()
	e, ok := mc.items[key]
	if ok && !now().Before(e.expires) {
		delete(mc.items, key)
		ok = false
	}
	mc.mu.Unlock()
	if ok {
		return e.m, nil
	}
	type result struct {
		m   *Machine
		err *machineError
	}
	v, _, _ := mc.group.Do(string(key[:]), func() (any, error) {
		m, merr := fetch(context.WithoutCancel(ctx))
		if merr == nil {
			mc.put(key, m, now())
		}
		return result{m, merr}, nil
	})
	r := v.(result)
	return r.m, r.err
}

func (mc *MachineCache) put(key [32]byte, m *Machine, now time.Time) {
	expires := now.Add(mc.ttl)
	if exp, ok := expirationOf(m); ok {
		if !exp.After(now) {
			return
		}
		if exp.Before(expires) {
			expires = exp
		}
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if len(mc.items) >= mc.max {
		for k, e := range mc.items {
			if !now.Before(e.expires) || len(mc.items) >= mc.max {
				delete(mc.items, k)
			}
			if len(mc.items) < mc.max-mc.max/4 {
				break
			}
		}
	}
	mc.items[key] = machineEntry{m: m, expires: expires}
}

// expirationOf reads the verification's "expiration" (Unix milliseconds).
func expirationOf(m *Machine) (time.Time, bool) {
	if len(m.Expiration) == 0 {
		return time.Time{}, false
	}
	var ms float64
	if json.Unmarshal(m.Expiration, &ms) != nil || ms <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(ms)), true
}

// Len reports the number of cached verifications.
func (mc *MachineCache) Len() int {
	if mc == nil {
		return 0
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	return len(mc.items)
}
