package localclerk

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
)

func TestAllowlistAndBlocklistIdentifiers(t *testing.T) {
	h := start(t, Options{})
	var a map[string]any
	if st := h.bapi("POST", "/v1/allowlist_identifiers", map[string]any{"identifier": " Dana@Example.com ", "notify": true}, &a); st != 200 ||
		a["object"] != "allowlist_identifier" || a["identifier"] != "dana@example.com" || a["identifier_type"] != "email_address" {
		t.Fatalf("create: %d %v", st, a)
	}
	for in, want := range map[string][2]string{
		"*@Partner.example":                          {"*@partner.example", "email_address"},
		"+1 555 555 0100":                            {"+15555550100", "phone_number"},
		"0xAbCdEf0123456789abcdef0123456789ABCDEF01": {"0xabcdef0123456789abcdef0123456789abcdef01", "web3_wallet"},
	} {
		var got map[string]any
		if st := h.bapi("POST", "/v1/blocklist_identifiers", map[string]any{"identifier": in}, &got); st != 200 ||
			got["object"] != "blocklist_identifier" || got["identifier"] != want[0] || got["identifier_type"] != want[1] {
			t.Errorf("%q: %d %v", in, st, got)
		}
	}
	for _, tc := range []struct {
		path        string
		body        any
		status      int
		code, param string
	}{
		{"/v1/allowlist_identifiers", map[string]any{}, 422, "form_param_missing", "identifier"},
		{"/v1/allowlist_identifiers", map[string]any{"identifier": "  "}, 422, "form_param_missing", "identifier"},
		{"/v1/allowlist_identifiers", map[string]any{"identifier": 7}, 422, "form_param_value_invalid", "identifier"},
		{"/v1/allowlist_identifiers", map[string]any{"identifier": "dana"}, 422, "form_param_format_invalid", "identifier"},
		{"/v1/allowlist_identifiers", map[string]any{"identifier": "*@"}, 422, "form_param_format_invalid", "identifier"},
		{"/v1/allowlist_identifiers", map[string]any{"identifier": "DANA@example.com"}, 400, "duplicate_record", "identifier"},
		{"/v1/blocklist_identifiers", map[string]any{"identifier": "+15555550100"}, 400, "duplicate_record", "identifier"},
		{"/v1/allowlist_identifiers", `{"identifier":`, 400, "malformed_request", ""},
	} {
		var e clerkErrors
		h.wantError(tc.status, tc.code, h.bapi("POST", tc.path, tc.body, &e), e)
		if tc.param != "" && len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != tc.param {
			t.Errorf("%v: meta %v", tc.body, e.Errors[0].Meta)
		}
	}

	var allow []map[string]any
	if st := h.bapi("GET", "/v1/allowlist_identifiers", nil, &allow); st != 200 || len(allow) != 1 || allow[0]["id"] != a["id"] {
		t.Fatalf("allowlist: %d %v", st, allow)
	}
	var block struct {
		Data       []map[string]any `json:"data"`
		TotalCount int              `json:"total_count"`
	}
	if st := h.bapi("GET", "/v1/blocklist_identifiers?limit=2", nil, &block); st != 200 || len(block.Data) != 2 || block.TotalCount != 3 {
		t.Fatalf("blocklist: %d %+v", st, block)
	}
	var del map[string]any
	if st := h.bapi("DELETE", "/v1/allowlist_identifiers/"+a["id"].(string), nil, &del); st != 200 || del["deleted"] != true || del["object"] != "allowlist_identifier" {
		t.Fatalf("delete: %d %v", st, del)
	}
	var e clerkErrors
	h.wantError(404, "resource_not_found", h.bapi("DELETE", "/v1/allowlist_identifiers/"+a["id"].(string), nil, &e), e)
	// An identifier on one list is not on the other, and a deleted one is free again.
	if st := h.bapi("POST", "/v1/allowlist_identifiers", map[string]any{"identifier": "dana@example.com"}, nil); st != 200 {
		t.Errorf("re-add: %d", st)
	}
	if st := h.bapi("POST", "/v1/allowlist_identifiers", map[string]any{"identifier": "*@partner.example"}, nil); st != 200 {
		t.Errorf("same identifier on the allow-list: %d", st)
	}
}

