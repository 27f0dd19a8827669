package localclerk

import "testing"

func TestEmailAddresses(t *testing.T) {
	h := start(t, Options{Seed: true})
	var e1 map[string]any
	if st := h.bapi("POST", "/v1/email_addresses", map[string]any{"user_id": "user_demo_bob", "email_address": "Bob.Work@Example.com"}, &e1); st != 200 ||
		e1["email_address"] != "Bob.Work@Example.com" || e1["verification"].(map[string]any)["status"] != "unverified" {
		t.Fatalf("create: %d %v", st, e1)
	}
	id := e1["id"].(string)
	var u map[string]any
	if h.bapi("GET", "/v1/users/user_demo_bob", nil, &u); len(u["email_addresses"].([]any)) != 2 || u["primary_email_address_id"] == id {
		t.Fatalf("user after create: %v", u)
	}
	var e clerkErrors
	for _, tc := range []struct {
		body        map[string]any
		status      int
		code, param string
	}{
		{map[string]any{"email_address": "x@example.com"}, 422, "form_param_missing", "user_id"},
		{map[string]any{"user_id": "user_demo_bob"}, 422, "form_param_missing", "email_address"},
		{map[string]any{"user_id": "user_demo_bob", "email_address": "nope"}, 422, "form_param_format_invalid", "email_address"},
		{map[string]any{"user_id": "user_demo_carol", "email_address": "bob.work@example.com"}, 422, "form_identifier_exists", "email_address"},
		{map[string]any{"user_id": "user_nope", "email_address": "x@example.com"}, 404, "resource_not_found", ""},
	} {
		e = clerkErrors{}
		h.wantError(tc.status, tc.code, h.bapi("POST", "/v1/email_addresses", tc.body, &e), e)
		if tc.param != "" && len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != tc.param {
			t.Errorf("%v: meta %v", tc.body, e.Errors[0].Meta)
		}
	}

	var upd map[string]any
	if st := h.bapi("PATCH", "/v1/email_addresses/"+id, map[string]any{"verified": true, "primary": true}, &upd); st != 200 ||
		upd["verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("update: %d %v", st, upd)
	}
	if h.bapi("GET", "/v1/users/user_demo_bob", nil, &u); u["primary_email_address_id"] != id {
		t.Errorf("primary: %v", u["primary_email_address_id"])
	}
	e = clerkErrors{}
	h.wantError(403, "primary_email_address_cannot_be_deleted", h.bapi("DELETE", "/v1/email_addresses/"+id, nil, &e), e)

	// Deleting the other address frees it for someone else.
	old := u["email_addresses"].([]any)[0].(map[string]any)["id"].(string)
	var del map[string]any
	if st := h.bapi("DELETE", "/v1/email_addresses/"+old, nil, &del); st != 200 || del["deleted"] != true {
		t.Fatalf("delete: %d %v", st, del)
	}
	if st := h.bapi("POST", "/v1/email_addresses", map[string]any{"user_id": "user_demo_carol", "email_address": "bob@example.com"}, nil); st != 200 {
		t.Errorf("a deleted address is still taken: %d", st)
	}
	var list []map[string]any
	if h.bapi("GET", "/v1/users?email_address=bob.work@example.com", nil, &list); len(list) != 1 || list[0]["id"] != "user_demo_bob" {
		t.Errorf("the kept address no longer finds bob: %v", list)
	}
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("GET", "/v1/email_addresses/"+old, nil, &e), e)
}
