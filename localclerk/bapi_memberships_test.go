package localclerk

import "testing"

func TestOrgMetadataReplaceMembershipMetadataAndAllMemberships(t *testing.T) {
	h := start(t, Options{Seed: true})
	h.bapi("PATCH", "/v1/organizations/org_demo_acme/metadata", map[string]any{"public_metadata": map[string]any{"a": 1, "b": 2}, "private_metadata": map[string]any{"k": "v"}}, nil)
	var o map[string]any
	if st := h.bapi("PUT", "/v1/organizations/acme/metadata", map[string]any{"public_metadata": map[string]any{"c": 3}}, &o); st != 200 {
		t.Fatalf("replace: %d %v", st, o)
	}
	if pub := o["public_metadata"].(map[string]any); len(pub) != 1 || pub["c"] != float64(3) {
		t.Errorf("public_metadata not replaced: %v", pub)
	}
	if priv := o["private_metadata"].(map[string]any); priv["k"] != "v" {
		t.Errorf("omitted private_metadata changed: %v", priv)
	}
	var e clerkErrors
	h.wantError(422, "form_param_value_invalid", h.bapi("PUT", "/v1/organizations/acme/metadata", `{"public_metadata":"x"}`, &e), e)

	var m map[string]any
	h.bapi("PATCH", "/v1/organizations/org_demo_acme/memberships/user_demo_bob/metadata", map[string]any{"public_metadata": map[string]any{"team": "core", "x": 1}}, nil)
	if st := h.bapi("PATCH", "/v1/organizations/org_demo_acme/memberships/user_demo_bob/metadata", map[string]any{"public_metadata": map[string]any{"x": nil}, "private_metadata": map[string]any{"p": true}}, &m); st != 200 {
		t.Fatalf("membership metadata: %d %v", st, m)
	}
	if pub := m["public_metadata"].(map[string]any); len(pub) != 1 || pub["team"] != "core" {
		t.Errorf("merged public_metadata: %v", pub)
	}
	if priv := m["private_metadata"].(map[string]any); priv["p"] != true {
		t.Errorf("merged private_metadata: %v", priv)
	}

	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Globex", "created_by": "user_demo_carol"}, nil)
	var all struct {
		Data       []map[string]any `json:"data"`
		TotalCount int              `json:"total_count"`
	}
	if st := h.bapi("GET", "/v1/organization_memberships?limit=2", nil, &all); st != 200 || all.TotalCount != 3 || len(all.Data) != 2 {
		t.Fatalf("every membership: %d %+v", st, all)
	}
	if st := h.bapi("GET", "/v1/organization_memberships?user_id=user_demo_carol", nil, &all); st != 200 || all.TotalCount != 1 ||
		all.Data[0]["organization"].(map[string]any)["name"] != "Globex" {
		t.Errorf("filtered: %d %+v", st, all)
	}
}
