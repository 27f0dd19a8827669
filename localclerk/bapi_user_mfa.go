package localclerk

import (
	"errors"
	"net/http"
	"strings"
)

// The Backend API's view of a user's second factors (fapi_me_totp.go):
// verifying a TOTP or backup code for a custom flow, and removing them.

// bapiVerifyTOTP checks a TOTP code, else spends a backup code.
func (inst *Instance) bapiVerifyTOTP(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Code *string `json:"code"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if _, err := inst.loadUser(r); err != nil {
		return nil, 0, err
	}
	if p.Code == nil || strings.TrimSpace(*p.Code) == "" {
		return nil, 0, errMissing("code")
	}
	kind := ""
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, err := t.users().get(r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "user")
		}
		if code, perr := parseOTP(*p.Code); perr == nil && u.totpEnabled() && u.TOTP.verify(code, inst.now()) {
			kind = "totp"
		} else if rest, ok := useBackupCode(u.BackupCodes, *p.Code); ok {
			kind, u.BackupCodes = "backup_code", rest
		} else {
			return errCodeIncorrect
		}
		return t.users().put(u) // the spent step or code
	})
	if err != nil {
		return nil, 0, err
	}
	return &verifyTOTPWire{Verified: true, CodeType: kind}, 0, nil
}

// userIDWire is the {user_id} answer of removing second factors.
type userIDWire struct {
	UserID string `json:"user_id"`
}

// verifyTOTPWire is VerifyTOTP's answer.
type verifyTOTPWire struct {
	Verified bool   `json:"verified"`
	CodeType string `json:"code_type"`
}

// bapiRemoveSecondFactor removes the user's authenticator app, backup
// codes or both (DELETE …/totp, …/backup_code, …/mfa) and answers
// {user_id}; removing what the user does not have changes nothing.
func (inst *Instance) bapiRemoveSecondFactor(totp, backup bool) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		id := r.PathValue("id")
		err := inst.store.update(r.Context(), func(t *txn) error {
			u, err := t.users().get(id)
			if err != nil {
				return err
			}
			wasOn := u.totpEnabled() || len(u.BackupCodes) > 0
			if !wasOn && u.TOTP == nil {
				return nil
			}
			if totp {
				u.TOTP = nil
			}
			if backup || !u.totpEnabled() {
				u.BackupCodes = nil // they only stand in for another factor
			}
			now := ms(inst.now())
			if wasOn && !u.totpEnabled() && len(u.BackupCodes) == 0 {
				u.MFADisabledAt = &now
			}
			u.UpdatedAt = now
			t.emit("user.updated", userJSON(u))
			return t.users().put(u)
		})
		if errors.Is(err, errNotFound) {
			return nil, 0, notFoundAs(err, "user")
		}
		if err != nil {
			return nil, 0, err
		}
		return &userIDWire{UserID: id}, 0, nil
	}
}
