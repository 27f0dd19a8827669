package clerk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

func TestAuthenticate(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	other := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	session := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	apiKey := inst.APIKey(clerktest.APIKeySpec{Subject: "user_2"})
	rows := []struct {
		name   string
		token  string
		opts   []clerk.AuthOption
		user   string // "" for signed out
		reason clerk.AuthReason
		typ    clerk.TokenType
	}{
		{"session", session, nil, "user_1", "", clerk.TokenTypeSessionToken},
		{"api key, any token", apiKey, []clerk.AuthOption{clerk.AcceptsAnyToken()}, "user_2", "", clerk.TokenTypeAPIKey},
		{"api key, sessions only", apiKey, nil, "", clerk.ReasonTokenTypeMismatch, clerk.TokenTypeSessionToken},
		{"session, api keys only", session, []clerk.AuthOption{clerk.AcceptsToken(clerk.TokenTypeAPIKey)}, "", clerk.ReasonTokenTypeMismatch, clerk.TokenTypeAPIKey},
		{"empty", "", nil, "", clerk.ReasonNoTokenInHeader, clerk.TokenTypeSessionToken},
		{"with a space", session + " trailing", nil, "", clerk.ReasonTokenInvalid, clerk.TokenTypeSessionToken},
		{"Bearer prefix", "Bearer " + session, nil, "", clerk.ReasonTokenInvalid, clerk.TokenTypeSessionToken},
		{"malformed", "abc", nil, "", clerk.ReasonTokenInvalid, clerk.TokenTypeSessionToken},
		{"another instance", other.SessionToken(clerktest.Session{}), nil, "", clerk.ReasonTokenInvalidSignature, clerk.TokenTypeSessionToken},
		{"expired", inst.SessionToken(clerktest.Session{TTL: -time.Minute}), nil, "", clerk.ReasonSessionTokenExpired, clerk.TokenTypeSessionToken},
		{"pending", inst.SessionToken(clerktest.Session{Status: "pending"}), nil, "", "", clerk.TokenTypeSessionToken},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			got := a.Authenticate(context.Background(), row.token, row.opts...)
			if got.UserID != row.user || got.IsAuthenticated != (row.user != "") || got.Reason().Base() != row.reason || got.TokenType != row.typ {
				t.Fatalf("got user %q authenticated %v reason %q type %q; want user %q reason %q type %q",
					got.UserID, got.IsAuthenticated, got.Reason(), got.TokenType, row.user, row.reason, row.typ)
			}
		})
	}
}

// The middleware and Authenticate share the Authenticator's caches: an API
// key verified by one is not verified again by the other.
func TestAuthenticatorSharesCaches(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	var calls atomic.Int32
	target, _ := url.Parse(inst.APIURL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "api_keys/verify") {
			calls.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	defer counting.Close()
	opts := inst.Options()
	opts.APIURL = counting.URL
	opts.MachineTokenCacheTTL = time.Minute
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	key := inst.APIKey(clerktest.APIKeySpec{Subject: "user_1"})
	if got := a.Authenticate(context.Background(), key, clerk.AcceptsAnyToken()); !got.IsAuthenticated {
		t.Fatalf("the API key did not authenticate: %q", got.Reason())
	}
	var seen clerk.Auth
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = clerk.GetAuth(r, clerk.AcceptsAnyToken()) }))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+key)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen.UserID != "user_1" {
		t.Fatalf("the middleware did not authenticate the key: %+v", seen)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d verification calls, want 1 (one shared cache)", n)
	}
}

func TestAuthorizedPartyFunc(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	opts := inst.Options()
	var seen atomic.Value
	opts.AuthorizedPartyFunc = func(azp string) bool {
		seen.Store(azp)
		return strings.HasSuffix(azp, ".example.com")
	}
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	ok := a.Authenticate(context.Background(), inst.SessionToken(clerktest.Session{AuthorizedParty: "https://tenant1.example.com"}))
	if !ok.IsAuthenticated || seen.Load() != "https://tenant1.example.com" {
		t.Fatalf("a tenant origin was refused: %q (saw %v)", ok.Reason(), seen.Load())
	}
	bad := a.Authenticate(context.Background(), inst.SessionToken(clerktest.Session{AuthorizedParty: "https://evil.test"}))
	if bad.IsAuthenticated || bad.Reason() != clerk.ReasonTokenInvalidAuthorizedParties {
		t.Fatalf("another origin: authenticated %v, reason %q", bad.IsAuthenticated, bad.Reason())
	}
	none := a.Authenticate(context.Background(), inst.SessionToken(clerktest.Session{Claims: map[string]any{"azp": nil}}))
	if none.IsAuthenticated || seen.Load() != "" {
		t.Fatalf("a token without azp: authenticated %v, function saw %q", none.IsAuthenticated, seen.Load())
	}

	opts.AuthorizedParties = []string{"https://app.example.com"}
	_, err = clerk.NewAuthenticator(opts)
	var oe *clerk.OptionError
	if !errors.As(err, &oe) || oe.Option != "AuthorizedPartyFunc" {
		t.Fatalf("both options: want an OptionError naming AuthorizedPartyFunc, got %v", err)
	}
}

