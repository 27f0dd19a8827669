package localclerk

import (
	"crypto/subtle"
	"errors"
	"net/http"
)

// A sign-up's phone number: given as phone_number, verified with an SMS
// code (strategy phone_code), and added to the new user verified.

// phoneSignUp is the number a sign-up gives and its verification.
type phoneSignUp struct {
	Number       string `json:"number,omitempty"` // E.164
	Status       string `json:"status,omitempty"` // "", unverified, verified
	Attempts     int    `json:"attempts,omitempty"`
	Code         string `json:"code,omitempty"`
	CodeExpireAt int64  `json:"code_expire_at,omitempty"`
}

// wire is the sign-up's verifications.phone_number.
func (p *phoneSignUp) wire() *attemptVerificationWire {
	v := verificationJSON("phone_code", p.Status, p.Attempts, p.CodeExpireAt)
	next := "needs_prepare"
	switch p.Status {
	case "unverified":
		next = "needs_attempt"
	case "verified":
		next = ""
	}
	v.NextAction, v.SupportedStrategies = &next, []string{"phone_code"}
	return v
}

// setSignUpPhone applies a sign-up's phone_number field: parsed to E.164,
// not another user's, allowed by the lists; a new number gets its code at
// once, as a new e-mail address does.
func (inst *Instance) setSignUpPhone(x *fapiCall, su *signUpAttempt, raw string) error {
	if !inst.settingsNow().phone {
		return errParamUnknown("phone_number")
	}
	if raw == "" {
		su.Phone = phoneSignUp{}
		return nil
	}
	number, ok := parsePhoneNumber(raw)
	if !ok {
		return errPhoneFormat("phone_number")
	}
	if _, err := x.t.identifiers().phoneOwner(number); err == nil {
		return errTaken("phone_number", "That phone number is taken. Please try another.")
	} else if !errors.Is(err, errNotFound) {
		return err
	}
	if err := checkIdentifierAccess(x.t, []string{number}, false, "phone_number", x.now); err != nil {
		return err
	}
	if number == su.Phone.Number {
		return nil
	}
	su.Phone = phoneSignUp{Number: number}
	return inst.sendSignUpPhoneCode(x, su)
}

// sendSignUpPhoneCode texts a fresh code to the sign-up's number.
func (inst *Instance) sendSignUpPhoneCode(x *fapiCall, su *signUpAttempt) error {
	code, err := inst.newSMSCode(x.t, x.now, su.Phone.Number, "is your verification code.")
	su.Phone.Status, su.Phone.Attempts, su.Phone.Code, su.Phone.CodeExpireAt = "unverified", 0, code, ms(x.now.Add(codeTTL))
	return err
}

// signUpPreparePhone is prepare_verification with strategy phone_code.
func (inst *Instance) signUpPreparePhone(x *fapiCall, su *signUpAttempt) error {
	if !inst.settingsNow().phone {
		return strategyUnsupported("phone_code")
	}
	if su.Phone.Number == "" {
		return errMissing("phone_number")
	}
	return inst.sendSignUpPhoneCode(x, su)
}

// signUpAttemptPhone is attempt_verification with strategy phone_code; a
// match may complete the sign-up.
func (inst *Instance) signUpAttemptPhone(x *fapiCall, su *signUpAttempt) error {
	p := &su.Phone
	switch {
	case p.Code == "" || p.Status != "unverified":
		return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent",
			"Prepare the phone_code verification before attempting it.", paramMeta("code"))
	case x.form.Get("code") == "":
		return errMissing("code")
	case ms(x.now) >= p.CodeExpireAt:
		return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired",
			"This code has expired; request a new one.", paramMeta("code"))
	case subtle.ConstantTimeCompare([]byte(x.form.Get("code")), []byte(p.Code)) != 1:
		return errCodeIncorrect
	}
	p.Status, p.Code, p.Attempts = "verified", "", p.Attempts+1
	return inst.maybeCompleteSignUp(x, su)
}
