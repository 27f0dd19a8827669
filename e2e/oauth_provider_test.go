package e2e

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	clerk "github.com/goclerk/clerk"
)

// localclerkProcess is a localclerk command started for one test: its
// URLs and keys, from the environment file it writes.
type localclerkProcess struct {
	fapi, bapi, secret, publishable string
}

// startLocalclerk builds and runs localclerk's command with the demo data
// in memory on a free loopback port.
func startLocalclerk(t *testing.T) *localclerkProcess {
	t.Helper()
	bin := buildProgram(t, "./localclerk/cmd/localclerk")
	envFile := filepath.Join(t.TempDir(), "localclerk.env")
	cmd := exec.Command(bin, "-addr", loopbackPort(t), "-data", "", "-seed", "-env-file", envFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); _ = cmd.Wait() })
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.HasPrefix(sc.Text(), "Press Ctrl+C") {
				close(ready)
				signalled = true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(time.Minute):
		t.Fatal("localclerk did not start")
	}
	data, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = strings.Trim(v, "'")
		}
	}
	p := &localclerkProcess{fapi: env["CLERK_FAPI_URL"], bapi: env["CLERK_API_URL"], secret: env["CLERK_SECRET_KEY"], publishable: env["CLERK_PUBLISHABLE_KEY"]}
	if p.fapi == "" || p.bapi == "" || p.secret == "" || p.publishable == "" {
		t.Fatalf("localclerk's environment file lacks a URL or key: %v", env)
	}
	return p
}

// postForm posts a form, with Basic client credentials when id is set,
// and decodes a JSON answer.
func postForm(t *testing.T, u string, form url.Values, id, secret string, out any) int {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if out != nil && len(body) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("POST %s: %d %s: %v", u, resp.StatusCode, body, err)
		}
	}
	return resp.StatusCode
}

