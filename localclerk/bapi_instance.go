package localclerk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Instance settings, each kept as one JSON document in the meta table.
// What localclerk can honour takes effect:
//   - organization settings: max_allowed_memberships and
//     admin_delete_enabled are the defaults of new organizations, the
//     creator role is the role their creator gets, and enabled,
//     the creator role and the domain settings reach clerk-js through the
//     Frontend API environment;
//   - restrictions (PATCH /instance/restrictions, bapi_identifiers.go) are
//     enforced at sign-up and sign-in.
//   - allowed_origins (UpdateInstance) pass the Frontend API's CORS check,
//     for browser extensions, Capacitor and the like.
//   - test_mode off makes +clerk_test addresses ordinary ones: no fixed
//     code 424242, no code sign-in or sign-up on the hosted pages.
// The rest (HIBP, Protect, the SMS blocklist, OAuth application settings)
// is stored and answered as set; localclerk sends no SMS, runs no bot
// protection and checks no breach database.

const (
	metaInstance         = "instance"
	metaInstanceProtect  = "instance_protect"
	metaInstanceComm     = "instance_communication"
	metaOAuthAppSettings = "oauth_application_settings"
	metaOrgSettings      = "organization_settings"
)

// pair is a setting and the value a request sent for it (nil: unchanged).
type pair[T any] struct{ dst, src *T }

// setIf copies each sent value over its setting.
func setIf[T any](pairs ...pair[T]) {
	for _, p := range pairs {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
}

type instanceSettings struct {
	TestMode                bool     `json:"test_mode"`
	HIBP                    bool     `json:"hibp"`
	SupportEmail            string   `json:"support_email,omitempty"`
	ClerkJSVersion          string   `json:"clerk_js_version,omitempty"`
	DevelopmentOrigin       string   `json:"development_origin,omitempty"`
	AllowedOrigins          []string `json:"allowed_origins"`
	URLBasedSessionSyncing  bool     `json:"url_based_session_syncing"`
	PreferredSignInStrategy string   `json:"preferred_sign_in_strategy_when_password_required"`
}

func defaultInstanceSettings() instanceSettings {
	return instanceSettings{TestMode: true, URLBasedSessionSyncing: true}
}

// liveSettings are the UpdateInstance settings requests consult outside
// a transaction: allowed_origins (the Frontend API's CORS check) and
// test_mode (Clerk's test addresses and their fixed code).
type liveSettings struct {
	origins  map[string]bool
	testMode bool
	settings *Settings // the sign-in settings (settings.go)
}

// loadLiveSettings reads the instance settings into inst.live; called at
// start, after an import and after each UpdateInstance commits.
func (inst *Instance) loadLiveSettings(ctx context.Context) error {
	s := defaultInstanceSettings()
	var auth Settings
	if err := inst.store.view(ctx, func(t *txn) error {
		var err error
		if auth, err = loadSettings(t); err != nil {
			return err
		}
		return t.settings().load(metaInstance, &s)
	}); err != nil {
		return err
	}
	live := &liveSettings{origins: make(map[string]bool, len(s.AllowedOrigins)), testMode: s.TestMode, settings: &auth}
	for _, o := range s.AllowedOrigins {
		live.origins[strings.ToLower(o)] = true
	}
	inst.live.Store(live)
	inst.environmentChanged()
	return nil
}

// apiOriginAllowed reports an origin UpdateInstance allowed, such as a
// browser extension's chrome-extension://… or capacitor://localhost.
func (inst *Instance) apiOriginAllowed(o string) bool {
	live := inst.live.Load()
	return live != nil && live.origins[strings.ToLower(o)]
}

// isTestIdentity reports a Clerk test address (+clerk_test, code 424242)
// while the instance is in test mode, as development instances are until
// UpdateInstance turns test_mode off.
func (inst *Instance) isTestIdentity(addr string) bool {
	live := inst.live.Load()
	return (isTestEmail(addr) || isTestPhone(addr)) && (live == nil || live.testMode)
}

func (inst *Instance) bapiGetInstance(w http.ResponseWriter, r *http.Request) (any, int, error) {
	s := defaultInstanceSettings()
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.settings().load(metaInstance, &s) }); err != nil {
		return nil, 0, err
	}
	origins := s.AllowedOrigins
	if origins == nil {
		origins = []string{}
	}
	return &instanceWire{Object: "instance", ID: inst.KeyID, EnvironmentType: "development", AllowedOrigins: origins}, 0, nil
}

