package localclerk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// startSocial starts a seeded instance with Google and GitHub sign-in
// whose webhooks go to a recorder.
func startSocial(t *testing.T) (*harness, *hookRecorder) {
	t.Helper()
	rec := &hookRecorder{got: make(chan struct{}, 1000)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var e recordedEvent
		if json.Unmarshal(b, &e) == nil {
			rec.mu.Lock()
			rec.events = append(rec.events, e)
			rec.mu.Unlock()
			rec.got <- struct{}{}
		}
	}))
	t.Cleanup(srv.Close)
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("social sign-in hooks"))
	return start(t, Options{Seed: true, WebhookURL: srv.URL, WebhookSecret: secret,
		SocialProviders: []string{"google", "oauth_github"}}), rec
}

const ssoCallback = testAppOrigin + "/sso-callback?__clerk_db_jwt=dvb_x"

// visit sends a browser navigation (GET, or a POST of form) to rawURL
// and returns the status, the Location and the body.
func (b *browser) visit(method, rawURL string, form url.Values) (int, string, string) {
	b.h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, rawURL, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.h.inst.FrontendAPIURL)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.h.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 {
		b.h.t.Errorf("%s %s: %d %s", method, rawURL, resp.StatusCode, data)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(data)
}

// provider is the state of a provider page URL.
func stateOf(t *testing.T, verifyURL string) string {
	t.Helper()
	u, err := url.Parse(verifyURL)
	if err != nil || u.Query().Get("state") == "" {
		t.Fatalf("verification URL %q has no state", verifyURL)
	}
	return u.Query().Get("state")
}

// choose submits the provider page at verifyURL with form (state added)
// and returns the callback URL it redirects to.
func (b *browser) choose(verifyURL string, f url.Values) string {
	b.h.t.Helper()
	f.Set("state", stateOf(b.h.t, verifyURL))
	st, loc, body := b.visit("POST", verifyURL, f)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, b.h.inst.FrontendAPIURL+"/v1/oauth_callback?") {
		b.h.t.Fatalf("provider page: %d %q %s", st, loc, body)
	}
	return loc
}

// callback follows a callback URL and wants the redirect to the app.
func (b *browser) callback(loc string) {
	b.h.t.Helper()
	st, back, body := b.visit("GET", loc, nil)
	if st != http.StatusSeeOther || back != ssoCallback {
		b.h.t.Fatalf("callback: %d %q %s", st, back, body)
	}
}

// oauthSignIn starts a social sign-in and returns its provider page URL.
func (b *browser) oauthSignIn(strategy string) string {
	b.h.t.Helper()
	st, m := b.call("POST", "/v1/client/sign_ins", form("strategy", strategy, "redirect_url", ssoCallback,
		"action_complete_redirect_url", testAppOrigin+"/"))
	v, _ := resp(m)["first_factor_verification"].(map[string]any)
	if st != 200 || v["status"] != "unverified" || v["strategy"] != strategy || v["object"] != "verification_oauth" {
		b.h.t.Fatalf("oauth sign-in: %d %v", st, m)
	}
	u, _ := v["external_verification_redirect_url"].(string)
	if !strings.HasPrefix(u, b.h.inst.FrontendAPIURL+"/oauth/"+strings.TrimPrefix(strategy, "oauth_")+"/authorize?") {
		b.h.t.Fatalf("external_verification_redirect_url %q", u)
	}
	return u
}

// clientSignIn is the client's sign-in after a callback.
func (b *browser) clientSignIn() map[string]any {
	b.h.t.Helper()
	st, m := b.call("GET", "/v1/client", nil)
	si, _ := resp(m)["sign_in"].(map[string]any)
	if st != 200 || si == nil {
		b.h.t.Fatalf("client: %d %v", st, m)
	}
	return si
}

func ffv(si map[string]any) map[string]any {
	v, _ := si["first_factor_verification"].(map[string]any)
	return v
}

