package localclerk

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestOrganizationRoleAndPermissionWebhooks checks the events Clerk sends
// for roles, permissions, organization metadata and new memberships
// (role.*, permission.*, organization.updated, organizationMembership.created),
// and that a refused write sends none.
func TestOrganizationRoleAndPermissionWebhooks(t *testing.T) {
	type event struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	got := make(chan event, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var e event
		if err := json.Unmarshal(b, &e); err != nil {
			t.Errorf("delivery is not JSON: %s", b)
		}
		got <- e
	}))
	defer srv.Close()
	h := start(t, Options{WebhookURL: srv.URL, WebhookSecret: "whsec_" + base64.StdEncoding.EncodeToString([]byte("roles and permissions"))})

	id := func(path string, body any) string {
		t.Helper()
		var out map[string]any
		if st := h.bapi("POST", path, body, &out); st != http.StatusOK {
			t.Fatalf("POST %s: %d %v", path, st, out)
		}
		return out["id"].(string)
	}
	call := func(method, path string, body any) {
		t.Helper()
		var out map[string]any
		if st := h.bapi(method, path, body, &out); st != http.StatusOK {
			t.Fatalf("%s %s: %d %v", method, path, st, out)
		}
	}
	perm := id("/v1/organization_permissions", map[string]any{"name": "Ship", "key": "org:ship:create"})
	perm2 := id("/v1/organization_permissions", map[string]any{"name": "Read", "key": "org:ship:read"})
	if st := h.bapi("POST", "/v1/organization_permissions", map[string]any{"name": "Again", "key": "org:ship:create"}, nil); st != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate permission: %d", st)
	}
	role := id("/v1/organization_roles", map[string]any{"name": "Shipper", "key": "org:shipper", "permissions": []string{perm}})
	call("PATCH", "/v1/organization_roles/"+role, map[string]any{"name": "Sender"})
	call("POST", "/v1/organization_roles/"+role+"/permissions/"+perm2, nil)
	call("PATCH", "/v1/organization_permissions/"+perm, map[string]any{"name": "Send"})
	call("DELETE", "/v1/organization_roles/"+role, nil)
	call("DELETE", "/v1/organization_permissions/"+perm2, nil)
	org := id("/v1/organizations", map[string]any{"name": "Hooks"})
	call("PATCH", "/v1/organizations/"+org+"/metadata", map[string]any{"public_metadata": map[string]any{"tier": "gold"}})
	user := id("/v1/users", map[string]any{"email_address": []string{"hooks@example.com"}})
	call("POST", "/v1/organizations/"+org+"/memberships", map[string]any{"user_id": user, "role": "org:member", "public_metadata": map[string]any{"team": "core"}})

	want := []struct {
		typ, field string
		value      any
	}{
		{"permission.created", "id", perm},
		{"permission.created", "id", perm2},
		{"role.created", "key", "org:shipper"},
		{"role.updated", "name", "Sender"},
		{"role.updated", "id", role},
		{"permission.updated", "name", "Send"},
		{"role.deleted", "id", role},
		{"permission.deleted", "id", perm2},
		{"organization.created", "id", org},
		{"organization.updated", "public_metadata", map[string]any{"tier": "gold"}},
		{"organizationMembership.created", "public_metadata", map[string]any{"team": "core"}},
	}
	for i, w := range want {
		var e event
		for {
			select {
			case e = <-got:
			case <-time.After(10 * time.Second):
				t.Fatalf("no delivery %d (%s)", i, w.typ)
			}
			if !strings.HasPrefix(e.Type, "user.") {
				break
			}
		}
		if e.Type != w.typ || !jsonEqual(e.Data[w.field], w.value) {
			t.Errorf("event %d: %s with %s = %v, want %s with %v", i, e.Type, w.field, e.Data[w.field], w.typ, w.value)
		}
	}
	select {
	case e := <-got:
		t.Errorf("unexpected extra delivery %s", e.Type)
	default:
	}
}

// jsonEqual compares decoded JSON values.
func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TestBanUserWebhooks: banning and unbanning one user sends user.updated
// with the new state, as the bulk form does; an unknown user sends none.
func TestBanUserWebhooks(t *testing.T) {
	got := make(chan map[string]any, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &e); err != nil {
			t.Errorf("delivery is not JSON: %s", b)
		}
		if e["type"] == "user.updated" {
			got <- e
		}
	}))
	defer srv.Close()
	h := start(t, Options{WebhookURL: srv.URL, WebhookSecret: "whsec_" + base64.StdEncoding.EncodeToString([]byte("ban"))})
	var u map[string]any
	if st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"banned@example.com"}}, &u); st != http.StatusOK {
		t.Fatalf("create user: %d %v", st, u)
	}
	id := u["id"].(string)
	if st := h.bapi("POST", "/v1/users/user_nope/ban", nil, nil); st != http.StatusNotFound {
		t.Fatalf("ban unknown user: %d", st)
	}
	for _, step := range []struct {
		path   string
		banned bool
	}{{"/ban", true}, {"/unban", false}} {
		if st := h.bapi("POST", "/v1/users/"+id+step.path, nil, nil); st != http.StatusOK {
			t.Fatalf("POST %s: %d", step.path, st)
		}
		select {
		case e := <-got:
			data := e["data"].(map[string]any)
			if data["id"] != id || data["banned"] != step.banned {
				t.Errorf("%s: user.updated data id=%v banned=%v, want %s %v", step.path, data["id"], data["banned"], id, step.banned)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no user.updated delivery", step.path)
		}
	}
	select {
	case e := <-got:
		t.Errorf("unexpected extra delivery %v", e["data"])
	default:
	}
}
