package localclerk

// The environment's sign-in configuration, from the served part of the
// instance settings (settings.go): what clerk-js's SignIn, SignUp and
// UserProfile render.

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

// usernameSettingsWire is user_settings.username_settings.
type usernameSettingsWire struct {
	MinLength                      int  `json:"min_length"`
	MaxLength                      int  `json:"max_length"`
	AllowExtendedSpecialCharacters bool `json:"allow_extended_special_characters"`
	AllowNumericUsernames          bool `json:"allow_numeric_usernames"`
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

type secondFactorFlagWire struct {
	Required bool `json:"required"`
	Enabled  bool `json:"enabled"`
}

func onOff(enabled, required bool) string {
	switch {
	case required:
		return ModeRequired
	case enabled:
		return ModeOn
	}
	return ModeOff
}

// secondFactors are the served second factor strategies that are on.
func (ss *servedSettings) secondFactors() []string {
	out := []string{}
	if ss.totp {
		out = append(out, "totp")
	}
	if ss.backup {
		out = append(out, "backup_code")
	}
	if ss.phoneSecond {
		out = append(out, "phone_code")
	}
	return out
}

// identifiers are the identifier strategies a sign-in accepts.
func (ss *servedSettings) identifiers() []string {
	var out []string
	if ss.email {
		out = append(out, "email_address")
	}
	if ss.username {
		out = append(out, "username")
	}
	if ss.phone {
		out = append(out, "phone_number")
	}
	return out
}

// firstFactors are the first-factor strategies that are on.
func (ss *servedSettings) firstFactors() []string {
	out := []string{}
	if ss.emailCode {
		out = append(out, "email_code")
	}
	if ss.password {
		out = append(out, "password")
	}
	if ss.phoneCode {
		out = append(out, "phone_code")
	}
	return out
}

// applySettings writes the served settings into the environment env.
func (ss *servedSettings) applyToEnvironment(env map[string]any) {
	list := func(v ...string) []string { return append([]string{}, v...) }
	email := attributeWire{Enabled: ss.email, Required: ss.emailRequired, UsedForFirstFactor: ss.email,
		FirstFactors: list(), SecondFactors: list(), Verifications: list()}
	if ss.email {
		email.Verifications, email.VerifyAtSignUp = list("email_code"), true
		if ss.emailCode {
			email.FirstFactors = list("email_code")
		}
	}
	username := attributeWire{Enabled: ss.username, Required: ss.usernameReq, UsedForFirstFactor: ss.username,
		FirstFactors: list(), SecondFactors: list(), Verifications: list()}
	phone := attributeWire{Enabled: ss.phone, Required: ss.phoneReq, UsedForFirstFactor: ss.phoneCode,
		FirstFactors: list(), UsedForSecondFactor: ss.phoneSecond, SecondFactors: list(), Verifications: list()}
	if ss.phone {
		phone.Verifications, phone.VerifyAtSignUp = list("phone_code"), true
		if ss.phoneCode {
			phone.FirstFactors = list("phone_code")
		}
		if ss.phoneSecond {
			phone.SecondFactors = list("phone_code")
		}
	}
	password := attributeWire{Enabled: ss.password, Required: ss.password,
		FirstFactors: list(), SecondFactors: list(), Verifications: list()}
	second := func(on bool, strategy string) attributeWire {
		a := attributeWire{Enabled: on, UsedForSecondFactor: on, FirstFactors: list(), SecondFactors: list(), Verifications: list()}
		if on {
			a.SecondFactors = list(strategy)
		}
		return a
	}
	us := env["user_settings"].(map[string]any)
	attrs := us["attributes"].(map[string]any)
	attrs["email_address"], attrs["username"], attrs["password"], attrs["phone_number"] = email, username, password, phone
	attrs["authenticator_app"], attrs["backup_code"] = second(ss.totp, "totp"), second(ss.backup, "backup_code")
	mode := SignUpPublic
	if ss.restricted {
		mode = SignUpRestricted
		if ss.waitlist {
			mode = SignUpWaitlist
		}
	}
	us["sign_up"] = signUpSettingsWire{Progressive: true, CaptchaWidgetType: "invisible", Mode: mode}
	us["sign_in"] = map[string]secondFactorFlagWire{"second_factor": {Enabled: ss.totp || ss.backup || ss.phoneSecond}}
	us["password_settings"] = passwordSettingsWire{DisableHIBP: true, MinLength: ss.pw.MinLength, MaxLength: ss.pw.MaxLength,
		RequireSpecialChar: ss.pw.RequireSpecialChar, RequireNumbers: ss.pw.RequireNumbers,
		RequireUppercase: ss.pw.RequireUppercase, RequireLowercase: ss.pw.RequireLowercase}
	us["username_settings"] = usernameSettingsWire{MinLength: ss.un.MinLength, MaxLength: ss.un.MaxLength}

	ac := env["auth_config"].(map[string]any)
	ac["email_address"] = onOff(ss.email, ss.emailRequired)
	ac["username"] = onOff(ss.username, ss.usernameReq)
	ac["phone_number"] = onOff(ss.phone, ss.phoneReq)
	ac["password"] = onOff(ss.password, ss.password)
	ids := ss.identifiers()
	ac["identification_strategies"] = ids
	reqs := [][]string{}
	for _, id := range ids {
		reqs = append(reqs, []string{id})
	}
	ac["identification_requirements"] = reqs
	ac["first_factors"] = ss.firstFactors()
	ac["second_factors"] = ss.secondFactors()
	if !ss.password {
		env["display_config"].(map[string]any)["preferred_sign_in_strategy"] = "otp"
	}
}
