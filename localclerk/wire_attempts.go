package localclerk

import (
	"encoding/json"
	"errors"

	"github.com/goclerk/clerk/backend"
)

// The Frontend API's sign-in and sign-up attempts, as clerk-js reads
// them.

// signInWire is the SignIn object.
type signInWire struct {
	Object                   string                   `json:"object"` // "sign_in_attempt"
	ID                       string                   `json:"id"`
	Status                   string                   `json:"status"`
	SupportedIdentifiers     []string                 `json:"supported_identifiers"`
	Identifier               *string                  `json:"identifier"`
	UserData                 *signInUserDataWire      `json:"user_data"`
	SupportedFirstFactors    []signInFactorWire       `json:"supported_first_factors"`
	SupportedSecondFactors   []signInFactorWire       `json:"supported_second_factors"`
	FirstFactorVerification  *attemptVerificationWire `json:"first_factor_verification"`
	SecondFactorVerification *attemptVerificationWire `json:"second_factor_verification"`
	CreatedSessionID         *string                  `json:"created_session_id"`
	AbandonAt                int64                    `json:"abandon_at"`
}

// signInUserDataWire is what a sign-in shows of the user it identified.
type signInUserDataWire struct {
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	ImageURL  string  `json:"image_url"`
	HasImage  bool    `json:"has_image"`
}

// signInFactorWire is a first factor a sign-in may use: the password, or
// a code sent to one of the user's addresses.
type signInFactorWire struct {
	Strategy       string `json:"strategy"`
	EmailAddressID string `json:"email_address_id,omitempty"`
	PhoneNumberID  string `json:"phone_number_id,omitempty"`
	SafeIdentifier string `json:"safe_identifier,omitempty"`
	Primary        *bool  `json:"primary,omitempty"`
	Default        *bool  `json:"default,omitempty"`
}

// attemptVerificationWire is a sign-in's or sign-up's Verification: a
// password check or a one-time code. NextAction and SupportedStrategies
// are the sign-up's.
type attemptVerificationWire struct {
	Object           string              `json:"object"`
	Status           string              `json:"status"`
	Strategy         string              `json:"strategy"`
	Attempts         int                 `json:"attempts"`
	ExpireAt         *int64              `json:"expire_at"`
	Error            *backend.ClerkError `json:"error"`
	VerifiedAtClient *string             `json:"verified_at_client"` // an e-mail link's: the client that opened it

	NextAction          *string  `json:"next_action,omitempty"`
	SupportedStrategies []string `json:"supported_strategies,omitzero"`

	// ExternalVerificationRedirectURL is an OAuth verification's way to
	// the provider page (fapi_oauth.go).
	ExternalVerificationRedirectURL *string `json:"external_verification_redirect_url,omitempty"`

	// Nonce is a passkey verification's WebAuthn request options (JSON).
	Nonce *string `json:"nonce,omitempty"`
}

// MarshalJSON renders a passkey verification in its own, smaller shape.
func (v *attemptVerificationWire) MarshalJSON() ([]byte, error) {
	type plain attemptVerificationWire // without this method
	if v.Object != "verification_passkey" {
		return json.Marshal((*plain)(v))
	}
	expire := int64(0)
	if v.ExpireAt != nil {
		expire = *v.ExpireAt
	}
	attempts := v.Attempts
	return json.Marshal(&passkeyVerificationWire{Object: v.Object, Status: v.Status, Strategy: v.Strategy,
		Attempts: &attempts, ExpireAt: &expire, Nonce: v.Nonce})
}

