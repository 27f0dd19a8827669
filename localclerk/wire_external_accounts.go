package localclerk

import (
	"encoding/json"
	"net/http"

	"github.com/goclerk/clerk/backend"
)

// externalAccountWire is the ExternalAccount object of the Backend and
// Frontend APIs (ExternalAccountWithVerification).
type externalAccountWire struct {
	Object               string                       `json:"object"` // "external_account"
	ID                   string                       `json:"id"`
	Provider             string                       `json:"provider"` // "oauth_google"
	IdentificationID     string                       `json:"identification_id"`
	ProviderUserID       string                       `json:"provider_user_id"`
	ApprovedScopes       string                       `json:"approved_scopes"`
	EmailAddress         string                       `json:"email_address"`
	EmailAddressVerified *bool                        `json:"email_address_verified"`
	FirstName            string                       `json:"first_name"`
	LastName             string                       `json:"last_name"`
	AvatarURL            string                       `json:"avatar_url"`
	ImageURL             *string                      `json:"image_url"`
	Username             *string                      `json:"username"`
	PhoneNumber          *string                      `json:"phone_number"`
	PublicMetadata       json.RawMessage              `json:"public_metadata"`
	Label                *string                      `json:"label"`
	CreatedAt            int64                        `json:"created_at"`
	UpdatedAt            int64                        `json:"updated_at"`
	Verification         *oauthVerificationStatusWire `json:"verification"`
}

// oauthVerificationStatusWire is an OAuth Verification (verification_oauth):
// of an external account, a sign-in's first factor or a sign-up's
// external account.
type oauthVerificationStatusWire struct {
	Object                          string              `json:"object"` // "verification_oauth"
	Status                          string              `json:"status"`
	Strategy                        string              `json:"strategy"`
	ExternalVerificationRedirectURL *string             `json:"external_verification_redirect_url,omitempty"`
	Error                           *backend.ClerkError `json:"error"`
	Attempts                        *int                `json:"attempts"`
	ExpireAt                        int64               `json:"expire_at"`
	VerifiedAtClient                alwaysNull          `json:"verified_at_client"`
}

// oauthApprovedScopes is what every provider page grants.
const oauthApprovedScopes = "email openid profile"

func externalAccountJSON(a *externalAccount) *externalAccountWire {
	verified := a.EmailVerified
	w := &externalAccountWire{Object: "external_account", ID: a.ID, Provider: "oauth_" + a.Provider,
		IdentificationID: a.IdentificationID, ProviderUserID: a.ProviderUserID, ApprovedScopes: oauthApprovedScopes,
		EmailAddress: a.Email, EmailAddressVerified: &verified, FirstName: a.FirstName, LastName: a.LastName,
		AvatarURL: a.ImageURL, ImageURL: strOrNil(a.ImageURL), Username: strOrNil(a.Username),
		PublicMetadata: json.RawMessage("{}"), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		Verification: oauthVerificationJSON("oauth_"+a.Provider, a.Status, a.ErrorCode, a.VerifyURL, a.ExpireAt)}
	if a.Username != "" {
		w.Label = &a.Username
	}
	return w
}

// extAccountList is a user's external_accounts.
type extAccountList []*externalAccountWire

func externalAccountsJSON(u *user) extAccountList {
	out := make(extAccountList, 0, len(u.ExternalAccounts))
	for i := range u.ExternalAccounts {
		out = append(out, externalAccountJSON(&u.ExternalAccounts[i]))
	}
	return out
}

// oauthVerificationJSON renders an OAuth verification; errorCode, when
// set, is the Clerk error the flow ended with.
func oauthVerificationJSON(strategy, status, errorCode, redirectURL string, expireAt int64) *oauthVerificationStatusWire {
	v := &oauthVerificationStatusWire{Object: "verification_oauth", Status: status, Strategy: strategy,
		ExternalVerificationRedirectURL: strOrNil(redirectURL), Attempts: new(int), ExpireAt: expireAt}
	if errorCode != "" {
		e := oauthErrors[errorCode]
		if e == nil {
			e = &backend.ClerkError{Code: errorCode, Message: errorCode, LongMessage: errorCode}
		}
		v.Error = e
	}
	return v
}

// oauthErrors are the errors an OAuth verification ends with, as Clerk
// words them.
var oauthErrors = map[string]*backend.ClerkError{
	"oauth_access_denied": {Code: "oauth_access_denied", Message: "Access denied",
		LongMessage: "You did not grant access to your account."},
	"external_account_exists": {Code: "external_account_exists", Message: "already exists",
		LongMessage: "This external account is already connected to another user."},
	"external_account_not_found": {Code: "external_account_not_found", Message: "Invalid external account",
		LongMessage: "The External Account was not found."},
	"identifier_unverified": {Code: "form_identifier_exists", Message: "That email address is taken.",
		LongMessage: "An account with this provider's email address exists but its address is not verified; sign in with its password or code and connect the account from the profile."},
}

// oauthFlowError is an OAuth flow's refusal by its error code (status 422).
func oauthFlowError(code string) *apiError {
	e := oauthErrors[code]
	return newAPIError(http.StatusUnprocessableEntity, e.Code, e.Message, e.LongMessage, nil)
}
