package localclerk

import (
	"fmt"
	"slices"
	"testing"
)

// Fixes found by driving localclerk with @clerk/backend (interop/resources):
// list order and paging, domain proxy_url: null, membership ordering by the
// member's fields, role and permission list filters, test-address
// verifications. The harness clock does not move, so every record below is
// created in the same millisecond: ties are what these tests are about.

// listIDs GETs path and returns the ids of its data (or bare array).
func (h *harness) listIDs(path string) (ids []string, total int) {
	h.t.Helper()
	var out struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	if st := h.bapi("GET", path, nil, &out); st != 200 {
		h.t.Fatalf("GET %s: %d", path, st)
	}
	for _, d := range out.Data {
		ids = append(ids, d["id"].(string))
	}
	return ids, out.Total
}

// create POSTs body to path and returns the new record's id.
func (h *harness) create(path string, body map[string]any) string {
	h.t.Helper()
	var out map[string]any
	if st := h.bapi("POST", path, body, &out); st != 200 {
		h.t.Fatalf("POST %s: %d %v", path, st, out)
	}
	return out["id"].(string)
}

func TestInstanceListsAreNewestFirstAndPaged(t *testing.T) {
	h := start(t, Options{})
	for _, c := range []struct {
		path string
		body func(i int) map[string]any
	}{
		{"/v1/allowlist_identifiers", func(i int) map[string]any { return map[string]any{"identifier": fmt.Sprintf("a%d@example.com", i)} }},
		{"/v1/blocklist_identifiers", func(i int) map[string]any { return map[string]any{"identifier": fmt.Sprintf("b%d@example.com", i)} }},
		{"/v1/redirect_urls", func(i int) map[string]any { return map[string]any{"url": fmt.Sprintf("https://app.example.com/%d", i)} }},
		{"/v1/jwt_templates", func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("t%d", i), "claims": map[string]any{}}
		}},
	} {
		var made []string
		for i := range 3 {
			made = append(made, h.create(c.path, c.body(i)))
		}
		slices.Reverse(made)
		if got, total := h.listIDs(c.path + "?paginated=true"); !slices.Equal(got, made) || total != 3 {
			t.Errorf("%s = %v (total %d), want newest first %v", c.path, got, total, made)
		}
		if got, total := h.listIDs(c.path + "?paginated=true&limit=1&offset=1"); !slices.Equal(got, made[1:2]) || total != 3 {
			t.Errorf("%s limit 1 offset 1 = %v (total %d), want %v (total 3)", c.path, got, total, made[1:2])
		}
	}
}

func TestDescendingOrderListsTiesNewestFirst(t *testing.T) {
	h := start(t, Options{})
	var made []string
	for i := range 3 {
		made = append(made, h.create("/v1/users", map[string]any{"email_address": []string{fmt.Sprintf("tie%d@example.com", i)}, "skip_password_requirement": true}))
	}
	var asc, desc []map[string]any
	h.bapi("GET", "/v1/users?order_by=%2Bcreated_at", nil, &asc)
	h.bapi("GET", "/v1/users?order_by=-created_at", nil, &desc)
	var a, d []string
	for i := range asc {
		a, d = append(a, asc[i]["id"].(string)), append(d, desc[i]["id"].(string))
	}
	rev := slices.Clone(made)
	slices.Reverse(rev)
	if !slices.Equal(a, made) || !slices.Equal(d, rev) {
		t.Errorf("+created_at %v, -created_at %v; want %v and its reverse", a, d, made)
	}
}

func TestUpdateDomainProxyURLNullSwitchesBackToDNS(t *testing.T) {
	h := start(t, Options{})
	id := h.create("/v1/domains", map[string]any{"name": "sat.example.com", "is_satellite": true, "proxy_url": "https://sat.example.com/__clerk"})
	var d map[string]any
	if st := h.bapi("PATCH", "/v1/domains/"+id, map[string]any{"name": "sat2.example.com"}, &d); st != 200 || d["proxy_url"] != "https://sat.example.com/__clerk" {
		t.Fatalf("rename: %d %v (an absent proxy_url must be kept)", st, d)
	}
	if st := h.bapi("PATCH", "/v1/domains/"+id, `{"proxy_url": null}`, &d); st != 200 || d["proxy_url"] != nil || d["name"] != "sat2.example.com" {
		t.Fatalf("proxy_url null: %d %v", st, d)
	}
	var list struct{ Data []map[string]any }
	h.bapi("GET", "/v1/domains", nil, &list)
	if got := list.Data[1]; got["id"] != id || got["proxy_url"] != nil {
		t.Errorf("listed after clearing: %v", got)
	}
	var e clerkErrors
	h.wantError(422, "form_param_value_invalid", h.bapi("PATCH", "/v1/domains/"+id, `{"proxy_url": 5}`, &e), e)
	// The primary domain accepts null (it has no proxy URL) but not a URL.
	if st := h.bapi("PATCH", "/v1/domains/"+h.inst.primaryDomainID(), `{"proxy_url": null}`, nil); st != 200 {
		t.Errorf("primary, proxy_url null: %d", st)
	}
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("PATCH", "/v1/domains/"+h.inst.primaryDomainID(), map[string]any{"proxy_url": "https://x.example.com/p"}, &e), e)
}