func TestOAuthNewUserByTransferThenSignInAgain(t *testing.T) {
	h, rec := startSocial(t)
	b := newBrowser(h)
	page := b.oauthSignIn("oauth_google")

	st, _, body := b.visit("GET", page, nil)
	if st != 200 || !strings.Contains(body, "Sign in with Google") || !strings.Contains(body, "alice@example.com") ||
		!strings.Contains(body, "Deny access") {
		t.Fatalf("provider page: %d %s", st, body)
	}
	b.callback(b.choose(page, form("choice", "new", "email", "carol@example.com", "first_name", "Carol",
		"last_name", "Social", "image_url", "http://127.0.0.1:9/carol.png")))

	si := b.clientSignIn()
	if ffv(si)["status"] != "transferable" || si["status"] != "needs_identifier" || ffv(si)["external_verification_redirect_url"] != nil {
		t.Fatalf("sign-in after callback: %v", si)
	}
	st, m := b.call("POST", "/v1/client/sign_ups", form("transfer", "true"))
	su := resp(m)
	if st != 200 || su["status"] != "complete" || su["created_session_id"] == nil || su["external_account_strategy"] != "oauth_google" {
		t.Fatalf("transfer sign-up: %d %v", st, m)
	}
	ev := su["verifications"].(map[string]any)["external_account"].(map[string]any)
	if ev["status"] != "verified" || ev["strategy"] != "oauth_google" {
		t.Errorf("sign-up external account verification %v", ev)
	}
	uid := su["created_user_id"].(string)
	var u map[string]any
	if h.bapi("GET", "/v1/users/"+uid, nil, &u) != 200 {
		t.Fatal("created user not found")
	}
	eas := u["external_accounts"].([]any)
	if len(eas) != 1 {
		t.Fatalf("external accounts %v", u["external_accounts"])
	}
	ea := eas[0].(map[string]any)
	if ea["object"] != "external_account" || ea["provider"] != "oauth_google" || ea["email_address"] != "carol@example.com" ||
		ea["first_name"] != "Carol" || ea["image_url"] != "http://127.0.0.1:9/carol.png" || ea["provider_user_id"] == "" ||
		ea["verification"].(map[string]any)["status"] != "verified" {
		t.Errorf("external account %v", ea)
	}
	em := u["email_addresses"].([]any)[0].(map[string]any)
	if em["email_address"] != "carol@example.com" || em["verification"].(map[string]any)["strategy"] != "from_oauth_google" {
		t.Errorf("email %v", em)
	}
	if u["first_name"] != "Carol" || u["image_url"] != "http://127.0.0.1:9/carol.png" || u["password_enabled"] != false {
		t.Errorf("user %v", u)
	}
	created := rec.wait(t, "user.created", uid)
	if n := len(created["external_accounts"].([]any)); n != 1 {
		t.Errorf("user.created carries %d external accounts", n)
	}
	rec.wait(t, "session.created", su["created_session_id"].(string))

	// Signed out, the same Google account signs the same user in.
	if st, m := b.call("DELETE", "/v1/client/sessions", nil); st != 200 {
		t.Fatalf("sign out: %d %v", st, m)
	}
	page = b.oauthSignIn("oauth_google")
	_, _, body = b.visit("GET", page, nil)
	if !strings.Contains(body, "Google accounts") || !strings.Contains(body, "Continue as Carol Social") {
		t.Fatalf("provider page lists no account: %s", body)
	}
	b.callback(b.choose(page, form("choice", "account:"+uid+":"+ea["id"].(string))))
	si = b.clientSignIn()
	if si["status"] != "complete" || ffv(si)["status"] != "verified" || si["created_session_id"] == nil {
		t.Fatalf("second sign-in: %v", si)
	}
	_, m = b.call("GET", "/v1/client", nil)
	if s := clientOf(m); s == nil || resp(m)["last_active_session_id"] != si["created_session_id"] {
		t.Fatalf("client after second sign-in: %v", m)
	}
	// Typing the same address again is the same provider account.
	b.call("DELETE", "/v1/client/sessions", nil)
	page = b.oauthSignIn("oauth_google")
	b.callback(b.choose(page, form("choice", "new", "email", "Carol@example.com")))
	if si := b.clientSignIn(); si["status"] != "complete" {
		t.Fatalf("sign-in by the same address: %v", si)
	}
	if h.bapi("GET", "/v1/users/"+uid, nil, &u) != 200 || len(u["external_accounts"].([]any)) != 1 {
		t.Errorf("a second account was added: %v", u["external_accounts"])
	}
}

