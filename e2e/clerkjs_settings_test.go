package e2e

// Each group of localclerk's instance settings (localclerk/settings.go),
// set through a settings file, changes what Clerk's components render:
// vanilla clerk-js in examples/clerkjs, one instance (and browser) per
// group, one build for all of them.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// absent fails unless nothing matches sel. Wait for what the component
// does render first: absent does not wait.
func absent(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var n int
		if err := chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n).Do(ctx); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%d elements match %s, want none", n, sel)
		}
		return nil
	})
}

// lacksText fails if the element sel's text contains text.
func lacksText(sel, text string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var has bool
		js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, sel, text)
		if err := chromedp.Evaluate(js, &has).Do(ctx); err != nil {
			return err
		}
		if has {
			return fmt.Errorf("%s shows %q", sel, text)
		}
		return nil
	})
}

// clerkJSSignIn signs in through examples/clerkjs's <SignIn/> with a
// password and returns what the protected page's server saw.
func clerkJSSignIn(br *clerkJSBrowser, app *clerkJSApp, identifier, password string) serverAuth {
	br.t.Helper()
	var a serverAuth
	// Two steps, each with its own time limit on a loaded machine.
	br.run("sign-in-identifier", chromedp.Navigate(app.url+"/sign-in"), clerkLoaded(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="identifier"]`, identifier, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		factorOnePassword())
	br.run("sign-in-password", chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(&a))
	return a
}

// signInStart opens <SignIn/>'s first screen.
func signInStart(app *clerkJSApp) chromedp.Tasks {
	return chromedp.Tasks{chromedp.Navigate(app.url + "/sign-in"), clerkLoaded(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-footer`, chromedp.ByQuery)}
}

// signUpStart opens <SignUp/>'s first screen.
func signUpStart(app *clerkJSApp) chromedp.Tasks {
	return chromedp.Tasks{chromedp.Navigate(app.url + "/sign-up"), clerkLoaded(),
		chromedp.WaitVisible(`.cl-signUp-root .cl-formButtonPrimary`, chromedp.ByQuery)}
}

// securityPage opens <UserProfile/>'s security page on /account.
func securityPage(app *clerkJSApp) chromedp.Tasks {
	return chromedp.Tasks{chromedp.Navigate(app.url + "/account"), clerkLoaded(),
		chromedp.WaitVisible(`.cl-userProfile-root`, chromedp.ByQuery),
		chromedp.Click(`.cl-navbarButton__security`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-profileSection__activeDevices`, chromedp.ByQuery)}
}

// docsScreenshot writes the page as $E2E_ARTIFACTS/name and, with
// E2E_UPDATE_DOCS=1, as docs/name, where docs/clerkjs.md shows it.
func docsScreenshot(br *clerkJSBrowser, name string) {
	br.t.Helper()
	var png []byte
	if err := chromedp.Run(br.ctx, chromedp.CaptureScreenshot(&png)); err != nil {
		br.t.Fatalf("screenshot %s: %v", name, err)
	}
	files := []string{filepath.Join(artifactsDir(), name)}
	if os.Getenv("E2E_UPDATE_DOCS") == "1" {
		files = append(files, filepath.Join("..", "docs", name))
	}
	for _, f := range files {
		if err := os.WriteFile(f, png, 0o644); err != nil {
			br.t.Fatal(err)
		}
		br.t.Logf("screenshot for the docs: %s", f)
	}
}

// noSignUp asserts that the instance refused the sign-up for addr: the
// refused request changed nothing, so no verification code went to the
// outbox (the form's error text alone could be the component's own
// check).
func noSignUp(t *testing.T, app *clerkJSApp, addr string) {
	t.Helper()
	resp, err := http.Get(app.fapi + "/outbox.json?to=" + url.QueryEscape(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		TotalCount int `json:"total_count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatalf("outbox: %v", err)
	}
	if page.TotalCount != 0 {
		t.Fatalf("the outbox holds %d messages to %s: the sign-up went through", page.TotalCount, addr)
	}
}

// submit clicks the form's primary button from script: the password
// hint appearing under the field moves the button, so a click at the
// coordinates it had can miss.
func submit() chromedp.Action {
	return chromedp.Evaluate(`document.querySelector('.cl-formButtonPrimary').click()`, nil)
}

// settingsGroup is one group of the settings file and what the
// components render differently under it.
type settingsGroup struct {
	name     string
	settings string
	check    func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp)
}

