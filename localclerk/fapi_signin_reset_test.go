package localclerk

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// signInCall sends a clerk-js request on the fixture's browser and
// decodes the sign-in of the answer.
func signInCall(t *testing.T, h *harness, fx shapeFixture, path string, form url.Values) (int, *resetSignIn, string) {
	t.Helper()
	st, body := meCall(t, h, fx, "POST", path, form)
	var out struct{ Response resetSignIn }
	if st == 200 {
		mustJSON(t, []byte(body), &out)
	}
	return st, &out.Response, body
}

type resetSignIn struct {
	ID                    string `json:"id"`
	Status                string `json:"status"`
	CreatedSessionID      string `json:"created_session_id"`
	SupportedFirstFactors []struct {
		Strategy       string `json:"strategy"`
		EmailAddressID string `json:"email_address_id"`
		SafeIdentifier string `json:"safe_identifier"`
	} `json:"supported_first_factors"`
	FirstFactorVerification struct {
		Strategy string `json:"strategy"`
		Status   string `json:"status"`
	} `json:"first_factor_verification"`
}

// resetFactor is the sign-in's reset_password_email_code factor's address id.
func (si *resetSignIn) resetFactor() (id, addr string) {
	for _, f := range si.SupportedFirstFactors {
		if f.Strategy == strategyResetPasswordEmail {
			return f.EmailAddressID, f.SafeIdentifier
		}
	}
	return "", ""
}

