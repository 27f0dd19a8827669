package localclerk

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// E-mail addresses as their own resource. They live inside their user's
// record, so each operation is a change to that user (one transaction,
// user.updated).

// userByEmailID finds the user holding the e-mail address with id.
func userByEmailID(t *txn, id string) (*user, int, error) {
	var found *user
	idx := -1
	err := t.users().each(func(u *user) bool {
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
	return t.users().put(u)
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
	var out *emailAddressWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		var u user
		if err := t.users().load(*p.UserID, &u); err != nil {
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
	var out *emailAddressWire
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
	var out *emailAddressWire
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
			return errPrimaryEmailDelete
		}
		if err := removeEmail(t, u, i); err != nil {
			return err
		}
		return inst.saveUserEmails(t, u)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("email_address", id), 0, nil
}

// errPrimaryEmailDelete refuses to delete a primary address while the
// user has others.
var errPrimaryEmailDelete = newAPIError(http.StatusForbidden, "primary_email_address_cannot_be_deleted", "cannot delete the primary address",
	"Make another address primary before deleting this one.", paramMeta("email_address_id"))

// removeEmail takes u's i-th address off u (the caller stores u) and
// frees it for other users.
func removeEmail(t *txn, u *user, i int) error {
	id := u.Emails[i].ID
	u.Emails = slices.Delete(u.Emails, i, i+1)
	if u.PrimaryEmailID == id {
		u.PrimaryEmailID = ""
	}
	// The unique keys are per user: release them all, claim the rest again.
	if err := t.identifiers().releaseEmails(u.ID); err != nil {
		return err
	}
	for _, e := range u.Emails {
		if err := t.identifiers().claimEmail(e.Address, u.ID); err != nil {
			return errors.Join(errors.New("reclaim e-mail key"), err)
		}
	}
	return nil
}

// A backend-driven verification of an e-mail address
// (PrepareEmailAddressVerification / AttemptEmailAddressVerification): a
// one-time code tracked on its own record. Clerk test addresses
// (+clerk_test) get 424242; any other code is written to the log and sent
// in an email.created webhook, since localclerk delivers no e-mail.
const (
	kindEmailVerification = "email_verification"
	// emailCodeAttempts is how many wrong codes a verification takes
	// before it fails.
	emailCodeAttempts = 3
)

type emailVerification struct {
	ID        string `json:"id"`
	EmailID   string `json:"email_id"`
	Code      string `json:"code"`
	Strategy  string `json:"strategy,omitempty"` // "" (email_code) or email_link, whose Code is the link's token
	Status    string `json:"status"`             // unverified, verified, failed (expired is computed)
	Attempts  int    `json:"attempts"`
	ExpireAt  int64  `json:"expire_at"`
	CreatedAt int64  `json:"created_at"`
}

func (v *emailVerification) statusAt(now time.Time) string {
	if v.Status == "unverified" && ms(now) >= v.ExpireAt {
		return "expired"
	}
	return v.Status
}

// prepareEmailVerification sends a fresh code for e to the outbox (and an
// email.created webhook) and records its verification: the Backend API's
// and the signed-in user's own.
func (inst *Instance) prepareEmailVerification(t *txn, u *user, e emailAddress, now time.Time) (*emailVerification, error) {
	code, err := inst.newCode(t, now, e.Address, "Verify your e-mail address")
	if err != nil {
		return nil, err
	}
	v := &emailVerification{ID: newID("ver"), EmailID: e.ID, Code: code, Status: "unverified",
		ExpireAt: ms(now.Add(codeTTL)), CreatedAt: ms(now)}
	if err := t.emailVerifications().purgeOlder(ms(now.Add(-24 * time.Hour))); err != nil {
		return nil, err
	}
	t.emit("email.created", verificationEmailJSON(u, e, v.Code, now))
	return v, t.emailVerifications().put(v)
}

func (inst *Instance) bapiPrepareEmailVerification(w http.ResponseWriter, r *http.Request) (any, int, error) {
	now := inst.now()
	var v *emailVerification
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, i, err := userByEmailID(t, r.PathValue("id"))
		if err != nil {
			return err
		}
		v, err = inst.prepareEmailVerification(t, u, u.Emails[i], now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return emailVerificationJSON(v, now), 0, nil
}

// verificationEmailJSON is the email.created payload of the code e-mail
// Clerk would send.
func verificationEmailJSON(u *user, e emailAddress, code string, now time.Time) *codeEmailWire {
	return codeEmailJSON(u, e, "verification_code", code, code+" is your verification code", now)
}

// bapiAttemptEmailVerification checks a code. A wrong or late code is
// reported through the verification's status, not as an error; a correct
// one verifies the address too.
func (inst *Instance) bapiAttemptEmailVerification(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		VerificationID *string `json:"verification_id"`
		Code           *string `json:"code"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.VerificationID == nil || *p.VerificationID == "" {
		return nil, 0, errMissing("verification_id")
	}
	if p.Code == nil || *p.Code == "" {
		return nil, 0, errMissing("code")
	}
	now := inst.now()
	var v emailVerification
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, i, err := userByEmailID(t, r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := t.emailVerifications().load(*p.VerificationID, &v); err != nil || v.EmailID != u.Emails[i].ID {
			if err != nil && !errors.Is(err, errNotFound) {
				return err
			}
			e := errNotFoundResource("verification")
			e.Errors[0].Meta = paramMeta("verification_id")
			return e
		}
		switch v.statusAt(now) {
		case "verified":
			return newAPIError(http.StatusBadRequest, "verification_already_verified", "already verified",
				"This verification has already been verified.", paramMeta("verification_id"))
		case "expired", "failed":
			return nil // reported through the status; nothing changes
		}
		v.Attempts++
		switch {
		case subtle.ConstantTimeCompare([]byte(*p.Code), []byte(v.Code)) == 1:
			v.Status = "verified"
			if !u.Emails[i].Verified {
				u.Emails[i].Verified = true
				if err := inst.saveUserEmails(t, u); err != nil {
					return err
				}
			}
		case v.Attempts >= emailCodeAttempts:
			v.Status = "failed"
		}
		return t.emailVerifications().put(&v)
	})
	if err != nil {
		return nil, 0, err
	}
	return emailVerificationJSON(&v, now), 0, nil
}

// bapiReplaceUserEmailAddress makes one address the user's only (and
// primary) one. identification_status verified (the default) creates it
// verified; reserved and unverified create it unverified. localclerk
// keeps every address unique, so unverified is held like reserved.
func (inst *Instance) bapiReplaceUserEmailAddress(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		EmailAddress *string `json:"email_address"`
		Status       *string `json:"identification_status"`
		Notify       *bool   `json:"notify_primary_email_address_changed"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.EmailAddress == nil || strings.TrimSpace(*p.EmailAddress) == "" {
		return nil, 0, errMissing("email_address")
	}
	verified := true
	if p.Status != nil {
		switch *p.Status {
		case "verified":
		case "reserved", "unverified":
			verified = false
		default:
			return nil, 0, errInvalid("identification_status", "identification_status must be verified, reserved or unverified.")
		}
	}
	var out *emailAddressWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		var u user
		if err := t.users().load(r.PathValue("id"), &u); err != nil {
			return notFoundAs(err, "user")
		}
		addr := strings.TrimSpace(*p.EmailAddress)
		kept := slices.IndexFunc(u.Emails, func(e emailAddress) bool { return normEmail(e.Address) == normEmail(addr) })
		if kept >= 0 {
			u.Emails = []emailAddress{u.Emails[kept]}
		} else {
			u.Emails = nil
		}
		if err := t.identifiers().releaseEmails(u.ID); err != nil {
			return err
		}
		if err := addEmail(t, &u, addr, verified, inst.now()); err != nil {
			return err
		}
		u.Emails[0].Verified = verified
		u.PrimaryEmailID = u.Emails[0].ID
		out = emailJSON(u.Emails[0])
		return inst.saveUserEmails(t, &u)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}
