package localclerk

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Password reset on a sign-in ("Forgot password?" in <SignIn/>): the
// reset_password_email_code first factor sends a code to one of the
// user's verified addresses (the outbox, and an email.created webhook);
// a correct code leaves the sign-in needs_new_password, and
// POST /v1/client/sign_ins/{id}/reset_password sets the new password
// and completes it. The older flow that sends the new password with the
// code in attempt_first_factor is accepted too. The new password is
// validated and hashed before the write transaction (precheckResetPassword).

const strategyResetPasswordEmail = "reset_password_email_code"

// resetPasswordFactor is the reset factor a sign-in of u offers: the
// verified address the user identified with, else the verified primary
// one. Only a user with a password can reset it.
func resetPasswordFactor(u *user, identifier string) *emailAddress {
	if u.PasswordHash == "" {
		return nil
	}
	var primary *emailAddress
	for i := range u.Emails {
		e := &u.Emails[i]
		if !e.Verified {
			continue
		}
		if strings.EqualFold(e.Address, identifier) {
			return e
		}
		if e.ID == u.PrimaryEmailID {
			primary = e
		}
	}
	return primary
}

// resetPasswordFactorJSON is the factor as supported_first_factors lists
// it, or nil when u cannot reset a password.
func resetPasswordFactorJSON(u *user, identifier string) []signInFactorWire {
	e := resetPasswordFactor(u, identifier)
	if e == nil {
		return nil
	}
	primary := e.ID == u.PrimaryEmailID
	return []signInFactorWire{{Strategy: strategyResetPasswordEmail, EmailAddressID: e.ID, SafeIdentifier: e.Address, Primary: &primary}}
}

var errResetPasswordUnavailable = errParam(http.StatusUnprocessableEntity, "strategy_for_user_invalid", "strategy",
	"This user cannot reset a password by e-mail: they have no password or no verified e-mail address.")

// prepareResetPassword sends a reset code to the factor's address
// (email_address_id, when given, must be that address).
func (inst *Instance) prepareResetPassword(x *fapiCall, si *signInAttempt) error {
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	e := resetPasswordFactor(u, si.Identifier)
	if e == nil {
		return errResetPasswordUnavailable
	}
	if id := x.form.Get("email_address_id"); id != "" && id != e.ID {
		return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "email_address_id",
			"email_address_id must be the address the reset_password_email_code factor names.")
	}
	code, err := inst.newCode(x.t, x.now, e.Address, "Reset your password")
	if err != nil {
		return err
	}
	x.t.emit("email.created", codeEmailJSON(u, *e, "reset_password_code", code, code+" is your password reset code", x.now))
	si.Status = "needs_first_factor"
	si.Strategy, si.FactorStatus, si.Attempts = strategyResetPasswordEmail, "unverified", 0
	si.Code, si.CodeExpireAt = code, ms(x.now.Add(codeTTL))
	return nil
}

// attemptResetPassword checks a reset code. With a password in the same
// request (the older custom flow) the password is reset at once.
func (inst *Instance) attemptResetPassword(x *fapiCall, si *signInAttempt) error {
	if si.Strategy != strategyResetPasswordEmail || si.Code == "" {
		if si.Status == "needs_new_password" {
			return newAPIError(http.StatusBadRequest, "verification_already_verified", "already verified",
				"The reset code was verified already; set the new password with reset_password.", paramMeta("code"))
		}
		return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent",
			"Prepare the reset_password_email_code factor before attempting it.", paramMeta("code"))
	}
	si.Attempts++
	if ms(x.now) >= si.CodeExpireAt {
		si.FactorStatus = "expired"
		return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired", "This code has expired; request a new one.", paramMeta("code"))
	}
	if x.form.Get("code") != si.Code {
		return errCodeIncorrect
	}
	si.FactorStatus, si.Code, si.Status = "verified", "", "needs_new_password"
	if _, ok := x.form["password"]; ok {
		return inst.resetPassword(x, si)
	}
	return nil
}

// errResetNotVerified refuses reset_password before the reset code was
// verified.
var errResetNotVerified = newAPIError(http.StatusBadRequest, "sign_in_no_password_reset", "no password reset",
	"Verify the reset_password_email_code factor before setting a new password.", nil)

// errNewPasswordMatchesCurrent is Clerk's answer to a "new" password that
// is the current one.
var errNewPasswordMatchesCurrent = newAPIError(http.StatusUnprocessableEntity, "form_new_password_matches_current",
	"New password cannot be the same as the current password.", "New password cannot be the same as the current password.", paramMeta("password"))

// resetPassword is POST /v1/client/sign_ins/{id}/reset_password (and the
// end of attemptResetPassword): password, and sign_out_of_other_sessions
// to revoke every other session of the user. The sign-in completes.
func (inst *Instance) resetPassword(x *fapiCall, si *signInAttempt) error {
	if si.Status != "needs_new_password" {
		return errResetNotVerified
	}
	pw, ok := x.form["password"]
	if !ok || pw[0] == "" {
		return errMissing("password")
	}
	signOut, err := formBool(x.form, "sign_out_of_other_sessions")
	if err != nil {
		return err
	}
	if err := validatePassword(&pw[0], nil); err != nil {
		return err
	}
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	// x.pw compared the new password with the hash read before the
	// transaction; a hash changed since is checked again (retryStale).
	if x.pw == nil || x.newPasswordHash == "" || x.pw.userID != u.ID || x.pw.hash != u.PasswordHash {
		return errPasswordStale
	}
	if x.pw.ok {
		return errNewPasswordMatchesCurrent
	}
	u.PasswordHash, u.PasswordCompromised, u.UpdatedAt = x.newPasswordHash, false, ms(x.now)
	if err := x.t.users().put(u); err != nil {
		return err
	}
	x.t.emit("user.updated", userJSON(u))
	if signOut {
		if err := revokeSessionsExcept(x.t, u.ID, "", x.now); err != nil {
			return err
		}
	}
	// A user with a second factor still gives it after a reset.
	return inst.finishFirstFactor(x, si)
}

// formBool reads an optional boolean form field ("true" or "false").
func formBool(form url.Values, name string) (bool, error) {
	switch v := form.Get(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", name, name+" must be true or false.")
	}
}

// precheckResetPassword does the slow part of setting a new password on
// the sign-in named in the path, before the transaction: it hashes the
// new password and checks whether it is the current one. An invalid
// password is left for the transaction to refuse.
func (inst *Instance) precheckResetPassword(r *http.Request, form url.Values) (fapiPre, error) {
	v, ok := form["password"]
	if !ok || v[0] == "" || validatePassword(&v[0], nil) != nil {
		return fapiPre{}, nil
	}
	pc, err := inst.checkPasswordOf(r.Context(), v[0], func(t *txn) (*user, error) {
		var si signInAttempt
		if err := t.signInAttempts().load(r.PathValue("id"), &si); err != nil {
			return nil, err
		}
		return t.users().get(si.UserID)
	})
	if errors.Is(err, errNotFound) {
		return fapiPre{}, nil // the transaction answers it
	}
	if err != nil {
		return fapiPre{}, err
	}
	h, err := hashPassword(v[0])
	return fapiPre{check: pc, newHash: h}, err
}
