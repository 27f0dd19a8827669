package clerk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu        sync.Mutex
	decisions []clerk.Decision
	fetches   []clerk.JWKSFetchResult
	lookups   []clerk.TokenCacheLookup
	calls     []string // operation ids
	results   []backend.CallResult
	ctxVals   []any // the request context value each hook saw
}

type reqID struct{}

func (rec *recorder) observer() *clerk.Observer {
	seen := func(ctx context.Context) { rec.ctxVals = append(rec.ctxVals, ctx.Value(reqID{})) }
	return &clerk.Observer{
		Decision: func(ctx context.Context, d clerk.Decision) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			seen(ctx)
			rec.decisions = append(rec.decisions, d)
		},
		JWKSFetch: func(ctx context.Context) (context.Context, func(clerk.JWKSFetchResult)) {
			rec.mu.Lock()
			seen(ctx)
			rec.mu.Unlock()
			return ctx, func(r clerk.JWKSFetchResult) {
				rec.mu.Lock()
				defer rec.mu.Unlock()
				rec.fetches = append(rec.fetches, r)
			}
		},
		TokenCache: func(ctx context.Context, l clerk.TokenCacheLookup) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.lookups = append(rec.lookups, l)
		},
		Backend: &backend.Observer{Call: func(ctx context.Context, c backend.CallInfo) (context.Context, func(backend.CallResult)) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			seen(ctx)
			rec.calls = append(rec.calls, c.Operation+" "+c.Route)
			return ctx, func(r backend.CallResult) {
				rec.mu.Lock()
				defer rec.mu.Unlock()
				rec.results = append(rec.results, r)
			}
		}},
	}
}

func TestObserverSeesDecisionsFetchesCacheAndCalls(t *testing.T) {
	ci := clerktest.New(t, clerktest.Options{})
	rec := &recorder{}
	opts := ci.Options()
	opts.JWTKey = "" // fetch the JWKS from the fake Backend API
	opts.Observer = rec.observer()
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	valid := ci.SessionToken(clerktest.Session{})
	expired := ci.SessionToken(clerktest.Session{TTL: -time.Minute})
	badSig := valid[:strings.LastIndexByte(valid, '.')+1] + "AAAA" + valid[strings.LastIndexByte(valid, '.')+5:]
	apiKey := ci.APIKey(clerktest.APIKeySpec{})
	serve := func(id, token string) {
		r := httptest.NewRequest("GET", "/api", nil).WithContext(context.WithValue(context.Background(), reqID{}, id))
		r.Header.Set("Accept", "application/json")
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	serve("r1", valid)
	serve("r2", valid)
	serve("r3", expired)
	serve("r4", badSig)
	serve("r5", "")
	serve("r6", apiKey)
	if got := a.Authenticate(context.WithValue(context.Background(), reqID{}, "r7"), valid); !got.IsAuthenticated {
		t.Fatalf("Authenticate: %+v", got)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	want := []clerk.Decision{
		{Status: clerk.StatusSignedIn, TokenType: clerk.TokenTypeSessionToken},
		{Status: clerk.StatusSignedIn, TokenType: clerk.TokenTypeSessionToken},
		{Status: clerk.StatusSignedOut, Reason: clerk.ReasonSessionTokenExpired + "-refresh-non-eligible-no-refresh-cookie", TokenType: clerk.TokenTypeSessionToken},
		{Status: clerk.StatusSignedOut, Reason: clerk.ReasonTokenInvalidSignature, TokenType: clerk.TokenTypeSessionToken},
		{Status: clerk.StatusSignedOut, Reason: clerk.ReasonDevBrowserMissing, TokenType: clerk.TokenTypeSessionToken},
		{Status: clerk.StatusSignedIn, TokenType: clerk.TokenTypeAPIKey},
		{Status: clerk.StatusSignedIn, TokenType: clerk.TokenTypeSessionToken},
	}
	if !slices.Equal(rec.decisions, want) {
		t.Errorf("decisions:\n got %+v\nwant %+v", rec.decisions, want)
	}
	// One fetch, started by the first request, waited for.
	if len(rec.fetches) != 1 || rec.fetches[0].Outcome != clerk.JWKSFetchOK || rec.fetches[0].Keys != 1 || rec.fetches[0].Background {
		t.Errorf("fetches = %+v", rec.fetches)
	}
	// The first valid token misses, then hits (r2, r7); the expired and
	// forged tokens miss; the API key misses the machine cache.
	wantLookups := []clerk.TokenCacheLookup{
		{TokenType: clerk.TokenTypeSessionToken}, {TokenType: clerk.TokenTypeSessionToken, Hit: true},
		{TokenType: clerk.TokenTypeSessionToken}, {TokenType: clerk.TokenTypeSessionToken},
		{TokenType: clerk.TokenTypeAPIKey},
		{TokenType: clerk.TokenTypeSessionToken, Hit: true},
	}
	if !slices.Equal(rec.lookups, wantLookups) {
		t.Errorf("cache lookups:\n got %+v\nwant %+v", rec.lookups, wantLookups)
	}
	if want := []string{"GetJWKS /jwks", "verifyApiKey /api_keys/verify"}; !slices.Equal(rec.calls, want) {
		t.Errorf("calls = %v, want %v", rec.calls, want)
	}
	if len(rec.results) != 2 || rec.results[0].StatusCode != 200 || rec.results[1].StatusCode != 200 || rec.results[0].Attempts != 1 {
		t.Errorf("call results = %+v", rec.results)
	}
	// Decisions, the fetch and the calls see the context of the request
	// they serve: r1 starts the fetch, which calls GetJWKS.
	wantCtx := []any{"r1", "r1", "r1", "r2", "r3", "r4", "r5", "r6", "r6", "r7"}
	if !slices.Equal(rec.ctxVals, wantCtx) {
		t.Errorf("contexts = %v, want %v", rec.ctxVals, wantCtx)
	}
}

// A handshake decision and one the middleware cannot serve are reported
// too; Decision.Err carries the latter.
func TestObserverSeesHandshakesAndErrors(t *testing.T) {
	ci := clerktest.New(t, clerktest.Options{})
	rec := &recorder{}
	opts := ci.Options()
	opts.Observer = &clerk.Observer{Decision: rec.observer().Decision}
	opts.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(500) }
	mw, err := clerk.Middleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	// A browser navigation with an expired session cookie: handshake.
	r := httptest.NewRequest("GET", "http://localhost:3000/", nil)
	r.Header.Set("Accept", "text/html")
	r.Header.Set("Sec-Fetch-Dest", "document")
	ci.SignInRequest(r, ci.SessionToken(clerktest.Session{TTL: -time.Minute}))
	h.ServeHTTP(httptest.NewRecorder(), r)
	// Claims that cannot form an auth object: 500.
	bad := ci.SessionToken(clerktest.Session{Claims: map[string]any{"fea": "billing", "o": map[string]any{"id": "org_1", "slg": "acme", "rol": "admin", "per": "read", "fpm": "1"}}})
	r = httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer "+bad)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	if len(rec.decisions) != 2 {
		t.Fatalf("decisions = %+v", rec.decisions)
	}
	if d := rec.decisions[0]; d.Status != clerk.StatusHandshake || d.Reason.Base() != clerk.ReasonSessionTokenExpired || d.Err != nil {
		t.Errorf("handshake decision = %+v", d)
	}
	if d := rec.decisions[1]; w.Code != 500 || d.Err == nil {
		t.Errorf("undecidable request: %d, decision %+v", w.Code, d)
	}
}
