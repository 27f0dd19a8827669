package localclerk

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// The parts of the sign-in and sign-up policy the instance settings
// decide, for the Frontend API and the hosted pages alike: which
// identifiers find a user, which first factors may be used, whether
// sign-up is open, and what a new password or username must look like.

// userBySignInIdentifier finds the user an identifier names, looking only
// at the identifiers that are on: an e-mail address, a username, then a
// phone number (in any form parsePhoneNumber reads).
func (ss *servedSettings) userBySignInIdentifier(t *txn, identifier string) (*user, error) {
	id, err := "", errNotFound
	if ss.email {
		id, err = t.identifiers().emailOwner(identifier)
	}
	if errors.Is(err, errNotFound) && ss.username {
		id, err = t.identifiers().usernameOwner(identifier)
	}
	if number, ok := parsePhoneNumber(identifier); ok && errors.Is(err, errNotFound) && ss.phone {
		id, err = t.identifiers().phoneOwner(number)
	}
	if errors.Is(err, errNotFound) {
		return nil, errIdentifierNotFound
	}
	if err != nil {
		return nil, err
	}
	return t.users().get(id)
}

// firstFactorAllowed refuses a first-factor strategy the settings turn
// off (and any localclerk does not serve).
func (ss *servedSettings) firstFactorAllowed(strategy string) error {
	if (strategy == "password" && ss.password) || (strategy == "email_code" && ss.emailCode) ||
		(strategy == "email_link" && ss.emailLink) || (strategy == "passkey" && ss.passkey) ||
		(strategy == "phone_code" && ss.phoneCode) {
		return nil
	}
	return errParam(http.StatusUnprocessableEntity, "strategy_for_user_invalid", "strategy",
		fmt.Sprintf("The %q strategy is not enabled on this instance.", strategy))
}

// errSignUpRestricted is Clerk's answer to a sign-up without an
// invitation on an instance whose sign-up mode is restricted (or
// waitlist).
func (ss *servedSettings) errSignUpRestricted() *apiError {
	if ss.waitlist {
		return newAPIError(http.StatusForbidden, "sign_up_restricted_waitlist", "Sign-ups restricted",
			"Sign-ups are by invitation only on this instance; join the waitlist.", nil)
	}
	return newAPIError(http.StatusForbidden, "sign_up_mode_restricted", "Sign-ups restricted",
		"Sign-ups are by invitation only on this instance.", nil)
}

// checkPassword applies the password rules to a new password.
func (ss *servedSettings) checkNewPassword(pw string) error {
	r := ss.pw
	fail := func(code, msg string) error {
		return newAPIError(http.StatusUnprocessableEntity, code, msg, msg, paramMeta("password"))
	}
	n := len([]rune(pw))
	switch {
	case n < r.MinLength:
		return fail("form_password_length_too_short", fmt.Sprintf("Passwords must be %d characters or more.", r.MinLength))
	case len(pw) > r.MaxLength:
		return fail("form_password_length_too_long", fmt.Sprintf("Passwords must be %d characters or fewer.", r.MaxLength))
	case r.RequireNumbers && !strings.ContainsFunc(pw, unicode.IsDigit):
		return fail("form_password_no_number", "Passwords must contain a number.")
	case r.RequireUppercase && !strings.ContainsFunc(pw, unicode.IsUpper):
		return fail("form_password_no_uppercase", "Passwords must contain an uppercase letter.")
	case r.RequireLowercase && !strings.ContainsFunc(pw, unicode.IsLower):
		return fail("form_password_no_lowercase", "Passwords must contain a lowercase letter.")
	case r.RequireSpecialChar && !strings.ContainsFunc(pw, isSpecialChar):
		return fail("form_password_no_special_char", "Passwords must contain a special character.")
	}
	return nil
}

func isSpecialChar(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r)
}

// checkUsername applies the username rules: the length, letters, digits,
// - and _ only, and not all digits, as Clerk's defaults are.
func (ss *servedSettings) checkUsername(name string) error {
	fail := func(code, msg string) error {
		return newAPIError(http.StatusUnprocessableEntity, code, msg, msg, paramMeta("username"))
	}
	if n := len([]rune(name)); n < ss.un.MinLength || n > ss.un.MaxLength {
		return fail("form_username_invalid_length",
			fmt.Sprintf("Usernames must be between %d and %d characters long.", ss.un.MinLength, ss.un.MaxLength))
	}
	digits := true
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fail("form_username_invalid_character", "Usernames may contain letters, numbers, - and _ only.")
		}
		digits = digits && r >= '0' && r <= '9'
	}
	if digits {
		return fail("form_username_needs_non_number_char", "Usernames must contain a character that is not a number.")
	}
	return nil
}
