package localclerk

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// signedInBrowser signs Alice in with her password on a new browser and
// returns it with her session id.
func signedInBrowser(t *testing.T, h *harness) (*browser, string) {
	t.Helper()
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign in: %d %v", st, m)
	}
	return b, resp(m)["created_session_id"].(string)
}

// tokenFVA is the fva claim of a fresh session token of sid.
func tokenFVA(t *testing.T, h *harness, b *browser, sid string) []any {
	t.Helper()
	st, m := b.call("POST", "/v1/client/sessions/"+sid+"/tokens", nil)
	if st != 200 {
		t.Fatalf("token: %d %v", st, m)
	}
	_, claims := h.verifyJWT(m["jwt"].(string))
	fva, _ := claims["fva"].([]any)
	return fva
}

func wantFVA(t *testing.T, got []any, first, second float64) {
	t.Helper()
	if len(got) != 2 || got[0] != first || got[1] != second {
		t.Errorf("fva %v, want [%v %v]", got, first, second)
	}
}

// TestSessionReverificationWithPassword: a reverification asks a user
// without a second factor for a first factor at every level; a wrong
// password is refused and changes nothing, the right one completes it and
// the session's fva (in the answer's token, its factor_verification_age
// and the next token) starts again from zero.
func TestSessionReverificationWithPassword(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true})
	b, sid := signedInBrowser(t, h)
	verify := "/v1/client/sessions/" + sid + "/verify"

	st, m := b.call("POST", verify+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	b.wantErr(400, "session_verification_status_invalid", "", st, m)
	checkSpec(t, facts, "POST", verify+"/attempt_first_factor", st, m)

	h.clock.Advance(15 * time.Minute)
	wantFVA(t, tokenFVA(t, h, b, sid), 15, -1)

	for _, level := range []string{"first_factor", "second_factor", "multi_factor"} {
		st, m = b.call("POST", verify, form("level", level))
		checkSpec(t, facts, "POST", verify, st, m)
		v := resp(m)
		if st != 200 || v["status"] != "needs_first_factor" || v["level"] != level || v["object"] != "session_reverification" {
			t.Fatalf("start %s: %d %v", level, st, m)
		}
		var strategies []string
		for _, f := range v["supported_first_factors"].([]any) {
			strategies = append(strategies, f.(map[string]any)["strategy"].(string))
		}
		if len(strategies) != 2 || strategies[0] != "password" || strategies[1] != "email_code" {
			t.Errorf("%s: supported_first_factors %v", level, strategies)
		}
	}
	st, m = b.call("POST", verify, form("level", "third_factor"))
	b.wantErr(422, "form_param_value_invalid", "level", st, m)
	st, m = b.call("POST", verify, nil)
	b.wantErr(422, "form_param_missing", "level", st, m)

	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "password", "password", "wrong-password"))
	b.wantErr(422, "form_password_incorrect", "password", st, m)
	checkSpec(t, facts, "POST", verify+"/attempt_first_factor", st, m)
	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "passkey"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	wantFVA(t, tokenFVA(t, h, b, sid), 15, -1)

	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	checkSpec(t, facts, "POST", verify+"/attempt_first_factor", st, m)
	v := resp(m)
	if st != 200 || v["status"] != "complete" || v["first_factor_verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("attempt: %d %v", st, m)
	}
	sess := v["session"].(map[string]any)
	if age := sess["factor_verification_age"].([]any); age[0] != float64(0) || age[1] != float64(-1) {
		t.Errorf("factor_verification_age %v", age)
	}
	_, claims := h.verifyJWT(sess["last_active_token"].(map[string]any)["jwt"].(string))
	wantFVA(t, claims["fva"].([]any), 0, -1)
	h.clock.Advance(2 * time.Minute)
	wantFVA(t, tokenFVA(t, h, b, sid), 2, -1)

	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	b.wantErr(400, "session_verification_status_invalid", "", st, m)
	st, m = b.call("POST", verify+"/prepare_second_factor", form("strategy", "totp"))
	b.wantErr(400, "session_verification_status_invalid", "", st, m)
	checkSpec(t, facts, "POST", verify+"/prepare_second_factor", st, m)

	// Another browser cannot verify Alice's session, nor can anyone an
	// ended one.
	other, _ := signedInBrowser(t, h)
	st, m = other.call("POST", verify, form("level", "first_factor"))
	b.wantErr(401, "signed_out", "", st, m)
	b.call("POST", "/v1/client/sessions/"+sid+"/end", nil)
	st, m = b.call("POST", verify, form("level", "first_factor"))
	b.wantErr(401, "signed_out", "", st, m)
	checkSpec(t, facts, "POST", verify, st, m)
}

