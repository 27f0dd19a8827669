package localclerk

import (
	"net/http"
	"regexp"
	"time"
)

// A user's second factors, passkeys, Web3 wallets, external (OAuth)
// accounts and trusted devices, and the compromised-password flag.
//
// TOTP and backup codes are real (bapi_user_mfa.go), and so are passkeys
// (bapi_passkeys.go) and external accounts. No user ever has a wallet or
// a trusted device, so these
// operations answer exactly what Clerk answers for a user who has none —
// real answers, not placeholders:
//   - deleting a wallet, or revoking a trusted device, by any id answers
//     404 resource_not_found naming the
//     path parameter;
//   - the trusted-device list and the OAuth access tokens for any provider
//     are empty.
// An unknown user is 404 resource_not_found first, as on Clerk.

// loadUser reads the user the path names, or Clerk's 404.
func (inst *Instance) loadUser(r *http.Request) (*user, error) {
	var u user
	err := inst.store.view(r.Context(), func(t *txn) error { return t.users().load(r.PathValue("id"), &u) })
	if err != nil {
		return nil, notFoundAs(err, "user")
	}
	return &u, nil
}

// bapiNoSuchUserItem answers a request for one of the user's wallets or
// trusted devices: the user must exist, and the item (named by
// the path parameter param) never does.
func (inst *Instance) bapiNoSuchUserItem(what, param string) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		if _, err := inst.loadUser(r); err != nil {
			return nil, 0, err
		}
		e := errNotFoundResource(what)
		e.Errors[0].Meta = paramMeta(param)
		return nil, 0, e
	}
}

func (inst *Instance) bapiListTrustedDevices(w http.ResponseWriter, r *http.Request) (any, int, error) {
	if _, err := inst.loadUser(r); err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: []any{}, TotalCount: 0}, 0, nil
}

// providerRe is an OAuth provider id, with or without Clerk's oauth_
// prefix (oauth_google, google, custom_acme).
var providerRe = regexp.MustCompile(`^(oauth_)?(custom_)?[a-z0-9][a-z0-9_-]{0,63}$`)

func (inst *Instance) bapiOAuthAccessTokens(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	if _, _, err := paging(q); err != nil {
		return nil, 0, err
	}
	if !providerRe.MatchString(r.PathValue("provider")) {
		return nil, 0, errInvalid("provider", "provider must be an OAuth provider id such as oauth_google.")
	}
	if _, err := inst.loadUser(r); err != nil {
		return nil, 0, err
	}
	return listAnswer(q, []any{}, 0), 0, nil
}

// errPasswordCompromised is Clerk's refusal of a sign-in with a password
// marked compromised: the user must reset it first.
var errPasswordCompromised = newAPIError(http.StatusUnprocessableEntity, "form_password_compromised",
	"Your password may be compromised.",
	"This password has been marked as compromised. Reset your password to sign in.",
	paramMeta("password"))

func (inst *Instance) bapiSetPasswordCompromised(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		RevokeAllSessions *bool `json:"revoke_all_sessions"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	return inst.updateUser(r, func(t *txn, u *user, now time.Time) error {
		if u.PasswordHash == "" {
			return newAPIError(http.StatusBadRequest, "password_not_set", "no password", "This user has no password to mark as compromised.", nil)
		}
		u.PasswordCompromised = true
		if p.RevokeAllSessions != nil && *p.RevokeAllSessions {
			return revokeUserSessions(t, u.ID, now)
		}
		return nil
	})
}

func (inst *Instance) bapiUnsetPasswordCompromised(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.updateUser(r, func(_ *txn, u *user, _ time.Time) error {
		u.PasswordCompromised = false
		return nil
	})
}
