package localclerk

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestUsernameSignInAndSignUp: with usernames on, a user signs in with
// their username and signs up with one; a taken, short or numeric one is
// refused with Clerk's codes, and PATCH /v1/me follows the same rules.
// With usernames off, the username finds nobody.
func TestUsernameSignInAndSignUp(t *testing.T) {
	off := start(t, Options{Seed: true})
	b := newBrowser(off)
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice"))
	b.wantErr(422, "form_identifier_not_found", "identifier", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups", form("username", "newbie", "password", "long-enough-1"))
	b.wantErr(422, "form_param_unknown", "username", st, m)

	s := DefaultSettings()
	s.Identifiers.Username = ModeRequired
	h := start(t, Options{Seed: true, Settings: &s})
	b = newBrowser(h)
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "ALICE", "strategy", "password", "password", "alice-password"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("username sign-in: %d %v", st, m)
	}
	if ids := resp(m)["supported_identifiers"].([]any); len(ids) != 2 || ids[1] != "username" {
		t.Errorf("supported_identifiers %v", ids)
	}
	for _, c := range []struct{ name, code string }{
		{"alice", "form_identifier_exists"}, {"ab", "form_username_invalid_length"},
		{"12345", "form_username_needs_non_number_char"}, {"bad name", "form_username_invalid_character"},
	} {
		st, m := b.call("PATCH", "/v1/me", form("username", c.name))
		if c.name == "alice" {
			if st != 200 { // her own username
				t.Errorf("PATCH her own username: %d %v", st, m)
			}
			continue
		}
		b.wantErr(422, c.code, "username", st, m)
	}
	if st, m := b.call("PATCH", "/v1/me", form("username", "alice_a")); st != 200 || resp(m)["username"] != "alice_a" {
		t.Errorf("PATCH username: %d %v", st, m)
	}
	b.call("DELETE", "/v1/client/sessions", nil)

	// Sign-up: the username is required and unique.
	nb := newBrowser(h)
	st, m = nb.call("POST", "/v1/client/sign_ups", form("email_address", "uma+clerk_test@example.com", "password", "long-enough-1"))
	if su := resp(m); st != 200 || !strings.Contains(strings.Join(anyStrings(su["missing_fields"]), ","), "username") ||
		!strings.Contains(strings.Join(anyStrings(su["required_fields"]), ","), "username") {
		t.Fatalf("sign-up without a username: %d %v", st, su)
	}
	id := resp(m)["id"].(string)
	st, m = nb.call("PATCH", "/v1/client/sign_ups/"+id, form("username", "alice_a"))
	nb.wantErr(422, "form_identifier_exists", "username", st, m)
	st, m = nb.call("PATCH", "/v1/client/sign_ups/"+id, form("username", "umar"))
	if st != 200 || resp(m)["username"] != "umar" || resp(m)["status"] != "missing_requirements" {
		t.Fatalf("username: %d %v", st, m)
	}
	st, m = nb.call("POST", "/v1/client/sign_ups/"+id+"/attempt_verification", form("strategy", "email_code", "code", "424242"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("verify: %d %v", st, m)
	}
	var u struct{ Username string }
	h.bapi("GET", "/v1/users/"+resp(m)["created_user_id"].(string), nil, &u)
	if u.Username != "umar" {
		t.Errorf("created user's username %q", u.Username)
	}
	// The Backend API keeps usernames unique with Clerk's code.
	var e struct {
		Errors []struct{ Code string }
	}
	if st := h.bapi("POST", "/v1/users", map[string]any{"username": "UMAR", "password": "long-enough-1"}, &e); st != 422 || len(e.Errors) != 1 || e.Errors[0].Code != "form_identifier_exists" {
		t.Errorf("BAPI duplicate username: %d %+v", st, e)
	}
}

// TestUsernameOnlyInstance: e-mail off, username and password required:
// sign-up completes without an address.
func TestUsernameOnlyInstance(t *testing.T) {
	s := DefaultSettings()
	s.Identifiers = IdentifierSettings{EmailAddress: ModeOff, Username: ModeRequired, PhoneNumber: ModeOff}
	s.FirstFactors = []string{"password"}
	h := start(t, Options{Settings: &s})
	env := envGet(t, h)
	if envPath(env, "user_settings", "attributes", "email_address", "enabled") != false || envPath(env, "auth_config", "identification_strategies").([]any)[0] != "username" {
		t.Errorf("environment: %v", envPath(env, "user_settings", "attributes"))
	}
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", "x@example.com"))
	b.wantErr(422, "form_param_unknown", "email_address", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups", form("username", "solo", "password", "long-enough-1"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("username-only sign-up: %d %v", st, m)
	}
	b.call("DELETE", "/v1/client/sessions", nil)
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "solo", "strategy", "password", "password", "long-enough-1"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign in: %d %v", st, m)
	}
}