func TestOAuthLinksByVerifiedEmail(t *testing.T) {
	h, rec := startSocial(t)
	b := newBrowser(h)
	page := b.oauthSignIn("oauth_github")
	b.callback(b.choose(page, form("choice", "user:user_demo_alice")))
	si := b.clientSignIn()
	if si["status"] != "complete" || ffv(si)["status"] != "verified" || ffv(si)["strategy"] != "oauth_github" {
		t.Fatalf("linked sign-in: %v", si)
	}
	var u map[string]any
	h.bapi("GET", "/v1/users/user_demo_alice", nil, &u)
	eas := u["external_accounts"].([]any)
	if len(eas) != 1 || eas[0].(map[string]any)["provider"] != "oauth_github" || eas[0].(map[string]any)["email_address"] != "alice@example.com" {
		t.Fatalf("alice's external accounts %v", eas)
	}
	if len(u["email_addresses"].([]any)) != 1 {
		t.Errorf("linking added an address: %v", u["email_addresses"])
	}
	upd := rec.wait(t, "user.updated", "user_demo_alice")
	if len(upd["external_accounts"].([]any)) != 1 {
		t.Errorf("user.updated %v", upd["external_accounts"])
	}
	// Typing Alice's address is the same: her account now.
	b.call("DELETE", "/v1/client/sessions", nil)
	page = b.oauthSignIn("oauth_google")
	b.callback(b.choose(page, form("choice", "new", "email", "alice@example.com")))
	if si := b.clientSignIn(); si["status"] != "complete" {
		t.Fatalf("sign-in linking by a typed address: %v", si)
	}
}

func TestOAuthDeny(t *testing.T) {
	h, _ := startSocial(t)
	b := newBrowser(h)
	page := b.oauthSignIn("oauth_google")
	b.callback(b.choose(page, form("choice", "deny")))
	si := b.clientSignIn()
	v := ffv(si)
	e, _ := v["error"].(map[string]any)
	if si["status"] == "complete" || v["status"] != "failed" || e["code"] != "oauth_access_denied" || e["long_message"] == "" {
		t.Fatalf("denied sign-in: %v", si)
	}
	// The components reset the sign-in with signIn.create({}).
	if st, m := b.call("POST", "/v1/client/sign_ins", url.Values{}); st != 200 || resp(m)["first_factor_verification"] != nil {
		t.Fatalf("reset: %d %v", st, m)
	}
}

func TestOAuthStateSingleUseExpiryAndMismatch(t *testing.T) {
	h, _ := startSocial(t)
	b := newBrowser(h)
	other := newBrowser(h)
	other.call("GET", "/v1/client", nil) // a client of its own

	page := b.oauthSignIn("oauth_google")
	// Another browser can neither see the page nor use the callback.
	if st, _, _ := other.visit("GET", page, nil); st != 400 {
		t.Errorf("page in another browser: %d", st)
	}
	cb := b.choose(page, form("choice", "user:user_demo_bob"))
	st, m := other.call("GET", strings.TrimPrefix(cb, h.inst.FrontendAPIURL), nil)
	other.wantErr(400, "oauth_state_invalid", "state", st, m)
	b.callback(cb) // still the first browser's
	st, m = b.call("GET", strings.TrimPrefix(cb, h.inst.FrontendAPIURL), nil)
	b.wantErr(400, "oauth_state_invalid", "state", st, m) // used once

	// A wrong code burns the state.
	b.call("DELETE", "/v1/client/sessions", nil)
	page = b.oauthSignIn("oauth_google")
	cb = b.choose(page, form("choice", "user:user_demo_bob"))
	bad := strings.Replace(cb, "code=", "code=X", 1)
	st, m = b.call("GET", strings.TrimPrefix(bad, h.inst.FrontendAPIURL), nil)
	b.wantErr(400, "oauth_code_invalid", "code", st, m)
	st, m = b.call("GET", strings.TrimPrefix(cb, h.inst.FrontendAPIURL), nil)
	b.wantErr(400, "oauth_state_invalid", "state", st, m)
	if si := b.clientSignIn(); si["status"] == "complete" {
		t.Fatalf("a burnt state signed in: %v", si)
	}

	// After ten minutes the page and the callback refuse it.
	page = b.oauthSignIn("oauth_google")
	cb = b.choose(page, form("choice", "user:user_demo_bob"))
	h.clock.Advance(oauthFlowTTL + time.Second)
	if st, _, body := b.visit("GET", page, nil); st != 400 || !strings.Contains(body, "expired") {
		t.Errorf("expired page: %d %s", st, body)
	}
	st, m = b.call("GET", strings.TrimPrefix(cb, h.inst.FrontendAPIURL), nil)
	b.wantErr(400, "verification_expired", "state", st, m)
	if v := ffv(b.clientSignIn()); v["status"] != "expired" {
		t.Errorf("verification after expiry %v", v)
	}
}