// TestOAuthAuthorizationCodeFlow: localclerk as an OAuth provider for an
// application the test registers through the Backend API. Chromium goes to
// /oauth/authorize with PKCE, signs in on localclerk's page, consents, and
// lands on the test's redirect URI with a code; the test exchanges it for
// an access token, which a goclerk route with AcceptsToken(OAuthToken)
// accepts as the user, until the test revokes it.
func TestOAuthAuthorizationCodeFlow(t *testing.T) {
	lc := startLocalclerk(t)

	received := make(chan url.Values, 1)
	client := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		select {
		case received <- r.URL.Query():
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><title>client</title><p id="received">The client received the answer.</p>`)
	}))
	t.Cleanup(client.Close)
	redirect := client.URL + "/callback"

	// The application, registered as in the Dashboard.
	body, _ := json.Marshal(map[string]any{"name": "E2E client", "redirect_uris": []string{redirect}, "scopes": "openid profile email"})
	req, _ := http.NewRequest("POST", lc.bapi+"/v1/oauth_applications", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+lc.secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	json.NewDecoder(resp.Body).Decode(&app)
	resp.Body.Close()
	if resp.StatusCode != 200 || app.ClientID == "" || app.ClientSecret == "" {
		t.Fatalf("create OAuth application: %d %+v", resp.StatusCode, app)
	}

	// The API: goclerk accepting OAuth access tokens only.
	mw, err := clerk.Middleware(clerk.Options{SecretKey: lc.secret, PublishableKey: lc.publishable, APIURL: lc.bapi})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(mw(clerk.RequireAPIAuth(clerk.APIGuardOptions{AcceptsToken: []clerk.TokenType{clerk.TokenTypeOAuthToken}})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a := clerk.GetAuth(r, clerk.AcceptsToken(clerk.TokenTypeOAuthToken))
			json.NewEncoder(w).Encode(map[string]any{"type": a.TokenType, "user_id": a.UserID, "client_id": a.ClientID, "scopes": a.Scopes})
		}))))
	t.Cleanup(api.Close)
	callAPI := func(tok string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", api.URL+"/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out := map[string]any{}
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}

	raw := make([]byte, 32)
	rand.Read(raw)
	verifier := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {redirect},
		"scope": {"openid profile email"}, "state": {"e2e-state-" + verifier[:8]},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}

	br := newClerkJSBrowser(t, "oauth-provider")
	br.run("authorize-sends-to-sign-in", chromedp.Navigate(lc.fapi+"/oauth/authorize?"+q.Encode()),
		chromedp.WaitVisible(`#password`, chromedp.ByQuery))
	var app1, user, scopes string
	br.run("consent-page", chromedp.SendKeys(`#email`, "alice@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "alice-password", chromedp.ByQuery),
		chromedp.Click(`form[action="/sign-in"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#consent-allow`, chromedp.ByQuery),
		chromedp.Text(`#consent-app`, &app1, chromedp.ByQuery),
		chromedp.Text(`#consent-user`, &user, chromedp.ByQuery),
		chromedp.Text(`#consent-scopes`, &scopes, chromedp.ByQuery))
	if app1 != "E2E client" || !strings.Contains(user, "Alice") || !strings.Contains(scopes, "e-mail") {
		t.Errorf("consent page: app %q, user %q, scopes %q", app1, user, scopes)
	}
	br.run("client-received-code", chromedp.Click(`#consent-allow`, chromedp.ByQuery),
		chromedp.WaitVisible(`#received`, chromedp.ByQuery))
	var got url.Values
	select {
	case got = <-received:
	case <-time.After(10 * time.Second):
		t.Fatal("the redirect URI got no request")
	}
	if got.Get("state") != q.Get("state") || got.Get("code") == "" || got.Get("error") != "" {
		t.Fatalf("the client received %v", got)
	}

	var tok struct {
		AccessToken string `json:"access_token"`
		IDToken     string `json:"id_token"`
		Scope       string `json:"scope"`
		Error       string `json:"error"`
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {got.Get("code")}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
	if st := postForm(t, lc.fapi+"/oauth/token", form, app.ClientID, app.ClientSecret, &tok); st != 200 || tok.AccessToken == "" || tok.IDToken == "" {
		t.Fatalf("token exchange: %d %+v", st, tok)
	}
	var again struct{ Error string }
	if st := postForm(t, lc.fapi+"/oauth/token", form, app.ClientID, app.ClientSecret, &again); st != 400 || again.Error != "invalid_grant" {
		t.Errorf("the code a second time: %d %+v", st, again)
	}
	// Presenting a code twice revokes what it was exchanged for (RFC 6749
	// section 4.1.2), so the API refuses that token; the browser, still
	// signed in, goes through consent once more for a fresh code.
	if st, _ := callAPI(tok.AccessToken); st != http.StatusUnauthorized {
		t.Errorf("the token of a reused code: %d", st)
	}

	br.run("consent-again", chromedp.Navigate(lc.fapi+"/oauth/authorize?"+q.Encode()),
		chromedp.WaitVisible(`#consent-allow`, chromedp.ByQuery))
	br.run("client-received-second-code", chromedp.Click(`#consent-allow`, chromedp.ByQuery),
		chromedp.WaitVisible(`#received`, chromedp.ByQuery))
	select {
	case got = <-received:
	case <-time.After(10 * time.Second):
		t.Fatal("the redirect URI got no second request")
	}
	form.Set("code", got.Get("code"))
	if st := postForm(t, lc.fapi+"/oauth/token", form, app.ClientID, app.ClientSecret, &tok); st != 200 || tok.AccessToken == "" {
		t.Fatalf("second token exchange: %d %+v", st, tok)
	}
	st, who := callAPI(tok.AccessToken)
	if st != 200 || who["user_id"] != "user_demo_alice" || who["client_id"] != app.ClientID || who["type"] != string(clerk.TokenTypeOAuthToken) {
		t.Fatalf("the goclerk route answered %d %v", st, who)
	}
	var info struct {
		Active bool   `json:"active"`
		Sub    string `json:"sub"`
	}
	if st := postForm(t, lc.fapi+"/oauth/token_info", url.Values{"token": {tok.AccessToken}}, app.ClientID, app.ClientSecret, &info); st != 200 || !info.Active || info.Sub != "user_demo_alice" {
		t.Errorf("token_info: %d %+v", st, info)
	}

	if st := postForm(t, lc.fapi+"/oauth/token/revoke", url.Values{"token": {tok.AccessToken}}, app.ClientID, app.ClientSecret, nil); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if st, out := callAPI(tok.AccessToken); st != http.StatusUnauthorized {
		t.Errorf("the goclerk route after revocation: %d %v", st, out)
	}
	br.checkOffline()
}

// TestReactOAuthConsentComponent: the consent screen as clerk-js's
// <OAuthConsent/>, mounted by examples/react from @clerk/react: signed in
// through <SignIn/>, the browser opens the app's consent page with an
// authorization request's parameters; the component reads
// /v1/me/oauth/consent/{client_id} and posts "Allow" there, and the test's
// redirect URI receives a code that redeems for the signed-in user.
func TestReactOAuthConsentComponent(t *testing.T) {
	st := startReactExample(t)
	received := make(chan url.Values, 1)
	client := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case received <- r.URL.Query():
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><title>client</title><p id="received">The client received the answer.</p>`)
	}))
	t.Cleanup(client.Close)
	redirect := client.URL + "/callback"
	body, _ := json.Marshal(map[string]any{"name": "Component client", "redirect_uris": []string{redirect}, "scopes": "profile email", "public": true})
	req, _ := http.NewRequest("POST", st.env["CLERK_API_URL"]+"/v1/oauth_applications", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+st.env["CLERK_SECRET_KEY"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var app struct {
		ClientID string `json:"client_id"`
	}
	json.NewDecoder(resp.Body).Decode(&app)
	resp.Body.Close()
	if resp.StatusCode != 200 || app.ClientID == "" {
		t.Fatalf("create OAuth application: %d", resp.StatusCode)
	}

	br := newClerkJSBrowser(t, "react-oauth-consent")
	reactSignIn(br, st, "alice@example.com", "alice-password", "user_demo_alice")
	raw := make([]byte, 32)
	rand.Read(raw)
	verifier := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {redirect}, "scope": {"profile email"},
		"state": {"component-" + verifier[:8]}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	const allow = `button[name="consented"][value="true"]`
	br.run("oauth-consent-component", chromedp.Navigate(st.app+"/oauth-consent?"+q.Encode()),
		chromedp.WaitVisible(allow, chromedp.ByQuery),
		waitContains("body", "Component client"))
	br.run("client-received-code", chromedp.Click(allow, chromedp.ByQuery),
		chromedp.WaitVisible(`#received`, chromedp.ByQuery))
	var got url.Values
	select {
	case got = <-received:
	case <-time.After(10 * time.Second):
		t.Fatal("the redirect URI got no request")
	}
	if got.Get("code") == "" || got.Get("state") != q.Get("state") {
		t.Fatalf("the client received %v", got)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {got.Get("code")}, "redirect_uri": {redirect},
		"code_verifier": {verifier}, "client_id": {app.ClientID}}
	if st := postForm(t, st.fapi+"/oauth/token", form, "", "", &tok); st != 200 || tok.AccessToken == "" {
		t.Fatalf("token exchange: %d", st)
	}
	ureq, _ := http.NewRequest("GET", st.fapi+"/oauth/userinfo", nil)
	ureq.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	uresp, err := http.DefaultClient.Do(ureq)
	if err != nil {
		t.Fatal(err)
	}
	var who struct {
		Sub, Email string
	}
	json.NewDecoder(uresp.Body).Decode(&who)
	uresp.Body.Close()
	if who.Sub != "user_demo_alice" || who.Email != "alice@example.com" {
		t.Errorf("userinfo: %+v", who)
	}
	for _, m := range br.log.unexpectedConsole() {
		t.Errorf("console: %s", m)
	}
}
