package localclerk

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

type clerkErrors struct {
	Errors []struct {
		Code        string         `json:"code"`
		Message     string         `json:"message"`
		LongMessage string         `json:"long_message"`
		Meta        map[string]any `json:"meta"`
	} `json:"errors"`
	TraceID string `json:"clerk_trace_id"`
}

func (h *harness) wantError(status int, code string, gotStatus int, e clerkErrors) {
	h.t.Helper()
	if gotStatus != status || len(e.Errors) != 1 || (code != "" && e.Errors[0].Code != code) || e.Errors[0].LongMessage == "" || e.TraceID == "" {
		h.t.Errorf("got %d %+v, want %d %s", gotStatus, e, status, code)
	}
}

func TestBAPIUsersCRUD(t *testing.T) {
	h := start(t, Options{})
	var u map[string]any
	st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"Dana@Example.com"}, "password": "correct-horse",
		"first_name": "Dana", "public_metadata": map[string]any{"plan": "pro"}}, &u)
	if st != 200 || u["object"] != "user" || !strings.HasPrefix(u["id"].(string), "user_") {
		t.Fatalf("create: %d %v", st, u)
	}
	id := u["id"].(string)
	if u["password_enabled"] != true || u["primary_email_address_id"] == nil {
		t.Errorf("create: %v", u)
	}
	emails := u["email_addresses"].([]any)
	if e := emails[0].(map[string]any); e["email_address"] != "Dana@Example.com" || e["verification"].(map[string]any)["status"] != "verified" {
		t.Errorf("email %v", e)
	}

	var e clerkErrors
	h.wantError(422, "form_identifier_exists", h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"dana@example.com"}}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_format_invalid", h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"not-an-email"}}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_password_length_too_short", h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"x@example.com"}, "password": "short"}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("POST", "/v1/users", `{"email_address":"not-a-list"}`, &e), e)
	e = clerkErrors{}
	h.wantError(400, "malformed_request", h.bapi("POST", "/v1/users", `{"email_address": [`, &e), e)
	e = clerkErrors{}
	h.wantError(413, "request_body_too_large", h.bapi("POST", "/v1/users", `{"first_name":"`+strings.Repeat("a", 2<<20)+`"}`, &e), e)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("GET", "/v1/users/user_nope", nil, &e), e)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("PATCH", "/v1/users/user_nope", map[string]any{}, &e), e)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("DELETE", "/v1/users/user_nope", nil, &e), e)
	e = clerkErrors{}
	h.wantError(400, "form_param_value_invalid", h.bapi("GET", "/v1/users?limit=9999", nil, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("GET", "/v1/users?order_by=-password", nil, &e), e)

	// Auth.
	for _, auth := range []string{"", "Bearer sk_test_wrong", "Basic abc", "Bearer " + h.inst.PublishableKey} {
		e = clerkErrors{}
		h.wantError(401, "clerk_key_invalid", h.bapiAuth("GET", "/v1/users", auth, nil, &e), e)
	}

	var got map[string]any
	if st := h.bapi("GET", "/v1/users/"+id, nil, &got); st != 200 || got["id"] != id {
		t.Fatalf("get: %d %v", st, got)
	}
	var patched map[string]any
	if st := h.bapi("PATCH", "/v1/users/"+id, map[string]any{"last_name": "Lee", "username": "dana"}, &patched); st != 200 ||
		patched["last_name"] != "Lee" || patched["username"] != "dana" || patched["first_name"] != "Dana" {
		t.Fatalf("patch: %d %v", st, patched)
	}
	var merged map[string]any
	h.bapi("PATCH", "/v1/users/"+id+"/metadata", map[string]any{"public_metadata": map[string]any{"seats": 3}}, &merged)
	if pm := merged["public_metadata"].(map[string]any); pm["plan"] != "pro" || pm["seats"] != float64(3) {
		t.Errorf("metadata merge: %v", pm)
	}

	for i := range 5 {
		h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{fmt.Sprintf("u%d@example.com", i)}, "first_name": fmt.Sprintf("U%d", i)}, nil)
		h.clock.Advance(time.Millisecond)
	}
	var list []map[string]any
	h.bapi("GET", "/v1/users?limit=2&offset=1&order_by=%2Bcreated_at", nil, &list)
	if len(list) != 2 || list[0]["first_name"] != "U0" || list[1]["first_name"] != "U1" {
		t.Errorf("paged list: %v", names(list))
	}
	list = nil
	h.bapi("GET", "/v1/users?email_address=DANA@example.com", nil, &list)
	if len(list) != 1 || list[0]["id"] != id {
		t.Errorf("email filter: %v", names(list))
	}
	list = nil
	h.bapi("GET", "/v1/users?query=u3%40example", nil, &list)
	if len(list) != 1 || list[0]["first_name"] != "U3" {
		t.Errorf("query filter: %v", names(list))
	}
	list = nil
	h.bapi("GET", "/v1/users?user_id="+id+"&user_id=user_nope", nil, &list)
	if len(list) != 1 {
		t.Errorf("user_id filter: %v", names(list))
	}
	var count map[string]any
	h.bapi("GET", "/v1/users/count", nil, &count)
	if count["object"] != "total_count" || count["total_count"] != float64(6) {
		t.Errorf("count %v", count)
	}

	var del map[string]any
	if st := h.bapi("DELETE", "/v1/users/"+id, nil, &del); st != 200 || del["deleted"] != true || del["id"] != id {
		t.Errorf("delete: %d %v", st, del)
	}
	// The e-mail is free again.
	if st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"dana@example.com"}}, nil); st != 200 {
		t.Errorf("re-create after delete: %d", st)
	}
	// Unknown endpoint.
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("GET", "/v1/nope", nil, &e), e)
}

