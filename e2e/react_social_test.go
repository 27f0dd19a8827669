package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// googleButton is <SignIn/>'s "Continue with Google" (a block button with
// few providers, an icon button with many).
const googleButton = `.cl-socialButtonsBlockButton__google, .cl-socialButtonsIconButton__google`

// clerkProviderIcon is the one request the components make off loopback
// with social sign-in on: they draw the icons of Clerk's known providers
// from Clerk's image CDN, whatever the environment's logo_url says. The
// browser cannot resolve it here, and the button shows its name anyway.
var clerkProviderIcon = regexp.MustCompile(`^https://img\.clerk\.com/static/[a-z_]+\.(svg|png|jpeg)$`)

// TestReactGoogleSignInThroughTheProviderPage drives examples/react with
// Google sign-in on: "Continue with Google" in <SignIn/> leads to
// localclerk's provider page, where a new Google account is typed in; the
// callback ends in a sign-up by transfer and the Go API answers the new
// user. Signed out, the same account is picked on the page and signs the
// same user in again, and <UserProfile/> connects a GitHub account there.
func TestReactGoogleSignInThroughTheProviderPage(t *testing.T) {
	st := startReactExample(t, "LOCALCLERK_SOCIAL=google,github")
	br := newClerkJSBrowser(t, "react-social")
	const email = "gina.social@example.com"
	t.Cleanup(func() { // where the browser was when a step failed
		if t.Failed() {
			br.log.mu.Lock()
			defer br.log.mu.Unlock()
			n := len(br.log.requests)
			t.Logf("last requests: %s", strings.Join(br.log.requests[max(0, n-8):], "\n"))
		}
	})

	br.run("sign-in-with-social-buttons", chromedp.Navigate(st.app+"/"),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.WaitVisible(googleButton, chromedp.ByQuery))
	var page string
	br.run("provider-page", chromedp.Click(googleButton, chromedp.ByQuery),
		chromedp.WaitVisible(`#oauth-continue`, chromedp.ByQuery),
		chromedp.Location(&page))
	if u, err := url.Parse(page); err != nil || !strings.HasPrefix(page, st.fapi+"/oauth/google/authorize?") || u.Query().Get("state") == "" {
		t.Fatalf("provider page at %q", page)
	}
	br.run("provider-page-new-account", chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
		chromedp.SendKeys(`#first_name`, "Gina", chromedp.ByQuery),
		chromedp.SendKeys(`#last_name`, "Social", chromedp.ByQuery))
	var userID, first string
	br.run("signed-up-with-google", chromedp.Click(`#oauth-continue`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitContains("#api-email", email),
		chromedp.Text(`#api-user-id`, &userID, chromedp.ByQuery),
		chromedp.Text(`#api-first-name`, &first, chromedp.ByQuery))
	if !strings.HasPrefix(userID, "user_") || first != "Gina" {
		t.Fatalf("the Go API answered user %q, first name %q", userID, first)
	}

	br.run("signed-out", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(googleButton, chromedp.ByQuery))
	account := `button[aria-label="Continue as Gina Social (` + email + `)"]`
	br.run("provider-page-existing-account", chromedp.Click(googleButton, chromedp.ByQuery),
		chromedp.WaitVisible(account, chromedp.ByQuery))
	var again string
	br.run("signed-in-again-with-google", chromedp.Click(account, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitContains("#api-email", email),
		chromedp.Text(`#api-user-id`, &again, chromedp.ByQuery))
	if again != userID {
		t.Fatalf("signed in again as %q, signed up as %q", again, userID)
	}

	// <UserProfile/> connects a GitHub account through the same page.
	const connectGitHub = `//*[contains(@class, "cl-profileSection__connectedAccounts")]//*[@role="menuitem"][contains(., "GitHub")]`
	br.run("connected-accounts", chromedp.Navigate(st.app+"/"),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		waitContains(".cl-profileSection__connectedAccounts", email),
		chromedp.Click(`.cl-menuButton__connectedAccounts`, chromedp.ByQuery),
		chromedp.WaitVisible(connectGitHub, chromedp.BySearch))
	br.run("provider-page-github", chromedp.Click(connectGitHub, chromedp.BySearch),
		chromedp.WaitVisible(`#oauth-continue`, chromedp.ByQuery),
		chromedp.SendKeys(`#email`, "gina.gh@example.com", chromedp.ByQuery))
	br.run("github-connected", chromedp.Click(`#oauth-continue`, chromedp.ByQuery),
		// Back in the app, which reopens <UserProfile/> from the modal state.
		chromedp.WaitVisible(`.cl-providerIcon__github`, chromedp.ByQuery),
		waitContains(".cl-profileSection__connectedAccounts", "gina.gh@example.com"))

	for _, u := range br.log.nonLoopback() {
		if !clerkProviderIcon.MatchString(u) {
			t.Errorf("the browser requested a non-loopback URL: %s", u)
		}
	}
	for _, m := range br.log.unexpectedConsole() {
		t.Errorf("console: %s", m)
	}
}
