package localclerk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Settings is how the instance signs people in and up, as a developer
// configures a Clerk application in the Dashboard: which identifiers,
// which first and second factors, social providers, multi-session, the
// sign-up mode, password and username rules, and organizations.
//
// A setting localclerk does not serve (a strategy it does not know) is kept and exported
// as set, but the Frontend API environment advertises it as off, so the
// components never offer a button that ends in an error; Unserved names
// them. Start from DefaultSettings and change what differs.
type Settings struct {
	// Identifiers says which identifiers users have: "required", "on"
	// (optional) or "off".
	Identifiers IdentifierSettings `json:"identifiers"`
	// FirstFactors are the sign-in strategies once the user is
	// identified: "password", "email_code", "email_link" (a link also
	// verifies addresses at sign-up and in <UserProfile/>), "passkey" and
	// "phone_code" (SMS codes to a verified number).
	FirstFactors []string `json:"first_factors"`
	// SecondFactors are the multi-factor strategies users may enrol:
	// "totp", "backup_code" and "phone_code" (SMS codes to a verified
	// number).
	SecondFactors []string `json:"second_factors"`
	// Social lists the social providers by Clerk's strategy name
	// ("oauth_google", "oauth_github", "oauth_custom_<name>", …), signed in
	// through localclerk's provider page; Options.SocialProviders adds to
	// it.
	Social []string `json:"social"`
	// MultiSession lets one browser hold several signed-in users
	// (UserButton's "Add account" and account switching).
	MultiSession bool `json:"multi_session"`
	// SignUpMode is "public" (anyone signs up), "restricted" (only
	// through an invitation) or "waitlist" (restricted, with a waitlist
	// to join through <Waitlist/>, whose entries the Backend API invites).
	SignUpMode string `json:"sign_up_mode"`
	// Password holds the rules for new passwords.
	Password PasswordSettings `json:"password"`
	// Username holds the rules for usernames, when they are on.
	Username UsernameSettings `json:"username"`
	// Organization holds the organization settings (also set through the
	// Backend API's /v1/instance/organization_settings).
	Organization OrganizationSettings `json:"organization"`
	// APIKeys lets users and organizations manage their own API keys
	// from the browser (<APIKeys/>, fapi_api_keys.go).
	APIKeys APIKeysSettings `json:"api_keys"`
	// TrustedDevices lets native apps enrol device-bound keys for the
	// signed-in user (/v1/me/trusted_devices, fapi_me_trusted_devices.go).
	TrustedDevices bool `json:"trusted_devices"`
}

// APIKeysSettings switch the Frontend API's /api_keys operations: for
// keys whose subject is a user, and for keys of an organization.
type APIKeysSettings struct {
	User          bool `json:"user"`
	Organizations bool `json:"organizations"`
}

// IdentifierSettings are the identifiers' modes: "required", "on" or "off".
type IdentifierSettings struct {
	EmailAddress string `json:"email_address"`
	Username     string `json:"username"`
	PhoneNumber  string `json:"phone_number"`
}

// PasswordSettings are the rules a new password must follow.
type PasswordSettings struct {
	MinLength          int  `json:"min_length"`
	MaxLength          int  `json:"max_length"`
	RequireNumbers     bool `json:"require_numbers"`
	RequireSpecialChar bool `json:"require_special_char"`
	RequireUppercase   bool `json:"require_uppercase"`
	RequireLowercase   bool `json:"require_lowercase"`
}

// UsernameSettings are the rules a username must follow.
type UsernameSettings struct {
	MinLength int `json:"min_length"`
	MaxLength int `json:"max_length"`
}

// OrganizationSettings are the instance's organization settings. Roles
// are named by key (org:admin).
type OrganizationSettings struct {
	Enabled               bool     `json:"enabled"`
	MaxAllowedMemberships int      `json:"max_allowed_memberships"`
	AdminDeleteEnabled    bool     `json:"admin_delete_enabled"`
	DomainsEnabled        bool     `json:"domains_enabled"`
	SlugDisabled          bool     `json:"slug_disabled"`
	EnrollmentModes       []string `json:"domains_enrollment_modes"`
	CreatorRole           string   `json:"creator_role"`
	DomainsDefaultRole    string   `json:"domains_default_role"`
}

// Identifier modes.
const (
	ModeRequired = "required"
	ModeOn       = "on"
	ModeOff      = "off"
)

// Sign-up modes.
const (
	SignUpPublic     = "public"
	SignUpRestricted = "restricted"
	SignUpWaitlist   = "waitlist"
)

