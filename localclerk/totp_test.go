package localclerk

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// RFC 6238 appendix B's SHA-1 vectors, the last 6 of their 8 digits.
func TestTOTPMatchesRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	secret := totpEncoding.EncodeToString(key)
	for _, v := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		if got := totpAt(key, v.unix/totpStep); got != v.want {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.want)
		}
		if got, err := TOTPCode(secret, time.Unix(v.unix, 0)); err != nil || got != v.want {
			t.Errorf("TOTPCode T=%d: %s %v", v.unix, got, err)
		}
	}
	now := time.Unix(1111111111, 0)
	s := &totpSecret{Secret: secret}
	step := totpStep * time.Second
	for _, c := range []struct {
		name       string
		codeAt, at time.Time
		ok         bool
	}{
		{"two steps early", now.Add(-2 * step), now, false},
		{"one step early", now.Add(-step), now, true},
		{"now", now, now, true},
		{"the same step again (replay)", now, now, false},
		{"an earlier step after a later one", now.Add(-step), now, false},
		{"one step ahead", now.Add(step), now, true},
		{"far ahead", now.Add(4 * step), now, false},
		{"the next step, later", now.Add(2 * step), now.Add(2 * step), true},
	} {
		if got := s.verify(totpAt(key, c.codeAt.Unix()/totpStep), c.at); got != c.ok {
			t.Errorf("%s: verify = %v, want %v", c.name, got, c.ok)
		}
	}
	if (&totpSecret{Secret: "not base32!"}).verify("123456", now) {
		t.Errorf("a broken secret verified")
	}
	if _, err := TOTPCode("!!", now); err == nil {
		t.Errorf("TOTPCode accepted a broken secret")
	}
	uri := totpURI("localclerk", "a@b.example", "ABC")
	if u, err := url.Parse(uri); err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != "ABC" ||
		u.Query().Get("digits") != "6" || u.Query().Get("period") != "30" || !strings.HasPrefix(u.Path, "/localclerk:") {
		t.Errorf("uri %s", uri)
	}
}

func TestBackupCodesAreSingleUse(t *testing.T) {
	codes, hashes := newBackupCodes()
	if len(codes) != backupCodeCount || len(hashes) != backupCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	rest, ok := useBackupCode(hashes, strings.ToUpper(codes[3]))
	if !ok || len(rest) != backupCodeCount-1 {
		t.Fatalf("use: %v %d", ok, len(rest))
	}
	if _, ok := useBackupCode(rest, codes[3]); ok {
		t.Errorf("a spent code worked again")
	}
	if _, ok := useBackupCode(rest, "nope"); ok {
		t.Errorf("a made-up code worked")
	}
	if len(hashes) != backupCodeCount {
		t.Errorf("useBackupCode changed its input")
	}
}

// checkSpec checks a Frontend API answer against the specification.
func checkSpec(t *testing.T, facts *specshape.Facts, method, path string, status int, m map[string]any) {
	t.Helper()
	body, _ := json.Marshal(m)
	if err := facts.Check(method, path, status, body); err != nil {
		t.Errorf("%s %s: %v\nbody: %s", method, path, err, body)
	}
}