// UpdateInstance answers 204 with no body, as the specification says.
func (inst *Instance) bapiUpdateInstance(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		TestMode                *bool     `json:"test_mode"`
		HIBP                    *bool     `json:"hibp"`
		SupportEmail            *string   `json:"support_email"`
		ClerkJSVersion          *string   `json:"clerk_js_version"`
		DevelopmentOrigin       *string   `json:"development_origin"`
		AllowedOrigins          *[]string `json:"allowed_origins"`
		CookielessDev           *bool     `json:"cookieless_dev"`
		URLBasedSessionSyncing  *bool     `json:"url_based_session_syncing"`
		PreferredSignInStrategy *string   `json:"preferred_sign_in_strategy_when_password_required"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.SupportEmail != nil && *p.SupportEmail != "" && !emailRe.MatchString(*p.SupportEmail) {
		return nil, 0, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "support_email", "support_email must be a valid email address.")
	}
	if p.AllowedOrigins != nil {
		for _, o := range *p.AllowedOrigins {
			if !originRe.MatchString(o) {
				return nil, 0, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "allowed_origins",
					fmt.Sprintf("%q is not an origin (scheme://host[:port]).", o))
			}
		}
	}
	if p.PreferredSignInStrategy != nil && !slices.Contains([]string{"password", "otp", ""}, *p.PreferredSignInStrategy) {
		return nil, 0, errInvalid("preferred_sign_in_strategy_when_password_required", "preferred_sign_in_strategy_when_password_required must be password, otp or empty.")
	}
	if p.URLBasedSessionSyncing == nil {
		p.URLBasedSessionSyncing = p.CookielessDev
	}
	err := inst.store.update(r.Context(), func(t *txn) error {
		s := defaultInstanceSettings()
		if err := t.settings().load(metaInstance, &s); err != nil {
			return err
		}
		setIf(pair[bool]{&s.TestMode, p.TestMode}, pair[bool]{&s.HIBP, p.HIBP}, pair[bool]{&s.URLBasedSessionSyncing, p.URLBasedSessionSyncing})
		setIf(pair[string]{&s.PreferredSignInStrategy, p.PreferredSignInStrategy}, pair[string]{&s.SupportEmail, p.SupportEmail},
			pair[string]{&s.ClerkJSVersion, p.ClerkJSVersion}, pair[string]{&s.DevelopmentOrigin, p.DevelopmentOrigin})
		setIf(pair[[]string]{&s.AllowedOrigins, p.AllowedOrigins})
		return t.settings().save(metaInstance, &s)
	})
	if err != nil {
		return nil, 0, err
	}
	if err := inst.loadLiveSettings(r.Context()); err != nil {
		return nil, 0, err
	}
	return nil, http.StatusNoContent, nil
}

var originRe = regexp.MustCompile(`^[a-z][a-z0-9+.-]*://[^/\s?#]+$`)

type instanceProtect struct {
	RulesEnabled   bool `json:"rules_enabled"`
	SpecterEnabled bool `json:"specter_enabled"`
}

func protectJSON(p *instanceProtect) *instanceProtectWire {
	return &instanceProtectWire{Object: "instance_protect", instanceProtect: *p}
}

func (inst *Instance) bapiInstanceProtect(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		RulesEnabled   *bool `json:"rules_enabled"`
		SpecterEnabled *bool `json:"specter_enabled"`
	}
	if r.Method == http.MethodPatch {
		if err := decodeBody(w, r, &p); err != nil {
			return nil, 0, err
		}
	}
	var s instanceProtect
	err := inst.settingsTxn(r, metaInstanceProtect, &s, func() error {
		setIf(pair[bool]{&s.RulesEnabled, p.RulesEnabled}, pair[bool]{&s.SpecterEnabled, p.SpecterEnabled})
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return protectJSON(&s), 0, nil
}

// settingsTxn reads the settings document key into v and, for a PATCH,
// applies change and stores it, in one transaction.
func (inst *Instance) settingsTxn(r *http.Request, key string, v any, change func() error) error {
	if r.Method != http.MethodPatch {
		return inst.store.view(r.Context(), func(t *txn) error { return t.settings().load(key, v) })
	}
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.settings().load(key, v); err != nil {
			return err
		}
		if err := change(); err != nil {
			return err
		}
		return t.settings().save(key, v)
	})
	if err == nil {
		inst.environmentChanged()
	}
	return err
}

