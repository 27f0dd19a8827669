package e2e

// Chromium test of phone numbers on examples/react: a settings file makes
// the phone number the only identifier, signed in with SMS codes.

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestReactPhoneSignUp signs up through @clerk/react's <SignUp/> with one
// of Clerk's test numbers and its code 424242 (nothing is sent), sees the
// Go API answer for the new user, whom the Backend API holds with the
// number verified; then signs out and signs in through <SignIn/> with the
// number and an SMS code.
func TestReactPhoneSignUp(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"identifiers":{"email_address":"off","phone_number":"required"},"first_factors":["phone_code"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExample(t, "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "react-phone")
	const number = "+12015550123" // +1 (201) 555-0123, a Clerk test number
	br.run("phone-sign-up-form", chromedp.Navigate(st.app+"/sign-up"),
		chromedp.WaitVisible(`input[name="phoneNumber"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="phoneNumber"]`, "2015550123", chromedp.ByQuery))
	br.run("phone-sign-up-code", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery),
		waitContains(".cl-signUp-root", "(201) 555-0123"))
	var userID string
	br.run("phone-signed-up", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, "424242", chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.Poll(`(() => { const e = document.querySelector('#api-user-id'); return !!e && e.textContent.startsWith('user_') && e.textContent; })()`, &userID,
			chromedp.WithPollingTimeout(20*time.Second)))
	var u struct {
		ID           string `json:"id"`
		PhoneNumbers []struct {
			PhoneNumber  string `json:"phone_number"`
			Verification struct {
				Status string `json:"status"`
			} `json:"verification"`
		} `json:"phone_numbers"`
		EmailAddresses []any `json:"email_addresses"`
	}
	bapiGet(t, st, "/v1/users/"+userID, &u)
	if u.ID != userID || len(u.PhoneNumbers) != 1 || u.PhoneNumbers[0].PhoneNumber != number ||
		u.PhoneNumbers[0].Verification.Status != "verified" || len(u.EmailAddresses) != 0 {
		t.Fatalf("the Backend API's user %s: %+v", userID, u)
	}

	br.run("phone-signed-out", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		// Signing out goes to the after-sign-out URL, /, and its <SignIn/>.
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="identifier"]`, "2015550123", chromedp.ByQuery))
	br.run("phone-sign-in-code", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	br.run("phone-signed-in", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, "424242", chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", userID))
	br.checkOffline()
}

// TestReactPhoneSecondFactor drives <UserProfile/> with phone numbers and
// SMS second factors on: Bob adds a test number (code 424242), turns on
// two-step verification by SMS code with it, gets backup codes, signs out
// and signs in again through <SignIn/> with his password and an SMS code.
func TestReactPhoneSecondFactor(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"identifiers":{"phone_number":"on"},"second_factors":["phone_code","backup_code"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExample(t, "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "react-phone-mfa")
	reactSignIn(br, st, "bob@example.com", "bob-password", "user_demo_bob")
	br.run("phone-profile", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-profileSectionPrimaryButton__phoneNumbers`, chromedp.ByQuery))
	br.run("phone-add", chromedp.Click(`.cl-profileSectionPrimaryButton__phoneNumbers`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="phoneNumber"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="phoneNumber"]`, "2015550187", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	br.run("phone-verified", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, "424242", chromedp.ByQuery),
		chromedp.WaitNotPresent(`input[autocomplete="one-time-code"]`, chromedp.ByQuery),
		waitContains(".cl-profileSection__phoneNumbers", "555-0187"))
	br.run("phone-mfa-menu", chromedp.Click(`.cl-navbarButton__security`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-menuButton__mfa`, chromedp.ByQuery),
		chromedp.Click(`.cl-menuButton__mfa`, chromedp.ByQuery),
		chromedp.WaitVisible(`//*[contains(text(), "SMS code")]`, chromedp.BySearch),
		chromedp.Click(`//*[contains(text(), "SMS code")]`, chromedp.BySearch),
		chromedp.WaitVisible(`//button[contains(., "555-0187")]`, chromedp.BySearch))
	br.run("phone-mfa-backup-codes", chromedp.Click(`//button[contains(., "555-0187")]`, chromedp.BySearch),
		waitContains(".cl-userProfile-root", "backup"))
	br.run("phone-mfa-enabled", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitContains(".cl-profileSection__mfa", "SMS code"))
	br.run("phone-mfa-signed-out", chromedp.Click(`.cl-modalCloseButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userProfile-root`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery))
	br.run("phone-second-factor", chromedp.SendKeys(`input[name="identifier"]`, "bob@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		factorOnePassword(),
		chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, "bob-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	br.run("phone-second-factor-signed-in", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, "424242", chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_bob"))
	br.checkOffline()
}
