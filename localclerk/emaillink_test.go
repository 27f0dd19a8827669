package localclerk

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// emailLinkSettings turn e-mail links on beside the defaults.
func emailLinkSettings() *Settings {
	s := DefaultSettings()
	s.FirstFactors = []string{"email_code", "email_link", "password"}
	return &s
}

const linkRedirect = testAppOrigin + "/sign-in/verify"

// latestLink is the link of the newest outbox message to addr.
func latestLink(t *testing.T, h *harness, addr string) string {
	t.Helper()
	b := newBrowser(h)
	st, _, body := b.visit("GET", h.inst.FrontendAPIURL+"/outbox.json?to="+url.QueryEscape(addr), nil)
	var page outboxPage
	if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Data) == 0 {
		t.Fatalf("outbox for %s: %d %v %s", addr, st, err, body)
	}
	m := page.Data[0]
	if m.Kind != msgEmailLink || !strings.HasPrefix(m.Link, h.inst.FrontendAPIURL+"/v1/verify?token=") {
		t.Fatalf("newest message to %s is not an e-mail link: %+v", addr, m)
	}
	return m.Link
}

// openLink follows a link as browser b and returns the query of the
// redirect to the app.
func openLink(t *testing.T, b *browser, link, wantPrefix string) url.Values {
	t.Helper()
	st, loc, body := b.visit("GET", link, nil)
	if st != 303 || !strings.HasPrefix(loc, wantPrefix+"?") {
		t.Fatalf("open %s: %d %q %s", link, st, loc, body)
	}
	u, _ := url.Parse(loc)
	return u.Query()
}

func factorStrategies(si map[string]any) []string {
	var out []string
	for _, f := range si["supported_first_factors"].([]any) {
		out = append(out, f.(map[string]any)["strategy"].(string))
	}
	return out
}

// TestEmailLinkSignIn: Alice asks for a link, opens it in another
// browser, and the sign-in completes on the client that asked; the link
// is used once, a newer link replaces it, and links expire after ten
// minutes. Answers are checked against the specification.
func TestEmailLinkSignIn(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: emailLinkSettings()})
	env := envGet(t, h)
	if got := envPath(env, "auth_config", "first_factors"); !slices.Contains(anyStrings(got), "email_link") {
		t.Errorf("auth_config.first_factors %v lacks email_link", got)
	}
	b := newBrowser(h)
	start := func() string {
		t.Helper()
		st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
		if st != 200 || !slices.Contains(factorStrategies(resp(m)), "email_link") {
			t.Fatalf("sign-in: %d %v", st, m)
		}
		return resp(m)["id"].(string)
	}
	id := start()
	prepare := "/v1/client/sign_ins/" + id + "/prepare_first_factor"
	st, m := b.call("POST", prepare, form("strategy", "email_link"))
	b.wantErr(400, "form_param_missing", "redirect_url", st, m)
	st, m = b.call("POST", prepare, form("strategy", "email_link", "redirect_url", "https://evil.example/verify"))
	b.wantErr(400, "redirect_url_not_allowed", "redirect_url", st, m)
	st, m = b.call("POST", prepare, form("strategy", "email_link", "redirect_url", linkRedirect))
	checkSpec(t, facts, "POST", prepare, st, m)
	if v := ffv(resp(m)); st != 200 || v["object"] != "verification_email_link" || v["status"] != "unverified" || v["strategy"] != "email_link" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "email_link", "code", "x"))
	b.wantErr(400, "verification_strategy_invalid", "strategy", st, m)

	// Opened in another browser: the sign-in completes on Alice's client.
	link := latestLink(t, h, "alice@example.com")
	other := newBrowser(h)
	_, oc := other.call("GET", "/v1/client", nil)
	otherClient := resp(oc)["id"]
	q := openLink(t, other, link, linkRedirect)
	sess := q.Get("__clerk_created_session")
	if q.Get("__clerk_status") != "verified" || !strings.HasPrefix(sess, "sess_") {
		t.Fatalf("redirect query %v", q)
	}
	st, m = b.call("GET", "/v1/client/sign_ins/"+id, nil)
	checkSpec(t, facts, "GET", "/v1/client/sign_ins/"+id, st, m)
	if si := resp(m); si["status"] != "complete" || si["created_session_id"] != sess || ffv(si)["status"] != "verified" {
		t.Fatalf("sign-in after the link: %v", si)
	}
	if c := clientOf(m); c["last_active_session_id"] != sess {
		t.Errorf("Alice's client has session %v, want %s", c["last_active_session_id"], sess)
	}
	// verified_at_client names the browser that opened the link.
	if got := ffv(resp(m))["verified_at_client"]; got != otherClient {
		t.Errorf("verified_at_client %v, want the opener's client %v", got, otherClient)
	}
	// Used once.
	if q := openLink(t, other, link, linkRedirect); q.Get("__clerk_status") != "failed" || q.Get("__clerk_created_session") != "" {
		t.Errorf("second use: %v", q)
	}

	// A newer link replaces the older; an expired one says so.
	b.call("DELETE", "/v1/client/sessions", nil)
	id = start()
	prepare = "/v1/client/sign_ins/" + id + "/prepare_first_factor"
	b.call("POST", prepare, form("strategy", "email_link", "redirect_url", linkRedirect))
	first := latestLink(t, h, "alice@example.com")
	b.call("POST", prepare, form("strategy", "email_link", "redirect_url", linkRedirect))
	second := latestLink(t, h, "alice@example.com")
	if q := openLink(t, b, first, linkRedirect); q.Get("__clerk_status") != "failed" {
		t.Errorf("replaced link: %v", q)
	}
	h.clock.Advance(codeTTL + time.Second)
	if q := openLink(t, b, second, linkRedirect); q.Get("__clerk_status") != "expired" {
		t.Errorf("expired link: %v", q)
	}
	st, m = b.call("GET", "/v1/client/sign_ins/"+id, nil)
	if si := resp(m); st != 200 || si["status"] != "needs_first_factor" || ffv(si)["status"] != "expired" {
		t.Errorf("sign-in after an expired link: %v", si)
	}

	// Links that are not ours.
	for _, tok := range []string{"", "short", strings.Repeat("a", linkTokenLen), strings.Repeat("é", linkTokenLen/2)} {
		st, _, body := b.visit("GET", h.inst.FrontendAPIURL+"/v1/verify?token="+url.QueryEscape(tok), nil)
		if st != 400 || !strings.Contains(body, "link") {
			t.Errorf("token %q: %d %s", tok, st, body)
		}
	}

	// Off: Clerk's answer for a strategy the instance does not enable.
	if err := h.inst.SetSettings(context.Background(), DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	b = newBrowser(h)
	id = start2(t, b)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/prepare_first_factor", form("strategy", "email_link", "redirect_url", linkRedirect))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	if got := envPath(envGet(t, h), "auth_config", "first_factors"); slices.Contains(anyStrings(got), "email_link") {
		t.Errorf("email_link advertised while off: %v", got)
	}
}

