package localclerk

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookRecorder collects the webhook events an instance delivers.
type hookRecorder struct {
	mu     sync.Mutex
	events []recordedEvent
	got    chan struct{}
}

type recordedEvent struct {
	Type string         `json:"type"`
	Data map[string]any `json:"data"`
}

// startWithHooks starts a seeded instance whose webhooks go to a recorder.
func startWithHooks(t *testing.T) (*harness, *hookRecorder) {
	t.Helper()
	rec := &hookRecorder{got: make(chan struct{}, 1000)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var e recordedEvent
		if json.Unmarshal(b, &e) == nil {
			rec.mu.Lock()
			rec.events = append(rec.events, e)
			rec.mu.Unlock()
			rec.got <- struct{}{}
		}
	}))
	t.Cleanup(srv.Close)
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("org invitation hooks"))
	return start(t, Options{Seed: true, WebhookURL: srv.URL, WebhookSecret: secret}), rec
}

// wait returns the first delivered event of type typ whose data has id,
// waiting for deliveries as needed.
func (rec *hookRecorder) wait(t *testing.T, typ, id string) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		rec.mu.Lock()
		for _, e := range rec.events {
			if e.Type == typ && (id == "" || e.Data["id"] == id) {
				rec.mu.Unlock()
				return e.Data
			}
		}
		rec.mu.Unlock()
		select {
		case <-rec.got:
		case <-deadline:
			t.Fatalf("no %s webhook for %s", typ, id)
			return nil
		}
	}
}

// count is how many delivered events of type typ have id in their data.
func (rec *hookRecorder) count(typ, id string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n := 0
	for _, e := range rec.events {
		if e.Type == typ && e.Data["id"] == id {
			n++
		}
	}
	return n
}

// wantError checks a raw Backend API error answer.
func wantError(t *testing.T, st int, body []byte, status int, code, param string) {
	t.Helper()
	var e clerkErrors
	if err := json.Unmarshal(body, &e); err != nil || st != status || len(e.Errors) != 1 || e.Errors[0].Code != code ||
		(param != "" && e.Errors[0].Meta["param_name"] != param) {
		t.Fatalf("got %d %s, want %d %s (param %q)", st, body, status, code, param)
	}
}

func (h *harness) raw(method, path string, body any) (int, []byte) {
	h.t.Helper()
	s := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		s = string(b)
	}
	return h.rawBAPI(method, path, "Bearer "+h.inst.SecretKey, s)
}