var settingsGroups = []settingsGroup{
	{"identifiers", `{"identifiers":{"username":"required"}}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// A username identifies a user at sign-in and is asked for at
		// sign-up (the default asks for an e-mail address only).
		br.run("sign-in-asks-email-or-username", signInStart(app),
			waitContains(".cl-signIn-root", "Email address or username"),
			waitContains(".cl-footerAction", "Sign up"))
		br.run("sign-up-asks-username", signUpStart(app),
			chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[name="emailAddress"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery))
	}},
	{"identifiers_phone", `{"identifiers":{"phone_number":"required"},"first_factors":["password","email_code","phone_code"]}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// A phone number identifies a user at sign-in and is asked for at
		// sign-up, beside the e-mail address (the default has no phone).
		br.run("sign-in-asks-email-or-phone", signInStart(app),
			waitContains(".cl-signIn-root", "phone"))
		br.run("sign-up-asks-phone", signUpStart(app),
			chromedp.WaitVisible(`input[name="emailAddress"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[name="phoneNumber"]`, chromedp.ByQuery))
	}},
	{"first_factors", `{"first_factors":["email_code"]}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// No password: sign-up asks for none, sign-in sends a code to the
		// outbox.
		br.run("sign-up-without-password", signUpStart(app),
			chromedp.WaitVisible(`input[name="emailAddress"]`, chromedp.ByQuery),
			absent(`input[name="password"]`), absent(`input[name="username"]`))
		br.run("sign-in-sends-code", signInStart(app),
			waitContains(".cl-signIn-root", "Email address"), lacksText(".cl-signIn-root", "username"),
			chromedp.SendKeys(`input[name="identifier"]`, "alice@example.com", chromedp.ByQuery),
			chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery),
			absent(`input[name="password"]:not([tabindex="-1"])`))
		code := waitOutboxCode(t, app.fapi, "alice@example.com")
		var alice serverAuth
		br.run("signed-in-with-code", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, code, chromedp.ByQuery),
			chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(&alice))
		if alice.UserID != "user_demo_alice" {
			t.Fatalf("signed in with the e-mail code, the server sees %+v", alice)
		}
		br.run("outbox", chromedp.Navigate(app.fapi+"/outbox"), waitContains("body", code))
		docsScreenshot(br, "outbox.png")
	}},
	{"second_factors", `{"second_factors":["totp","backup_code"]}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// <UserProfile/> offers two-step verification (absent by default:
		// see multi_session). The instance is single-session, so
		// UserButton offers no "Add account".
		clerkJSSignIn(br, app, "alice@example.com", "alice-password")
		br.run("user-button-single-session", clerkLoaded(), chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
			chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
			absent(`.cl-userButtonPopoverActionButton__addAccount`))
		br.run("security-offers-two-step-verification", securityPage(app),
			chromedp.WaitVisible(`.cl-profileSection__mfa`, chromedp.ByQuery),
			chromedp.Click(`.cl-menuButton__mfa`, chromedp.ByQuery),
			chromedp.WaitVisible(`//*[contains(text(), "Authenticator application")]`, chromedp.BySearch))
	}},
	{"social", `{"social":["oauth_google","oauth_github","oauth_microsoft"]}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		br.run("sign-in-lists-providers", signInStart(app),
			chromedp.WaitVisible(googleButton, chromedp.ByQuery),
			chromedp.WaitVisible(`.cl-socialButtonsBlockButton__github, .cl-socialButtonsIconButton__github`, chromedp.ByQuery),
			chromedp.WaitVisible(`.cl-socialButtonsBlockButton__microsoft, .cl-socialButtonsIconButton__microsoft`, chromedp.ByQuery),
			absent(`.cl-socialButtonsBlockButton__apple, .cl-socialButtonsIconButton__apple`))
		br.run("sign-up-lists-providers", signUpStart(app),
			chromedp.WaitVisible(`.cl-socialButtonsBlockButton__github, .cl-socialButtonsIconButton__github`, chromedp.ByQuery))
	}},
	{"multi_session", `{"multi_session":true}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// Several accounts on one browser: UserButton offers "Add account"
		// (the default is single-session: no such button, see
		// second_factors). Also: without second factors the security page
		// has no two-step verification.
		clerkJSSignIn(br, app, "alice@example.com", "alice-password")
		br.run("user-button-add-account", clerkLoaded(), chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
			chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__addAccount`, chromedp.ByQuery))
		br.run("security-without-two-step-verification", securityPage(app), absent(`.cl-profileSection__mfa`))
	}},
	{"sign_up_mode_restricted", `{"sign_up_mode":"restricted"}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// Sign-up only through an invitation: no "Sign up" link, and
		// <SignUp/> says so.
		br.run("sign-in-without-sign-up-link", signInStart(app), absent(`.cl-footerAction`))
		br.run("sign-up-restricted", chromedp.Navigate(app.url+"/sign-up"), clerkLoaded(),
			waitContains(".cl-signUp-root", "Access restricted"), absent(`input[name="emailAddress"]`))
	}},
	{"sign_up_mode_waitlist", `{"sign_up_mode":"waitlist"}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// Restricted, with a waitlist to join: <SignIn/> links to it
		// instead of to sign-up, and <SignUp/> offers it.
		br.run("sign-in-waitlist-link", signInStart(app), waitContains(".cl-footerAction", "Join waitlist"))
		br.run("sign-up-restricted-with-waitlist", chromedp.Navigate(app.url+"/sign-up"), clerkLoaded(),
			waitContains(".cl-signUp-root", "Access restricted"), waitContains(".cl-signUp-root", "Join waitlist"))
	}},
	{"password", `{"password":{"min_length":12}}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// Ten characters pass the default rules (8), not these.
		br.run("sign-up-password-too-short", signUpStart(app),
			chromedp.SendKeys(`input[name="emailAddress"]`, "pat+clerk_test@example.com", chromedp.ByQuery),
			chromedp.SendKeys(`input[name="password"]`, "abcdefghij", chromedp.ByQuery),
			submit(),
			waitContains(".cl-signUp-root", "12 or more characters"),
			absent(`input[autocomplete="one-time-code"]`))
		noSignUp(t, app, "pat+clerk_test@example.com")
	}},
	{"username", `{"identifiers":{"username":"required"},"username":{"min_length":6}}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// A four-letter username passes the default rules (4), not these.
		br.run("sign-up-username-too-short", signUpStart(app),
			chromedp.SendKeys(`input[name="username"]`, "pats", chromedp.ByQuery),
			chromedp.SendKeys(`input[name="emailAddress"]`, "pat+clerk_test@example.com", chromedp.ByQuery),
			chromedp.SendKeys(`input[name="password"]`, "pat-password-1", chromedp.ByQuery),
			submit(),
			waitContains(".cl-signUp-root", "between 6 and 64"),
			absent(`input[autocomplete="one-time-code"]`))
		noSignUp(t, app, "pat+clerk_test@example.com")
	}},
	{"organization", `{"organization":{"slug_disabled":true}}`, func(t *testing.T, br *clerkJSBrowser, app *clerkJSApp) {
		// "Create organization" asks for a name only (by default also a
		// slug: see TestClerkJSGoogleSignUpAndCreateOrganization).
		clerkJSSignIn(br, app, "alice@example.com", "alice-password")
		br.run("create-organization-without-slug", clerkLoaded(),
			chromedp.Click(`.cl-organizationSwitcherTrigger`, chromedp.ByQuery),
			chromedp.WaitVisible(`.cl-organizationSwitcherPopoverActionButton__createOrganization`, chromedp.ByQuery),
			chromedp.Click(`.cl-organizationSwitcherPopoverActionButton__createOrganization`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[name="name"]`, chromedp.ByQuery), absent(`input[name="slug"]`))
	}},
}