func names(list []map[string]any) []any {
	var out []any
	for _, u := range list {
		out = append(out, u["first_name"])
	}
	return out
}

func TestBAPIOrganizationsAndMemberships(t *testing.T) {
	h := start(t, Options{Seed: true})
	var org map[string]any
	if st := h.bapi("POST", "/v1/organizations", map[string]any{"name": "Globex Corp", "created_by": "user_demo_bob"}, &org); st != 200 {
		t.Fatalf("create org %d %v", st, org)
	}
	oid := org["id"].(string)
	if org["slug"] != "globex-corp" || org["object"] != "organization" {
		t.Errorf("org %v", org)
	}
	var e clerkErrors
	h.wantError(422, "form_identifier_exists", h.bapi("POST", "/v1/organizations", map[string]any{"name": "X", "slug": "globex-corp"}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_missing", h.bapi("POST", "/v1/organizations", map[string]any{}, &e), e)

	var got map[string]any
	if st := h.bapi("GET", "/v1/organizations/globex-corp", nil, &got); st != 200 || got["id"] != oid {
		t.Errorf("get by slug %d %v", st, got)
	}
	var list struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	h.bapi("GET", "/v1/organizations?include_members_count=true&order_by=name", nil, &list)
	if list.Total != 2 || list.Data[0]["slug"] != "acme" || list.Data[1]["members_count"] != float64(1) {
		t.Errorf("list orgs %+v", list)
	}

	var mem map[string]any
	if st := h.bapi("POST", "/v1/organizations/"+oid+"/memberships", map[string]any{"user_id": "user_demo_alice", "role": "org:member"}, &mem); st != 200 {
		t.Fatalf("add member %d %v", st, mem)
	}
	if mem["role"] != "org:member" || mem["public_user_data"].(map[string]any)["user_id"] != "user_demo_alice" {
		t.Errorf("membership %v", mem)
	}
	e = clerkErrors{}
	h.wantError(400, "already_a_member_in_organization", h.bapi("POST", "/v1/organizations/"+oid+"/memberships", map[string]any{"user_id": "user_demo_alice", "role": "org:member"}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("POST", "/v1/organizations/"+oid+"/memberships", map[string]any{"user_id": "user_demo_carol", "role": "org:boss"}, &e), e)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("POST", "/v1/organizations/"+oid+"/memberships", map[string]any{"user_id": "user_nope", "role": "org:member"}, &e), e)

	// Custom role with a permission; membership lists its permissions.
	var perm map[string]any
	h.bapi("POST", "/v1/organization_permissions", map[string]any{"name": "Deploy", "key": "org:deploys:create"}, &perm)
	var ro map[string]any
	if st := h.bapi("POST", "/v1/organization_roles", map[string]any{"name": "Deployer", "key": "org:deployer", "permissions": []string{"org:deploys:create"}}, &ro); st != 200 {
		t.Fatalf("role %d %v", st, ro)
	}
	h.bapi("PATCH", "/v1/organizations/"+oid+"/memberships/user_demo_alice", map[string]any{"role": "org:deployer"}, &mem)
	if mem["role"] != "org:deployer" || len(mem["permissions"].([]any)) != 1 {
		t.Errorf("updated membership %v", mem)
	}
	var mlist struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	h.bapi("GET", "/v1/organizations/"+oid+"/memberships", nil, &mlist)
	if mlist.Total != 2 {
		t.Errorf("memberships %+v", mlist)
	}
	mlist.Data = nil
	h.bapi("GET", "/v1/users/user_demo_alice/organization_memberships", nil, &mlist)
	if mlist.Total != 2 {
		t.Errorf("alice memberships %+v", mlist)
	}

	// Token for a session in that org carries the custom permission.
	var sess map[string]any
	h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_alice", "active_organization_id": oid}, &sess)
	var tok map[string]any
	h.bapi("POST", "/v1/sessions/"+sess["id"].(string)+"/tokens", map[string]any{}, &tok)
	_, claims := h.verifyJWT(tok["jwt"].(string))
	if p := decodePermissions(t, claims); len(p) != 1 || p[0] != "org:deploys:create" {
		t.Errorf("permissions %v (claims %v)", p, claims)
	}
	if claims["o"].(map[string]any)["rol"] != "deployer" {
		t.Errorf("role claim %v", claims["o"])
	}

	h.bapi("DELETE", "/v1/organizations/"+oid+"/memberships/user_demo_alice", nil, &mem)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("DELETE", "/v1/organizations/"+oid+"/memberships/user_demo_alice", nil, &e), e)

	var upd map[string]any
	h.bapi("PATCH", "/v1/organizations/"+oid, map[string]any{"name": "Globex", "slug": "globex"}, &upd)
	if upd["name"] != "Globex" || upd["slug"] != "globex" {
		t.Errorf("update %v", upd)
	}
	var del map[string]any
	if st := h.bapi("DELETE", "/v1/organizations/"+oid, nil, &del); st != 200 || del["deleted"] != true {
		t.Errorf("delete %d %v", st, del)
	}
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("GET", "/v1/organizations/"+oid, nil, &e), e)
}