func TestOAuthSignUpStartedWithTheStrategy(t *testing.T) {
	h, _ := startSocial(t)
	b := newBrowser(h)
	start := func() string {
		t.Helper()
		st, m := b.call("POST", "/v1/client/sign_ups", form("strategy", "oauth_github", "redirect_url", ssoCallback))
		su := resp(m)
		v, _ := su["verifications"].(map[string]any)["external_account"].(map[string]any)
		if st != 200 || su["status"] != "missing_requirements" || v["status"] != "unverified" || v["external_verification_redirect_url"] == nil {
			t.Fatalf("oauth sign-up: %d %v", st, m)
		}
		return v["external_verification_redirect_url"].(string)
	}
	b.callback(b.choose(start(), form("choice", "new", "email", "dave@example.com", "first_name", "Dave")))
	_, m := b.call("GET", "/v1/client", nil)
	su := resp(m)["sign_up"].(map[string]any)
	if su["status"] != "complete" || su["created_user_id"] == nil || su["email_address"] != "dave@example.com" {
		t.Fatalf("sign-up after callback: %v", su)
	}

	// An existing user's identity: transferable, and a sign-in transfer
	// signs them in.
	b.call("DELETE", "/v1/client/sessions", nil)
	b.callback(b.choose(start(), form("choice", "user:user_demo_bob")))
	_, m = b.call("GET", "/v1/client", nil)
	v := resp(m)["sign_up"].(map[string]any)["verifications"].(map[string]any)["external_account"].(map[string]any)
	if v["status"] != "transferable" || v["error"].(map[string]any)["code"] != "external_account_exists" {
		t.Fatalf("sign-up of an existing user: %v", v)
	}
	st, m := b.call("POST", "/v1/client/sign_ins", form("transfer", "true"))
	if si := resp(m); st != 200 || si["status"] != "complete" || ffv(si)["strategy"] != "oauth_github" {
		t.Fatalf("sign-in transfer: %d %v", st, m)
	}
	var u map[string]any
	h.bapi("GET", "/v1/users/user_demo_bob", nil, &u)
	if len(u["external_accounts"].([]any)) != 1 {
		t.Errorf("bob's accounts %v", u["external_accounts"])
	}
	// Denied sign-up.
	b.call("DELETE", "/v1/client/sessions", nil)
	b.callback(b.choose(start(), form("choice", "deny")))
	_, m = b.call("GET", "/v1/client", nil)
	v = resp(m)["sign_up"].(map[string]any)["verifications"].(map[string]any)["external_account"].(map[string]any)
	if v["status"] != "failed" || v["error"].(map[string]any)["code"] != "oauth_access_denied" {
		t.Fatalf("denied sign-up: %v", v)
	}
}

