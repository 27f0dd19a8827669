package localclerk

import (
	"net/http"
	"net/url"
	"testing"
)

// The Frontend API's ticket strategy, as clerk-js sends it from a page
// opened with __clerk_ticket: sign-up with an invitation, sign-in with a
// sign-in token, an organization invitation or an actor token.

func TestFAPISignUpWithOrgInvitationTicket(t *testing.T) {
	h := start(t, Options{Seed: true})
	var inv map[string]any
	h.bapi("POST", "/v1/organizations/org_demo_acme/invitations", map[string]any{"email_address": "ivy@example.com", "role": "org:admin",
		"private_metadata": map[string]any{"source": "ticket"}}, &inv)
	ticket := mustQuery(t, inv["url"].(string), "ticket")
	b := newBrowser(h)

	st, m := b.call("POST", "/v1/client/sign_ups", form("strategy", "ticket", "ticket", "nope"))
	b.wantErr(422, "ticket_invalid", "ticket", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups", form("strategy", "ticket"))
	b.wantErr(422, "form_param_missing", "ticket", st, m)

	// The ticket verifies the invited address; the password is still missing.
	st, m = b.call("POST", "/v1/client/sign_ups", form("strategy", "ticket", "ticket", ticket, "first_name", "Ivy"))
	su := resp(m)
	ver, _ := su["verifications"].(map[string]any)["email_address"].(map[string]any)
	if st != 200 || su["status"] != "missing_requirements" || su["email_address"] != "ivy@example.com" ||
		ver["status"] != "verified" || ver["strategy"] != "ticket" || len(su["unverified_fields"].([]any)) != 0 ||
		len(su["missing_fields"].([]any)) != 1 || su["missing_fields"].([]any)[0] != "password" {
		t.Fatalf("ticket sign-up: %d %v", st, m)
	}
	id := su["id"].(string)
	st, m = b.call("PATCH", "/v1/client/sign_ups/"+id, form("email_address", "someone-else@example.com"))
	b.wantErr(422, "form_param_value_invalid", "email_address", st, m)
	st, m = b.call("PATCH", "/v1/client/sign_ups/"+id, form("password", "long-enough-pw"))
	su = resp(m)
	if st != 200 || su["status"] != "complete" || su["created_user_id"] == nil || su["created_session_id"] == nil {
		t.Fatalf("complete: %d %v", st, m)
	}
	uid := su["created_user_id"].(string)
	var u map[string]any
	h.bapi("GET", "/v1/users/"+uid, nil, &u)
	if u["first_name"] != "Ivy" || u["email_addresses"].([]any)[0].(map[string]any)["verification"].(map[string]any)["status"] != "verified" {
		t.Errorf("user: %v", u)
	}
	var p struct {
		Data []map[string]any `json:"data"`
	}
	h.bapi("GET", "/v1/organizations/org_demo_acme/memberships?user_id="+uid, nil, &p)
	if len(p.Data) != 1 || p.Data[0]["role"] != "org:admin" || p.Data[0]["private_metadata"].(map[string]any)["source"] != "ticket" {
		t.Fatalf("membership: %v", p.Data)
	}
	h.bapi("GET", "/v1/organizations/org_demo_acme/invitations/"+inv["id"].(string), nil, &inv)
	if inv["status"] != "accepted" {
		t.Errorf("invitation: %v", inv)
	}
	// The session works, and the ticket is spent.
	sid := su["created_session_id"].(string)
	if st, tok := b.call("POST", "/v1/client/sessions/"+sid+"/tokens", nil); st != 200 || tok["jwt"] == nil {
		t.Errorf("token: %d %v", st, tok)
	}
	st, m = newBrowser(h).call("POST", "/v1/client/sign_ups", form("strategy", "ticket", "ticket", ticket))
	b.wantErr(422, "ticket_invalid", "ticket", st, m)
}

func TestFAPISignUpWithInvitationTicket(t *testing.T) {
	h := start(t, Options{Seed: true})
	var inv map[string]any
	h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "jo@example.com", "public_metadata": map[string]any{"plan": "pro"}}, &inv)
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("strategy", "ticket", "ticket", mustQuery(t, inv["url"].(string), "ticket"), "password", "long-enough-pw"))
	su := resp(m)
	if st != 200 || su["status"] != "complete" {
		t.Fatalf("sign-up: %d %v", st, m)
	}
	var u map[string]any
	h.bapi("GET", "/v1/users/"+su["created_user_id"].(string), nil, &u)
	if u["public_metadata"].(map[string]any)["plan"] != "pro" {
		t.Errorf("user: %v", u)
	}
	var list []map[string]any
	if h.bapi("GET", "/v1/invitations?status=accepted", nil, &list); len(list) != 1 || list[0]["id"] != inv["id"] {
		t.Errorf("accepted: %v", list)
	}
}

