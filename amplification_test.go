package clerk

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/authn"
)

// Outsiders choose the tokens they send: an unknown opaque token repeated by
// many concurrent requests must not turn into as many Backend API calls,
// even with MachineTokenCacheTTL off (the default).
func TestUnknownAPIKeyRepeatedMakesAtMostTwoCalls(t *testing.T) {
	b := newMTBackend(t, time.Now())
	h := mtHandler(t, b, Options{})
	const n = 200
	var wg sync.WaitGroup
	var wrong atomic.Int64
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, hdr := mtGet(h, "ak_unknown_0123456789", ""); hdr.Get("X-Clerk-Auth-Reason") != "token-invalid" {
				wrong.Add(1)
			}
		}()
	}
	wg.Wait()
	if wrong.Load() != 0 {
		t.Fatalf("%d requests were not answered token-invalid", wrong.Load())
	}
	if got := b.calls.Load(); got > 2 {
		t.Fatalf("%d requests with one unknown API key made %d verify calls, want at most 2", n, got)
	}
}

// The negative cache lasts authn.InvalidTokenTTL by the injected clock.
func TestUnknownTokenIsRememberedForInvalidTokenTTL(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	b := newMTBackend(t, now)
	h := mtHandler(t, b, Options{Now: clock})
	for _, tok := range []string{"mt_unknown", "mt_unknown", "oat_unknown", "oat_unknown"} {
		if _, hdr := mtGet(h, tok, ""); hdr.Get("X-Clerk-Auth-Reason") != "token-invalid" {
			t.Fatalf("%s: reason %q, want token-invalid", tok, hdr.Get("X-Clerk-Auth-Reason"))
		}
	}
	if got := b.calls.Load(); got != 2 {
		t.Fatalf("two unknown tokens sent twice each: %d calls, want 2", got)
	}
	advance(authn.InvalidTokenTTL - time.Nanosecond)
	mtGet(h, "mt_unknown", "")
	if got := b.calls.Load(); got != 2 {
		t.Fatalf("just before InvalidTokenTTL: %d calls, want 2", got)
	}
	advance(time.Nanosecond)
	mtGet(h, "mt_unknown", "")
	if got := b.calls.Load(); got != 3 {
		t.Fatalf("at InvalidTokenTTL: %d calls, want 3 (asked again)", got)
	}

	// Only the Backend API's "not found" is remembered: a failing Backend
	// API is asked again on the next request.
	b.down.Store(true)
	mtGet(h, "ak_valid", "")
	mtGet(h, "ak_valid", "")
	if got := b.calls.Load(); got != 5 {
		t.Fatalf("Backend API down: %d calls, want 5 (errors are not cached)", got)
	}
	b.down.Store(false)
	if body, _ := mtGet(h, "ak_valid", "api_key"); body["isAuthenticated"] != true {
		t.Fatalf("ak_valid after the outage: %v", body)
	}
}

// A handshake nonce is redeemed with one call, never retried, even when the
// Backend API answers 429 (GET would otherwise be retried).
func TestHandshakeNonceIsNotRetried(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"errors":[{"code":"too_many_requests","message":"slow down"}]}`)
	}))
	t.Cleanup(srv.Close)
	in := perfSetup(t)
	mw, err := Middleware(Options{SecretKey: "sk_test_x", PublishableKey: in.pk, JWTKey: in.pem, APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	const n = 50
	for i := range n {
		r := httptest.NewRequest("GET", "/?__clerk_handshake_nonce=nonce_"+string(rune('a'+i%26)), nil)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if got := calls.Load(); got != n {
		t.Fatalf("%d nonce requests against a 429-answering Backend API made %d calls, want exactly %d", n, got, n)
	}
}

// Calls on the authentication path have a short deadline of their own,
// whatever the client's Timeout.
func TestAuthenticationCallsHaveTheirOwnTimeout(t *testing.T) {
	var mu sync.Mutex
	left := map[string]time.Duration{}
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		if dl, ok := r.Context().Deadline(); ok {
			mu.Lock()
			left[r.URL.Path] = time.Until(dl)
			mu.Unlock()
		}
		return &http.Response{StatusCode: 404, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"errors":[{"code":"resource_not_found","message":"no"}]}`))}, nil
	})}
	client, err := backend.NewClient(backend.Config{SecretKey: "sk_test_x", APIURL: "https://api.example.test", HTTPClient: hc, Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	in := perfSetup(t)
	mw, err := Middleware(Options{PublishableKey: in.pk, JWTKey: in.pem, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer ak_x")
	h.ServeHTTP(httptest.NewRecorder(), r)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/?__clerk_handshake_nonce=n1", nil))
	// An expired session cookie with a refresh cookie: the session refresh.
	expired := perfToken(t, in, 1, time.Now().Add(-2*time.Hour))
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "__clerk_db_jwt=dvb; __session="+expired+"; __client_uat=1; __refresh_"+authn.CookieSuffix(in.pk)+"=rt")
	h.ServeHTTP(httptest.NewRecorder(), r)
	h.ServeHTTP(httptest.NewRecorder(), syncRequest("https://unknown.example/")) // lists the satellites
	for _, p := range []string{"/api_keys/verify", "/v1/clients/handshake_payload", "/v1/sessions/sess_1/refresh", "/v1/domains"} {
		d, ok := left[p]
		if !ok || d > authCallTimeout || d < authCallTimeout-time.Second {
			t.Errorf("%s: time left %v (seen %v), want about %v", p, d, ok, authCallTimeout)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