func TestOAuthBadInput(t *testing.T) {
	h, _ := startSocial(t)
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ins", form("strategy", "oauth_apple", "redirect_url", ssoCallback))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "oauth_google"))
	b.wantErr(400, "form_param_missing", "redirect_url", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "oauth_google", "redirect_url", "https://evil.example/cb"))
	b.wantErr(400, "redirect_url_not_allowed", "redirect_url", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups", form("strategy", "oauth_google", "redirect_url", ssoCallback,
		"action_complete_redirect_url", "javascript:alert(1)"))
	b.wantErr(400, "form_param_value_invalid", "action_complete_redirect_url", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups", form("transfer", "true"))
	b.wantErr(422, "form_param_value_invalid", "transfer", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins", form("transfer", "true"))
	b.wantErr(422, "form_param_value_invalid", "transfer", st, m)

	// A path redirect_url is resolved against the calling page.
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "oauth_google", "redirect_url", "/sso-callback"))
	if st != 200 {
		t.Fatalf("path redirect_url: %d %v", st, m)
	}
	page := ffv(resp(m))["external_verification_redirect_url"].(string)
	f := form("choice", "new", "email", "not-an-address", "state", stateOf(t, page))
	if st, _, body := b.visit("POST", page, f); st != 422 || !strings.Contains(body, "valid email") || !strings.Contains(body, "not-an-address") {
		t.Errorf("bad email on the page: %d %s", st, body)
	}
	for _, c := range []url.Values{
		form("choice", "new", "email", "e@example.com", "image_url", "javascript:alert(1)"),
		form("choice", "new", "email", "e@example.com", "first_name", "a\nb"),
		form("choice", "account:user_demo_alice:eac_nope"),
		form("choice", "user:user_nope"),
		form("choice", "sideways"),
	} {
		c.Set("state", stateOf(t, page))
		if st, _, _ := b.visit("POST", page, c); st < 400 || st >= 500 {
			t.Errorf("page %v: %d", c, st)
		}
	}
	// Cross-site posts to the page are refused.
	req, _ := http.NewRequest("POST", page, strings.NewReader(form("choice", "deny", "state", stateOf(t, page)).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := b.client.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("cross-site post: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	for path, want := range map[string]int{
		"/oauth/apple/authorize?state=abc":     404,
		"/oauth/google/authorize":              400,
		"/oauth/google/authorize?state=a%20b":  400,
		"/oauth/google/authorize?state=nosuch": 400,
		"/oauth/google/logo.svg":               200,
		"/oauth/apple/logo.svg":                404,
	} {
		if st, _, _ := b.visit("GET", h.inst.FrontendAPIURL+path, nil); st != want {
			t.Errorf("GET %s: %d, want %d", path, st, want)
		}
	}
	for q, code := range map[string]string{
		"":                     "form_param_missing",
		"state=abc":            "oauth_code_invalid",
		"state=abc&code=a%2Fb": "oauth_code_invalid",
		"state=" + strings.Repeat("a", 101) + "&code=x": "oauth_state_invalid",
		"state=nosuch&code=x":                           "oauth_state_invalid",
		"state=nosuch&error=access_denied":              "oauth_state_invalid",
	} {
		st, m := b.call("GET", "/v1/oauth_callback?"+q, nil)
		if st != 400 {
			t.Errorf("callback %q: %d", q, st)
		}
		if e := m["errors"].([]any)[0].(map[string]any); e["code"] != code {
			t.Errorf("callback %q: %v, want %s", q, e, code)
		}
	}
	// Apple-style POST callbacks become the GET.
	if st, loc, _ := b.visit("POST", h.inst.FrontendAPIURL+"/v1/oauth_callback", form("state", "abc", "code", "x", "junk", "y")); st != 303 ||
		loc != "/v1/oauth_callback?code=x&state=abc" {
		t.Errorf("POST callback: %d %q", st, loc)
	}
	if _, err := Start(context.Background(), Options{SocialProviders: []string{"myspace"}}); err == nil || !strings.Contains(err.Error(), "SocialProviders") {
		t.Errorf("unknown provider: %v", err)
	}
}

func TestOAuthEnvironmentAdvertisesOnlyEnabledProviders(t *testing.T) {
	for _, tc := range []struct {
		settings  []string // Settings.Social
		providers []string // Options.SocialProviders
		want      string
	}{
		{nil, nil, ""},
		{nil, []string{"github", "custom_acme", "google"}, "oauth_github,oauth_custom_acme,oauth_google"},
		{[]string{"oauth_microsoft"}, []string{"google"}, "oauth_microsoft,oauth_google"},
	} {
		opts := Options{SocialProviders: tc.providers}
		if tc.settings != nil {
			s := DefaultSettings()
			s.Social = tc.settings
			opts.Settings = &s
		}
		h := start(t, opts)
		var env struct {
			AuthConfig struct {
				FirstFactors []string `json:"first_factors"`
			} `json:"auth_config"`
			UserSettings struct {
				Social map[string]socialSettingWire `json:"social"`
			} `json:"user_settings"`
		}
		resp, err := h.http.Get(h.inst.FrontendAPIURL + "/v1/environment")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		var got []string
		for _, f := range env.AuthConfig.FirstFactors {
			if strings.HasPrefix(f, "oauth_") {
				got = append(got, f)
				s := env.UserSettings.Social[f]
				if !s.Enabled || !s.Authenticatable || s.Strategy != f || s.Name == "" || s.LogoURL == nil {
					t.Errorf("social %s: %+v", f, s)
				}
			}
		}
		if strings.Join(got, ",") != tc.want || len(env.UserSettings.Social) != len(tc.settings)+len(tc.providers) {
			t.Errorf("providers %v: first factors %v, social %v", tc.providers, got, env.UserSettings.Social)
		}
	}
}

func TestMeExternalAccounts(t *testing.T) {
	h, rec := startSocial(t)
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ins", form("strategy", "password", "identifier", "alice@example.com", "password", "alice-password"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign in: %d %v", st, m)
	}
	profile := testAppOrigin + "/user"
	connect := func(strategy string) (string, string) {
		t.Helper()
		st, m := b.call("POST", "/v1/me/external_accounts", form("strategy", strategy, "redirect_url", profile))
		a := resp(m)
		v, _ := a["verification"].(map[string]any)
		if st != 200 || a["object"] != "external_account" || v["status"] != "unverified" || v["external_verification_redirect_url"] == nil {
			t.Fatalf("connect: %d %v", st, m)
		}
		return a["id"].(string), v["external_verification_redirect_url"].(string)
	}
	follow := func(cb string) {
		t.Helper()
		if st, back, body := b.visit("GET", cb, nil); st != 303 || back != profile {
			t.Fatalf("callback: %d %q %s", st, back, body)
		}
	}
	id, page := connect("oauth_github")
	follow(b.choose(page, form("choice", "new", "email", "alice.gh@example.com", "first_name", "Al")))
	_, m = b.call("GET", "/v1/me", nil)
	eas := resp(m)["external_accounts"].([]any)
	if len(eas) != 1 || eas[0].(map[string]any)["id"] != id || eas[0].(map[string]any)["verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("accounts after connect: %v", eas)
	}
	if n := len(resp(m)["email_addresses"].([]any)); n != 2 {
		t.Errorf("the account's verified address was not added: %d addresses", n)
	}
	rec.wait(t, "user.updated", "user_demo_alice")

	st, m = b.call("PATCH", "/v1/me/external_accounts/"+id+"/reauthorize", form("redirect_url", profile))
	v := resp(m)["verification"].(map[string]any)
	if st != 200 || v["status"] != "unverified" || v["external_verification_redirect_url"] == nil {
		t.Fatalf("reauthorize: %d %v", st, m)
	}
	follow(b.choose(v["external_verification_redirect_url"].(string), form("choice", "new", "email", "alice.gh@example.com", "first_name", "Alice")))
	_, m = b.call("GET", "/v1/me", nil)
	if ea := resp(m)["external_accounts"].([]any)[0].(map[string]any); ea["first_name"] != "Alice" || ea["verification"].(map[string]any)["status"] != "verified" {
		t.Errorf("after reauthorize: %v", ea)
	}

	// Bob's Google identity cannot be connected to Alice.
	bob := newBrowser(h)
	bpage := bob.oauthSignIn("oauth_google")
	bob.callback(bob.choose(bpage, form("choice", "user:user_demo_bob")))
	id2, page := connect("oauth_google")
	follow(b.choose(page, form("choice", "new", "email", "bob@example.com")))
	_, m = b.call("GET", "/v1/me", nil)
	for _, x := range resp(m)["external_accounts"].([]any) {
		if ea := x.(map[string]any); ea["id"] == id2 {
			v := ea["verification"].(map[string]any)
			if v["status"] != "failed" || v["error"].(map[string]any)["code"] != "external_account_exists" {
				t.Errorf("conflicting connect: %v", ea)
			}
		}
	}

	st, m = b.call("DELETE", "/v1/me/external_accounts/"+id, nil)
	if st != 200 || resp(m)["deleted"] != true || resp(m)["object"] != "external_account" {
		t.Fatalf("delete: %d %v", st, m)
	}
	st, m = b.call("DELETE", "/v1/me/external_accounts/"+id, nil)
	b.wantErr(404, "resource_not_found", "", st, m)
	st, m = b.call("POST", "/v1/me/external_accounts", form("strategy", "oauth_apple", "redirect_url", profile))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	st, m = b.call("POST", "/v1/me/external_accounts", form("redirect_url", profile))
	b.wantErr(422, "form_param_missing", "strategy", st, m)

	// The Backend API removes Bob's Google account; his identity is free.
	var u map[string]any
	h.bapi("GET", "/v1/users/user_demo_bob", nil, &u)
	eid := u["external_accounts"].([]any)[0].(map[string]any)["id"].(string)
	var del map[string]any
	if st := h.bapi("DELETE", "/v1/users/user_demo_bob/external_accounts/"+eid, nil, &del); st != 200 || del["deleted"] != true {
		t.Fatalf("BAPI delete: %d %v", st, del)
	}
	if st := h.bapi("DELETE", "/v1/users/user_demo_bob/external_accounts/"+eid, nil, &del); st != 404 {
		t.Errorf("BAPI delete again: %d", st)
	}
	_, page = connect("oauth_google")
	follow(b.choose(page, form("choice", "new", "email", "bob@example.com")))
	h.bapi("GET", "/v1/users/user_demo_alice", nil, &u)
	verified := 0
	for _, x := range u["external_accounts"].([]any) {
		if x.(map[string]any)["verification"].(map[string]any)["status"] == "verified" {
			verified++
		}
	}
	if verified != 1 {
		t.Errorf("alice's accounts %v", u["external_accounts"])
	}
}

