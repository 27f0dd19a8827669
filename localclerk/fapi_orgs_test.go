package localclerk

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// checkFAPIShape checks one Frontend API answer against the spec.
func checkFAPIShape(t *testing.T, method, path string, status int, body []byte) {
	t.Helper()
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	if err := facts.Check(method, path, status, body); err != nil {
		t.Errorf("%v\nbody: %s", err, body)
	}
}

// newAliceOrg creates an organization through the Frontend API as b's
// signed-in user and returns its id.
func newOrgAs(t *testing.T, b *browser, name string) string {
	t.Helper()
	st, m := b.call("POST", "/v1/organizations", form("name", name))
	if st != 200 || resp(m)["id"] == nil {
		t.Fatalf("create organization: %d %v", st, m)
	}
	return resp(m)["id"].(string)
}

func signedIn(t *testing.T, h *harness, email, password string) *browser {
	t.Helper()
	b := newBrowser(h)
	signInBrowser(t, b, email, password)
	return b
}

// TestFAPIOrgCreateMakesTheCreatorAdmin: CreateOrganization's request
// makes an organization whose first member is the creator in the
// creator role, which the session can then make active.
func TestFAPIOrgCreateMakesTheCreatorAdmin(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := signedIn(t, h, "bob@example.com", "bob-password")
	st, m := b.call("POST", "/v1/organizations", form("name", "Bob's Bakery", "slug", "bobs-bakery"))
	o := resp(m)
	if st != 200 || o["object"] != "organization" || o["slug"] != "bobs-bakery" || o["members_count"] != 1.0 ||
		o["private_metadata"] != nil || !strings.HasSuffix(o["image_url"].(string), "/v1/avatar.svg") {
		t.Fatalf("create: %d %v", st, m)
	}
	var mem map[string]any
	for _, x := range clientOf(m)["sessions"].([]any)[0].(map[string]any)["user"].(map[string]any)["organization_memberships"].([]any) {
		if x.(map[string]any)["organization"].(map[string]any)["id"] == o["id"] {
			mem = x.(map[string]any)
		}
	}
	if mem == nil || mem["role"] != "org:admin" {
		t.Fatalf("the client's user has no admin membership of the new organization: %v", clientOf(m))
	}
	sid := clientOf(m)["last_active_session_id"].(string)
	if st, m := b.call("POST", "/v1/client/sessions/"+sid+"/touch", form("active_organization_id", o["id"].(string))); st != 200 ||
		resp(m)["last_active_organization_id"] != o["id"] {
		t.Fatalf("setActive: %d %v", st, m)
	}
	if st, m := b.call("POST", "/v1/organizations", form("name", "x", "slug", "bobs-bakery")); st != 422 {
		t.Errorf("a taken slug: %d %v", st, m)
	}
	// Deleting it moves the session to the personal account.
	st, m = b.call("DELETE", "/v1/organizations/"+o["id"].(string), nil)
	if st != 200 || resp(m)["deleted"] != true || resp(m)["slug"] != "bobs-bakery" {
		t.Fatalf("delete: %d %v", st, m)
	}
	if s := clientOf(m)["sessions"].([]any)[0].(map[string]any); s["last_active_organization_id"] != nil {
		t.Errorf("the session still has the deleted organization active: %v", s["last_active_organization_id"])
	}
}

