package localclerk

import (
	"net/url"
	"testing"
)

// inviteAlice invites Alice to a new organization of Bob's and returns
// the invitation's id.
func inviteAlice(t *testing.T, h *harness) string {
	t.Helper()
	var o, inv map[string]any
	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Bob's " + randString(6), "created_by": "user_demo_bob"}, &o)
	if st := h.bapi("POST", "/v1/organizations/"+o["id"].(string)+"/invitations", map[string]any{"email_address": "alice@example.com", "role": "org:member"}, &inv); st != 200 {
		t.Fatalf("invite alice: %d %v", st, inv)
	}
	return inv["id"].(string)
}

func TestFAPIMeOrganizationInvitations(t *testing.T) {
	h := start(t, Options{Seed: true})
	invID := inviteAlice(t, h)
	b := newBrowser(h)
	signInBrowser(t, b, "alice@example.com", "alice-password")

	st, m := b.call("GET", "/v1/me/organization_invitations?status=pending", nil)
	data, _ := resp(m)["data"].([]any)
	if st != 200 || len(data) != 1 {
		t.Fatalf("pending: %d %v", st, m)
	}
	inv := data[0].(map[string]any)
	if inv["id"] != invID || inv["status"] != "pending" || inv["private_metadata"] != nil || inv["public_organization_data"] == nil {
		t.Errorf("invitation %v", inv)
	}
	orgID := inv["organization_id"].(string)
	st, m = b.call("GET", "/v1/me/organization_invitations?status=sent", nil)
	b.wantErr(422, "form_param_value_invalid", "status", st, m)

	// Bob cannot accept Alice's invitation.
	bob := newBrowser(h)
	signInBrowser(t, bob, "bob@example.com", "bob-password")
	st, m = bob.call("POST", "/v1/me/organization_invitations/"+invID+"/accept", nil)
	b.wantErr(404, "resource_not_found", "", st, m)

	st, m = b.call("POST", "/v1/me/organization_invitations/"+invID+"/accept", nil)
	if st != 200 || resp(m)["status"] != "accepted" {
		t.Fatalf("accept: %d %v", st, m)
	}
	if role, _ := h.orgMember(orgID, "user_demo_alice"); role != "org:member" {
		t.Errorf("alice's role %q", role)
	}
	// The client's user now lists the membership; the invitation is spent.
	mems := clientOf(m)["sessions"].([]any)[0].(map[string]any)["user"].(map[string]any)["organization_memberships"].([]any)
	found := false
	for _, mm := range mems {
		found = found || mm.(map[string]any)["organization"].(map[string]any)["id"] == orgID
	}
	if !found {
		t.Errorf("client user's memberships lack %s", orgID)
	}
	st, m = b.call("POST", "/v1/me/organization_invitations/"+invID+"/accept", nil)
	b.wantErr(422, "organization_invitation_not_pending", "", st, m)
	if _, m = b.call("GET", "/v1/me/organization_invitations?"+url.Values{"status": {"pending"}}.Encode(), nil); len(resp(m)["data"].([]any)) != 0 {
		t.Errorf("still pending: %v", m)
	}
}