// TestSignInAndSignUpFollowTheSettings: a first factor turned off is
// refused and not offered; restricted sign-up needs an invitation; the
// password rules apply to new passwords, on the Frontend API and the
// hosted pages alike.
func TestSignInAndSignUpFollowTheSettings(t *testing.T) {
	s := DefaultSettings()
	s.FirstFactors = []string{"email_code"}
	h := start(t, Options{Seed: true, Settings: &s})
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
	if st != 200 {
		t.Fatalf("sign-in: %d %v", st, m)
	}
	for _, f := range resp(m)["supported_first_factors"].([]any) {
		if f.(map[string]any)["strategy"] == "password" {
			t.Errorf("password offered while it is off: %v", resp(m))
		}
	}
	id := resp(m)["id"].(string)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	res, body := pagePost(h, "/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}})
	if res.StatusCode != 422 || !strings.Contains(body, "not enabled") {
		t.Errorf("hosted password sign-in while off: %d", res.StatusCode)
	}
	// Passwordless sign-up: no password needed.
	st, m = b.call("POST", "/v1/client/sign_ups", form("email_address", "nopw+clerk_test@example.com"))
	if st != 200 || strings.Contains(strings.Join(anyStrings(resp(m)["missing_fields"]), ","), "password") {
		t.Fatalf("passwordless sign-up: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sign_ups/"+resp(m)["id"].(string)+"/attempt_verification", form("strategy", "email_code", "code", "424242"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("passwordless sign-up verify: %d %v", st, m)
	}

	s = DefaultSettings()
	s.SignUpMode = SignUpRestricted
	s.Password = PasswordSettings{MinLength: 10, MaxLength: 72, RequireNumbers: true, RequireUppercase: true, RequireLowercase: true, RequireSpecialChar: true}
	if err := h.inst.SetSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	b = newBrowser(h)
	st, m = b.call("POST", "/v1/client/sign_ups", form("email_address", "new@example.com", "password", "Long-enough-1"))
	b.wantErr(403, "sign_up_mode_restricted", "", st, m)
	res, body = pagePost(h, "/sign-up", url.Values{"email": {"new@example.com"}, "password": {"Long-enough-1"}})
	if res.StatusCode != 422 || !strings.Contains(body, "invitation only") {
		t.Errorf("hosted sign-up while restricted: %d", res.StatusCode)
	}
	s.SignUpMode = SignUpPublic
	h.inst.SetSettings(context.Background(), s)
	for _, c := range []struct{ pw, code string }{
		{"Short-1", "form_password_length_too_short"}, {"Long-enough-x", "form_password_no_number"},
		{"long-enough-1", "form_password_no_uppercase"}, {"LONG-ENOUGH-1", "form_password_no_lowercase"},
		{"Longenough11", "form_password_no_special_char"},
	} {
		st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", "rules+clerk_test@example.com", "password", c.pw))
		b.wantErr(422, c.code, "password", st, m)
	}
	if st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", "rules+clerk_test@example.com", "password", "Long-enough-1")); st != 200 {
		t.Errorf("a password that follows the rules: %d %v", st, m)
	}
}

// TestHostedPagesRefuseTwoStepUsers: the pages ask for no second factor,
// so a user with one is sent to <SignIn/> rather than signed in with a
// password alone.
func TestHostedPagesRefuseTwoStepUsers(t *testing.T) {
	h := start(t, Options{Seed: true, Settings: mfaSettings()})
	b := newBrowser(h)
	b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	_, m := b.call("POST", "/v1/me/totp", nil)
	code, _ := TOTPCode(resp(m)["secret"].(string), h.clock.Now())
	if st, m := b.call("POST", "/v1/me/totp/attempt_verification", form("code", code)); st != 200 {
		t.Fatalf("verify: %d %v", st, m)
	}
	res, body := pagePost(h, "/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}})
	if res.StatusCode != 403 || !strings.Contains(body, "two-step verification") {
		t.Errorf("hosted password sign-in of a two-step user: %d", res.StatusCode)
	}
	if res := h.postForm("/sign-in", url.Values{"email": {"bob@example.com"}, "password": {"bob-password"}}); res.StatusCode != 303 {
		t.Errorf("Bob (no second factor) on the pages: %d", res.StatusCode)
	}
}

// pagePost posts a hosted page's form and returns the answer and its body.
func pagePost(h *harness, path string, f url.Values) (*http.Response, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.inst.FrontendAPIURL+path, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", h.inst.FrontendAPIURL)
	res, body := h.do(req)
	return res, string(body)
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