func TestOrgInvitationsCreateListGetRevoke(t *testing.T) {
	h, hooks := startWithHooks(t)
	base := "/v1/organizations/org_demo_acme/invitations"
	var dana map[string]any
	if st := h.bapi("POST", base, map[string]any{"email_address": "Dana@Example.com", "role": "org:member", "inviter_user_id": "user_demo_alice",
		"public_metadata": map[string]any{"team": "core"}, "private_metadata": map[string]any{"ref": 7}, "expires_in_days": 3,
		"redirect_url": "http://localhost:3000/join"}, &dana); st != 200 {
		t.Fatalf("create: %d %v", st, dana)
	}
	if dana["object"] != "organization_invitation" || dana["email_address"] != "dana@example.com" || dana["status"] != "pending" ||
		dana["role"] != "org:member" || dana["role_name"] != "Member" || dana["organization_id"] != "org_demo_acme" ||
		dana["inviter_id"] != "user_demo_alice" || dana["public_inviter_data"].(map[string]any)["identifier"] != "alice@example.com" ||
		dana["expires_at"] != float64(ms(h.clock.Now().Add(72*time.Hour))) {
		t.Errorf("created: %v", dana)
	}
	link, _ := url.Parse(dana["url"].(string))
	if link.Path != "/v1/tickets/accept" || link.Query().Get("ticket") == "" || link.Query().Get("redirect_url") != "http://localhost:3000/join" {
		t.Errorf("url %v", dana["url"])
	}
	if got := hooks.wait(t, "organizationInvitation.created", dana["id"].(string)); got["email_address"] != "dana@example.com" {
		t.Errorf("webhook %v", got)
	}

	// Bad input: Clerk's errors, nothing stored.
	for _, c := range []struct {
		body         map[string]any
		status       int
		code, param  string
		organization string
	}{
		{map[string]any{"email_address": "dana@example.com", "role": "org:admin"}, 400, "duplicate_record", "email_address", ""},
		{map[string]any{"email_address": "bob@example.com", "role": "org:admin"}, 400, "already_a_member_in_organization", "email_address", ""},
		{map[string]any{"email_address": "erin@example.com", "role": "org:boss"}, 422, "form_param_value_invalid", "role", ""},
		{map[string]any{"email_address": "erin@example.com"}, 422, "form_param_missing", "role", ""},
		{map[string]any{"role": "org:member"}, 422, "form_param_missing", "email_address", ""},
		{map[string]any{"email_address": "not-an-address", "role": "org:member"}, 422, "form_param_format_invalid", "email_address", ""},
		{map[string]any{"email_address": "erin@example.com", "role": "org:member", "inviter_user_id": "user_demo_bob"}, 403, "not_an_admin_in_organization", "inviter_user_id", ""},
		{map[string]any{"email_address": "erin@example.com", "role": "org:member", "expires_in_days": 0}, 422, "form_param_value_invalid", "expires_in_days", ""},
		{map[string]any{"email_address": "erin@example.com", "role": "org:member", "public_metadata": []int{1}}, 422, "form_param_value_invalid", "public_metadata", ""},
		{map[string]any{"email_address": "erin@example.com", "role": "org:member", "redirect_url": "https://evil.example/"}, 422, "form_param_value_invalid", "redirect_url", ""},
		{map[string]any{"email_address": "erin@example.com", "role": "org:member"}, 404, "resource_not_found", "", "org_nope"},
	} {
		org := "org_demo_acme"
		if c.organization != "" {
			org = c.organization
		}
		st, body := h.raw("POST", "/v1/organizations/"+org+"/invitations", c.body)
		wantError(t, st, body, c.status, c.code, c.param)
	}

	// Bulk: all or nothing.
	st, body := h.raw("POST", base+"/bulk", []map[string]any{{"email_address": "erin@example.com", "role": "org:member"}, {"email_address": "dana@example.com", "role": "org:member"}})
	wantError(t, st, body, 400, "duplicate_record", "email_address")
	var bulk struct {
		Data       []map[string]any `json:"data"`
		TotalCount int              `json:"total_count"`
	}
	if st := h.bapi("POST", base+"/bulk", []map[string]any{{"email_address": "erin@example.com", "role": "org:member"}, {"email_address": "finn@example.com", "role": "org:admin"}}, &bulk); st != 200 || bulk.TotalCount != 2 || bulk.Data[1]["role"] != "org:admin" {
		t.Fatalf("bulk: %d %v", st, bulk)
	}
	eleven := make([]map[string]any, 11)
	for i := range eleven {
		eleven[i] = map[string]any{"email_address": "many" + string(rune('a'+i)) + "@example.com", "role": "org:member"}
	}
	st, body = h.raw("POST", base+"/bulk", eleven)
	wantError(t, st, body, 422, "form_param_value_invalid", "invitations")

	type page struct {
		Data       []map[string]any `json:"data"`
		TotalCount int              `json:"total_count"`
	}
	emails := func(p page) string {
		var out []string
		for _, d := range p.Data {
			out = append(out, d["email_address"].(string))
		}
		return strings.Join(out, ",")
	}
	var p page
	h.bapi("GET", base, nil, &p)
	if p.TotalCount != 3 || emails(p) != "finn@example.com,erin@example.com,dana@example.com" {
		t.Errorf("newest first: %d %s", p.TotalCount, emails(p))
	}
	h.bapi("GET", base+"?order_by=email_address&limit=2&offset=1", nil, &p)
	if p.TotalCount != 3 || emails(p) != "erin@example.com,finn@example.com" {
		t.Errorf("by address, page 2: %d %s", p.TotalCount, emails(p))
	}
	h.bapi("GET", base+"?email_address=ERIN@example.com", nil, &p)
	if emails(p) != "erin@example.com" {
		t.Errorf("email_address filter: %s", emails(p))
	}
	st, body = h.raw("GET", base+"?order_by=shoe_size", nil)
	wantError(t, st, body, 422, "form_param_value_invalid", "order_by")
	st, body = h.raw("GET", base+"?status=sent", nil)
	wantError(t, st, body, 422, "form_param_value_invalid", "status")

	// Revoke: pending only; then the lists see it revoked.
	revoke := base + "/" + dana["id"].(string) + "/revoke"
	st, body = h.raw("POST", revoke, map[string]any{"requesting_user_id": "user_demo_bob"})
	wantError(t, st, body, 403, "not_an_admin_in_organization", "requesting_user_id")
	var revoked map[string]any
	if st := h.bapi("POST", revoke, map[string]any{"requesting_user_id": "user_demo_alice"}, &revoked); st != 200 || revoked["status"] != "revoked" || revoked["url"] != nil {
		t.Fatalf("revoke: %d %v", st, revoked)
	}
	hooks.wait(t, "organizationInvitation.revoked", dana["id"].(string))
	st, body = h.raw("POST", revoke, nil)
	wantError(t, st, body, 400, "organization_invitation_not_pending", "")
	st, body = h.raw("POST", base+"/orginv_nope/revoke", nil)
	wantError(t, st, body, 404, "resource_not_found", "")
	h.bapi("GET", base+"?status=pending&status=revoked&order_by=%2Bcreated_at", nil, &p)
	if emails(p) != "dana@example.com,erin@example.com,finn@example.com" || p.Data[0]["status"] != "revoked" {
		t.Errorf("status filter: %s", emails(p))
	}
	h.bapi("GET", base+"/pending", nil, &p)
	if emails(p) != "finn@example.com,erin@example.com" {
		t.Errorf("pending: %s", emails(p))
	}
	// Revoking frees the address for a new invitation.
	if st := h.bapi("POST", base, map[string]any{"email_address": "dana@example.com", "role": "org:admin"}, nil); st != 200 {
		t.Errorf("re-invite after revoke: %d", st)
	}

	var got map[string]any
	if st := h.bapi("GET", base+"/"+dana["id"].(string), nil, &got); st != 200 || got["status"] != "revoked" || got["private_metadata"].(map[string]any)["ref"] != float64(7) {
		t.Errorf("get: %d %v", st, got)
	}
	// An invitation is found only under its own organization.
	var beta map[string]any
	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Beta", "created_by": "user_demo_alice"}, &beta)
	st, body = h.raw("GET", "/v1/organizations/"+beta["id"].(string)+"/invitations/"+dana["id"].(string), nil)
	wantError(t, st, body, 404, "resource_not_found", "")

	// Expiry is computed from the clock.
	h.clock.Advance(4 * 24 * time.Hour)
	h.bapi("GET", base+"?status=expired", nil, &p)
	if emails(p) != "" {
		t.Errorf("expired after 4 days (30-day default, revoked one excluded): %s", emails(p))
	}
	h.clock.Advance(27 * 24 * time.Hour)
	h.bapi("GET", base+"?status=expired", nil, &p)
	if p.TotalCount != 3 {
		t.Errorf("expired after 31 days: %s", emails(p))
	}
	if st := h.bapi("POST", base, map[string]any{"email_address": "erin@example.com", "role": "org:member"}, nil); st != 200 {
		t.Errorf("re-invite after expiry: %d", st)
	}
}