// TestTOTPEnrolmentAndSignIn: Alice adds an authenticator app from her
// profile, gets backup codes, and then signs in with her password and a
// TOTP code, then with a backup code; the session token's fva shows the
// second factor. Every answer is checked against the specification.
func TestTOTPEnrolmentAndSignIn(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: mfaSettings()})
	b := newBrowser(h)
	signIn := func() string {
		t.Helper()
		st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
		if st != 200 {
			t.Fatalf("sign in: %d %v", st, m)
		}
		return resp(m)["id"].(string)
	}
	if id := signIn(); id == "" {
		t.Fatal("no sign-in")
	}
	st, m := b.call("POST", "/v1/me/totp/attempt_verification", form("code", "123456"))
	b.wantErr(404, "resource_not_found", "", st, m)
	st, m = b.call("POST", "/v1/me/backup_codes", nil)
	b.wantErr(400, "second_factor_required", "", st, m)

	st, m = b.call("POST", "/v1/me/totp", nil)
	checkSpec(t, facts, "POST", "/v1/me/totp", st, m)
	totp := resp(m)
	secret, _ := totp["secret"].(string)
	if st != 200 || secret == "" || !strings.Contains(totp["uri"].(string), "secret="+secret) || totp["verified"] != false {
		t.Fatalf("create totp: %d %v", st, m)
	}
	code, _ := TOTPCode(secret, h.clock.Now())
	st, m = b.call("POST", "/v1/me/totp/attempt_verification", form("code", "000000"))
	if code != "000000" {
		b.wantErr(422, "form_code_incorrect", "code", st, m)
	}
	st, m = b.call("POST", "/v1/me/totp/attempt_verification", form("code", "12ab56"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	st, m = b.call("POST", "/v1/me/totp/attempt_verification", form("code", code))
	checkSpec(t, facts, "POST", "/v1/me/totp/attempt_verification", st, m)
	codes, _ := resp(m)["backup_codes"].([]any)
	if st != 200 || resp(m)["verified"] != true || len(codes) != backupCodeCount || resp(m)["secret"] != nil {
		t.Fatalf("verify totp: %d %v", st, m)
	}
	st, m = b.call("GET", "/v1/me", nil)
	if u := resp(m); st != 200 || u["totp_enabled"] != true || u["backup_code_enabled"] != true || u["two_factor_enabled"] != true || u["mfa_enabled_at"] == nil {
		t.Fatalf("me: %d %v", st, u)
	}
	st, m = b.call("POST", "/v1/me/totp", nil)
	b.wantErr(400, "totp_already_enabled", "", st, m)

	// A new sign-in needs the second factor.
	b.call("DELETE", "/v1/client/sessions", nil)
	h.clock.Advance(time.Minute)
	id := signIn()
	st, m = b.call("GET", "/v1/client/sign_ins/"+id, nil)
	si := resp(m)
	if st != 200 || si["status"] != "needs_second_factor" || si["created_session_id"] != nil || len(clientOf(m)["sessions"].([]any)) != 0 {
		t.Fatalf("sign-in after the password: %v", si)
	}
	var second []string
	for _, f := range si["supported_second_factors"].([]any) {
		second = append(second, f.(map[string]any)["strategy"].(string))
	}
	if strings.Join(second, ",") != "totp,backup_code" {
		t.Errorf("supported_second_factors %v", second)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/prepare_second_factor", form("strategy", "totp"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+id+"/prepare_second_factor", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_second_factor", form("strategy", "totp", "code", code))
	b.wantErr(422, "form_code_incorrect", "code", st, m) // a minute later, that code is two steps old
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_second_factor", form("strategy", "phone_code", "code", "424242"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	code, _ = TOTPCode(secret, h.clock.Now())
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_second_factor", form("strategy", "totp", "code", code))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+id+"/attempt_second_factor", st, m)
	if st != 200 || resp(m)["status"] != "complete" || resp(m)["second_factor_verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("attempt totp: %d %v", st, m)
	}
	sid := resp(m)["created_session_id"].(string)
	h.clock.Advance(3 * time.Minute)
	st, m = b.call("POST", "/v1/client/sessions/"+sid+"/tokens", nil)
	if st != 200 {
		t.Fatalf("token: %d %v", st, m)
	}
	_, claims := h.verifyJWT(m["jwt"].(string))
	if fva, _ := claims["fva"].([]any); len(fva) != 2 || fva[0] != float64(3) || fva[1] != float64(3) {
		t.Errorf("fva %v, want [3 3]", claims["fva"])
	}

	// A backup code, once.
	b.call("DELETE", "/v1/client/sessions", nil)
	id = signIn()
	backup := codes[0].(string)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_second_factor", form("strategy", "backup_code", "code", backup))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("backup code: %d %v", st, m)
	}
	b.call("DELETE", "/v1/client/sessions", nil)
	id = signIn()
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_second_factor", form("strategy", "backup_code", "code", backup))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	code, _ = TOTPCode(secret, h.clock.Now().Add(totpStep*time.Second))
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_second_factor", form("strategy", "totp", "code", code))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("totp: %d %v", st, m)
	}

	// New backup codes replace the old; removing the app turns 2FA off.
	st, m = b.call("POST", "/v1/me/backup_codes", nil)
	checkSpec(t, facts, "POST", "/v1/me/backup_codes", st, m)
	if fresh, _ := resp(m)["codes"].([]any); st != 200 || len(fresh) != backupCodeCount || fresh[0] == codes[1] {
		t.Fatalf("backup codes: %d %v", st, m)
	}
	st, m = b.call("DELETE", "/v1/me/totp", nil)
	checkSpec(t, facts, "DELETE", "/v1/me/totp", st, m)
	if st != 200 || resp(m)["deleted"] != true {
		t.Fatalf("delete totp: %d %v", st, m)
	}
	if _, m := b.call("GET", "/v1/me", nil); resp(m)["two_factor_enabled"] != false || resp(m)["mfa_disabled_at"] == nil {
		t.Errorf("me after removing the app: %v", resp(m))
	}
	b.call("DELETE", "/v1/client/sessions", nil)
	st, m = b.call("GET", "/v1/client/sign_ins/"+signIn(), nil)
	if st != 200 || resp(m)["status"] != "complete" {
		t.Errorf("a user without a second factor still needs one: %v", resp(m))
	}
	if st, m := b.call("DELETE", "/v1/me/totp", nil); st != 404 {
		t.Errorf("delete a missing app: %d %v", st, m)
	}
}

