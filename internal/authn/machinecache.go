package authn

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sync"
	"time"

	"github.com/goclerk/clerk/internal/reasons"
	"golang.org/x/sync/singleflight"
)

// InvalidTokenTTL is how long a token the Backend API called unknown (404)
// is answered from memory instead of being verified again: long enough that
// one bad token repeated costs one call, short enough that a key created a
// moment after a failed attempt soon works.
const InvalidTokenTTL = 10 * time.Second

const defaultMachineCacheSize = 10000

// MachineCache stands between the decision and the Backend API's
// verification of opaque machine tokens (API keys, M2M and OAuth tokens).
// Concurrent verifications of one token always share a single call. It
// remembers tokens the Backend API called invalid for InvalidTokenTTL, and,
// when its TTL is positive, successful verifications for that TTL (never
// beyond the token's own expiration; the TTL is then the delay before a
// revoked token stops working). Both maps are bounded and keyed by the
// token's SHA-256, so no secret is kept in memory.
type MachineCache struct {
	ttl     time.Duration
	max     int
	mu      sync.Mutex
	valid   map[[32]byte]machineEntry
	invalid map[[32]byte]machineEntry
	group   singleflight.Group
}

type machineEntry struct {
	m       *Machine      // valid entries
	err     *machineError // invalid entries
	expires time.Time
}

// NewMachineCache builds a cache; ttl <= 0 keeps no successful
// verification, max <= 0 means 10,000 entries per map.
func NewMachineCache(ttl time.Duration, max int) *MachineCache {
	if max <= 0 {
		max = defaultMachineCacheSize
	}
	return &MachineCache{ttl: ttl, max: max, valid: map[[32]byte]machineEntry{}, invalid: map[[32]byte]machineEntry{}}
}

// verify answers from memory or runs fetch once for all concurrent callers.
// observe, when not nil, is told whether memory answered.
func (mc *MachineCache) verify(ctx context.Context, tok string, now func() time.Time, observe func(hit bool), fetch func(context.Context) (*Machine, *machineError)) (*Machine, *machineError) {
	key := sha256.Sum256([]byte(tok))
	e, ok := mc.lookup(key, now())
	if observe != nil {
		observe(ok)
	}
	if ok {
		return e.m, e.err
	}
	v, _, _ := mc.group.Do(string(key[:]), func() (any, error) {
		// A flight that ended between the lookup above and this one has
		// already stored its answer.
		if e, ok := mc.lookup(key, now()); ok {
			return e, nil
		}
		// The call is shared: one caller's cancellation must not fail the
		// others. The client's per-attempt timeout still bounds it.
		m, merr := fetch(context.WithoutCancel(ctx))
		switch {
		case merr == nil && mc.ttl > 0:
			mc.putValid(key, m, now())
		case merr != nil && merr.Code == reasons.TokenInvalid && merr.Status == 404:
			mc.put(mc.invalid, key, machineEntry{err: merr, expires: now().Add(InvalidTokenTTL)}, now())
		}
		return machineEntry{m: m, err: merr}, nil
	})
	e = v.(machineEntry)
	return e.m, e.err
}

// lookup returns a live entry for key, dropping an expired one.
func (mc *MachineCache) lookup(key [32]byte, now time.Time) (machineEntry, bool) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	for _, m := range []map[[32]byte]machineEntry{mc.valid, mc.invalid} {
		if e, ok := m[key]; ok {
			if now.Before(e.expires) {
				return e, true
			}
			delete(m, key)
		}
	}
	return machineEntry{}, false
}

func (mc *MachineCache) putValid(key [32]byte, m *Machine, now time.Time) {
	expires := now.Add(mc.ttl)
	if exp, ok := expirationOf(m); ok {
		if !exp.After(now) {
			return
		}
		if exp.Before(expires) {
			expires = exp
		}
	}
	mc.put(mc.valid, key, machineEntry{m: m, expires: expires}, now)
}

// put stores e, first making room in a full map: expired entries go, then
// arbitrary ones until a quarter is free.
func (mc *MachineCache) put(m map[[32]byte]machineEntry, key [32]byte, e machineEntry, now time.Time) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if len(m) >= mc.max {
		for k, old := range m {
			if !now.Before(old.expires) || len(m) >= mc.max {
				delete(m, k)
			}
			if len(m) < mc.max-mc.max/4 {
				break
			}
		}
	}
	m[key] = e
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

// Len reports the number of cached successful verifications.
func (mc *MachineCache) Len() int {
	if mc == nil {
		return 0
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	return len(mc.valid)
}
