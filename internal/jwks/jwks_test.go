package jwks

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func rsaJWK(t *testing.T, kid string) JWK {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return JWK{Kid: kid, Kty: "RSA", Alg: "RS256", N: base64.RawURLEncoding.EncodeToString(k.N.Bytes()), E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())}
}

// countingFetcher serves keys and counts calls; gate, when set, blocks each
// fetch until closed so that concurrent callers pile up.
type countingFetcher struct {
	calls atomic.Int64
	keys  []JWK
	err   error
	gate  chan struct{}
}

func (f *countingFetcher) fetch(ctx context.Context) ([]JWK, error) {
	f.calls.Add(1)
	if f.gate != nil {
		<-f.gate
	}
	return f.keys, f.err
}

func reason(err error) string {
	var je *jwt.Error
	if errors.As(err, &je) {
		return je.Reason
	}
	return ""
}

func TestColdCacheConcurrentMissesFetchOnce(t *testing.T) {
	f := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_1")}, gate: make(chan struct{})}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	src := NewRemoteSource(f.fetch, RemoteOptions{Now: clk.now})

	const n = 1000
	var wg sync.WaitGroup
	var started sync.WaitGroup
	errs := make(chan error, n)
	started.Add(n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			k, err := src.Key(context.Background(), "ins_1")
			if err == nil && k.Kid != "ins_1" {
				err = errors.New("wrong key")
			}
			errs <- err
		}()
	}
	started.Wait()
	close(f.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Key: %v", err)
		}
	}
	if got := f.calls.Load(); got != 1 {
		t.Fatalf("JWKS fetched %d times for %d concurrent cold requests, want exactly 1", got, n)
	}
}

func TestUnknownKidRefetchIsBounded(t *testing.T) {
	f := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_1")}}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	src := NewRemoteSource(f.fetch, RemoteOptions{Now: clk.now, MinInterval: 5 * time.Second})
	if _, err := src.Key(context.Background(), "ins_1"); err != nil {
		t.Fatal(err)
	}
	// A flood of forged kids right after a fetch causes no fetch at all.
	for i := 0; i < 500; i++ {
		_, err := src.Key(context.Background(), "forged_"+string(rune('a'+i%26)))
		if reason(err) != reasons.JWKKidMismatch {
			t.Fatalf("forged kid: got %v, want %s", err, reasons.JWKKidMismatch)
		}
	}
	if got := f.calls.Load(); got != 1 {
		t.Fatalf("fetches = %d, want 1", got)
	}
	// After the interval, one unknown kid may trigger exactly one refetch.
	clk.add(5 * time.Second)
	for i := 0; i < 100; i++ {
		_, _ = src.Key(context.Background(), "forged")
	}
	if got := f.calls.Load(); got != 2 {
		t.Fatalf("fetches after the interval = %d, want 2", got)
	}
}

func TestRotationPicksUpNewKeyAfterInterval(t *testing.T) {
	first, rotated := rsaJWK(t, "ins_1"), rsaJWK(t, "ins_2")
	f := &countingFetcher{keys: []JWK{first}}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	src := NewRemoteSource(f.fetch, RemoteOptions{Now: clk.now})
	if _, err := src.Key(context.Background(), "ins_1"); err != nil {
		t.Fatal(err)
	}
	f.keys = []JWK{first, rotated}
	clk.add(6 * time.Second)
	k, err := src.Key(context.Background(), "ins_2")
	if err != nil || k.Kid != "ins_2" {
		t.Fatalf("rotated key: %v %v", k, err)
	}
}

func TestCacheHitDoesNotExtendLife(t *testing.T) {
	f := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_1")}}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	src := NewRemoteSource(f.fetch, RemoteOptions{Now: clk.now, TTL: 5 * time.Minute})
	for i := 0; i < 9; i++ { // hits every 29 s until 232 s after the fetch
		if _, err := src.Key(context.Background(), "ins_1"); err != nil {
			t.Fatal(err)
		}
		clk.add(29 * time.Second)
	}
	src.waitIdle()
	if got := f.calls.Load(); got != 1 {
		t.Fatalf("fetches before the refresh time = %d, want 1", got)
	}
	clk.add(11 * time.Second) // 272 s: past four fifths of the TTL
	if _, err := src.Key(context.Background(), "ins_1"); err != nil {
		t.Fatal(err)
	}
	src.waitIdle()
	if got := f.calls.Load(); got != 2 {
		t.Fatalf("fetches after the refresh time = %d, want 2 (hits must not extend the entry)", got)
	}
}

func TestFetchErrorsMapToReasons(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		keys   []JWK
		reason string
	}{
		{"invalid secret key", &FetchError{URL: "u", Status: 401, InvalidSecretKey: true, Message: "bad key"}, nil, reasons.InvalidSecretKey},
		{"server error", &FetchError{URL: "u", Status: 500}, nil, reasons.RemoteJWKFailedToLoad},
		{"empty key set", nil, []JWK{}, reasons.RemoteJWKFailedToLoad},
		{"transport failure", errors.New("connection refused"), nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &countingFetcher{err: tc.err, keys: tc.keys}
			clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
			src := NewRemoteSource(f.fetch, RemoteOptions{Now: clk.now, FailureBackoff: time.Second})
			_, err := src.Key(context.Background(), "ins_1")
			if err == nil || reason(err) != tc.reason {
				t.Fatalf("got %v (reason %q), want reason %q", err, reason(err), tc.reason)
			}
			// A failing endpoint is not called again within the backoff...
			_, err2 := src.Key(context.Background(), "ins_1")
			if err2 == nil || f.calls.Load() != 1 {
				t.Fatalf("second call: err=%v fetches=%d, want the cached error and 1 fetch", err2, f.calls.Load())
			}
			// ...but is after it.
			clk.add(time.Second)
			_, _ = src.Key(context.Background(), "ins_1")
			if f.calls.Load() != 2 {
				t.Fatalf("fetches after the backoff = %d, want 2", f.calls.Load())
			}
		})
	}
}

func TestSourcesAreScopedPerInstance(t *testing.T) {
	a := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_a")}}
	b := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_b")}}
	srcA := NewRemoteSource(a.fetch, RemoteOptions{})
	srcB := NewRemoteSource(b.fetch, RemoteOptions{})
	if _, err := srcA.Key(context.Background(), "ins_a"); err != nil {
		t.Fatal(err)
	}
	if _, err := srcB.Key(context.Background(), "ins_a"); reason(err) != reasons.JWKKidMismatch {
		t.Fatalf("instance B served instance A's key: %v", err)
	}
}

func TestJWKToKey(t *testing.T) {
	j := rsaJWK(t, "ins_1")
	if k := j.ToKey(); k.Public == nil {
		t.Fatal("RSA JWK did not convert")
	}
	for _, bad := range []JWK{{Kid: "x", Kty: "EC"}, {Kid: "x", Kty: "RSA", N: "!!", E: "AQAB"}, {Kid: "x", Kty: "RSA", N: j.N, E: ""}} {
		if k := bad.ToKey(); k.Public != nil {
			t.Fatalf("%+v converted to a usable key", bad)
		}
	}
}