func TestFAPISignInWithTickets(t *testing.T) {
	h := start(t, Options{Seed: true})

	// A sign-in token: complete at once.
	var sit map[string]any
	h.bapi("POST", "/v1/sign_in_tokens", map[string]any{"user_id": "user_demo_bob"}, &sit)
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ins", form("strategy", "ticket", "ticket", sit["token"].(string)))
	si := resp(m)
	if st != 200 || si["status"] != "complete" || si["identifier"] != "bob@example.com" ||
		si["first_factor_verification"].(map[string]any)["strategy"] != "ticket" {
		t.Fatalf("sign-in token: %d %v", st, m)
	}
	sid := si["created_session_id"].(string)
	_, tok := b.call("POST", "/v1/client/sessions/"+sid+"/tokens", nil)
	if _, claims := h.verifyJWT(tok["jwt"].(string)); claims["sub"] != "user_demo_bob" {
		t.Errorf("claims %v", claims)
	}
	// Spent: a second use fails and leaves the client's sessions alone.
	st, m = newBrowser(h).call("POST", "/v1/client/sign_ins", form("strategy", "ticket", "ticket", sit["token"].(string)))
	b.wantErr(422, "ticket_invalid", "ticket", st, m)
	st, m = newBrowser(h).call("POST", "/v1/client/sign_ins", form("strategy", "ticket"))
	b.wantErr(422, "form_param_missing", "ticket", st, m)

	// An organization invitation to an existing user: sign-in joins them.
	var inv map[string]any
	h.bapi("POST", "/v1/organizations/org_demo_acme/invitations", map[string]any{"email_address": "carol+clerk_test@example.com", "role": "org:member"}, &inv)
	b = newBrowser(h)
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "ticket", "ticket", mustQuery(t, inv["url"].(string), "ticket")))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("org invitation sign-in: %d %v", st, m)
	}
	if role, _ := h.orgMember("org_demo_acme", "user_demo_carol"); role != "org:member" {
		t.Errorf("carol's role %q", role)
	}
	// An organization invitation to a new address cannot sign in.
	h.bapi("POST", "/v1/organizations/org_demo_acme/invitations", map[string]any{"email_address": "new@example.com", "role": "org:member"}, &inv)
	st, m = newBrowser(h).call("POST", "/v1/client/sign_ins", form("strategy", "ticket", "ticket", mustQuery(t, inv["url"].(string), "ticket")))
	b.wantErr(422, "form_identifier_not_found", "identifier", st, m)
	h.bapi("GET", "/v1/organizations/org_demo_acme/invitations/"+inv["id"].(string), nil, &inv)
	if inv["status"] != "pending" {
		t.Errorf("a failed sign-in changed the invitation: %v", inv)
	}

	// An actor token: the session carries the actor.
	var at map[string]any
	h.bapi("POST", "/v1/actor_tokens", map[string]any{"user_id": "user_demo_bob", "actor": map[string]any{"sub": "user_demo_alice"}}, &at)
	b = newBrowser(h)
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "ticket", "ticket", at["token"].(string)))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("actor token sign-in: %d %v", st, m)
	}
	_, tok = b.call("POST", "/v1/client/sessions/"+resp(m)["created_session_id"].(string)+"/tokens", nil)
	if _, claims := h.verifyJWT(tok["jwt"].(string)); claims["sub"] != "user_demo_bob" || claims["act"].(map[string]any)["sub"] != "user_demo_alice" {
		t.Errorf("impersonation claims %v", claims)
	}
}

// TestOrgInvitationLinkWithRedirectURL: Clerk's custom flow. The link of
// an invitation with a redirect_url hands the ticket to the app, whose
// components then sign up (or in) with strategy=ticket.
func TestOrgInvitationLinkWithRedirectURL(t *testing.T) {
	h := start(t, Options{Seed: true})
	base := "/v1/organizations/org_demo_acme/invitations"
	var newcomer, carol map[string]any
	h.bapi("POST", base, map[string]any{"email_address": "kit@example.com", "role": "org:member", "redirect_url": "http://localhost:3000/accept?x=1"}, &newcomer)
	h.bapi("POST", base, map[string]any{"email_address": "carol+clerk_test@example.com", "role": "org:member", "redirect_url": "http://localhost:3000/accept"}, &carol)

	follow := func(inv map[string]any) (ticket, status string) {
		t.Helper()
		resp := h.get(inv["url"].(string))
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Host != "localhost:3000" || loc.Path != "/accept" {
			t.Fatalf("link: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query().Get("__clerk_ticket"), loc.Query().Get("__clerk_status")
	}
	ticket, status := follow(newcomer)
	if status != "sign_up" || ticket != mustQuery(t, newcomer["url"].(string), "ticket") {
		t.Fatalf("newcomer: %q %q", ticket, status)
	}
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("strategy", "ticket", "ticket", ticket, "password", "long-enough-pw"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign-up: %d %v", st, m)
	}
	if role, _ := h.orgMember("org_demo_acme", resp(m)["created_user_id"].(string)); role != "org:member" {
		t.Errorf("newcomer's role %q", role)
	}
	// Spent: the link now opens the hosted page's refusal.
	if resp := h.get(newcomer["url"].(string)); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("spent link: %d", resp.StatusCode)
	}
	if _, status := follow(carol); status != "sign_in" {
		t.Errorf("existing user: %q", status)
	}
}
