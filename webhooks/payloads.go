package webhooks

import "encoding/json"

// The structs below mirror the data objects Clerk sends in webhook events.
// Times are Unix milliseconds. Pointer fields are nullable on the wire.
// Metadata stays raw JSON so each application decodes it into its own
// types. Fields Clerk adds later are ignored; use [Event.DecodeData] with
// your own struct to reach them.

// User is the data of user.created and user.updated events.
type User struct {
	ID                            string                   `json:"id"`
	Object                        string                   `json:"object"`
	ExternalID                    *string                  `json:"external_id"`
	Username                      *string                  `json:"username"`
	FirstName                     *string                  `json:"first_name"`
	LastName                      *string                  `json:"last_name"`
	ImageURL                      string                   `json:"image_url"`
	HasImage                      bool                     `json:"has_image"`
	Locale                        *string                  `json:"locale"`
	PrimaryEmailAddressID         *string                  `json:"primary_email_address_id"`
	PrimaryPhoneNumberID          *string                  `json:"primary_phone_number_id"`
	PrimaryWeb3WalletID           *string                  `json:"primary_web3_wallet_id"`
	EmailAddresses                []EmailAddress           `json:"email_addresses"`
	PhoneNumbers                  []PhoneNumber            `json:"phone_numbers"`
	Web3Wallets                   []Web3Wallet             `json:"web3_wallets"`
	ExternalAccounts              []ExternalAccount        `json:"external_accounts"`
	OrganizationMemberships       []OrganizationMembership `json:"organization_memberships"`
	PublicMetadata                json.RawMessage          `json:"public_metadata"`
	PrivateMetadata               json.RawMessage          `json:"private_metadata"`
	UnsafeMetadata                json.RawMessage          `json:"unsafe_metadata"`
	PasswordEnabled               bool                     `json:"password_enabled"`
	TwoFactorEnabled              bool                     `json:"two_factor_enabled"`
	TOTPEnabled                   bool                     `json:"totp_enabled"`
	BackupCodeEnabled             bool                     `json:"backup_code_enabled"`
	Banned                        bool                     `json:"banned"`
	Locked                        bool                     `json:"locked"`
	LockoutExpiresInSeconds       *int64                   `json:"lockout_expires_in_seconds"`
	VerificationAttemptsRemaining *int64                   `json:"verification_attempts_remaining"`
	CreateOrganizationEnabled     bool                     `json:"create_organization_enabled"`
	CreateOrganizationsLimit      *int64                   `json:"create_organizations_limit"`
	DeleteSelfEnabled             bool                     `json:"delete_self_enabled"`
	PasswordLastUpdatedAt         *int64                   `json:"password_last_updated_at"`
	LastSignInAt                  *int64                   `json:"last_sign_in_at"`
	LastActiveAt                  *int64                   `json:"last_active_at"`
	LegalAcceptedAt               *int64                   `json:"legal_accepted_at"`
	CreatedAt                     int64                    `json:"created_at"`
	UpdatedAt                     int64                    `json:"updated_at"`
}

// PrimaryEmailAddress returns the user's primary email address, or "" when
// there is none; it saves every handler the same lookup.
func (u User) PrimaryEmailAddress() string {
	if u.PrimaryEmailAddressID == nil {
		return ""
	}
	for _, e := range u.EmailAddresses {
		if e.ID == *u.PrimaryEmailAddressID {
			return e.EmailAddress
		}
	}
	return ""
}

// EmailAddress is one of a user's email addresses.
type EmailAddress struct {
	ID           string        `json:"id"`
	Object       string        `json:"object"`
	EmailAddress string        `json:"email_address"`
	Reserved     bool          `json:"reserved"`
	Verification *Verification `json:"verification"`
	LinkedTo     []LinkedTo    `json:"linked_to"`
	CreatedAt    int64         `json:"created_at"`
	UpdatedAt    int64         `json:"updated_at"`
}

