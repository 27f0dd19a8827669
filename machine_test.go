package clerk

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/authn"
)

// mtBackend is a stub Backend API for machine tokens. Each known token maps
// to its verification object; "down" makes every call fail with 503.
type mtBackend struct {
	srv   *httptest.Server
	calls atomic.Int64
	down  atomic.Bool
	gate  chan struct{}
	known map[string]map[string]any
}

func newMTBackend(t testing.TB, now time.Time) *mtBackend {
	exp := now.Add(time.Hour).UnixMilli()
	b := &mtBackend{known: map[string]map[string]any{
		"ak_valid":  {"object": "api_key", "id": "ak_1", "subject": "user_1", "name": "CI", "scopes": []string{"read"}, "claims": map[string]any{"team": "a"}, "expiration": exp},
		"ak_org":    {"object": "api_key", "id": "ak_2", "subject": "org_1", "name": "org key", "scopes": []string{}, "claims": nil},
		"mt_valid":  {"object": "machine_to_machine_token", "id": "mt_1", "subject": "mch_1", "scopes": []string{"mch_2"}, "claims": map[string]any{"env": "ci"}, "expiration": exp},
		"oat_valid": {"object": "clerk_idp_oauth_access_token", "id": "oat_1", "subject": "user_1", "client_id": "client_1", "scopes": []string{"email"}, "expiration": exp},
	}}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *mtBackend) serve(w http.ResponseWriter, r *http.Request) {
	b.calls.Add(1)
	if b.gate != nil {
		<-b.gate
	}
	w.Header().Set("Content-Type", "application/json")
	if b.down.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"errors":[{"code":"service_unavailable","message":"down"}]}`))
		return
	}
	if r.Header.Get("Authorization") != "Bearer sk_test_machine" {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"code":"clerk_key_invalid","message":"bad key"}]}`))
		return
	}
	var body map[string]string
	_ = json.NewDecoder(r.Body).Decode(&body)
	field := map[string]string{"/api_keys/verify": "secret", "/m2m_tokens/verify": "token", "/oauth_applications/access_tokens/verify": "access_token"}[r.URL.Path]
	obj, ok := b.known[body[field]]
	if field == "" || !ok {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errors":[{"code":"resource_not_found","message":"not found"}]}`))
		return
	}
	_ = json.NewEncoder(w).Encode(obj)
}

func mtHandler(t testing.TB, b *mtBackend, o Options) http.Handler {
	in := perfSetup(t)
	o.SecretKey, o.PublishableKey, o.JWTKey, o.APIURL = "sk_test_machine", in.pk, in.pem, b.srv.URL
	mw, err := Middleware(o)
	if err != nil {
		t.Fatal(err)
	}
	return mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var opts []AuthOption
		if a := r.URL.Query().Get("accepts"); a != "" {
			for _, t := range strings.Split(a, ",") {
				opts = append(opts, AcceptsToken(TokenType(t)))
			}
		}
		_ = json.NewEncoder(w).Encode(GetAuth(r, opts...))
	}))
}