// TestFAPIOrgPermissions: a member acts within the permissions of their
// role, with Clerk's not_allowed_access; a non-member learns nothing.
func TestFAPIOrgPermissions(t *testing.T) {
	h := start(t, Options{Seed: true})
	bob := signedIn(t, h, "bob@example.com", "bob-password") // org:member of Acme
	carol := newBrowser(h)
	st, m := carol.call("POST", "/v1/client/sign_ins", form("identifier", "carol+clerk_test@example.com", "strategy", "email_code"))
	if st != 200 {
		t.Fatalf("carol: %d %v", st, m)
	}
	if st, m := carol.call("POST", "/v1/client/sign_ins/"+resp(m)["id"].(string)+"/attempt_first_factor", form("strategy", "email_code", "code", "424242")); st != 200 {
		t.Fatalf("carol: %d %v", st, m)
	}
	var inv struct{ ID string }
	h.bapi("POST", "/v1/organizations/org_demo_acme/invitations", map[string]any{"email_address": "pending@example.com", "role": "org:member"}, &inv)
	for _, tc := range []struct {
		name         string
		b            *browser
		method, path string
		form         url.Values
		status       int
		code         string
	}{
		{"member reads the organization", bob, "GET", "/v1/organizations/org_demo_acme", nil, 200, ""},
		{"member reads by slug", bob, "GET", "/v1/organizations/acme", nil, 200, ""},
		{"member lists members", bob, "GET", "/v1/organizations/org_demo_acme/memberships", nil, 200, ""},
		{"member lists roles", bob, "GET", "/v1/organizations/org_demo_acme/roles", nil, 200, ""},
		{"member cannot rename", bob, "PATCH", "/v1/organizations/org_demo_acme", form("name", "Bob Inc"), 403, "not_allowed_access"},
		{"member cannot delete", bob, "DELETE", "/v1/organizations/org_demo_acme", nil, 403, "not_allowed_access"},
		{"member cannot remove the logo", bob, "DELETE", "/v1/organizations/org_demo_acme/logo", nil, 403, "not_allowed_access"},
		{"member cannot invite", bob, "POST", "/v1/organizations/org_demo_acme/invitations", form("email_address", "x@example.com", "role", "org:member"), 403, "not_allowed_access"},
		{"member cannot invite in bulk", bob, "POST", "/v1/organizations/org_demo_acme/invitations/bulk", form("email_address", "x@example.com", "role", "org:member"), 403, "not_allowed_access"},
		{"member cannot list invitations", bob, "GET", "/v1/organizations/org_demo_acme/invitations", nil, 403, "not_allowed_access"},
		{"member cannot revoke", bob, "POST", "/v1/organizations/org_demo_acme/invitations/" + inv.ID + "/revoke", nil, 403, "not_allowed_access"},
		{"member cannot add members", bob, "POST", "/v1/organizations/org_demo_acme/memberships", form("user_id", "user_demo_carol", "role", "org:member"), 403, "not_allowed_access"},
		{"member cannot change roles", bob, "PATCH", "/v1/organizations/org_demo_acme/memberships/user_demo_bob", form("role", "org:admin"), 403, "not_allowed_access"},
		{"member cannot remove members", bob, "DELETE", "/v1/organizations/org_demo_acme/memberships/user_demo_alice", nil, 403, "not_allowed_access"},
		{"member cannot list domains", bob, "GET", "/v1/organizations/org_demo_acme/domains", nil, 403, "not_allowed_access"},
		{"member cannot add domains", bob, "POST", "/v1/organizations/org_demo_acme/domains", form("name", "acme.test"), 403, "not_allowed_access"},
		{"member cannot list membership requests", bob, "GET", "/v1/organizations/org_demo_acme/membership_requests", nil, 403, "not_allowed_access"},
		{"non-member cannot read", carol, "GET", "/v1/organizations/org_demo_acme", nil, 404, "organization_not_found_or_unauthorized"},
		{"non-member cannot list members", carol, "GET", "/v1/organizations/org_demo_acme/memberships", nil, 404, "organization_not_found_or_unauthorized"},
		{"non-member cannot leave", carol, "DELETE", "/v1/me/organization_memberships/org_demo_acme", nil, 404, "organization_not_found_or_unauthorized"},
		{"unknown organization", bob, "GET", "/v1/organizations/org_nope", nil, 404, "organization_not_found_or_unauthorized"},
		{"signed out", newBrowser(h), "GET", "/v1/organizations/org_demo_acme", nil, 401, "signed_out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, m := tc.b.call(tc.method, tc.path, tc.form)
			if tc.code == "" {
				if st != tc.status {
					t.Fatalf("%d %v", st, m)
				}
				return
			}
			tc.b.wantErr(tc.status, tc.code, "", st, m)
		})
	}
	// Nothing the refused requests asked for happened.
	var o map[string]any
	h.bapi("GET", "/v1/organizations/org_demo_acme", nil, &o)
	if o["name"] != "Acme Inc" {
		t.Errorf("renamed: %v", o["name"])
	}
	var mems struct {
		TotalCount int `json:"total_count"`
	}
	h.bapi("GET", "/v1/organizations/org_demo_acme/memberships", nil, &mems)
	if mems.TotalCount != 2 {
		t.Errorf("members: %d", mems.TotalCount)
	}
}