// TestResetPasswordFlow is <SignIn/>'s "Forgot password?": the factor is
// offered, its code goes to the outbox and an email.created webhook, a
// correct code asks for a new password, and the new password completes
// the sign-in, revokes the other sessions when asked, and is the one
// that works from then on.
func TestResetPasswordFlow(t *testing.T) {
	h := start(t, Options{Seed: true})
	var events []webhookEvent
	h.inst.store.onCommit = func(evs []webhookEvent) { events = append(events, evs...) }
	other := newShapeFixture(t, h, true) // Alice signed in elsewhere
	fx := newShapeFixture(t, h, false)

	st, si, body := signInCall(t, h, fx, "/v1/client/sign_ins", url.Values{"identifier": {"alice@example.com"}})
	if st != 200 || si.Status != "needs_first_factor" {
		t.Fatalf("create: %d %s", st, body)
	}
	emailID, addr := si.resetFactor()
	if emailID == "" || addr != "alice@example.com" {
		t.Fatalf("no reset factor for alice@example.com: %s", body)
	}
	path := "/v1/client/sign_ins/" + si.ID
	if st, _, body := signInCall(t, h, fx, path+"/reset_password", url.Values{"password": {"a-brand-new-one"}}); st != 400 || !strings.Contains(body, "sign_in_no_password_reset") {
		t.Fatalf("reset before the code: %d %s", st, body)
	}
	if st, _, body := signInCall(t, h, fx, path+"/prepare_first_factor", url.Values{"strategy": {strategyResetPasswordEmail}, "email_address_id": {"idn_nope"}}); st != 422 {
		t.Fatalf("prepare for a foreign address: %d %s", st, body)
	}
	events = nil
	st, si, body = signInCall(t, h, fx, path+"/prepare_first_factor", url.Values{"strategy": {strategyResetPasswordEmail}, "email_address_id": {emailID}})
	if st != 200 || si.FirstFactorVerification.Strategy != strategyResetPasswordEmail || si.FirstFactorVerification.Status != "unverified" {
		t.Fatalf("prepare: %d %s", st, body)
	}
	msgs := outboxOf(t, h, "alice@example.com")
	if len(msgs) != 1 || len(msgs[0].Code) != 6 || msgs[0].Code == testVerificationCode {
		t.Fatalf("outbox: %+v", msgs)
	}
	code := msgs[0].Code
	var emailed string
	for _, e := range events {
		if e.Type == "email.created" {
			var d struct {
				Slug string
				To   string `json:"to_email_address"`
				Data struct {
					OTPCode string `json:"otp_code"`
				}
			}
			b, _ := json.Marshal(e.Data)
			mustJSON(t, b, &d)
			if d.Slug == "reset_password_code" && d.To == "alice@example.com" {
				emailed = d.Data.OTPCode
			}
		}
	}
	if emailed != code {
		t.Fatalf("email.created carried %q, the outbox %q: %v", emailed, code, events)
	}

	if st, _, body := signInCall(t, h, fx, path+"/attempt_first_factor", url.Values{"strategy": {strategyResetPasswordEmail}, "code": {"000000"}}); st != 422 || !strings.Contains(body, "form_code_incorrect") {
		t.Fatalf("wrong code: %d %s", st, body)
	}
	st, si, body = signInCall(t, h, fx, path+"/attempt_first_factor", url.Values{"strategy": {strategyResetPasswordEmail}, "code": {code}})
	if st != 200 || si.Status != "needs_new_password" || si.FirstFactorVerification.Status != "verified" {
		t.Fatalf("attempt: %d %s", st, body)
	}
	for _, tc := range []struct {
		form       url.Values
		status     int
		code       string
		paramInErr string
	}{
		{url.Values{}, 422, "form_param_missing", "password"},
		{url.Values{"password": {"short"}}, 422, "form_password_length_too_short", "password"},
		{url.Values{"password": {"alice-password"}}, 422, "form_new_password_matches_current", "password"},
		{url.Values{"password": {"a-brand-new-one"}, "sign_out_of_other_sessions": {"maybe"}}, 422, "form_param_format_invalid", "sign_out_of_other_sessions"},
	} {
		st, _, body := signInCall(t, h, fx, path+"/reset_password", tc.form)
		if st != tc.status || !strings.Contains(body, tc.code) || !strings.Contains(body, tc.paramInErr) {
			t.Errorf("reset with %v: %d %s, want %d %s", tc.form, st, body, tc.status, tc.code)
		}
	}
	events = nil
	st, si, body = signInCall(t, h, fx, path+"/reset_password", url.Values{"password": {"a-brand-new-one"}, "sign_out_of_other_sessions": {"true"}})
	if st != 200 || si.Status != "complete" || si.CreatedSessionID == "" {
		t.Fatalf("reset: %d %s", st, body)
	}
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	for _, want := range []string{"user.updated", "session.revoked", "session.created"} {
		if !slices.Contains(types, want) {
			t.Errorf("events %v lack %s", types, want)
		}
	}
	if st, _ := meCall(t, h, other, "GET", "/v1/me", nil); st != 401 {
		t.Errorf("the other browser's session survived: %d", st)
	}
	if st, _ := meCall(t, h, fx, "GET", "/v1/me", nil); st != 200 {
		t.Errorf("the reset did not sign this browser in: %d", st)
	}
	var ok struct{ Verified bool }
	if st := h.bapi("POST", "/v1/users/user_demo_alice/verify_password", map[string]any{"password": "a-brand-new-one"}, &ok); st != 200 || !ok.Verified {
		t.Errorf("the new password does not verify: %d", st)
	}
	if st := h.bapi("POST", "/v1/users/user_demo_alice/verify_password", map[string]any{"password": "alice-password"}, nil); st == 200 {
		t.Errorf("the old password still verifies")
	}
	if st, _, body := signInCall(t, h, fx, path+"/reset_password", url.Values{"password": {"yet-another-one"}}); st != 400 || !strings.Contains(body, "sign_in_already_completed") {
		t.Errorf("a second reset on a completed sign-in: %d %s", st, body)
	}
}

// TestResetPasswordInOneStep is the older custom flow: sign_ins with the
// reset strategy sends the code, and attempt_first_factor with the code
// and the new password completes the sign-in; the other session stays.
func TestResetPasswordInOneStep(t *testing.T) {
	h := start(t, Options{Seed: true})
	other := newShapeFixture(t, h, true)
	fx := newShapeFixture(t, h, false)
	st, si, body := signInCall(t, h, fx, "/v1/client/sign_ins", url.Values{"identifier": {"alice@example.com"}, "strategy": {strategyResetPasswordEmail}})
	if st != 200 || si.FirstFactorVerification.Strategy != strategyResetPasswordEmail {
		t.Fatalf("create: %d %s", st, body)
	}
	code := outboxOf(t, h, "alice@example.com")[0].Code
	st, si, body = signInCall(t, h, fx, "/v1/client/sign_ins/"+si.ID+"/attempt_first_factor",
		url.Values{"strategy": {strategyResetPasswordEmail}, "code": {code}, "password": {"one-step-password"}})
	if st != 200 || si.Status != "complete" {
		t.Fatalf("attempt with a password: %d %s", st, body)
	}
	if st, _ := meCall(t, h, other, "GET", "/v1/me", nil); st != 200 {
		t.Errorf("without sign_out_of_other_sessions the other session ended: %d", st)
	}
	var ok struct{ Verified bool }
	if st := h.bapi("POST", "/v1/users/user_demo_alice/verify_password", map[string]any{"password": "one-step-password"}, &ok); st != 200 || !ok.Verified {
		t.Errorf("the new password does not verify: %d", st)
	}
}