// HeaderOnly ignores cookies and never redirects, even a document
// navigation of a development instance without a dev browser.
func TestHeaderOnly(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	opts := inst.Options()
	opts.HeaderOnly = true
	mw, err := clerk.Middleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	var auth clerk.Auth
	var reason clerk.AuthReason
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = clerk.GetAuth(r)
		_, reason = clerk.State(r)
	}))
	token := inst.SessionToken(clerktest.Session{UserID: "user_1"})

	r := httptest.NewRequest(http.MethodGet, "/page?__clerk_db_jwt=dvb_x", nil)
	r.Header.Set("Sec-Fetch-Dest", "document")
	inst.SignInRequest(r, token) // session cookies
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK || rec.Header().Get("Location") != "" || len(rec.Header()["Set-Cookie"]) != 0 {
		t.Fatalf("status %d, Location %q, Set-Cookie %q: want 200 and no redirect or cookie", rec.Code, rec.Header().Get("Location"), rec.Header()["Set-Cookie"])
	}
	if auth.IsAuthenticated || reason != clerk.ReasonNoTokenInHeader {
		t.Fatalf("cookies authenticated a header-only request (reason %q)", reason)
	}

	r = httptest.NewRequest(http.MethodGet, "/api", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if auth.UserID != "user_1" {
		t.Fatalf("the bearer token did not authenticate: %q", reason)
	}

	// A handshake in the query sets session cookies without HeaderOnly;
	// with it, the handshake is not even read.
	hs := inst.HandshakeToken(inst.HandshakeDirectives(token)...)
	for _, headerOnly := range []bool{false, true} {
		opts.HeaderOnly = headerOnly
		mw, err := clerk.Middleware(opts)
		if err != nil {
			t.Fatal(err)
		}
		r = httptest.NewRequest(http.MethodGet, "/page?__clerk_handshake="+hs, nil)
		r.Header.Set("Sec-Fetch-Dest", "document")
		rec = httptest.NewRecorder()
		mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, r)
		if got := len(rec.Header()["Set-Cookie"]) > 0 || rec.Header().Get("Location") != ""; got == headerOnly {
			t.Fatalf("HeaderOnly %v: Set-Cookie %q, Location %q", headerOnly, rec.Header()["Set-Cookie"], rec.Header().Get("Location"))
		}
	}
}

func TestTokenFromRequest(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	opts := inst.Options()
	opts.TokenFromRequest = func(r *http.Request) string { return r.Header.Get("X-Token") }
	mw, err := clerk.Middleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	var auth clerk.Auth
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { auth = clerk.GetAuth(r) }))
	token := inst.SessionToken(clerktest.Session{UserID: "user_x"})
	rows := []struct {
		name, xToken, authorization, user string
		reason                            clerk.AuthReason
	}{
		{"extractor", token, "", "user_x", ""},
		{"extractor wins", token, "Bearer garbage", "user_x", ""},
		{"falls back to the header", "", "Bearer " + token, "user_x", ""},
		{"nothing", "", "", "", clerk.ReasonSessionTokenAndUATMissing},
		{"refused bytes", token + "\x01", "", "", clerk.ReasonTokenInvalid},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if row.xToken != "" {
				r.Header["X-Token"] = []string{row.xToken}
			}
			if row.authorization != "" {
				r.Header.Set("Authorization", row.authorization)
			}
			auth = clerk.Auth{}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if auth.UserID != row.user || auth.Reason() != row.reason {
				t.Fatalf("user %q reason %q, want %q %q", auth.UserID, auth.Reason(), row.user, row.reason)
			}
		})
	}
}

// FuzzAuthenticate: no token the fuzzer makes up authenticates, panics or
// hangs; the minted one still does afterwards.
func FuzzAuthenticate(f *testing.F) {
	inst := clerktest.New(f, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		f.Fatal(err)
	}
	valid := inst.SessionToken(clerktest.Session{})
	f.Add(valid)
	f.Add(valid[:len(valid)-2])
	f.Add("ak_" + strings.Repeat("a", 40))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a b")
	f.Fuzz(func(t *testing.T, tok string) {
		got := a.Authenticate(context.Background(), tok)
		if got.IsAuthenticated && tok != valid {
			t.Fatalf("a made-up token authenticated: %q", tok)
		}
		if !got.IsAuthenticated && got.Reason() == "" && got.SessionStatus != "pending" {
			t.Fatalf("signed out without a reason for %q", tok)
		}
	})
}
