package jwks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// Fetcher loads the instance's key set. A *FetchError reports an HTTP error;
// any other error is a transport failure. ctx carries the fetch's deadline.
type Fetcher func(ctx context.Context) ([]JWK, error)

// Clock gives the current time; tests inject a fake.
type Clock func() time.Time

// Defaults of RemoteOptions.
const (
	DefaultTTL            = 5 * time.Minute
	DefaultMaxStale       = 24 * time.Hour
	DefaultMinInterval    = 5 * time.Second
	DefaultFailureBackoff = time.Second
	DefaultFetchTimeout   = 5 * time.Second
	// MaxBodyBytes bounds a JWKS answer. Clerk's sets hold a few keys of
	// under 1 KB each; a megabyte is no real set.
	MaxBodyBytes = 1 << 20
	// maxFailureBackoff caps the doubling wait between failing fetches,
	// so that a recovered endpoint is used again within half a minute.
	maxFailureBackoff = 30 * time.Second
)

// RemoteOptions tune a RemoteSource; zero values take the defaults.
type RemoteOptions struct {
	// TTL is how long a fetched set is fresh (5 minutes, as Clerk). A
	// request that finds its key in the last fifth of it starts a refresh
	// in the background; no request waits for it.
	TTL time.Duration
	// MaxStale is how long after the last successful fetch the set is
	// still used while refreshes fail (24 hours).
	MaxStale time.Duration
	// MinInterval bounds how often an unknown kid may cause a fetch (5s).
	MinInterval time.Duration
	// FailureBackoff is the wait after a failed fetch, doubled after each
	// further failure up to 30 seconds (1s).
	FailureBackoff time.Duration
	// FetchTimeout bounds each fetch, hence any request's wait for keys (5s).
	FetchTimeout time.Duration
	Now          Clock
	// Observe, when set, is called as each fetch starts, on the fetch's
	// goroutine, with the context of the request that started it (without
	// its cancellation): it returns the context the fetch runs with (nil
	// keeps it; the fetch timeout is added) and a function, which may be
	// nil, told the outcome before waiting requests resume. Without it a
	// fetch runs under context.Background().
	Observe func(ctx context.Context) (context.Context, func(FetchOutcome))
}

// FetchOutcome is the result of one fetch, for RemoteOptions.Observe.
type FetchOutcome struct {
	// Keys is the number of keys of a successful answer.
	Keys int
	// Err is nil, or the *Error the fetch failed with.
	Err error
	// Background is true for a refresh no request waits for.
	Background bool
	// Duration is the fetch's wall-clock time.
	Duration time.Duration
}

// RemoteSource caches the key set of one instance. It runs at most one
// fetch at a time, in a goroutine of its own that the fetch timeout bounds;
// requests that need the fetch's answer wait for that one fetch, others do
// not wait at all.
type RemoteSource struct {
	fetch                                                    Fetcher
	now                                                      Clock
	observe                                                  func(context.Context) (context.Context, func(FetchOutcome))
	ttl, maxStale, minInterval, failureBackoff, fetchTimeout time.Duration

	mu          sync.Mutex
	keys        map[string]*jwt.Key
	fetchedAt   time.Time // last successful fetch; zero if none
	attemptedAt time.Time // start of the last fetch
	lastErr     error     // outcome of the last finished fetch
	failures    int       // failed fetches in a row
	flight      chan struct{}
}

