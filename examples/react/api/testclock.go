package main

import (
	"net/http"
	"sync/atomic"
	"time"
)

// testClock is the clock of an API_TEST_CLOCK=1 run: real time plus an
// offset that POST /api/test/clock?advance=<duration> moves forward.
// localclerk and goclerk's middleware both read it, so an end-to-end test
// can age a session past the sensitive action's reverification window
// without waiting for it. It is never on otherwise: anyone who can reach
// the API could move its time.
type testClock struct{ offset atomic.Int64 }

// Now is the test run's time.
func (c *testClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// clockAnswer is POST /api/test/clock's answer: the offset now in force.
type clockAnswer struct {
	OffsetSeconds int64 `json:"offset_seconds"`
}

// serve answers POST /api/test/clock?advance=11m ahead of next.
func (c *testClock) serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/test/clock" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, apiError{Error: "POST /api/test/clock?advance=<duration>"})
			return
		}
		d, err := time.ParseDuration(r.URL.Query().Get("advance"))
		if err != nil || d <= 0 {
			writeJSON(w, http.StatusBadRequest, apiError{Error: "advance must be a positive duration, e.g. 11m"})
			return
		}
		off := time.Duration(c.offset.Add(int64(d)))
		writeJSON(w, http.StatusOK, clockAnswer{OffsetSeconds: int64(off / time.Second)})
	})
}
