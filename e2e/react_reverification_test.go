package e2e

// Chromium tests of reverification in examples/react: useReverification
// around a Go API route guarded with Has(Reverification…), against
// localclerk's /v1/client/sessions/{id}/verify…. The Go API runs with
// API_TEST_CLOCK=1, so the test ages the session past the route's
// 10-minute window by moving localclerk's and the middleware's clock.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// advanceClock moves the Go API's (and localclerk's) test clock forward by
// d and returns the offset from real time now in force.
func advanceClock(t *testing.T, st *reactStack, d time.Duration) time.Duration {
	t.Helper()
	resp, err := http.Post(st.api+"/api/test/clock?advance="+d.String(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		OffsetSeconds int64 `json:"offset_seconds"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("advance the clock: %d %v", resp.StatusCode, err)
	}
	return time.Duration(got.OffsetSeconds) * time.Second
}

// sensitiveDone clicks the sensitive action and waits for the Go API's
// success.
func sensitiveDone(userID string) chromedp.Action {
	return chromedp.Tasks{chromedp.Click(`#sensitive-action`, chromedp.ByQuery), waitText("#sensitive-result", "Done for "+userID)}
}

// TestReactReverificationRoundTrip: a fresh session runs the sensitive
// action at once; eleven minutes later the Go API answers Clerk's
// reverification error, <UserVerification/> asks for the password, and
// the call useReverification retries passes.
func TestReactReverificationRoundTrip(t *testing.T) {
	st := startReactExample(t, "API_TEST_CLOCK=1")
	br := newClerkJSBrowser(t, "react-reverification")
	reactSignIn(br, st, "alice@example.com", "alice-password", "user_demo_alice")
	br.run("reverify-fresh", sensitiveDone("user_demo_alice"))
	advanceClock(t, st, 11*time.Minute)
	br.run("reverify-asked", chromedp.Click(`#sensitive-action`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery),
		chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery))
	br.run("reverify-wrong-password", chromedp.SendKeys(`input[name="password"]`, "not-her-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitContains(".cl-modalContent", "Password is incorrect"))
	// Typing over the selected text replaces it, as a person would.
	br.run("reverify-done", chromedp.Evaluate(`document.querySelector('input[name="password"]').select()`, nil),
		chromedp.SendKeys(`input[name="password"]`, "alice-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitText("#sensitive-result", "Done for user_demo_alice"),
		chromedp.WaitNotPresent(`input[name="password"]`, chromedp.ByQuery))
	// Verified now: the next call needs no verification.
	br.run("reverify-again", sensitiveDone("user_demo_alice"))
	br.checkOffline()
}

// TestReactReverificationWithTOTP: on an instance whose settings turn TOTP
// on, Bob (who adds an authenticator app through clerk-js after signing in
// with his password) is asked for his app's code, not his password, when
// the route's second_factor window has passed.
func TestReactReverificationWithTOTP(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"second_factors":["totp","backup_code"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExample(t, "LOCALCLERK_SETTINGS="+settings, "API_TEST_CLOCK=1")
	br := newClerkJSBrowser(t, "react-reverification-totp")
	reactSignIn(br, st, "bob@example.com", "bob-password", "user_demo_bob")
	awaitPromise := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	var secret string
	br.run("totp-created", chromedp.Evaluate(`window.Clerk.user.createTOTP().then(t => t.secret)`, &secret, awaitPromise))
	enrolStep := time.Now().Unix() / 30
	var verified bool
	br.run("totp-enabled", chromedp.Evaluate(fmt.Sprintf(`window.Clerk.user.verifyTOTP({code: %q}).then(t => t.verified)`, totpCode(t, secret, enrolStep)), &verified, awaitPromise))
	if !verified {
		t.Fatal("the authenticator app was not verified")
	}
	offset := advanceClock(t, st, 11*time.Minute)
	br.run("totp-asked", chromedp.Click(`#sensitive-action`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	step := time.Now().Add(offset).Unix() / 30
	br.run("totp-done", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, totpCode(t, secret, step), chromedp.ByQuery),
		waitText("#sensitive-result", "Done for user_demo_bob"),
		chromedp.WaitNotPresent(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	br.checkOffline()
}
