package localclerk

// The environment's sign-in configuration, from the served part of the
// instance settings (settings.go): what clerk-js's SignIn, SignUp and
// UserProfile render.

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

// emailVerifications are the ways an address is verified: by code, and
// by link when email links are on. clerk-js's <SignUp/> sends a link
// whenever the list names email_link.
func (ss *servedSettings) emailVerifications() []string {
	out := []string{}
	if ss.emailCode || !ss.emailLink {
		out = append(out, "email_code")
	}
	if ss.emailLink {
		out = append(out, "email_link")
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
	if ss.emailLink {
		out = append(out, "email_link")
	}
	if ss.password {
		out = append(out, "password")
	}
	if ss.passkey {
		out = append(out, "passkey")
	}
	if ss.phoneCode {
		out = append(out, "phone_code")
	}
	return out
}

// applySettings writes the served settings into the environment env.
func (ss *servedSettings) applyToEnvironment(env *environmentWire) {
	list := func(v ...string) []string { return append([]string{}, v...) }
	email := attributeWire{Enabled: ss.email, Required: ss.emailRequired, UsedForFirstFactor: ss.email,
		FirstFactors: list(), SecondFactors: list(), Verifications: list()}
	if ss.email {
		email.Verifications, email.VerifyAtSignUp = ss.emailVerifications(), true
		if ss.emailCode {
			email.FirstFactors = append(email.FirstFactors, "email_code")
		}
		if ss.emailLink {
			email.FirstFactors = append(email.FirstFactors, "email_link")
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
	us := &env.UserSettings
	attrs := &us.Attributes
	attrs.EmailAddress, attrs.Username, attrs.Password, attrs.PhoneNumber = email, username, password, phone
	attrs.AuthenticatorApp, attrs.BackupCode = second(ss.totp, "totp"), second(ss.backup, "backup_code")
	attrs.Passkey, us.PasskeySettings = ss.passkeyEnvironment()
	mode := SignUpPublic
	if ss.restricted {
		mode = SignUpRestricted
		if ss.waitlist {
			mode = SignUpWaitlist
		}
	}
	us.SignUp = signUpSettingsWire{Progressive: true, CaptchaWidgetType: "invisible", Mode: mode}
	us.SignIn.SecondFactor = secondFactorFlagWire{Enabled: ss.totp || ss.backup || ss.phoneSecond}
	us.PasswordSettings = passwordSettingsWire{DisableHIBP: true, MinLength: ss.pw.MinLength, MaxLength: ss.pw.MaxLength,
		RequireSpecialChar: ss.pw.RequireSpecialChar, RequireNumbers: ss.pw.RequireNumbers,
		RequireUppercase: ss.pw.RequireUppercase, RequireLowercase: ss.pw.RequireLowercase}
	us.UsernameSettings = usernameSettingsWire{MinLength: ss.un.MinLength, MaxLength: ss.un.MaxLength}

	ac := &env.AuthConfig
	ac.SingleSessionMode = !ss.multiSession
	ac.EmailAddress = onOff(ss.email, ss.emailRequired)
	ac.Username = onOff(ss.username, ss.usernameReq)
	ac.PhoneNumber = onOff(ss.phone, ss.phoneReq)
	ac.Password = onOff(ss.password, ss.password)
	ids := ss.identifiers()
	ac.IdentificationStrategies = ids
	reqs := [][]string{}
	for _, id := range ids {
		reqs = append(reqs, []string{id})
	}
	ac.IdentificationRequirements = reqs
	ac.FirstFactors = ss.firstFactors()
	ac.SecondFactors = ss.secondFactors()
	if !ss.password {
		env.DisplayConfig.PreferredSignInStrategy = "otp"
	}
}
