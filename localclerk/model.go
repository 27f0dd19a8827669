package localclerk

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
)

// Record kinds (the "kind" column) and unique-key namespaces.
const (
	kindUser       = "user"
	kindOrg        = "org"
	kindMembership = "membership"
	kindRole       = "role"
	kindPermission = "permission"
	kindClient     = "client"
	kindSession    = "session"
	kindDevBrowser = "dev_browser"
	kindNonce      = "nonce"
	kindAPIKey     = "api_key"
	kindMachine    = "machine"
	kindM2M        = "m2m"
	kindOAuth      = "oauth"
	kindSignIn     = "sign_in_token"
	kindTemplate   = "jwt_template"
	kindCode       = "code"

	nsEmail      = "user:email"
	nsUsername   = "user:username"
	nsExternalID = "user:external_id"
	nsPhone      = "user:phone"
	nsSlug       = "org:slug"
	nsMember     = "membership:pair"
	nsRoleKey    = "role:key"
	nsPermKey    = "permission:key"
	nsAPISecret  = "api_key:secret"
	nsMachineKey = "machine:secret"
	nsM2MToken   = "m2m:token"
	nsOAuthToken = "oauth:token"
	nsTicket     = "sign_in_token:ticket"
	nsTemplate   = "jwt_template:name"
)

type emailAddress struct {
	ID        string `json:"id"`
	Address   string `json:"address"`
	Verified  bool   `json:"verified"`
	CreatedAt int64  `json:"created_at"`

	// VerifiedBy is the OAuth strategy that verified the address when it
	// came from a social account ("oauth_google").
	VerifiedBy string `json:"verified_by,omitempty"`
}

// phoneNumber is one of a user's phone numbers, in E.164 form
// (phone.go). A verified number may be reserved for the second factor
// (SMS codes); DefaultSecondFactor marks the one a sign-in texts first.
type phoneNumber struct {
	ID                   string `json:"id"`
	Number               string `json:"number"`
	Verified             bool   `json:"verified"`
	ReservedSecondFactor bool   `json:"reserved_for_second_factor,omitempty"`
	DefaultSecondFactor  bool   `json:"default_second_factor,omitempty"`
	CreatedAt            int64  `json:"created_at"`
	UpdatedAt            int64  `json:"updated_at"`
}

type user struct {
	ID             string          `json:"id"`
	ExternalID     *string         `json:"external_id,omitempty"`
	FirstName      *string         `json:"first_name,omitempty"`
	LastName       *string         `json:"last_name,omitempty"`
	Username       *string         `json:"username,omitempty"`
	Emails         []emailAddress  `json:"emails"`
	PrimaryEmailID string          `json:"primary_email_id,omitempty"`
	Phones         []phoneNumber   `json:"phones,omitempty"`
	PrimaryPhoneID string          `json:"primary_phone_id,omitempty"`
	Locale         *string         `json:"locale,omitempty"`
	LegalAccepted  *int64          `json:"legal_accepted_at,omitempty"`
	NoDeleteSelf   bool            `json:"delete_self_disabled,omitempty"`
	NoCreateOrg    bool            `json:"create_organization_disabled,omitempty"`
	CreateOrgLimit *int64          `json:"create_organizations_limit,omitempty"`
	PasswordHash   string          `json:"password_hash,omitempty"`
	PublicMeta     json.RawMessage `json:"public_metadata,omitempty"`
	PrivateMeta    json.RawMessage `json:"private_metadata,omitempty"`
	UnsafeMeta     json.RawMessage `json:"unsafe_metadata,omitempty"`
	Banned         bool            `json:"banned"`
	Locked         bool            `json:"locked"`
	// PasswordCompromised refuses password sign-ins until the password
	// changes (SetUserPasswordCompromised).
	PasswordCompromised bool `json:"password_compromised,omitempty"`
	// TOTP is the authenticator app secret (totp.go), verified or being
	// set up; BackupCodes the SHA-256 hashes of the unused backup codes.
	TOTP          *totpSecret `json:"totp,omitempty"`
	BackupCodes   []string    `json:"backup_codes,omitempty"`
	MFAEnabledAt  *int64      `json:"mfa_enabled_at,omitempty"`
	MFADisabledAt *int64      `json:"mfa_disabled_at,omitempty"`
	// ImageID names the stored profile image (kindImage), if any, and
	// ImageURL is where localclerk serves it.
	ImageID      string   `json:"image_id,omitempty"`
	ImageURL     string   `json:"image_url,omitempty"`
	Plan         string   `json:"plan,omitempty"`     // billing plan key, for the pla claim
	Features     []string `json:"features,omitempty"` // plan features, for the fea claim
	LastSignInAt *int64   `json:"last_sign_in_at,omitempty"`
	LastActiveAt *int64   `json:"last_active_at,omitempty"`
	CreatedAt    int64    `json:"created_at"`
	UpdatedAt    int64    `json:"updated_at"`

	// ExternalAccounts are the user's social accounts
	// (repo_external_accounts.go).
	ExternalAccounts []externalAccount `json:"external_accounts,omitempty"`

	// Passkeys are the user's WebAuthn credentials, registered or being
	// registered (fapi_me_passkeys.go).
	Passkeys []passkey `json:"passkeys,omitempty"`
}

