package jwks

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/reasons"
)

// A request for a kid that a running fetch brings waits for that fetch
// instead of failing with kid-mismatch.
func TestUnknownKidWaitsForRunningFetch(t *testing.T) {
	a, b := rsaJWK(t, "ins_a"), rsaJWK(t, "ins_b")
	f := &countingFetcher{keys: []JWK{a}}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	src := NewRemoteSource(f.fetch, RemoteOptions{Now: clk.now})
	if _, err := src.Key(context.Background(), "ins_a"); err != nil {
		t.Fatal(err)
	}
	f.keys, f.gate = []JWK{a, b}, make(chan struct{})
	clk.add(10 * time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := src.Key(context.Background(), "ins_b")
			errs <- err
		}()
	}
	close(f.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("waiting request: %v", err)
		}
	}
	if got := f.calls.Load(); got != 2 {
		t.Fatalf("fetches = %d, want 2 (warm-up and one for the burst)", got)
	}
}

// A known key is answered at once while the refresh it started is stuck;
// a failing refresh keeps the set; past MaxStale it is no longer used.
func TestStaleWhileErrorUpToMaxStale(t *testing.T) {
	f := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_a")}}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	src := NewRemoteSource(f.fetch, RemoteOptions{Now: clk.now, MaxStale: time.Hour})
	if _, err := src.Key(context.Background(), "ins_a"); err != nil {
		t.Fatal(err)
	}
	f.gate, f.err = make(chan struct{}), &FetchError{URL: "u", Status: 503}
	clk.add(10 * time.Minute)
	if _, err := src.Key(context.Background(), "ins_a"); err != nil {
		t.Fatalf("stale key while the refresh runs: %v", err)
	}
	close(f.gate)
	src.waitIdle()
	clk.add(49 * time.Minute)
	if _, err := src.Key(context.Background(), "ins_a"); err != nil {
		t.Fatalf("stale key after failed refreshes: %v", err)
	}
	src.waitIdle()
	clk.add(2 * time.Minute)
	_, err := src.Key(context.Background(), "ins_a")
	var je *Error
	if !errors.As(err, &je) || je.Kind != KindStatus || je.Status != 503 || reason(err) != reasons.RemoteJWKFailedToLoad {
		t.Fatalf("past MaxStale: %v, want a *jwks.Error of kind status 503 with jwk-remote-failed-to-load", err)
	}
}

// A waiting request gives up with its own context.
func TestWaitEndsWithRequestContext(t *testing.T) {
	f := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_a")}, gate: make(chan struct{})}
	src := NewRemoteSource(f.fetch, RemoteOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := src.Key(ctx, "ins_a"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	close(f.gate)
	src.waitIdle()
}

// A fetch that outlives the fetch timeout is a timeout error.
func TestFetchTimeout(t *testing.T) {
	hang := func(ctx context.Context) ([]JWK, error) { <-ctx.Done(); return nil, ctx.Err() }
	src := NewRemoteSource(hang, RemoteOptions{FetchTimeout: 10 * time.Millisecond})
	_, err := src.Key(context.Background(), "ins_a")
	var je *Error
	if !errors.As(err, &je) || je.Kind != KindTimeout || reason(err) != "" {
		t.Fatalf("err = %v, want a *jwks.Error of kind timeout (an unexpected error, as Clerk)", err)
	}
}