// TestIdentifierListsAtSignUpAndSignIn: the lists act on the hosted pages
// only while enabled, a refused sign-up creates nothing, and the Backend
// API still creates any user.
func TestIdentifierListsAtSignUpAndSignIn(t *testing.T) {
	h := start(t, Options{Seed: true})
	restrict := func(body map[string]any) {
		t.Helper()
		var rs map[string]any
		if st := h.bapi("PATCH", "/v1/instance/restrictions", body, &rs); st != 200 || rs["object"] != "instance_restrictions" {
			t.Fatalf("restrictions: %d %v", st, rs)
		}
	}
	signUp := func(email string) int {
		t.Helper()
		return h.postForm("/sign-up", url.Values{"email": {email}, "password": {"long-enough-pw"}, "redirect_url": {app}}).StatusCode
	}
	signIn := func() int {
		t.Helper()
		return h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}, "redirect_url": {app}}).StatusCode
	}
	users := func() float64 {
		t.Helper()
		var c map[string]any
		h.bapi("GET", "/v1/users/count", nil, &c)
		return c["total_count"].(float64)
	}
	for _, id := range []string{"*@spam.example", "alice@example.com"} {
		if st := h.bapi("POST", "/v1/blocklist_identifiers", map[string]any{"identifier": id}, nil); st != 200 {
			t.Fatalf("block %s: %d", id, st)
		}
	}
	// Lists without their restriction do nothing, as on Clerk.
	if st := signUp("one@spam.example"); st != http.StatusSeeOther {
		t.Fatalf("sign-up with the block-list off: %d", st)
	}

	restrict(map[string]any{"blocklist": true})
	before := users()
	if st := signUp("two@Spam.example"); st != http.StatusUnprocessableEntity {
		t.Errorf("blocked sign-up: %d", st)
	}
	if st := signUp("three+clerk_test@spam.example"); st != http.StatusUnprocessableEntity {
		t.Errorf("blocked test-address sign-up: %d", st)
	}
	if users() != before {
		t.Errorf("a refused sign-up created a user")
	}
	if st := signIn(); st != http.StatusForbidden {
		t.Errorf("blocked sign-in: %d", st)
	}
	restrict(map[string]any{"allowlist_blocklist_disabled_on_sign_in": true})
	if st := signIn(); st != http.StatusSeeOther {
		t.Errorf("sign-in with the lists off for sign-in: %d", st)
	}

	restrict(map[string]any{"blocklist": false, "allowlist": true, "allowlist_blocklist_disabled_on_sign_in": false})
	if st := h.bapi("POST", "/v1/allowlist_identifiers", map[string]any{"identifier": "*@partner.example"}, nil); st != 200 {
		t.Fatal(st)
	}
	if st := signUp("dana@elsewhere.example"); st != http.StatusUnprocessableEntity {
		t.Errorf("sign-up not on the allow-list: %d", st)
	}
	if st := signUp("dana@partner.example"); st != http.StatusSeeOther {
		t.Errorf("sign-up on the allow-list: %d", st)
	}
	if st := signIn(); st != http.StatusForbidden {
		t.Errorf("sign-in not on the allow-list: %d", st)
	}
	if st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"eve@elsewhere.example"}}, nil); st != 200 {
		t.Errorf("the Backend API is not restricted: %d", st)
	}
}

// Concurrent writers lose nothing: distinct identifiers all land, and of
// racing duplicates exactly one wins; the lists and settings survive a
// restart.
func TestIdentifierWritesAreTransactional(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lc.db")
	h := start(t, Options{DataFile: path})
	const n = 16
	var wg sync.WaitGroup
	statuses := make([]int, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			statuses[i] = h.bapi("POST", "/v1/allowlist_identifiers", map[string]any{"identifier": fmt.Sprintf("p%d@example.com", i)}, nil)
		}()
		go func() {
			defer wg.Done()
			statuses[n+i] = h.bapi("POST", "/v1/allowlist_identifiers", map[string]any{"identifier": "same@example.com"}, nil)
		}()
	}
	wg.Wait()
	won := 0
	for i, st := range statuses {
		switch {
		case i < n && st != 200:
			t.Errorf("distinct create %d: %d", i, st)
		case i >= n && st == 200:
			won++
		case i >= n && st != 400:
			t.Errorf("duplicate create: %d", st)
		}
	}
	if won != 1 {
		t.Errorf("%d racing duplicates won, want 1", won)
	}
	if st := h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{"allowlist": true}, nil); st != 200 {
		t.Fatal(st)
	}
	// The parallel requests may have left connections the client dialed
	// but never used; the server's shutdown would wait for them.
	h.http.CloseIdleConnections()
	if err := h.inst.Close(); err != nil {
		t.Fatal(err)
	}
	h = start(t, Options{DataFile: path})
	var list []map[string]any
	if h.bapi("GET", "/v1/allowlist_identifiers?limit=100", nil, &list); len(list) != n+1 {
		t.Errorf("after restart: %d identifiers, want %d", len(list), n+1)
	}
	var rs map[string]any
	if h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{}, &rs); rs["allowlist"] != true {
		t.Errorf("restrictions after restart: %v", rs)
	}
}

// TestIdentifierListsAtFrontendAPI: clerk-js's sign-up and sign-in through
// the Frontend API meet the same lists as the hosted pages.
func TestIdentifierListsAtFrontendAPI(t *testing.T) {
	h := start(t, Options{Seed: true})
	if st := h.bapi("POST", "/v1/blocklist_identifiers", map[string]any{"identifier": "*@example.com"}, nil); st != 200 {
		t.Fatal(st)
	}
	if st := h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{"blocklist": true}, nil); st != 200 {
		t.Fatal(st)
	}
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", "erin+clerk_test@example.com", "password", "long-enough-1"))
	b.wantErr(403, "not_allowed_access", "email_address", st, m)
	if _, c := b.call("GET", "/v1/client", nil); resp(c)["sign_up"] != nil {
		t.Errorf("a refused sign-up left a record: %v", resp(c)["sign_up"])
	}
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	b.wantErr(403, "not_allowed_access", "identifier", st, m)

	// A sign-up begun before the address was blocked cannot complete.
	if st := h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{"blocklist": false}, nil); st != 200 {
		t.Fatal(st)
	}
	_, m = b.call("POST", "/v1/client/sign_ups", form("email_address", "erin+clerk_test@example.com", "password", "long-enough-1"))
	id, _ := resp(m)["id"].(string)
	b.call("POST", "/v1/client/sign_ups/"+id+"/prepare_verification", form("strategy", "email_code"))
	h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{"blocklist": true}, nil)
	st, m = b.call("POST", "/v1/client/sign_ups/"+id+"/attempt_verification", form("strategy", "email_code", "code", "424242"))
	b.wantErr(403, "not_allowed_access", "email_address", st, m)
	var users []map[string]any
	if h.bapi("GET", "/v1/users?email_address=erin%2Bclerk_test@example.com", nil, &users); len(users) != 0 {
		t.Errorf("a refused sign-up created %v", users)
	}
}
