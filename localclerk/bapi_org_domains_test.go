package localclerk

import (
	"strings"
	"testing"
)

type domainPage struct {
	Data       []map[string]any `json:"data"`
	TotalCount int              `json:"total_count"`
}

func (p domainPage) names() string {
	var out []string
	for _, d := range p.Data {
		out = append(out, d["name"].(string))
	}
	return strings.Join(out, ",")
}

func TestOrgDomainsCreateListUpdateVerifyDelete(t *testing.T) {
	h, hooks := startWithHooks(t)
	base := "/v1/organizations/org_demo_acme/domains"
	var acme map[string]any
	if st := h.bapi("POST", base, map[string]any{"name": "Acme.Example"}, &acme); st != 200 {
		t.Fatalf("create: %d %v", st, acme)
	}
	aff, _ := acme["affiliation_verification"].(map[string]any)
	if acme["object"] != "organization_domain" || acme["name"] != "acme.example" || acme["enrollment_mode"] != "manual_invitation" ||
		acme["organization_id"] != "org_demo_acme" || aff["status"] != "verified" || aff["strategy"] != "admin" ||
		acme["ownership_verification"] != nil || acme["public_organization_data"].(map[string]any)["slug"] != "acme" {
		t.Errorf("created: %v", acme)
	}
	hooks.wait(t, "organizationDomain.created", acme["id"].(string))
	var lab map[string]any
	h.bapi("POST", base, map[string]any{"name": "lab.example", "enrollment_mode": "automatic_suggestion", "verified": false}, &lab)
	if lab["affiliation_verification"] != nil || lab["verification"] != nil || lab["enrollment_mode"] != "automatic_suggestion" {
		t.Errorf("unverified: %v", lab)
	}
	var beta map[string]any
	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Beta", "created_by": "user_demo_alice"}, &beta)
	betaBase := "/v1/organizations/" + beta["id"].(string) + "/domains"
	h.bapi("POST", betaBase, map[string]any{"name": "beta.example", "enrollment_mode": "automatic_invitation"}, nil)

	for _, c := range []struct {
		path        string
		body        map[string]any
		status      int
		code, param string
	}{
		{base, map[string]any{"name": "ACME.example"}, 422, "form_identifier_exists", "name"},
		{betaBase, map[string]any{"name": "acme.example"}, 422, "form_identifier_exists", "name"},
		{base, map[string]any{}, 422, "form_param_missing", "name"},
		{base, map[string]any{"name": "not a domain"}, 422, "form_param_format_invalid", "name"},
		{base, map[string]any{"name": "gmail.com"}, 422, "organization_domain_common", "name"},
		{base, map[string]any{"name": "x.example", "enrollment_mode": "sometimes"}, 422, "form_param_value_invalid", "enrollment_mode"},
		{base, map[string]any{"name": "x.example", "enrollment_mode": "enterprise_sso"}, 422, "form_param_value_invalid", "enrollment_mode"},
		{"/v1/organizations/org_nope/domains", map[string]any{"name": "x.example"}, 404, "resource_not_found", ""},
	} {
		st, body := h.raw("POST", c.path, c.body)
		wantError(t, st, body, c.status, c.code, c.param)
	}

	var p domainPage
	h.bapi("GET", base, nil, &p)
	if p.TotalCount != 2 || p.names() != "lab.example,acme.example" {
		t.Errorf("list: %d %s", p.TotalCount, p.names())
	}
	h.bapi("GET", base+"?verified=false", nil, &p)
	if p.names() != "lab.example" {
		t.Errorf("verified=false: %s", p.names())
	}
	h.bapi("GET", base+"?enrollment_mode=-automatic_suggestion", nil, &p)
	if p.names() != "acme.example" {
		t.Errorf("excluding automatic_suggestion: %s", p.names())
	}
	h.bapi("GET", base+"?limit=1&offset=1", nil, &p)
	if p.TotalCount != 2 || p.names() != "acme.example" {
		t.Errorf("page 2: %d %s", p.TotalCount, p.names())
	}
	st, body := h.raw("GET", base+"?verified=maybe", nil)
	wantError(t, st, body, 422, "form_param_value_invalid", "verified")
	st, body = h.raw("GET", "/v1/organizations/org_nope/domains", nil)
	wantError(t, st, body, 404, "resource_not_found", "")

	h.bapi("GET", "/v1/organization_domains?order_by=name", nil, &p)
	if p.TotalCount != 3 || p.names() != "acme.example,beta.example,lab.example" {
		t.Errorf("all by name: %s", p.names())
	}
	h.bapi("GET", "/v1/organization_domains?enrollment_mode=automatic_invitation,automatic_suggestion&order_by=-name", nil, &p)
	if p.names() != "lab.example,beta.example" {
		t.Errorf("all by modes: %s", p.names())
	}
	h.bapi("GET", "/v1/organization_domains?query="+beta["id"].(string), nil, &p)
	if p.names() != "beta.example" {
		t.Errorf("query by organization id: %s", p.names())
	}
	h.bapi("GET", "/v1/organization_domains?query=LA&verified=false", nil, &p)
	if p.names() != "lab.example" {
		t.Errorf("query by name: %s", p.names())
	}
	h.bapi("GET", "/v1/organization_domains?domains=acme.example&domains=beta.example&organization_id=org_demo_acme", nil, &p)
	if p.names() != "acme.example" {
		t.Errorf("domains and organization_id: %s", p.names())
	}
	st, body = h.raw("GET", "/v1/organization_domains?query=%20", nil)
	wantError(t, st, body, 422, "form_param_value_invalid", "query")

	// Pending invitations to the domain's addresses are counted.
	h.bapi("POST", "/v1/organizations/org_demo_acme/invitations", map[string]any{"email_address": "kim@acme.example", "role": "org:member"}, nil)

	// Update, then verify ownership (idempotently).
	var upd map[string]any
	if st := h.bapi("PATCH", base+"/"+lab["id"].(string), map[string]any{"verified": true, "enrollment_mode": "automatic_invitation"}, &upd); st != 200 ||
		upd["enrollment_mode"] != "automatic_invitation" || upd["affiliation_verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("update: %d %v", st, upd)
	}
	hooks.wait(t, "organizationDomain.updated", lab["id"].(string))
	st, body = h.raw("PATCH", base+"/"+lab["id"].(string), map[string]any{"enrollment_mode": "whenever"})
	wantError(t, st, body, 422, "form_param_value_invalid", "enrollment_mode")
	st, body = h.raw("PATCH", betaBase+"/"+lab["id"].(string), map[string]any{})
	wantError(t, st, body, 404, "resource_not_found", "")

	var ver map[string]any
	verify := base + "/" + acme["id"].(string) + "/verify_ownership"
	if st := h.bapi("POST", verify, nil, &ver); st != 200 || ver["total_pending_invitations"] != float64(1) {
		t.Fatalf("verify: %d %v", st, ver)
	}
	own, _ := ver["ownership_verification"].(map[string]any)
	if own["status"] != "verified" || own["strategy"] != "manual_override" || own["verified_at"] != float64(ms(h.clock.Now())) {
		t.Errorf("ownership: %v", own)
	}
	h.clock.Advance(60_000_000_000)
	var again map[string]any
	h.bapi("POST", verify, nil, &again)
	if again["ownership_verification"].(map[string]any)["verified_at"] != own["verified_at"] || again["updated_at"] != ver["updated_at"] {
		t.Errorf("second verify changed the domain: %v", again)
	}
	st, body = h.raw("POST", base+"/orgdmn_nope/verify_ownership", nil)
	wantError(t, st, body, 404, "resource_not_found", "")

	var del map[string]any
	if st := h.bapi("DELETE", base+"/"+acme["id"].(string), nil, &del); st != 200 || del["deleted"] != true || del["object"] != "organization_domain" {
		t.Fatalf("delete: %d %v", st, del)
	}
	hooks.wait(t, "organizationDomain.deleted", acme["id"].(string))
	// Events arrive in order: every update of acme is in by now.
	if n := hooks.count("organizationDomain.updated", acme["id"].(string)); n != 1 {
		t.Errorf("acme.example was announced updated %d times, want once (the second verify changes nothing)", n)
	}
	st, body = h.raw("DELETE", base+"/"+acme["id"].(string), nil)
	wantError(t, st, body, 404, "resource_not_found", "")
	// The name is free again; deleting an organization deletes its domains.
	if st := h.bapi("POST", betaBase, map[string]any{"name": "acme.example"}, nil); st != 200 {
		t.Errorf("reuse a deleted domain's name: %d", st)
	}
	h.bapi("DELETE", "/v1/organizations/"+beta["id"].(string), nil, nil)
	h.bapi("GET", "/v1/organization_domains", nil, &p)
	if p.names() != "lab.example" {
		t.Errorf("after deleting Beta: %s", p.names())
	}
}
