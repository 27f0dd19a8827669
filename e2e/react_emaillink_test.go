package e2e

// Chromium tests of examples/react with e-mail links and the waitlist
// sign-up mode turned on by a settings file.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// writeSettings writes a localclerk settings file and returns the
// LOCALCLERK_SETTINGS assignment for it.
func writeSettings(t *testing.T, json string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(p, []byte(json), 0o600); err != nil {
		t.Fatal(err)
	}
	return "LOCALCLERK_SETTINGS=" + p
}

// waitOutboxLink waits for an e-mail link to addr in localclerk's outbox
// and returns it.
func waitOutboxLink(t *testing.T, fapi, addr string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(fapi + "/outbox.json?to=" + url.QueryEscape(addr))
		if err == nil {
			var page struct {
				Data []struct{ Kind, Link string } `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err == nil && len(page.Data) > 0 && page.Data[0].Kind == "email_link" {
				return page.Data[0].Link
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail link to %s in the outbox: %v", addr, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// newTab opens another tab of b's browser, sharing its cookies, with
// its own screenshots (named tab-…).
func (b *clerkJSBrowser) newTab() *clerkJSBrowser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	tab := &clerkJSBrowser{t: b.t, ctx: ctx, log: &browserLog{}, artifacts: b.artifacts, n: 50}
	tab.log.listen(ctx)
	if err := chromedp.Run(ctx); err != nil {
		b.t.Fatal(err)
	}
	return tab
}

// TestReactEmailLinkSignIn: with email_link the only first factor,
// <SignIn/> sends Alice a link; the test opens it from localclerk's
// outbox page in a second tab, which finishes the sign-in (the Go API
// sees Alice there), while the first tab, polling, says the sign-in went
// on in the other tab.
func TestReactEmailLinkSignIn(t *testing.T) {
	st := startReactExample(t, writeSettings(t, `{"first_factors":["email_link"]}`))
	br := newClerkJSBrowser(t, "react-email-link")
	br.run("email-link-sent", chromedp.Navigate(st.app+"/"),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="identifier"]`, "alice@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitContains(".cl-signIn-root", "Check your email"))
	link := waitOutboxLink(t, st.fapi, "alice@example.com")
	if !strings.Contains(link, "/v1/verify?token=") {
		t.Fatalf("link %q", link)
	}

	tab := br.newTab()
	tab.run("outbox-with-link", chromedp.Navigate(st.fapi+"/outbox"),
		chromedp.WaitVisible(`ol.outbox li a`, chromedp.ByQuery),
		waitContains("ol.outbox", "Your sign-in link"))
	tab.run("link-tab-signed-in", chromedp.Click(`ol.outbox li a`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_alice"))
	var loc string
	if err := chromedp.Run(tab.ctx, chromedp.Location(&loc)); err != nil || !strings.HasPrefix(loc, st.app) {
		t.Errorf("the link's tab is at %q (%v)", loc, err)
	}
	// Both tabs are one client: the first says to go on in the other.
	br.run("first-tab-after-link", waitContains(".cl-signIn-root", "tab"))
	br.checkOffline()
	tab.checkOffline()
}

// TestReactWaitlist: on a waitlist instance <SignUp/> without an
// invitation shows "Access restricted", <Waitlist/> adds Wendy's address,
// the Backend API lists the entry, and after a developer invites it
// (Backend API) the invitation's ticket lets her sign up with <SignUp/>.
func TestReactWaitlist(t *testing.T) {
	st := startReactExample(t, writeSettings(t, `{"sign_up_mode":"waitlist"}`))
	br := newClerkJSBrowser(t, "react-waitlist")
	const email = "wendy.wait@example.com"
	// <SignUp/> without an invitation: restricted, with the way to the
	// waitlist.
	br.run("sign-up-restricted", chromedp.Navigate(st.app+"/?__clerk_status=sign_up"),
		chromedp.WaitVisible(`//*[contains(text(), "Access restricted")]`, chromedp.BySearch),
		waitContains(".cl-signUp-root", "join the waitlist"))
	br.run("waitlist-form", chromedp.Navigate(st.app+"/waitlist"),
		chromedp.WaitVisible(`input[name="emailAddress"]`, chromedp.ByQuery),
		waitContains("body", "Join the waitlist"))
	br.run("waitlist-joined", chromedp.SendKeys(`input[name="emailAddress"]`, email, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`//*[contains(text(), "Thanks for joining the waitlist")]`, chromedp.BySearch),
		chromedp.WaitNotPresent(`input[name="emailAddress"]`, chromedp.ByQuery))
	var list struct {
		Data []struct {
			ID           string `json:"id"`
			EmailAddress string `json:"email_address"`
			Status       string `json:"status"`
		} `json:"data"`
	}
	bapiGet(t, st, "/v1/waitlist_entries", &list)
	if len(list.Data) != 1 || list.Data[0].EmailAddress != email || list.Data[0].Status != "pending" {
		t.Fatalf("waitlist entries: %+v", list.Data)
	}

	var inv struct {
		Invitation struct {
			URL string `json:"url"`
		} `json:"invitation"`
	}
	bapiPost(t, st, "/v1/waitlist_entries/"+list.Data[0].ID+"/invite", `{}`, &inv)
	link, err := url.Parse(inv.Invitation.URL)
	if err != nil || link.Query().Get("ticket") == "" {
		t.Fatalf("invitation without a ticket: %+v", inv)
	}
	// Where the invitation's link lands with a redirect_url to the app:
	// <SignUp/> redeems __clerk_ticket.
	invited := st.app + "/?" + url.Values{"__clerk_ticket": {link.Query().Get("ticket")}, "__clerk_status": {"sign_up"}}.Encode()
	br.run("invitation-sign-up", chromedp.Navigate(invited),
		chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery),
		chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery))
	br.run("invited-signed-up", chromedp.SendKeys(`input[name="password"]`, "wendy-waits-1", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitContains("#api-email", email))
	bapiGet(t, st, "/v1/waitlist_entries", &list)
	if len(list.Data) != 1 || list.Data[0].Status != "completed" {
		t.Errorf("entry after the sign-up: %+v", list.Data)
	}
	br.checkOffline()
}

// bapiPost sends a Backend API request with the example's secret key.
func bapiPost(t *testing.T, st *reactStack, path, body string, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", st.env["CLERK_API_URL"]+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+st.env["CLERK_SECRET_KEY"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := apiClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %v", path, resp.StatusCode, err)
	}
}
