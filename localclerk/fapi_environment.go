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
func (inst *Instance) environment(s *Settings) *environmentWire {
	env := inst.baseEnvironment()
	inst.servedSettings(s).applyToEnvironment(env)
	us, ac := &env.UserSettings, &env.AuthConfig
	us.Social = inst.socialSettingsJSON()
	ac.FirstFactors = append(ac.FirstFactors, inst.oauthStrategies()...)
	us.Actions = userActionsWire{
		DeleteSelf:         inst.served("DELETE /v1/me"),
		CreateOrganization: inst.served("POST /v1/organizations"),
	}
	// The organization settings set through the Backend API (bapi_instance.go).
	org, m := orgSettings(s.Organization), &env.OrganizationSettings
	m.Enabled, m.MaxAllowedMemberships, m.CreatorRole = org.Enabled, org.MaxAllowedMemberships, org.CreatorRole
	m.Actions.AdminDelete = org.AdminDeleteEnabled && inst.served("DELETE /v1/organizations/{id}")
	m.Domains.Enabled = org.DomainsEnabled && inst.served("GET /v1/organizations/{id}/domains")
	m.Domains.EnrollmentModes, m.Domains.DefaultRole = org.EnrollmentModes, org.DomainsDefaultRole
	m.Slug.Disabled = org.SlugDisabled
	env.APIKeysSettings = inst.apiKeysEnvironment(s.APIKeys)
	if inst.served("POST /v1/client/sign_ins/{id}/reset_password") {
		ac.FirstFactors = append(ac.FirstFactors, strategyResetPasswordEmail)
	}
	return env
}

// baseEnvironment is the environment of a development instance before
// the settings apply: e-mail + password and e-mail code sign-in, and
// every optional feature off.
func (inst *Instance) baseEnvironment() *environmentWire {
	base := inst.FrontendAPIURL
	off := offAttribute
	optional := func() attributeWire { a := off(); a.Enabled = true; return a }
	password := optional()
	password.Required = true
	email := optional()
	email.Required, email.UsedForFirstFactor, email.VerifyAtSignUp = true, true, true
	email.FirstFactors, email.Verifications = []string{"email_code"}, []string{"email_code"}
	env := &environmentWire{
		Object: "environment", ID: "env_localclerk",
		AuthConfig: authConfigWire{
			Object: "auth_config", ID: "aac_localclerk", SingleSessionMode: true,
			FirstName: ModeOn, LastName: ModeOn, EmailAddress: ModeRequired, PhoneNumber: ModeOff,
			Username: ModeOff, Password: ModeRequired,
			IdentificationRequirements:         [][]string{{"email_address"}},
			IdentificationStrategies:           []string{"email_address"},
			FirstFactors:                       []string{"email_code", "password"},
			SecondFactors:                      []string{},
			EmailAddressVerificationStrategies: []string{"email_code"},
			TestMode:                           true, URLBasedSessionSyncing: true,
			NativeSettings: nativeSettingsWire{Object: "native_settings"},
		},
		DisplayConfig: displayConfigWire{
			Object: "display_config", ID: "display_config_localclerk",
			InstanceEnvironmentType:    "development",
			ApplicationName:            "localclerk",
			PreferredSignInStrategy:    "password",
			SignInURL:                  base + "/sign-in",
			SignUpURL:                  base + "/sign-up",
			UserProfileURL:             base + "/user",
			HomeURL:                    base + "/",
			AfterSignInURL:             base + "/user",
			AfterSignUpURL:             base + "/user",
			AfterSignOutOneURL:         base + "/sign-in",
			AfterSignOutAllURL:         base + "/sign-in",
			AfterSwitchSessionURL:      inst.afterSwitchSessionURL(),
			OrganizationProfileURL:     base + "/user",
			CreateOrganizationURL:      base + "/user",
			AfterLeaveOrganizationURL:  base + "/user",
			AfterCreateOrganizationURL: base + "/user",
			WaitlistURL:                base + "/sign-up",
			AfterJoinWaitlistURL:       base + "/",
			ClerkJSVersion:             ClerkJSVersion,
			ShowDevmodeWarning:         true,
			CaptchaOAuthBypass:         []string{},
			OAuthConsentURL:            base + "/user",
			LogoLinkURL:                base + "/",
		},
		UserSettings: userSettingsWire{
			Attributes: attributesWire{
				EmailAddress: email, Password: password, FirstName: optional(), LastName: optional(),
				Username: off(), PhoneNumber: off(), Web3Wallet: off(), AuthenticatorApp: off(),
				BackupCode: off(), Passkey: off(), Ticket: off(),
			},
			Social:           map[string]*socialSettingWire{},
			SignUp:           signUpSettingsWire{Progressive: true, CaptchaWidgetType: "invisible", Mode: SignUpPublic},
			PasswordSettings: passwordSettingsWire{DisableHIBP: true, MinLength: 8, MaxLength: 256},
			UsernameSettings: usernameSettingsWire{MinLength: 3, MaxLength: 64},
		},
		OrganizationSettings: organizationSettingsWire{Enabled: true, CreatorRole: "org:admin"},
		ProtectConfig:        protectConfigWire{Object: "protect_config", ID: "protect_config_localclerk", Loaders: []struct{}{}},
	}
	t := &env.DisplayConfig.Theme
	t.General.Color, t.General.BackgroundColor, t.General.FontColor = "#6c47ff", "#ffffff", "#151515"
	t.General.LabelFontWeight, t.General.Padding, t.General.BorderRadius, t.General.BoxShadow = "600", "1em", "0.5em", "none"
	t.Buttons.FontColor, t.Buttons.FontWeight = "#ffffff", "600"
	t.Accounts.BackgroundColor = "#ffffff"
	up := &env.UserSettings.AttackProtection.UserLockout
	up.MaxAttempts, up.DurationInMinutes = 100, 60
	od := &env.OrganizationSettings
	od.Actions.AdminDelete, od.Domains.EnrollmentModes, od.Domains.DefaultRole = true, []string{}, "org:member"
	return env
}

// afterSwitchSessionURL is where UserButton goes after switching
// accounts: the application's home (Options.AfterSignInURL) when it is
// known, as on Clerk, else the account page.
func (inst *Instance) afterSwitchSessionURL() string {
	if inst.opts.AfterSignInURL != "" {
		return inst.opts.AfterSignInURL
	}
	return inst.FrontendAPIURL + "/user"
}
