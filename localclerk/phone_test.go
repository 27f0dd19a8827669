package localclerk

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// phoneSettings turns phone numbers on: optional beside the e-mail
// address, SMS codes as a first and a second factor, backup codes.
func phoneSettings() *Settings {
	s := DefaultSettings()
	s.Identifiers.PhoneNumber = ModeOn
	s.FirstFactors = []string{"email_code", "password", "phone_code"}
	s.SecondFactors = []string{"phone_code", "backup_code"}
	return &s
}

// addAlicePhone gives Alice another, unverified, number through the
// Backend API and returns its id.
func addAlicePhone(t *testing.T, h *harness) string {
	t.Helper()
	var p struct{ ID string }
	number := fmt.Sprintf("+4420%08d", uniqueSeq.Add(1))
	if st := h.bapi("POST", "/v1/phone_numbers", map[string]any{"user_id": "user_demo_alice", "phone_number": number}, &p); st != 200 || p.ID == "" {
		t.Fatalf("add a number: %d", st)
	}
	return p.ID
}

func TestParsePhoneNumber(t *testing.T) {
	for raw, want := range map[string]string{
		"+12015550123":        "+12015550123",
		"+1 (201) 555-0123":   "+12015550123",
		" +1 201.555.0123 ":   "+12015550123",
		"+44 20 7946 0958":    "+442079460958",
		"+49 30 901820":       "+4930901820",
		"2015550123":          "", // no country code
		"+1 201 555 012":      "", // too short for +1
		"+0 201 555 0123":     "", // no country code starts with 0
		"+1 201 555 0123 x12": "",
		"++12015550123":       "",
		"+1234567890123456":   "", // 16 digits
		"+12015550123\x00":    "",
	} {
		got, ok := parsePhoneNumber(raw)
		if ok != (want != "") || got != want {
			t.Errorf("parsePhoneNumber(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	}
	for n, want := range map[string]bool{"+12015550100": true, "+19995550199": true, "+12015550200": false,
		"+12015550099": false, "+442015550100": false, "+1201555010a": false} {
		if isTestPhone(n) != want {
			t.Errorf("isTestPhone(%q) = %v", n, !want)
		}
	}
}

// TestMePhoneNumbers: UserProfile's phone numbers, from adding one to
// verifying it (a test number by 424242, another by the code in the
// outbox) and using it for two-step verification, then the sign-ins that
// use it: SMS code as a second factor, and as the first.
func TestMePhoneNumbers(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: phoneSettings()})
	b := newBrowser(h)
	signIn := func(f url.Values) map[string]any {
		t.Helper()
		st, m := b.call("POST", "/v1/client/sign_ins", f)
		if st != 200 {
			t.Fatalf("sign in: %d %v", st, m)
		}
		return resp(m)
	}
	signIn(form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))

	st, m := b.call("POST", "/v1/me/phone_numbers", form("phone_number", "+1 (201) 555-0123"))
	checkSpec(t, facts, "POST", "/v1/me/phone_numbers", st, m)
	p := resp(m)
	id, _ := p["id"].(string)
	if st != 200 || p["phone_number"] != "+12015550123" || p["verification"].(map[string]any)["status"] != "unverified" {
		t.Fatalf("add: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/me/phone_numbers", form("phone_number", "201 555 0123"))
	b.wantErr(422, "form_param_format_invalid", "phone_number", st, m)
	st, m = b.call("POST", "/v1/me/phone_numbers", form("phone_number", "+12015550123"))
	b.wantErr(422, "form_identifier_exists", "phone_number", st, m)
	st, m = b.call("POST", "/v1/me/phone_numbers/"+id+"/attempt_verification", form("code", "424242"))
	b.wantErr(400, "verification_not_sent", "code", st, m)

	st, m = b.call("POST", "/v1/me/phone_numbers/"+id+"/prepare_verification", form("strategy", "phone_code"))
	checkSpec(t, facts, "POST", "/v1/me/phone_numbers/"+id+"/prepare_verification", st, m)
	if st != 200 || resp(m)["verification"].(map[string]any)["expire_at"] == nil {
		t.Fatalf("prepare: %d %v", st, m)
	}
	if msgs := outboxOf(t, h, "+12015550123"); len(msgs) != 0 {
		t.Errorf("a test number got a message: %v", msgs)
	}
	st, m = b.call("POST", "/v1/me/phone_numbers/"+id+"/attempt_verification", form("code", "000000"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	st, m = b.call("POST", "/v1/me/phone_numbers/"+id+"/attempt_verification", form("code", "424242"))
	checkSpec(t, facts, "POST", "/v1/me/phone_numbers/"+id+"/attempt_verification", st, m)
	if st != 200 || resp(m)["verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("attempt: %d %v", st, m)
	}

	// Another number gets a random code, texted to the outbox.
	st, m = b.call("POST", "/v1/me/phone_numbers", form("phone_number", "+44 20 7946 0958"))
	other, _ := resp(m)["id"].(string)
	if st != 200 {
		t.Fatalf("add another: %d %v", st, m)
	}
	st, m = b.call("PATCH", "/v1/me", form("primary_phone_number_id", other))
	b.wantErr(422, "form_identifier_not_verified", "primary_phone_number_id", st, m)
	b.call("POST", "/v1/me/phone_numbers/"+other+"/prepare_verification", form("strategy", "phone_code"))
	msgs := outboxOf(t, h, "+442079460958")
	if len(msgs) != 1 || msgs[0].Kind != msgSMS || len(msgs[0].Code) != 6 || msgs[0].Code == testVerificationCode {
		t.Fatalf("outbox for the other number: %+v", msgs)
	}
	st, m = b.call("POST", "/v1/me/phone_numbers/"+other+"/attempt_verification", form("code", msgs[0].Code))
	if st != 200 || resp(m)["verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("attempt the texted code: %d %v", st, m)
	}
	st, m = b.call("PATCH", "/v1/me", form("primary_phone_number_id", other))
	if st != 200 || resp(m)["primary_phone_number_id"] != other {
		t.Fatalf("make the other number primary: %d %v", st, resp(m))
	}
	st, m = b.call("DELETE", "/v1/me/phone_numbers/"+other, nil)
	checkSpec(t, facts, "DELETE", "/v1/me/phone_numbers/"+other, st, m)
	if st != 200 || resp(m)["deleted"] != true {
		t.Fatalf("delete: %d %v", st, m)
	}

	// Two-step verification by SMS code: the first second factor comes
	// with backup codes.
	st, m = b.call("PATCH", "/v1/me/phone_numbers/"+id, form("reserved_for_second_factor", "true"))
	checkSpec(t, facts, "PATCH", "/v1/me/phone_numbers/"+id, st, m)
	if codes, _ := resp(m)["backup_codes"].([]any); st != 200 || resp(m)["reserved_for_second_factor"] != true || len(codes) != backupCodeCount {
		t.Fatalf("reserve: %d %v", st, m)
	}
	st, m = b.call("PATCH", "/v1/me/phone_numbers/"+id, form("default_second_factor", "maybe"))
	b.wantErr(422, "form_param_format_invalid", "default_second_factor", st, m)
	st, m = b.call("GET", "/v1/me", nil)
	if u := resp(m); st != 200 || u["two_factor_enabled"] != true || u["primary_phone_number_id"] != id || u["backup_code_enabled"] != true {
		t.Fatalf("me: %d %v", st, u)
	}
	if list, _ := resp(m)["phone_numbers"].([]any); len(list) != 1 {
		t.Fatalf("phone numbers: %v", list)
	}

	b.call("DELETE", "/v1/client/sessions", nil)
	h.clock.Advance(time.Minute)
	si := signIn(form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	sia := si["id"].(string)
	var second map[string]any
	for _, f := range si["supported_second_factors"].([]any) {
		if f := f.(map[string]any); f["strategy"] == "phone_code" {
			second = f
		}
	}
	if si["status"] != "needs_second_factor" || second == nil || second["phone_number_id"] != id || second["safe_identifier"] == "+12015550123" {
		t.Fatalf("sign-in after the password: %v", si)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_second_factor", form("strategy", "phone_code", "code", "424242"))
	b.wantErr(400, "verification_not_sent", "code", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/prepare_second_factor", form("strategy", "phone_code", "phone_number_id", id))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+sia+"/prepare_second_factor", st, m)
	if st != 200 || resp(m)["second_factor_verification"].(map[string]any)["strategy"] != "phone_code" {
		t.Fatalf("prepare second factor: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_second_factor", form("strategy", "phone_code", "code", "111111"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_second_factor", form("strategy", "phone_code", "code", "424242"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+sia+"/attempt_second_factor", st, m)
	if st != 200 || resp(m)["status"] != "complete" || len(clientOf(m)["sessions"].([]any)) != 1 {
		t.Fatalf("second factor: %d %v", st, m)
	}

	// SMS code as the first factor, by the number in any form.
	b.call("DELETE", "/v1/client/sessions", nil)
	si = signIn(form("identifier", "+1 201-555-0123"))
	sia = si["id"].(string)
	var first map[string]any
	for _, f := range si["supported_first_factors"].([]any) {
		if f := f.(map[string]any); f["strategy"] == "phone_code" {
			first = f
		}
	}
	if si["status"] != "needs_first_factor" || first == nil || first["phone_number_id"] != id || first["safe_identifier"] != "+12015550123" {
		t.Fatalf("sign-in by number: %v", si)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/prepare_first_factor", form("strategy", "phone_code", "phone_number_id", id))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+sia+"/prepare_first_factor", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "phone_code", "code", "000000"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "phone_code", "code", "424242"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", st, m)
	if st != 200 || resp(m)["status"] != "needs_second_factor" {
		t.Fatalf("first factor: %d %v", st, m)
	}

	// Removing the number turns its second factor off.
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	if st != 200 {
		t.Fatalf("sign in: %d %v", st, m)
	}
	sia = resp(m)["id"].(string)
	b.call("POST", "/v1/client/sign_ins/"+sia+"/prepare_second_factor", form("strategy", "phone_code"))
	if st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_second_factor", form("strategy", "phone_code", "code", "424242")); st != 200 {
		t.Fatalf("second factor: %d %v", st, m)
	}
	st, m = b.call("DELETE", "/v1/me/phone_numbers/"+id, nil)
	if st != 200 {
		t.Fatalf("delete: %d %v", st, m)
	}
	st, m = b.call("GET", "/v1/me", nil)
	if u := resp(m); st != 200 || u["two_factor_enabled"] != false || u["primary_phone_number_id"] != nil || u["mfa_disabled_at"] == nil {
		t.Fatalf("me after removing the number: %d %v", st, u)
	}
}

// phoneOnlySettings make the phone number the only identifier, signed in
// with an SMS code: what TestReactPhoneSignUp runs with.
func phoneOnlySettings() *Settings {
	s := DefaultSettings()
	s.Identifiers = IdentifierSettings{EmailAddress: ModeOff, Username: ModeOff, PhoneNumber: ModeRequired}
	s.FirstFactors = []string{"phone_code"}
	return &s
}

// TestPhoneSignUpAndSignIn: a sign-up with a phone number only, verified
// by SMS code, creates the user with that number; the number then signs
// in with a code.
func TestPhoneSignUpAndSignIn(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Settings: phoneOnlySettings()})
	env := envGet(t, h)
	if got := envPath(env, "auth_config", "identification_strategies"); !slices.Equal(asStrings(got), []string{"phone_number"}) {
		t.Errorf("identification_strategies %v", got)
	}
	if a := envPath(env, "user_settings", "attributes", "phone_number").(map[string]any); a["enabled"] != true || a["required"] != true ||
		a["used_for_first_factor"] != true || !slices.Equal(asStrings(a["verifications"]), []string{"phone_code"}) {
		t.Errorf("attributes.phone_number %v", a)
	}
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", "x@example.com"))
	b.wantErr(422, "form_param_unknown", "email_address", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups", form("phone_number", "+1 201 555 01"))
	b.wantErr(422, "form_param_format_invalid", "phone_number", st, m)

	st, m = b.call("POST", "/v1/client/sign_ups", form("phone_number", "+1 201 555 0142"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ups", st, m)
	su := resp(m)
	sua, _ := su["id"].(string)
	if st != 200 || su["status"] != "missing_requirements" || su["phone_number"] != "+12015550142" ||
		!slices.Equal(asStrings(su["unverified_fields"]), []string{"phone_number"}) || !slices.Equal(asStrings(su["required_fields"]), []string{"phone_number"}) {
		t.Fatalf("sign-up: %d %v", st, su)
	}
	st, m = b.call("POST", "/v1/client/sign_ups/"+sua+"/prepare_verification", form("strategy", "phone_code"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ups/"+sua+"/prepare_verification", st, m)
	if v := resp(m)["verifications"].(map[string]any)["phone_number"].(map[string]any); st != 200 || v["status"] != "unverified" || v["strategy"] != "phone_code" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sign_ups/"+sua+"/attempt_verification", form("strategy", "phone_code", "code", "123456"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups/"+sua+"/attempt_verification", form("strategy", "phone_code", "code", "424242"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ups/"+sua+"/attempt_verification", st, m)
	su = resp(m)
	userID, _ := su["created_user_id"].(string)
	if st != 200 || su["status"] != "complete" || userID == "" {
		t.Fatalf("attempt: %d %v", st, su)
	}
	var u struct {
		PrimaryPhoneNumberID string `json:"primary_phone_number_id"`
		PhoneNumbers         []struct {
			ID           string
			PhoneNumber  string `json:"phone_number"`
			Verification struct{ Status string }
		} `json:"phone_numbers"`
	}
	if st := h.bapi("GET", "/v1/users/"+userID, nil, &u); st != 200 || len(u.PhoneNumbers) != 1 ||
		u.PhoneNumbers[0].PhoneNumber != "+12015550142" || u.PhoneNumbers[0].Verification.Status != "verified" || u.PrimaryPhoneNumberID == "" {
		t.Fatalf("the new user: %d %+v", st, u)
	}

	for _, q := range []string{"phone_number=" + url.QueryEscape("+12015550142"), "phone_number=12015550142", "phone_number_query=555014", "query=%2B1201555"} {
		var found []struct{ ID string }
		if st := h.bapi("GET", "/v1/users?"+q, nil, &found); st != 200 || len(found) != 1 || found[0].ID != userID {
			t.Errorf("GET /v1/users?%s: %d %+v", q, st, found)
		}
	}
	var none []struct{ ID string }
	if st := h.bapi("GET", "/v1/users?phone_number=%2B12015550143", nil, &none); st != 200 || len(none) != 0 {
		t.Errorf("another number finds %+v", none)
	}

	// The number is taken now; a sign-up with another, ordinary one gets
	// its code in the outbox.
	b2 := newBrowser(h)
	st, m = b2.call("POST", "/v1/client/sign_ups", form("phone_number", "+12015550142"))
	b2.wantErr(422, "form_identifier_exists", "phone_number", st, m)
	st, m = b2.call("POST", "/v1/client/sign_ups", form("phone_number", "+14155552671"))
	if st != 200 {
		t.Fatalf("sign-up: %d %v", st, m)
	}
	msgs := outboxOf(t, h, "+14155552671")
	if len(msgs) != 1 || msgs[0].Kind != msgSMS {
		t.Fatalf("outbox: %+v", msgs)
	}
	st, m = b2.call("POST", "/v1/client/sign_ups/"+resp(m)["id"].(string)+"/attempt_verification", form("strategy", "phone_code", "code", msgs[0].Code))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("attempt the texted code: %d %v", st, m)
	}

	// Sign out, then sign in by the number and an SMS code.
	b.call("DELETE", "/v1/client/sessions", nil)
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "+12015550142", "strategy", "phone_code"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins", st, m)
	si := resp(m)
	if st != 200 || si["status"] != "needs_first_factor" || si["first_factor_verification"].(map[string]any)["strategy"] != "phone_code" {
		t.Fatalf("sign in: %d %v", st, si)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+si["id"].(string)+"/attempt_first_factor", form("strategy", "password", "password", "x"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+si["id"].(string)+"/attempt_first_factor", form("strategy", "phone_code", "code", "424242"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("attempt: %d %v", st, m)
	}
	sessions, _ := clientOf(m)["sessions"].([]any)
	if len(sessions) != 1 || sessions[0].(map[string]any)["user"].(map[string]any)["id"] != userID {
		t.Fatalf("session: %v", clientOf(m))
	}
}

// TestPhoneNumbersOff: with the default settings the environment does
// not advertise phone numbers, a sign-up refuses one, and a number does
// not sign in.
func TestPhoneNumbersOff(t *testing.T) {
	h := start(t, Options{Seed: true})
	addAlicePhone(t, h)
	var alice struct {
		PhoneNumbers []struct {
			PhoneNumber string `json:"phone_number"`
		} `json:"phone_numbers"`
	}
	h.bapi("GET", "/v1/users/user_demo_alice", nil, &alice)
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("phone_number", "+12015550150"))
	b.wantErr(422, "form_param_unknown", "phone_number", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", alice.PhoneNumbers[0].PhoneNumber))
	b.wantErr(422, "form_identifier_not_found", "identifier", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "phone_code"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := []string{}
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
