package backend

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

type maxRetriesKey struct{}

// WithMaxRetries returns a context under which calls retry at most n times
// (0 disables retries), overriding Config.MaxRetries. Latency-critical
// callers, such as the middleware deciding a request's authentication,
// use it to fail fast instead of backing off.
func WithMaxRetries(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, maxRetriesKey{}, max(n, 0))
}

type attemptTimeoutKey struct{}

// WithAttemptTimeout returns a context under which each HTTP attempt is
// bounded by d, in place of Config.Timeout. The middleware uses it with
// WithMaxRetries(ctx, 0) on the authentication path, so that a slow Backend
// API holds a request for a few seconds at most whatever the client's
// defaults. A d <= 0 leaves Config.Timeout in force.
func WithAttemptTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, attemptTimeoutKey{}, d)
}

func (c *Client) timeoutFor(ctx context.Context) time.Duration {
	if d, ok := ctx.Value(attemptTimeoutKey{}).(time.Duration); ok && d > 0 {
		return d
	}
	return c.timeout
}

func (c *Client) retriesFor(ctx context.Context) int {
	if n, ok := ctx.Value(maxRetriesKey{}).(int); ok {
		return n
	}
	return c.maxRetries
}

// isIdempotent reports whether a method may be repeated safely. POST and
// PATCH are never retried: the first attempt may have taken effect.
func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// backoff returns the wait before retry number attempt+1: an exponential
// step (min * 2^attempt, capped) of which the upper half is jittered, so
// that many clients failing together do not retry in lockstep.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.minBackoff
	for i := 0; i < attempt && d < c.maxBackoff; i++ {
		d *= 2
	}
	if d > c.maxBackoff {
		d = c.maxBackoff
	}
	half := d / 2
	return half + c.jitter(d-half)
}

func randomJitter(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return rand.N(max + 1)
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
