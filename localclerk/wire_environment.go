package localclerk

// The Frontend API's Environment (GET /v1/environment) as Go types: what
// clerk-js and the prebuilt components read to decide what to render.
// Fields the spec marks nullable that localclerk never sets are *string
// (or *int), always nil, so that they encode as null.

// environmentWire is the whole /v1/environment answer.
type environmentWire struct {
	Object               string                   `json:"object"`
	ID                   string                   `json:"id"`
	AuthConfig           authConfigWire           `json:"auth_config"`
	DisplayConfig        displayConfigWire        `json:"display_config"`
	UserSettings         userSettingsWire         `json:"user_settings"`
	OrganizationSettings organizationSettingsWire `json:"organization_settings"`
	CommerceSettings     commerceSettingsWire     `json:"commerce_settings"`
	APIKeysSettings      apiKeysSettingsWire      `json:"api_keys_settings"`
	ProtectConfig        protectConfigWire        `json:"protect_config"`
	MaintenanceMode      bool                     `json:"maintenance_mode"`
	ClientDebugMode      bool                     `json:"client_debug_mode"`
	PartitionedCookies   bool                     `json:"partitioned_cookies"`
}

// authConfigWire is environment.auth_config.
type authConfigWire struct {
	Object                             string             `json:"object"`
	ID                                 string             `json:"id"`
	SingleSessionMode                  bool               `json:"single_session_mode"`
	ClaimedAt                          *int64             `json:"claimed_at"`
	Reverification                     bool               `json:"reverification"`
	SessionMinter                      bool               `json:"session_minter"`
	FirstName                          string             `json:"first_name"`
	LastName                           string             `json:"last_name"`
	EmailAddress                       string             `json:"email_address"`
	PhoneNumber                        string             `json:"phone_number"`
	Username                           string             `json:"username"`
	Password                           string             `json:"password"`
	IdentificationRequirements         [][]string         `json:"identification_requirements"`
	IdentificationStrategies           []string           `json:"identification_strategies"`
	FirstFactors                       []string           `json:"first_factors"`
	SecondFactors                      []string           `json:"second_factors"`
	EmailAddressVerificationStrategies []string           `json:"email_address_verification_strategies"`
	EnhancedEmailDeliverability        bool               `json:"enhanced_email_deliverability"`
	TestMode                           bool               `json:"test_mode"`
	URLBasedSessionSyncing             bool               `json:"url_based_session_syncing"`
	NativeSettings                     nativeSettingsWire `json:"native_settings"`
}

// nativeSettingsWire is auth_config.native_settings.
type nativeSettingsWire struct {
	Object                                   string `json:"object"`
	APIEnabled                               bool   `json:"api_enabled"`
	TrustedDeviceSignInEnabled               bool   `json:"trusted_device_sign_in_enabled"`
	TrustedDeviceEnrollmentPromptAfterSignIn bool   `json:"trusted_device_enrollment_prompt_after_sign_in_enabled"`
	TrustedDeviceEnrollmentPromptAfterSignUp bool   `json:"trusted_device_enrollment_prompt_after_sign_up_enabled"`
}

