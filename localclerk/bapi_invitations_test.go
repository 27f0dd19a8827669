package localclerk

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestInvitationsCreateListRevoke(t *testing.T) {
	types := make(chan string, 100)
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ Type string }
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &ev)
		types <- ev.Type
	}))
	defer hooks.Close()
	h := start(t, Options{Seed: true, WebhookURL: hooks.URL})

	var iv map[string]any
	if st := h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "Dana@Example.com", "public_metadata": map[string]any{"plan": "pro"},
		"redirect_url": "http://localhost:3000/welcome", "expires_in_days": 7}, &iv); st != 200 {
		t.Fatalf("create: %d %v", st, iv)
	}
	u, _ := url.Parse(iv["url"].(string))
	if iv["status"] != "pending" || iv["revoked"] != false || iv["email_address"] != "dana@example.com" ||
		iv["expires_at"] != float64(h.clock.Now().Add(7*24*time.Hour).UnixMilli()) || u.Path != "/v1/tickets/accept" ||
		u.Query().Get("ticket") == "" || u.Query().Get("redirect_url") != "http://localhost:3000/welcome" {
		t.Fatalf("invitation %v", iv)
	}
	var again map[string]any
	if st := h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "dana@example.com", "ignore_existing": true}, &again); st != 200 || again["id"] != iv["id"] {
		t.Errorf("ignore_existing: %d %v", st, again)
	}
	for _, tc := range []struct {
		body        map[string]any
		code, param string
	}{
		{map[string]any{}, "form_param_missing", "email_address"},
		{map[string]any{"email_address": "nope"}, "form_param_format_invalid", "email_address"},
		{map[string]any{"email_address": "alice@example.com"}, "form_identifier_exists", "email_address"},
		{map[string]any{"email_address": "x@example.com", "expires_in_days": 0}, "form_param_value_invalid", "expires_in_days"},
		{map[string]any{"email_address": "x@example.com", "redirect_url": "https://evil.example/"}, "form_param_value_invalid", "redirect_url"},
		{map[string]any{"email_address": "x@example.com", "public_metadata": []int{1}}, "form_param_value_invalid", "public_metadata"},
		{map[string]any{"email_address": "x@example.com", "template_slug": "other"}, "form_param_value_invalid", "template_slug"},
	} {
		var e clerkErrors
		h.wantError(422, tc.code, h.bapi("POST", "/v1/invitations", tc.body, &e), e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != tc.param {
			t.Errorf("%v: meta %v", tc.body, e.Errors[0].Meta)
		}
	}

	// A second pending invitation for an address is a duplicate record.
	var e clerkErrors
	h.wantError(400, "duplicate_record", h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "dana@example.com"}, &e), e)
	if len(e.Errors) == 1 && fmt.Sprint(e.Errors[0].Meta["email_addresses"]) != "[dana@example.com]" {
		t.Errorf("duplicate invitation meta %v", e.Errors[0].Meta)
	}

	// Bulk is all or nothing.
	e = clerkErrors{}
	h.wantError(400, "duplicate_record", h.bapi("POST", "/v1/invitations/bulk",
		[]map[string]any{{"email_address": "erin@example.com"}, {"email_address": "dana@example.com"}}, &e), e)
	var bulk []map[string]any
	if st := h.bapi("POST", "/v1/invitations/bulk", []map[string]any{{"email_address": "erin@example.com"}, {"email_address": "finn@example.com", "expires_in_days": 1}}, &bulk); st != 200 || len(bulk) != 2 {
		t.Fatalf("bulk: %d %v", st, bulk)
	}

	ids := func(query string) []string {
		t.Helper()
		var list []map[string]any
		if st := h.bapi("GET", "/v1/invitations"+query, nil, &list); st != 200 {
			t.Fatalf("list %s: %d", query, st)
		}
		var out []string
		for _, x := range list {
			out = append(out, x["email_address"].(string))
		}
		return out
	}
	if got := ids("?order_by=email_address"); !slices.Equal(got, []string{"dana@example.com", "erin@example.com", "finn@example.com"}) {
		t.Errorf("ordered list: %v", got)
	}
	if got := ids("?query=ERIN"); !slices.Equal(got, []string{"erin@example.com"}) {
		t.Errorf("query: %v", got)
	}
	h.clock.Advance(25 * time.Hour) // finn's one-day invitation lapses
	if got := ids("?status=expired"); !slices.Equal(got, []string{"finn@example.com"}) {
		t.Errorf("expired: %v", got)
	}

	var rev map[string]any
	if st := h.bapi("POST", "/v1/invitations/"+bulk[0]["id"].(string)+"/revoke", nil, &rev); st != 200 || rev["status"] != "revoked" || rev["revoked"] != true || rev["url"] != nil {
		t.Fatalf("revoke: %d %v", st, rev)
	}
	e = clerkErrors{}
	h.wantError(400, "invitation_already_revoked", h.bapi("POST", "/v1/invitations/"+bulk[0]["id"].(string)+"/revoke", nil, &e), e)
	e = clerkErrors{}
	h.wantError(400, "invitation_not_pending", h.bapi("POST", "/v1/invitations/"+bulk[1]["id"].(string)+"/revoke", nil, &e), e)
	// A revoked address can be invited again.
	if st := h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "erin@example.com"}, nil); st != 200 {
		t.Errorf("re-invite after revoke: %d", st)
	}

	// Four invitations were created (the failed bulk emits nothing), one revoked.
	count := map[string]int{}
	for count["invitation.created"] < 4 || count["invitation.revoked"] < 1 {
		select {
		case typ := <-types:
			count[typ]++
		case <-time.After(10 * time.Second):
			t.Fatalf("webhooks so far: %v", count)
		}
	}
	if count["invitation.created"] != 4 || count["invitation.revoked"] != 1 || count["invitation.accepted"] != 0 {
		t.Errorf("webhooks: %v", count)
	}
}

