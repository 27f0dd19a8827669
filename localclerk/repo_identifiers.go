package localclerk

import "strings"

// identifierRepo holds the unique identifiers a user signs in with, or is
// found by: e-mail addresses, usernames and external ids. Each is a
// unique key owned by one user id; the user record holds the values.
type identifierRepo struct{ t *txn }

// identifiers returns the identifiers' repository of t.
func (t *txn) identifiers() identifierRepo { return identifierRepo{t} }

// emailOwner returns the id of the user holding addr (compared in its
// normal form); errNotFound when no one does.
func (r identifierRepo) emailOwner(addr string) (string, error) {
	return r.t.lookup(nsEmail, normEmail(addr))
}

// usernameOwner returns the id of the user holding name (compared
// case-insensitively); errNotFound when no one does.
func (r identifierRepo) usernameOwner(name string) (string, error) {
	return r.t.lookup(nsUsername, strings.ToLower(name))
}

// claimEmail reserves addr for userID; errConflict when another user
// holds it.
func (r identifierRepo) claimEmail(addr, userID string) error {
	return r.t.claim(nsEmail, normEmail(addr), userID)
}

// releaseEmails frees every address userID holds.
func (r identifierRepo) releaseEmails(userID string) error { return r.t.release(nsEmail, userID) }

// phoneOwner returns the id of the user holding the E.164 number;
// errNotFound when no one does.
func (r identifierRepo) phoneOwner(number string) (string, error) {
	return r.t.lookup(nsPhone, number)
}

// claimPhone reserves the E.164 number for userID; errConflict when
// another user holds it.
func (r identifierRepo) claimPhone(number, userID string) error {
	return r.t.claim(nsPhone, number, userID)
}

// releasePhones frees every number userID holds.
func (r identifierRepo) releasePhones(userID string) error { return r.t.release(nsPhone, userID) }

// claimUsername reserves name for userID; errConflict when another user
// holds it.
func (r identifierRepo) claimUsername(name, userID string) error {
	return r.t.claim(nsUsername, strings.ToLower(name), userID)
}

// releaseUsername frees userID's username.
func (r identifierRepo) releaseUsername(userID string) error { return r.t.release(nsUsername, userID) }

// claimExternalID reserves ext for userID; errConflict when another user
// holds it.
func (r identifierRepo) claimExternalID(ext, userID string) error {
	return r.t.claim(nsExternalID, ext, userID)
}

// releaseExternalID frees userID's external id.
func (r identifierRepo) releaseExternalID(userID string) error {
	return r.t.release(nsExternalID, userID)
}

// emailVerifications returns the repository of e-mail address
// verifications in progress.
func (t *txn) emailVerifications() repo[emailVerification] {
	return newRepo(t, kindEmailVerification, func(v *emailVerification) string { return v.ID })
}
