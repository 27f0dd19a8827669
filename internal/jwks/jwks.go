// Package jwks resolves the public key that verifies a Clerk token: from a
// PEM given in configuration (no network), or from the Backend API's JWKS
// endpoint with a cache that is scoped to one instance, shared by concurrent
// misses, and refetched at a bounded rate so that forged key ids cannot turn
// into a flood of Backend API calls.
package jwks

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// Source resolves a verification key by key id. Errors are *jwt.Error with
// a Clerk reason, or another error for unexpected failures.
type Source interface {
	Key(ctx context.Context, kid string) (*jwt.Key, error)
}

// PEMSource serves one configured key for every key id, as a networkless
// Clerk SDK does with CLERK_JWT_KEY.
type PEMSource struct{ key *jwt.Key }

// NewPEMSource builds a source from a PEM public key.
func NewPEMSource(pemText string) (*PEMSource, error) {
	pub, err := ParsePEM(pemText)
	if err != nil {
		return nil, err
	}
	return &PEMSource{key: jwt.NewKey("", "RS256", pub)}, nil
}

// Key returns the configured key whatever the kid.
func (s *PEMSource) Key(context.Context, string) (*jwt.Key, error) { return s.key, nil }

// JWK is one key of a JSON Web Key Set as the Backend API serves it.
type JWK struct {
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// ToKey converts an RSA JWK; other key types yield a key that cannot verify.
func (j JWK) ToKey() *jwt.Key {
	if j.Kty != "RSA" {
		return &jwt.Key{Kid: j.Kid, Alg: j.Alg}
	}
	n, err1 := base64.RawURLEncoding.DecodeString(trimPad(j.N))
	e, err2 := base64.RawURLEncoding.DecodeString(trimPad(j.E))
	if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
		return &jwt.Key{Kid: j.Kid, Alg: j.Alg}
	}
	exp := 0
	for _, b := range e {
		exp = exp<<8 | int(b)
	}
	return jwt.NewKey(j.Kid, j.Alg, &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp})
}

func trimPad(s string) string {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}

// FetchError is how a Fetcher reports that the Backend API answered with an
// error status. InvalidSecretKey marks Clerk's clerk_key_invalid code.
type FetchError struct {
	URL              string
	Status           int
	InvalidSecretKey bool
	Message          string
}

func (e *FetchError) Error() string {
	return fmt.Sprintf("loading the JWKS from %s failed with status %d", e.URL, e.Status)
}

// Fetcher loads the instance's key set. A *FetchError reports an HTTP error;
// any other error is a transport failure.
type Fetcher func(ctx context.Context) ([]JWK, error)

// Clock gives the current time; tests inject a fake.
type Clock func() time.Time

// RemoteSource caches the key set of one instance.
type RemoteSource struct {
	fetch Fetcher
	now   Clock
	// TTL is how long a fetched key set is trusted (5 minutes, as Clerk).
	ttl time.Duration
	// minInterval bounds how often a fetch may happen at all, whatever the
	// key ids presented.
	minInterval time.Duration
	// failureBackoff bounds how often a failing endpoint is called.
	failureBackoff time.Duration

	mu          sync.Mutex
	keys        map[string]*jwt.Key
	fetchedAt   time.Time // last successful fetch; zero if none
	attemptedAt time.Time // last fetch attempt
	lastErr     error
	group       singleflight.Group
}

// RemoteOptions tune a RemoteSource; zero values take the defaults.
type RemoteOptions struct {
	TTL            time.Duration // default 5m
	MinInterval    time.Duration // default 5s
	FailureBackoff time.Duration // default 1s
	Now            Clock
}