func mtGet(h http.Handler, token, accepts string) (map[string]any, http.Header) {
	r := httptest.NewRequest("GET", "/api?accepts="+accepts, nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return out, w.Header()
}

func TestMachineTokenMatrix(t *testing.T) {
	now := time.Now()
	b := newMTBackend(t, now)
	h := mtHandler(t, b, Options{})
	cases := []struct {
		name, token, accepts string
		wantAuth             bool
		wantType             any
		wantReason           string
		check                func(t *testing.T, body map[string]any)
	}{
		{"api key valid", "ak_valid", "api_key", true, "api_key", "", func(t *testing.T, b map[string]any) {
			if b["userId"] != "user_1" || b["orgId"] != nil || b["name"] != "CI" || b["id"] != "ak_1" {
				t.Errorf("api key body = %v", b)
			}
		}},
		{"api key of an organization", "ak_org", "api_key", true, "api_key", "", func(t *testing.T, b map[string]any) {
			if b["orgId"] != "org_1" || b["userId"] != nil || b["claims"] != nil {
				t.Errorf("org api key body = %v", b)
			}
		}},
		{"api key revoked or expired or unknown", "ak_revoked", "api_key", false, "api_key", "token-invalid", nil},
		{"api key as session", "ak_valid", "session_token", false, "session_token", "", nil},
		{"m2m valid", "mt_valid", "m2m_token", true, "m2m_token", "", func(t *testing.T, b map[string]any) {
			if b["machineId"] != "mch_1" {
				t.Errorf("m2m body = %v", b)
			}
		}},
		{"m2m via machine_token alias", "mt_valid", "machine_token", true, "m2m_token", "", nil},
		{"m2m unknown", "mt_unknown", "m2m_token", false, "m2m_token", "token-invalid", nil},
		{"m2m where api key required", "mt_valid", "api_key", false, "api_key", "", nil},
		{"oauth valid", "oat_valid", "oauth_token", true, "oauth_token", "", func(t *testing.T, b map[string]any) {
			if b["clientId"] != "client_1" || b["userId"] != "user_1" {
				t.Errorf("oauth body = %v", b)
			}
		}},
		{"oauth unknown", "oat_unknown", "oauth_token", false, "oauth_token", "token-invalid", nil},
		{"list excluding", "ak_valid", "m2m_token,oauth_token", false, nil, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, hdr := mtGet(h, tc.token, tc.accepts)
			if body["isAuthenticated"] != tc.wantAuth || body["tokenType"] != tc.wantType {
				t.Fatalf("body = %v, want isAuthenticated=%v tokenType=%v", body, tc.wantAuth, tc.wantType)
			}
			if got := hdr.Get("X-Clerk-Auth-Reason"); got != tc.wantReason {
				t.Fatalf("reason = %q, want %q", got, tc.wantReason)
			}
			if tc.check != nil {
				tc.check(t, body)
			}
		})
	}

	t.Run("backend down", func(t *testing.T) {
		b.down.Store(true)
		defer b.down.Store(false)
		for _, tok := range []string{"ak_valid", "mt_valid", "oat_valid"} {
			body, hdr := mtGet(h, tok, "any")
			if body["isAuthenticated"] != false || hdr.Get("X-Clerk-Auth-Reason") != "unexpected-error" {
				t.Fatalf("%s with the Backend API down: body=%v reason=%q", tok, body, hdr.Get("X-Clerk-Auth-Reason"))
			}
		}
	})
	t.Run("backend unreachable", func(t *testing.T) {
		dead := newMTBackend(t, now)
		dead.srv.Close()
		h := mtHandler(t, dead, Options{})
		body, hdr := mtGet(h, "ak_valid", "api_key")
		if body["isAuthenticated"] != false || hdr.Get("X-Clerk-Auth-Reason") != "unexpected-error" {
			t.Fatalf("unreachable: body=%v reason=%q", body, hdr.Get("X-Clerk-Auth-Reason"))
		}
	})
	t.Run("wrong secret key", func(t *testing.T) {
		in := perfSetup(t)
		mw, err := Middleware(Options{SecretKey: "sk_test_wrong", PublishableKey: in.pk, JWTKey: in.pem, APIURL: b.srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		h := mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		_, hdr := mtGet(h, "ak_valid", "")
		if hdr.Get("X-Clerk-Auth-Reason") != "secret-key-invalid" {
			t.Fatalf("reason = %q, want secret-key-invalid", hdr.Get("X-Clerk-Auth-Reason"))
		}
	})
}

func TestMachineCacheCoalescesConcurrentVerifications(t *testing.T) {
	b := newMTBackend(t, time.Now())
	b.gate = make(chan struct{})
	h := mtHandler(t, b, Options{MachineTokenCacheTTL: time.Minute})
	const n = 200
	var wg, started sync.WaitGroup
	var bad atomic.Int64
	started.Add(n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			body, _ := mtGet(h, "ak_valid", "api_key")
			if body["isAuthenticated"] != true {
				bad.Add(1)
			}
		}()
	}
	started.Wait()
	time.Sleep(20 * time.Millisecond) // let requests reach the verification; the assertion does not depend on it
	close(b.gate)
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d requests not authenticated", bad.Load())
	}
	if got := b.calls.Load(); got != 1 {
		t.Fatalf("%d concurrent requests with one new API key made %d Backend API calls, want 1", n, got)
	}
}