// TestFAPIOrgLastAdmin: an organization keeps a member who can manage its
// memberships; the last one can neither leave, be demoted nor removed.
func TestFAPIOrgLastAdmin(t *testing.T) {
	h := start(t, Options{Seed: true})
	alice := signedIn(t, h, "alice@example.com", "alice-password")
	org := newOrgAs(t, alice, "Solo")
	h.bapi("POST", "/v1/organizations/"+org+"/memberships", map[string]any{"user_id": "user_demo_bob", "role": "org:member"}, nil)
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
	}{
		{"leave", "DELETE", "/v1/me/organization_memberships/" + org, nil},
		{"demote", "PATCH", "/v1/organizations/" + org + "/memberships/user_demo_alice", form("role", "org:member")},
		{"remove", "DELETE", "/v1/organizations/" + org + "/memberships/user_demo_alice", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, m := alice.call(tc.method, tc.path, tc.form)
			alice.wantErr(403, "organization_minimum_permissions_needed", "", st, m)
		})
	}
	// With a second admin, Alice may go; her session falls back to her
	// personal account.
	if st, m := alice.call("PATCH", "/v1/organizations/"+org+"/memberships/user_demo_bob", form("role", "org:admin")); st != 200 || resp(m)["role"] != "org:admin" {
		t.Fatalf("promote bob: %d %v", st, m)
	}
	_, m := alice.call("GET", "/v1/client", nil)
	sid := resp(m)["last_active_session_id"].(string)
	if st, m := alice.call("POST", "/v1/client/sessions/"+sid+"/touch", form("active_organization_id", org)); st != 200 {
		t.Fatalf("touch: %d %v", st, m)
	}
	st, m := alice.call("DELETE", "/v1/me/organization_memberships/"+org, nil)
	if st != 200 || resp(m)["deleted"] != true || resp(m)["object"] != "organization_membership" {
		t.Fatalf("leave: %d %v", st, m)
	}
	if s := clientOf(m)["sessions"].([]any)[0].(map[string]any); s["last_active_organization_id"] != nil {
		t.Errorf("the session still has the organization active: %v", s["last_active_organization_id"])
	}
	if st, m := alice.call("GET", "/v1/organizations/"+org, nil); st != 404 {
		t.Errorf("after leaving: %d %v", st, m)
	}
}