// TestResetPasswordFactorOffered: only a user with a password and a
// verified address is offered the reset, for the address they gave, and
// the environment lists the strategy.
func TestResetPasswordFactorOffered(t *testing.T) {
	h := start(t, Options{Seed: true})
	var u struct{ ID string }
	if st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"nopass@example.com"}}, &u); st != 200 {
		t.Fatalf("create user: %d", st)
	}
	fx := newShapeFixture(t, h, false)
	_, si, body := signInCall(t, h, fx, "/v1/client/sign_ins", url.Values{"identifier": {"nopass@example.com"}})
	if id, _ := si.resetFactor(); id != "" {
		t.Errorf("a user without a password is offered a reset: %s", body)
	}
	if st, _, body := signInCall(t, h, fx, "/v1/client/sign_ins/"+si.ID+"/prepare_first_factor", url.Values{"strategy": {strategyResetPasswordEmail}}); st != 422 {
		t.Errorf("prepare without a password: %d %s", st, body)
	}
	ff, _ := envPath(envGet(t, h), "auth_config", "first_factors").([]any)
	if !slices.Contains(ff, any(strategyResetPasswordEmail)) {
		t.Errorf("auth_config.first_factors %v", ff)
	}
}

// FuzzResetPassword sends arbitrary bodies to reset_password and to the
// reset code's attempt on a sign-in whose reset code was verified: the
// answer is always JSON and never a 5xx.
func FuzzResetPassword(f *testing.F) {
	for _, s := range []string{"password=a-new-password-1", "password=a-new-password-1&sign_out_of_other_sessions=true",
		"password=fuzz-password-1", "password=short", "sign_out_of_other_sessions=1", "password=", "%zz",
		"password=" + strings.Repeat("x", 80), "strategy=reset_password_email_code&code=424242&password=x"} {
		f.Add(false, s)
		f.Add(true, s)
	}
	inst, err := Start(context.Background(), Options{Seed: true, testKey: sharedTestKey(f)})
	if err != nil {
		f.Fatal(err)
	}
	defer inst.Close()
	call := func(t *testing.T, method, base, path, auth, ct, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Origin", testAppOrigin)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	form := "application/x-www-form-urlencoded"
	f.Fuzz(func(t *testing.T, attempt bool, body string) {
		addr := "fuzz-" + strings.ToLower(randString(8)) + "+clerk_test@example.com"
		if st, b := call(t, "POST", inst.BackendAPIURL, "/v1/users", inst.SecretKey, "application/json",
			`{"email_address":["`+addr+`"],"password":"fuzz-password-1"}`); st != 200 {
			t.Fatalf("create user: %d %s", st, b)
		}
		_, b := call(t, "POST", inst.FrontendAPIURL, "/v1/dev_browser", "", form, "")
		var db struct{ ID string }
		mustJSON(t, b, &db)
		q := "?__clerk_db_jwt=" + db.ID
		_, b = call(t, "POST", inst.FrontendAPIURL, "/v1/client/sign_ins"+q, "", form,
			url.Values{"identifier": {addr}, "strategy": {strategyResetPasswordEmail}}.Encode())
		var si struct{ Response struct{ ID string } }
		mustJSON(t, b, &si)
		path := "/v1/client/sign_ins/" + si.Response.ID
		if attempt {
			path += "/attempt_first_factor"
		} else {
			if st, b := call(t, "POST", inst.FrontendAPIURL, path+"/attempt_first_factor"+q, "", form,
				"strategy=reset_password_email_code&code=424242"); st != 200 {
				t.Fatalf("attempt: %d %s", st, b)
			}
			path += "/reset_password"
		}
		st, b := call(t, "POST", inst.FrontendAPIURL, path+q, "", form, body)
		if st >= 500 || !json.Valid(b) {
			t.Fatalf("%s %q: %d %s", path, body, st, b)
		}
	})
}
