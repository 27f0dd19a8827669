package localclerk

import "net/http"

// The signed-in user's phone numbers, as <UserProfile/> manages them: add
// one, verify it with an SMS code (424242 for Clerk's test numbers, else
// in the outbox), use a verified one for two-step verification ("SMS
// code"), remove it. The domain functions are phone.go's, shared with the
// Backend API.

func (inst *Instance) mePhoneRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/me/phone_numbers", inst.meHandler(inst.mePhones))
	mux.HandleFunc("POST /v1/me/phone_numbers", inst.meHandler(inst.meAddPhone))
	mux.HandleFunc("GET /v1/me/phone_numbers/{id}", inst.meHandler(inst.mePhone(nil)))
	mux.HandleFunc("PATCH /v1/me/phone_numbers/{id}", inst.meHandler(inst.mePhone(inst.updateMePhone)))
	mux.HandleFunc("DELETE /v1/me/phone_numbers/{id}", inst.meHandler(inst.meDeletePhone))
	mux.HandleFunc("POST /v1/me/phone_numbers/{id}/prepare_verification", inst.meHandler(inst.mePhone(inst.prepareMePhone)))
	mux.HandleFunc("POST /v1/me/phone_numbers/{id}/attempt_verification", inst.meHandler(inst.mePhone(inst.attemptMePhone)))
}

// errPhoneNumbersOff refuses to add or text a number while the instance
// settings turn phone numbers off.
var errPhoneNumbersOff = newAPIError(http.StatusForbidden, "feature_not_enabled", "not enabled",
	"Phone numbers are not enabled on this instance.", nil)

// mePhoneJSON is the Frontend API PhoneNumber: its pending verification,
// when one was prepared, in place of the stored state.
func mePhoneJSON(x *fapiCall, p *phoneNumber) (*phoneNumberWire, error) {
	m := phoneJSON(*p)
	if p.Verified {
		return m, nil
	}
	v, err := latestVerification(x.t, p.ID)
	if err != nil || v == nil { // never prepared
		return m, err
	}
	attempts, exp := v.Attempts, v.ExpireAt
	m.Verification = verificationWire{Object: "verification_otp", Status: v.statusAt(x.now), Strategy: "phone_code",
		Attempts: &attempts, ExpireAt: &exp}
	return m, nil
}

