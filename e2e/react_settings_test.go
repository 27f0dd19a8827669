package e2e

// Chromium tests of examples/react on instances configured by a settings
// file (localclerk -settings): two-step verification and usernames.

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// totpCode is the RFC 6238 code (HMAC-SHA1, 30 s, 6 digits) of a base32
// secret for time step n: what an authenticator app shows.
func totpCode(t *testing.T, secret string, n int64) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		t.Fatalf("the secret shown is not base32: %q", secret)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(n))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1_000_000)
}

// TestReactTOTPEnrolmentAndSignIn drives <UserProfile/>'s two-step
// verification section in Chromium on an instance whose settings turn TOTP
// and backup codes on: Bob adds an authenticator app (the test computes
// the code from the secret the component shows), gets backup codes, signs
// out, and signs in again through <SignIn/> with his password and then a
// TOTP code, then with a backup code; the Go API sees him each time.
func TestReactTOTPEnrolmentAndSignIn(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"second_factors":["totp","backup_code"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExample(t, "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "react-totp")
	reactSignIn(br, st, "bob@example.com", "bob-password", "user_demo_bob")
	br.run("totp-security", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userProfile-root`, chromedp.ByQuery),
		chromedp.Click(`.cl-navbarButton__security`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-menuButton__mfa`, chromedp.ByQuery))
	br.run("totp-add-app", chromedp.Click(`.cl-menuButton__mfa`, chromedp.ByQuery),
		chromedp.WaitVisible(`//*[contains(text(), "Authenticator application")]`, chromedp.BySearch),
		chromedp.Click(`//*[contains(text(), "Authenticator application")]`, chromedp.BySearch),
		chromedp.WaitVisible(`//button[contains(., "scan QR code")]`, chromedp.BySearch))
	var secret string
	br.run("totp-secret", chromedp.Click(`//button[contains(., "scan QR code")]`, chromedp.BySearch),
		chromedp.Poll(`(() => { for (const i of document.querySelectorAll('.cl-userProfile-root input')) { if (/^[A-Z2-7]{16,}$/.test(i.value)) return i.value; } return false; })()`,
			&secret, chromedp.WithPollingTimeout(20*time.Second)))
	if secret == "" {
		t.Fatal("no secret shown")
	}
	br.run("totp-verify", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	enrolStep := time.Now().Unix() / 30
	var backup string
	br.run("totp-backup-codes", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, totpCode(t, secret, enrolStep), chromedp.ByQuery),
		chromedp.WaitNotPresent(`input[autocomplete="one-time-code"]`, chromedp.ByQuery),
		waitContains(".cl-userProfile-root", "enabled"),
		chromedp.Poll(`(() => { for (const e of document.querySelectorAll('.cl-userProfile-root *')) { if (e.children.length === 0 && /^[a-z0-9]{8}$/.test(e.textContent.trim())) return e.textContent.trim(); } return false; })()`,
			&backup, chromedp.WithPollingTimeout(20*time.Second)))
	br.run("totp-enabled", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitContains(".cl-profileSection__mfa", "Authenticator application"))
	br.run("totp-signed-out", chromedp.Click(`.cl-modalCloseButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userProfile-root`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery))
	br.run("totp-second-factor", chromedp.SendKeys(`input[name="identifier"]`, "bob@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery),
		chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, "bob-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	// A step's code works once: after the enrolment's, the next step's,
	// which the instance accepts one step early.
	step := max(time.Now().Unix()/30, enrolStep+1)
	br.run("totp-signed-in", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, totpCode(t, secret, step), chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_bob"))

	// Then with one of the backup codes the enrolment showed.
	br.run("backup-signed-out", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="identifier"]`, "bob@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery),
		chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, "bob-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	br.run("backup-code-form", chromedp.Click(`//*[contains(text(), "Use another method")]`, chromedp.BySearch),
		chromedp.WaitVisible(`//*[contains(text(), "backup code")]`, chromedp.BySearch),
		chromedp.Click(`//*[contains(text(), "backup code")]`, chromedp.BySearch),
		chromedp.WaitVisible(`input[name="code"]`, chromedp.ByQuery))
	br.run("backup-code-signed-in", chromedp.SendKeys(`input[name="code"]`, backup, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_bob"))
	br.checkOffline()
}

// TestReactUsernameSignIn: with usernames on in the settings file,
// <SignIn/> asks for an e-mail address or username, and Alice signs in with
// her username.
func TestReactUsernameSignIn(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"identifiers":{"username":"on"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExample(t, "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "react-username")
	br.run("username-form", chromedp.Navigate(st.app+"/"),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		waitContains(".cl-signIn-root", "Email address or username"))
	reactSignIn(br, st, "alice", "alice-password", "user_demo_alice")
	br.checkOffline()
}
