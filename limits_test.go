package clerk_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/goclerk/clerk"
)

// An opaque machine token longer than any Clerk issues is refused without
// a Backend API call.
func TestOversizedOpaqueTokenNotForwarded(t *testing.T) {
	rtClearEnv(t)
	var calls atomic.Int64
	bapi := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(bapi.Close)
	o := rtOptions(t)
	o.APIURL = bapi.URL
	mw, err := clerk.Middleware(o)
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, reason := clerk.State(r)
		w.Write([]byte(string(st) + " " + string(reason)))
	}))
	for _, prefix := range []string{"ak_", "mt_", "oat_"} {
		r := httptest.NewRequest(http.MethodGet, "http://app.example.com/?accepts=any", nil)
		r.Header.Set("Authorization", "Bearer "+prefix+strings.Repeat("a", 1<<20))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Body.String(); got != "signed-out token-invalid" {
			t.Errorf("%s… of 1 MiB: %q, want signed-out token-invalid", prefix, got)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("%d Backend API calls for oversized tokens, want 0", calls.Load())
	}
}

// A request URL so long that the handshake redirect would carry a Location
// no proxy or browser takes is signed out with the handshake's reason.
func TestOversizedHandshakeRedirectSignsOut(t *testing.T) {
	rtClearEnv(t)
	o := rtOptions(t)
	o.SecretKey, o.PublishableKey = "sk_live_rt", rtPKLive
	mw, err := clerk.Middleware(o)
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, reason := clerk.State(r)
		w.Write([]byte(string(st) + " " + string(reason)))
	}))
	for _, n := range []int{100, 180 << 10} {
		r := httptest.NewRequest(http.MethodGet, "http://app.example.com/page?q="+strings.Repeat("%22", n/3), nil)
		r.Header.Set("Sec-Fetch-Dest", "document")
		r.Header.Set("Cookie", "__client_uat=1700000000")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		loc := w.Header().Get("Location")
		if n == 100 {
			if w.Code != http.StatusTemporaryRedirect || loc == "" {
				t.Fatalf("short URL: %d %q, want a handshake redirect", w.Code, loc)
			}
			continue
		}
		if loc != "" || w.Body.String() != "signed-out client-uat-but-no-session-token" {
			t.Errorf("180 KB query: %d, Location of %d bytes, body %q; want signed out without a redirect", w.Code, len(loc), w.Body.String())
		}
		if msg := w.Header().Get("X-Clerk-Auth-Message"); !strings.Contains(msg, "redirect URL") {
			t.Errorf("message %q does not say why", msg)
		}
	}
}