// PhoneNumber is one of a user's phone numbers.
type PhoneNumber struct {
	ID                      string        `json:"id"`
	Object                  string        `json:"object"`
	PhoneNumber             string        `json:"phone_number"`
	Reserved                bool          `json:"reserved"`
	ReservedForSecondFactor bool          `json:"reserved_for_second_factor"`
	DefaultSecondFactor     bool          `json:"default_second_factor"`
	Verification            *Verification `json:"verification"`
	LinkedTo                []LinkedTo    `json:"linked_to"`
	CreatedAt               int64         `json:"created_at"`
	UpdatedAt               int64         `json:"updated_at"`
}

// Web3Wallet is one of a user's Web3 wallets.
type Web3Wallet struct {
	ID           string        `json:"id"`
	Object       string        `json:"object"`
	Web3Wallet   string        `json:"web3_wallet"`
	Verification *Verification `json:"verification"`
	CreatedAt    int64         `json:"created_at"`
	UpdatedAt    int64         `json:"updated_at"`
}

// ExternalAccount is a user's account at an OAuth provider.
type ExternalAccount struct {
	ID               string          `json:"id"`
	Object           string          `json:"object"`
	Provider         string          `json:"provider"`
	IdentificationID string          `json:"identification_id"`
	ProviderUserID   string          `json:"provider_user_id"`
	ApprovedScopes   string          `json:"approved_scopes"`
	EmailAddress     string          `json:"email_address"`
	FirstName        string          `json:"first_name"`
	LastName         string          `json:"last_name"`
	ImageURL         string          `json:"image_url"`
	Username         *string         `json:"username"`
	PhoneNumber      *string         `json:"phone_number"`
	Label            *string         `json:"label"`
	PublicMetadata   json.RawMessage `json:"public_metadata"`
	Verification     *Verification   `json:"verification"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
}

// Verification is the verification state of an identifier.
type Verification struct {
	Status   string `json:"status"`
	Strategy string `json:"strategy"`
	Attempts *int64 `json:"attempts"`
	ExpireAt *int64 `json:"expire_at"`
}

// LinkedTo names another identification an identifier is linked to.
type LinkedTo struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// DeletedObject is the data of user.deleted, organization.deleted and
// organizationDomain.deleted events.
type DeletedObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Slug    string `json:"slug,omitempty"`
	Deleted bool   `json:"deleted"`
	// ExternalID is set on user.deleted when the user had one.
	ExternalID string `json:"external_id,omitempty"`
}

// Session is the data of session.* events.
type Session struct {
	ID                       string           `json:"id"`
	Object                   string           `json:"object"`
	ClientID                 string           `json:"client_id"`
	UserID                   string           `json:"user_id"`
	Status                   string           `json:"status"`
	LastActiveOrganizationID *string          `json:"last_active_organization_id"`
	Actor                    json.RawMessage  `json:"actor"`
	LatestActivity           *SessionActivity `json:"latest_activity"`
	LastActiveAt             int64            `json:"last_active_at"`
	ExpireAt                 int64            `json:"expire_at"`
	AbandonAt                int64            `json:"abandon_at"`
	CreatedAt                int64            `json:"created_at"`
	UpdatedAt                int64            `json:"updated_at"`
	// User is the session's user, when Clerk includes it.
	User *User `json:"user"`
}

// SessionActivity describes the device and place a session was last used from.
type SessionActivity struct {
	ID             string `json:"id"`
	Object         string `json:"object"`
	DeviceType     string `json:"device_type"`
	IsMobile       bool   `json:"is_mobile"`
	BrowserName    string `json:"browser_name"`
	BrowserVersion string `json:"browser_version"`
	IPAddress      string `json:"ip_address"`
	City           string `json:"city"`
	Country        string `json:"country"`
}

// Organization is the data of organization.created and organization.updated
// events.
type Organization struct {
	ID                      string          `json:"id"`
	Object                  string          `json:"object"`
	Name                    string          `json:"name"`
	Slug                    string          `json:"slug"`
	ImageURL                string          `json:"image_url"`
	HasImage                bool            `json:"has_image"`
	MembersCount            *int64          `json:"members_count"`
	PendingInvitationsCount *int64          `json:"pending_invitations_count"`
	MaxAllowedMemberships   int64           `json:"max_allowed_memberships"`
	AdminDeleteEnabled      bool            `json:"admin_delete_enabled"`
	PublicMetadata          json.RawMessage `json:"public_metadata"`
	PrivateMetadata         json.RawMessage `json:"private_metadata"`
	CreatedBy               string          `json:"created_by"`
	RoleSetKey              *string         `json:"role_set_key"`
	CreatedAt               int64           `json:"created_at"`
	UpdatedAt               int64           `json:"updated_at"`
	LastActiveAt            *int64          `json:"last_active_at"`
}

// OrganizationMembership is the data of organizationMembership.* events.
type OrganizationMembership struct {
	ID              string                `json:"id"`
	Object          string                `json:"object"`
	Role            string                `json:"role"`
	RoleName        string                `json:"role_name"`
	Permissions     []string              `json:"permissions"`
	PublicMetadata  json.RawMessage       `json:"public_metadata"`
	PrivateMetadata json.RawMessage       `json:"private_metadata"`
	Organization    Organization          `json:"organization"`
	PublicUserData  *MembershipPublicUser `json:"public_user_data"`
	CreatedAt       int64                 `json:"created_at"`
	UpdatedAt       int64                 `json:"updated_at"`
}

// MembershipPublicUser is the public view of a member's user.
type MembershipPublicUser struct {
	UserID     string  `json:"user_id"`
	Identifier string  `json:"identifier"`
	FirstName  *string `json:"first_name"`
	LastName   *string `json:"last_name"`
	ImageURL   string  `json:"image_url"`
	HasImage   bool    `json:"has_image"`
}

// OrganizationInvitation is the data of organizationInvitation.* events.
type OrganizationInvitation struct {
	ID              string          `json:"id"`
	Object          string          `json:"object"`
	EmailAddress    string          `json:"email_address"`
	Role            string          `json:"role"`
	RoleName        string          `json:"role_name"`
	OrganizationID  string          `json:"organization_id"`
	Status          string          `json:"status"`
	URL             *string         `json:"url"`
	PublicMetadata  json.RawMessage `json:"public_metadata"`
	PrivateMetadata json.RawMessage `json:"private_metadata"`
	// UserID is the invitee's user, set on organizationInvitation.accepted.
	UserID    string `json:"user_id,omitempty"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
	ExpiresAt int64  `json:"expires_at"`
}