// DefaultSettings are a new instance's settings: e-mail address
// (required) with password or e-mail code, no second factor, no social
// provider, single session, public sign-up, passwords of 8 characters or
// more, organizations on.
func DefaultSettings() Settings {
	o := defaultOrgSettings()
	return Settings{
		Identifiers:   IdentifierSettings{EmailAddress: ModeRequired, Username: ModeOff, PhoneNumber: ModeOff},
		FirstFactors:  []string{"email_code", "password"},
		SecondFactors: []string{},
		Social:        []string{},
		SignUpMode:    SignUpPublic,
		Password:      PasswordSettings{MinLength: 8, MaxLength: maxPasswordBytes},
		Username:      UsernameSettings{MinLength: 4, MaxLength: 64},
		Organization:  OrganizationSettings(o),
	}
}

// The strategies and identifiers Clerk names, and the ones localclerk
// serves now (servedSettings).
var (
	knownFirstFactors  = []string{"password", "email_code", "email_link", "phone_code", "passkey"}
	knownSecondFactors = []string{"totp", "backup_code", "phone_code"}
)

// ReadSettingsFile reads a settings file: the JSON form of Settings.
// Fields the file leaves out keep DefaultSettings' values.
func ReadSettingsFile(path string) (Settings, error) {
	f, err := os.Open(path)
	if err != nil {
		return Settings{}, fmt.Errorf("localclerk: settings file: %w", err)
	}
	defer f.Close()
	s, err := decodeSettings(f)
	if err != nil {
		return Settings{}, fmt.Errorf("localclerk: settings file %s: %w", path, err)
	}
	return s, nil
}

// decodeSettings reads Settings JSON and validates it.
func decodeSettings(r io.Reader) (Settings, error) {
	var s Settings
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&s); err != nil {
		return Settings{}, err
	}
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// UnmarshalJSON reads settings over DefaultSettings, so that a file names
// only what differs. Unknown fields are refused: a misspelt setting is
// not silently ignored.
func (s *Settings) UnmarshalJSON(b []byte) error {
	type plain Settings // without this method
	p := plain(DefaultSettings())
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*s = Settings(p)
	return nil
}

// SettingsError is a setting that is not valid; Field names it as in the
// settings file (identifiers.username).
type SettingsError struct {
	Field  string
	Reason string
}

func (e *SettingsError) Error() string {
	return "localclerk: setting " + e.Field + ": " + e.Reason
}

// Validate reports the first setting that is not valid as a
// *SettingsError. Settings localclerk keeps but does not serve are valid.
func (s *Settings) Validate() error {
	bad := func(field, reason string, args ...any) error {
		return &SettingsError{Field: field, Reason: fmt.Sprintf(reason, args...)}
	}
	for _, m := range []struct{ field, v string }{{"identifiers.email_address", s.Identifiers.EmailAddress},
		{"identifiers.username", s.Identifiers.Username}, {"identifiers.phone_number", s.Identifiers.PhoneNumber}} {
		if m.v != ModeRequired && m.v != ModeOn && m.v != ModeOff {
			return bad(m.field, "%q is not required, on or off", m.v)
		}
	}
	if s.Identifiers.EmailAddress == ModeOff && s.Identifiers.Username == ModeOff && s.Identifiers.PhoneNumber == ModeOff {
		return bad("identifiers", "turn on at least one of email_address, username and phone_number")
	}
	for _, f := range s.FirstFactors {
		if !slices.Contains(knownFirstFactors, f) {
			return bad("first_factors", "%q is not one of %s", f, strings.Join(knownFirstFactors, ", "))
		}
	}
	if len(s.FirstFactors) == 0 {
		return bad("first_factors", "name at least one first factor")
	}
	if s.Identifiers.EmailAddress == ModeOff && s.Identifiers.PhoneNumber == ModeOff && !slices.Contains(s.FirstFactors, "password") {
		return bad("first_factors", "a username-only instance needs the password first factor")
	}
	for _, f := range s.SecondFactors {
		if !slices.Contains(knownSecondFactors, f) {
			return bad("second_factors", "%q is not one of %s", f, strings.Join(knownSecondFactors, ", "))
		}
	}
	for _, p := range s.Social {
		if _, err := parseSocialProviders([]string{p}); err != nil || !strings.HasPrefix(p, "oauth_") {
			return bad("social", "%q is not a Clerk social strategy such as oauth_google", p)
		}
	}
	if s.SignUpMode != SignUpPublic && s.SignUpMode != SignUpRestricted && s.SignUpMode != SignUpWaitlist {
		return bad("sign_up_mode", "%q is not public, restricted or waitlist", s.SignUpMode)
	}
	if p := s.Password; p.MinLength < 1 || p.MaxLength < p.MinLength || p.MaxLength > maxPasswordBytes {
		return bad("password", "min_length must be at least 1 and max_length between it and %d", maxPasswordBytes)
	}
	if u := s.Username; u.MinLength < 1 || u.MaxLength < u.MinLength || u.MaxLength > 64 {
		return bad("username", "min_length must be at least 1 and max_length between it and 64")
	}
	o := s.Organization
	if o.MaxAllowedMemberships < 0 {
		return bad("organization.max_allowed_memberships", "must be 0 (unlimited) or more")
	}
	for _, m := range o.EnrollmentModes {
		if m != "automatic_invitation" && m != "automatic_suggestion" && m != "manual_invitation" {
			return bad("organization.domains_enrollment_modes", "%q is not automatic_invitation, automatic_suggestion or manual_invitation", m)
		}
	}
	if o.CreatorRole == "" || o.DomainsDefaultRole == "" {
		return bad("organization", "creator_role and domains_default_role name a role key such as org:admin")
	}
	return nil
}

