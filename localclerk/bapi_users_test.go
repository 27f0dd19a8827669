package localclerk

import (
	"net/http"
	"net/url"
	"testing"
)

func TestLockReplaceMetadataRemovePasswordBulkBan(t *testing.T) {
	h := start(t, Options{Seed: true})
	signIn := func(email, pw string) int {
		t.Helper()
		return h.postForm("/sign-in", url.Values{"email": {email}, "password": {pw}, "redirect_url": {app}}).StatusCode
	}
	activeSessions := func(uid string) int {
		t.Helper()
		var list []map[string]any
		h.bapi("GET", "/v1/sessions?status=active&user_id="+uid, nil, &list)
		return len(list)
	}
	var u map[string]any
	if st := h.bapi("POST", "/v1/users/user_demo_alice/lock", nil, &u); st != 200 || u["locked"] != true {
		t.Fatalf("lock: %d %v", st, u)
	}
	if st := signIn("alice@example.com", "alice-password"); st != http.StatusForbidden {
		t.Errorf("locked sign-in: %d", st)
	}
	if st := h.bapi("POST", "/v1/users/user_demo_alice/unlock", nil, &u); st != 200 || u["locked"] != false {
		t.Fatalf("unlock: %d %v", st, u)
	}
	if st := signIn("alice@example.com", "alice-password"); st != http.StatusSeeOther {
		t.Errorf("unlocked sign-in: %d", st)
	}

	h.bapi("PATCH", "/v1/users/user_demo_bob/metadata", map[string]any{"public_metadata": map[string]any{"a": 1, "b": 2},
		"private_metadata": map[string]any{"k": "v"}, "unsafe_metadata": map[string]any{"u": true}}, nil)
	if st := h.bapi("PUT", "/v1/users/user_demo_bob/metadata", `{"public_metadata":{"c":3},"unsafe_metadata":null}`, &u); st != 200 {
		t.Fatalf("replace: %d %v", st, u)
	}
	if pub := u["public_metadata"].(map[string]any); len(pub) != 1 || pub["c"] != float64(3) {
		t.Errorf("public_metadata not replaced: %v", pub)
	}
	if priv := u["private_metadata"].(map[string]any); priv["k"] != "v" {
		t.Errorf("omitted private_metadata changed: %v", priv)
	}
	if uns := u["unsafe_metadata"].(map[string]any); len(uns) != 0 {
		t.Errorf("null unsafe_metadata not emptied: %v", uns)
	}

	if st := h.bapi("POST", "/v1/users/user_demo_bob/remove_password", nil, &u); st != 200 || u["password_enabled"] != false {
		t.Fatalf("remove password: %d %v", st, u)
	}
	if st := signIn("bob@example.com", "bob-password"); st != http.StatusUnprocessableEntity {
		t.Errorf("sign-in with a removed password: %d", st)
	}
	var e clerkErrors
	h.wantError(400, "no_password_set", h.bapi("POST", "/v1/users/user_demo_bob/remove_password", nil, &e), e)

	// Bulk ban: all or none, sessions revoked.
	h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_carol"}, nil)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("POST", "/v1/users/ban", map[string]any{"user_ids": []string{"user_demo_carol", "user_nope"}}, &e), e)
	var c map[string]any
	if h.bapi("GET", "/v1/users/user_demo_carol", nil, &c); c["banned"] != false || activeSessions("user_demo_carol") != 1 {
		t.Fatalf("a failed bulk ban changed carol: %v", c)
	}
	var banned []map[string]any
	if st := h.bapi("POST", "/v1/users/ban", map[string]any{"user_ids": []string{"user_demo_carol", "user_demo_alice"}}, &banned); st != 200 ||
		len(banned) != 2 || banned[0]["banned"] != true || banned[1]["id"] != "user_demo_alice" {
		t.Fatalf("bulk ban: %d %v", st, banned)
	}
	if n := activeSessions("user_demo_carol") + activeSessions("user_demo_alice"); n != 0 {
		t.Errorf("%d sessions survived the ban", n)
	}
	e = clerkErrors{}
	h.wantError(400, "bulk_size_exceeded", h.bapi("POST", "/v1/users/ban", map[string]any{"user_ids": make([]string, 51)}, &e), e)
	if st := h.bapi("POST", "/v1/users/unban", map[string]any{"user_ids": []string{"user_demo_carol"}}, &banned); st != 200 || banned[0]["banned"] != false {
		t.Errorf("bulk unban: %d %v", st, banned)
	}
}
