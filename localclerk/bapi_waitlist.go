package localclerk

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// Waitlist entries: e-mail addresses waiting to be let in. Inviting one
// creates an invitation (as POST /invitations does); once that
// invitation is accepted the entry reads as completed.
const (
	kindWaitlist    = "waitlist_entry"
	nsWaitlistEmail = "waitlist_entry:email"
)

type waitlistEntry struct {
	ID           string `json:"id"`
	Email        string `json:"email_address"`
	Status       string `json:"status"` // pending, invited or rejected; completed is derived
	InvitationID string `json:"invitation_id,omitempty"`
	InvitedAt    int64  `json:"invited_at,omitempty"`
	CreatedAt    int64  `json:"created_at"`
	UpdatedAt    int64  `json:"updated_at"`
}

// waitlistView is an entry with its invitation and derived status.
type waitlistView struct {
	e      *waitlistEntry
	iv     *invitation
	status string
}

func loadWaitlistView(t *txn, e *waitlistEntry) (waitlistView, error) {
	v := waitlistView{e: e, status: e.Status}
	if e.InvitationID == "" {
		return v, nil
	}
	var iv invitation
	if err := t.invitations().load(e.InvitationID, &iv); err != nil {
		if errors.Is(err, errNotFound) {
			return v, nil
		}
		return v, err
	}
	v.iv = &iv
	if e.Status == "invited" && iv.Status == "accepted" {
		v.status = "completed"
	}
	return v, nil
}

// waitlistAnswer loads e's view and renders it.
func (inst *Instance) waitlistAnswer(t *txn, e *waitlistEntry, now time.Time) (*waitlistEntryWire, error) {
	v, err := loadWaitlistView(t, e)
	if err != nil {
		return nil, err
	}
	return inst.waitlistJSON(v, now), nil
}

type waitlistParams struct {
	EmailAddress *string `json:"email_address"`
	Notify       *bool   `json:"notify"` // localclerk sends no e-mail
}