// TestFAPIOrgLimits: the instance's and the user's creation settings,
// the organization's membership limit and admin_delete_enabled.
func TestFAPIOrgLimits(t *testing.T) {
	h := start(t, Options{Seed: true})
	alice := signedIn(t, h, "alice@example.com", "alice-password")
	for _, tc := range []struct {
		name   string
		setup  func()
		call   func() (int, map[string]any)
		status int
		code   string
	}{
		{"creation turned off for the user",
			func() {
				h.bapi("PATCH", "/v1/users/user_demo_alice", map[string]any{"create_organization_enabled": false}, nil)
			},
			func() (int, map[string]any) { return alice.call("POST", "/v1/organizations", form("name", "No")) },
			403, "not_allowed_access"},
		{"creation limit reached",
			func() {
				h.bapi("PATCH", "/v1/users/user_demo_alice", map[string]any{"create_organization_enabled": true, "create_organizations_limit": 1}, nil)
				h.bapi("POST", "/v1/organizations", map[string]any{"name": "First", "created_by": "user_demo_alice"}, nil)
			},
			func() (int, map[string]any) { return alice.call("POST", "/v1/organizations", form("name", "Second")) },
			403, "organization_quota_exceeded"},
		{"organizations turned off",
			func() {
				h.bapi("PATCH", "/v1/users/user_demo_alice", map[string]any{"create_organizations_limit": 0}, nil)
				h.bapi("PATCH", "/v1/instance/organization_settings", map[string]any{"enabled": false}, nil)
			},
			func() (int, map[string]any) { return alice.call("POST", "/v1/organizations", form("name", "Off")) },
			403, "not_allowed_access"},
		{"membership limit on adding",
			func() {
				h.bapi("PATCH", "/v1/instance/organization_settings", map[string]any{"enabled": true}, nil)
				h.bapi("PATCH", "/v1/organizations/org_demo_acme", map[string]any{"max_allowed_memberships": 2}, nil)
			},
			func() (int, map[string]any) {
				return alice.call("POST", "/v1/organizations/org_demo_acme/memberships", form("user_id", "user_demo_carol", "role", "org:member"))
			},
			403, "organization_membership_quota_exceeded"},
		{"membership limit on inviting", func() {},
			func() (int, map[string]any) {
				return alice.call("POST", "/v1/organizations/org_demo_acme/invitations", form("email_address", "new@example.com", "role", "org:member"))
			},
			403, "organization_membership_quota_exceeded"},
		{"deletion turned off",
			func() {
				h.bapi("PATCH", "/v1/organizations/org_demo_acme", map[string]any{"admin_delete_enabled": false}, nil)
			},
			func() (int, map[string]any) { return alice.call("DELETE", "/v1/organizations/org_demo_acme", nil) },
			403, "organization_admin_delete_not_enabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			st, m := tc.call()
			alice.wantErr(tc.status, tc.code, "", st, m)
		})
	}
}

