package localclerk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Invitations: an e-mail address invited to sign up. Its url is the
// ticket link (/v1/tickets/accept?ticket=…); following it opens the
// hosted sign-up for that address, and signing up accepts the invitation.
// An invitation admits its address past the allow-list (never past the
// block-list), as Clerk's do.
const (
	kindInvitation  = "invitation"
	nsInviteTicket  = "invitation:ticket"
	nsInviteAddress = "invitation:email" // the address's pending invitation
)

type invitation struct {
	ID          string          `json:"id"`
	Email       string          `json:"email_address"`
	PublicMeta  json.RawMessage `json:"public_metadata,omitempty"`
	RedirectURL string          `json:"redirect_url,omitempty"`
	Ticket      string          `json:"ticket"`
	Status      string          `json:"status"` // pending, accepted or revoked; expiry is computed
	ExpiresAt   int64           `json:"expires_at"`
	CreatedAt   int64           `json:"created_at"`
	UpdatedAt   int64           `json:"updated_at"`
}

// status is the stored status, with a pending invitation past its
// expiry reported as expired.
func (iv *invitation) status(now time.Time) string {
	if iv.Status == "pending" && ms(now) >= iv.ExpiresAt {
		return "expired"
	}
	return iv.Status
}

type invitationParams struct {
	EmailAddress   *string         `json:"email_address"`
	PublicMetadata json.RawMessage `json:"public_metadata"`
	RedirectURL    *string         `json:"redirect_url"`
	Notify         *bool           `json:"notify"` // false: no message in the outbox
	IgnoreExisting *bool           `json:"ignore_existing"`
	ExpiresInDays  *int64          `json:"expires_in_days"`
	TemplateSlug   *string         `json:"template_slug"`
}

