package localclerk

import (
	"encoding/json"
	"net/http"
	"slices"
)

// environmentCache is the encoded /v1/environment answer of one
// generation of the settings it depends on.
type environmentCache struct {
	gen  uint64
	body []byte
}

// environmentChanged marks the cached environment stale; call it after a
// committed change of the settings it shows (organization settings,
// instance settings, an import).
func (inst *Instance) environmentChanged() { inst.envGen.Add(1) }

// handleEnvironment answers GET /v1/environment: how this instance is
// configured, as clerk-js and the prebuilt components read it. localclerk
// is a development instance with e-mail + password and e-mail code
// sign-in, organizations on, and no captcha, bot protection, social
// providers, passkeys or MFA. The answer is served from memory: it is
// rebuilt only after the settings change, so no read of it waits for a
// writer.
func (inst *Instance) handleEnvironment(w http.ResponseWriter, r *http.Request) {
	gen := inst.envGen.Load()
	if c := inst.env.Load(); c != nil && c.gen == gen {
		writeRawJSON(w, c.body)
		return
	}
	var settings Settings
	err := inst.store.view(r.Context(), func(t *txn) error {
		var err error
		settings, err = loadSettings(t)
		return err
	})
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	body, err := json.Marshal(inst.environment(&settings))
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	// A build that raced a change stores an old generation, never served.
	inst.env.Store(&environmentCache{gen: gen, body: body})
	writeRawJSON(w, body)
}

func writeRawJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// served reports whether the instance routes pattern ("METHOD /path"):
// the environment advertises a feature only when the Frontend API
// operation behind it is served.
func (inst *Instance) served(pattern string) bool {
	return inst.mux != nil && slices.Contains(inst.mux.patterns, pattern)
}

// environment is the Environment for the instance settings s. Every
// feature it turns on is one localclerk serves; the ones whose Frontend
// API operations are missing stay off, so that the components never show
// a button that ends in an error.
func (inst *Instance) environment(s *Settings) map[string]any {
	env := inst.environmentJSON()
	inst.servedSettings(s).applyToEnvironment(env)
	org := orgSettings(s.Organization)
	us := env["user_settings"].(map[string]any)
	us["social"] = inst.socialSettingsJSON()
	ac := env["auth_config"].(map[string]any)
	ac["first_factors"] = append(ac["first_factors"].([]string), inst.oauthStrategies()...)
	us["actions"] = map[string]any{
		"delete_self":                inst.served("DELETE /v1/me"),
		"create_organization":        inst.served("POST /v1/organizations"),
		"create_organizations_limit": false,
	}
	// The organization settings set through the Backend API (bapi_instance.go).
	m := env["organization_settings"].(map[string]any)
	m["enabled"], m["max_allowed_memberships"], m["creator_role"] = org.Enabled, org.MaxAllowedMemberships, org.CreatorRole
	m["actions"] = map[string]any{"admin_delete": org.AdminDeleteEnabled && inst.served("DELETE /v1/organizations/{id}")}
	m["domains"] = map[string]any{"enabled": org.DomainsEnabled && inst.served("GET /v1/organizations/{id}/domains"),
		"enrollment_modes": org.EnrollmentModes, "default_role": org.DomainsDefaultRole}
	m["slug"] = map[string]any{"disabled": org.SlugDisabled}
	env["api_keys_settings"] = inst.apiKeysEnvironment(s.APIKeys)
	if inst.served("POST /v1/client/sign_ins/{id}/reset_password") {
		ac := env["auth_config"].(map[string]any)
		ac["first_factors"] = append(ac["first_factors"].([]string), strategyResetPasswordEmail)
	}
	return env
}

