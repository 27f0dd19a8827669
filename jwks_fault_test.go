package clerk_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goclerk/clerk"
)

// The JWKS fault suite: a fake Backend API whose JWKS endpoint the test
// switches between good answers and failures, a middleware on an injected
// clock with a short fetch timeout, and bursts of concurrent requests whose
// worst latency, signed-out count and fetch count are checked (and logged
// with -v).

const faultTimeout = 100 * time.Millisecond

type faultClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *faultClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *faultClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type faultKey struct {
	kid string
	k   *rsa.PrivateKey
}

func newFaultKey(tb testing.TB, kid string) faultKey {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	return faultKey{kid, k}
}

func (fk faultKey) jwk() map[string]string {
	return map[string]string{"kid": fk.kid, "kty": "RSA", "alg": "RS256", "use": "sig",
		"n": rtB64(fk.k.N.Bytes()), "e": rtB64(big.NewInt(int64(fk.k.E)).Bytes())}
}

// tokenSerial makes every token distinct, so that no request is answered
// from the verified-token cache without asking for its key.
var tokenSerial int

// token is a session token signed by fk, valid at now. Tokens are made on
// the test goroutine before a burst starts.
func (fk faultKey) token(tb testing.TB, now time.Time) string {
	tb.Helper()
	n := now.Unix()
	tokenSerial++
	hb, _ := json.Marshal(map[string]any{"alg": "RS256", "typ": "JWT", "kid": fk.kid, "cat": "cl_B7d4PD111AAA"})
	pb, _ := json.Marshal(map[string]any{"azp": rtOrigin, "exp": n + 60, "iat": n - 5, "nbf": n - 10,
		"iss": "https://" + rtFAPI, "sid": "sess_1", "sts": "active", "sub": "user_1", "v": 2, "fva": []int{0, -1}, "jti": tokenSerial})
	input := rtB64(hb) + "." + rtB64(pb)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, fk.k, crypto.SHA256, sum[:])
	if err != nil {
		tb.Fatal(err)
	}
	return input + "." + rtB64(sig)
}

// fakeJWKS is the Backend API's JWKS endpoint under the test's control.
type fakeJWKS struct {
	srv      *httptest.Server
	mode     atomic.Value // string
	keys     atomic.Value // []faultKey
	delay    atomic.Int64 // for "ok": answer after this long
	fetches  atomic.Int64
	inflight atomic.Int64
}

func newFakeJWKS(t *testing.T, keys ...faultKey) *fakeJWKS {
	f := &fakeJWKS{}
	f.mode.Store("ok")
	f.keys.Store(keys)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeJWKS) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/jwks" {
		http.NotFound(w, r)
		return
	}
	f.fetches.Add(1)
	f.inflight.Add(1)
	defer f.inflight.Add(-1)
	w.Header().Set("Content-Type", "application/json")
	switch f.mode.Load().(string) {
	case "ok":
		if d := time.Duration(f.delay.Load()); d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		var set []map[string]string
		for _, k := range f.keys.Load().([]faultKey) {
			set = append(set, k.jwk())
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": set})
	case "slow": // answers well after the fetch timeout
		select {
		case <-time.After(20 * faultTimeout):
			io.WriteString(w, `{"keys":[]}`)
		case <-r.Context().Done():
		}
	case "hang":
		<-r.Context().Done()
	case "500":
		w.WriteHeader(500)
		io.WriteString(w, `{"errors":[{"code":"internal_error","message":"down"}]}`)
	case "429":
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
		io.WriteString(w, `{"errors":[{"code":"too_many_requests","message":"slow down"}]}`)
	case "garbage":
		io.WriteString(w, `<html>502 Bad Gateway</html>`)
	case "empty":
		io.WriteString(w, `{"keys":[]}`)
	case "huge": // 50 MB, streamed without a Content-Length
		chunk := []byte(`{"keys":[{"kid":"` + strings.Repeat("x", 64<<10))
		for i := 0; i < 50<<20/len(chunk); i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case "refused":
		// Close the connection without an answer.
		if hj, ok := w.(http.Hijacker); ok {
			c, _, _ := hj.Hijack()
			c.Close()
		}
	}
}

