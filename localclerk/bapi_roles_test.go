package localclerk

import (
	"slices"
	"testing"
)

func TestRoleAndPermissionUpdates(t *testing.T) {
	h := start(t, Options{Seed: true})
	keys := func(roleID string) []string {
		t.Helper()
		var ro map[string]any
		if st := h.bapi("GET", "/v1/organization_roles/"+roleID, nil, &ro); st != 200 {
			t.Fatalf("role: %d %v", st, ro)
		}
		var out []string
		for _, p := range ro["permissions"].([]any) {
			out = append(out, p.(map[string]any)["key"].(string))
		}
		return out
	}
	var pm, ro map[string]any
	h.bapi("POST", "/v1/organization_permissions", map[string]any{"name": "Deploy", "key": "org:deploys:create"}, &pm)
	pid := pm["id"].(string)
	if st := h.bapi("POST", "/v1/organization_roles", map[string]any{"name": "Deployer", "key": "org:deployer"}, &ro); st != 200 {
		t.Fatal(st)
	}
	rid := ro["id"].(string)
	if st := h.bapi("POST", "/v1/organization_roles/"+rid+"/permissions/"+pid, nil, nil); st != 200 || !slices.Equal(keys(rid), []string{"org:deploys:create"}) {
		t.Fatalf("add: %d %v", st, keys(rid))
	}
	var e clerkErrors
	h.wantError(409, "organization_role_permission_association_exists", h.bapi("POST", "/v1/organization_roles/"+rid+"/permissions/"+pid, nil, &e), e)

	// A permission's new key reaches the roles that hold it.
	if st := h.bapi("PATCH", "/v1/organization_permissions/"+pid, map[string]any{"key": "org:deploys:run"}, &pm); st != 200 || pm["key"] != "org:deploys:run" {
		t.Fatalf("rename permission: %d %v", st, pm)
	}
	if got := keys(rid); !slices.Equal(got, []string{"org:deploys:run"}) {
		t.Errorf("role after the rename: %v", got)
	}
	e = clerkErrors{}
	h.bapi("POST", "/v1/organization_permissions", map[string]any{"name": "Other", "key": "org:other:run"}, nil)
	h.wantError(422, "form_identifier_exists", h.bapi("PATCH", "/v1/organization_permissions/"+pid, map[string]any{"key": "org:other:run"}, &e), e)

	// Role key: free while unused, refused while a member holds it.
	if st := h.bapi("PATCH", "/v1/organization_roles/"+rid, map[string]any{"key": "org:shipper", "name": "Shipper"}, &ro); st != 200 || ro["key"] != "org:shipper" {
		t.Fatalf("rename role: %d %v", st, ro)
	}
	if st := h.bapi("PATCH", "/v1/organizations/org_demo_acme/memberships/user_demo_bob", map[string]any{"role": "org:shipper"}, nil); st != 200 {
		t.Fatalf("assign: %d", st)
	}
	e = clerkErrors{}
	h.wantError(422, "organization_role_assigned_members", h.bapi("PATCH", "/v1/organization_roles/"+rid, map[string]any{"key": "org:other"}, &e), e)
	e = clerkErrors{}
	var spare map[string]any
	h.bapi("POST", "/v1/organization_roles", map[string]any{"name": "Spare", "key": "org:spare"}, &spare)
	h.wantError(422, "form_identifier_exists", h.bapi("PATCH", "/v1/organization_roles/"+spare["id"].(string), map[string]any{"key": "org:admin"}, &e), e)

	// Deleting a permission takes it off every role; removing twice is a 404.
	if st := h.bapi("DELETE", "/v1/organization_permissions/"+pid, nil, nil); st != 200 || len(keys(rid)) != 0 {
		t.Fatalf("delete permission: %d %v", st, keys(rid))
	}
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("GET", "/v1/organization_permissions/"+pid, nil, &e), e)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("DELETE", "/v1/organization_roles/"+rid+"/permissions/"+pid, nil, &e), e)
}