// start2 starts Alice's sign-in without checking its factors.
func start2(t *testing.T, b *browser) string {
	t.Helper()
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
	if st != 200 {
		t.Fatalf("sign-in: %d %v", st, m)
	}
	return resp(m)["id"].(string)
}

// TestEmailLinkSignUp: with links on, <SignUp/> verifies the address by
// link; opening it completes the sign-up and creates the user.
func TestEmailLinkSignUp(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: emailLinkSettings()})
	if got := envPath(envGet(t, h), "user_settings", "attributes", "email_address", "verifications"); !slices.Contains(anyStrings(got), "email_link") {
		t.Errorf("verifications %v lack email_link", got)
	}
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", "linky@example.com", "password", "linky-password-1"))
	su := resp(m)
	v, _ := su["verifications"].(map[string]any)["email_address"].(map[string]any)
	if st != 200 || su["status"] != "missing_requirements" || v["next_action"] != "needs_prepare" {
		t.Fatalf("sign-up: %d %v", st, m)
	}
	id := su["id"].(string)
	prepare := "/v1/client/sign_ups/" + id + "/prepare_verification"
	st, m = b.call("POST", prepare, form("strategy", "email_link"))
	b.wantErr(400, "form_param_missing", "redirect_url", st, m)
	st, m = b.call("POST", prepare, form("strategy", "email_link", "redirect_url", testAppOrigin+"/sign-up/verify"))
	checkSpec(t, facts, "POST", prepare, st, m)
	v, _ = resp(m)["verifications"].(map[string]any)["email_address"].(map[string]any)
	if st != 200 || v["strategy"] != "email_link" || v["status"] != "unverified" || v["object"] != "verification_email_link" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	q := openLink(t, b, latestLink(t, h, "linky@example.com"), testAppOrigin+"/sign-up/verify")
	if q.Get("__clerk_status") != "verified" || q.Get("__clerk_created_session") == "" {
		t.Fatalf("redirect query %v", q)
	}
	st, m = b.call("GET", "/v1/client/sign_ups/"+id, nil)
	checkSpec(t, facts, "GET", "/v1/client/sign_ups/"+id, st, m)
	if su := resp(m); su["status"] != "complete" || su["created_session_id"] != q.Get("__clerk_created_session") || su["created_user_id"] == nil {
		t.Fatalf("sign-up after the link: %v", su)
	}
	var users []map[string]any
	if h.bapi("GET", "/v1/users?email_address=linky@example.com", nil, &users); len(users) != 1 {
		t.Errorf("users with the address: %v", users)
	}
}