// TestClerkJSSettingsGroups starts examples/clerkjs with a settings file
// per group of settings and checks what the components render under it.
func TestClerkJSSettingsGroups(t *testing.T) {
	start, ran := time.Now(), 0
	bin := buildClerkJSExample(t)
	for _, g := range settingsGroups {
		t.Run(g.name, func(t *testing.T) {
			ran++
			settings := filepath.Join(t.TempDir(), "settings.json")
			if err := os.WriteFile(settings, []byte(g.settings), 0o600); err != nil {
				t.Fatal(err)
			}
			app := runClerkJSExample(t, bin, "LOCALCLERK_SETTINGS="+settings)
			// A browser of its own: the instances differ only by port,
			// which cookies do not tell apart.
			br := newClerkJSBrowser(t, "clerkjs-settings-"+strings.ReplaceAll(g.name, "_", "-"))
			g.check(t, br, app)
			for _, u := range br.log.nonLoopback() {
				if !clerkProviderIcon.MatchString(u) {
					t.Errorf("the browser requested a non-loopback URL: %s", u)
				}
			}
			for _, m := range br.log.unexpectedConsole() {
				t.Errorf("console: %s", m)
			}
		})
	}
	t.Logf("%d settings groups took %s", ran, time.Since(start).Round(time.Second))
}