// The settings documents: metaAuthSettings holds everything but the
// organization settings, which keep their own document (metaOrgSettings,
// bapi_instance.go) that the Backend API changes.
const metaAuthSettings = "auth_settings"

// authSettingsDoc is the stored form of Settings without Organization.
type authSettingsDoc struct {
	Identifiers    IdentifierSettings `json:"identifiers"`
	FirstFactors   []string           `json:"first_factors"`
	SecondFactors  []string           `json:"second_factors"`
	Social         []string           `json:"social"`
	MultiSession   bool               `json:"multi_session"`
	SignUpMode     string             `json:"sign_up_mode"`
	Password       PasswordSettings   `json:"password"`
	Username       UsernameSettings   `json:"username"`
	APIKeys        APIKeysSettings    `json:"api_keys"`
	TrustedDevices bool               `json:"trusted_devices"`
}

// loadSettings reads the instance's settings (defaults where never set).
func loadSettings(t *txn) (Settings, error) {
	s := DefaultSettings()
	d := authSettingsDoc{Identifiers: s.Identifiers, FirstFactors: s.FirstFactors, SecondFactors: s.SecondFactors,
		Social: s.Social, SignUpMode: s.SignUpMode, Password: s.Password, Username: s.Username, APIKeys: s.APIKeys,
		TrustedDevices: s.TrustedDevices}
	if err := t.settings().load(metaAuthSettings, &d); err != nil {
		return Settings{}, err
	}
	org, err := loadOrgSettings(t)
	if err != nil {
		return Settings{}, err
	}
	return Settings{Identifiers: d.Identifiers, FirstFactors: d.FirstFactors, SecondFactors: d.SecondFactors,
		Social: d.Social, MultiSession: d.MultiSession, SignUpMode: d.SignUpMode, Password: d.Password,
		Username: d.Username, Organization: OrganizationSettings(org), APIKeys: d.APIKeys,
		TrustedDevices: d.TrustedDevices}, nil
}

// saveSettings stores s, which must be valid.
func saveSettings(t *txn, s *Settings) error {
	d := authSettingsDoc{Identifiers: s.Identifiers, FirstFactors: s.FirstFactors, SecondFactors: s.SecondFactors,
		Social: s.Social, MultiSession: s.MultiSession, SignUpMode: s.SignUpMode, Password: s.Password, Username: s.Username,
		APIKeys: s.APIKeys, TrustedDevices: s.TrustedDevices}
	if err := t.settings().save(metaAuthSettings, &d); err != nil {
		return err
	}
	o := orgSettings(s.Organization)
	if o.EnrollmentModes == nil {
		o.EnrollmentModes = []string{}
	}
	return t.settings().save(metaOrgSettings, &o)
}

// Settings returns the instance's current settings.
func (inst *Instance) Settings(ctx context.Context) (Settings, error) {
	var s Settings
	err := inst.store.view(ctx, func(t *txn) error {
		var err error
		s, err = loadSettings(t)
		return err
	})
	return s, err
}

// SetSettings replaces the instance's settings, as Options.Settings does
// at start; what the components render changes with their next
// environment fetch.
func (inst *Instance) SetSettings(ctx context.Context, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := inst.store.update(ctx, func(t *txn) error { return saveSettings(t, &s) }); err != nil {
		return fmt.Errorf("localclerk: store settings: %w", err)
	}
	return inst.loadLiveSettings(ctx)
}