func TestOrgInvitationsInstanceAndUserLists(t *testing.T) {
	h := start(t, Options{Seed: true})
	var beta map[string]any
	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Beta", "created_by": "user_demo_alice"}, &beta)
	for _, c := range []struct{ org, email string }{{"org_demo_acme", "carol+clerk_test@example.com"}, {beta["id"].(string), "carol+clerk_test@example.com"}, {beta["id"].(string), "zed@example.com"}} {
		if st := h.bapi("POST", "/v1/organizations/"+c.org+"/invitations", map[string]any{"email_address": c.email, "role": "org:member"}, nil); st != 200 {
			t.Fatal(st)
		}
	}
	var p struct {
		Data       []map[string]any `json:"data"`
		TotalCount int              `json:"total_count"`
	}
	h.bapi("GET", "/v1/organization_invitations?query=CAROL&order_by=created_at", nil, &p)
	if p.TotalCount != 2 || p.Data[0]["organization_id"] != "org_demo_acme" ||
		p.Data[0]["public_organization_data"].(map[string]any)["slug"] != "acme" {
		t.Errorf("instance list: %v", p)
	}
	h.bapi("GET", "/v1/organization_invitations?order_by=-email_address&limit=1", nil, &p)
	if p.TotalCount != 3 || p.Data[0]["email_address"] != "zed@example.com" {
		t.Errorf("instance list by address: %v", p)
	}
	h.bapi("GET", "/v1/users/user_demo_carol/organization_invitations", nil, &p)
	if p.TotalCount != 2 || p.Data[0]["organization_id"] != beta["id"] || p.Data[0]["public_organization_data"].(map[string]any)["name"] != "Beta" {
		t.Errorf("carol's invitations: %v", p)
	}
	h.bapi("GET", "/v1/users/user_demo_carol/organization_invitations?status=accepted", nil, &p)
	if p.TotalCount != 0 {
		t.Errorf("carol's accepted invitations: %v", p)
	}
	st, body := h.raw("GET", "/v1/users/user_nope/organization_invitations", nil)
	wantError(t, st, body, 404, "resource_not_found", "")

	// Deleting the organization deletes its invitations.
	h.bapi("DELETE", "/v1/organizations/"+beta["id"].(string), nil, nil)
	h.bapi("GET", "/v1/organization_invitations", nil, &p)
	if p.TotalCount != 1 {
		t.Errorf("after deleting Beta: %v", p)
	}
}