func TestBAPISessionsAndTemplates(t *testing.T) {
	h := start(t, Options{Seed: true})
	var sess map[string]any
	if st := h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_bob"}, &sess); st != 200 {
		t.Fatalf("create session %d", st)
	}
	sid := sess["id"].(string)
	var list []map[string]any
	h.bapi("GET", "/v1/sessions?user_id=user_demo_bob&status=active", nil, &list)
	if len(list) != 1 || list[0]["id"] != sid || list[0]["last_active_organization_id"] != "org_demo_acme" {
		t.Errorf("sessions %v", list)
	}
	var tok map[string]any
	h.bapi("POST", "/v1/sessions/"+sid+"/tokens/demo", map[string]any{}, &tok)
	_, claims := h.verifyJWT(tok["jwt"].(string))
	if claims["email"] != "bob@example.com" || claims["org"] != "acme" || claims["sub"] != "user_demo_bob" {
		t.Errorf("template claims %v", claims)
	}
	var e clerkErrors
	h.wantError(404, "resource_not_found", h.bapi("POST", "/v1/sessions/"+sid+"/tokens/nope", nil, &e), e)

	var rev map[string]any
	h.bapi("POST", "/v1/sessions/"+sid+"/revoke", nil, &rev)
	if rev["status"] != "revoked" {
		t.Errorf("revoke %v", rev)
	}
	e = clerkErrors{}
	h.wantError(404, "session_not_active", h.bapi("POST", "/v1/sessions/"+sid+"/tokens", nil, &e), e)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("GET", "/v1/sessions/sess_nope", nil, &e), e)
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("GET", "/v1/clients/handshake_payload?nonce=nope", nil, &e), e)

	var jwks map[string]any
	h.bapi("GET", "/v1/jwks", nil, &jwks)
	if len(jwks["keys"].([]any)) != 1 {
		t.Errorf("jwks %v", jwks)
	}
}