func TestMachineCacheOffVerifiesEveryRequest(t *testing.T) {
	b := newMTBackend(t, time.Now())
	h := mtHandler(t, b, Options{})
	for i := 0; i < 5; i++ {
		mtGet(h, "ak_valid", "api_key")
	}
	if got := b.calls.Load(); got != 5 {
		t.Fatalf("calls = %d, want 5 (no cache by default)", got)
	}
}

func TestMachineCacheTTLAndExpiration(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	b := newMTBackend(t, now) // tokens expire at now+1h
	h := mtHandler(t, b, Options{MachineTokenCacheTTL: 10 * time.Minute, Now: clock})
	mtGet(h, "ak_valid", "api_key")
	advance(9 * time.Minute)
	mtGet(h, "ak_valid", "api_key")
	if got := b.calls.Load(); got != 1 {
		t.Fatalf("within the TTL: calls = %d, want 1", got)
	}
	advance(time.Minute) // TTL reached: a revoked key would be noticed now
	mtGet(h, "ak_valid", "api_key")
	if got := b.calls.Load(); got != 2 {
		t.Fatalf("after the TTL: calls = %d, want 2", got)
	}

	// A TTL longer than the token's life is cut at its expiration.
	b2 := newMTBackend(t, now)
	h2 := mtHandler(t, b2, Options{MachineTokenCacheTTL: 24 * time.Hour, Now: clock})
	mtGet(h2, "mt_valid", "m2m_token")
	advance(59 * time.Minute)
	mtGet(h2, "mt_valid", "m2m_token")
	if got := b2.calls.Load(); got != 1 {
		t.Fatalf("before expiration: calls = %d, want 1", got)
	}
	advance(time.Minute)
	mtGet(h2, "mt_valid", "m2m_token")
	if got := b2.calls.Load(); got != 2 {
		t.Fatalf("at expiration: calls = %d, want 2 (never cached past the token's expiry)", got)
	}
	// An unknown token is remembered only for InvalidTokenTTL, not the
	// cache's TTL (see TestUnknownTokenIsRememberedForInvalidTokenTTL).
	mtGet(h2, "mt_unknown", "m2m_token")
	advance(authn.InvalidTokenTTL)
	mtGet(h2, "mt_unknown", "m2m_token")
	if got := b2.calls.Load(); got != 4 {
		t.Fatalf("failed verifications: calls = %d, want 4", got)
	}
}

// BenchmarkMiddlewareAPIKeyCacheHit: an API key whose verification is
// cached (MachineTokenCacheTTL set).
func BenchmarkMiddlewareAPIKeyCacheHit(b *testing.B) {
	bk := newMTBackend(b, time.Now())
	in := perfSetup(b)
	mw, err := Middleware(Options{SecretKey: "sk_test_machine", PublishableKey: in.pk, JWTKey: in.pem, APIURL: bk.srv.URL, MachineTokenCacheTTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = GetAuth(r, AcceptsToken(TokenTypeAPIKey)).UserID
	}))
	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer ak_valid")
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, r)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// TestMachineClaimsMapPerAuth: the decoded claims are cached per
// verification, but each Auth has its own map: a handler changing it does
// not change what the next request sees.
func TestMachineClaimsMapPerAuth(t *testing.T) {
	bk := newMTBackend(t, time.Now())
	in := perfSetup(t)
	mw, err := Middleware(Options{SecretKey: "sk_test_machine", PublishableKey: in.pk, JWTKey: in.pem, APIURL: bk.srv.URL, MachineTokenCacheTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var seen []any
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := GetAuth(r, AcceptsToken(TokenTypeAPIKey))
		seen = append(seen, a.Claims["team"])
		a.Claims["team"] = "changed"
		b := GetAuth(r, AcceptsToken(TokenTypeAPIKey))
		seen = append(seen, b.Claims["team"])
	}))
	for range 2 {
		r := httptest.NewRequest("GET", "/api", nil)
		r.Header.Set("Authorization", "Bearer ak_valid")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if len(seen) != 4 || seen[0] != "a" || seen[1] != "a" || seen[2] != "a" || seen[3] != "a" {
		t.Fatalf("claims[team] seen = %v, want a four times", seen)
	}
	if got := bk.calls.Load(); got != 1 {
		t.Fatalf("backend calls = %d, want 1 (cached)", got)
	}
}