// Email is the data of email.created events: a message Clerk would send,
// for the application to deliver itself when delivery is delegated.
type Email struct {
	ID                string          `json:"id"`
	Object            string          `json:"object"`
	Slug              *string         `json:"slug"`
	FromEmailName     string          `json:"from_email_name"`
	ToEmailAddress    string          `json:"to_email_address"`
	EmailAddressID    *string         `json:"email_address_id"`
	UserID            *string         `json:"user_id"`
	Subject           string          `json:"subject"`
	Body              string          `json:"body"`
	BodyPlain         *string         `json:"body_plain"`
	Status            string          `json:"status"`
	Data              json.RawMessage `json:"data"`
	DeliveredByClerk  bool            `json:"delivered_by_clerk"`
	SuppressionReason *string         `json:"suppression_reason"`
}

// SMSMessage is the data of sms.created events.
type SMSMessage struct {
	ID               string          `json:"id"`
	Object           string          `json:"object"`
	Slug             *string         `json:"slug"`
	FromPhoneNumber  string          `json:"from_phone_number"`
	ToPhoneNumber    string          `json:"to_phone_number"`
	PhoneNumberID    *string         `json:"phone_number_id"`
	UserID           string          `json:"user_id"`
	Message          string          `json:"message"`
	Status           string          `json:"status"`
	Data             json.RawMessage `json:"data"`
	DeliveredByClerk bool            `json:"delivered_by_clerk"`
}

// Role is the data of role.* events.
type Role struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Key               string       `json:"key"`
	Name              string       `json:"name"`
	Description       *string      `json:"description"`
	Permissions       []Permission `json:"permissions"`
	IsCreatorEligible bool         `json:"is_creator_eligible"`
	CreatedAt         int64        `json:"created_at"`
	UpdatedAt         int64        `json:"updated_at"`
}

// Permission is the data of permission.* events.
type Permission struct {
	ID          string `json:"id"`
	Object      string `json:"object"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"`
	CreatedAt   int64  `json:"created_at"`
	UpdatedAt   int64  `json:"updated_at"`
}