// displayConfigWire is environment.display_config: names, URLs and the
// theme the components use.
type displayConfigWire struct {
	Object                      string    `json:"object"`
	ID                          string    `json:"id"`
	InstanceEnvironmentType     string    `json:"instance_environment_type"`
	ApplicationName             string    `json:"application_name"`
	Branded                     bool      `json:"branded"`
	PreferredSignInStrategy     string    `json:"preferred_sign_in_strategy"`
	SignInURL                   string    `json:"sign_in_url"`
	SignUpURL                   string    `json:"sign_up_url"`
	UserProfileURL              string    `json:"user_profile_url"`
	HomeURL                     string    `json:"home_url"`
	AfterSignInURL              string    `json:"after_sign_in_url"`
	AfterSignUpURL              string    `json:"after_sign_up_url"`
	AfterSignOutOneURL          string    `json:"after_sign_out_one_url"`
	AfterSignOutAllURL          string    `json:"after_sign_out_all_url"`
	AfterSwitchSessionURL       string    `json:"after_switch_session_url"`
	OrganizationProfileURL      string    `json:"organization_profile_url"`
	CreateOrganizationURL       string    `json:"create_organization_url"`
	AfterLeaveOrganizationURL   string    `json:"after_leave_organization_url"`
	AfterCreateOrganizationURL  string    `json:"after_create_organization_url"`
	WaitlistURL                 string    `json:"waitlist_url"`
	AfterJoinWaitlistURL        string    `json:"after_join_waitlist_url"`
	SupportEmail                *string   `json:"support_email"`
	LogoImageURL                string    `json:"logo_image_url"`
	FaviconImageURL             string    `json:"favicon_image_url"`
	ClerkJSVersion              string    `json:"clerk_js_version"`
	ShowDevmodeWarning          bool      `json:"show_devmode_warning"`
	TermsURL                    *string   `json:"terms_url"`
	PrivacyPolicyURL            *string   `json:"privacy_policy_url"`
	CaptchaPublicKey            *string   `json:"captcha_public_key"`
	CaptchaWidgetType           *string   `json:"captcha_widget_type"`
	CaptchaProvider             *string   `json:"captcha_provider"`
	CaptchaPublicKeyInvisible   *string   `json:"captcha_public_key_invisible"`
	CaptchaOAuthBypass          []string  `json:"captcha_oauth_bypass"`
	CaptchaHeartbeat            bool      `json:"captcha_heartbeat"`
	CaptchaHeartbeatIntervalMs  *int      `json:"captcha_heartbeat_interval_ms"`
	GoogleOneTapClientID        *string   `json:"google_one_tap_client_id"`
	OAuthConsentURL             string    `json:"oauth_consent_url"`
	LogoLinkURL                 string    `json:"logo_link_url"`
	ExperimentalForceOAuthFirst bool      `json:"experimental_force_oauth_first"`
	HelpURL                     *string   `json:"help_url"`
	LogoURL                     *string   `json:"logo_url"`
	FaviconURL                  *string   `json:"favicon_url"`
	LogoImage                   *string   `json:"logo_image"`
	FaviconImage                *string   `json:"favicon_image"`
	Theme                       themeWire `json:"theme"`
}

// themeWire is display_config.theme, Clerk's default look.
type themeWire struct {
	General struct {
		Color           string `json:"color"`
		BackgroundColor string `json:"background_color"`
		FontFamily      string `json:"font_family"`
		FontColor       string `json:"font_color"`
		LabelFontWeight string `json:"label_font_weight"`
		Padding         string `json:"padding"`
		BorderRadius    string `json:"border_radius"`
		BoxShadow       string `json:"box_shadow"`
	} `json:"general"`
	Buttons struct {
		FontColor  string `json:"font_color"`
		FontFamily string `json:"font_family"`
		FontWeight string `json:"font_weight"`
	} `json:"buttons"`
	Accounts struct {
		BackgroundColor string `json:"background_color"`
	} `json:"accounts"`
}

// userSettingsWire is environment.user_settings.
type userSettingsWire struct {
	Attributes       attributesWire                `json:"attributes"`
	Social           map[string]*socialSettingWire `json:"social"`
	EnterpriseSSO    enterpriseSSOWire             `json:"enterprise_sso"`
	SAML             enabledWire                   `json:"saml"`
	Restrictions     restrictionsWire              `json:"restrictions"`
	SignIn           signInSettingsWire            `json:"sign_in"`
	SignUp           signUpSettingsWire            `json:"sign_up"`
	PasswordSettings passwordSettingsWire          `json:"password_settings"`
	PasskeySettings  passkeySettingsWire           `json:"passkey_settings"`
	UsernameSettings usernameSettingsWire          `json:"username_settings"`
	AttackProtection attackProtectionWire          `json:"attack_protection"`
	Actions          userActionsWire               `json:"actions"`
}

