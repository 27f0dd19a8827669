package e2e

// Sign-in methods through vanilla clerk-js's mounted components
// (examples/clerkjs, no React): username and TOTP, Google through
// localclerk's provider page, and creating an organization.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clerkJSSignOut signs out through UserButton and waits for the home page.
func clerkJSSignOut(br *clerkJSBrowser, name string) {
	br.t.Helper()
	br.run(name, clerkLoaded(), chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`#status`, chromedp.ByQuery), chromedp.WaitNotPresent(`.cl-userButtonTrigger`, chromedp.ByQuery))
}

// TestClerkJSUsernameAndTOTPSignIn: on an instance with usernames and
// TOTP on, Alice signs in with her username through mountSignIn, adds an
// authenticator app in mountUserProfile's security page (the test
// computes the codes from the secret it shows), signs out, and signs in
// again with her username, password and a TOTP code.
func TestClerkJSUsernameAndTOTPSignIn(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"identifiers":{"username":"on"},"second_factors":["totp"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	app := startClerkJSExample(t, "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "clerkjs-username-totp")
	if a := clerkJSSignIn(br, app, "alice", "alice-password"); a.UserID != "user_demo_alice" {
		t.Fatalf("signed in with the username alice, the server sees %+v", a)
	}

	br.run("add-authenticator-app", securityPage(app),
		chromedp.Click(`.cl-menuButton__mfa`, chromedp.ByQuery),
		chromedp.WaitVisible(`//*[contains(text(), "Authenticator application")]`, chromedp.BySearch),
		chromedp.Click(`//*[contains(text(), "Authenticator application")]`, chromedp.BySearch),
		chromedp.WaitVisible(`//button[contains(., "scan QR code")]`, chromedp.BySearch))
	var secret string
	br.run("totp-secret", chromedp.Click(`//button[contains(., "scan QR code")]`, chromedp.BySearch),
		chromedp.Poll(`(() => { for (const i of document.querySelectorAll('.cl-userProfile-root input')) { if (/^[A-Z2-7]{16,}$/.test(i.value)) return i.value; } return false; })()`,
			&secret, chromedp.WithPollingTimeout(20*time.Second)))
	br.run("totp-verify", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	enrolStep := time.Now().Unix() / 30
	br.run("totp-enabled", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, totpCode(t, secret, enrolStep), chromedp.ByQuery),
		chromedp.WaitNotPresent(`input[autocomplete="one-time-code"]`, chromedp.ByQuery),
		waitContains(".cl-userProfile-root", "enabled"),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitContains(".cl-profileSection__mfa", "Authenticator application"))
	clerkJSSignOut(br, "signed-out")

	br.run("totp-second-factor", chromedp.Navigate(app.url+"/sign-in"), clerkLoaded(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="identifier"]`, "alice", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		factorOnePassword(),
		chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, "alice-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	// A step's code works once: after the enrolment's, the next step's,
	// which the instance accepts one step early.
	step := max(time.Now().Unix()/30, enrolStep+1)
	var a serverAuth
	br.run("totp-signed-in", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, totpCode(t, secret, step), chromedp.ByQuery),
		chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(&a))
	if a.UserID != "user_demo_alice" {
		t.Fatalf("signed in with a TOTP code, the server sees %+v", a)
	}
	br.checkOffline()
}

// TestClerkJSGoogleSignUpAndCreateOrganization: with Google on,
// mountSignIn's "Continue with Google" leads to localclerk's provider
// page; a new Google account signs up (by transfer) and the server sees
// the new user, who creates an organization through
// mountOrganizationSwitcher and is its admin. Signed out, the same account
// picked on the provider page signs the same user in again.
func TestClerkJSGoogleSignUpAndCreateOrganization(t *testing.T) {
	app := startClerkJSExample(t, "LOCALCLERK_SOCIAL=google")
	br := newClerkJSBrowser(t, "clerkjs-google-org")
	const email = "gus.google@example.com"

	var page string
	br.run("provider-page", signInStart(app),
		chromedp.WaitVisible(googleButton, chromedp.ByQuery),
		chromedp.Click(googleButton, chromedp.ByQuery),
		chromedp.WaitVisible(`#oauth-continue`, chromedp.ByQuery),
		chromedp.Location(&page))
	if u, err := url.Parse(page); err != nil || !strings.HasPrefix(page, app.fapi+"/oauth/google/authorize?") || u.Query().Get("state") == "" {
		t.Fatalf("provider page at %q", page)
	}
	br.run("provider-page-new-account", chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
		chromedp.SendKeys(`#first_name`, "Gus", chromedp.ByQuery),
		chromedp.SendKeys(`#last_name`, "Google", chromedp.ByQuery))
	var gus serverAuth
	br.run("signed-up-with-google", chromedp.Click(`#oauth-continue`, chromedp.ByQuery),
		chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(&gus))
	if !strings.HasPrefix(gus.UserID, "user_") || strings.HasPrefix(gus.UserID, "user_demo_") || !strings.Contains(gus.Email, email) || gus.OrgID != "" {
		t.Fatalf("signed up with Google, the server sees %+v", gus)
	}

	br.run("create-organization-form", clerkLoaded(),
		chromedp.Click(`.cl-organizationSwitcherTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-organizationSwitcherPopoverActionButton__createOrganization`, chromedp.ByQuery),
		chromedp.Click(`.cl-organizationSwitcherPopoverActionButton__createOrganization`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="name"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="name"]`, "Gus Garage", chromedp.ByQuery),
		// The slug follows the name (none with organization.slug_disabled:
		// see TestClerkJSSettingsGroups).
		chromedp.Poll(`document.querySelector('input[name="slug"]')?.value === 'gus-garage'`, nil, chromedp.WithPollingTimeout(20*time.Second)))
	var org serverAuth
	br.run("organization-created", chromedp.Click(`.cl-modalContent .cl-formButtonPrimary`, chromedp.ByQuery),
		// The component may ask for invitations first: skip them.
		untilJS(`(() => {
			const o = document.querySelector('#org-id');
			if (o && o.textContent.trim()) return true;
			const skip = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Skip' && b.offsetParent !== null);
			if (skip) skip.click();
			return false;
		})()`),
		readServerAuth(&org))
	if !strings.HasPrefix(org.OrgID, "org_") || org.OrgRole != "org:admin" || org.UserID != gus.UserID {
		t.Fatalf("after creating an organization the server sees %+v", org)
	}

	clerkJSSignOut(br, "signed-out")
	account := `button[aria-label="Continue as Gus Google (` + email + `)"]`
	br.run("provider-page-existing-account", signInStart(app),
		chromedp.Click(googleButton, chromedp.ByQuery),
		chromedp.WaitVisible(account, chromedp.ByQuery))
	var again serverAuth
	br.run("signed-in-again-with-google", chromedp.Click(account, chromedp.ByQuery),
		chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(&again))
	if again.UserID != gus.UserID {
		t.Fatalf("signed in again as %q, signed up as %q", again.UserID, gus.UserID)
	}

	for _, u := range br.log.nonLoopback() {
		if !clerkProviderIcon.MatchString(u) {
			t.Errorf("the browser requested a non-loopback URL: %s", u)
		}
	}
	for _, m := range br.log.unexpectedConsole() {
		t.Errorf("console: %s", m)
	}
}

// untilJS evaluates js until it returns true, across the navigations the
// components make meanwhile (chromedp.Poll fails on one).
func untilJS(js string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(30 * time.Second)
		for {
			var ok bool
			if err := chromedp.Evaluate(js, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("never true: %s", js)
			}
			if err := chromedp.Sleep(200 * time.Millisecond).Do(ctx); err != nil {
				return err
			}
		}
	})
}
