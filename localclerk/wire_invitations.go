package localclerk

import (
	"encoding/json"
	"errors"
	"net/url"
	"time"
)

// invitationWire is the Invitation object (to the instance).
type invitationWire struct {
	Object         string          `json:"object"` // "invitation"
	ID             string          `json:"id"`
	EmailAddress   string          `json:"email_address"`
	PublicMetadata json.RawMessage `json:"public_metadata"`
	Revoked        bool            `json:"revoked"`
	Status         string          `json:"status"`
	URL            string          `json:"url,omitempty"` // only while pending
	ExpiresAt      int64           `json:"expires_at"`
	CreatedAt      int64           `json:"created_at"`
	UpdatedAt      int64           `json:"updated_at"`
}

// orgInvitationWire is the OrganizationInvitation object. The invitee's
// view (meOrgInvitationJSON) leaves out orgInvitationAdminWire.
type orgInvitationWire struct {
	Object                 string          `json:"object"` // "organization_invitation"
	ID                     string          `json:"id"`
	EmailAddress           string          `json:"email_address"`
	Role                   string          `json:"role"`
	RoleName               string          `json:"role_name"`
	OrganizationID         string          `json:"organization_id"`
	Status                 string          `json:"status"`
	PublicMetadata         json.RawMessage `json:"public_metadata"`
	URL                    *string         `json:"url"` // null unless pending
	ExpiresAt              int64           `json:"expires_at"`
	CreatedAt              int64           `json:"created_at"`
	UpdatedAt              int64           `json:"updated_at"`
	PublicOrganizationData *publicOrgWire  `json:"public_organization_data,omitempty"`
	*orgInvitationAdminWire
}

// orgInvitationAdminWire is what only the Backend API shows of an
// organization invitation.
type orgInvitationAdminWire struct {
	InviterID         *string         `json:"inviter_id"`
	PublicInviterData *inviterWire    `json:"public_inviter_data"`
	PrivateMetadata   json.RawMessage `json:"private_metadata"`
}

// inviterWire is what an invitation shows of the user who sent it.
type inviterWire struct {
	UserID     string  `json:"user_id"`
	FirstName  *string `json:"first_name"`
	LastName   *string `json:"last_name"`
	ImageURL   string  `json:"image_url"`
	HasImage   bool    `json:"has_image"`
	Identifier string  `json:"identifier"`
}

// publicOrgWire is what an invitation or a domain shows of its
// organization.
type publicOrgWire struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Slug     string `json:"slug"`
	ImageURL string `json:"image_url"`
	HasImage bool   `json:"has_image"`
}

// ticketURL is the link an invitation carries: localclerk's ticket page,
// which signs the invited address up (or in) and goes on to redirect.
func (inst *Instance) ticketURL(ticket, redirect string) string {
	q := url.Values{"ticket": {ticket}}
	if redirect != "" {
		q.Set("redirect_url", redirect)
	}
	return inst.FrontendAPIURL + "/v1/tickets/accept?" + q.Encode()
}

// invitationJSON renders an instance invitation; its link while pending.
func (inst *Instance) invitationJSON(iv *invitation, now time.Time) *invitationWire {
	st := iv.status(now)
	out := &invitationWire{Object: "invitation", ID: iv.ID, EmailAddress: iv.Email, PublicMetadata: rawOrEmpty(iv.PublicMeta),
		Revoked: st == "revoked", Status: st, ExpiresAt: iv.ExpiresAt, CreatedAt: iv.CreatedAt, UpdatedAt: iv.UpdatedAt}
	if st == "pending" {
		out.URL = inst.ticketURL(iv.Ticket, iv.RedirectURL)
	}
	return out
}

// orgInvitationJSON renders an organization invitation for the Backend
// API; withOrg adds the organization's public data.
func (inst *Instance) orgInvitationJSON(t *txn, oi *orgInvitation, now time.Time, withOrg bool) (*orgInvitationWire, error) {
	st := oi.status(now)
	roleName := oi.Role
	if r, err := roleByKey(t, oi.Role); err == nil {
		roleName = r.Name
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	admin := &orgInvitationAdminWire{InviterID: strOrNil(oi.InviterID), PrivateMetadata: rawOrEmpty(oi.PrivateMeta)}
	if oi.InviterID != "" {
		u, err := t.users().get(oi.InviterID)
		if err == nil {
			admin.PublicInviterData = &inviterWire{UserID: u.ID, FirstName: u.FirstName, LastName: u.LastName,
				ImageURL: placeholderImage, Identifier: u.primaryEmail()}
		} else if !errors.Is(err, errNotFound) {
			return nil, err
		}
	}
	out := &orgInvitationWire{Object: "organization_invitation", ID: oi.ID, EmailAddress: oi.Email, Role: oi.Role,
		RoleName: roleName, OrganizationID: oi.OrgID, Status: st, PublicMetadata: rawOrEmpty(oi.PublicMeta),
		ExpiresAt: oi.ExpiresAt, CreatedAt: oi.CreatedAt, UpdatedAt: oi.UpdatedAt, orgInvitationAdminWire: admin}
	if st == "pending" {
		link := inst.ticketURL(oi.Ticket, oi.RedirectURL)
		out.URL = &link
	}
	if withOrg {
		o, err := t.orgs().get(oi.OrgID)
		if err != nil {
			return nil, err
		}
		oj := orgJSON(o, nil)
		out.PublicOrganizationData = &publicOrgWire{ID: o.ID, Name: o.Name, Slug: o.Slug, ImageURL: oj.ImageURL, HasImage: oj.HasImage}
	}
	return out, nil
}