// servedSettings are the parts of the settings the instance serves now:
// the environment advertises these, the policy enforces these.
type servedSettings struct {
	email, username bool // identifiers that are on
	emailRequired   bool
	usernameReq     bool
	phone, phoneReq bool // the phone number identifier
	password        bool // password first factor
	emailCode       bool
	emailLink       bool // email_link first factor and e-mail verification
	passkey         bool // passkey first factor, and passkeys in the account
	phoneCode       bool // phone_code first factor
	totp, backup    bool // second factors
	phoneSecond     bool // phone_code second factor
	restricted      bool // sign-up only through an invitation
	waitlist        bool // restricted, with <Waitlist/>'s form (POST /v1/waitlist)
	pw              PasswordSettings
	un              UsernameSettings
	social          []string // Settings.Social
	multiSession    bool     // several sessions on one client
	apiKeys         APIKeysSettings
	trustedDevices  bool
}

// served reduces s to what localclerk serves.
func (inst *Instance) servedSettings(s *Settings) *servedSettings {
	ss := &servedSettings{
		email: s.Identifiers.EmailAddress != ModeOff, emailRequired: s.Identifiers.EmailAddress == ModeRequired,
		username: s.Identifiers.Username != ModeOff, usernameReq: s.Identifiers.Username == ModeRequired,
		password: slices.Contains(s.FirstFactors, "password"), emailCode: slices.Contains(s.FirstFactors, "email_code"),
		passkey: slices.Contains(s.FirstFactors, "passkey"),
		phone:   s.Identifiers.PhoneNumber != ModeOff, phoneReq: s.Identifiers.PhoneNumber == ModeRequired,
		phoneCode: slices.Contains(s.FirstFactors, "phone_code"),
		totp:      slices.Contains(s.SecondFactors, "totp"), backup: slices.Contains(s.SecondFactors, "backup_code"),
		phoneSecond: slices.Contains(s.SecondFactors, "phone_code"),
		restricted:  s.SignUpMode != SignUpPublic, pw: s.Password, un: s.Username, social: s.Social,
		multiSession: s.MultiSession, apiKeys: s.APIKeys, trustedDevices: s.TrustedDevices,
	}
	ss.waitlist = s.SignUpMode == SignUpWaitlist
	// E-mail codes need an address; an instance without one signs in by
	// password only.
	ss.emailCode = ss.emailCode && ss.email
	ss.emailLink = slices.Contains(s.FirstFactors, "email_link") && ss.email
	// Likewise SMS codes need a number.
	ss.phoneCode = ss.phoneCode && ss.phone
	ss.phoneSecond = ss.phoneSecond && ss.phone
	if !ss.email && !ss.username && !ss.phone {
		// No identifier at all: keep e-mail so that anyone can sign in.
		ss.email, ss.emailRequired = true, true
	}
	return ss
}

// Unserved names the settings in s that the instance keeps but does not
// serve yet; the environment shows them as off.
func (inst *Instance) Unserved(s Settings) []string {
	var out []string
	for _, f := range s.FirstFactors {
		if !slices.Contains([]string{"password", "email_code", "email_link", "passkey", "phone_code"}, f) {
			out = append(out, "first_factors."+f)
		}
	}
	for _, f := range s.SecondFactors {
		if f != "totp" && f != "backup_code" && f != "phone_code" {
			out = append(out, "second_factors."+f)
		}
	}
	return out
}

// settingsNow is the served settings the last committed change left,
// read by requests outside a transaction.
func (inst *Instance) settingsNow() *servedSettings {
	if live := inst.live.Load(); live != nil && live.settings != nil {
		return inst.servedSettings(live.settings)
	}
	d := DefaultSettings()
	return inst.servedSettings(&d)
}

// applyStartSettings stores Options.Settings at start: the file's settings
// win over what the data file held, as a Dashboard change would.
func (inst *Instance) applyStartSettings(ctx context.Context) error {
	s := inst.opts.Settings
	if s == nil {
		return nil
	}
	if err := s.Validate(); err != nil {
		return err
	}
	if err := inst.store.update(ctx, func(t *txn) error { return saveSettings(t, s) }); err != nil {
		return fmt.Errorf("localclerk: store settings: %w", err)
	}
	for _, u := range inst.Unserved(*s) {
		inst.log.Warn("localclerk: setting kept but not served yet; the components show it as off", "setting", u)
	}
	return nil
}