func (inst *Instance) mePhones(x *fapiCall, u *user) (any, error) {
	list := make([]*phoneNumberWire, 0, len(u.Phones))
	for i := range u.Phones {
		m, err := mePhoneJSON(x, &u.Phones[i])
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return bareResponse{list}, nil
}

// meAddPhone is POST /v1/me/phone_numbers: the number is added
// unverified; the component prepares its verification next.
func (inst *Instance) meAddPhone(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().phone {
		return nil, errPhoneNumbersOff
	}
	raw := x.form.Get("phone_number")
	if raw == "" {
		return nil, errMissing("phone_number")
	}
	number, ok := parsePhoneNumber(raw)
	if !ok {
		return nil, errPhoneFormat("phone_number")
	}
	if u.phoneByNumber(number) != nil {
		return nil, errTaken("phone_number", "You already have this phone number.")
	}
	if err := checkIdentifierAccess(x.t, []string{number}, false, "phone_number", x.now); err != nil {
		return nil, err
	}
	p, err := addPhone(x.t, u, number, "phone_number", false, x.now)
	if err != nil {
		return nil, err
	}
	if v := x.form.Get("reserved_for_second_factor"); v == "true" {
		p.ReservedSecondFactor = true // takes effect once verified (secondFactorPhone)
	}
	added := *p
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return mePhoneJSON(x, &added)
}

// mePhone resolves the user's number {id} and runs step on it (none: the
// number as it is), answering the number.
func (inst *Instance) mePhone(step func(x *fapiCall, u *user, p *phoneNumber) (*phoneNumberWire, error)) func(x *fapiCall, u *user) (any, error) {
	return func(x *fapiCall, u *user) (any, error) {
		p := u.phone(x.r.PathValue("id"))
		if p == nil {
			return nil, errNotFoundResource("phone number")
		}
		if step != nil {
			return step(x, u, p)
		}
		return mePhoneJSON(x, p)
	}
}

// prepareMePhone texts a fresh code (strategy phone_code).
func (inst *Instance) prepareMePhone(x *fapiCall, u *user, p *phoneNumber) (*phoneNumberWire, error) {
	if s := x.form.Get("strategy"); s != "phone_code" {
		if s == "" {
			return nil, errMissing("strategy")
		}
		return nil, strategyUnsupported(s)
	}
	if !inst.settingsNow().phone {
		return nil, errPhoneNumbersOff
	}
	if p.Verified {
		return nil, newAPIError(http.StatusBadRequest, "verification_already_verified", "already verified",
			"This phone number is already verified.", nil)
	}
	if _, err := inst.preparePhoneVerification(x.t, p, x.now); err != nil {
		return nil, err
	}
	return mePhoneJSON(x, p)
}

// attemptMePhone checks the code; a match verifies the number.
func (inst *Instance) attemptMePhone(x *fapiCall, u *user, p *phoneNumber) (*phoneNumberWire, error) {
	wasOn := u.mfaEnabled()
	if err := attemptPhoneVerification(x.t, u, p, x.form.Get("code"), x.now); err != nil {
		return nil, err
	}
	x.setMFA(u, wasOn) // a number reserved when added counts once verified
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return mePhoneJSON(x, p)
}

// updateMePhone is PATCH /v1/me/phone_numbers/{id}: whether the number is
// used for two-step verification, and whether it is the default one. The
// first second factor of a user comes with backup codes, when they are
// on, shown once in the answer as Clerk does.
func (inst *Instance) updateMePhone(x *fapiCall, u *user, p *phoneNumber) (*phoneNumberWire, error) {
	ss := inst.settingsNow()
	reserved, err := optionalBool(x, "reserved_for_second_factor")
	if err != nil {
		return nil, err
	}
	def, err := optionalBool(x, "default_second_factor")
	if err != nil {
		return nil, err
	}
	if (reserved != nil && *reserved || def != nil && *def) && !ss.phoneSecond {
		return nil, errSecondFactorOff("phone_code")
	}
	wasOn := u.mfaEnabled()
	if err := setPhoneSecondFactor(u, p, reserved, def); err != nil {
		return nil, err
	}
	p.UpdatedAt = ms(x.now)
	var codes []string
	if ss.backup && !wasOn && u.mfaEnabled() && len(u.BackupCodes) == 0 {
		codes, u.BackupCodes = newBackupCodes()
	}
	x.setMFA(u, wasOn)
	out := *p
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	m := phoneJSON(out)
	m.BackupCodes = codes
	return m, nil
}

// optionalBool reads a boolean form field the request may leave out
// (nil).
func optionalBool(x *fapiCall, name string) (*bool, error) {
	if x.form.Get(name) == "" {
		return nil, nil
	}
	b, err := formBool(x.form, name)
	return &b, err
}

// meDeletePhone is DELETE /v1/me/phone_numbers/{id}: any number but the
// user's last way to sign in.
func (inst *Instance) meDeletePhone(x *fapiCall, u *user) (any, error) {
	id := x.r.PathValue("id")
	if u.phone(id) == nil {
		return nil, errNotFoundResource("phone number")
	}
	if len(u.Phones) == 1 && len(u.Emails) == 0 && (u.Username == nil || *u.Username == "") {
		return nil, newAPIError(http.StatusBadRequest, "identification_deletion_failed", "cannot delete",
			"This phone number is your only way to sign in; add another before removing it.", nil)
	}
	wasOn := u.mfaEnabled()
	if err := removePhone(x.t, u, id); err != nil {
		return nil, err
	}
	if u.secondFactorPhone() == nil && !u.totpEnabled() {
		u.BackupCodes = nil // they only stand in for another factor
	}
	x.setMFA(u, wasOn)
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return deletedJSON("phone_number", id), nil
}