// attributesWire is user_settings.attributes, one entry per attribute.
type attributesWire struct {
	EmailAddress     attributeWire `json:"email_address"`
	Password         attributeWire `json:"password"`
	FirstName        attributeWire `json:"first_name"`
	LastName         attributeWire `json:"last_name"`
	Username         attributeWire `json:"username"`
	PhoneNumber      attributeWire `json:"phone_number"`
	Web3Wallet       attributeWire `json:"web3_wallet"`
	AuthenticatorApp attributeWire `json:"authenticator_app"`
	BackupCode       attributeWire `json:"backup_code"`
	Passkey          attributeWire `json:"passkey"`
	Ticket           attributeWire `json:"ticket"`
}

// attributeWire is one entry of user_settings.attributes.
type attributeWire struct {
	Enabled             bool     `json:"enabled"`
	Required            bool     `json:"required"`
	UsedForFirstFactor  bool     `json:"used_for_first_factor"`
	FirstFactors        []string `json:"first_factors"`
	UsedForSecondFactor bool     `json:"used_for_second_factor"`
	SecondFactors       []string `json:"second_factors"`
	Verifications       []string `json:"verifications"`
	VerifyAtSignUp      bool     `json:"verify_at_sign_up"`
	Immutable           bool     `json:"immutable"`
}

// offAttribute is an attribute that is not enabled: its lists are empty,
// not null, as clerk-js iterates them.
func offAttribute() attributeWire {
	return attributeWire{FirstFactors: []string{}, SecondFactors: []string{}, Verifications: []string{}}
}

// enabledWire is the common {"enabled": bool} object.
type enabledWire struct {
	Enabled bool `json:"enabled"`
}

type enterpriseSSOWire struct {
	Enabled      bool `json:"enabled"`
	SelfServeSSO bool `json:"self_serve_sso"`
}

// restrictionsWire is user_settings.restrictions; localclerk has none.
type restrictionsWire struct {
	Allowlist                          enabledWire `json:"allowlist"`
	Blocklist                          enabledWire `json:"blocklist"`
	AllowlistBlocklistDisabledOnSignIn enabledWire `json:"allowlist_blocklist_disabled_on_sign_in"`
	BlockEmailSubaddresses             enabledWire `json:"block_email_subaddresses"`
	BlockDisposableEmailDomains        enabledWire `json:"block_disposable_email_domains"`
}

// signInSettingsWire is user_settings.sign_in.
type signInSettingsWire struct {
	SecondFactor secondFactorFlagWire `json:"second_factor"`
}

type secondFactorFlagWire struct {
	Required bool `json:"required"`
	Enabled  bool `json:"enabled"`
}

// signUpSettingsWire is user_settings.sign_up.
type signUpSettingsWire struct {
	AllowlistOnly        bool             `json:"allowlist_only"`
	Progressive          bool             `json:"progressive"`
	CaptchaEnabled       bool             `json:"captcha_enabled"`
	CaptchaWidgetType    string           `json:"captcha_widget_type"`
	Mode                 string           `json:"mode"`
	LegalConsentEnabled  bool             `json:"legal_consent_enabled"`
	CustomActionRequired bool             `json:"custom_action_required"`
	MFA                  requiredFlagWire `json:"mfa"`
}

type requiredFlagWire struct {
	Required bool `json:"required"`
}

