package localclerk

import (
	"encoding/json"
	"time"
)

// userWire is the User object. The Frontend API's user (fapiUserJSON) is
// the same object without private metadata, plus its memberships.
type userWire struct {
	ID                            string             `json:"id"`
	Object                        string             `json:"object"` // "user"
	ExternalID                    *string            `json:"external_id"`
	Username                      *string            `json:"username"`
	FirstName                     *string            `json:"first_name"`
	LastName                      *string            `json:"last_name"`
	Locale                        *string            `json:"locale"`
	PrimaryEmailAddressID         *string            `json:"primary_email_address_id"`
	PrimaryPhoneNumberID          *string            `json:"primary_phone_number_id"`
	PrimaryWeb3WalletID           *string            `json:"primary_web3_wallet_id"`
	ProfileImageURL               string             `json:"profile_image_url"`
	ImageURL                      string             `json:"image_url"`
	HasImage                      bool               `json:"has_image"`
	PublicMetadata                json.RawMessage    `json:"public_metadata"`
	PrivateMetadata               json.RawMessage    `json:"private_metadata,omitzero"` // not in the Frontend API
	UnsafeMetadata                json.RawMessage    `json:"unsafe_metadata"`
	EmailAddresses                []emailAddressWire `json:"email_addresses"`
	PhoneNumbers                  []phoneNumberWire  `json:"phone_numbers"`
	Web3Wallets                   emptyList          `json:"web3_wallets"`
	Passkeys                      any                `json:"passkeys"` // []*bapiPasskeyWire, or []*passkeyWire in the Frontend API
	PasswordEnabled               bool               `json:"password_enabled"`
	TwoFactorEnabled              bool               `json:"two_factor_enabled"`
	TOTPEnabled                   bool               `json:"totp_enabled"`
	BackupCodeEnabled             bool               `json:"backup_code_enabled"`
	MFAEnabledAt                  *int64             `json:"mfa_enabled_at"`
	MFADisabledAt                 *int64             `json:"mfa_disabled_at"`
	PasswordLastUpdatedAt         *int64             `json:"password_last_updated_at"`
	ExternalAccounts              extAccountList     `json:"external_accounts"`
	SAMLAccounts                  emptyList          `json:"saml_accounts"`
	EnterpriseAccounts            emptyList          `json:"enterprise_accounts"`
	LastSignInAt                  *int64             `json:"last_sign_in_at"`
	Banned                        bool               `json:"banned"`
	Locked                        bool               `json:"locked"`
	Deprovisioned                 bool               `json:"deprovisioned"`
	LockoutExpiresInSeconds       *int64             `json:"lockout_expires_in_seconds"`
	VerificationAttemptsRemaining int                `json:"verification_attempts_remaining"`
	UpdatedAt                     int64              `json:"updated_at"`
	CreatedAt                     int64              `json:"created_at"`
	DeleteSelfEnabled             bool               `json:"delete_self_enabled"`
	CreateOrganizationEnabled     bool               `json:"create_organization_enabled"`
	CreateOrganizationsLimit      *int64             `json:"create_organizations_limit"`
	LastActiveAt                  *int64             `json:"last_active_at"`
	LegalAcceptedAt               *int64             `json:"legal_accepted_at"`
	// OrganizationMemberships is the Frontend API's addition.
	OrganizationMemberships []*membershipWire `json:"organization_memberships,omitzero"`
}

// emailAddressWire is the EmailAddress object.
type emailAddressWire struct {
	ID                   string           `json:"id"`
	Object               string           `json:"object"` // "email_address"
	EmailAddress         string           `json:"email_address"`
	Reserved             bool             `json:"reserved"`
	Verification         verificationWire `json:"verification"`
	LinkedTo             emptyList        `json:"linked_to"`
	MatchesSSOConnection bool             `json:"matches_sso_connection"`
	CreatedAt            int64            `json:"created_at"`
	UpdatedAt            int64            `json:"updated_at"`
}

// verificationWire is an identifier's Verification object.
type verificationWire struct {
	Object   string `json:"object"` // "verification_otp" or "verification_admin"
	Status   string `json:"status"`
	Strategy string `json:"strategy"`
	Attempts *int   `json:"attempts"`
	ExpireAt *int64 `json:"expire_at"`
}

