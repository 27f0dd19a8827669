package localclerk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// outboxOf reads /outbox.json?to=addr.
func outboxOf(t *testing.T, h *harness, addr string) []outboxMessage {
	t.Helper()
	resp, err := h.http.Get(h.inst.FrontendAPIURL + "/outbox.json?to=" + url.QueryEscape(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Data       []outboxMessage `json:"data"`
		TotalCount int             `json:"total_count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /outbox.json: %d %v", resp.StatusCode, err)
	}
	if page.TotalCount != len(page.Data) {
		t.Fatalf("total_count %d for %d messages", page.TotalCount, len(page.Data))
	}
	return page.Data
}

// TestOutboxHoldsTheSignInCode: an e-mail code sign-in for an ordinary
// address puts the code in the outbox (JSON and page), and that code
// completes the sign-in.
func TestOutboxHoldsTheSignInCode(t *testing.T) {
	h := start(t, Options{Seed: true})
	if got := outboxOf(t, h, "alice@example.com"); len(got) != 0 {
		t.Fatalf("outbox before any message: %+v", got)
	}
	resp, body := h.do(h.fapiRequest("POST", "/v1/client/sign_ins?"+clerkJSQuery, url.Values{"identifier": {"alice@example.com"}}))
	var si struct {
		Response struct{ ID string } `json:"response"`
	}
	mustJSON(t, body, &si)
	if resp.StatusCode != http.StatusOK || si.Response.ID == "" {
		t.Fatalf("start sign-in: %d %s", resp.StatusCode, body)
	}
	base := "/v1/client/sign_ins/" + si.Response.ID
	if resp, body := h.do(h.fapiRequest("POST", base+"/prepare_first_factor?"+clerkJSQuery, url.Values{"strategy": {"email_code"}})); resp.StatusCode != http.StatusOK {
		t.Fatalf("prepare: %d %s", resp.StatusCode, body)
	}
	msgs := outboxOf(t, h, "ALICE@example.com")
	if len(msgs) != 1 || msgs[0].Kind != msgVerificationCode || len(msgs[0].Code) != 6 || msgs[0].Code == testVerificationCode {
		t.Fatalf("outbox after prepare: %+v", msgs)
	}
	code := msgs[0].Code
	page, err := h.http.Get(h.inst.FrontendAPIURL + "/outbox")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(html), code) || !strings.Contains(string(html), "alice@example.com") {
		t.Errorf("the outbox page does not show the code %s:\n%s", code, html)
	}
	resp, body = h.do(h.fapiRequest("POST", base+"/attempt_first_factor?"+clerkJSQuery, url.Values{"strategy": {"email_code"}, "code": {code}}))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"complete"`) {
		t.Fatalf("attempt with the outbox code: %d %s", resp.StatusCode, body)
	}
}

// TestOutboxHoldsInvitations: instance and organization invitations put
// their link in the outbox, unless created with notify false; a test
// address's code is Clerk's fixed 424242.
func TestOutboxHoldsInvitations(t *testing.T) {
	h := start(t, Options{Seed: true})
	var inv struct{ URL string }
	if st := h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "new@example.com"}, &inv); st != http.StatusOK {
		t.Fatalf("create invitation: %d", st)
	}
	msgs := outboxOf(t, h, "new@example.com")
	if len(msgs) != 1 || msgs[0].Kind != msgInvitation || msgs[0].Link != inv.URL || !strings.Contains(inv.URL, "ticket=") {
		t.Fatalf("outbox after an invitation (url %s): %+v", inv.URL, msgs)
	}
	var oi struct{ URL string }
	if st := h.bapi("POST", "/v1/organizations/org_demo_acme/invitations", map[string]any{"email_address": "carol@example.com", "role": "org:member"}, &oi); st != http.StatusOK {
		t.Fatalf("create organization invitation: %d", st)
	}
	msgs = outboxOf(t, h, "carol@example.com")
	if len(msgs) != 1 || msgs[0].Kind != msgOrganizationInvitation || msgs[0].Link != oi.URL || !strings.Contains(msgs[0].Subject, "Acme") {
		t.Fatalf("outbox after an organization invitation (url %s): %+v", oi.URL, msgs)
	}
	if st := h.bapi("POST", "/v1/invitations", map[string]any{"email_address": "quiet@example.com", "notify": false}, nil); st != http.StatusOK {
		t.Fatalf("create a quiet invitation: %d", st)
	}
	if msgs := outboxOf(t, h, "quiet@example.com"); len(msgs) != 0 {
		t.Errorf("notify false still wrote %+v", msgs)
	}
	err := h.inst.store.update(t.Context(), func(tx *txn) error {
		code, err := h.inst.newCode(tx, h.inst.now(), "dev+clerk_test@example.com", "Your sign-in code")
		if code != testVerificationCode {
			t.Errorf("code for a test address = %q, want %s", code, testVerificationCode)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Newest first across addresses.
	all := outboxOf(t, h, "")
	if len(all) != 3 || all[0].Code != testVerificationCode || all[1].To != "carol@example.com" || all[2].To != "new@example.com" {
		t.Errorf("the whole outbox: %+v", all)
	}
}

// TestOutboxLogsOnlyWhatCommits checks that the "message in the outbox"
// line is written when the change that sent the message commits, not when
// a refused change (a sign-up whose password is too short, say) is rolled
// back with its message.
func TestOutboxLogsOnlyWhatCommits(t *testing.T) {
	var log bytes.Buffer
	h := start(t, Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	refused := errors.New("refused")
	send := func(to string, fail bool) error {
		return h.inst.store.update(context.Background(), func(tx *txn) error {
			if err := h.inst.send(tx, h.clock.Now(), outboxMessage{Kind: "email", To: to, Subject: "hello"}); err != nil {
				return err
			}
			if fail {
				return refused
			}
			return nil
		})
	}
	if err := send("rolled-back@example.com", true); !errors.Is(err, refused) {
		t.Fatalf("send in a refused change: %v", err)
	}
	if err := send("kept@example.com", false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "rolled-back@example.com") {
		t.Errorf("a rolled-back message was logged:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "kept@example.com") {
		t.Errorf("a committed message was not logged:\n%s", log.String())
	}
}