// TestSessionReverificationWithEmailCode: the code goes to the outbox
// (for a verified address only) and completes the verification.
func TestSessionReverificationWithEmailCode(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true})
	b, sid := signedInBrowser(t, h)
	verify := "/v1/client/sessions/" + sid + "/verify"
	h.clock.Advance(30 * time.Minute)
	if st, m := b.call("POST", verify, form("level", "first_factor")); st != 200 {
		t.Fatalf("start: %d %v", st, m)
	}
	st, m := b.call("POST", verify+"/attempt_first_factor", form("strategy", "email_code", "code", "424242"))
	b.wantErr(400, "verification_not_sent", "code", st, m)
	st, m = b.call("POST", verify+"/prepare_first_factor", form("strategy", "email_code", "email_address_id", "idn_nope"))
	b.wantErr(422, "form_param_value_invalid", "email_address_id", st, m)
	st, m = b.call("POST", verify+"/prepare_first_factor", form("strategy", "phone_code"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	st, m = b.call("POST", verify+"/prepare_first_factor", form("strategy", "email_code"))
	checkSpec(t, facts, "POST", verify+"/prepare_first_factor", st, m)
	if ffv, _ := resp(m)["first_factor_verification"].(map[string]any); st != 200 || ffv["strategy"] != "email_code" || ffv["status"] != "unverified" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	msgs := outboxOf(t, h, "alice@example.com")
	if len(msgs) == 0 || msgs[0].Code == "" {
		t.Fatalf("no code in the outbox: %v", msgs)
	}
	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "email_code", "code", "000000"))
	if msgs[0].Code != "000000" {
		b.wantErr(422, "form_code_incorrect", "code", st, m)
	}
	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "email_code", "code", msgs[0].Code))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("attempt: %d %v", st, m)
	}
	wantFVA(t, tokenFVA(t, h, b, sid), 0, -1)
}