// settle waits (on the wall clock: the fetch timeout is a real deadline,
// and a background refresh reaches the endpoint a moment after the request
// that started it) until no fetch has been running for a while.
func (f *fakeJWKS) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(50 * faultTimeout)
	quietSince, seen := time.Now(), f.fetches.Load()
	for time.Since(quietSince) < faultTimeout/2 {
		if time.Now().After(deadline) {
			t.Fatal("the JWKS endpoint still has a fetch running")
		}
		if n := f.fetches.Load(); f.inflight.Load() > 0 || n != seen {
			quietSince, seen = time.Now(), n
		}
		time.Sleep(time.Millisecond)
	}
}

type faultApp struct {
	h     http.Handler
	clock *faultClock
	jwks  *fakeJWKS
}

func newFaultApp(t *testing.T, f *fakeJWKS, clock *faultClock) *faultApp {
	t.Helper()
	rtClearEnv(t)
	mw, err := clerk.Middleware(clerk.Options{
		SecretKey: "sk_live_fault", PublishableKey: rtPKLive, APIURL: f.srv.URL,
		JWKSFetchTimeout: faultTimeout, Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, reason := clerk.State(r)
		fmt.Fprintf(w, "%s %s", st, reason)
	}))
	return &faultApp{h: h, clock: clock, jwks: f}
}

type burstResult struct {
	worst     time.Duration
	signedOut int
	reasons   map[string]int
	fetches   int64
}

// burst sends n concurrent requests, each with the token tok(i).
func (a *faultApp) burst(t *testing.T, n int, tok func(i int) string) burstResult {
	t.Helper()
	before := a.jwks.fetches.Load()
	var mu sync.Mutex
	res := burstResult{reasons: map[string]int{}}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		token := tok(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := httptest.NewRequest(http.MethodGet, "http://app.example.com/api", nil)
			r.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			<-start
			t0 := time.Now()
			a.h.ServeHTTP(w, r)
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			res.worst = max(res.worst, d)
			if body := w.Body.String(); body != "signed-in " {
				res.signedOut++
				res.reasons[body+" / "+w.Header().Get("X-Clerk-Auth-Message")]++
			}
		}()
	}
	close(start)
	wg.Wait()
	a.jwks.settle(t)
	res.fetches = a.jwks.fetches.Load() - before
	return res
}

func TestJWKSFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault suite waits for real fetch timeouts")
	}
	keyA := newFaultKey(t, "ins_a")
	// A request never waits for keys much longer than the fetch timeout.
	bound := faultTimeout + 400*time.Millisecond
	for _, mode := range []string{"slow", "hang", "refused", "500", "garbage", "empty", "429", "huge"} {
		t.Run(mode+"/cold", func(t *testing.T) {
			f := newFakeJWKS(t, keyA)
			f.mode.Store(mode)
			clock := &faultClock{t: rtNow}
			app := newFaultApp(t, f, clock)
			res := app.burst(t, 50, func(int) string { return keyA.token(t, clock.Now()) })
			t.Logf("%s cold: worst %v, signed out %d/50 %v, fetches %d", mode, res.worst.Round(time.Millisecond), res.signedOut, res.reasons, res.fetches)
			if res.worst > bound {
				t.Errorf("worst latency %v, want <= %v", res.worst, bound)
			}
			if res.signedOut != 50 {
				t.Errorf("signed out %d/50 without any key, want 50", res.signedOut)
			}
			if res.fetches != 1 {
				t.Errorf("fetches = %d, want 1 for the burst", res.fetches)
			}
		})
		t.Run(mode+"/warm", func(t *testing.T) {
			f := newFakeJWKS(t, keyA)
			clock := &faultClock{t: rtNow}
			app := newFaultApp(t, f, clock)
			if res := app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) }); res.signedOut != 0 {
				t.Fatalf("warm-up: %v", res.reasons)
			}
			f.mode.Store(mode)
			clock.Add(6 * time.Minute) // past the refresh time and the TTL
			res := app.burst(t, 50, func(int) string { return keyA.token(t, clock.Now()) })
			t.Logf("%s warm: worst %v, signed out %d/50 %v, fetches %d", mode, res.worst.Round(time.Millisecond), res.signedOut, res.reasons, res.fetches)
			if res.signedOut != 0 {
				t.Errorf("signed out %d/50 with the keys in memory: %v", res.signedOut, res.reasons)
			}
			// A request that waited for the refresh of a slow or hanging
			// endpoint would take the whole fetch timeout; below it, none
			// did, however loaded the machine is (a loaded CI host has
			// taken 56 ms for this burst).
			if res.worst >= faultTimeout {
				t.Errorf("worst latency %v on a warm cache, want no wait for the refresh", res.worst)
			}
			// net/http's Transport itself retries a GET once when a reused
			// connection is closed without an answer.
			if want := int64(1); res.fetches != want && (mode != "refused" || res.fetches != 2) {
				t.Errorf("fetches = %d, want 1 background refresh", res.fetches)
			}
		})
	}
}

// Tokens signed by a new key arrive in a burst while the refresh that
// brings the key is in flight: every one waits for that one fetch.
func TestJWKSRotationBurst(t *testing.T) {
	keyA, keyB := newFaultKey(t, "ins_a"), newFaultKey(t, "ins_b")
	f := newFakeJWKS(t, keyA)
	clock := &faultClock{t: rtNow}
	app := newFaultApp(t, f, clock)
	if res := app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) }); res.signedOut != 0 {
		t.Fatalf("warm-up: %v", res.reasons)
	}
	f.keys.Store([]faultKey{keyB}) // Clerk rotated: A is gone, B signs
	f.delay.Store(int64(faultTimeout / 4))
	clock.Add(10 * time.Second)
	res := app.burst(t, 50, func(int) string { return keyB.token(t, clock.Now()) })
	t.Logf("rotation: worst %v, signed out %d/50 %v, fetches %d", res.worst.Round(time.Millisecond), res.signedOut, res.reasons, res.fetches)
	if res.signedOut != 0 || res.fetches != 1 {
		t.Errorf("signed out %d/50 (%v), fetches %d; want 0 and 1", res.signedOut, res.reasons, res.fetches)
	}
	// The removed key stops verifying as soon as the answer without it
	// arrived.
	old := app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) })
	if old.signedOut != 1 || !strings.Contains(fmt.Sprint(old.reasons), "jwk-kid-mismatch") {
		t.Errorf("a token of the removed key: %v, want signed out with jwk-kid-mismatch", old.reasons)
	}
	// Random kids right after cause no fetch storm.
	random := app.burst(t, 50, func(i int) string {
		return newFaultKeyCached(t, i).token(t, clock.Now())
	})
	t.Logf("random kids: signed out %d/50, fetches %d", random.signedOut, random.fetches)
	if random.signedOut != 50 || random.fetches != 0 {
		t.Errorf("random kids: signed out %d/50, fetches %d; want 50 and 0", random.signedOut, random.fetches)
	}
}

var (
	randomKeysMu sync.Mutex
	randomKey    *rsa.PrivateKey
)

// newFaultKeyCached signs with one key under many kids: only the kid matters.
func newFaultKeyCached(t *testing.T, i int) faultKey {
	randomKeysMu.Lock()
	defer randomKeysMu.Unlock()
	if randomKey == nil {
		randomKey = newFaultKey(t, "").k
	}
	return faultKey{fmt.Sprintf("ins_random_%d", i), randomKey}
}