func (inst *Instance) environmentJSON() map[string]any {
	base := inst.FrontendAPIURL
	off := func() map[string]any {
		return attribute(false, false, nil, nil)
	}
	return map[string]any{
		"object": "environment", "id": "env_localclerk",
		"auth_config": map[string]any{
			"object": "auth_config", "id": "aac_localclerk", "single_session_mode": true,
			"claimed_at": nil, "reverification": false, "session_minter": false,
			"first_name": "on", "last_name": "on", "email_address": "required", "phone_number": "off",
			"username": "off", "password": "required",
			"identification_requirements":           [][]string{{"email_address"}},
			"identification_strategies":             []string{"email_address"},
			"first_factors":                         []string{"email_code", "password"},
			"second_factors":                        []string{},
			"email_address_verification_strategies": []string{"email_code"},
			"enhanced_email_deliverability":         false, "test_mode": true, "url_based_session_syncing": true,
			"native_settings": map[string]any{"object": "native_settings", "api_enabled": false, "trusted_device_sign_in_enabled": false,
				"trusted_device_enrollment_prompt_after_sign_in_enabled": false, "trusted_device_enrollment_prompt_after_sign_up_enabled": false},
		},
		"display_config": map[string]any{
			"object": "display_config", "id": "display_config_localclerk",
			"instance_environment_type":      "development",
			"application_name":               "localclerk",
			"branded":                        false,
			"preferred_sign_in_strategy":     "password",
			"sign_in_url":                    base + "/sign-in",
			"sign_up_url":                    base + "/sign-up",
			"user_profile_url":               base + "/user",
			"home_url":                       base + "/",
			"after_sign_in_url":              base + "/user",
			"after_sign_up_url":              base + "/user",
			"after_sign_out_one_url":         base + "/sign-in",
			"after_sign_out_all_url":         base + "/sign-in",
			"after_switch_session_url":       base + "/user",
			"organization_profile_url":       base + "/user",
			"create_organization_url":        base + "/user",
			"after_leave_organization_url":   base + "/user",
			"after_create_organization_url":  base + "/user",
			"waitlist_url":                   base + "/sign-up",
			"after_join_waitlist_url":        base + "/",
			"support_email":                  nil,
			"logo_image_url":                 "",
			"favicon_image_url":              "",
			"clerk_js_version":               ClerkJSVersion,
			"show_devmode_warning":           true,
			"terms_url":                      nil,
			"privacy_policy_url":             nil,
			"captcha_public_key":             nil,
			"captcha_widget_type":            nil,
			"captcha_provider":               nil,
			"captcha_public_key_invisible":   nil,
			"captcha_oauth_bypass":           []string{},
			"captcha_heartbeat":              false,
			"captcha_heartbeat_interval_ms":  nil,
			"google_one_tap_client_id":       nil,
			"oauth_consent_url":              base + "/user",
			"logo_link_url":                  base + "/",
			"experimental_force_oauth_first": false,
			"help_url":                       nil,
			"logo_url":                       nil,
			"favicon_url":                    nil,
			"logo_image":                     nil,
			"favicon_image":                  nil,
			"theme": map[string]any{
				"general": map[string]any{"color": "#6c47ff", "background_color": "#ffffff", "font_family": "", "font_color": "#151515",
					"label_font_weight": "600", "padding": "1em", "border_radius": "0.5em", "box_shadow": "none"},
				"buttons":  map[string]any{"font_color": "#ffffff", "font_family": "", "font_weight": "600"},
				"accounts": map[string]any{"background_color": "#ffffff"},
			},
		},
		"user_settings": map[string]any{
			"attributes": map[string]any{
				"email_address":     attribute(true, true, []string{"email_code"}, []string{"email_code"}),
				"password":          withRequired(attribute(true, false, nil, nil)),
				"first_name":        attribute(true, false, nil, nil),
				"last_name":         attribute(true, false, nil, nil),
				"username":          off(),
				"phone_number":      off(),
				"web3_wallet":       off(),
				"authenticator_app": off(),
				"backup_code":       off(),
				"passkey":           off(),
				"ticket":            off(),
			},
			"social":         map[string]any{},
			"enterprise_sso": map[string]any{"enabled": false, "self_serve_sso": false},
			"saml":           map[string]any{"enabled": false},
			"restrictions": map[string]any{"allowlist": disabled(), "blocklist": disabled(), "allowlist_blocklist_disabled_on_sign_in": disabled(),
				"block_email_subaddresses": disabled(), "block_disposable_email_domains": disabled()},
			"sign_in": map[string]any{"second_factor": map[string]any{"required": false, "enabled": false}},
			"sign_up": map[string]any{"allowlist_only": false, "progressive": true, "captcha_enabled": false,
				"captcha_widget_type": "invisible", "mode": "public", "legal_consent_enabled": false, "custom_action_required": false,
				"mfa": map[string]any{"required": false}},
			"password_settings": map[string]any{"allowed_special_characters": "", "disable_hibp": true, "min_length": 8, "max_length": 256,
				"require_special_char": false, "require_numbers": false, "require_uppercase": false, "require_lowercase": false,
				"show_zxcvbn": false, "min_zxcvbn_strength": 0, "enforce_hibp_on_sign_in": false, "disable_password_reverification": false},
			"passkey_settings": map[string]any{"allow_autofill": false, "show_sign_in_button": false, "satisfies_second_factor": false},
			"username_settings": map[string]any{"min_length": 3, "max_length": 64, "allow_extended_special_characters": false,
				"allow_numeric_usernames": false},
			"attack_protection": map[string]any{"enumeration_protection": map[string]any{"enabled": false},
				"user_lockout": map[string]any{"enabled": false, "max_attempts": 100, "duration_in_minutes": 60},
				"pii":          map[string]any{"enabled": false}, "email_link": map[string]any{"require_same_client": false}},
		},
		"organization_settings": map[string]any{
			"enabled": true, "max_allowed_memberships": 0, "force_organization_selection": false, "creator_role": "org:admin",
			"actions":                        map[string]any{"admin_delete": true},
			"domains":                        map[string]any{"enabled": false, "enrollment_modes": []string{}, "default_role": "org:member"},
			"slug":                           map[string]any{"disabled": false},
			"organization_creation_defaults": map[string]any{"enabled": false},
		},
		"commerce_settings": map[string]any{"billing": map[string]any{
			"stripe_publishable_key": nil,
			"organization":           map[string]any{"enabled": false, "has_paid_plans": false},
			"user":                   map[string]any{"enabled": false, "has_paid_plans": false},
		}},
		"api_keys_settings":   map[string]any{"enabled": false, "user_api_keys_enabled": false, "orgs_api_keys_enabled": false},
		"protect_config":      map[string]any{"object": "protect_config", "id": "protect_config_localclerk", "loaders": []any{}},
		"maintenance_mode":    false,
		"client_debug_mode":   false,
		"partitioned_cookies": false,
	}
}

func disabled() map[string]any { return map[string]any{"enabled": false} }

func withRequired(a map[string]any) map[string]any { a["required"] = true; return a }

// attribute is one entry of user_settings.attributes.
func attribute(enabled, firstFactor bool, firstFactors, verifications []string) map[string]any {
	if firstFactors == nil {
		firstFactors = []string{}
	}
	if verifications == nil {
		verifications = []string{}
	}
	return map[string]any{
		"enabled": enabled, "required": enabled && firstFactor, "used_for_first_factor": firstFactor,
		"first_factors": firstFactors, "used_for_second_factor": false, "second_factors": []string{},
		"verifications": verifications, "verify_at_sign_up": len(verifications) > 0, "immutable": false,
	}
}