// TestSecondFactorFollowsTheSettings: with TOTP off, /v1/me/totp is
// refused and a user who enrolled earlier signs in with one factor.
func TestSecondFactorFollowsTheSettings(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	st, m := b.call("POST", "/v1/me/totp", nil)
	b.wantErr(403, "feature_not_enabled", "", st, m)
	st, m = b.call("POST", "/v1/me/backup_codes", nil)
	b.wantErr(403, "feature_not_enabled", "", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/sia_nope/attempt_second_factor", form("strategy", "totp", "code", "123456"))
	b.wantErr(404, "resource_not_found", "", st, m)
}

func FuzzParseOTP(f *testing.F) {
	for _, s := range []string{"123456", " 123 456 ", "", "12345", "1234567", "12a456", "١٢٣٤٥٦"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		code, err := parseOTP(in)
		if err != nil {
			if _, ok := err.(*apiError); !ok {
				t.Fatalf("error %T is not an API error", err)
			}
			return
		}
		if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("parseOTP(%q) = %q", in, code)
		}
	})
}

// TestBackendAPIVerifiesTOTP: VerifyTOTP accepts the user's TOTP code and
// spends a backup code, refuses a wrong one; DeleteTOTP turns two-step
// verification off.
func TestBackendAPIVerifiesTOTP(t *testing.T) {
	facts, err := specshape.BAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: mfaSettings()})
	b := newBrowser(h)
	b.call("POST", "/v1/client/sign_ins", form("identifier", "bob@example.com", "strategy", "password", "password", "bob-password"))
	_, m := b.call("POST", "/v1/me/totp", nil)
	secret := resp(m)["secret"].(string)
	code, _ := TOTPCode(secret, h.clock.Now())
	_, m = b.call("POST", "/v1/me/totp/attempt_verification", form("code", code))
	backup := resp(m)["backup_codes"].([]any)[0].(string)

	verify := func(code string) (int, map[string]any) {
		t.Helper()
		var out map[string]any
		st := h.bapi("POST", "/v1/users/user_demo_bob/verify_totp", map[string]any{"code": code}, &out)
		body, _ := json.Marshal(out)
		if err := facts.Check("POST", "/v1/users/user_demo_bob/verify_totp", st, body); err != nil {
			t.Errorf("verify_totp %d: %v", st, err)
		}
		return st, out
	}
	if st, out := verify(code); st != 422 {
		t.Errorf("the enrolment's code again: %d %v", st, out)
	}
	h.clock.Advance(totpStep * time.Second)
	next, _ := TOTPCode(secret, h.clock.Now())
	if st, out := verify(next); st != 200 || out["verified"] != true || out["code_type"] != "totp" {
		t.Errorf("totp: %d %v", st, out)
	}
	if st, out := verify(backup); st != 200 || out["code_type"] != "backup_code" {
		t.Errorf("backup code: %d %v", st, out)
	}
	if st, out := verify(backup); st != 422 {
		t.Errorf("a spent backup code: %d %v", st, out)
	}
	var u struct {
		TwoFactorEnabled  bool `json:"two_factor_enabled"`
		BackupCodeEnabled bool `json:"backup_code_enabled"`
	}
	if st := h.bapi("DELETE", "/v1/users/user_demo_bob/backup_code", nil, nil); st != 200 {
		t.Fatalf("delete backup codes: %d", st)
	}
	h.bapi("GET", "/v1/users/user_demo_bob", nil, &u)
	if !u.TwoFactorEnabled || u.BackupCodeEnabled {
		t.Errorf("after deleting the backup codes: %+v", u)
	}
	if st := h.bapi("DELETE", "/v1/users/user_demo_bob/totp", nil, nil); st != 200 {
		t.Fatalf("delete totp: %d", st)
	}
	h.bapi("GET", "/v1/users/user_demo_bob", nil, &u)
	if u.TwoFactorEnabled {
		t.Errorf("after deleting the TOTP: %+v", u)
	}
}
