package localclerk

import (
	"errors"
	"net/http"
	"time"
)

// External accounts: the social accounts a user signs in with, kept on
// the user record. Each verified account's provider identity
// (provider, provider_user_id) is a unique key owned by the user, so that
// a callback finds its user in one lookup and one identity never belongs
// to two users.

// nsOAuthAccount is the namespace of provider identities.
const nsOAuthAccount = "user:oauth_account"

// externalAccount is one of a user's social accounts.
type externalAccount struct {
	ID               string `json:"id"`
	IdentificationID string `json:"identification_id"`
	Provider         string `json:"provider"` // "google"
	ProviderUserID   string `json:"provider_user_id,omitempty"`
	Email            string `json:"email_address,omitempty"`
	EmailVerified    bool   `json:"email_address_verified,omitempty"`
	FirstName        string `json:"first_name,omitempty"`
	LastName         string `json:"last_name,omitempty"`
	ImageURL         string `json:"image_url,omitempty"`
	Username         string `json:"username,omitempty"`
	// Status is the verification: verified, or unverified while a connect
	// or reauthorize flow (State) runs, failed when it was denied.
	Status    string `json:"status"`
	ErrorCode string `json:"error_code,omitempty"`
	State     string `json:"state,omitempty"`
	VerifyURL string `json:"verify_url,omitempty"` // the provider page of the running flow
	ExpireAt  int64  `json:"expire_at,omitempty"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

// oauthIdentity is what the provider page hands back: who the developer
// chose to be at the provider.
type oauthIdentity struct {
	ProviderUserID string `json:"provider_user_id"`
	Email          string `json:"email_address"`
	EmailVerified  bool   `json:"email_address_verified"`
	FirstName      string `json:"first_name,omitempty"`
	LastName       string `json:"last_name,omitempty"`
	ImageURL       string `json:"image_url,omitempty"`
	Username       string `json:"username,omitempty"`
}

func oauthAccountKey(provider, providerUserID string) string { return provider + ":" + providerUserID }

// byOAuthAccount returns the user holding a provider identity;
// errNotFound when none does.
func (r userRepo) byOAuthAccount(provider, providerUserID string) (*user, error) {
	id, err := r.t.lookup(nsOAuthAccount, oauthAccountKey(provider, providerUserID))
	if err != nil {
		return nil, err
	}
	return r.get(id)
}

// externalAccount returns u's external account with id, or nil.
func (u *user) externalAccount(id string) *externalAccount {
	for i := range u.ExternalAccounts {
		if u.ExternalAccounts[i].ID == id {
			return &u.ExternalAccounts[i]
		}
	}
	return nil
}

// errExternalAccountExists: the identity belongs to another user.
var errExternalAccountExists = newAPIError(http.StatusUnprocessableEntity, "external_account_exists", "already exists",
	"This external account is already connected to another user.", nil)

// claimExternalAccounts makes u's verified accounts' identities the only
// ones u holds.
func claimExternalAccounts(t *txn, u *user) error {
	if err := t.release(nsOAuthAccount, u.ID); err != nil {
		return err
	}
	for _, a := range u.ExternalAccounts {
		if a.Status != "verified" || a.ProviderUserID == "" {
			continue
		}
		if err := t.claim(nsOAuthAccount, oauthAccountKey(a.Provider, a.ProviderUserID), u.ID); errors.Is(err, errConflict) {
			return errExternalAccountExists
		} else if err != nil {
			return err
		}
	}
	return nil
}

// applyIdentity records what the provider said about the account and
// marks it verified.
func (a *externalAccount) applyIdentity(id *oauthIdentity, now time.Time) {
	a.ProviderUserID, a.Email, a.EmailVerified = id.ProviderUserID, id.Email, id.EmailVerified
	a.FirstName, a.LastName, a.ImageURL, a.Username = id.FirstName, id.LastName, id.ImageURL, id.Username
	a.Status, a.ErrorCode, a.State, a.VerifyURL, a.ExpireAt = "verified", "", "", "", 0
	a.UpdatedAt = ms(now)
}

// linkExternalAccount adds (or refreshes) u's account for the identity,
// and the identity's verified e-mail address when no one holds it yet, as
// Clerk links a social account. The caller stores u.
func linkExternalAccount(t *txn, u *user, provider string, id *oauthIdentity, now time.Time) (*externalAccount, error) {
	var a *externalAccount
	for i := range u.ExternalAccounts {
		if e := &u.ExternalAccounts[i]; e.Provider == provider && e.ProviderUserID == id.ProviderUserID {
			a = e
		}
	}
	if a == nil {
		u.ExternalAccounts = append(u.ExternalAccounts, externalAccount{ID: newID("eac"), IdentificationID: newID("idn"),
			Provider: provider, CreatedAt: ms(now)})
		a = &u.ExternalAccounts[len(u.ExternalAccounts)-1]
	}
	a.applyIdentity(id, now)
	if err := addOAuthEmail(t, u, "oauth_"+provider, id, now); err != nil {
		return nil, err
	}
	u.UpdatedAt = ms(now)
	return a, claimExternalAccounts(t, u)
}

// addOAuthEmail gives u the provider's verified address when it is free.
func addOAuthEmail(t *txn, u *user, strategy string, id *oauthIdentity, now time.Time) error {
	if id.Email == "" || !id.EmailVerified {
		return nil
	}
	_, err := t.identifiers().emailOwner(id.Email)
	switch {
	case err == nil:
		return nil // this user's already, or someone else's
	case !errors.Is(err, errNotFound):
		return err
	}
	if err := addEmail(t, u, id.Email, true, now); err != nil {
		return err
	}
	e := &u.Emails[len(u.Emails)-1]
	e.VerifiedBy = strategy
	if u.PrimaryEmailID == "" {
		u.PrimaryEmailID = e.ID
	}
	return nil
}

// removeExternalAccount deletes u's account id and frees its identity.
func removeExternalAccount(t *txn, u *user, id string, now time.Time) error {
	for i := range u.ExternalAccounts {
		if u.ExternalAccounts[i].ID == id {
			u.ExternalAccounts = append(u.ExternalAccounts[:i], u.ExternalAccounts[i+1:]...)
			u.UpdatedAt = ms(now)
			return claimExternalAccounts(t, u)
		}
	}
	return errNotFound
}