// TestFAPIOrgInvitationSignsUpANewUser: an invitation made from the
// components sends its link to the outbox; the link brings the invitee to
// the app with __clerk_ticket and __clerk_status=sign_up, and the sign-up
// with that ticket makes a user who is a member in the invited role.
func TestFAPIOrgInvitationSignsUpANewUser(t *testing.T) {
	h := start(t, Options{Seed: true})
	alice := signedIn(t, h, "alice@example.com", "alice-password")
	st, m := alice.call("POST", "/v1/organizations/org_demo_acme/invitations", form("email_address", "Newbie@Example.com", "role", "org:admin"))
	inv := resp(m)
	if st != 200 || inv["email_address"] != "newbie@example.com" || inv["status"] != "pending" || inv["inviter_id"] != nil {
		t.Fatalf("invite: %d %v", st, m)
	}
	msgs, err := h.inst.outbox(mustRequest(t, h.inst.FrontendAPIURL), "newbie@example.com")
	if err != nil || len(msgs) != 1 || msgs[0].Kind != msgOrganizationInvitation || msgs[0].Link == "" {
		t.Fatalf("outbox: %v %v", msgs, err)
	}
	newbie := newBrowser(h)
	res, err := newbie.client.Get(msgs[0].Link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || loc.Scheme+"://"+loc.Host != testAppOrigin || loc.Query().Get("__clerk_status") != "sign_up" {
		t.Fatalf("link: %d %s", res.StatusCode, loc)
	}
	st, m = newbie.call("POST", "/v1/client/sign_ups", form("strategy", "ticket", "ticket", loc.Query().Get("__clerk_ticket"),
		"password", "newbie-password-1", "first_name", "New", "last_name", "Bie"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign up: %d %v", st, m)
	}
	uid := resp(m)["created_user_id"].(string)
	var mems struct {
		Data []struct {
			Role           string
			PublicUserData struct {
				UserID string `json:"user_id"`
			} `json:"public_user_data"`
		}
	}
	h.bapi("GET", "/v1/organizations/org_demo_acme/memberships?user_id="+uid, nil, &mems)
	if len(mems.Data) != 1 || mems.Data[0].Role != "org:admin" {
		t.Fatalf("membership: %+v", mems)
	}
	st, m = alice.call("GET", "/v1/organizations/org_demo_acme/invitations", url.Values{})
	if data := resp(m)["data"].([]any); st != 200 || len(data) != 1 || data[0].(map[string]any)["status"] != "accepted" {
		t.Errorf("invitations: %d %v", st, m)
	}
	// Bulk invitations and revoking one.
	st, m = alice.call("POST", "/v1/organizations/org_demo_acme/invitations/bulk",
		url.Values{"email_address": {"a@example.com", "b@example.com"}, "role": {"org:member"}})
	list, _ := m["response"].([]any)
	if st != 200 || len(list) != 2 {
		t.Fatalf("bulk: %d %v", st, m)
	}
	id := list[0].(map[string]any)["id"].(string)
	if st, m := alice.call("POST", "/v1/organizations/org_demo_acme/invitations/"+id+"/revoke", nil); st != 200 || resp(m)["status"] != "revoked" {
		t.Fatalf("revoke: %d %v", st, m)
	}
	st, m = alice.call("GET", "/v1/organizations/org_demo_acme/invitations/pending", nil)
	if resp(m)["total_count"] != 1.0 {
		t.Errorf("pending: %d %v", st, m)
	}
}

// TestFAPIOrgMembershipsPaging: limit, offset and the role filter.
func TestFAPIOrgMembershipsPaging(t *testing.T) {
	h := start(t, Options{Seed: true})
	alice := signedIn(t, h, "alice@example.com", "alice-password")
	if st, m := alice.call("POST", "/v1/organizations/org_demo_acme/memberships", form("user_id", "user_demo_carol", "role", "org:member")); st != 200 {
		t.Fatalf("add carol: %d %v", st, m)
	}
	for _, tc := range []struct {
		query string
		total float64
		ids   []string
	}{
		{"", 3, []string{"user_demo_alice", "user_demo_bob", "user_demo_carol"}},
		{"limit=2", 3, []string{"user_demo_alice", "user_demo_bob"}},
		{"limit=2&offset=2", 3, []string{"user_demo_carol"}},
		{"role=org:member", 2, []string{"user_demo_bob", "user_demo_carol"}},
		{"role=org:admin", 1, []string{"user_demo_alice"}},
		{"query=carol", 1, []string{"user_demo_carol"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			st, m := alice.call("GET", "/v1/organizations/org_demo_acme/memberships?paginated=true&"+tc.query, nil)
			var ids []string
			for _, x := range resp(m)["data"].([]any) {
				ids = append(ids, x.(map[string]any)["public_user_data"].(map[string]any)["user_id"].(string))
			}
			if st != 200 || resp(m)["total_count"] != tc.total || strings.Join(ids, ",") != strings.Join(tc.ids, ",") {
				t.Errorf("%d total %v ids %v", st, resp(m)["total_count"], ids)
			}
		})
	}
}

// TestFAPIOrgDomains: a domain added from OrganizationProfile is verified
// with the code sent to an address at it; automatic_suggestion then
// suggests the organization to a user at the domain, whose accepted
// suggestion is a membership request the admin accepts, and
// automatic_invitation invites such a user.
func TestFAPIOrgDomains(t *testing.T) {
	h := start(t, Options{Seed: true})
	alice := signedIn(t, h, "alice@example.com", "alice-password")
	st, m := alice.call("POST", "/v1/organizations/org_demo_acme/domains", form("name", "Acme.Test"))
	d := resp(m)
	if st != 200 || d["name"] != "acme.test" || d["affiliation_verification"] != nil || d["enrollment_mode"] != "manual_invitation" {
		t.Fatalf("create: %d %v", st, m)
	}
	dp := "/v1/organizations/org_demo_acme/domains/" + d["id"].(string)
	if st, m := alice.call("POST", dp+"/update_enrollment_mode", form("enrollment_mode", "automatic_suggestion")); st != 422 {
		t.Errorf("automatic mode for an unverified domain: %d %v", st, m)
	}
	st, m = alice.call("POST", dp+"/prepare_affiliation_verification", form("affiliation_email_address", "it@acme.test"))
	if v, _ := resp(m)["affiliation_verification"].(map[string]any); st != 200 || v["status"] != "unverified" || resp(m)["affiliation_email_address"] != "it@acme.test" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	msgs, _ := h.inst.outbox(mustRequest(t, h.inst.FrontendAPIURL), "it@acme.test")
	if len(msgs) != 1 || len(msgs[0].Code) != 6 {
		t.Fatalf("outbox: %v", msgs)
	}
	wrong := "000000"
	if msgs[0].Code == wrong {
		wrong = "111111"
	}
	st, m = alice.call("POST", dp+"/attempt_affiliation_verification", form("code", wrong))
	alice.wantErr(422, "form_code_incorrect", "code", st, m)
	st, m = alice.call("POST", dp+"/attempt_affiliation_verification", form("code", msgs[0].Code))
	if v, _ := resp(m)["affiliation_verification"].(map[string]any); st != 200 || v["status"] != "verified" || v["strategy"] != "email_code" {
		t.Fatalf("attempt: %d %v", st, m)
	}
	if st, m := alice.call("POST", dp+"/update_enrollment_mode", form("enrollment_mode", "automatic_suggestion")); st != 200 || resp(m)["enrollment_mode"] != "automatic_suggestion" {
		t.Fatalf("enrollment: %d %v", st, m)
	}
	// Dana signs up with an address at the domain.
	var dana struct{ ID string }
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"dana@acme.test"}, "password": "dana-password-1"}, &dana)
	db := signedIn(t, h, "dana@acme.test", "dana-password-1")
	st, m = db.call("GET", "/v1/me/organization_suggestions?status=pending", nil)
	data, _ := resp(m)["data"].([]any)
	if st != 200 || len(data) != 1 || data[0].(map[string]any)["public_organization_data"].(map[string]any)["id"] != "org_demo_acme" {
		t.Fatalf("suggestions: %d %v", st, m)
	}
	sug := data[0].(map[string]any)["id"].(string)
	if st, m := db.call("POST", "/v1/me/organization_suggestions/"+sug+"/accept", nil); st != 200 || resp(m)["status"] != "accepted" {
		t.Fatalf("accept suggestion: %d %v", st, m)
	}
	st, m = alice.call("GET", "/v1/organizations/org_demo_acme/membership_requests?status=pending", nil)
	data, _ = resp(m)["data"].([]any)
	if st != 200 || len(data) != 1 || data[0].(map[string]any)["public_user_data"].(map[string]any)["user_id"] != dana.ID {
		t.Fatalf("requests: %d %v", st, m)
	}
	req := data[0].(map[string]any)["id"].(string)
	if st, m := alice.call("POST", "/v1/organizations/org_demo_acme/membership_requests/"+req+"/accept", nil); st != 200 || resp(m)["status"] != "accepted" {
		t.Fatalf("accept request: %d %v", st, m)
	}
	if st, m := db.call("GET", "/v1/organizations/org_demo_acme", nil); st != 200 {
		t.Fatalf("dana is no member: %d %v", st, m)
	}
	if st, m := alice.call("POST", "/v1/organizations/org_demo_acme/membership_requests/"+req+"/reject", nil); st != 400 {
		t.Errorf("reject a decided request: %d %v", st, m)
	}
	// automatic_invitation: Evan at the domain finds an invitation.
	if st, m := alice.call("POST", dp+"/update_enrollment_mode", form("enrollment_mode", "automatic_invitation")); st != 200 {
		t.Fatalf("enrollment: %d %v", st, m)
	}
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"evan@acme.test"}, "password": "evan-password-1"}, nil)
	eb := signedIn(t, h, "evan@acme.test", "evan-password-1")
	st, m = eb.call("GET", "/v1/me/organization_invitations", nil)
	data, _ = resp(m)["data"].([]any)
	if st != 200 || len(data) != 1 || data[0].(map[string]any)["role"] != "org:member" {
		t.Fatalf("domain invitation: %d %v", st, m)
	}
	if _, m = eb.call("GET", "/v1/me/organization_invitations", nil); len(resp(m)["data"].([]any)) != 1 {
		t.Errorf("listed twice, invited twice: %v", m)
	}
	st, m = alice.call("DELETE", dp, nil)
	if st != 200 || resp(m)["deleted"] != true {
		t.Fatalf("delete: %d %v", st, m)
	}
	// The name is free again.
	if st, m := alice.call("POST", "/v1/organizations/org_demo_acme/domains", form("name", "acme.test")); st != 200 {
		t.Errorf("re-add: %d %v", st, m)
	}
}

