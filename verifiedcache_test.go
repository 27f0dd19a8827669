package clerk

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// A cached verification still re-checks the time claims on every hit: once
// the token expires, the next request is signed out although the token sits
// in the cache.
func TestVerifiedTokenCacheRechecksExpiry(t *testing.T) {
	in := perfSetup(t)
	start := time.Now()
	var mu sync.Mutex
	now := start
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	o := benchOptions(in)
	o.Now = clock
	h := perfHandler(t, o)
	tok := perfToken(t, in, 7, start) // exp = start + 3600 s

	status := func() string {
		r := httptest.NewRequest("GET", "/api", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Header().Get("X-Clerk-Auth-Reason")
	}
	if got := status(); got != "" {
		t.Fatalf("fresh token: reason %q", got)
	}
	mu.Lock()
	now = start.Add(3600*time.Second + 4*time.Second) // within the 5 s skew
	mu.Unlock()
	if got := status(); got != "" {
		t.Fatalf("within the clock skew: reason %q", got)
	}
	mu.Lock()
	now = start.Add(3600*time.Second + 6*time.Second)
	mu.Unlock()
	if got := status(); got != "session-token-expired-refresh-non-eligible-no-refresh-cookie" {
		t.Fatalf("expired cached token: reason %q", got)
	}
}
