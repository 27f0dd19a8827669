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

type reqKey struct{}

// The observer is told of each fetch, with the starting request's values
// (not its cancellation), and the fetch runs with the context it returns.
func TestObserveFetches(t *testing.T) {
	f := &countingFetcher{keys: []JWK{rsaJWK(t, "ins_a")}}
	var mu sync.Mutex
	var outcomes []FetchOutcome
	var starts []any
	var seen []any
	fetch := func(ctx context.Context) ([]JWK, error) {
		mu.Lock()
		seen = append(seen, ctx.Value(reqKey{}))
		mu.Unlock()
		return f.fetch(ctx)
	}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	src := NewRemoteSource(fetch, RemoteOptions{Now: clk.now, Observe: func(ctx context.Context) (context.Context, func(FetchOutcome)) {
		mu.Lock()
		starts = append(starts, ctx.Value(reqKey{}))
		mu.Unlock()
		if ctx.Err() != nil {
			t.Error("the fetch context carries the request's cancellation")
		}
		return context.WithValue(ctx, reqKey{}, "observed"), func(o FetchOutcome) {
			mu.Lock()
			outcomes = append(outcomes, o)
			mu.Unlock()
		}
	}})
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), reqKey{}, "req1"))
	if _, err := src.Key(ctx, "ins_a"); err != nil {
		t.Fatal(err)
	}
	cancel()
	// Due for refresh: the known key answers at once, the refresh runs
	// in the background, and fails.
	f.err = &FetchError{URL: "u", Status: 503}
	clk.add(4*time.Minute + 30*time.Second)
	if _, err := src.Key(context.WithValue(ctx, reqKey{}, "req2"), "ins_a"); err != nil {
		t.Fatal(err)
	}
	src.waitIdle()
	mu.Lock()
	defer mu.Unlock()
	if len(starts) != 2 || starts[0] != "req1" || starts[1] != "req2" {
		t.Errorf("observer started with %v, want the two requests' values", starts)
	}
	if len(seen) != 2 || seen[0] != "observed" || seen[1] != "observed" {
		t.Errorf("fetches ran with %v, want the observer's context", seen)
	}
	if len(outcomes) != 2 {
		t.Fatalf("outcomes = %+v", outcomes)
	}
	if o := outcomes[0]; o.Keys != 1 || o.Err != nil || o.Background || o.Duration < 0 {
		t.Errorf("first fetch = %+v, want 1 key, waited for", o)
	}
	var je *Error
	if o := outcomes[1]; o.Keys != 0 || !errors.As(o.Err, &je) || je.Kind != KindStatus || je.Status != 503 || !o.Background {
		t.Errorf("refresh = %+v, want a background status-503 failure", o)
	}
}
