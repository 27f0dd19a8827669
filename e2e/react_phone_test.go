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
