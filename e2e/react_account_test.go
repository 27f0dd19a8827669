package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The account screens of <UserProfile/> and <SignIn/>'s "Forgot
// password?", driven in Chromium through examples/react.

// clickText clicks the innermost visible element matching sel whose text
// is text, once there is one (the components render menus and cards
// asynchronously).
func clickText(sel, text string) chromedp.Action {
	js := fmt.Sprintf(`(() => { const e = [...document.querySelectorAll(%q)].filter(e => e.textContent.trim() === %q && e.offsetParent !== null).pop(); if (!e) return false; e.click(); return true; })()`, sel, text)
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(20 * time.Second)
		for {
			var ok bool
			if err := chromedp.Evaluate(js, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("no %s with text %q to click", sel, text)
			}
			if err := chromedp.Sleep(200 * time.Millisecond).Do(ctx); err != nil {
				return err
			}
		}
	})
}

// factorOnePassword waits for the password field of <SignIn/>'s
// factor-one screen. The start screen has one too, hidden and not
// focusable (for password managers), which a WaitVisible matches before
// the navigation.
func factorOnePassword() chromedp.Action {
	return chromedp.Poll(`(() => { const e = document.querySelector('input[name="password"]'); return !!e && location.hash.includes('factor-one') && e.tabIndex !== -1 && e.getBoundingClientRect().height > 0; })()`,
		nil, chromedp.WithPollingTimeout(20*time.Second))
}

// passwordsMatch waits until a password form's confirmation feedback,
// which lags the typing, no longer says the two differ.
func passwordsMatch() chromedp.Action {
	return chromedp.Poll(`!document.body.innerText.includes("Passwords don't match")`, nil, chromedp.WithPollingTimeout(10*time.Second))
}

// waitCount waits until exactly n elements match sel.
func waitCount(sel string, n int) chromedp.Action {
	return chromedp.Poll(fmt.Sprintf(`document.querySelectorAll(%q).length === %d`, sel, n),
		nil, chromedp.WithPollingTimeout(20*time.Second))
}

// waitOutboxCode waits for localclerk's outbox to hold a code for addr
// (the components send it from an effect, after the code field shows)
// and returns the newest.
func waitOutboxCode(t *testing.T, fapi, addr string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(fapi + "/outbox.json?to=" + url.QueryEscape(addr))
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Data []struct{ Code string } `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("outbox: %v", err)
		}
		if len(page.Data) > 0 && page.Data[0].Code != "" {
			return page.Data[0].Code
		}
		if time.Now().After(deadline) {
			t.Fatalf("no code in the outbox for %s", addr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// openUserProfile opens <UserProfile/> from the UserButton.
func openUserProfile(br *clerkJSBrowser, name string) {
	br.run(name, chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userProfile-root`, chromedp.ByQuery))
}

// reactSignOut signs out with the UserButton.
func reactSignOut(br *clerkJSBrowser, name string) {
	br.run(name, chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery))
}