// addToWaitlist adds an address, or answers its existing entry, as Clerk
// does; an address that already has a user cannot wait.
func (inst *Instance) addToWaitlist(t *txn, p *waitlistParams, now time.Time) (*waitlistEntryWire, error) {
	if p.EmailAddress == nil || strings.TrimSpace(*p.EmailAddress) == "" {
		return nil, errMissing("email_address")
	}
	email := normEmail(*p.EmailAddress)
	if len(email) > 254 || !emailRe.MatchString(email) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "email_address", "email_address must be a valid email address.")
	}
	if id, err := t.waitlistEmails().owner(email); err == nil {
		var e waitlistEntry
		if err := t.waitlist().load(id, &e); err != nil {
			return nil, err
		}
		return inst.waitlistAnswer(t, &e, now)
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	if _, err := t.identifiers().emailOwner(email); err == nil {
		return nil, errTaken("email_address", "A user with this email address already exists.")
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	e := &waitlistEntry{ID: newID("wle"), Email: email, Status: "pending", CreatedAt: ms(now), UpdatedAt: ms(now)}
	if err := t.waitlistEmails().claim(email, e.ID); err != nil {
		return nil, err
	}
	if err := t.waitlist().put(e); err != nil {
		return nil, err
	}
	j, err := inst.waitlistAnswer(t, e, now)
	if err != nil {
		return nil, err
	}
	t.emit("waitlistEntry.created", j)
	return j, nil
}

func (inst *Instance) bapiCreateWaitlistEntry(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p waitlistParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var out *waitlistEntryWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		out, err = inst.addToWaitlist(t, &p, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// bapiCreateWaitlistEntries adds up to 50 addresses, all or none.
func (inst *Instance) bapiCreateWaitlistEntries(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var ps []waitlistParams
	if err := decodeBody(w, r, &ps); err != nil {
		return nil, 0, err
	}
	if len(ps) == 0 || len(ps) > 50 {
		return nil, 0, errInvalid("email_address", "Send between 1 and 50 waitlist entries.")
	}
	now := inst.now()
	out := []any{}
	err := inst.store.update(r.Context(), func(t *txn) error {
		for i := range ps {
			j, err := inst.addToWaitlist(t, &ps[i], now)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiListWaitlist(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	status := q.Get("status")
	switch status {
	case "", "pending", "invited", "completed", "rejected":
	default:
		return nil, 0, errInvalid("status", "status must be pending, invited, completed or rejected.")
	}
	field, desc, err := orderBy(q, "-created_at", "created_at", "email_address", "invited_at")
	if err != nil {
		return nil, 0, err
	}
	query := strings.TrimSpace(q.Get("query"))
	lowerQuery := strings.ToLower(query)
	now := inst.now()
	var views []waitlistView
	err = inst.store.view(r.Context(), func(t *txn) error {
		entries, err := t.waitlist().list()
		if err != nil {
			return err
		}
		for _, e := range entries {
			if query != "" && e.ID != query && !strings.Contains(e.Email, lowerQuery) {
				continue
			}
			v, err := loadWaitlistView(t, e)
			if err != nil {
				return err
			}
			if status == "" || v.status == status {
				views = append(views, v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	sortBy(views, desc, func(a, b waitlistView) int {
		switch field {
		case "email_address":
			return cmpStr(a.e.Email, b.e.Email)
		case "invited_at":
			return cmpInt(a.e.InvitedAt, b.e.InvitedAt)
		}
		return cmpInt(a.e.CreatedAt, b.e.CreatedAt)
	})
	data, _ := pageJSON(views, limit, offset, infallible(func(v waitlistView) any { return inst.waitlistJSON(v, now) }))
	return &pageWire{Data: data, TotalCount: len(views)}, 0, nil
}

// bapiDeleteWaitlistEntry deletes a pending entry; one that was invited
// or rejected stays, as its history.
func (inst *Instance) bapiDeleteWaitlistEntry(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		var e waitlistEntry
		if err := t.waitlist().load(id, &e); err != nil {
			return notFoundAs(err, "waitlist entry")
		}
		if e.Status != "pending" {
			return newAPIError(http.StatusConflict, "waitlist_entry_not_pending", "entry not pending",
				"Only a pending waitlist entry can be deleted; this one is "+e.Status+".", nil)
		}
		return t.waitlist().del(id)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("waitlist_entry", id), 0, nil
}

// changeWaitlistEntry applies fn to the entry the path names, in one
// transaction, and answers the changed entry; waitlistEntry.updated
// follows.
func (inst *Instance) changeWaitlistEntry(r *http.Request, fn func(t *txn, v waitlistView, now time.Time) error) (any, int, error) {
	now := inst.now()
	var out *waitlistEntryWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		var e waitlistEntry
		if err := t.waitlist().load(r.PathValue("id"), &e); err != nil {
			return notFoundAs(err, "waitlist entry")
		}
		v, err := loadWaitlistView(t, &e)
		if err != nil {
			return err
		}
		if v.status == "completed" {
			return newAPIError(http.StatusConflict, "waitlist_entry_completed", "entry completed",
				"This waitlist entry's invitation was accepted; it can no longer change.", nil)
		}
		if err := fn(t, v, now); err != nil {
			return err
		}
		e.UpdatedAt = ms(now)
		if err := t.waitlist().put(&e); err != nil {
			return err
		}
		if out, err = inst.waitlistAnswer(t, &e, now); err != nil {
			return err
		}
		t.emit("waitlistEntry.updated", out)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// bapiInviteWaitlistEntry invites the entry's address; with
// ignore_existing an address's pending invitation is reused.
func (inst *Instance) bapiInviteWaitlistEntry(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		IgnoreExisting *bool `json:"ignore_existing"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	return inst.changeWaitlistEntry(r, func(t *txn, v waitlistView, now time.Time) error {
		if v.iv != nil && v.iv.status(now) == "pending" {
			if p.IgnoreExisting == nil || !*p.IgnoreExisting {
				return newAPIError(http.StatusConflict, "waitlist_entry_already_invited", "already invited",
					"This waitlist entry already has a pending invitation.", nil)
			}
			return nil
		}
		slug := "waitlist_invitation"
		iv, err := inst.createInvitation(t, &invitationParams{EmailAddress: &v.e.Email, IgnoreExisting: p.IgnoreExisting, TemplateSlug: &slug}, now)
		if err != nil {
			return err
		}
		v.e.Status, v.e.InvitationID, v.e.InvitedAt = "invited", iv.ID, ms(now)
		return nil
	})
}

// bapiRejectWaitlistEntry rejects the entry, revoking its pending
// invitation.
func (inst *Instance) bapiRejectWaitlistEntry(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.changeWaitlistEntry(r, func(t *txn, v waitlistView, now time.Time) error {
		if v.iv != nil && v.iv.status(now) == "pending" {
			v.iv.Status, v.iv.UpdatedAt = "revoked", ms(now)
			if err := t.invitedAddresses().release(v.iv.ID); err != nil {
				return err
			}
			if err := t.invitations().put(v.iv); err != nil {
				return err
			}
			t.emit("invitation.revoked", inst.invitationJSON(v.iv, now))
		}
		v.e.Status = "rejected"
		return nil
	})
}