// TestEmailLinkVerifiesMyAddress: <UserProfile/> verifies an added
// address by link.
func TestEmailLinkVerifiesMyAddress(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: emailLinkSettings()})
	b := newBrowser(h)
	if st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password")); st != 200 {
		t.Fatalf("sign in: %d %v", st, m)
	}
	st, m := b.call("POST", "/v1/me/email_addresses", form("email_address", "alice.work@example.com"))
	if st != 200 {
		t.Fatalf("add: %d %v", st, m)
	}
	id := resp(m)["id"].(string)
	prepare := "/v1/me/email_addresses/" + id + "/prepare_verification"
	st, m = b.call("POST", prepare, form("strategy", "email_link", "redirect_url", testAppOrigin+"/user/verify"))
	checkSpec(t, facts, "POST", prepare, st, m)
	if v := resp(m)["verification"].(map[string]any); st != 200 || v["strategy"] != "email_link" || v["status"] != "unverified" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	link := latestLink(t, h, "alice.work@example.com")
	tok, _ := url.Parse(link)
	st, m = b.call("POST", "/v1/me/email_addresses/"+id+"/attempt_verification", form("code", tok.Query().Get("token")))
	b.wantErr(400, "verification_not_sent", "code", st, m)
	if q := openLink(t, b, link, testAppOrigin+"/user/verify"); q.Get("__clerk_status") != "verified" || q.Get("__clerk_created_session") != "" {
		t.Fatalf("redirect query %v", q)
	}
	st, m = b.call("GET", "/v1/me/email_addresses/"+id, nil)
	checkSpec(t, facts, "GET", "/v1/me/email_addresses/"+id, st, m)
	if v := resp(m)["verification"].(map[string]any); v["status"] != "verified" {
		t.Errorf("address after the link: %v", resp(m))
	}
}

// TestWaitlistJoinAndInvite: on a waitlist instance <Waitlist/> adds the
// address, the Backend API lists and invites it, and the invitation lets
// the invitee sign up; sign-up without it is refused.
func TestWaitlistJoinAndInvite(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/waitlist", form("email_address", "wait@example.com"))
	checkSpec(t, facts, "POST", "/v1/waitlist", st, m)
	b.wantErr(403, "waitlist_not_enabled", "", st, m)

	s := DefaultSettings()
	s.SignUpMode = SignUpWaitlist
	if err := h.inst.SetSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if got := envPath(envGet(t, h), "user_settings", "sign_up", "mode"); got != "waitlist" {
		t.Errorf("sign_up.mode %v", got)
	}
	st, m = b.call("POST", "/v1/waitlist", nil)
	checkSpec(t, facts, "POST", "/v1/waitlist", st, m)
	b.wantErr(422, "form_param_missing", "email_address", st, m)
	st, m = b.call("POST", "/v1/waitlist", form("email_address", "not-an-address"))
	b.wantErr(422, "form_param_format_invalid", "email_address", st, m)
	st, m = b.call("POST", "/v1/waitlist", form("email_address", "alice@example.com"))
	b.wantErr(422, "form_identifier_exists", "email_address", st, m)
	st, m = b.call("POST", "/v1/waitlist", form("email_address", "Wait@Example.com"))
	checkSpec(t, facts, "POST", "/v1/waitlist", st, m)
	if st != 200 || m["object"] != "waitlist_entry" || !strings.HasPrefix(m["id"].(string), "wle_") {
		t.Fatalf("join: %d %v", st, m)
	}
	entry := m["id"].(string)
	if st, again := b.call("POST", "/v1/waitlist", form("email_address", "wait@example.com")); st != 200 || again["id"] != entry {
		t.Errorf("joining twice: %d %v", st, again)
	}
	var list struct {
		Data []map[string]any `json:"data"`
	}
	if h.bapi("GET", "/v1/waitlist_entries", nil, &list); len(list.Data) != 1 || list.Data[0]["id"] != entry ||
		list.Data[0]["email_address"] != "wait@example.com" || list.Data[0]["status"] != "pending" {
		t.Fatalf("waitlist entries: %v", list.Data)
	}

	st, m = b.call("POST", "/v1/client/sign_ups", form("email_address", "wait@example.com", "password", "waiting-password-1"))
	b.wantErr(403, "sign_up_restricted_waitlist", "", st, m)

	var inv map[string]any
	if st := h.bapi("POST", "/v1/waitlist_entries/"+entry+"/invite", map[string]any{}, &inv); st != 200 {
		t.Fatalf("invite: %d %v", st, inv)
	}
	link, _ := url.Parse(inv["invitation"].(map[string]any)["url"].(string))
	ticket := link.Query().Get("__clerk_ticket")
	if ticket == "" {
		ticket = link.Query().Get("ticket")
	}
	st, m = b.call("POST", "/v1/client/sign_ups", form("strategy", "ticket", "ticket", ticket, "password", "waiting-password-1"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("ticket sign-up: %d %v", st, m)
	}
	if h.bapi("GET", "/v1/waitlist_entries", nil, &list); len(list.Data) != 1 || list.Data[0]["status"] != "completed" {
		t.Errorf("entry after the sign-up: %v", list.Data)
	}
}
