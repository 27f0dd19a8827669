package localclerk

import (
	"testing"
	"time"
)

func TestUserSettingsAreStoredAndAnswered(t *testing.T) {
	h := start(t, Options{})
	var u map[string]any
	st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"set@example.com"}, "skip_password_requirement": true,
		"locale": "fr-FR", "created_at": "2025-01-02T03:04:05.000Z", "legal_accepted_at": "2025-01-03T00:00:00Z",
		"delete_self_enabled": false, "create_organization_enabled": false, "create_organizations_limit": 3}, &u)
	if st != 200 {
		t.Fatalf("create: %d %v", st, u)
	}
	want := map[string]any{"locale": "fr-FR", "created_at": float64(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli()),
		"legal_accepted_at":   float64(time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC).UnixMilli()),
		"delete_self_enabled": false, "create_organization_enabled": false, "create_organizations_limit": float64(3)}
	check := func(step string, u map[string]any) {
		t.Helper()
		for k, v := range want {
			if u[k] != v {
				t.Errorf("%s: %s = %v, want %v", step, k, u[k], v)
			}
		}
	}
	check("create", u)
	id := u["id"].(string)
	var got map[string]any
	h.bapi("GET", "/v1/users/"+id, nil, &got)
	check("read back", got)

	// A PATCH changes only what it carries; 0 is "unlimited" (null).
	if st := h.bapi("PATCH", "/v1/users/"+id, map[string]any{"first_name": "Set", "create_organization_enabled": true, "create_organizations_limit": 0}, &got); st != 200 {
		t.Fatalf("update: %d %v", st, got)
	}
	want["create_organization_enabled"], want["create_organizations_limit"] = true, nil
	check("update", got)
	h.bapi("GET", "/v1/users/"+id, nil, &got)
	check("read back after update", got)

	// Defaults for a user created without them.
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"plain@example.com"}, "skip_password_requirement": true}, &u)
	if u["locale"] != nil || u["legal_accepted_at"] != nil || u["delete_self_enabled"] != true || u["create_organization_enabled"] != true || u["create_organizations_limit"] != nil {
		t.Errorf("defaults: %v", u)
	}
}

func TestUserSettingsRejectBadValues(t *testing.T) {
	h := start(t, Options{})
	for _, c := range []struct {
		body  map[string]any
		code  string
		param string
	}{
		{map[string]any{"created_at": "yesterday"}, "form_param_invalid_time", "created_at"},
		{map[string]any{"legal_accepted_at": "2025-13-01"}, "form_param_invalid_time", "legal_accepted_at"},
		{map[string]any{"create_organizations_limit": -1}, "form_param_value_invalid", "create_organizations_limit"},
	} {
		c.body["email_address"] = []string{"bad@example.com"}
		var e clerkErrors
		h.wantError(422, c.code, h.bapi("POST", "/v1/users", c.body, &e), e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != c.param {
			t.Errorf("%v: param_name %v, want %s", c.body, e.Errors[0].Meta, c.param)
		}
	}
	// Nothing was created by the refused requests.
	var n map[string]any
	if h.bapi("GET", "/v1/users/count", nil, &n); n["total_count"] != float64(0) {
		t.Errorf("count after refusals: %v", n)
	}
}
