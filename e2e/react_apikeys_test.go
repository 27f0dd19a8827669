package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// apiKeyCaller asks examples/react's GET /api/key, which accepts API keys
// only (AcceptsToken(TokenTypeAPIKey)), with secret as Bearer token.
func apiKeyCaller(t *testing.T, api, secret string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", api+"/api/key", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Subject string `json:"subject"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.Subject
}

// createUser creates a user with a password through the Backend API of
// examples/react's localclerk and returns its id.
func createUser(t *testing.T, st *reactStack, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"email_address": []string{email}, "password": password})
	req, err := http.NewRequest("POST", st.env["CLERK_API_URL"]+"/v1/users", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+st.env["CLERK_SECRET_KEY"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var u struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil || resp.StatusCode != http.StatusOK || u.ID == "" {
		t.Fatalf("create user %s: %d %v", email, resp.StatusCode, err)
	}
	return u.ID
}

// TestReactAPIKeys drives @clerk/react's <APIKeys/> on examples/react's
// /api-keys page: the key created there, its secret read from the
// component's copy dialog, is accepted by the Go API's API-key route with
// the user as subject; revoked in the component, it is refused.
func TestReactAPIKeys(t *testing.T) {
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte(`{"api_keys":{"user":true}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startReactExample(t, "LOCALCLERK_SETTINGS="+settings)
	// A user of no organization: with an active organization <APIKeys/>
	// manages the organization's keys instead.
	userID := createUser(t, st, "dana+clerk_test@example.com", "dana-password-1")
	br := newClerkJSBrowser(t, "react-apikeys")
	reactSignIn(br, st, "dana+clerk_test@example.com", "dana-password-1", userID)

	br.run("apikeys-page", chromedp.Navigate(st.app+"/api-keys"),
		chromedp.WaitVisible(`.cl-apiKeysAddButton`, chromedp.ByQuery))
	var secret string
	br.run("apikeys-create", chromedp.Click(`.cl-apiKeysAddButton`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-apiKeysCreateForm input[name="name"]`, chromedp.ByQuery),
		chromedp.SendKeys(`.cl-apiKeysCreateForm input[name="name"]`, "e2e key", chromedp.ByQuery),
		chromedp.Click(`.cl-apiKeysCreateFormSubmitButton`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-apiKeysCopyModal`, chromedp.ByQuery),
		chromedp.Poll(`(() => { const i = document.querySelector('.cl-apiKeysCopyModal input'); return i && i.value.startsWith('ak_') ? i.value : false; })()`,
			&secret, chromedp.WithPollingTimeout(20*time.Second)))
	if code, subject := apiKeyCaller(t, st.api, secret); code != http.StatusOK || subject != userID {
		t.Fatalf("the Go API on the new key: %d, subject %q", code, subject)
	}
	// "Copy and close" writes the clipboard, which a headless browser may
	// refuse; the dialog closes either way.
	br.run("apikeys-created", chromedp.Click(`.cl-apiKeysCopyModalSubmitButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-apiKeysCopyModal`, chromedp.ByQuery),
		waitContains(".cl-apiKeysTable", "e2e key"))

	// Revoke it from its row's menu, confirming as the dialog asks.
	br.run("apikeys-revoke", chromedp.Evaluate(`(() => {
			for (const row of document.querySelectorAll('.cl-apiKeysTable tr')) {
				if (row.textContent.includes('e2e key')) { row.querySelector('button[aria-label="Open menu"]').click(); return true; }
			}
			return false;
		})()`, nil),
		chromedp.WaitVisible(`.cl-menuItem`, chromedp.ByQuery),
		chromedp.Click(`.cl-menuItem`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-apiKeysRevokeModal input`, chromedp.ByQuery),
		chromedp.SendKeys(`.cl-apiKeysRevokeModal input`, "Revoke", chromedp.ByQuery))
	br.run("apikeys-revoked", chromedp.Click(`.cl-apiKeysRevokeModalSubmitButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-apiKeysRevokeModal`, chromedp.ByQuery),
		chromedp.Poll(`!document.querySelector('.cl-apiKeysTable').textContent.includes('e2e key')`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
	if code, _ := apiKeyCaller(t, st.api, secret); code != http.StatusUnauthorized {
		t.Fatalf("the Go API on the revoked key: %d", code)
	}
	br.checkOffline()
}