func TestOrgInvitationQuota(t *testing.T) {
	h := start(t, Options{Seed: true})
	var o map[string]any
	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Tiny", "created_by": "user_demo_alice", "max_allowed_memberships": 2}, &o)
	base := "/v1/organizations/" + o["id"].(string) + "/invitations"
	if st := h.bapi("POST", base, map[string]any{"email_address": "one@example.com", "role": "org:member"}, nil); st != 200 {
		t.Fatal(st)
	}
	// Alice and one pending invitation fill both seats.
	st, body := h.raw("POST", base, map[string]any{"email_address": "two@example.com", "role": "org:member"})
	wantError(t, st, body, 403, "organization_membership_quota_exceeded", "")
}

// orgMember returns the role of userID in orgID, or "".
func (h *harness) orgMember(orgID, userID string) (role string, public map[string]any) {
	h.t.Helper()
	var p struct {
		Data []map[string]any `json:"data"`
	}
	h.bapi("GET", "/v1/organizations/"+orgID+"/memberships?user_id="+userID, nil, &p)
	if len(p.Data) != 1 {
		return "", nil
	}
	return p.Data[0]["role"].(string), p.Data[0]["public_metadata"].(map[string]any)
}

func TestOrgInvitationAcceptedThroughHostedPages(t *testing.T) {
	h, hooks := startWithHooks(t)
	base := "/v1/organizations/org_demo_acme/invitations"

	// A new address: the ticket link opens the sign-up for it.
	var gus map[string]any
	h.bapi("POST", base, map[string]any{"email_address": "gus@example.com", "role": "org:admin", "public_metadata": map[string]any{"seat": 1}}, &gus)
	link := gus["url"].(string)
	ticket := mustQuery(t, link, "ticket")
	resp, page := h.do(mustRequest(t, link))
	if resp.StatusCode != 200 || !strings.Contains(string(page), `value="gus@example.com" required readonly`) ||
		!strings.Contains(string(page), `name="ticket" value="`+ticket+`"`) {
		t.Fatalf("invitation page: %d %s", resp.StatusCode, page)
	}
	resp = h.postForm("/sign-up", url.Values{"ticket": {ticket}, "email": {"gus@example.com"}, "password": {"long-enough-pw"}, "first_name": {"Gus"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", resp.StatusCode)
	}
	var users []map[string]any
	h.bapi("GET", "/v1/users?email_address=gus@example.com", nil, &users)
	if len(users) != 1 {
		t.Fatalf("gus: %v", users)
	}
	if role, meta := h.orgMember("org_demo_acme", users[0]["id"].(string)); role != "org:admin" || meta["seat"] != float64(1) {
		t.Errorf("gus's membership: %q %v", role, meta)
	}
	if got := hooks.wait(t, "organizationInvitation.accepted", gus["id"].(string)); got["status"] != "accepted" {
		t.Errorf("accepted webhook: %v", got)
	}
	if resp := h.postForm("/sign-up", url.Values{"ticket": {ticket}, "email": {"gus@example.com"}, "password": {"long-enough-pw"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("second use of the ticket: %d", resp.StatusCode)
	}

	// An existing user: /sign-in?__clerk_ticket= signs them in as a member.
	var carol map[string]any
	h.bapi("POST", base, map[string]any{"email_address": "carol+clerk_test@example.com", "role": "org:member"}, &carol)
	resp = h.get(h.inst.FrontendAPIURL + "/sign-in?redirect_url=" + url.QueryEscape(app) + "&__clerk_ticket=" + url.QueryEscape(mustQuery(t, carol["url"].(string), "ticket")))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), app) {
		t.Fatalf("sign-in with ticket: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if role, _ := h.orgMember("org_demo_acme", "user_demo_carol"); role != "org:member" {
		t.Errorf("carol's role %q", role)
	}
	var got map[string]any
	h.bapi("GET", base+"/"+carol["id"].(string), nil, &got)
	if got["status"] != "accepted" || got["url"] != nil {
		t.Errorf("carol's invitation: %v", got)
	}

	// /sign-up?__clerk_ticket= opens the form for a new address too; a
	// revoked invitation's ticket opens nothing.
	var hal map[string]any
	h.bapi("POST", base, map[string]any{"email_address": "hal@example.com", "role": "org:member"}, &hal)
	halTicket := mustQuery(t, hal["url"].(string), "ticket")
	resp, page = h.do(mustRequest(t, h.inst.FrontendAPIURL+"/sign-up?__clerk_ticket="+url.QueryEscape(halTicket)))
	if resp.StatusCode != 200 || !strings.Contains(string(page), `value="hal@example.com" required readonly`) {
		t.Errorf("sign-up page with ticket: %d", resp.StatusCode)
	}
	h.bapi("POST", base+"/"+hal["id"].(string)+"/revoke", nil, nil)
	if resp := h.get(hal["url"].(string)); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("revoked invitation's link: %d", resp.StatusCode)
	}
	if resp := h.postForm("/sign-up", url.Values{"ticket": {halTicket}, "email": {"hal@example.com"}, "password": {"long-enough-pw"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("sign-up with a revoked ticket: %d", resp.StatusCode)
	}
	var users2 []map[string]any
	if h.bapi("GET", "/v1/users?email_address=hal@example.com", nil, &users2); len(users2) != 0 {
		t.Errorf("a failed ticket sign-up left a user: %v", users2)
	}
}

func mustQuery(t *testing.T, raw, name string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Query().Get(name) == "" {
		t.Fatalf("%q has no %s: %v", raw, name, err)
	}
	return u.Query().Get(name)
}

func mustRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestOrgInvitationsConcurrentWriters: parallel invitations of one address
// leave exactly one pending invitation; parallel invitations of distinct
// addresses are all kept.
func TestOrgInvitationsConcurrentWriters(t *testing.T) {
	h := start(t, Options{Seed: true})
	base := "/v1/organizations/org_demo_acme/invitations"
	const n = 12
	statuses := make(chan int, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			st, _ := h.raw("POST", base, map[string]any{"email_address": "same@example.com", "role": "org:member"})
			statuses <- st
		}()
		go func() {
			defer wg.Done()
			st, _ := h.raw("POST", base, map[string]any{"email_address": "p" + string(rune('a'+i)) + "@example.com", "role": "org:member"})
			if st != 200 {
				t.Errorf("distinct address %d: %d", i, st)
			}
		}()
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for st := range statuses {
		switch st {
		case 200:
			ok++
		case 400: // duplicate_record
		default:
			t.Errorf("status %d", st)
		}
	}
	var p struct {
		TotalCount int `json:"total_count"`
	}
	h.bapi("GET", base+"?email_address=same@example.com", nil, &p)
	if ok != 1 || p.TotalCount != 1 {
		t.Errorf("%d creates of one address succeeded, %d stored; want 1 and 1", ok, p.TotalCount)
	}
	h.bapi("GET", base+"?status=pending", nil, &p)
	if p.TotalCount != n+1 {
		t.Errorf("%d pending, want %d", p.TotalCount, n+1)
	}
}

// TestOrgInvitationForAMemberMeanwhile: accepting an invitation of a user
// who joined by other means keeps their membership and spends the ticket.
func TestOrgInvitationForAMemberMeanwhile(t *testing.T) {
	h := start(t, Options{Seed: true})
	var inv map[string]any
	h.bapi("POST", "/v1/organizations/org_demo_acme/invitations", map[string]any{"email_address": "carol+clerk_test@example.com", "role": "org:admin"}, &inv)
	if st := h.bapi("POST", "/v1/organizations/org_demo_acme/memberships", map[string]any{"user_id": "user_demo_carol", "role": "org:member"}, nil); st != 200 {
		t.Fatal(st)
	}
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ins", form("strategy", "ticket", "ticket", mustQuery(t, inv["url"].(string), "ticket")))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign-in: %d %v", st, m)
	}
	if role, _ := h.orgMember("org_demo_acme", "user_demo_carol"); role != "org:member" {
		t.Errorf("role %q, want the membership carol had", role)
	}
	h.bapi("GET", "/v1/organizations/org_demo_acme/invitations/"+inv["id"].(string), nil, &inv)
	if inv["status"] != "accepted" {
		t.Errorf("invitation %v", inv["status"])
	}
}
