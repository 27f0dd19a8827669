package localclerk

import (
	"net/http"
	"slices"
)

// A sign-in's second factor: once the first factor is verified, a user
// with an authenticator app or backup codes (while the instance settings
// turn them on) goes to needs_second_factor and completes with
// attempt_second_factor; the session then records when (the fva claim).
// Sign-in tickets skip it, as on Clerk.

func (inst *Instance) signInSecondFactorRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/client/sign_ins/{id}/prepare_second_factor", inst.signInStep(inst.signInPrepareSecond, nil))
	mux.HandleFunc("POST /v1/client/sign_ins/{id}/attempt_second_factor", inst.signInStep(inst.signInAttemptSecond, nil))
}

// userSecondFactors are the second factors u has that the settings allow.
func (ss *servedSettings) userSecondFactors(u *user) []string {
	var out []string
	if ss.totp && u.totpEnabled() {
		out = append(out, "totp")
	}
	if ss.backup && len(u.BackupCodes) > 0 {
		out = append(out, "backup_code")
	}
	if ss.phoneSecond && u.secondFactorPhone() != nil {
		out = append(out, "phone_code")
	}
	return out
}

// finishFirstFactor ends a verified first factor: the session starts, or
// the sign-in waits for the user's second factor.
func (inst *Instance) finishFirstFactor(x *fapiCall, si *signInAttempt) error {
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	if len(inst.settingsNow().userSecondFactors(u)) > 0 {
		if err := mayStartSession(x.t, u, x.now); err != nil {
			return err
		}
		si.Status, si.Code = "needs_second_factor", ""
		return nil
	}
	_, err = inst.completeSignInAttempt(x, si, "")
	return err
}

var errNotAwaitingSecondFactor = newAPIError(http.StatusBadRequest, "sign_in_status_invalid", "invalid status",
	"This sign-in does not need a second factor now.", nil)

// signInPrepareSecond: TOTP and backup codes need no preparation; an SMS
// code is texted to the user's second-factor number.
func (inst *Instance) signInPrepareSecond(x *fapiCall, si *signInAttempt) error {
	if si.Status != "needs_second_factor" {
		return errNotAwaitingSecondFactor
	}
	switch s := x.form.Get("strategy"); s {
	case "totp", "backup_code", "":
		return nil
	case "phone_code":
		return inst.prepareSecondPhone(x, si)
	default:
		return strategyUnsupported(s)
	}
}

// signInAttemptSecond checks a TOTP, backup or SMS code and starts the
// session.
func (inst *Instance) signInAttemptSecond(x *fapiCall, si *signInAttempt) error {
	if si.Status != "needs_second_factor" {
		return errNotAwaitingSecondFactor
	}
	strategy := x.form.Get("strategy")
	if strategy == "" {
		return errMissing("strategy")
	}
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	if strategy == "phone_code" && slices.Contains(inst.settingsNow().userSecondFactors(u), strategy) {
		// The SMS code was sent to this sign-in (prepareSecondPhone) and
		// is checked against it, not against the user.
		if err := checkSignInCode(x, si, si.SecondStrategy == "phone_code", strategy, &si.SecondAttempts, &si.SecondStatus); err != nil {
			return err
		}
	} else {
		si.SecondStrategy, si.SecondStatus = strategy, "unverified"
		si.SecondAttempts++
		if err := inst.checkSecondFactor(x, u, strategy); err != nil {
			return err
		}
		si.SecondStatus = "verified"
	}
	s, err := inst.completeSignInAttempt(x, si, "")
	if err != nil {
		return err
	}
	s.SecondFactorAt = ms(x.now)
	return x.t.sessions().put(s)
}

// checkSecondFactor checks the request's code for strategy, one of the
// second factors u has, and stores u with the TOTP step or backup code it
// spends: sign-ins and session reverification share it.
func (inst *Instance) checkSecondFactor(x *fapiCall, u *user, strategy string) error {
	allowed := false
	for _, f := range inst.settingsNow().userSecondFactors(u) {
		allowed = allowed || f == strategy
	}
	if !allowed {
		return strategyUnsupported(strategy)
	}
	ok := false
	switch strategy {
	case "totp":
		code, err := parseOTP(x.form.Get("code"))
		if err != nil {
			return err
		}
		ok = u.TOTP.verify(code, x.now)
	case "backup_code":
		if x.form.Get("code") == "" {
			return errMissing("code")
		}
		u.BackupCodes, ok = useBackupCode(u.BackupCodes, x.form.Get("code"))
	}
	if !ok {
		return errCodeIncorrect
	}
	u.UpdatedAt = ms(x.now)
	return x.t.users().put(u) // the spent step or code
}

// secondFactorJSON adds the second factor's part of the SignIn.
func (inst *Instance) secondFactorJSON(si *signInAttempt, u *user, out *signInWire) {
	if si.Status == "needs_second_factor" || si.SecondStrategy != "" {
		for _, f := range inst.settingsNow().userSecondFactors(u) {
			if f == "phone_code" {
				out.SupportedSecondFactors = append(out.SupportedSecondFactors, phoneFactorsJSON(u, true)...)
				continue
			}
			out.SupportedSecondFactors = append(out.SupportedSecondFactors, signInFactorWire{Strategy: f})
		}
	}
	if si.SecondStrategy != "" {
		exp := int64(0)
		if si.SecondStrategy == "phone_code" {
			exp = si.CodeExpireAt
		}
		out.SecondFactorVerification = verificationJSON(si.SecondStrategy, si.SecondStatus, si.SecondAttempts, exp)
	}
}
