package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
	"github.com/goclerk/clerk/localclerk/localtest"
)

const testAppOrigin = "http://localhost:5173"

func TestAPIMe(t *testing.T) {
	inst, opts := localtest.Start(t, localclerk.Options{Seed: true, AllowedOrigins: []string{testAppOrigin}})
	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: inst.BackendAPIURL})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newAPI(opts, client, testAppOrigin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sid, _, err := inst.CreateSession(ctx, "user_demo_alice", "")
	if err != nil {
		t.Fatal(err)
	}
	token := func(azp string) string {
		tok, err := inst.SessionToken(ctx, sid, azp)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	do := func(method, origin, bearer string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/api/me", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		if method == http.MethodOptions {
			r.Header.Set("Access-Control-Request-Method", "GET")
			r.Header.Set("Access-Control-Request-Headers", "authorization")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	t.Run("signed in from the app", func(t *testing.T) {
		w := do("GET", testAppOrigin, token(testAppOrigin))
		if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != testAppOrigin {
			t.Fatalf("%d %v %s", w.Code, w.Header(), w.Body)
		}
		var got me
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.UserID != "user_demo_alice" || got.SessionID != sid || got.Email != "alice@example.com" || got.OrgID != "org_demo_acme" {
			t.Fatalf("me = %+v", got)
		}
	})
	t.Run("preflight from the app", func(t *testing.T) {
		w := do("OPTIONS", testAppOrigin, "")
		if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != testAppOrigin ||
			w.Header().Get("Access-Control-Allow-Headers") != "Authorization" {
			t.Fatalf("%d %v", w.Code, w.Header())
		}
	})
	for _, tc := range []struct {
		name, method, origin, bearer string
		status                       int
	}{
		{"preflight from another origin", "OPTIONS", "http://evil.example", "", 403},
		{"call from another origin", "GET", "http://evil.example", token("http://evil.example"), 403},
		{"no token", "GET", testAppOrigin, "", 401},
		{"token for another party", "GET", testAppOrigin, token("http://localhost:9999"), 401},
		{"not a token", "GET", testAppOrigin, "nonsense", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := do(tc.method, tc.origin, tc.bearer)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if acao := w.Header().Get("Access-Control-Allow-Origin"); acao != "" && tc.origin != testAppOrigin {
				t.Errorf("Access-Control-Allow-Origin %q for %s", acao, tc.origin)
			}
		})
	}
}

// POST /api/sensitive passes for a session verified in the last 10 minutes
// and answers Clerk's reverification error for an older one; the test
// clock moves both localclerk's and the middleware's time.
func TestAPISensitiveNeedsARecentVerification(t *testing.T) {
	clock := &testClock{}
	inst, opts := localtest.Start(t, localclerk.Options{Seed: true, AllowedOrigins: []string{testAppOrigin}, Now: clock.Now})
	opts.Now = clock.Now
	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: inst.BackendAPIURL})
	if err != nil {
		t.Fatal(err)
	}
	api, err := newAPI(opts, client, testAppOrigin)
	if err != nil {
		t.Fatal(err)
	}
	h := clock.serve(api)
	ctx := context.Background()
	sid, _, err := inst.CreateSession(ctx, "user_demo_alice", "")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path string) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest(method, path, nil)
		if strings.HasPrefix(path, "/api/sensitive") {
			tok, err := inst.SessionToken(ctx, sid, testAppOrigin)
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Origin", testAppOrigin)
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := call("POST", "/api/sensitive"); w.Code != 200 || !strings.Contains(w.Body.String(), `"done":true`) {
		t.Fatalf("fresh session: %d %s", w.Code, w.Body)
	}
	for _, bad := range []string{"/api/test/clock?advance=-1m", "/api/test/clock?advance=soon", "/api/test/clock"} {
		if w := call("POST", bad); w.Code != 400 {
			t.Errorf("%s: %d %s", bad, w.Code, w.Body)
		}
	}
	if w := call("GET", "/api/test/clock?advance=1m"); w.Code != 405 {
		t.Errorf("GET clock: %d", w.Code)
	}
	if w := call("POST", "/api/test/clock?advance=11m"); w.Code != 200 || !strings.Contains(w.Body.String(), `"offset_seconds":660`) {
		t.Fatalf("advance: %d %s", w.Code, w.Body)
	}
	w := call("POST", "/api/sensitive")
	want := `{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":"strict"}}}`
	if w.Code != 403 || strings.TrimSpace(w.Body.String()) != want || w.Header().Get("Access-Control-Allow-Origin") != testAppOrigin {
		t.Fatalf("stale session: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

// TestAPIKey: GET /api/key accepts an API key and reports its subject; a
// session token is refused there.
func TestAPIKey(t *testing.T) {
	inst, opts := localtest.Start(t, localclerk.Options{Seed: true, AllowedOrigins: []string{testAppOrigin}})
	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: inst.BackendAPIURL})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newAPI(opts, client, testAppOrigin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sid, _, err := inst.CreateSession(ctx, "user_demo_alice", "")
	if err != nil {
		t.Fatal(err)
	}
	session, err := inst.SessionToken(ctx, sid, testAppOrigin)
	if err != nil {
		t.Fatal(err)
	}
	get := func(bearer string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/api/key", nil)
		r.Header.Set("Authorization", "Bearer "+bearer)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := get(inst.Demo.APIKey)
	var got keyCaller
	if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != 200 || err != nil || got.Subject != "user_demo_alice" || got.TokenType != "api_key" {
		t.Fatalf("API key: %d %s", w.Code, w.Body)
	}
	if w := get(session); w.Code != 401 {
		t.Errorf("session token: %d %s", w.Code, w.Body)
	}
	if w := get("ak_unknown"); w.Code != 401 {
		t.Errorf("unknown key: %d %s", w.Code, w.Body)
	}
}
