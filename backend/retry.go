package backend

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// CallOption adjusts one call, overriding the Client's Config for it.
// Every operation takes them last; most calls pass none.
type CallOption func(*callSettings)

// callSettings are a call's settings: the Client's, then its CallOptions
// applied in order.
type callSettings struct {
	maxRetries       int
	timeout          time.Duration
	maxResponseBytes int64 // 0: unbounded
}

// WithMaxRetries makes the call retry at most n times (0 disables
// retries), in place of Config.MaxRetries. Latency-critical callers, such
// as the middleware deciding a request's authentication, use it to fail
// fast instead of backing off. A negative n counts as 0.
func WithMaxRetries(n int) CallOption {
	return func(s *callSettings) { s.maxRetries = max(n, 0) }
}

// WithAttemptTimeout bounds each HTTP attempt of the call by d, in place
// of Config.Timeout. The middleware uses it with WithMaxRetries(0) on the
// authentication path, so that a slow Backend API holds a request for a
// few seconds at most whatever the client's defaults. A d <= 0 leaves
// Config.Timeout in force.
func WithAttemptTimeout(d time.Duration) CallOption {
	return func(s *callSettings) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// settings resolves the settings of one call.
func (c *Client) settings(opts []CallOption) callSettings {
	s := callSettings{maxRetries: c.maxRetries, timeout: c.timeout}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return s
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