func TestMembershipListOrdersByMemberFields(t *testing.T) {
	h := start(t, Options{})
	org := h.create("/v1/organizations", map[string]any{"name": "Order"})
	byName := map[string]string{}
	for _, p := range [][3]string{{"kim", "Kim", "Zed"}, {"abe", "Abe", "Young"}, {"lou", "Lou", "Xu"}} {
		uid := h.create("/v1/users", map[string]any{"email_address": []string{p[0] + "@example.com"}, "first_name": p[1], "last_name": p[2],
			"username": p[0], "skip_password_requirement": true})
		byName[p[1]] = h.create("/v1/organizations/"+org+"/memberships", map[string]any{"user_id": uid, "role": "org:member"})
	}
	for order, names := range map[string][]string{
		"%2Bfirst_name": {"Abe", "Kim", "Lou"}, "-first_name": {"Lou", "Kim", "Abe"}, "%2Blast_name": {"Lou", "Abe", "Kim"},
		"-username": {"Lou", "Kim", "Abe"}, "%2Bemail_address": {"Abe", "Kim", "Lou"}, "-created_at": {"Lou", "Abe", "Kim"},
	} {
		var want []string
		for _, n := range names {
			want = append(want, byName[n])
		}
		if got, _ := h.listIDs("/v1/organizations/" + org + "/memberships?order_by=" + order); !slices.Equal(got, want) {
			t.Errorf("order_by=%s: %v, want %v (%v)", order, got, want, names)
		}
	}
	var e clerkErrors
	h.wantError(422, "form_param_value_invalid", h.bapi("GET", "/v1/organizations/"+org+"/memberships?order_by=shoe_size", nil, &e), e)
}

func TestRoleAndPermissionListsFilterAndOrder(t *testing.T) {
	h := start(t, Options{})
	pRead := h.create("/v1/organization_permissions", map[string]any{"name": "Read docs", "key": "org:docs:read"})
	pWrite := h.create("/v1/organization_permissions", map[string]any{"name": "Write docs", "key": "org:docs:write"})
	rEditor := h.create("/v1/organization_roles", map[string]any{"name": "Docs editor", "key": "org:docs_editor"})
	rViewer := h.create("/v1/organization_roles", map[string]any{"name": "Docs viewer", "key": "org:docs_viewer"})
	for path, want := range map[string][]string{
		"/v1/organization_permissions?query=org:docs&order_by=-key": {pWrite, pRead},
		"/v1/organization_permissions?query=WRITE":                  {pWrite},
		"/v1/organization_permissions?query=" + pRead:               {pRead},
		"/v1/organization_roles?query=docs&order_by=%2Bname":        {rEditor, rViewer},
		"/v1/organization_roles?query=docs":                         {rViewer, rEditor}, // default -created_at
		"/v1/organization_roles?query=docs&order_by=-key&limit=1":   {rViewer},
		"/v1/organization_roles?query=" + rEditor:                   {rEditor},
	} {
		got, total := h.listIDs(path)
		if !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
		if path == "/v1/organization_roles?query=docs&order_by=-key&limit=1" && total != 2 {
			t.Errorf("%s total_count %d, want 2", path, total)
		}
	}
	// Without a query every role is listed, the built-in ones included.
	if got, _ := h.listIDs("/v1/organization_roles?limit=100"); len(got) < 4 {
		t.Errorf("all roles: %v", got)
	}
	var e clerkErrors
	h.wantError(422, "form_param_value_invalid", h.bapi("GET", "/v1/organization_roles?order_by=color", nil, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("GET", "/v1/organization_permissions?order_by=color", nil, &e), e)
}

func TestVerifiedTestAddressHasAnOTPVerification(t *testing.T) {
	h := start(t, Options{Seed: true})
	for id, want := range map[string][2]string{
		"user_demo_carol": {"verification_otp", "email_code"}, // carol+clerk_test@example.com
		"user_demo_bob":   {"verification_admin", "admin"},
	} {
		var u map[string]any
		h.bapi("GET", "/v1/users/"+id, nil, &u)
		v := u["email_addresses"].([]any)[0].(map[string]any)["verification"].(map[string]any)
		if v["object"] != want[0] || v["strategy"] != want[1] || v["status"] != "verified" {
			t.Errorf("%s verification %v, want %s / %s", id, v, want[0], want[1])
		}
	}
}