// emailJSON renders an e-mail address: verified by its test code (a
// Clerk test identity), by an admin, or not yet.
func emailJSON(e emailAddress) *emailAddressWire {
	ver := verificationWire{Object: "verification_otp", Status: "unverified", Strategy: "email_code", Attempts: new(int)}
	switch {
	case e.Verified && e.VerifiedBy != "": // by the social account it came with
		ver = verificationWire{Object: "verification_from_oauth", Status: "verified", Strategy: "from_" + e.VerifiedBy}
	case e.Verified && isTestEmail(e.Address): // verified by its test code, as on Clerk
		ver = verificationWire{Object: "verification_otp", Status: "verified", Strategy: "email_code"}
	case e.Verified:
		ver = verificationWire{Object: "verification_admin", Status: "verified", Strategy: "admin"}
	}
	return &emailAddressWire{ID: e.ID, Object: "email_address", EmailAddress: e.Address, Verification: ver,
		CreatedAt: e.CreatedAt, UpdatedAt: e.CreatedAt}
}

// userJSON renders a user in the Backend API's User shape.
func userJSON(u *user) *userWire {
	emails := make([]emailAddressWire, 0, len(u.Emails))
	for _, e := range u.Emails {
		emails = append(emails, *emailJSON(e))
	}
	img, hasImage := placeholderImage, false
	if u.ImageURL != "" {
		img, hasImage = u.ImageURL, true
	}
	w := &userWire{
		ID: u.ID, Object: "user",
		ExternalID: u.ExternalID, Username: u.Username,
		FirstName: u.FirstName, LastName: u.LastName, Locale: u.Locale,
		PrimaryEmailAddressID: strOrNil(u.PrimaryEmailID), PrimaryPhoneNumberID: strOrNil(u.PrimaryPhoneID),
		PhoneNumbers:    phonesJSON(u),
		ProfileImageURL: img, ImageURL: img, HasImage: hasImage,
		PublicMetadata: rawOrEmpty(u.PublicMeta), PrivateMetadata: rawOrEmpty(u.PrivateMeta),
		UnsafeMetadata:  rawOrEmpty(u.UnsafeMeta),
		EmailAddresses:  emails,
		PasswordEnabled: u.PasswordHash != "",
		TOTPEnabled:     u.totpEnabled(), BackupCodeEnabled: len(u.BackupCodes) > 0,
		TwoFactorEnabled: u.mfaEnabled(),
		MFAEnabledAt:     u.MFAEnabledAt, MFADisabledAt: u.MFADisabledAt,
		LastSignInAt: u.LastSignInAt, Banned: u.Banned, Locked: u.Locked,
		VerificationAttemptsRemaining: 100,
		UpdatedAt:                     u.UpdatedAt, CreatedAt: u.CreatedAt,
		DeleteSelfEnabled: !u.NoDeleteSelf, CreateOrganizationEnabled: !u.NoCreateOrg, CreateOrganizationsLimit: u.CreateOrgLimit,
		LastActiveAt: u.LastActiveAt, LegalAcceptedAt: u.LegalAccepted,
	}
	w.ExternalAccounts = externalAccountsJSON(u)
	w.Passkeys = bapiPasskeysJSON(u)
	return w
}

// emailVerificationWire is an e-mail address verification in progress.
type emailVerificationWire struct {
	Object   string `json:"object"` // "verification_otp"
	ID       string `json:"id"`
	Status   string `json:"status"`
	Strategy string `json:"strategy"`
	Attempts int    `json:"attempts"`
	ExpireAt int64  `json:"expire_at"`
}

func emailVerificationJSON(v *emailVerification, now time.Time) *emailVerificationWire {
	return &emailVerificationWire{Object: "verification_otp", ID: v.ID, Status: v.statusAt(now), Strategy: "email_code",
		Attempts: v.Attempts, ExpireAt: v.ExpireAt}
}

// totalCountWire is the TotalCount object (GET /users/count).
type totalCountWire struct {
	Object     string `json:"object"` // "total_count"
	TotalCount int    `json:"total_count"`
}

// passwordVerifiedWire is the answer of a correct verify_password.
type passwordVerifiedWire struct {
	Verified bool `json:"verified"`
}
