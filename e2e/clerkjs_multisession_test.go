package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestClerkJSMultiSessionSwitch: vanilla clerk-js on a multi-session
// instance. Alice signs in through the mounted <SignIn/>, then Bob on the
// same browser; the server (goclerk's middleware reading __session) sees
// Bob. Clerk.setActive({session}) back to Alice's session makes the
// server see Alice again.
func TestClerkJSMultiSessionSwitch(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"multi_session":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	app := startClerkJSExample(t, "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "clerkjs-multisession")
	signIn := func(step, email, password string, who *serverAuth) {
		br.run(step, chromedp.Navigate(app.url+"/sign-in"), clerkLoaded(),
			chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
			chromedp.SendKeys(`input[name="identifier"]`, email, chromedp.ByQuery),
			chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery),
			chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery),
			chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
			chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
			chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(who))
	}
	var alice, bob, back serverAuth
	signIn("multisession-alice", "alice@example.com", "alice-password", &alice)
	signIn("multisession-bob-added", "bob@example.com", "bob-password", &bob)
	if alice.UserID != "user_demo_alice" || bob.UserID != "user_demo_bob" || bob.SessionID == alice.SessionID {
		t.Fatalf("server saw %+v, then %+v", alice, bob)
	}
	var sessions int
	br.run("multisession-switch-back", clerkLoaded(),
		chromedp.Evaluate(`window.Clerk.client.signedInSessions.length`, &sessions),
		chromedp.Evaluate(`window.Clerk.setActive({ session: `+"`"+alice.SessionID+"`"+` }).then(() => { location.href = '/protected'; })`, nil),
		waitText("#user-id", "user_demo_alice"), readServerAuth(&back))
	if sessions != 2 || back.SessionID != alice.SessionID {
		t.Fatalf("after setActive: %d sessions in clerk-js, server sees %+v, want Alice's session %s", sessions, back, alice.SessionID)
	}
	br.checkOffline()
}