// TestInvitationSignUp follows an invitation's link: the hosted sign-up
// for its address creates the user with the invitation's metadata, once,
// even with the allow-list on.
func TestInvitationSignUp(t *testing.T) {
	h := start(t, Options{Seed: true})
	if st := h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{"allowlist": true}, nil); st != 200 {
		t.Fatal(st)
	}
	var iv map[string]any
	h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "gus@example.com", "public_metadata": map[string]any{"plan": "pro"},
		"redirect_url": "http://localhost:3000/welcome"}, &iv)
	link := iv["url"].(string)
	req, _ := http.NewRequest("GET", link, nil)
	resp, page := h.do(req)
	ticket, _ := url.Parse(link)
	if resp.StatusCode != 200 || !strings.Contains(string(page), `value="gus@example.com" required readonly`) ||
		!strings.Contains(string(page), `name="ticket" value="`+ticket.Query().Get("ticket")+`"`) {
		t.Fatalf("invitation page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{"ticket": {ticket.Query().Get("ticket")}, "email": {"other@example.com"}, "password": {"long-enough-pw"},
		"first_name": {"Gus"}, "redirect_url": {"http://localhost:3000/welcome"}}
	resp = h.postForm("/sign-up", form)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "http://localhost:3000/welcome?__clerk_db_jwt=") {
		t.Fatalf("accept: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var users []map[string]any
	h.bapi("GET", "/v1/users?email_address=gus@example.com", nil, &users)
	if len(users) != 1 || users[0]["first_name"] != "Gus" || users[0]["public_metadata"].(map[string]any)["plan"] != "pro" ||
		users[0]["email_addresses"].([]any)[0].(map[string]any)["verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("invited user: %v", users)
	}
	var list []map[string]any
	if h.bapi("GET", "/v1/invitations?status=accepted", nil, &list); len(list) != 1 || list[0]["id"] != iv["id"] {
		t.Errorf("accepted: %v", list)
	}
	var e clerkErrors
	h.wantError(400, "invitation_already_accepted", h.bapi("POST", "/v1/invitations/"+iv["id"].(string)+"/revoke", nil, &e), e)
	// The ticket is spent; the invited user signs in past the allow-list.
	if resp := h.postForm("/sign-up", form); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("second use of the ticket: %d", resp.StatusCode)
	}
	if resp := h.postForm("/sign-in", url.Values{"email": {"gus@example.com"}, "password": {"long-enough-pw"}, "redirect_url": {app}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("invited user's sign-in: %d", resp.StatusCode)
	}
	if resp := h.postForm("/sign-up", url.Values{"email": {"hal@example.com"}, "password": {"long-enough-pw"}, "redirect_url": {app}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("uninvited sign-up with the allow-list on: %d", resp.StatusCode)
	}
	// A revoked invitation's ticket opens nothing.
	var iv2 map[string]any
	h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "ida@example.com"}, &iv2)
	h.bapi("POST", "/v1/invitations/"+iv2["id"].(string)+"/revoke", nil, nil)
	if resp := h.get(iv2["url"].(string)); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("revoked invitation's link: %d", resp.StatusCode)
	}
}