// createInvitation validates p and stores a new invitation in t; with
// ignore_existing, an address's pending invitation is answered instead of
// refusing the duplicate.
func (inst *Instance) createInvitation(t *txn, p *invitationParams, now time.Time) (*invitation, error) {
	if p.EmailAddress == nil || strings.TrimSpace(*p.EmailAddress) == "" {
		return nil, errMissing("email_address")
	}
	email := normEmail(*p.EmailAddress)
	if len(email) > 254 || !emailRe.MatchString(email) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "email_address", "email_address must be a valid email address.")
	}
	if err := checkMetadata("public_metadata", p.PublicMetadata); err != nil {
		return nil, err
	}
	if p.TemplateSlug != nil && *p.TemplateSlug != "invitation" && *p.TemplateSlug != "waitlist_invitation" {
		return nil, errInvalid("template_slug", "template_slug must be invitation or waitlist_invitation.")
	}
	days := int64(30)
	if p.ExpiresInDays != nil {
		if *p.ExpiresInDays < 1 || *p.ExpiresInDays > 365 {
			return nil, errInvalid("expires_in_days", "expires_in_days must be between 1 and 365.")
		}
		days = *p.ExpiresInDays
	}
	redirect := ""
	if p.RedirectURL != nil && *p.RedirectURL != "" {
		u, aerr := checkRedirectURL(*p.RedirectURL, inst.allowed, inst.FrontendAPIURL)
		if aerr != nil {
			return nil, errInvalid("redirect_url", "redirect_url must be an http(s) URL on localhost or an allowed origin.")
		}
		redirect = u.String()
	}
	if _, err := t.identifiers().emailOwner(email); err == nil {
		return nil, errTaken("email_address", "A user with this email address already exists.")
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	if id, err := t.invitedAddresses().owner(email); err == nil {
		var old invitation
		if err := t.invitations().load(id, &old); err != nil {
			return nil, err
		}
		if old.status(now) == "pending" {
			if p.IgnoreExisting != nil && *p.IgnoreExisting {
				return &old, nil
			}
			return nil, newAPIError(http.StatusBadRequest, "duplicate_record", "duplicate record",
				"There is already a pending invitation for "+email+".", map[string]any{"email_addresses": []string{email}})
		}
		if err := t.invitedAddresses().release(old.ID); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	iv := &invitation{ID: newID("inv"), Email: email, PublicMeta: p.PublicMetadata, RedirectURL: redirect, Ticket: randString(48),
		Status: "pending", ExpiresAt: ms(now.Add(time.Duration(days) * 24 * time.Hour)), CreatedAt: ms(now), UpdatedAt: ms(now)}
	if err := t.invitationTickets().claim(iv.Ticket, iv.ID); err != nil {
		return nil, err
	}
	if err := t.invitedAddresses().claim(email, iv.ID); err != nil {
		return nil, err
	}
	if err := t.invitations().put(iv); err != nil {
		return nil, err
	}
	if p.Notify == nil || *p.Notify {
		if err := inst.send(t, now, outboxMessage{Kind: msgInvitation, To: email, Subject: "You are invited to join",
			Link: inst.ticketURL(iv.Ticket, iv.RedirectURL)}); err != nil {
			return nil, err
		}
	}
	t.emit("invitation.created", inst.invitationJSON(iv, now))
	return iv, nil
}

func (inst *Instance) bapiCreateInvitation(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p invitationParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var iv *invitation
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		iv, err = inst.createInvitation(t, &p, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.invitationJSON(iv, now), 0, nil
}

// bapiCreateBulkInvitations creates every invitation or none.
func (inst *Instance) bapiCreateBulkInvitations(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var ps []invitationParams
	if err := decodeBody(w, r, &ps); err != nil {
		return nil, 0, err
	}
	if len(ps) == 0 || len(ps) > 100 {
		return nil, 0, errInvalid("invitations", "Send between 1 and 100 invitations.")
	}
	now := inst.now()
	var ivs []*invitation
	err := inst.store.update(r.Context(), func(t *txn) error {
		for i := range ps {
			iv, err := inst.createInvitation(t, &ps[i], now)
			if err != nil {
				return err
			}
			ivs = append(ivs, iv)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	out := []any{}
	for _, iv := range ivs {
		out = append(out, inst.invitationJSON(iv, now))
	}
	return out, 0, nil
}

func (inst *Instance) bapiListInvitations(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	status := q.Get("status")
	switch status {
	case "", "pending", "accepted", "revoked", "expired":
	default:
		return nil, 0, errInvalid("status", "status must be pending, accepted, revoked or expired.")
	}
	field, desc, err := orderBy(q, "-created_at", "created_at", "email_address", "expires_at")
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	query := strings.ToLower(q.Get("query"))
	var ivs []*invitation
	err = inst.store.view(r.Context(), func(t *txn) error {
		return t.invitations().each(func(iv *invitation) bool {
			if (status == "" || iv.status(now) == status) && strings.Contains(iv.Email, query) {
				ivs = append(ivs, iv)
			}
			return true
		})

	})
	if err != nil {
		return nil, 0, err
	}
	sortBy(ivs, desc, func(a, b *invitation) int {
		switch field {
		case "email_address":
			return cmpStr(a.Email, b.Email)
		case "expires_at":
			return cmpInt(a.ExpiresAt, b.ExpiresAt)
		}
		return cmpInt(a.CreatedAt, b.CreatedAt)
	})
	out, err := pageJSON(ivs, limit, offset, infallible(func(iv *invitation) *invitationWire { return inst.invitationJSON(iv, now) }))
	return listAnswer(q, out, len(ivs)), 0, err
}

func (inst *Instance) bapiRevokeInvitation(w http.ResponseWriter, r *http.Request) (any, int, error) {
	now := inst.now()
	var iv invitation
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.invitations().load(r.PathValue("id"), &iv); err != nil {
			return notFoundAs(err, "invitation")
		}
		switch st := iv.status(now); st {
		case "pending":
		case "revoked":
			return newAPIError(http.StatusBadRequest, "invitation_already_revoked", "cannot revoke", "This invitation is already revoked.", nil)
		case "accepted":
			return newAPIError(http.StatusBadRequest, "invitation_already_accepted", "cannot revoke", "This invitation is already accepted.", nil)
		default:
			return newAPIError(http.StatusBadRequest, "invitation_not_pending", "cannot revoke",
				fmt.Sprintf("This invitation is %s; only pending invitations can be revoked.", st), nil)
		}
		iv.Status, iv.UpdatedAt = "revoked", ms(now)
		if err := t.invitedAddresses().release(iv.ID); err != nil {
			return err
		}
		if err := t.invitations().put(&iv); err != nil {
			return err
		}
		t.emit("invitation.revoked", inst.invitationJSON(&iv, now))
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.invitationJSON(&iv, now), 0, nil
}

// pendingInvitation returns the pending invitation a ticket names.
func pendingInvitation(t *txn, ticket string, now time.Time) (*invitation, error) {
	id, err := t.invitationTickets().owner(ticket)
	if err != nil {
		return nil, err
	}
	var iv invitation
	if err := t.invitations().load(id, &iv); err != nil {
		return nil, err
	}
	if iv.status(now) != "pending" {
		return nil, errNotFound
	}
	return &iv, nil
}

// acceptInvitation creates the invited user (the address verified, the
// invitation's public metadata) and marks the invitation accepted.
func (inst *Instance) acceptInvitation(t *txn, ticket string, p *userParams, now time.Time) (*user, error) {
	iv, err := pendingInvitation(t, ticket, now)
	if err != nil {
		return nil, newAPIError(http.StatusUnprocessableEntity, "ticket_invalid", "invalid invitation",
			"This invitation is unknown, used, revoked or expired.", nil)
	}
	if err := maySignUp(t, []string{iv.Email}, now); err != nil {
		return nil, err
	}
	p.EmailAddress, p.PublicMetadata = []string{iv.Email}, iv.PublicMeta
	u, err := inst.createUser(t, p, now, true)
	if err != nil {
		return nil, err
	}
	iv.Status, iv.UpdatedAt = "accepted", ms(now)
	if err := t.invitedAddresses().release(iv.ID); err != nil {
		return nil, err
	}
	if err := t.invitations().put(iv); err != nil {
		return nil, err
	}
	t.emit("invitation.accepted", inst.invitationJSON(iv, now))
	return u, nil
}

// invited reports whether an address has a pending or accepted
// invitation, which admits it past the allow-list.
func invited(t *txn, email string, now time.Time) (bool, error) {
	found := false
	err := t.invitations().each(func(iv *invitation) bool {
		st := iv.status(now)
		found = iv.Email == email && (st == "pending" || st == "accepted")
		return !found
	})

	return found, err
}