var countryRe = regexp.MustCompile(`^[A-Z]{2}$`)

func (inst *Instance) bapiInstanceCommunication(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Blocked *[]string `json:"blocked_country_codes"`
	}
	if r.Method == http.MethodPatch {
		if err := decodeBody(w, r, &p); err != nil {
			return nil, 0, err
		}
		if p.Blocked != nil {
			if len(*p.Blocked) > 250 {
				return nil, 0, errInvalid("blocked_country_codes", "blocked_country_codes holds at most 250 codes.")
			}
			seen := map[string]bool{}
			for _, c := range *p.Blocked {
				if !countryRe.MatchString(c) || seen[c] {
					return nil, 0, errInvalid("blocked_country_codes", "blocked_country_codes must be unique uppercase ISO 3166-1 alpha-2 codes.")
				}
				seen[c] = true
			}
		}
	}
	s := struct {
		Blocked []string `json:"blocked_country_codes"`
	}{}
	err := inst.settingsTxn(r, metaInstanceComm, &s, func() error {
		if p.Blocked != nil {
			s.Blocked = slices.Sorted(slices.Values(*p.Blocked))
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if s.Blocked == nil {
		s.Blocked = []string{}
	}
	return &instanceCommunicationWire{Object: "instance_communication", BlockedCountryCodes: s.Blocked}, 0, nil
}

type oauthAppSettings struct {
	DynamicRegistration bool     `json:"dynamic_oauth_client_registration"`
	DefaultScopes       []string `json:"default_scopes"`
	JWTAccessTokens     bool     `json:"oauth_jwt_access_tokens"`
	CIMDAdvertised      bool     `json:"client_id_metadata_documents_advertised"`
	CIMDPreRegistered   bool     `json:"client_id_metadata_documents_only_allow_pre_registered_clients"`
	CIMDBlockImplicit   bool     `json:"client_id_metadata_documents_block_implicitly_allowed_clients"`
}

// defaultOAuthScopes are Clerk's default scopes for OAuth applications.
var defaultOAuthScopes = []string{"email", "profile"}

func (inst *Instance) bapiOAuthApplicationSettings(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		DynamicRegistration *bool           `json:"dynamic_oauth_client_registration"`
		DefaultScopes       json.RawMessage `json:"default_scopes"`
		JWTAccessTokens     *bool           `json:"oauth_jwt_access_tokens"`
		CIMDAdvertised      *bool           `json:"client_id_metadata_documents_advertised"`
		CIMDPreRegistered   *bool           `json:"client_id_metadata_documents_only_allow_pre_registered_clients"`
		CIMDBlockImplicit   *bool           `json:"client_id_metadata_documents_block_implicitly_allowed_clients"`
	}
	var scopes []string
	if r.Method == http.MethodPatch {
		if err := decodeBody(w, r, &p); err != nil {
			return nil, 0, err
		}
		if len(p.DefaultScopes) > 0 && string(p.DefaultScopes) != "null" {
			if err := json.Unmarshal(p.DefaultScopes, &scopes); err != nil {
				return nil, 0, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "default_scopes", "default_scopes must be an array of strings.")
			}
			for _, sc := range scopes {
				if strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\n") {
					return nil, 0, errInvalid("default_scopes", "Each scope must be a non-empty word without spaces.")
				}
			}
			scopes = slices.Compact(slices.Sorted(slices.Values(scopes)))
		}
	}
	s := oauthAppSettings{DefaultScopes: defaultOAuthScopes}
	err := inst.settingsTxn(r, metaOAuthAppSettings, &s, func() error {
		setIf(pair[bool]{&s.DynamicRegistration, p.DynamicRegistration}, pair[bool]{&s.JWTAccessTokens, p.JWTAccessTokens},
			pair[bool]{&s.CIMDAdvertised, p.CIMDAdvertised}, pair[bool]{&s.CIMDPreRegistered, p.CIMDPreRegistered},
			pair[bool]{&s.CIMDBlockImplicit, p.CIMDBlockImplicit})
		switch {
		case string(p.DefaultScopes) == "null":
			s.DefaultScopes = defaultOAuthScopes // null resets to Clerk's defaults
		case scopes != nil:
			s.DefaultScopes = scopes
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return &oauthApplicationSettingsWire{Object: "oauth_application_settings", oauthAppSettings: s}, 0, nil
}

// orgSettings are the instance's organization settings. Roles are kept
// by key; the API takes and the answer names them by key too, except the
// update's *_role_id parameters, which take a role's id.
type orgSettings struct {
	Enabled               bool     `json:"enabled"`
	MaxAllowedMemberships int      `json:"max_allowed_memberships"`
	AdminDeleteEnabled    bool     `json:"admin_delete_enabled"`
	DomainsEnabled        bool     `json:"domains_enabled"`
	SlugDisabled          bool     `json:"slug_disabled"`
	EnrollmentModes       []string `json:"domains_enrollment_modes"`
	CreatorRole           string   `json:"creator_role"`
	DomainsDefaultRole    string   `json:"domains_default_role"`
}

func defaultOrgSettings() orgSettings {
	return orgSettings{Enabled: true, AdminDeleteEnabled: true, EnrollmentModes: []string{},
		CreatorRole: "org:admin", DomainsDefaultRole: "org:member"}
}

// loadOrgSettings reads the organization settings (defaults if never set).
func loadOrgSettings(t *txn) (orgSettings, error) {
	s := defaultOrgSettings()
	err := t.settings().load(metaOrgSettings, &s)
	return s, err
}

// localclerk's limits on roles and domains per organization.
const (
	maxOrgRoles   = 10
	maxOrgDomains = 10
)

func orgSettingsJSON(s *orgSettings) *organizationSettingsBAPIWire {
	w := &organizationSettingsBAPIWire{Object: "organization_settings", orgSettings: *s,
		MaxAllowedRoles: maxOrgRoles, MaxAllowedDomains: maxOrgDomains}
	if w.EnrollmentModes == nil {
		w.EnrollmentModes = []string{}
	}
	return w
}

func (inst *Instance) bapiOrganizationSettings(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Enabled               *bool     `json:"enabled"`
		MaxAllowedMemberships *int      `json:"max_allowed_memberships"`
		AdminDeleteEnabled    *bool     `json:"admin_delete_enabled"`
		DomainsEnabled        *bool     `json:"domains_enabled"`
		SlugDisabled          *bool     `json:"slug_disabled"`
		EnrollmentModes       *[]string `json:"domains_enrollment_modes"`
		CreatorRoleID         *string   `json:"creator_role_id"`
		DomainsDefaultRoleID  *string   `json:"domains_default_role_id"`
	}
	if r.Method == http.MethodPatch {
		if err := decodeBody(w, r, &p); err != nil {
			return nil, 0, err
		}
		if p.MaxAllowedMemberships != nil && *p.MaxAllowedMemberships < 0 {
			return nil, 0, errInvalid("max_allowed_memberships", "max_allowed_memberships must be 0 (unlimited) or more.")
		}
		if p.EnrollmentModes != nil {
			for _, m := range *p.EnrollmentModes {
				if m != "automatic_invitation" && m != "automatic_suggestion" && m != "manual_invitation" {
					return nil, 0, errInvalid("domains_enrollment_modes", "domains_enrollment_modes may hold automatic_invitation and automatic_suggestion.")
				}
			}
		}
	}
	s := defaultOrgSettings()
	if r.Method != http.MethodPatch {
		if err := inst.store.view(r.Context(), func(t *txn) error { return t.settings().load(metaOrgSettings, &s) }); err != nil {
			return nil, 0, err
		}
		return orgSettingsJSON(&s), 0, nil
	}
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.settings().load(metaOrgSettings, &s); err != nil {
			return err
		}
		setIf(pair[bool]{&s.Enabled, p.Enabled}, pair[bool]{&s.AdminDeleteEnabled, p.AdminDeleteEnabled},
			pair[bool]{&s.DomainsEnabled, p.DomainsEnabled}, pair[bool]{&s.SlugDisabled, p.SlugDisabled})
		setIf(pair[int]{&s.MaxAllowedMemberships, p.MaxAllowedMemberships})
		if p.EnrollmentModes != nil {
			s.EnrollmentModes = slices.Compact(slices.Sorted(slices.Values(*p.EnrollmentModes)))
		}
		for _, f := range []struct {
			param string
			id    *string
			dst   *string
		}{{"creator_role_id", p.CreatorRoleID, &s.CreatorRole}, {"domains_default_role_id", p.DomainsDefaultRoleID, &s.DomainsDefaultRole}} {
			if f.id == nil || *f.id == "" {
				continue
			}
			if err := ensureDefaultRoles(t, inst.now()); err != nil {
				return err
			}
			var ro role
			if err := t.roles().load(*f.id, &ro); err != nil {
				if errors.Is(err, errNotFound) {
					return errInvalid(f.param, f.param+" must be the id of an existing organization role.")
				}
				return err
			}
			*f.dst = ro.Key
		}
		return t.settings().save(metaOrgSettings, &s)
	})
	if err != nil {
		return nil, 0, err
	}
	inst.environmentChanged()
	return orgSettingsJSON(&s), 0, nil
}

