package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Organization invitations: an e-mail address invited to join one
// organization with a role. Its url is the ticket link
// (/v1/tickets/accept?ticket=…). Without a redirect_url the link opens the
// hosted pages (sign-up for a new address, sign-in for a user who has it);
// with one it hands the ticket to the app (see orgInvitationRedirect),
// whose components use the Frontend API's ticket strategy. Accepting
// creates the membership with the invited role and the invitation's
// metadata; a signed-in invitee can also accept through
// /v1/me/organization_invitations.
const (
	kindOrgInvitation   = "org_invitation"
	nsOrgInviteTicket   = "org_invitation:ticket"
	nsOrgInvitePending  = "org_invitation:pending" // org id|address → its pending invitation
	maxBulkOrgInvites   = 10
	orgInviteDefaultTTL = 30 * 24 * time.Hour
)

type orgInvitation struct {
	ID          string          `json:"id"`
	OrgID       string          `json:"org_id"`
	Email       string          `json:"email_address"`
	Role        string          `json:"role"`
	InviterID   string          `json:"inviter_id,omitempty"`
	PublicMeta  json.RawMessage `json:"public_metadata,omitempty"`
	PrivateMeta json.RawMessage `json:"private_metadata,omitempty"`
	RedirectURL string          `json:"redirect_url,omitempty"`
	Ticket      string          `json:"ticket"`
	Status      string          `json:"status"` // pending, accepted or revoked; expiry is computed
	ExpiresAt   int64           `json:"expires_at"`
	CreatedAt   int64           `json:"created_at"`
	UpdatedAt   int64           `json:"updated_at"`
}

func (oi *orgInvitation) status(now time.Time) string {
	if oi.Status == "pending" && ms(now) >= oi.ExpiresAt {
		return "expired"
	}
	return oi.Status
}

type orgInvitationParams struct {
	EmailAddress    *string         `json:"email_address"`
	InviterUserID   *string         `json:"inviter_user_id"`
	Role            *string         `json:"role"`
	PublicMetadata  json.RawMessage `json:"public_metadata"`
	PrivateMetadata json.RawMessage `json:"private_metadata"`
	RedirectURL     *string         `json:"redirect_url"`
	ExpiresInDays   *int64          `json:"expires_in_days"`
	Notify          *bool           `json:"notify"` // false: no message in the outbox
}

// requireOrgAdmin checks that userID is an admin of o: a member whose role
// may manage memberships. param names the parameter that carried it.
func requireOrgAdmin(t *txn, o *organization, userID, param string) error {
	if err := t.users().load(userID, &user{}); err != nil {
		if errors.Is(err, errNotFound) {
			return errParam(http.StatusNotFound, "resource_not_found", param, "No user "+userID+".")
		}
		return err
	}
	m, err := membershipFor(t, o.ID, userID)
	var ae *apiError
	if err != nil && !errors.As(err, &ae) {
		return err
	}
	if err == nil {
		r, err := roleByKey(t, m.Role)
		if err != nil && !errors.Is(err, errNotFound) {
			return err
		}
		if err == nil && contains(r.Permissions, "org:sys_memberships:manage") {
			return nil
		}
	}
	return errParam(http.StatusForbidden, "not_an_admin_in_organization", param, "The user "+userID+" is not an admin of this organization.")
}