// With a warm cache and the endpoint down for an hour, no request with a
// known key fails, and the refresh is retried at a bounded rate.
func TestJWKSEndpointDownForAnHour(t *testing.T) {
	keyA := newFaultKey(t, "ins_a")
	f := newFakeJWKS(t, keyA)
	clock := &faultClock{t: rtNow}
	app := newFaultApp(t, f, clock)
	if res := app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) }); res.signedOut != 0 {
		t.Fatalf("warm-up: %v", res.reasons)
	}
	f.mode.Store("500")
	failed, fetchesBefore := 0, f.fetches.Load()
	for minute := 0; minute < 60; minute++ {
		clock.Add(time.Minute)
		res := app.burst(t, 5, func(int) string { return keyA.token(t, clock.Now()) })
		failed += res.signedOut
	}
	fetches := f.fetches.Load() - fetchesBefore
	t.Logf("an hour down: %d requests failed, %d fetch attempts", failed, fetches)
	if failed != 0 {
		t.Errorf("%d requests with known keys failed", failed)
	}
	if fetches > 60 {
		t.Errorf("%d fetch attempts in an hour, want at most one a minute", fetches)
	}
	// Back up: the next refresh brings the set back to fresh.
	f.mode.Store("ok")
	clock.Add(time.Minute)
	app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) })
	f.mode.Store("500")
	clock.Add(time.Minute)
	if res := app.burst(t, 5, func(int) string { return keyA.token(t, clock.Now()) }); res.signedOut != 0 || res.fetches != 0 {
		t.Errorf("after recovery: signed out %d, fetches %d; want a fresh set and no fetch", res.signedOut, res.fetches)
	}
}

// Past the maximum staleness the keys stop verifying.
func TestJWKSMaxStaleness(t *testing.T) {
	keyA := newFaultKey(t, "ins_a")
	f := newFakeJWKS(t, keyA)
	clock := &faultClock{t: rtNow}
	app := newFaultApp(t, f, clock)
	app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) })
	f.mode.Store("500")
	clock.Add(23*time.Hour + 59*time.Minute)
	if res := app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) }); res.signedOut != 0 {
		t.Fatalf("within the staleness bound: %v", res.reasons)
	}
	clock.Add(2 * time.Minute)
	res := app.burst(t, 1, func(int) string { return keyA.token(t, clock.Now()) })
	if res.signedOut != 1 || !strings.Contains(fmt.Sprint(res.reasons), "jwk-remote-failed-to-load") {
		t.Errorf("past the staleness bound: %v, want signed out with jwk-remote-failed-to-load", res.reasons)
	}
}

// A huge JWKS answer costs at most about the 1 MiB cap in allocations.
func TestJWKSHugeBodyMemory(t *testing.T) {
	keyA := newFaultKey(t, "ins_a")
	f := newFakeJWKS(t, keyA)
	f.mode.Store("huge")
	clock := &faultClock{t: rtNow}
	app := newFaultApp(t, f, clock)
	tok := keyA.token(t, clock.Now())
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	r := httptest.NewRequest(http.MethodGet, "http://app.example.com/api", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	app.h.ServeHTTP(w, r)
	runtime.ReadMemStats(&m1)
	f.settle(t)
	// TotalAlloc counts the server's writes too; they reuse one chunk.
	grew := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("huge body: %q, allocated %.2f MiB during the request, heap in use %+.2f MiB", w.Body.String(), float64(grew)/(1<<20), (float64(m1.HeapAlloc)-float64(m0.HeapAlloc))/(1<<20))
	if !strings.Contains(w.Body.String(), "jwk-remote-failed-to-load") {
		t.Errorf("answer %q, want jwk-remote-failed-to-load", w.Body.String())
	}
	if grew > 2<<20+512<<10 {
		t.Errorf("allocated %d bytes for a capped body", grew)
	}
}