func FuzzOAuthQueries(f *testing.F) {
	f.Add("state=abc&code=def", "choice=new&email=a%40b.co&image_url=http%3A%2F%2Fx%2Fy")
	f.Add("state=&error=access_denied", "email=&first_name=%00")
	f.Add("state=a%20b&code=%FF", "image_url=javascript%3Ax&email=x%40y.z")
	inst := &Instance{opts: Options{SocialProviders: []string{"google"}}}
	f.Fuzz(func(t *testing.T, rawQuery, rawForm string) {
		q, _ := url.ParseQuery(rawQuery)
		cq, aerr := parseOAuthCallbackQuery(q)
		if aerr == nil && (!isToken(cq.State, 100) || (!cq.Denied && !isToken(cq.Code, 100))) {
			t.Fatalf("accepted %q: %+v", rawQuery, cq)
		}
		if pq, aerr := inst.parseOAuthPageQuery("google", q); aerr == nil && !isToken(pq.State, 100) {
			t.Fatalf("page accepted %q", rawQuery)
		}
		fv, _ := url.ParseQuery(rawForm)
		id, ferr := parseNewIdentity("google", fv)
		if ferr == nil && (!emailRe.MatchString(id.Email) || strings.ContainsAny(id.FirstName+id.LastName, "\r\n\x00") ||
			(id.ImageURL != "" && !strings.HasPrefix(id.ImageURL, "http"))) {
			t.Fatalf("identity accepted %q: %+v", rawForm, id)
		}
	})
}