// TestReactUserProfileAccount drives the account screens of
// <UserProfile/>: a second address is added, verified with the outbox
// code and made primary (the Go API then reads it from the Backend API);
// another browser's session is signed out in "Active devices"; the
// password is changed with the current one, signing the other devices
// out, and the new password signs in.
func TestReactUserProfileAccount(t *testing.T) {
	st := startReactExample(t)
	br := newClerkJSBrowser(t, "react-account")
	other := newClerkJSBrowser(t, "react-account-other-browser") // its own profile: its own Clerk client
	reactSignIn(br, st, "bob@example.com", "bob-password", "user_demo_bob")
	reactSignIn(other, st, "bob@example.com", "bob-password", "user_demo_bob")

	// A second address, verified and made primary.
	openUserProfile(br, "user-profile")
	addr := "bob.primary@example.com"
	br.run("add-email", chromedp.Click(`.cl-profileSectionPrimaryButton__emailAddresses`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="emailAddress"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="emailAddress"]`, addr, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	code := waitOutboxCode(t, st.fapi, addr)
	br.run("email-verified", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, code, chromedp.ByQuery),
		chromedp.WaitNotPresent(`input[autocomplete="one-time-code"]`, chromedp.ByQuery),
		waitContains(".cl-profileSection__emailAddresses", addr))
	// The new address's menu (the primary one has none to set primary).
	br.run("email-menu", chromedp.Evaluate(fmt.Sprintf(`[...document.querySelectorAll('.cl-profileSectionItem__emailAddresses')].find(e => e.textContent.includes(%q)).querySelector('button[aria-label="Open menu"]').click()`, addr), nil),
		clickText(`*`, "Set as primary"))
	br.run("email-made-primary", chromedp.Poll(fmt.Sprintf(`(() => { const e = [...document.querySelectorAll('.cl-profileSectionItem__emailAddresses')].find(e => e.textContent.includes(%q)); return !!e && e.textContent.includes('Primary'); })()`, addr),
		nil, chromedp.WithPollingTimeout(20*time.Second)))
	br.run("primary-email-in-go-api", chromedp.Click(`.cl-modalCloseButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userProfile-root`, chromedp.ByQuery),
		chromedp.Click(`#api-refresh`, chromedp.ByQuery),
		waitText("#api-email", addr))

	// "Active devices": the other browser's session is signed out.
	openUserProfile(br, "user-profile-again")
	br.run("security-page", chromedp.Click(`.cl-navbarButton__security`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-profileSection__activeDevices`, chromedp.ByQuery),
		waitCount(`.cl-activeDeviceListItem`, 2))
	br.run("device-menu", chromedp.Click(`.cl-activeDeviceListItem button[aria-label="Open menu"]`, chromedp.ByQuery),
		clickText(`*`, "Sign out of device"))
	// <UserProfile/> updates the revoked session in place but renders the
	// list again only when it changes: as a user would, leave the page
	// and come back.
	br.run("device-signed-out", chromedp.Click(`.cl-navbarButton__account`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-profileSection__emailAddresses`, chromedp.ByQuery),
		chromedp.Click(`.cl-navbarButton__security`, chromedp.ByQuery),
		waitCount(`.cl-activeDeviceListItem`, 1))
	other.run("other-browser-signed-out", chromedp.Reload(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userButtonTrigger`, chromedp.ByQuery))

	// The password, changed with the current one, signing the other
	// devices out (the form's default).
	reactSignIn(other, st, "bob@example.com", "bob-password", "user_demo_bob")
	br.run("password-form", chromedp.Click(`.cl-profileSectionPrimaryButton__password`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="currentPassword"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="currentPassword"]`, "bob-password", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="newPassword"]`, "bob-new-password-1", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="confirmPassword"]`, "bob-new-password-1", chromedp.ByQuery),
		passwordsMatch(),
		chromedp.Poll(`document.querySelector('input[name="signOutOfOtherSessions"]').checked`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.WaitEnabled(`.cl-formButtonPrimary`, chromedp.ByQuery))
	br.run("password-changed", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`input[name="currentPassword"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-profileSectionPrimaryButton__password`, chromedp.ByQuery))
	other.run("other-browser-signed-out-by-password-change", chromedp.Reload(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userButtonTrigger`, chromedp.ByQuery))
	br.run("back-in-the-app", chromedp.Click(`.cl-modalCloseButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userProfile-root`, chromedp.ByQuery))
	reactSignOut(br, "signed-out")
	// The sign-in takes the new primary address as well as the old one.
	reactSignIn(br, st, addr, "bob-new-password-1", "user_demo_bob")
	br.checkOffline()
	other.checkOffline()
}

// TestReactForgotPassword drives "Forgot password?" in <SignIn/>: the
// reset code from localclerk's outbox, a new password, signed in; then
// the new password signs in and the old one no longer does.
func TestReactForgotPassword(t *testing.T) {
	st := startReactExample(t)
	br := newClerkJSBrowser(t, "react-reset-password")
	br.run("sign-in-identifier", chromedp.Navigate(st.app+"/"),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="identifier"]`, "alice@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		factorOnePassword())
	br.run("forgot-password", clickText(`*`, "Forgot password?"),
		chromedp.WaitVisible(`.cl-alternativeMethodsBlockButton`, chromedp.ByQuery))
	br.run("reset-code-sent", clickText(`*`, "Reset your password"),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	code := waitOutboxCode(t, st.fapi, "alice@example.com")
	br.run("reset-code-entered", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, code, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="confirmPassword"]`, chromedp.ByQuery))
	br.run("new-password", chromedp.SendKeys(`input[name="password"]`, "alice-new-password-1", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="confirmPassword"]`, "alice-new-password-1", chromedp.ByQuery),
		passwordsMatch(), chromedp.WaitEnabled(`.cl-formButtonPrimary`, chromedp.ByQuery))
	br.run("signed-in-after-reset", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_alice"))
	reactSignOut(br, "signed-out")
	br.run("old-password-refused", chromedp.SendKeys(`input[name="identifier"]`, "alice@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		factorOnePassword(),
		chromedp.SendKeys(`input[name="password"]`, "alice-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#error-password, .cl-formFieldErrorText__password`, chromedp.ByQuery),
		waitContains("form", "Password is incorrect"))
	reactSignIn(br, st, "alice@example.com", "alice-new-password-1", "user_demo_alice")
	br.checkOffline()
}
