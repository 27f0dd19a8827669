package authn

import (
	"context"
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

func TestVerifiedCacheBoundsAndExpiry(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	c := NewCache(100)
	s := &Session{}
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
	s := &Session{}
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

// perfLikeToken is shaped like shared/perf's tokens (745 bytes): a v2
// session token with an active organization and a 2048-bit signature.
func perfLikeToken(i int) string {
	b64 := base64.RawURLEncoding
	h := b64.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"ins_test"}`))
	p := b64.EncodeToString([]byte(`{"azp":"http://localhost:3000","exp":1900007200,"fva":[0,-1],"iat":1899999995,"iss":"https://clerk.example.com","nbf":1899999990,"o":{"id":"org_1","slg":"acme","rol":"admin","per":"read,manage","fpm":"3"},"sid":"sess_` + itoa(i) + `","sts":"active","sub":"user_` + itoa(i) + `","v":2}`))
	return h + "." + p + "." + b64.EncodeToString(make([]byte, 256))
}

// BenchmarkVerifiedCacheEntryBytes reports the live heap one cached
// verification holds (B/entry): 10,000 distinct tokens, each stored as
// verifySession stores it, with the request's copy of the token as the
// only other reference to the token's memory.
func BenchmarkVerifiedCacheEntryBytes(b *testing.B) {
	const n = 10000
	now := time.Unix(1_900_000_000, 0)
	for b.Loop() {
		c := NewCache(n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < n; i++ {
			raw := "Bearer " + perfLikeToken(i) // what net/http hands the middleware
			tok := raw[len("Bearer "):]
			t, err := jwt.Decode(tok)
			if err != nil {
				b.Fatal(err)
			}
			c.put(tok, newSession(t), now.Add(time.Hour), now)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if c.Len() != n {
			b.Fatalf("cache holds %d entries, want %d", c.Len(), n)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/entry")
		runtime.KeepAlive(c)
	}
}

// TestSessionKeepsItsOwnMemory: a Session's payload is a copy of its own
// (not the decoded token's), its props' strings point into its values
// rather than into the token, and it writes the signed-in auth object.
func TestSessionKeepsItsOwnMemory(t *testing.T) {
	tok := perfLikeToken(7)
	d, err := jwt.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(d)
	if string(s.Payload) != string(d.Payload) || &s.Payload[0] == &d.Payload[0] || cap(s.Payload) != len(s.Payload) {
		t.Fatal("the payload is not an exact copy of its own")
	}
	p := s.Props
	if p.UserID != "user_7" || p.OrgRole != "org:admin" || p.OrgSlug != "acme" || len(p.FVAInts) != 2 {
		t.Fatalf("props = %+v", p)
	}
	for _, f := range []string{p.UserID, p.SessionID, p.SessionStatus, p.OrgID, p.OrgRole, p.OrgSlug} {
		if !strings.Contains(s.vals, f) || unsafe.StringData(f) != unsafe.StringData(s.vals[strings.Index(s.vals, f):]) {
			t.Errorf("prop %q is not a substring of the session's values", f)
		}
	}
	want := `{"tokenType":"session_token","sessionClaims":` + string(d.Payload) + `,"sessionId":"sess_7","sessionStatus":"active","userId":"user_7","orgId":"org_1","orgRole":"org:admin","orgSlug":"acme","orgPermissions":[],"factorVerificationAge":[0,-1],"isAuthenticated":true}`
	if got := string(s.AppendJSON([]byte("x"), s.Payload)); got != "x"+want {
		t.Fatalf("JSON =\n%s\nwant\n%s", got, "x"+want)
	}
	if got := string(s.AppendJSON(nil, nil)); got != strings.Replace(want, string(d.Payload), "null", 1) {
		t.Fatalf("JSON without claims = %s", got)
	}
}

// TestVerifiedCacheKeyIsTheWholeToken: a token differing from a cached one
// in any byte misses.
func TestVerifiedCacheKeyIsTheWholeToken(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	c := NewCache(10)
	tok := perfLikeToken(1)
	c.put(tok, &Session{}, now.Add(time.Hour), now)
	if c.get(tok, now) == nil {
		t.Fatal("miss for the cached token")
	}
	for _, i := range []int{0, len(tok) / 2, len(tok) - 1} {
		other := []byte(tok)
		other[i] ^= 1
		if c.get(string(other), now) != nil {
			t.Fatalf("a token differing at byte %d hit the cache", i)
		}
	}
	if c.get(tok[:len(tok)-1], now) != nil || c.get("", now) != nil {
		t.Fatal("a prefix of the cached token hit the cache")
	}
}

// TestAuthenticateIntoUsesTheRoom: the outcome is written into the caller's
// State, so a decided request costs no State allocation.
func TestAuthenticateIntoUsesTheRoom(t *testing.T) {
	c := &Config{PK: PublishableKey{InstanceType: Production, FrontendAPI: "clerk.example.com"}, Accepts: AcceptsAny}
	f := Facts{Method: "GET", URL: DeriveURL("https", "example.com", "", "", "/")}
	var room State
	st := AuthenticateInto(context.Background(), &f, c, &room)
	if st != &room || st.Status != StatusSignedOut || st.Reason != reasons.SessionTokenAndUATMissing {
		t.Fatalf("state = %p %+v, room %p", st, st, &room)
	}
	if got := testing.AllocsPerRun(100, func() { AuthenticateInto(context.Background(), &f, c, &room) }); got != 0 {
		t.Fatalf("a signed-out decision allocates %v times, want 0", got)
	}
}