// NewRemoteSource builds a cache around fetch.
func NewRemoteSource(fetch Fetcher, o RemoteOptions) *RemoteSource {
	s := &RemoteSource{fetch: fetch, ttl: o.TTL, minInterval: o.MinInterval, failureBackoff: o.FailureBackoff, now: o.Now}
	if s.ttl <= 0 {
		s.ttl = 5 * time.Minute
	}
	if s.minInterval <= 0 {
		s.minInterval = 5 * time.Second
	}
	if s.failureBackoff <= 0 {
		s.failureBackoff = time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Key returns the key for kid, fetching the key set when the cache has
// expired, or when kid is unknown and the last fetch is old enough.
func (s *RemoteSource) Key(ctx context.Context, kid string) (*jwt.Key, error) {
	if k, ok, err := s.lookup(kid); ok || err != nil {
		return k, err
	}
	// Concurrent misses share one fetch; the flight re-checks under the lock
	// so a caller that arrives just after a fetch does not start another.
	_, err, _ := s.group.Do("jwks", func() (any, error) {
		s.mu.Lock()
		if !s.mayFetch(s.now()) {
			err := s.lastErr
			s.mu.Unlock()
			return nil, err
		}
		s.attemptedAt = s.now()
		s.mu.Unlock()

		keys, err := s.fetch(context.WithoutCancel(ctx))
		s.mu.Lock()
		defer s.mu.Unlock()
		if err == nil && len(keys) == 0 {
			err = jwt.Errorf(reasons.RemoteJWKFailedToLoad, "the JWKS endpoint returned no signing keys")
		}
		if err != nil {
			s.lastErr = classify(err)
			return nil, s.lastErr
		}
		m := make(map[string]*jwt.Key, len(keys))
		for _, k := range keys {
			m[k.Kid] = k.ToKey()
		}
		s.keys = m
		s.fetchedAt = s.now()
		s.lastErr = nil
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	k, ok, lerr := s.lookup(kid)
	if ok || lerr != nil {
		return k, lerr
	}
	return nil, kidMismatch(kid)
}

// lookup answers from the cache. ok means a key was found; a non-nil error
// means the answer is final without a fetch.
func (s *RemoteSource) lookup(kid string) (*jwt.Key, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	fresh := !s.fetchedAt.IsZero() && now.Sub(s.fetchedAt) < s.ttl
	if fresh {
		if k, ok := s.keys[kid]; ok {
			return k, true, nil
		}
	}
	if s.mayFetch(now) {
		return nil, false, nil
	}
	if s.lastErr != nil && (s.fetchedAt.IsZero() || s.attemptedAt.After(s.fetchedAt)) {
		return nil, false, s.lastErr
	}
	if fresh {
		return nil, false, kidMismatch(kid)
	}
	return nil, false, nil
}

// mayFetch reports whether a fetch attempt is allowed now. Callers hold mu.
func (s *RemoteSource) mayFetch(now time.Time) bool {
	if s.attemptedAt.IsZero() {
		return true
	}
	since := now.Sub(s.attemptedAt)
	if s.lastErr != nil {
		return since >= s.failureBackoff
	}
	if now.Sub(s.fetchedAt) >= s.ttl {
		return true
	}
	return since >= s.minInterval
}

func kidMismatch(kid string) error {
	return jwt.Errorf(reasons.JWKKidMismatch, "no key in the instance's JWKS has kid %q; make sure the token is a session token issued by this Clerk instance", kid)
}

// classify maps fetch failures to Clerk reasons: an invalid secret key, an
// HTTP error, or (for transport failures) an unexpected error that is not a
// *jwt.Error, as @clerk/backend lets a failed fetch escape.
func classify(err error) error {
	var fe *FetchError
	if errors.As(err, &fe) {
		if fe.InvalidSecretKey {
			msg := fe.Message
			if msg == "" {
				msg = "the secret key was rejected by the Backend API"
			}
			return jwt.Errorf(reasons.InvalidSecretKey, "%s", msg)
		}
		return jwt.Errorf(reasons.RemoteJWKFailedToLoad, "loading the JWKS from %s failed with status %d", fe.URL, fe.Status)
	}
	var je *jwt.Error
	if errors.As(err, &je) {
		return je
	}
	return fmt.Errorf("jwks: fetch failed: %w", err)
}