// NewRemoteSource builds a cache around fetch.
func NewRemoteSource(fetch Fetcher, o RemoteOptions) *RemoteSource {
	def := func(d, v time.Duration) time.Duration {
		if d <= 0 {
			return v
		}
		return d
	}
	s := &RemoteSource{
		fetch: fetch, now: o.Now, observe: o.Observe,
		ttl: def(o.TTL, DefaultTTL), maxStale: def(o.MaxStale, DefaultMaxStale),
		minInterval: def(o.MinInterval, DefaultMinInterval), failureBackoff: def(o.FailureBackoff, DefaultFailureBackoff),
		fetchTimeout: def(o.FetchTimeout, DefaultFetchTimeout),
	}
	if s.maxStale < s.ttl {
		s.maxStale = s.ttl
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Key returns the key for kid. A known key is answered from memory at once
// (starting a background refresh when the set is due); an unknown kid, or a
// set past its maximum staleness, waits for one fetch when one is running
// or allowed to start, and is answered from the outcome.
func (s *RemoteSource) Key(ctx context.Context, kid string) (*jwt.Key, error) {
	s.mu.Lock()
	now := s.now()
	if k, ok := s.known(now, kid); ok {
		if now.Sub(s.fetchedAt) >= s.ttl-s.ttl/5 && s.flight == nil && s.mayFetch(now) {
			s.start(ctx, now, true)
		}
		s.mu.Unlock()
		return k, nil
	}
	done := s.flight
	if done == nil && s.mayFetch(now) {
		done = s.start(ctx, now, false)
	}
	if done == nil {
		err := s.finalErr(now, kid)
		s.mu.Unlock()
		return nil, err
	}
	s.mu.Unlock()

	select {
	case <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("jwks: waiting for the key set: %w", ctx.Err())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now = s.now()
	if k, ok := s.known(now, kid); ok {
		return k, nil
	}
	return nil, s.finalErr(now, kid)
}

// known looks kid up in a set that is not past its maximum staleness.
// Callers hold mu.
func (s *RemoteSource) known(now time.Time, kid string) (*jwt.Key, bool) {
	if s.fetchedAt.IsZero() || now.Sub(s.fetchedAt) >= s.maxStale {
		return nil, false
	}
	k, ok := s.keys[kid]
	return k, ok
}

// mayFetch reports whether a fetch may start now. Callers hold mu.
func (s *RemoteSource) mayFetch(now time.Time) bool {
	if s.attemptedAt.IsZero() {
		return true
	}
	since := now.Sub(s.attemptedAt)
	if s.lastErr != nil {
		backoff := s.failureBackoff
		for i := 1; i < s.failures && backoff < maxFailureBackoff; i++ {
			backoff *= 2
		}
		return since >= min(backoff, max(maxFailureBackoff, s.failureBackoff)) // a longer configured backoff is kept
	}
	if now.Sub(s.fetchedAt) >= s.ttl-s.ttl/5 {
		return true
	}
	return since >= s.minInterval
}

// finalErr is the answer for a kid the cache cannot serve without a fetch.
// Callers hold mu.
func (s *RemoteSource) finalErr(now time.Time, kid string) error {
	usable := !s.fetchedAt.IsZero() && now.Sub(s.fetchedAt) < s.maxStale
	if s.lastErr != nil && (!usable || s.attemptedAt.After(s.fetchedAt)) {
		return s.lastErr
	}
	if !usable {
		return &Error{Kind: KindStale, Err: jwt.Errorf(reasons.RemoteJWKFailedToLoad,
			"the cached JWKS is older than the maximum staleness and could not be refreshed")}
	}
	return kidMismatch(kid)
}

// start begins a fetch in its own goroutine, for the request of ctx
// (background: a refresh that request does not wait for). Callers hold mu.
func (s *RemoteSource) start(ctx context.Context, now time.Time, background bool) chan struct{} {
	done := make(chan struct{})
	s.flight, s.attemptedAt = done, now
	parent := context.Background()
	if s.observe != nil {
		// The fetch outlives the request that started it, and serves
		// others: it keeps the request's values (its span), not its
		// cancellation.
		parent = context.WithoutCancel(ctx)
	}
	go s.run(parent, done, background)
	return done
}

// run fetches and stores the outcome, then tells the observer, if any,
// before the waiting requests are released.
func (s *RemoteSource) run(parent context.Context, done chan struct{}, background bool) {
	var report func(FetchOutcome)
	var began time.Time
	if s.observe != nil {
		began = time.Now()
		var octx context.Context
		if octx, report = s.observe(parent); octx != nil {
			parent = octx
		}
	}
	keys, err := s.fetchBounded(parent)
	if err == nil && len(keys) == 0 {
		err = &Error{Kind: KindEmpty, Err: jwt.Errorf(reasons.RemoteJWKFailedToLoad, "the JWKS endpoint returned no signing keys")}
	}
	s.mu.Lock()
	defer func() {
		s.flight = nil
		out := FetchOutcome{Err: s.lastErr, Background: background}
		s.mu.Unlock()
		if report != nil {
			if out.Err == nil {
				out.Keys = len(keys)
			}
			out.Duration = time.Since(began)
			report(out)
		}
		close(done)
	}()
	if err != nil {
		// The set in memory stays in use (up to MaxStale): a failed or
		// empty answer says nothing about which keys Clerk signs with.
		s.lastErr = classify(err)
		s.failures++
		return
	}
	m := make(map[string]*jwt.Key, len(keys))
	for _, k := range keys {
		m[k.Kid] = k.ToKey()
	}
	// A successful answer replaces the set: a key it no longer lists stops
	// verifying. The set's age restarts only here, never on use.
	s.keys, s.fetchedAt, s.lastErr, s.failures = m, s.now(), nil, 0
}

// fetchBounded calls fetch under the fetch timeout and turns a panic into
// an error, since it runs on a goroutine of its own.
func (s *RemoteSource) fetchBounded(parent context.Context) (keys []JWK, err error) {
	ctx, cancel := context.WithTimeout(parent, s.fetchTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			keys, err = nil, fmt.Errorf("jwks: fetch panicked: %v", p)
		}
	}()
	return s.fetch(ctx)
}

func kidMismatch(kid string) error {
	return jwt.Errorf(reasons.JWKKidMismatch, "no key in the instance's JWKS has kid %q; make sure the token is a session token issued by this Clerk instance", kid)
}

// ErrorKind classifies JWKS trouble.
type ErrorKind string

// The kinds of *Error.
const (
	KindTimeout          ErrorKind = "timeout"            // no answer within the fetch timeout
	KindTransport        ErrorKind = "transport"          // refused, reset, unreadable or undecodable answer
	KindStatus           ErrorKind = "status"             // an HTTP error status (429, 5xx, …)
	KindInvalidSecretKey ErrorKind = "invalid-secret-key" // the Backend API refused the secret key
	KindTooLarge         ErrorKind = "too-large"          // a body over MaxBodyBytes
	KindEmpty            ErrorKind = "empty"              // a set without keys
	KindStale            ErrorKind = "stale"              // the cached set is past its maximum staleness
)

// ErrTooLarge is what a Fetcher returns (wrapped) for a body over
// MaxBodyBytes.
var ErrTooLarge = errors.New("the JWKS answer exceeds 1 MiB")

// Error is a failed JWKS fetch. It wraps a *jwt.Error with Clerk's reason
// (jwk-remote-failed-to-load, secret-key-invalid) when Clerk would report
// one, and the transport error otherwise (Clerk's SDKs let those escape as
// unexpected errors).
type Error struct {
	Kind   ErrorKind
	Status int // for KindStatus
	Err    error
}

func (e *Error) Error() string {
	return "jwks (" + string(e.Kind) + "): " + e.Err.Error()
}

// Unwrap returns the Clerk reason or the transport error.
func (e *Error) Unwrap() error { return e.Err }

// classify maps fetch failures to *Error with Clerk's reasons: an invalid
// secret key or an HTTP error status; too large a body is reported like an
// error status, as an answer that cannot be used.
func classify(err error) error {
	var je *Error
	if errors.As(err, &je) {
		return je
	}
	var fe *FetchError
	if errors.As(err, &fe) {
		if fe.InvalidSecretKey {
			msg := fe.Message
			if msg == "" {
				msg = "the secret key was rejected by the Backend API"
			}
			return &Error{Kind: KindInvalidSecretKey, Status: fe.Status, Err: jwt.Errorf(reasons.InvalidSecretKey, "%s", msg)}
		}
		return &Error{Kind: KindStatus, Status: fe.Status, Err: jwt.Errorf(reasons.RemoteJWKFailedToLoad, "loading the JWKS from %s failed with status %d", fe.URL, fe.Status)}
	}
	if errors.Is(err, ErrTooLarge) {
		return &Error{Kind: KindTooLarge, Err: jwt.Errorf(reasons.RemoteJWKFailedToLoad, "%s", ErrTooLarge.Error())}
	}
	var tje *jwt.Error
	if errors.As(err, &tje) {
		return &Error{Kind: KindStatus, Err: tje}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindTimeout, Err: fmt.Errorf("jwks: no answer within the fetch timeout: %w", err)}
	}
	return &Error{Kind: KindTransport, Err: fmt.Errorf("jwks: fetch failed: %w", err)}
}