// passkey is one WebAuthn credential of a user. A registration in
// progress has a Challenge and no credential yet.
type passkey struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Verified     bool     `json:"verified"`
	CredentialID string   `json:"credential_id,omitempty"` // base64url
	PublicKey    []byte   `json:"public_key,omitempty"`    // PKIX DER
	SignCount    uint32   `json:"sign_count,omitempty"`
	RPID         string   `json:"rp_id,omitempty"`
	Transports   []string `json:"transports,omitempty"`
	// Challenge (base64url) and ChallengeExpireAt are the registration's
	// one-time challenge, cleared once it is used.
	Challenge         string `json:"challenge,omitempty"`
	ChallengeExpireAt int64  `json:"challenge_expire_at,omitempty"`
	// Nonce is the creation options the registration answered with.
	Nonce      string `json:"nonce,omitempty"`
	LastUsedAt *int64 `json:"last_used_at,omitempty"`
	CreatedAt  int64  `json:"created_at"`
	UpdatedAt  int64  `json:"updated_at"`
}

// email returns u's address with id, or nil.
func (u *user) email(id string) *emailAddress {
	for i := range u.Emails {
		if u.Emails[i].ID == id {
			return &u.Emails[i]
		}
	}
	return nil
}

func (u *user) primaryEmail() string {
	for _, e := range u.Emails {
		if e.ID == u.PrimaryEmailID {
			return e.Address
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Address
	}
	return ""
}

func (u *user) displayName() string {
	var parts []string
	if u.FirstName != nil && *u.FirstName != "" {
		parts = append(parts, *u.FirstName)
	}
	if u.LastName != nil && *u.LastName != "" {
		parts = append(parts, *u.LastName)
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	if u.Username != nil && *u.Username != "" {
		return *u.Username
	}
	return u.primaryEmail()
}

type organization struct {
	ID                    string          `json:"id"`
	Name                  string          `json:"name"`
	Slug                  string          `json:"slug"`
	MaxAllowedMemberships int             `json:"max_allowed_memberships"`
	AdminDeleteEnabled    bool            `json:"admin_delete_enabled"`
	PublicMeta            json.RawMessage `json:"public_metadata,omitempty"`
	PrivateMeta           json.RawMessage `json:"private_metadata,omitempty"`
	CreatedBy             string          `json:"created_by,omitempty"`
	LogoID                string          `json:"logo_id,omitempty"`   // the stored logo (kind org_logo)
	ImageURL              string          `json:"image_url,omitempty"` // where localclerk serves it (its URL at upload time)
	Plan                  string          `json:"plan,omitempty"`
	Features              []string        `json:"features,omitempty"`
	CreatedAt             int64           `json:"created_at"`
	UpdatedAt             int64           `json:"updated_at"`
}

type membership struct {
	ID          string          `json:"id"`
	OrgID       string          `json:"org_id"`
	UserID      string          `json:"user_id"`
	Role        string          `json:"role"`
	PublicMeta  json.RawMessage `json:"public_metadata,omitempty"`
	PrivateMeta json.RawMessage `json:"private_metadata,omitempty"`
	CreatedAt   int64           `json:"created_at"`
	UpdatedAt   int64           `json:"updated_at"`
}

type role struct {
	ID          string   `json:"id"`
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
	CreatedAt   int64    `json:"created_at"`
	UpdatedAt   int64    `json:"updated_at"`
}

type permission struct {
	ID          string `json:"id"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"`
	CreatedAt   int64  `json:"created_at"`
	UpdatedAt   int64  `json:"updated_at"`
}

// client is a browser (or device) as Clerk sees it; sessions belong to it.
type client struct {
	ID                  string   `json:"id"`
	SessionIDs          []string `json:"session_ids"`
	LastActiveSessionID string   `json:"last_active_session_id,omitempty"`
	DevBrowserID        string   `json:"dev_browser_id,omitempty"`
	SignInID            string   `json:"sign_in_id,omitempty"` // Frontend API sign-in in progress
	SignUpID            string   `json:"sign_up_id,omitempty"` // Frontend API sign-up in progress
	// UserAgent and IPAddress are what the browser first came with: the
	// device shown for its sessions in the account's "Active devices".
	UserAgent string `json:"user_agent,omitempty"`
	IPAddress string `json:"ip_address,omitempty"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

type session struct {
	ID            string `json:"id"`
	ClientID      string `json:"client_id"`
	UserID        string `json:"user_id"`
	Status        string `json:"status"`
	ActiveOrgID   string `json:"active_org_id,omitempty"`
	Azp           string `json:"azp,omitempty"`
	FirstFactorAt int64  `json:"first_factor_at"`
	// SecondFactorAt is when the sign-in's second factor was verified; 0
	// when it had none.
	SecondFactorAt int64  `json:"second_factor_at,omitempty"`
	LastActiveAt   int64  `json:"last_active_at"`
	ExpireAt       int64  `json:"expire_at"`
	AbandonAt      int64  `json:"abandon_at"`
	CreatedAt      int64  `json:"created_at"`
	UpdatedAt      int64  `json:"updated_at"`
	ActorJSON      string `json:"actor,omitempty"`
	TokenCounter   int64  `json:"token_counter,omitempty"`
	ActivatedOrgAt int64  `json:"activated_org_at,omitempty"`
	// RefreshToken is the __refresh cookie value handed out by the
	// handshake; RefreshSession exchanges it for a new token.
	RefreshToken string `json:"refresh_token,omitempty"`
}

type devBrowser struct {
	ID        string `json:"id"`
	ClientID  string `json:"client_id"`
	CreatedAt int64  `json:"created_at"`
}

type handshakeNonce struct {
	ID         string   `json:"id"`
	Directives []string `json:"directives"`
	CreatedAt  int64    `json:"created_at"`
}

type apiKey struct {
	ID               string          `json:"id"`
	Type             string          `json:"type"`
	Subject          string          `json:"subject"`
	Name             string          `json:"name"`
	Description      *string         `json:"description,omitempty"`
	Claims           json.RawMessage `json:"claims,omitempty"`
	Scopes           []string        `json:"scopes"`
	Secret           string          `json:"secret"`
	Revoked          bool            `json:"revoked"`
	RevocationReason *string         `json:"revocation_reason,omitempty"`
	Expiration       *int64          `json:"expiration,omitempty"`
	CreatedBy        *string         `json:"created_by,omitempty"`
	LastUsedAt       *int64          `json:"last_used_at,omitempty"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
}

type machine struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	SecretKey string `json:"secret_key"`
	// PrevSecretKey still authenticates until PrevKeyExpiresAt (ms), the
	// grace period a rotation grants.
	PrevSecretKey    string         `json:"prev_secret_key,omitempty"`
	PrevKeyExpiresAt int64          `json:"prev_key_expires_at,omitempty"`
	DefaultTokenTTL  int64          `json:"default_token_ttl,omitempty"` // seconds; 0 means 3600
	Scopes           []machineScope `json:"scopes,omitempty"`            // machines this one may address
	CreatedAt        int64          `json:"created_at"`
	UpdatedAt        int64          `json:"updated_at,omitempty"`
}

// machineScope lets a machine's tokens address another machine.
type machineScope struct {
	ToMachineID string `json:"to_machine_id"`
	CreatedAt   int64  `json:"created_at"`
}

type m2mToken struct {
	ID               string          `json:"id"`
	Subject          string          `json:"subject"`
	Token            string          `json:"token"`
	Claims           json.RawMessage `json:"claims,omitempty"`
	Scopes           []string        `json:"scopes"`
	Revoked          bool            `json:"revoked"`
	RevocationReason *string         `json:"revocation_reason,omitempty"`
	Expiration       *int64          `json:"expiration,omitempty"`
	LastUsedAt       *int64          `json:"last_used_at,omitempty"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
}

type oauthToken struct {
	ID         string   `json:"id"`
	ClientID   string   `json:"client_id"`
	Subject    string   `json:"subject"`
	Token      string   `json:"token"`
	Scopes     []string `json:"scopes"`
	Revoked    bool     `json:"revoked"`
	Expiration *int64   `json:"expiration,omitempty"`
	CreatedAt  int64    `json:"created_at"`
	UpdatedAt  int64    `json:"updated_at"`
}

type signInToken struct {
	ID        string `json:"id"`
	UserID    string `json:"user_id"`
	Token     string `json:"token"`
	Status    string `json:"status"`
	OrgID     string `json:"org_id,omitempty"`
	ExpiresAt int64  `json:"expires_at"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

type jwtTemplate struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Claims           json.RawMessage `json:"claims"`
	Lifetime         int64           `json:"lifetime"`
	AllowedClockSkew int64           `json:"allowed_clock_skew"`
	CustomSigningKey bool            `json:"custom_signing_key,omitempty"`
	SigningAlgorithm string          `json:"signing_algorithm,omitempty"` // with CustomSigningKey
	SigningKey       string          `json:"signing_key,omitempty"`       // with CustomSigningKey; never answered
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
}

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID returns prefix_ followed by 27 random base62 characters, the
// length of Clerk's own ids.
func newID(prefix string) string {
	return prefix + "_" + randString(27)
}

func randString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("localclerk: crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// rawOrEmpty returns metadata as JSON, defaulting to {}.
func rawOrEmpty(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || string(m) == "null" {
		return json.RawMessage("{}")
	}
	return m
}
