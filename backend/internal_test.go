package backend

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 10 ":                          10 * time.Second,
		"0":                             0,
		"-4":                            0,
		"soon":                          0,
		"Tue, 12 May 2026 10:00:30 GMT": 30 * time.Second,
		"Tue, 12 May 2026 09:59:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c := &Client{core: core{minBackoff: 100 * time.Millisecond, maxBackoff: time.Second}}
	c.jitter = func(max time.Duration) time.Duration { return max } // upper bound
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := c.backoff(i); got != w*time.Millisecond {
			t.Errorf("backoff(%d) = %v, want %v", i, got, w*time.Millisecond)
		}
	}
	c.jitter = func(time.Duration) time.Duration { return 0 } // lower bound: half
	if got := c.backoff(2); got != 200*time.Millisecond {
		t.Errorf("lower bound = %v", got)
	}
	for i := 0; i < 100; i++ {
		if j := randomJitter(time.Second); j < 0 || j > time.Second {
			t.Fatalf("jitter %v out of range", j)
		}
	}
}

func TestRetryPolicy(t *testing.T) {
	for m, want := range map[string]bool{"GET": true, "HEAD": true, "PUT": true, "DELETE": true, "OPTIONS": true, "POST": false, "PATCH": false} {
		if isIdempotent(m) != want {
			t.Errorf("isIdempotent(%s) != %v", m, want)
		}
	}
	for code, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true, 501: false, 400: false, 401: false, 404: false, 409: false, 422: false} {
		if retryableStatus(code) != want {
			t.Errorf("retryableStatus(%d) != %v", code, want)
		}
	}
}

func TestPathEscapeDotSegments(t *testing.T) {
	for in, want := range map[string]string{"user_1": "user_1", "a/b": "a%2Fb", ".": "%2E", "..": "%2E%2E", "a?b#c": "a%3Fb%23c", "...": "..."} {
		if got := PathEscape(in); got != want {
			t.Errorf("PathEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