// TestSessionReverificationWithSecondFactor: with TOTP on, second_factor
// asks for the authenticator app alone (and refreshes only the second
// factor's age), multi_factor for the password and then the app; backup
// codes are spent as in a sign-in.
func TestSessionReverificationWithSecondFactor(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: mfaSettings()})
	b, sid := signedInBrowser(t, h)
	st, m := b.call("POST", "/v1/me/totp", nil)
	if st != 200 {
		t.Fatalf("create totp: %d %v", st, m)
	}
	secret := resp(m)["secret"].(string)
	code, _ := TOTPCode(secret, h.clock.Now())
	st, m = b.call("POST", "/v1/me/totp/attempt_verification", form("code", code))
	if st != 200 {
		t.Fatalf("verify totp: %d %v", st, m)
	}
	backup := resp(m)["backup_codes"].([]any)[0].(string)
	verify := "/v1/client/sessions/" + sid + "/verify"
	h.clock.Advance(20 * time.Minute)
	wantFVA(t, tokenFVA(t, h, b, sid), 20, -1)

	st, m = b.call("POST", verify, form("level", "second_factor"))
	checkSpec(t, facts, "POST", verify, st, m)
	if v := resp(m); st != 200 || v["status"] != "needs_second_factor" || len(v["supported_second_factors"].([]any)) != 2 {
		t.Fatalf("start: %d %v", st, m)
	}
	st, m = b.call("POST", verify+"/prepare_second_factor", form("strategy", "totp"))
	checkSpec(t, facts, "POST", verify+"/prepare_second_factor", st, m)
	st, m = b.call("POST", verify+"/prepare_second_factor", form("strategy", "phone_code"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	b.wantErr(400, "session_verification_status_invalid", "", st, m)
	st, m = b.call("POST", verify+"/attempt_second_factor", form("strategy", "totp", "code", "12ab56"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	checkSpec(t, facts, "POST", verify+"/attempt_second_factor", st, m)
	code, _ = TOTPCode(secret, h.clock.Now())
	st, m = b.call("POST", verify+"/attempt_second_factor", form("strategy", "totp", "code", code))
	checkSpec(t, facts, "POST", verify+"/attempt_second_factor", st, m)
	if v := resp(m); st != 200 || v["status"] != "complete" || v["second_factor_verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("attempt totp: %d %v", st, m)
	}
	wantFVA(t, tokenFVA(t, h, b, sid), 20, 0)
	// The same TOTP step cannot be used twice.
	b.call("POST", verify, form("level", "second_factor"))
	st, m = b.call("POST", verify+"/attempt_second_factor", form("strategy", "totp", "code", code))
	b.wantErr(422, "form_code_incorrect", "code", st, m)

	h.clock.Advance(5 * time.Minute)
	st, m = b.call("POST", verify, form("level", "multi_factor"))
	if st != 200 || resp(m)["status"] != "needs_first_factor" {
		t.Fatalf("start multi_factor: %d %v", st, m)
	}
	st, m = b.call("POST", verify+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	if st != 200 || resp(m)["status"] != "needs_second_factor" {
		t.Fatalf("multi_factor after the password: %d %v", st, m)
	}
	wantFVA(t, tokenFVA(t, h, b, sid), 0, 5)
	for range 2 {
		st, m = b.call("POST", verify+"/attempt_second_factor", form("strategy", "backup_code", "code", backup))
	}
	b.wantErr(400, "session_verification_status_invalid", "", st, m) // the first use completed it
	wantFVA(t, tokenFVA(t, h, b, sid), 0, 0)
	b.call("POST", verify, form("level", "second_factor"))
	st, m = b.call("POST", verify+"/attempt_second_factor", form("strategy", "backup_code", "code", backup))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
}

// FuzzReverificationForm sends arbitrary forms to the reverification
// steps of a signed-in session: the answer is always JSON, and never a
// 5xx.
func FuzzReverificationForm(f *testing.F) {
	steps := []string{"", "/prepare_first_factor", "/attempt_first_factor", "/prepare_second_factor", "/attempt_second_factor"}
	for i, s := range []string{"level=second_factor", "level=multi_factor", "strategy=email_code&email_address_id=", "strategy=password&password=x",
		"strategy=totp&code=%00", "strategy=backup_code&code=", "level=first_factor&strategy=email_code", "%zz", "strategy=phone_code"} {
		f.Add(uint8(i), s)
	}
	inst, err := Start(context.Background(), Options{Seed: true, Settings: mfaSettings(), testKey: sharedTestKey(f)})
	if err != nil {
		f.Fatal(err)
	}
	defer inst.Close()
	handler := inst.Handler()
	post := func(path, body string, cookies []*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Host = strings.TrimPrefix(inst.FrontendAPIURL, "http://")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", testAppOrigin)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec
	}
	rec := post("/v1/client/sign_ins", "identifier=alice%40example.com&strategy=password&password=alice-password", nil)
	var signIn struct {
		Response struct {
			CreatedSessionID string `json:"created_session_id"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &signIn); err != nil || signIn.Response.CreatedSessionID == "" {
		f.Fatalf("sign in: %d %s", rec.Code, rec.Body)
	}
	cookies := rec.Result().Cookies()
	verify := "/v1/client/sessions/" + signIn.Response.CreatedSessionID + "/verify"
	f.Fuzz(func(t *testing.T, step uint8, body string) {
		rec := post(verify+steps[int(step)%len(steps)], body, cookies)
		if rec.Code >= 500 {
			t.Fatalf("%d %q: %d %s", step, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%d %q: %d not JSON: %s", step, body, rec.Code, rec.Body)
		}
	})
}