func TestBAPIMachineTokens(t *testing.T) {
	h := start(t, Options{Seed: true})
	// API keys: create, verify (no /v1, as @clerk/backend calls it), revoke.
	var k map[string]any
	if st := h.bapi("POST", "/api_keys", map[string]any{"name": "ci-key", "subject": "user_demo_bob", "scopes": []string{"write"}}, &k); st != 200 {
		t.Fatalf("create key %d %v", st, k)
	}
	secret := k["secret"].(string)
	var v map[string]any
	if st := h.bapi("POST", "/api_keys/verify", map[string]any{"secret": secret}, &v); st != 200 || v["object"] != "api_key" || v["subject"] != "user_demo_bob" || v["secret"] != nil {
		t.Errorf("verify %d %v", st, v)
	}
	// The seeded key verifies too.
	if st := h.bapi("POST", "/api_keys/verify", map[string]any{"secret": h.inst.Demo.APIKey}, &v); st != 200 || v["subject"] != "user_demo_alice" {
		t.Errorf("seeded key %d %v", st, v)
	}
	var list struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	h.bapi("GET", "/api_keys?subject=user_demo_bob", nil, &list)
	if list.Total != 1 || list.Data[0]["secret"] != nil {
		t.Errorf("list %+v", list)
	}
	h.bapi("POST", "/api_keys/"+k["id"].(string)+"/revoke", map[string]any{"revocation_reason": "leaked"}, &v)
	if v["revoked"] != true || v["revocation_reason"] != "leaked" {
		t.Errorf("revoke %v", v)
	}
	var e clerkErrors
	h.wantError(404, "", h.bapi("POST", "/api_keys/verify", map[string]any{"secret": secret}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("POST", "/api_keys", map[string]any{"name": "xyz", "subject": "user_nope"}, &e), e)

	// M2M: created with the machine's own secret key.
	machineAuth := "Bearer " + h.inst.Demo.MachineSecretKey
	var m map[string]any
	if st := h.bapiAuth("POST", "/m2m_tokens", machineAuth, map[string]any{"seconds_until_expiration": 60}, &m); st != 201 {
		t.Fatalf("create m2m %d %v", st, m)
	}
	token := m["token"].(string)
	if !strings.HasPrefix(token, "mt_") || m["subject"] != h.inst.Demo.MachineID {
		t.Errorf("m2m %v", m)
	}
	if st := h.bapiAuth("POST", "/m2m_tokens/verify", machineAuth, map[string]any{"token": token}, &v); st != 200 || v["object"] != "machine_to_machine_token" {
		t.Errorf("m2m verify %d %v", st, v)
	}
	var ml map[string]any
	h.bapi("GET", "/m2m_tokens?subject="+h.inst.Demo.MachineID, nil, &ml)
	if ml["total_count"] != float64(1) {
		t.Errorf("m2m list %v", ml)
	}
	h.bapi("POST", "/m2m_tokens/"+m["id"].(string)+"/revoke", map[string]any{}, &v)
	e = clerkErrors{}
	h.wantError(404, "", h.bapiAuth("POST", "/m2m_tokens/verify", machineAuth, map[string]any{"token": token}, &e), e)
	e = clerkErrors{}
	h.wantError(401, "clerk_key_invalid", h.bapiAuth("POST", "/m2m_tokens", "Bearer ak_wrong", map[string]any{}, &e), e)
	// Expiry through the clock.
	h.bapiAuth("POST", "/m2m_tokens", machineAuth, map[string]any{"seconds_until_expiration": 60}, &m)
	h.clock.Advance(61e9)
	e = clerkErrors{}
	h.wantError(404, "", h.bapiAuth("POST", "/m2m_tokens/verify", machineAuth, map[string]any{"token": m["token"]}, &e), e)

	// OAuth access tokens.
	oat, err := h.inst.CreateOAuthAccessToken(t.Context(), "user_demo_alice", []string{"profile"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st := h.bapi("POST", "/oauth_applications/access_tokens/verify", map[string]any{"access_token": oat}, &v); st != 200 ||
		v["object"] != "clerk_idp_oauth_access_token" || v["subject"] != "user_demo_alice" {
		t.Errorf("oauth verify %d %v", st, v)
	}
	e = clerkErrors{}
	h.wantError(404, "", h.bapi("POST", "/v1/oauth_applications/access_tokens/verify", map[string]any{"access_token": "oat_nope"}, &e), e)
}

func TestConcurrentWrites(t *testing.T) {
	h := start(t, Options{DataFile: t.TempDir() + "/lc.db"})
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			var u map[string]any
			st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{fmt.Sprintf("c%d@example.com", i)}}, &u)
			if st != 200 {
				errs <- fmt.Sprintf("user %d: %d %v", i, st, u)
				return
			}
			var o map[string]any
			if st := h.bapi("POST", "/v1/organizations", map[string]any{"name": "Same Name", "created_by": u["id"]}, &o); st != 200 {
				errs <- fmt.Sprintf("org %d: %d %v", i, st, o)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var count map[string]any
	h.bapi("GET", "/v1/users/count", nil, &count)
	if count["total_count"] != float64(n) {
		t.Errorf("count %v, want %d", count, n)
	}
	var orgs struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	h.bapi("GET", "/v1/organizations?limit=500", nil, &orgs)
	slugs := map[any]bool{}
	for _, o := range orgs.Data {
		slugs[o["slug"]] = true
	}
	if orgs.Total != n || len(slugs) != n {
		t.Errorf("orgs %d, distinct slugs %d", orgs.Total, len(slugs))
	}
	for i := range n {
		var list []map[string]any
		h.bapi("GET", fmt.Sprintf("/v1/users?email_address=c%d@example.com", i), nil, &list)
		if len(list) != 1 {
			t.Errorf("user %d missing", i)
		}
	}
	_ = http.StatusOK
}
