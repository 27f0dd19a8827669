package localclerk

import (
	"errors"
	"net/http"
	"slices"
	"strings"
)

// E-mail addresses as their own resource. They live inside their user's
// record, so each operation is a change to that user (one transaction,
// user.updated).

// userByEmailID finds the user holding the e-mail address with id.
func userByEmailID(t *txn, id string) (*user, int, error) {
	var found *user
	idx := -1
	err := each(t, kindUser, func(u *user) bool {
		idx = slices.IndexFunc(u.Emails, func(e emailAddress) bool { return e.ID == id })
		if idx >= 0 {
			found = u
		}
		return idx < 0
	})
	if err != nil {
		return nil, 0, err
	}
	if found == nil {
		return nil, 0, errNotFoundResource("email address")
	}
	return found, idx, nil
}

// saveUserEmails stores u after a change to its addresses.
func (inst *Instance) saveUserEmails(t *txn, u *user) error {
	u.UpdatedAt = ms(inst.now())
	t.emit("user.updated", userJSON(u))
	return t.put(kindUser, u.ID, u)
}

func (inst *Instance) bapiCreateEmailAddress(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		UserID       *string `json:"user_id"`
		EmailAddress *string `json:"email_address"`
		Verified     *bool   `json:"verified"`
		Primary      *bool   `json:"primary"`
		Notify       *bool   `json:"notify_primary_email_address_changed"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.UserID == nil || *p.UserID == "" {
		return nil, 0, errMissing("user_id")
	}
	if p.EmailAddress == nil || strings.TrimSpace(*p.EmailAddress) == "" {
		return nil, 0, errMissing("email_address")
	}
	verified := p.Verified != nil && *p.Verified
	var out map[string]any
	err := inst.store.update(r.Context(), func(t *txn) error {
		var u user
		if err := t.get(kindUser, *p.UserID, &u); err != nil {
			return notFoundAs(err, "user")
		}
		n := len(u.Emails)
		if err := addEmail(t, &u, *p.EmailAddress, verified, inst.now()); err != nil {
			return err
		}
		if len(u.Emails) == n {
			return errTaken("email_address", "The user already has this email address.")
		}
		e := u.Emails[n]
		if (p.Primary != nil && *p.Primary) || u.PrimaryEmailID == "" {
			u.PrimaryEmailID = e.ID
		}
		out = emailJSON(e)
		return inst.saveUserEmails(t, &u)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiGetEmailAddress(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out map[string]any
	err := inst.store.view(r.Context(), func(t *txn) error {
		u, i, err := userByEmailID(t, r.PathValue("id"))
		if err != nil {
			return err
		}
		out = emailJSON(u.Emails[i])
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiUpdateEmailAddress(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Verified *bool `json:"verified"`
		Primary  *bool `json:"primary"`
		Notify   *bool `json:"notify_primary_email_address_changed"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var out map[string]any
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, i, err := userByEmailID(t, r.PathValue("id"))
		if err != nil {
			return err
		}
		if p.Verified != nil {
			u.Emails[i].Verified = *p.Verified
		}
		if p.Primary != nil && *p.Primary {
			u.PrimaryEmailID = u.Emails[i].ID
		}
		out = emailJSON(u.Emails[i])
		return inst.saveUserEmails(t, u)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiDeleteEmailAddress(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, i, err := userByEmailID(t, id)
		if err != nil {
			return err
		}
		if u.PrimaryEmailID == id && len(u.Emails) > 1 {
			return newAPIError(http.StatusForbidden, "primary_email_address_cannot_be_deleted", "cannot delete the primary address",
				"Make another address primary before deleting this one.", map[string]any{"param_name": "email_address_id"})
		}
		u.Emails = slices.Delete(u.Emails, i, i+1)
		if u.PrimaryEmailID == id {
			u.PrimaryEmailID = ""
		}
		// The unique keys are per user: release them all, claim the rest again.
		if err := t.release(nsEmail, u.ID); err != nil {
			return err
		}
		for _, e := range u.Emails {
			if err := t.claim(nsEmail, normEmail(e.Address), u.ID); err != nil {
				return errors.Join(errors.New("reclaim e-mail key"), err)
			}
		}
		return inst.saveUserEmails(t, u)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("email_address", id), 0, nil
}
