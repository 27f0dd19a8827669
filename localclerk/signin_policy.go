package localclerk

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// The sign-in policy, in one place for the Frontend API (fapi_signin.go),
// the hosted pages (pages.go) and the Backend API (verify_password): who
// an identifier names, whether a password matches, and whether the user
// may start a session at all.
//
// Password checks are bcrypt, ~50 ms of CPU each: they run before the
// write transaction (checkPassword), and the transaction only applies the
// verdict (passwordCheck.apply) after re-checking that the user's password
// hash is still the one that was checked. Were it changed in between, the
// verdict is stale and the caller checks again.

// errPasswordIncorrect is the Frontend API's (and the pages') answer to a
// wrong password.
var errPasswordIncorrect = newAPIError(http.StatusUnprocessableEntity, "form_password_incorrect", "is incorrect",
	"Password is incorrect. Try again, or use another method.", paramMeta("password"))

// errUserLocked refuses a session to a banned or locked user.
var errUserLocked = newAPIError(http.StatusForbidden, "user_locked", "Account locked", "This account is banned or locked.", nil)

// errPasswordStale means the password changed between checking it and
// committing the sign-in; callers check again (see retryStale).
var errPasswordStale = errors.New("localclerk: the password changed while it was being checked")

// passwordCheck is the verdict of checking a password against one user's
// stored hash, computed outside any transaction.
type passwordCheck struct {
	userID   string
	hash     string // the stored hash that was checked
	ok       bool
	upgraded string // a replacement hash (older scheme or cost), when ok
}

// checkPassword checks pw against u's stored hash. It does the CPU-heavy
// work, so call it outside a transaction.
func checkPassword(u *user, pw string) *passwordCheck {
	pc := &passwordCheck{userID: u.ID, hash: u.PasswordHash}
	if u.PasswordHash != "" && pw != "" {
		pc.ok, pc.upgraded = verifyPassword(u.PasswordHash, pw)
	}
	return pc
}

// apply commits the verdict for u inside the sign-in's transaction: the
// upgraded hash is stored, a wrong or compromised password refused. It
// answers errPasswordStale when u's hash is no longer the checked one.
func (pc *passwordCheck) apply(t *txn, u *user) error {
	if pc == nil || pc.userID != u.ID || pc.hash != u.PasswordHash {
		return errPasswordStale
	}
	if !pc.ok {
		return errPasswordIncorrect
	}
	if u.PasswordCompromised {
		return errPasswordCompromised
	}
	if pc.upgraded != "" {
		u.PasswordHash = pc.upgraded
		return t.users().put(u)
	}
	return nil
}

// retryStale runs fn until it does not fail with errPasswordStale, at most
// three times; each run checks the password afresh.
func retryStale(fn func() error) error {
	var err error
	for range 3 {
		if err = fn(); !errors.Is(err, errPasswordStale) {
			return err
		}
	}
	return newAPIError(http.StatusConflict, "password_changed", "password changed",
		"The password changed during the sign-in; try again.", nil)
}

// mayStartSession is the policy for every sign-in, whatever its factor:
// banned and locked users are refused, and so are identifiers the
// allowlist or blocklist rules out.
func mayStartSession(t *txn, u *user, now time.Time) error {
	if u.Banned || u.Locked {
		return errUserLocked
	}
	return checkIdentifierAccess(t, userIdentifiers(u), true, "identifier", now)
}

// maySignUp is the policy for new accounts' e-mail addresses.
func maySignUp(t *txn, emails []string, now time.Time) error {
	return checkIdentifierAccess(t, emails, false, "email_address", now)
}

// errIdentifierNotFound is the answer for an identifier no user has.
var errIdentifierNotFound = newAPIError(http.StatusUnprocessableEntity, "form_identifier_not_found",
	"Couldn't find your account.", "Couldn't find your account.", paramMeta("identifier"))

// userByIdentifier finds a user by e-mail address or username.
func userByIdentifier(t *txn, identifier string) (*user, error) {
	id, err := t.identifiers().emailOwner(identifier)
	if errors.Is(err, errNotFound) {
		id, err = t.identifiers().usernameOwner(identifier)
	}
	if errors.Is(err, errNotFound) {
		return nil, errIdentifierNotFound
	}
	if err != nil {
		return nil, err
	}
	return t.users().get(id)
}

// checkPasswordOf reads the user fn picks (in a read transaction) and
// checks pw against it outside any transaction. A user fn cannot find
// yields nil and fn's error.
func (inst *Instance) checkPasswordOf(ctx context.Context, pw string, fn func(t *txn) (*user, error)) (*passwordCheck, error) {
	var u *user
	err := inst.store.view(ctx, func(t *txn) error {
		var err error
		u, err = fn(t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return checkPassword(u, pw), nil
}
