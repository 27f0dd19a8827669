package localclerk

import (
	"crypto/subtle"
	"net/http"
)

// Sign-in by SMS code (phone_code), as a first factor and as a second
// one: the code goes to one of the user's verified numbers (424242 for
// Clerk's test numbers, else to the outbox), and the attempt checks it.
// The sign-in keeps the code as it keeps an e-mail code.

// signInPhone picks the verified number a sign-in texts: phone_number_id
// when the request names one, else the number the user identified with,
// else the primary one.
func signInPhone(x *fapiCall, u *user, si *signInAttempt) (*phoneNumber, error) {
	if id := x.form.Get("phone_number_id"); id != "" {
		p := u.phone(id)
		if p == nil || !p.Verified {
			return nil, errInvalid("phone_number_id", "phone_number_id must be one of the user's verified phone numbers.")
		}
		return p, nil
	}
	number, _ := parsePhoneNumber(si.Identifier)
	var primary, first *phoneNumber
	for i := range u.Phones {
		p := &u.Phones[i]
		if !p.Verified {
			continue
		}
		if number != "" && p.Number == number {
			return p, nil
		}
		if p.ID == u.PrimaryPhoneID {
			primary = p
		}
		if first == nil {
			first = p
		}
	}
	if primary != nil {
		return primary, nil
	}
	if first != nil {
		return first, nil
	}
	return nil, errParam(http.StatusUnprocessableEntity, "strategy_for_user_invalid", "strategy",
		"This account has no verified phone number to send a code to.")
}

// signInPreparePhone texts a first-factor code.
func (inst *Instance) signInPreparePhone(x *fapiCall, si *signInAttempt) error {
	if err := inst.settingsNow().firstFactorAllowed("phone_code"); err != nil {
		return err
	}
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	p, err := signInPhone(x, u, si)
	if err != nil {
		return err
	}
	code, err := inst.newSMSCode(x.t, x.now, p.Number, "is your sign-in code.")
	si.Strategy, si.FactorStatus, si.Attempts = "phone_code", "unverified", 0
	si.Code, si.CodeExpireAt = code, ms(x.now.Add(codeTTL))
	return err
}

// signInAttemptPhone checks a first-factor SMS code.
func (inst *Instance) signInAttemptPhone(x *fapiCall, si *signInAttempt) error {
	if err := checkSignInCode(x, si, si.Strategy == "phone_code", "phone_code", &si.Attempts, &si.FactorStatus); err != nil {
		return err
	}
	return inst.finishFirstFactor(x, si)
}

// checkSignInCode checks the request's code against the code si holds for
// strategy (prepared: the step that sent it ran), counting the attempt
// and recording the status.
func checkSignInCode(x *fapiCall, si *signInAttempt, prepared bool, strategy string, attempts *int, status *string) error {
	if si.Code == "" || !prepared {
		return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent",
			"Prepare the "+strategy+" factor before attempting it.", paramMeta("code"))
	}
	code := x.form.Get("code")
	if code == "" {
		return errMissing("code")
	}
	*attempts++
	if ms(x.now) >= si.CodeExpireAt {
		*status = "expired"
		return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired",
			"This code has expired; request a new one.", paramMeta("code"))
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(si.Code)) != 1 {
		return errCodeIncorrect
	}
	*status, si.Code = "verified", ""
	return nil
}

// phoneFactorsJSON are the phone_code factors u offers: one per verified
// number for the first factor, the second-factor number for the second.
func phoneFactorsJSON(u *user, second bool) []signInFactorWire {
	var out []signInFactorWire
	if second {
		if p := u.secondFactorPhone(); p != nil {
			def := true
			out = append(out, signInFactorWire{Strategy: "phone_code", PhoneNumberID: p.ID,
				SafeIdentifier: maskPhone(p.Number), Default: &def})
		}
		return out
	}
	for _, p := range u.Phones {
		if !p.Verified {
			continue
		}
		primary := p.ID == u.PrimaryPhoneID
		out = append(out, signInFactorWire{Strategy: "phone_code", PhoneNumberID: p.ID,
			SafeIdentifier: p.Number, Primary: &primary})
	}
	return out
}

// maskPhone hides all but the last four digits of a number, as a second
// factor's safe identifier does on Clerk (the user has not typed it).
func maskPhone(n string) string {
	if len(n) <= 4 {
		return n
	}
	b := []byte(n)
	for i := 1; i < len(b)-4; i++ {
		b[i] = '*'
	}
	return string(b)
}

// prepareSecondPhone texts a second-factor code to the user's
// second-factor number (or phone_number_id, when it is one).
func (inst *Instance) prepareSecondPhone(x *fapiCall, si *signInAttempt) error {
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	if !inst.settingsNow().phoneSecond || u.secondFactorPhone() == nil {
		return strategyUnsupported("phone_code")
	}
	p := u.secondFactorPhone()
	if id := x.form.Get("phone_number_id"); id != "" {
		if p = u.phone(id); p == nil || !p.Verified || !p.ReservedSecondFactor {
			return errInvalid("phone_number_id", "phone_number_id must be one of the user's second-factor phone numbers.")
		}
	}
	code, err := inst.newSMSCode(x.t, x.now, p.Number, "is your verification code.")
	si.SecondStrategy, si.SecondStatus, si.SecondAttempts = "phone_code", "unverified", 0
	si.Code, si.CodeExpireAt = code, ms(x.now.Add(codeTTL))
	return err
}