// passwordSettingsWire is user_settings.password_settings.
type passwordSettingsWire struct {
	AllowedSpecialCharacters      string `json:"allowed_special_characters"`
	DisableHIBP                   bool   `json:"disable_hibp"`
	MinLength                     int    `json:"min_length"`
	MaxLength                     int    `json:"max_length"`
	RequireSpecialChar            bool   `json:"require_special_char"`
	RequireNumbers                bool   `json:"require_numbers"`
	RequireUppercase              bool   `json:"require_uppercase"`
	RequireLowercase              bool   `json:"require_lowercase"`
	ShowZxcvbn                    bool   `json:"show_zxcvbn"`
	MinZxcvbnStrength             int    `json:"min_zxcvbn_strength"`
	EnforceHIBPOnSignIn           bool   `json:"enforce_hibp_on_sign_in"`
	DisablePasswordReverification bool   `json:"disable_password_reverification"`
}

// passkeySettingsWire is user_settings.passkey_settings.
type passkeySettingsWire struct {
	AllowAutofill         bool `json:"allow_autofill"`
	ShowSignInButton      bool `json:"show_sign_in_button"`
	SatisfiesSecondFactor bool `json:"satisfies_second_factor"`
}

// usernameSettingsWire is user_settings.username_settings.
type usernameSettingsWire struct {
	MinLength                      int  `json:"min_length"`
	MaxLength                      int  `json:"max_length"`
	AllowExtendedSpecialCharacters bool `json:"allow_extended_special_characters"`
	AllowNumericUsernames          bool `json:"allow_numeric_usernames"`
}

// attackProtectionWire is user_settings.attack_protection.
type attackProtectionWire struct {
	EnumerationProtection enabledWire `json:"enumeration_protection"`
	UserLockout           struct {
		Enabled           bool `json:"enabled"`
		MaxAttempts       int  `json:"max_attempts"`
		DurationInMinutes int  `json:"duration_in_minutes"`
	} `json:"user_lockout"`
	PII       enabledWire `json:"pii"`
	EmailLink struct {
		RequireSameClient bool `json:"require_same_client"`
	} `json:"email_link"`
}

// userActionsWire is user_settings.actions: what a user may do to
// themselves from the components.
type userActionsWire struct {
	DeleteSelf               bool `json:"delete_self"`
	CreateOrganization       bool `json:"create_organization"`
	CreateOrganizationsLimit bool `json:"create_organizations_limit"`
}

// organizationSettingsWire is environment.organization_settings.
type organizationSettingsWire struct {
	Enabled                    bool   `json:"enabled"`
	MaxAllowedMemberships      int    `json:"max_allowed_memberships"`
	ForceOrganizationSelection bool   `json:"force_organization_selection"`
	CreatorRole                string `json:"creator_role"`
	Actions                    struct {
		AdminDelete bool `json:"admin_delete"`
	} `json:"actions"`
	Domains struct {
		Enabled         bool     `json:"enabled"`
		EnrollmentModes []string `json:"enrollment_modes"`
		DefaultRole     string   `json:"default_role"`
	} `json:"domains"`
	Slug struct {
		Disabled bool `json:"disabled"`
	} `json:"slug"`
	OrganizationCreationDefaults enabledWire `json:"organization_creation_defaults"`
}

// commerceSettingsWire is environment.commerce_settings; billing is off.
type commerceSettingsWire struct {
	Billing struct {
		StripePublishableKey *string          `json:"stripe_publishable_key"`
		Organization         billingPayerWire `json:"organization"`
		User                 billingPayerWire `json:"user"`
	} `json:"billing"`
}

type billingPayerWire struct {
	Enabled      bool `json:"enabled"`
	HasPaidPlans bool `json:"has_paid_plans"`
}

// apiKeysSettingsWire is environment.api_keys_settings.
type apiKeysSettingsWire struct {
	Enabled            bool `json:"enabled"`
	UserAPIKeysEnabled bool `json:"user_api_keys_enabled"`
	OrgsAPIKeysEnabled bool `json:"orgs_api_keys_enabled"`
}

// protectConfigWire is environment.protect_config; localclerk loads no
// bot-protection scripts.
type protectConfigWire struct {
	Object  string     `json:"object"`
	ID      string     `json:"id"`
	Loaders []struct{} `json:"loaders"`
}
