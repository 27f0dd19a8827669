package localclerk

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Phone numbers as a Backend API resource. They live inside their user's
// record, as e-mail addresses do, so each operation is a change to that
// user (one transaction, user.updated); the domain functions are
// phone.go's, shared with the Frontend API.

func (inst *Instance) bapiPhoneRoutes(h func(pattern string, fn bapiFunc)) {
	h("POST /phone_numbers", inst.bapiCreatePhoneNumber)
	h("GET /phone_numbers/{id}", inst.bapiGetPhoneNumber)
	h("PATCH /phone_numbers/{id}", inst.bapiUpdatePhoneNumber)
	h("DELETE /phone_numbers/{id}", inst.bapiDeletePhoneNumber)
	h("POST /phone_numbers/{id}/prepare_verification", inst.bapiPreparePhoneVerification)
	h("POST /phone_numbers/{id}/attempt_verification", inst.bapiAttemptPhoneVerification)
	h("PUT /users/{id}/phone_number", inst.bapiReplaceUserPhoneNumber)
}

// phoneVerificationJSON is a phone number verification in progress.
func phoneVerificationJSON(v *emailVerification, now time.Time) *emailVerificationWire {
	w := emailVerificationJSON(v, now)
	w.Strategy = "phone_code"
	return w
}

func (inst *Instance) bapiCreatePhoneNumber(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		UserID      *string `json:"user_id"`
		PhoneNumber *string `json:"phone_number"`
		Verified    *bool   `json:"verified"`
		Primary     *bool   `json:"primary"`
		Reserved2FA *bool   `json:"reserved_for_second_factor"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.UserID == nil || *p.UserID == "" {
		return nil, 0, errMissing("user_id")
	}
	if p.PhoneNumber == nil || strings.TrimSpace(*p.PhoneNumber) == "" {
		return nil, 0, errMissing("phone_number")
	}
	var out *phoneNumberWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		var u user
		if err := t.users().load(*p.UserID, &u); err != nil {
			return notFoundAs(err, "user")
		}
		n := len(u.Phones)
		ph, err := addPhone(t, &u, *p.PhoneNumber, "phone_number", p.Verified != nil && *p.Verified, inst.now())
		if err != nil {
			return err
		}
		if len(u.Phones) == n {
			return errTaken("phone_number", "The user already has this phone number.")
		}
		if p.Primary != nil && *p.Primary {
			u.PrimaryPhoneID = ph.ID
		}
		if p.Reserved2FA != nil {
			if err := setPhoneSecondFactor(&u, ph, p.Reserved2FA, nil); err != nil {
				return err
			}
		}
		out = phoneJSON(*ph)
		return inst.saveUserEmails(t, &u)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiGetPhoneNumber(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out *phoneNumberWire
	err := inst.store.view(r.Context(), func(t *txn) error {
		_, ph, err := userByPhoneID(t, r.PathValue("id"))
		if err == nil {
			out = phoneJSON(*ph)
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiUpdatePhoneNumber(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Verified    *bool `json:"verified"`
		Primary     *bool `json:"primary"`
		Reserved2FA *bool `json:"reserved_for_second_factor"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var out *phoneNumberWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, ph, err := userByPhoneID(t, r.PathValue("id"))
		if err != nil {
			return err
		}
		if p.Verified != nil {
			ph.Verified = *p.Verified
			if !ph.Verified {
				ph.ReservedSecondFactor, ph.DefaultSecondFactor = false, false
			}
		}
		if p.Reserved2FA != nil {
			if err := setPhoneSecondFactor(u, ph, p.Reserved2FA, nil); err != nil {
				return err
			}
		}
		if p.Primary != nil && *p.Primary {
			u.PrimaryPhoneID = ph.ID
		}
		ph.UpdatedAt = ms(inst.now())
		out = phoneJSON(*ph)
		return inst.saveUserEmails(t, u)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiDeletePhoneNumber(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, _, err := userByPhoneID(t, id)
		if err != nil {
			return err
		}
		if err := removePhone(t, u, id); err != nil {
			return err
		}
		return inst.saveUserEmails(t, u)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("phone_number", id), 0, nil
}

func (inst *Instance) bapiPreparePhoneVerification(w http.ResponseWriter, r *http.Request) (any, int, error) {
	now := inst.now()
	var v *emailVerification
	err := inst.store.update(r.Context(), func(t *txn) error {
		_, ph, err := userByPhoneID(t, r.PathValue("id"))
		if err != nil {
			return err
		}
		v, err = inst.preparePhoneVerification(t, ph, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return phoneVerificationJSON(v, now), 0, nil
}

// bapiAttemptPhoneVerification checks a code as the e-mail address one
// does: a wrong or late code is reported through the verification's
// status, a correct one verifies the number too.
func (inst *Instance) bapiAttemptPhoneVerification(w http.ResponseWriter, r *http.Request) (any, int, error) {
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
		u, ph, err := userByPhoneID(t, r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := t.emailVerifications().load(*p.VerificationID, &v); err != nil || v.EmailID != ph.ID {
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
			return nil
		}
		v.Attempts++
		switch {
		case subtle.ConstantTimeCompare([]byte(*p.Code), []byte(v.Code)) == 1:
			v.Status = "verified"
			if !ph.Verified {
				ph.Verified, ph.UpdatedAt = true, ms(now)
				if u.PrimaryPhoneID == "" {
					u.PrimaryPhoneID = ph.ID
				}
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
	return phoneVerificationJSON(&v, now), 0, nil
}

// bapiReplaceUserPhoneNumber makes one number the user's only (and
// primary) one; identification_status as for the e-mail address
// replacement.
func (inst *Instance) bapiReplaceUserPhoneNumber(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PhoneNumber *string `json:"phone_number"`
		Status      *string `json:"identification_status"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.PhoneNumber == nil || strings.TrimSpace(*p.PhoneNumber) == "" {
		return nil, 0, errMissing("phone_number")
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
	number, ok := parsePhoneNumber(*p.PhoneNumber)
	if !ok {
		return nil, 0, errPhoneFormat("phone_number")
	}
	var out *phoneNumberWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		var u user
		if err := t.users().load(r.PathValue("id"), &u); err != nil {
			return notFoundAs(err, "user")
		}
		var kept []phoneNumber
		if old := u.phoneByNumber(number); old != nil {
			kept = []phoneNumber{*old}
		}
		u.Phones, u.PrimaryPhoneID = kept, ""
		if err := t.identifiers().releasePhones(u.ID); err != nil {
			return err
		}
		ph, err := addPhone(t, &u, number, "phone_number", verified, inst.now())
		if err != nil {
			return err
		}
		ph.Verified = verified
		if !verified {
			ph.ReservedSecondFactor, ph.DefaultSecondFactor = false, false
		}
		u.PrimaryPhoneID = ph.ID
		out = phoneJSON(*ph)
		return inst.saveUserEmails(t, &u)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}
