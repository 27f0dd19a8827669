package localclerk

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/goclerk/clerk"
)

// TestActorTokenImpersonation follows an actor token's link: the browser
// is signed in as the user on a session whose tokens carry the actor, once.
func TestActorTokenImpersonation(t *testing.T) {
	h := start(t, Options{Seed: true})
	var at map[string]any
	if st := h.bapi("POST", "/v1/actor_tokens", map[string]any{"user_id": "user_demo_bob", "actor": map[string]any{"sub": "user_demo_alice"},
		"session_max_duration_in_seconds": 600}, &at); st != 200 || at["status"] != "pending" || at["token"] == nil {
		t.Fatalf("create: %d %v", st, at)
	}
	link, _ := url.Parse(at["url"].(string))
	q := link.Query()
	q.Set("redirect_url", app)
	link.RawQuery = q.Encode()
	resp := h.get(link.String())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	dirs, _ := h.handshake(app, "token", loc.Query().Get("__clerk_db_jwt"), false)
	tok, _ := cookieValue(dirs, "__session")
	_, claims := h.verifyJWT(tok)
	act, _ := claims["act"].(map[string]any)
	if claims["sub"] != "user_demo_bob" || act["sub"] != "user_demo_alice" {
		t.Fatalf("impersonation token claims: %v", claims)
	}
	// goclerk's middleware shows the actor on the request's Auth.
	mw, err := clerk.Middleware(clerk.Options{PublishableKey: h.inst.PublishableKey, SecretKey: h.inst.SecretKey,
		JWTKey: h.inst.PublicKeyPEM, APIURL: h.inst.BackendAPIURL, Now: h.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var actor string
	mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { actor = string(clerk.GetAuth(r).Actor) })).
		ServeHTTP(httptest.NewRecorder(), func() *http.Request {
			r := httptest.NewRequest("GET", "http://localhost:3000/api", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			return r
		}())
	if actor != `{"sub":"user_demo_alice"}` {
		t.Errorf("Auth.Actor = %q", actor)
	}

	var sess map[string]any
	h.bapi("GET", "/v1/sessions/"+claims["sid"].(string), nil, &sess)
	if sess["actor"].(map[string]any)["sub"] != "user_demo_alice" ||
		sess["expire_at"].(float64) > float64(h.clock.Now().Add(600*time.Second).UnixMilli()) {
		t.Errorf("session %v", sess)
	}
	// Spent: the link opens nothing now, and cannot be revoked.
	if resp := h.get(link.String()); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("second use: %d", resp.StatusCode)
	}
	var e clerkErrors
	h.wantError(400, "actor_token_cannot_be_revoked_code", h.bapi("POST", "/v1/actor_tokens/"+at["id"].(string)+"/revoke", nil, &e), e)

	// A revoked token's link opens nothing either.
	var at2 map[string]any
	h.bapi("POST", "/v1/actor_tokens", map[string]any{"user_id": "user_demo_bob", "actor": map[string]any{"sub": "user_demo_alice"}}, &at2)
	var rev map[string]any
	if st := h.bapi("POST", "/v1/actor_tokens/"+at2["id"].(string)+"/revoke", nil, &rev); st != 200 || rev["status"] != "revoked" || rev["token"] != nil {
		t.Fatalf("revoke: %d %v", st, rev)
	}
	if resp := h.get(at2["url"].(string)); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("revoked token's link: %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		body        map[string]any
		status      int
		code, param string
	}{
		{map[string]any{"actor": map[string]any{"sub": "x"}}, 422, "form_param_missing", "user_id"},
		{map[string]any{"user_id": "user_demo_bob", "actor": map[string]any{}}, 422, "form_param_missing", "actor.sub"},
		{map[string]any{"user_id": "user_demo_bob", "actor": "alice"}, 422, "form_param_format_invalid", "actor"},
		{map[string]any{"user_id": "user_demo_bob", "actor": map[string]any{"sub": "x"}, "expires_in_seconds": 0}, 422, "form_param_value_invalid", "expires_in_seconds"},
		{map[string]any{"user_id": "user_nope", "actor": map[string]any{"sub": "x"}}, 404, "resource_not_found", ""},
	} {
		e = clerkErrors{}
		h.wantError(tc.status, tc.code, h.bapi("POST", "/v1/actor_tokens", tc.body, &e), e)
		if tc.param != "" && len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != tc.param {
			t.Errorf("%v: meta %v", tc.body, e.Errors[0].Meta)
		}
	}
}
