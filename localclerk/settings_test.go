package localclerk

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestSettingsFileKeepsDefaultsAndRefusesMistakes(t *testing.T) {
	s, err := decodeSettings(strings.NewReader(`{"identifiers":{"username":"on"},"password":{"min_length":12},"organization":{"enabled":false}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings()
	want.Identifiers.Username = ModeOn
	want.Password.MinLength = 12
	want.Organization.Enabled = false
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v\nwant %+v", s, want)
	}
	for _, tc := range []struct{ file, field string }{
		{`{"identifiers":{"username":"yes"}}`, "identifiers.username"},
		{`{"identifiers":{"email_address":"off"}}`, "identifiers"},
		{`{"first_factors":["magic"]}`, "first_factors"},
		{`{"first_factors":[]}`, "first_factors"},
		{`{"identifiers":{"email_address":"off","username":"required"},"first_factors":["email_code"]}`, "first_factors"},
		{`{"second_factors":["sms"]}`, "second_factors"},
		{`{"social":["google"]}`, "social"},
		{`{"sign_up_mode":"closed"}`, "sign_up_mode"},
		{`{"password":{"min_length":0}}`, "password"},
		{`{"password":{"min_length":10,"max_length":9}}`, "password"},
		{`{"username":{"max_length":65}}`, "username"},
		{`{"organization":{"max_allowed_memberships":-1}}`, "organization.max_allowed_memberships"},
		{`{"organization":{"domains_enrollment_modes":["sometimes"]}}`, "organization.domains_enrollment_modes"},
	} {
		_, err := decodeSettings(strings.NewReader(tc.file))
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != tc.field {
			t.Errorf("%s: error %v, want a SettingsError for %s", tc.file, err, tc.field)
		}
	}
	if _, err := decodeSettings(strings.NewReader(`{"identifers":{}}`)); err == nil || !strings.Contains(err.Error(), "identifers") {
		t.Errorf("a misspelt field: %v", err)
	}
	// Kept but not served: valid.
	if _, err := decodeSettings(strings.NewReader(`{"social":["oauth_google","oauth_github"],"multi_session":true,"first_factors":["password","email_link"],"sign_up_mode":"waitlist"}`)); err != nil {
		t.Errorf("unserved settings refused: %v", err)
	}

	path := filepath.Join(t.TempDir(), "settings.json")
	os.WriteFile(path, []byte(`{"sign_up_mode":"restricted"}`), 0o600)
	if s, err := ReadSettingsFile(path); err != nil || s.SignUpMode != SignUpRestricted {
		t.Errorf("ReadSettingsFile: %+v %v", s, err)
	}
	if _, err := ReadSettingsFile(path + ".missing"); err == nil {
		t.Errorf("a missing settings file was accepted")
	}
	if _, err := Start(context.Background(), Options{Settings: &Settings{}}); err == nil || !strings.Contains(err.Error(), "identifiers") {
		t.Errorf("Start with invalid settings: %v", err)
	}
}

// mfaSettings turn on username, TOTP and backup codes, and name settings
// that are kept but not served.
func mfaSettings() *Settings {
	s := DefaultSettings()
	s.Identifiers.Username = ModeOn
	s.SecondFactors = []string{"totp", "backup_code"}
	s.Social = []string{"oauth_google"}
	s.MultiSession = true
	s.Identifiers.PhoneNumber = ModeOn
	s.FirstFactors = []string{"password", "email_code", "email_link", "phone_code"}
	s.Password.MinLength, s.Password.RequireNumbers = 10, true
	s.Username.MinLength = 3
	return &s
}

func TestSettingsShapeTheEnvironment(t *testing.T) {
	h := start(t, Options{Settings: mfaSettings()})
	env := envGet(t, h)
	attr := func(name, field string) any { return envPath(env, "user_settings", "attributes", name, field) }
	for _, c := range []struct {
		name, field string
		want        any
	}{
		{"username", "enabled", true}, {"username", "used_for_first_factor", true}, {"username", "required", false},
		{"authenticator_app", "enabled", true}, {"authenticator_app", "used_for_second_factor", true},
		{"backup_code", "enabled", true}, {"password", "required", true},
		{"phone_number", "enabled", true}, {"phone_number", "required", false}, {"phone_number", "used_for_first_factor", true},
		{"phone_number", "used_for_second_factor", false},
	} {
		if got := attr(c.name, c.field); got != c.want {
			t.Errorf("attributes.%s.%s = %v, want %v", c.name, c.field, got, c.want)
		}
	}
	if got := attr("email_address", "first_factors"); !reflect.DeepEqual(got, []any{"email_code", "email_link"}) {
		t.Errorf("email first factors %v, want email_code and email_link", got)
	}
	if got := attr("email_address", "verifications"); !reflect.DeepEqual(got, []any{"email_code", "email_link"}) {
		t.Errorf("email verifications %v, want email_code and email_link", got)
	}
	if got := attr("authenticator_app", "second_factors"); !reflect.DeepEqual(got, []any{"totp"}) {
		t.Errorf("authenticator_app second factors %v", got)
	}
	if got := envPath(env, "user_settings", "social", "oauth_google", "enabled"); got != true {
		t.Errorf("social.oauth_google.enabled %v: the provider page serves it", got)
	}
	if got := envPath(env, "auth_config", "single_session_mode"); got != false {
		t.Errorf("single_session_mode %v with multi_session on", got)
	}
	if got := attr("phone_number", "first_factors"); !reflect.DeepEqual(got, []any{"phone_code"}) {
		t.Errorf("phone_number first factors %v", got)
	}
	if got := envPath(env, "auth_config", "phone_number"); got != "on" {
		t.Errorf("auth_config.phone_number %v", got)
	}
	if got, _ := envPath(env, "auth_config", "first_factors").([]any); !slices.Contains(got, any("phone_code")) {
		t.Errorf("auth_config.first_factors %v", got)
	}
	if got := envPath(env, "auth_config", "identification_strategies"); !reflect.DeepEqual(got, []any{"email_address", "username", "phone_number"}) {
		t.Errorf("identification_strategies %v", got)
	}
	if got := envPath(env, "auth_config", "second_factors"); !reflect.DeepEqual(got, []any{"totp", "backup_code"}) {
		t.Errorf("auth_config.second_factors %v", got)
	}
	if got := envPath(env, "user_settings", "sign_in", "second_factor", "enabled"); got != true {
		t.Errorf("sign_in.second_factor.enabled %v", got)
	}
	if ps := envPath(env, "user_settings", "password_settings").(map[string]any); ps["min_length"] != float64(10) || ps["require_numbers"] != true {
		t.Errorf("password_settings %v", ps)
	}
	if got := envPath(env, "user_settings", "username_settings", "min_length"); got != float64(3) {
		t.Errorf("username_settings.min_length %v", got)
	}
	// Every setting of mfaSettings is served; a strategy localclerk does
	// not know is named.
	odd := mfaSettings()
	odd.FirstFactors = append(odd.FirstFactors, "web3_metamask_signature")
	if got := h.inst.Unserved(*odd); !slices.Equal(got, []string{"first_factors.web3_metamask_signature"}) {
		t.Errorf("Unserved = %v, want only the unknown strategy", got)
	}

	// The defaults: no second factor, no username; a change shows at once.
	h2 := start(t, Options{})
	env = envGet(t, h2)
	if envPath(env, "user_settings", "attributes", "authenticator_app", "enabled") != false ||
		envPath(env, "user_settings", "attributes", "username", "enabled") != false ||
		envPath(env, "user_settings", "attributes", "phone_number", "enabled") != false || envPath(env, "auth_config", "phone_number") != "off" {
		t.Errorf("defaults advertise a second factor, usernames or phone numbers")
	}
	if got := envPath(env, "auth_config", "single_session_mode"); got != true {
		t.Errorf("default single_session_mode %v", got)
	}
	s := DefaultSettings()
	s.SignUpMode, s.FirstFactors = SignUpWaitlist, []string{"email_code"}
	if err := h2.inst.SetSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	env = envGet(t, h2)
	if got := envPath(env, "user_settings", "sign_up", "mode"); got != "waitlist" {
		t.Errorf("sign_up.mode %v, want waitlist", got)
	}
	if u := h2.inst.Unserved(s); len(u) != 0 {
		t.Errorf("Unserved %v for the waitlist mode, which is served", u)
	}
	if envPath(env, "user_settings", "attributes", "password", "enabled") != false || envPath(env, "auth_config", "password") != "off" {
		t.Errorf("password still on: %v", envPath(env, "user_settings", "attributes", "password"))
	}
}

func TestSettingsTravelWithExportImportAndFixtures(t *testing.T) {
	ctx := context.Background()
	h := start(t, Options{Settings: mfaSettings()})
	if st := h.bapi("PATCH", "/v1/instance/organization_settings", map[string]any{"max_allowed_memberships": 5}, nil); st != 200 {
		t.Fatalf("organization settings: %d", st)
	}
	want := *mfaSettings()
	want.Organization.MaxAllowedMemberships = 5
	got, err := h.inst.Settings(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Settings after the Backend API change: %+v %v\nwant %+v", got, err, want)
	}
	var buf bytes.Buffer
	if err := h.inst.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	h2 := start(t, Options{})
	if err := h2.inst.Import(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if got, err := h2.inst.Settings(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("imported settings %+v %v", got, err)
	}
	if envPath(envGet(t, h2), "user_settings", "attributes", "authenticator_app", "enabled") != true {
		t.Errorf("the imported instance's environment does not show the imported settings")
	}

	// A seed file's settings.
	path := filepath.Join(t.TempDir(), "seed.json")
	os.WriteFile(path, []byte(`{"settings":{"identifiers":{"username":"required"}},"users":[{"id":"user_u","username":"uma","password":"uma-password"}]}`), 0o600)
	h3 := start(t, Options{SeedFile: path})
	if s, err := h3.inst.Settings(ctx); err != nil || s.Identifiers.Username != ModeRequired || s.Identifiers.EmailAddress != ModeRequired {
		t.Errorf("seed file settings: %+v %v", s.Identifiers, err)
	}
	if envPath(envGet(t, h3), "user_settings", "attributes", "username", "required") != true {
		t.Errorf("the seeded settings are not in the environment")
	}
	// Options.Settings win over the seed file's.
	h4 := start(t, Options{SeedFile: path, Settings: mfaSettings()})
	if s, _ := h4.inst.Settings(ctx); s.Identifiers.Username != ModeOn {
		t.Errorf("Options.Settings lost to the seed file: %+v", s.Identifiers)
	}
}

func FuzzDecodeSettings(f *testing.F) {
	f.Add(`{"identifiers":{"username":"on"}}`)
	f.Add(`{"social":["oauth_google"],"password":{"min_length":1,"max_length":1}}`)
	f.Add(`{"organization":{"creator_role":""}}`)
	f.Fuzz(func(t *testing.T, in string) {
		s, err := decodeSettings(strings.NewReader(in))
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded settings do not validate: %v", err)
		}
		if ss := (&Instance{}).servedSettings(&s); !ss.email && !ss.username {
			t.Fatalf("served settings with no identifier: %+v", s.Identifiers)
		}
	})
}

// TestUpdateInstanceAuthConfig: restricted_to_allowlist is the allow-list
// restriction and test_mode the instance's test mode.
func TestUpdateInstanceAuthConfig(t *testing.T) {
	h := start(t, Options{})
	var out struct {
		Object                string `json:"object"`
		RestrictedToAllowlist bool   `json:"restricted_to_allowlist"`
		ProgressiveSignUp     bool   `json:"progressive_sign_up"`
		FromEmailAddress      string `json:"from_email_address"`
	}
	if st := h.bapi("PATCH", "/v1/beta_features/instance_settings", map[string]any{"restricted_to_allowlist": true, "test_mode": false, "from_email_address": "hi"}, &out); st != 200 ||
		out.Object != "instance_settings" || !out.RestrictedToAllowlist || !out.ProgressiveSignUp || out.FromEmailAddress != "hi" {
		t.Fatalf("update: %d %+v", st, out)
	}
	var rs struct{ Allowlist bool }
	if st := h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{}, &rs); st != 200 || !rs.Allowlist {
		t.Errorf("restrictions after restricted_to_allowlist: %d %+v", st, rs)
	}
	if h.inst.isTestIdentity("dev+clerk_test@example.com") {
		t.Errorf("test_mode false left test identities on")
	}
	if st := h.bapi("PATCH", "/v1/beta_features/instance_settings", map[string]any{"progressive_sign_up": false}, &out); st != 200 || out.ProgressiveSignUp || !out.RestrictedToAllowlist {
		t.Errorf("second update: %d %+v", st, out)
	}
}
