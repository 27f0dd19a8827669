package e2e

// Chromium test of examples/react on a multi-session instance: two
// accounts on one browser through @clerk/react's <UserButton/>.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReactMultiSessionAddSwitchSignOut: with multi_session on, Bob signs
// in through <SignIn/>, UserButton's "Add account" opens localclerk's
// hosted sign-in page, which offers Bob's account and signs Alice in
// beside him; the Go API then sees Alice. Switching back to Bob in the
// UserButton makes the Go API see Bob, and signing Bob out leaves Alice
// signed in: the hosted page offers her account, and the Go API sees her.
func TestReactMultiSessionAddSwitchSignOut(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"multi_session":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExample(t, "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "react-multisession")
	reactSignIn(br, st, "bob@example.com", "bob-password", "user_demo_bob")

	br.run("multisession-add-account", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__addAccount`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__addAccount`, chromedp.ByQuery),
		chromedp.WaitVisible(`button[aria-label="Continue as Bob Member (bob@example.com)"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery))
	br.run("multisession-second-user", chromedp.SendKeys(`#email`, "alice@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "alice-password", chromedp.ByQuery),
		chromedp.Click(`form[action="/sign-in"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_alice"))

	br.run("multisession-switch-menu", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`//div[contains(@class, "cl-userButtonPopoverCard")]//button[contains(., "Bob")]`, chromedp.BySearch))
	br.run("multisession-switched-to-bob", chromedp.Click(`//div[contains(@class, "cl-userButtonPopoverCard")]//button[contains(., "Bob")]`, chromedp.BySearch),
		waitText("#api-user-id", "user_demo_bob"))

	// Sign Bob out: Alice's session takes over; Clerk's UserButton goes to
	// the after-sign-out-one page (the hosted sign-in), which offers her.
	br.run("multisession-sign-out-one", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`button[aria-label="Continue as Alice Admin (alice@example.com)"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`button[aria-label="Continue as Bob Member (bob@example.com)"]`, chromedp.ByQuery))
	br.run("multisession-other-stays", chromedp.Click(`button[aria-label="Continue as Alice Admin (alice@example.com)"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_alice"))
	br.checkOffline()
}