// createOrgInvitation validates p and stores a pending invitation to o.
func (inst *Instance) createOrgInvitation(t *txn, o *organization, p *orgInvitationParams, now time.Time) (*orgInvitation, error) {
	if p.EmailAddress == nil || strings.TrimSpace(*p.EmailAddress) == "" {
		return nil, errMissing("email_address")
	}
	email := normEmail(*p.EmailAddress)
	if len(email) > 254 || !emailRe.MatchString(email) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "email_address", "email_address must be a valid email address.")
	}
	if p.Role == nil || *p.Role == "" {
		return nil, errMissing("role")
	}
	if err := ensureDefaultRoles(t, now); err != nil {
		return nil, err
	}
	if _, err := roleByKey(t, *p.Role); errors.Is(err, errNotFound) {
		return nil, errInvalid("role", "role must be the key of an existing organization role, e.g. org:member.")
	} else if err != nil {
		return nil, err
	}
	if err := checkMetadata("public_metadata", p.PublicMetadata); err != nil {
		return nil, err
	}
	if err := checkMetadata("private_metadata", p.PrivateMetadata); err != nil {
		return nil, err
	}
	ttl := orgInviteDefaultTTL
	if p.ExpiresInDays != nil {
		if *p.ExpiresInDays < 1 || *p.ExpiresInDays > 365 {
			return nil, errInvalid("expires_in_days", "expires_in_days must be between 1 and 365.")
		}
		ttl = time.Duration(*p.ExpiresInDays) * 24 * time.Hour
	}
	redirect := ""
	if p.RedirectURL != nil && *p.RedirectURL != "" {
		u, aerr := checkRedirectURL(*p.RedirectURL, inst.allowed, inst.FrontendAPIURL)
		if aerr != nil {
			return nil, errInvalid("redirect_url", "redirect_url must be an http(s) URL on localhost or an allowed origin.")
		}
		redirect = u.String()
	}
	inviter := ""
	if p.InviterUserID != nil && *p.InviterUserID != "" {
		if err := requireOrgAdmin(t, o, *p.InviterUserID, "inviter_user_id"); err != nil {
			return nil, err
		}
		inviter = *p.InviterUserID
	}
	if uid, err := t.identifiers().emailOwner(email); err == nil {
		if _, err := t.memberships().idFor(o.ID, uid); err == nil {
			return nil, newAPIError(http.StatusBadRequest, "already_a_member_in_organization", "already a member",
				email+" is already a member of the organization.", paramMeta("email_address"))
		} else if !errors.Is(err, errNotFound) {
			return nil, err
		}
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	key := o.ID + "|" + email
	if id, err := t.orgInvitedAddresses().owner(key); err == nil {
		var old orgInvitation
		if err := t.orgInvitations().load(id, &old); err != nil {
			return nil, err
		}
		if old.status(now) == "pending" {
			// Clerk's code for a duplicate pending invitation, as for
			// instance invitations; the parameter is named as well.
			return nil, newAPIError(http.StatusBadRequest, "duplicate_record", "duplicate record",
				"There is already a pending invitation for "+email+" to this organization.",
				map[string]any{"param_name": "email_address", "email_addresses": []string{email}})
		}
		if err := t.orgInvitedAddresses().release(old.ID); err != nil { // expired: the address may be invited again
			return nil, err
		}
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	if o.MaxAllowedMemberships > 0 {
		mems, err := orgMemberships(t, o.ID)
		if err != nil {
			return nil, err
		}
		pending, err := orgInvitations(t, o.ID, func(oi *orgInvitation) bool { return oi.status(now) == "pending" })
		if err != nil {
			return nil, err
		}
		if len(mems)+len(pending) >= o.MaxAllowedMemberships {
			return nil, newAPIError(http.StatusForbidden, "organization_membership_quota_exceeded", "membership quota exceeded",
				"The organization's members and pending invitations have reached its maximum number of memberships.", nil)
		}
	}
	oi := &orgInvitation{ID: newID("orginv"), OrgID: o.ID, Email: email, Role: *p.Role, InviterID: inviter,
		PublicMeta: p.PublicMetadata, PrivateMeta: p.PrivateMetadata, RedirectURL: redirect, Ticket: randString(48),
		Status: "pending", ExpiresAt: ms(now.Add(ttl)), CreatedAt: ms(now), UpdatedAt: ms(now)}
	if err := t.orgInvitationTickets().claim(oi.Ticket, oi.ID); err != nil {
		return nil, err
	}
	if err := t.orgInvitedAddresses().claim(key, oi.ID); err != nil {
		return nil, err
	}
	if err := t.orgInvitations().put(oi); err != nil {
		return nil, err
	}
	if p.Notify == nil || *p.Notify {
		if err := inst.send(t, now, outboxMessage{Kind: msgOrganizationInvitation, To: email,
			Subject: "You are invited to join " + o.Name, Link: inst.ticketURL(oi.Ticket, oi.RedirectURL)}); err != nil {
			return nil, err
		}
	}
	j, err := inst.orgInvitationJSON(t, oi, now, false)
	if err != nil {
		return nil, err
	}
	t.emit("organizationInvitation.created", j)
	return oi, nil
}

// orgInvitations returns the invitations of an organization (every
// organization when orgID is empty) that keep accepts, in creation order.
func orgInvitations(t *txn, orgID string, keep func(*orgInvitation) bool) ([]*orgInvitation, error) {
	var out []*orgInvitation
	err := t.orgInvitations().each(func(oi *orgInvitation) bool {
		if (orgID == "" || oi.OrgID == orgID) && (keep == nil || keep(oi)) {
			out = append(out, oi)
		}
		return true
	})

	return out, err
}

func (inst *Instance) bapiCreateOrgInvitation(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p orgInvitationParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var out *orgInvitationWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "organization")
		}
		oi, err := inst.createOrgInvitation(t, o, &p, now)
		if err != nil {
			return err
		}
		out, err = inst.orgInvitationJSON(t, oi, now, false)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// bapiCreateOrgInvitationBulk creates every invitation or none.