// disposableDomains are well-known throwaway-mail domains, refused at
// sign-up (with their subdomains) while block_disposable_email_domains is
// on. Clerk keeps a far longer list; these are the common ones.
var disposableDomains = map[string]bool{
	"mailinator.com": true, "guerrillamail.com": true, "guerrillamail.net": true, "sharklasers.com": true,
	"10minutemail.com": true, "temp-mail.org": true, "tempmail.com": true, "tempail.com": true,
	"yopmail.com": true, "trashmail.com": true, "getnada.com": true, "dispostable.com": true,
	"maildrop.cc": true, "throwawaymail.com": true, "fakeinbox.com": true, "mailnesia.com": true,
	"mintemail.com": true, "emailondeck.com": true, "mohmal.com": true, "burnermail.io": true,
	"discard.email": true, "mytemp.email": true, "moakt.com": true, "spamgourmet.com": true,
	"trashmail.de": true, "mailcatch.com": true, "tempr.email": true, "dropmail.me": true,
}

func isDisposableDomain(domain string) bool {
	for d := domain; d != ""; {
		if disposableDomains[d] {
			return true
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
	}
	return false
}

// errEmailBlocked is Clerk's refusal of a sign-up address the instance's
// restrictions block.
func errEmailBlocked(param, why string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, "form_email_address_blocked", "This email address is not allowed.",
		why, paramMeta(param))
}

// checkEmailRestrictions applies block_email_subaddresses (a local part
// with +, = or #) and block_disposable_email_domains to the e-mail
// addresses of a sign-up. Clerk's test addresses (+clerk_test) stay
// usable, so development sign-ups keep working with subaddresses blocked.
func checkEmailRestrictions(rs *restrictions, identifiers []string, param string) error {
	if !rs.BlockEmailSubaddresses && !rs.BlockDisposableEmailDomains {
		return nil
	}
	for _, raw := range identifiers {
		local, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(raw)), "@")
		if !ok {
			continue
		}
		if rs.BlockEmailSubaddresses && strings.ContainsAny(local, "+=#") && !isTestEmail(raw) {
			return errEmailBlocked(param, "Email addresses with a subaddress (+, = or #) are not allowed on this instance.")
		}
		if rs.BlockDisposableEmailDomains && isDisposableDomain(domain) {
			return errEmailBlocked(param, "Disposable email addresses are not allowed on this instance.")
		}
	}
	return nil
}
