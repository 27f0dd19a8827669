package localclerk

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// organizationWire is the Organization object. The Frontend API's
// (fapiMembershipJSON) drops the private metadata and adds the pending
// invitations' count and self_serve_sso_enabled.
type organizationWire struct {
	Object                  string          `json:"object"` // "organization"
	ID                      string          `json:"id"`
	Name                    string          `json:"name"`
	Slug                    string          `json:"slug"`
	ImageURL                string          `json:"image_url"`
	HasImage                bool            `json:"has_image"`
	MaxAllowedMemberships   int             `json:"max_allowed_memberships"`
	AdminDeleteEnabled      bool            `json:"admin_delete_enabled"`
	PublicMetadata          json.RawMessage `json:"public_metadata"`
	PrivateMetadata         json.RawMessage `json:"private_metadata,omitzero"`
	CreatedAt               int64           `json:"created_at"`
	UpdatedAt               int64           `json:"updated_at"`
	RoleSetKey              *string         `json:"role_set_key"`
	CreatedBy               string          `json:"created_by,omitempty"`
	MembersCount            *int            `json:"members_count,omitempty"`
	PendingInvitationsCount *int            `json:"pending_invitations_count,omitempty"`
	SelfServeSSOEnabled     *bool           `json:"self_serve_sso_enabled,omitempty"`
}

// membershipWire is the OrganizationMembership object.
type membershipWire struct {
	Object          string            `json:"object"` // "organization_membership"
	ID              string            `json:"id"`
	Role            string            `json:"role"`
	RoleName        string            `json:"role_name"`
	Permissions     []string          `json:"permissions"`
	PublicMetadata  json.RawMessage   `json:"public_metadata"`
	PrivateMetadata json.RawMessage   `json:"private_metadata,omitzero"` // not in the Frontend API
	Organization    *organizationWire `json:"organization"`
	PublicUserData  memberUserWire    `json:"public_user_data"`
	CreatedAt       int64             `json:"created_at"`
	UpdatedAt       int64             `json:"updated_at"`
}

// memberUserWire is what a membership shows of its user.
type memberUserWire struct {
	UserID          string  `json:"user_id"`
	FirstName       *string `json:"first_name"`
	LastName        *string `json:"last_name"`
	ProfileImageURL string  `json:"profile_image_url"`
	ImageURL        string  `json:"image_url"`
	HasImage        bool    `json:"has_image"`
	Identifier      string  `json:"identifier"`
	Username        *string `json:"username"`
}

// orgJSON renders an organization; membersCount, when known, is shown as
// members_count.
func orgJSON(o *organization, membersCount *int) *organizationWire {
	img := o.ImageURL
	if img == "" {
		img = placeholderImage
	}
	return &organizationWire{
		Object: "organization", ID: o.ID, Name: o.Name, Slug: o.Slug,
		ImageURL: img, HasImage: o.ImageURL != "",
		MaxAllowedMemberships: o.MaxAllowedMemberships, AdminDeleteEnabled: o.AdminDeleteEnabled,
		PublicMetadata: rawOrEmpty(o.PublicMeta), PrivateMetadata: rawOrEmpty(o.PrivateMeta),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, CreatedBy: o.CreatedBy, MembersCount: membersCount,
	}
}