// TestFAPIOrgLogo: OrganizationProfile's logo upload (multipart) and
// removal, with the answers the spec gives.
func TestFAPIOrgLogo(t *testing.T) {
	h := start(t, Options{Seed: true})
	dvb := signInAlice(t, h)
	ct, body := logoBody(t, testPNG(t))
	req, _ := http.NewRequest("PUT", h.inst.FrontendAPIURL+"/v1/organizations/org_demo_acme/logo?__clerk_db_jwt="+dvb+"&"+clerkJSQuery, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", "http://localhost:3000")
	res, got := h.do(req)
	var m map[string]any
	mustJSON(t, got, &m)
	if res.StatusCode != 200 || resp(m)["has_image"] != true {
		t.Fatalf("upload: %d %s", res.StatusCode, got)
	}
	checkFAPIShape(t, "PUT", req.URL.Path, res.StatusCode, got)
	img, _ := h.do(mustRequest(t, resp(m)["image_url"].(string)))
	if img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/png" {
		t.Errorf("logo: %d", img.StatusCode)
	}
	req, _ = http.NewRequest("PUT", h.inst.FrontendAPIURL+"/v1/organizations/org_demo_acme/logo?__clerk_db_jwt="+dvb, strings.NewReader("not multipart"))
	req.Header.Set("Content-Type", "text/plain")
	if res, got := h.do(req); res.StatusCode != 400 {
		t.Errorf("not multipart: %d %s", res.StatusCode, got)
	}
}