func (inst *Instance) bapiCreateOrgInvitationBulk(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var ps []orgInvitationParams
	if err := decodeBody(w, r, &ps); err != nil {
		return nil, 0, err
	}
	if len(ps) == 0 || len(ps) > maxBulkOrgInvites {
		return nil, 0, errInvalid("invitations", "Send between 1 and 10 invitations.")
	}
	now := inst.now()
	var data []any
	err := inst.store.update(r.Context(), func(t *txn) error {
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "organization")
		}
		for i := range ps {
			oi, err := inst.createOrgInvitation(t, o, &ps[i], now)
			if err != nil {
				return err
			}
			j, err := inst.orgInvitationJSON(t, oi, now, false)
			if err != nil {
				return err
			}
			data = append(data, j)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: data, TotalCount: len(data)}, 0, nil
}

// invitationFilter is what the list operations filter and order by.
type invitationFilter struct {
	statuses []string
	email    string // exact address
	query    string // part of the address
	field    string
	desc     bool
}

func parseInvitationFilter(q url.Values, orderable bool) (*invitationFilter, error) {
	f := &invitationFilter{statuses: multi(q, "status"), email: normEmail(q.Get("email_address")), query: strings.ToLower(strings.TrimSpace(q.Get("query"))), field: "created_at", desc: true}
	for _, s := range f.statuses {
		switch s {
		case "pending", "accepted", "revoked", "expired":
		default:
			return nil, errInvalid("status", "status must be pending, accepted, revoked or expired.")
		}
	}
	if orderable {
		var err error
		if f.field, f.desc, err = orderBy(q, "-created_at", "created_at", "email_address"); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *invitationFilter) match(oi *orgInvitation, now time.Time) bool {
	return (len(f.statuses) == 0 || contains(f.statuses, oi.status(now))) &&
		(f.email == "" || oi.Email == f.email) && strings.Contains(oi.Email, f.query)
}

// listOrgInvitations answers a page of the invitations pick returns that
// the query's filters keep.
func (inst *Instance) listOrgInvitations(r *http.Request, f *invitationFilter, withOrg bool, pick func(t *txn) ([]*orgInvitation, error)) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var data []any
	total := 0
	err = inst.store.view(r.Context(), func(t *txn) error {
		all, err := pick(t)
		if err != nil {
			return err
		}
		var keep []*orgInvitation
		for _, oi := range all {
			if f.match(oi, now) {
				keep = append(keep, oi)
			}
		}
		sortBy(keep, f.desc, func(a, b *orgInvitation) int {
			if f.field == "email_address" {
				return cmpStr(a.Email, b.Email)
			}
			return cmpInt(a.CreatedAt, b.CreatedAt)
		})
		total = len(keep)
		data, err = pageJSON(keep, limit, offset, func(oi *orgInvitation) (any, error) { return inst.orgInvitationJSON(t, oi, now, withOrg) })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: data, TotalCount: total}, 0, nil
}

// ofOrg picks the invitations of the path's organization.
func ofOrg(r *http.Request) func(t *txn) ([]*orgInvitation, error) {
	return func(t *txn) ([]*orgInvitation, error) {
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return nil, notFoundAs(err, "organization")
		}
		return orgInvitations(t, o.ID, nil)
	}
}

func (inst *Instance) bapiListOrgInvitations(w http.ResponseWriter, r *http.Request) (any, int, error) {
	f, err := parseInvitationFilter(r.URL.Query(), true)
	if err != nil {
		return nil, 0, err
	}
	f.query = ""
	return inst.listOrgInvitations(r, f, false, ofOrg(r))
}

func (inst *Instance) bapiListPendingOrgInvitations(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.listOrgInvitations(r, &invitationFilter{statuses: []string{"pending"}, field: "created_at", desc: true}, false, ofOrg(r))
}

func (inst *Instance) bapiListInstanceOrgInvitations(w http.ResponseWriter, r *http.Request) (any, int, error) {
	f, err := parseInvitationFilter(r.URL.Query(), true)
	if err != nil {
		return nil, 0, err
	}
	f.email = ""
	return inst.listOrgInvitations(r, f, true, func(t *txn) ([]*orgInvitation, error) { return orgInvitations(t, "", nil) })
}

// bapiUserOrgInvitations lists the invitations to any of the user's
// e-mail addresses, newest first.
func (inst *Instance) bapiUserOrgInvitations(w http.ResponseWriter, r *http.Request) (any, int, error) {
	f, err := parseInvitationFilter(url.Values{"status": r.URL.Query()["status"]}, false)
	if err != nil {
		return nil, 0, err
	}
	return inst.listOrgInvitations(r, f, true, func(t *txn) ([]*orgInvitation, error) {
		var u user
		if err := t.users().load(r.PathValue("id"), &u); err != nil {
			return nil, notFoundAs(err, "user")
		}
		addrs := userIdentifiers(&u)
		return orgInvitations(t, "", func(oi *orgInvitation) bool { return contains(addrs, oi.Email) })
	})
}

