package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