// membershipJSON renders a membership with its organization, its role's
// name and permissions, and its user's public data.
func membershipJSON(t *txn, m *membership) (*membershipWire, error) {
	o, err := t.orgs().get(m.OrgID)
	if err != nil {
		return nil, err
	}
	u, err := t.users().get(m.UserID)
	if err != nil {
		return nil, err
	}
	perms := []string{}
	roleName := m.Role
	if r, err := roleByKey(t, m.Role); err == nil {
		perms = append(perms, r.Permissions...)
		roleName = r.Name
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	img := placeholderImage
	if u.ImageURL != "" {
		img = u.ImageURL
	}
	return &membershipWire{
		Object: "organization_membership", ID: m.ID, Role: m.Role, RoleName: roleName, Permissions: perms,
		PublicMetadata: rawOrEmpty(m.PublicMeta), PrivateMetadata: rawOrEmpty(m.PrivateMeta),
		Organization: orgJSON(o, nil),
		PublicUserData: memberUserWire{UserID: u.ID, FirstName: u.FirstName, LastName: u.LastName,
			ProfileImageURL: img, ImageURL: img, HasImage: u.ImageURL != "", Identifier: u.primaryEmail(), Username: u.Username},
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}, nil
}

// orgDomainWire is the OrganizationDomain object.
type orgDomainWire struct {
	Object                  string                  `json:"object"` // "organization_domain"
	ID                      string                  `json:"id"`
	OrganizationID          string                  `json:"organization_id"`
	Name                    string                  `json:"name"`
	EnrollmentMode          string                  `json:"enrollment_mode"`
	AffiliationEmailAddress *string                 `json:"affiliation_email_address"`
	AffiliationVerification *domainVerificationWire `json:"affiliation_verification"`
	Verification            *domainVerificationWire `json:"verification"`
	OwnershipVerification   *domainVerificationWire `json:"ownership_verification"`
	TotalPendingInvitations int                     `json:"total_pending_invitations"`
	TotalPendingSuggestions int                     `json:"total_pending_suggestions"`
	PublicOrganizationData  publicOrgWire           `json:"public_organization_data"`
	CreatedAt               int64                   `json:"created_at"`
	UpdatedAt               int64                   `json:"updated_at"`
}

// domainVerificationWire is an organization domain's affiliation or
// ownership verification, once verified.
type domainVerificationWire struct {
	Status     string `json:"status"`
	Strategy   string `json:"strategy"`
	Attempts   int    `json:"attempts"`
	ExpireAt   *int64 `json:"expire_at"`
	VerifiedAt *int64 `json:"verified_at"`
}

// orgDomainJSON renders an organization domain with its organization and
// the count of pending invitations to its addresses.
func orgDomainJSON(t *txn, d *orgDomain, now time.Time) (*orgDomainWire, error) {
	o, err := t.orgs().get(d.OrgID)
	if err != nil {
		return nil, err
	}
	pending, err := orgInvitations(t, d.OrgID, func(oi *orgInvitation) bool {
		return oi.status(now) == "pending" && strings.HasSuffix(oi.Email, "@"+d.Name)
	})
	if err != nil {
		return nil, err
	}
	oj := orgJSON(o, nil)
	out := &orgDomainWire{Object: "organization_domain", ID: d.ID, OrganizationID: d.OrgID, Name: d.Name,
		EnrollmentMode: d.EnrollmentMode, TotalPendingInvitations: len(pending),
		PublicOrganizationData: publicOrgWire{ID: o.ID, Name: o.Name, Slug: o.Slug, ImageURL: oj.ImageURL, HasImage: oj.HasImage},
		CreatedAt:              d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.AffiliationEmail != "" {
		out.AffiliationEmailAddress = &d.AffiliationEmail
	}
	switch {
	case d.Verified && d.AffiliationVerified != 0:
		out.AffiliationVerification = &domainVerificationWire{Status: "verified", Strategy: "email_code",
			Attempts: d.AffiliationAttempts, VerifiedAt: &d.AffiliationVerified}
	case d.Verified:
		out.AffiliationVerification = &domainVerificationWire{Status: "verified", Strategy: "admin"}
	case d.AffiliationCode != "":
		out.AffiliationVerification = &domainVerificationWire{Status: "unverified", Strategy: "email_code",
			Attempts: d.AffiliationAttempts, ExpireAt: &d.AffiliationExpireAt}
	}
	out.Verification = out.AffiliationVerification
	if d.OwnershipVerifiedAt != 0 {
		out.OwnershipVerification = &domainVerificationWire{Status: "verified", Strategy: d.OwnershipStrategy, VerifiedAt: &d.OwnershipVerifiedAt}
	}
	return out, nil
}