// orgInvitationFor loads the path's invitation of the path's organization.
func orgInvitationFor(t *txn, r *http.Request) (*orgInvitation, *organization, error) {
	o, err := orgByIDOrSlug(t, r.PathValue("id"))
	if err != nil {
		return nil, nil, notFoundAs(err, "organization")
	}
	var oi orgInvitation
	if err := t.orgInvitations().load(r.PathValue("inv"), &oi); err != nil || oi.OrgID != o.ID {
		if err != nil && !errors.Is(err, errNotFound) {
			return nil, nil, err
		}
		return nil, nil, errNotFoundResource("organization invitation")
	}
	return &oi, o, nil
}

func (inst *Instance) bapiGetOrgInvitation(w http.ResponseWriter, r *http.Request) (any, int, error) {
	now := inst.now()
	var out *orgInvitationWire
	err := inst.store.view(r.Context(), func(t *txn) error {
		oi, _, err := orgInvitationFor(t, r)
		if err != nil {
			return err
		}
		out, err = inst.orgInvitationJSON(t, oi, now, false)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiRevokeOrgInvitation(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		RequestingUserID *string `json:"requesting_user_id"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var out *orgInvitationWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		oi, o, err := orgInvitationFor(t, r)
		if err != nil {
			return err
		}
		if p.RequestingUserID != nil && *p.RequestingUserID != "" {
			if err := requireOrgAdmin(t, o, *p.RequestingUserID, "requesting_user_id"); err != nil {
				return err
			}
		}
		out, err = inst.revokeOrgInvitation(t, oi, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// revokeOrgInvitation revokes a pending invitation and announces it.
func (inst *Instance) revokeOrgInvitation(t *txn, oi *orgInvitation, now time.Time) (*orgInvitationWire, error) {
	if st := oi.status(now); st != "pending" {
		return nil, newAPIError(http.StatusBadRequest, "organization_invitation_not_pending", "not pending",
			"This organization invitation is "+st+"; only pending invitations can be revoked.", nil)
	}
	oi.Status, oi.UpdatedAt = "revoked", ms(now)
	if err := t.orgInvitedAddresses().release(oi.ID); err != nil {
		return nil, err
	}
	if err := t.orgInvitations().put(oi); err != nil {
		return nil, err
	}
	out, err := inst.orgInvitationJSON(t, oi, now, false)
	if err != nil {
		return nil, err
	}
	t.emit("organizationInvitation.revoked", out)
	return out, nil
}

// pendingOrgInvitation returns the pending invitation a ticket names.
func pendingOrgInvitation(t *txn, ticket string, now time.Time) (*orgInvitation, error) {
	id, err := t.orgInvitationTickets().owner(ticket)
	if err != nil {
		return nil, err
	}
	var oi orgInvitation
	if err := t.orgInvitations().load(id, &oi); err != nil {
		return nil, err
	}
	if oi.status(now) != "pending" {
		return nil, errNotFound
	}
	return &oi, nil
}

// acceptOrgInvitation makes userID a member of the invitation's
// organization with the invited role and the invitation's metadata, and
// marks the invitation accepted.
func (inst *Instance) acceptOrgInvitation(t *txn, oi *orgInvitation, userID string, now time.Time) error {
	var o organization
	if err := t.orgs().load(oi.OrgID, &o); err != nil {
		return err
	}
	// A user who became a member meanwhile keeps the membership they have.
	if _, err := t.memberships().idFor(o.ID, userID); errors.Is(err, errNotFound) {
		// The invitation has held its seat under the quota since it was made.
		o.MaxAllowedMemberships = 0
		if err := ensureDefaultRoles(t, now); err != nil {
			return err
		}
		m, err := addMember(t, &o, userID, oi.Role, now)
		if err != nil {
			return err
		}
		if len(oi.PublicMeta) > 0 || len(oi.PrivateMeta) > 0 {
			m.PublicMeta, m.PrivateMeta = oi.PublicMeta, oi.PrivateMeta
			if err := t.memberships().put(m); err != nil {
				return err
			}
		}
	} else if err != nil {
		return err
	}
	oi.Status, oi.UpdatedAt = "accepted", ms(now)
	if err := t.orgInvitedAddresses().release(oi.ID); err != nil {
		return err
	}
	if err := t.orgInvitations().put(oi); err != nil {
		return err
	}
	j, err := inst.orgInvitationJSON(t, oi, now, false)
	if err != nil {
		return err
	}
	t.emit("organizationInvitation.accepted", j)
	return nil
}

// deleteOrgInvitations removes an organization's invitations with it.
func deleteOrgInvitations(t *txn, orgID string) error {
	ois, err := orgInvitations(t, orgID, nil)
	if err != nil {
		return err
	}
	for _, oi := range ois {
		if err := t.orgInvitations().del(oi.ID); err != nil {
			return err
		}
	}
	return nil
}