// signUpWire is the SignUp object.
type signUpWire struct {
	Object                  string                  `json:"object"` // "sign_up_attempt"
	ID                      string                  `json:"id"`
	Status                  string                  `json:"status"`
	RequiredFields          []string                `json:"required_fields"`
	OptionalFields          []string                `json:"optional_fields"`
	MissingFields           []string                `json:"missing_fields"`
	UnverifiedFields        []string                `json:"unverified_fields"`
	Verifications           signUpVerificationsWire `json:"verifications"`
	Username                *string                 `json:"username"`
	EmailAddress            *string                 `json:"email_address"`
	PhoneNumber             *string                 `json:"phone_number"`
	Web3Wallet              alwaysNull              `json:"web3_wallet"`
	FirstName               *string                 `json:"first_name"`
	LastName                *string                 `json:"last_name"`
	ExternalAccountStrategy *string                 `json:"external_account_strategy"`
	ExternalAccount         alwaysNull              `json:"external_account"`
	HasPassword             bool                    `json:"has_password"`
	UnsafeMetadata          json.RawMessage         `json:"unsafe_metadata"`
	PasswordEnabled         bool                    `json:"password_enabled"`
	CustomAction            bool                    `json:"custom_action"`
	ExternalID              alwaysNull              `json:"external_id"`
	CreatedSessionID        *string                 `json:"created_session_id"`
	CreatedUserID           *string                 `json:"created_user_id"`
	AbandonAt               int64                   `json:"abandon_at"`
	LegalAcceptedAt         alwaysNull              `json:"legal_accepted_at"`
	Locale                  alwaysNull              `json:"locale"`
}

// signUpVerificationsWire is a sign-up's verifications; only the e-mail
// address is ever verified.
type signUpVerificationsWire struct {
	EmailAddress    *attemptVerificationWire `json:"email_address"`
	PhoneNumber     *attemptVerificationWire `json:"phone_number"`
	Web3Wallet      alwaysNull               `json:"web3_wallet"`
	ExternalAccount *attemptVerificationWire `json:"external_account"`
}

// signInJSON renders the Frontend API SignIn.
func (inst *Instance) signInJSON(x *fapiCall, si *signInAttempt) (*signInWire, error) {
	ss := inst.settingsNow()
	out := &signInWire{Object: "sign_in_attempt", ID: si.ID, Status: si.Status,
		SupportedIdentifiers: ss.identifiers(), Identifier: strOrNil(si.Identifier),
		SupportedFirstFactors: []signInFactorWire{}, SupportedSecondFactors: []signInFactorWire{},
		CreatedSessionID: strOrNil(si.CreatedSessionID), AbandonAt: si.AbandonAt}
	if si.UserID != "" {
		var u user
		if err := x.t.users().load(si.UserID, &u); err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
		if u.PasswordHash != "" && ss.password {
			out.SupportedFirstFactors = append(out.SupportedFirstFactors, signInFactorWire{Strategy: "password"})
		}
		for _, strategy := range []string{"email_code", "email_link"} {
			if (strategy == "email_code" && !ss.emailCode) || (strategy == "email_link" && !ss.emailLink) {
				continue
			}
			for _, e := range u.Emails {
				primary := e.ID == u.PrimaryEmailID
				out.SupportedFirstFactors = append(out.SupportedFirstFactors, signInFactorWire{Strategy: strategy,
					EmailAddressID: e.ID, SafeIdentifier: e.Address, Primary: &primary})
			}
		}
		if ss.passkey && u.hasPasskey() {
			out.SupportedFirstFactors = append(out.SupportedFirstFactors, signInFactorWire{Strategy: "passkey"})
		}
		if ss.phoneCode {
			out.SupportedFirstFactors = append(out.SupportedFirstFactors, phoneFactorsJSON(&u, false)...)
		}
		out.SupportedFirstFactors = append(out.SupportedFirstFactors, resetPasswordFactorJSON(&u, si.Identifier)...)
		pud := publicUserData(&u, x.avatar())
		out.UserData = &signInUserDataWire{FirstName: pud.FirstName, LastName: pud.LastName, ImageURL: pud.ImageURL}
		inst.secondFactorJSON(si, &u, out)
	}
	if si.OAuth != nil {
		out.FirstFactorVerification = si.OAuth.wire()
	} else if si.Strategy != "" {
		out.FirstFactorVerification = verificationJSON(si.Strategy, si.FactorStatus, si.Attempts, si.CodeExpireAt)
		if si.Strategy == "email_link" {
			out.FirstFactorVerification.VerifiedAtClient = &si.LinkClientID
		}
		if si.Strategy == "passkey" && si.Passkey != nil {
			out.FirstFactorVerification.Nonce = &si.Passkey.Nonce
		}
	}
	return out, nil
}