// TestOrgUnsupportedOperations: domain ownership verification answers
// 501 naming what is missing.
func TestOrgUnsupportedOperations(t *testing.T) {
	h := start(t, Options{Seed: true})
	for _, p := range orgUnsupported {
		method, path, _ := strings.Cut(p, " ")
		path = strings.NewReplacer("{id}", "org_demo_acme", "{dom}", "orgdmn_x").Replace(path)
		res, body := h.do(h.fapiRequest(method, path, url.Values{}))
		var e struct {
			Errors []struct {
				Code        string
				LongMessage string `json:"long_message"`
			}
		}
		_ = json.Unmarshal(body, &e)
		if res.StatusCode != 501 || len(e.Errors) != 1 || e.Errors[0].Code != "feature_not_supported_by_localclerk" || !strings.Contains(e.Errors[0].LongMessage, "ownership verification") {
			t.Errorf("%s: %d %s", p, res.StatusCode, body)
		}
	}
}

// TestFAPIOrgWebhooks: the Frontend API's organization changes fire the
// webhooks Clerk sends, from the same domain code as the Backend API's.
func TestFAPIOrgWebhooks(t *testing.T) {
	h, hooks := startWithHooks(t)
	alice := signedIn(t, h, "alice@example.com", "alice-password")
	org := newOrgAs(t, alice, "Hooked")
	if e := hooks.wait(t, "organization.created", org); e["name"] != "Hooked" {
		t.Errorf("organization.created %v", e)
	}
	created := hooks.waitFor(t, "organizationMembership.created", func(d map[string]any) bool {
		o, _ := d["organization"].(map[string]any)
		return o["id"] == org
	})
	if created["role"] != "org:admin" || created["public_user_data"].(map[string]any)["user_id"] != "user_demo_alice" {
		t.Errorf("creator's membership.created %v", created)
	}
	alice.call("PATCH", "/v1/organizations/"+org, form("name", "Hooked 2"))
	if e := hooks.wait(t, "organization.updated", org); e["name"] != "Hooked 2" {
		t.Errorf("organization.updated %v", e)
	}
	_, m := alice.call("POST", "/v1/organizations/"+org+"/memberships", form("user_id", "user_demo_bob", "role", "org:member"))
	mid := resp(m)["id"].(string)
	hooks.wait(t, "organizationMembership.created", mid)
	alice.call("PATCH", "/v1/organizations/"+org+"/memberships/user_demo_bob", form("role", "org:admin"))
	if e := hooks.wait(t, "organizationMembership.updated", mid); e["role"] != "org:admin" {
		t.Errorf("organizationMembership.updated %v", e)
	}
	alice.call("DELETE", "/v1/organizations/"+org+"/memberships/user_demo_bob", nil)
	hooks.wait(t, "organizationMembership.deleted", mid)
	_, m = alice.call("POST", "/v1/organizations/"+org+"/invitations", form("email_address", "carol+clerk_test@example.com", "role", "org:member"))
	inv := resp(m)["id"].(string)
	hooks.wait(t, "organizationInvitation.created", inv)
	carol := newBrowser(h)
	_, m = carol.call("POST", "/v1/client/sign_ins", form("identifier", "carol+clerk_test@example.com", "strategy", "email_code"))
	carol.call("POST", "/v1/client/sign_ins/"+resp(m)["id"].(string)+"/attempt_first_factor", form("strategy", "email_code", "code", "424242"))
	if st, m := carol.call("POST", "/v1/me/organization_invitations/"+inv+"/accept", nil); st != 200 {
		t.Fatalf("accept: %d %v", st, m)
	}
	if e := hooks.wait(t, "organizationInvitation.accepted", inv); e["status"] != "accepted" {
		t.Errorf("organizationInvitation.accepted %v", e)
	}
	_, m = alice.call("POST", "/v1/organizations/"+org+"/invitations", form("email_address", "dan@example.com", "role", "org:member"))
	inv = resp(m)["id"].(string)
	alice.call("POST", "/v1/organizations/"+org+"/invitations/"+inv+"/revoke", nil)
	hooks.wait(t, "organizationInvitation.revoked", inv)
	_, m = carol.call("DELETE", "/v1/me/organization_memberships/"+org, nil)
	hooks.wait(t, "organizationMembership.deleted", resp(m)["id"].(string))
	if st, m := alice.call("DELETE", "/v1/organizations/"+org, nil); st != 200 || resp(m)["deleted"] != true {
		t.Fatalf("delete: %d %v", st, m)
	}
	if e := hooks.wait(t, "organization.deleted", org); e["deleted"] != true {
		t.Errorf("organization.deleted %v", e)
	}
}

