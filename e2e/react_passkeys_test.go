package e2e

// A Chromium test of passkeys in examples/react, with the DevTools
// protocol's virtual authenticator standing in for the device's.

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// passkeyBrowserScript runs before the page's scripts.
const passkeyBrowserScript = `Object.defineProperty(Navigator.prototype, 'webdriver', {get: () => false});
if (typeof globalThis.process === 'undefined') { globalThis.process = {env: {}}; }
globalThis.process.env.CLERK_TELEMETRY_DISABLED = '1';`

// TestReactPasskeyRegisterAndSignIn: on an instance whose settings turn
// passkeys on, Bob adds a passkey from <UserProfile/>'s Security page
// (Chromium's virtual authenticator makes it; localclerk verifies the
// attestation), signs out, and signs in with it twice through <SignIn/>:
// with "Use passkey instead" and no identifier (a discoverable
// credential), and after typing his e-mail address, whose first factor is
// then the passkey. The Go API sees him each time. The app runs on
// http://localhost, a secure context whose host is a valid RP ID.
func TestReactPasskeyRegisterAndSignIn(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"first_factors":["password","email_code","passkey"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExampleAs(t, "localhost", "LOCALCLERK_SETTINGS="+settings)
	br := newClerkJSBrowser(t, "react-passkeys")
	// clerk-js offers passkeys only to a browser that is not automated
	// (navigator.webdriver false), as a person's is. That also turns its
	// telemetry on, which Clerk's CLERK_TELEMETRY_DISABLED opts out of.
	if err := chromedp.Run(br.ctx, webauthn.Enable(), chromedp.ActionFunc(func(ctx context.Context) error {
		if _, err := page.AddScriptToEvaluateOnNewDocument(passkeyBrowserScript).Do(ctx); err != nil {
			return err
		}
		_, err := webauthn.AddVirtualAuthenticator(&webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true,
			HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}).Do(ctx)
		return err
	})); err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	reactSignIn(br, st, "bob@example.com", "bob-password", "user_demo_bob")
	br.run("passkey-security", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userProfile-root`, chromedp.ByQuery),
		chromedp.Click(`.cl-navbarButton__security`, chromedp.ByQuery),
		chromedp.WaitVisible(`//button[contains(., "Add a passkey")]`, chromedp.BySearch))
	// localclerk names a passkey after the browser that made it.
	br.run("passkey-added", chromedp.Click(`//button[contains(., "Add a passkey")]`, chromedp.BySearch),
		// The new item grows into the list; wait until it is shown in full.
		chromedp.Poll(`(() => { const e = [...document.querySelectorAll('.cl-profileSectionItem__passkeys')].find(e => e.textContent.includes('Chrome on Linux'));
			return !!e && e.getBoundingClientRect().height > 30 && e.getAnimations({subtree: true}).length === 0 && e.parentElement.getAnimations({subtree: false}).length === 0; })()`,
			nil, chromedp.WithPollingTimeout(20*time.Second)))
	var bob struct {
		Passkeys []struct {
			Name         string
			Verification struct{ Status string }
		}
	}
	if bapiGet(t, st, "/v1/users/user_demo_bob", &bob); len(bob.Passkeys) != 1 || bob.Passkeys[0].Verification.Status != "verified" {
		t.Fatalf("Bob's passkeys in the Backend API: %+v", bob.Passkeys)
	}
	signOut := func(name string) {
		br.run(name, chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
			chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
			chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery))
	}
	br.run("passkey-profile-closed", chromedp.Click(`.cl-modalCloseButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userProfile-root`, chromedp.ByQuery))
	signOut("passkey-signed-out")

	// "Use passkey instead": no identifier, the credential names Bob.
	br.run("passkey-discoverable-signed-in", chromedp.WaitVisible(`//*[contains(text(), "Use passkey instead")]`, chromedp.BySearch),
		chromedp.Click(`//*[contains(text(), "Use passkey instead")]`, chromedp.BySearch),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_bob"))
	signOut("passkey-signed-out-again")

	// The identified sign-in: the passkey is Bob's first factor.
	br.run("passkey-factor-one", chromedp.SendKeys(`input[name="identifier"]`, "bob@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitContains(".cl-signIn-root", "Use your passkey"))
	br.run("passkey-identified-signed-in", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_bob"))
	br.checkOffline()
}