// verificationJSON is a Verification: a password check or a one-time code.
func verificationJSON(strategy, status string, attempts int, expireAt int64) *attemptVerificationWire {
	v := &attemptVerificationWire{Object: "verification_otp", Status: status, Strategy: strategy, Attempts: attempts}
	if expireAt > 0 {
		v.ExpireAt = &expireAt
	}
	if status == "" {
		v.Status = "unverified"
	}
	switch strategy {
	case "password":
		v.Object = "verification_password"
	case "totp":
		v.Object = "verification_totp"
	case "backup_code":
		v.Object = "verification_backup_code"
	case "email_link":
		v.Object = "verification_email_link"
	case "passkey":
		v.Object = "verification_passkey"
	}
	return v
}

// signUpJSON renders the Frontend API SignUp.
func (inst *Instance) signUpJSON(su *signUpAttempt) *signUpWire {
	required, optional, missing := inst.settingsNow().signUpFields(su)
	unverified := []string{}
	if su.Status == "complete" {
		missing = []string{}
	} else {
		if su.Email != "" && su.VerifyStatus != "verified" {
			unverified = append(unverified, "email_address")
		}
		if su.Phone.Number != "" && su.Phone.Status != "verified" {
			unverified = append(unverified, "phone_number")
		}
	}
	out := &signUpWire{Object: "sign_up_attempt", ID: su.ID, Status: su.Status,
		RequiredFields: required, OptionalFields: optional,
		MissingFields: missing, UnverifiedFields: unverified, Username: strOrNil(su.Username),
		EmailAddress: strOrNil(su.Email), FirstName: strOrNil(su.FirstName), LastName: strOrNil(su.LastName),
		HasPassword: su.PasswordHash != "" || su.Status == "complete", UnsafeMetadata: json.RawMessage("{}"),
		PasswordEnabled:  su.PasswordHash != "" || su.Status == "complete",
		CreatedSessionID: strOrNil(su.CreatedSessionID), CreatedUserID: strOrNil(su.CreatedUserID), AbandonAt: su.AbandonAt}
	if su.Email != "" {
		strategy, supported := "email_code", inst.settingsNow().emailVerifications()
		switch {
		case su.Ticket != "":
			strategy, supported = "ticket", []string{"ticket"}
		case su.VerifyStrategy != "":
			strategy = su.VerifyStrategy
		}
		v := verificationJSON(strategy, su.VerifyStatus, su.Attempts, su.CodeExpireAt)
		next := "needs_prepare"
		switch su.VerifyStatus {
		case "unverified":
			next = "needs_attempt"
		case "verified":
			next = ""
		}
		v.NextAction = &next
		v.SupportedStrategies = supported
		if strategy == "email_link" {
			v.VerifiedAtClient = &su.LinkClientID
		}
		if su.OAuth != nil && su.VerifyStatus == "verified" {
			// The provider vouched for the address, as on the user's
			// e-mail address.
			v = &attemptVerificationWire{Object: "verification_from_oauth", Status: "verified",
				Strategy: "from_oauth_" + oauthProviderOf(su.OAuth.Strategy), NextAction: &next, SupportedStrategies: []string{}}
		}
		out.Verifications.EmailAddress = v
	}
	if su.Phone.Number != "" {
		out.PhoneNumber, out.Verifications.PhoneNumber = &su.Phone.Number, su.Phone.wire()
	}
	if su.OAuth != nil {
		out.ExternalAccountStrategy, out.Verifications.ExternalAccount = &su.OAuth.Strategy, su.OAuth.wire()
	}
	return out
}