// waitFor waits for a webhook of type typ whose data keep accepts.
func (rec *hookRecorder) waitFor(t *testing.T, typ string, keep func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		rec.mu.Lock()
		for _, e := range rec.events {
			if e.Type == typ && keep(e.Data) {
				rec.mu.Unlock()
				return e.Data
			}
		}
		rec.mu.Unlock()
		select {
		case <-rec.got:
		case <-deadline:
			t.Fatalf("no matching %s webhook", typ)
		}
	}
}

// TestEnvironmentAdvertisesOrganizations: with the organization
// operations served, the environment offers creating and deleting
// organizations and verified domains as far as the settings turn them on.
func TestEnvironmentAdvertisesOrganizations(t *testing.T) {
	h := start(t, Options{})
	env := envGet(t, h)
	if envPath(env, "user_settings", "actions", "create_organization") != true ||
		envPath(env, "organization_settings", "actions", "admin_delete") != true ||
		envPath(env, "organization_settings", "domains", "enabled") != false {
		t.Fatalf("defaults: %v", env["organization_settings"])
	}
	h.bapi("PATCH", "/v1/instance/organization_settings", map[string]any{"domains_enabled": true, "admin_delete_enabled": false,
		"domains_enrollment_modes": []string{"manual_invitation", "automatic_suggestion"}}, nil)
	env = envGet(t, h)
	if envPath(env, "organization_settings", "domains", "enabled") != true ||
		envPath(env, "organization_settings", "actions", "admin_delete") != false ||
		len(envPath(env, "organization_settings", "domains", "enrollment_modes").([]any)) != 2 {
		t.Fatalf("after the change: %v", env["organization_settings"])
	}
}
