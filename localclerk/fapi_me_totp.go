package localclerk

import (
	"net/http"
	"strings"
)

// The signed-in user's second factors, as <UserProfile/>'s two-step
// verification section manages them: an authenticator app (TOTP) and
// backup codes. Each is available while the instance settings turn it on.

// totpWire is the TOTP object. The secret and URI are shown only while the
// app is being set up; backup codes only when verifying created them.
type totpWire struct {
	Object      string   `json:"object"` // "totp"
	ID          string   `json:"id"`
	Secret      *string  `json:"secret"`
	URI         *string  `json:"uri"`
	Verified    bool     `json:"verified"`
	BackupCodes []string `json:"backup_codes"`
	CreatedAt   int64    `json:"created_at"`
	UpdatedAt   int64    `json:"updated_at"`
}

// backupCodesWire is the BackupCodes object, the only time the codes are
// shown.
type backupCodesWire struct {
	Object    string   `json:"object"` // "backup_code"
	ID        string   `json:"id"`
	Codes     []string `json:"codes"`
	CreatedAt int64    `json:"created_at"`
	UpdatedAt int64    `json:"updated_at"`
}

// deletedTOTPWire is DELETE /v1/me/totp's answer.
type deletedTOTPWire struct {
	Object  string `json:"object"` // "totp"
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func (inst *Instance) meTOTPRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/me/totp", inst.meHandler(inst.meCreateTOTP))
	mux.HandleFunc("POST /v1/me/totp/attempt_verification", inst.meHandler(inst.meVerifyTOTP))
	mux.HandleFunc("DELETE /v1/me/totp", inst.meHandler(inst.meDeleteTOTP))
	mux.HandleFunc("POST /v1/me/backup_codes", inst.meHandler(inst.meCreateBackupCodes))
}

// totpEnabled reports a verified authenticator app.
func (u *user) totpEnabled() bool { return u.TOTP != nil && u.TOTP.Verified }

// factorAges is the session's fva claim at nowMS: minutes since the first
// factor and since the second factor (-1 when the sign-in had none).
func (s *session) factorAges(nowMS int64) []int64 {
	second := int64(-1)
	if s.SecondFactorAt > 0 {
		second = max(0, (nowMS-s.SecondFactorAt)/60000)
	}
	return []int64{max(0, (nowMS-s.FirstFactorAt)/60000), second}
}

// errSecondFactorOff refuses a second factor the settings turn off.
func errSecondFactorOff(strategy string) *apiError {
	return newAPIError(http.StatusForbidden, "feature_not_enabled", "not enabled",
		"The "+strategy+" second factor is not enabled on this instance.", nil)
}

// setMFA records when the user's two-step verification went on or off.
func (x *fapiCall) setMFA(u *user, wasOn bool) {
	on, now := u.mfaEnabled(), ms(x.now)
	switch {
	case on && !wasOn:
		u.MFAEnabledAt, u.MFADisabledAt = &now, nil
	case !on && wasOn:
		u.MFADisabledAt = &now
	}
}

// meCreateTOTP starts setting up an authenticator app: a new secret and
// its otpauth URI, replacing one never verified. A verified app must be
// removed first.
func (inst *Instance) meCreateTOTP(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().totp {
		return nil, errSecondFactorOff("totp")
	}
	if u.totpEnabled() {
		return nil, newAPIError(http.StatusBadRequest, "totp_already_enabled", "already enabled",
			"An authenticator app is already set up; remove it before adding another.", nil)
	}
	now := ms(x.now)
	u.TOTP = &totpSecret{ID: newID("totp"), Secret: newTOTPSecret(), CreatedAt: now, UpdatedAt: now}
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	account := u.primaryEmail()
	if account == "" && u.Username != nil {
		account = *u.Username
	}
	uri := totpURI("localclerk", account, u.TOTP.Secret)
	return &totpWire{Object: "totp", ID: u.TOTP.ID, Secret: &u.TOTP.Secret, URI: &uri,
		CreatedAt: u.TOTP.CreatedAt, UpdatedAt: u.TOTP.UpdatedAt}, nil
}

// meVerifyTOTP verifies the app being set up with a code it shows; the
// first app verified while backup codes are on also creates them.
func (inst *Instance) meVerifyTOTP(x *fapiCall, u *user) (any, error) {
	ss := inst.settingsNow()
	if !ss.totp {
		return nil, errSecondFactorOff("totp")
	}
	code, err := parseOTP(x.form.Get("code"))
	if err != nil {
		return nil, err
	}
	if u.TOTP == nil {
		return nil, newAPIError(http.StatusNotFound, "resource_not_found", "not found",
			"No authenticator app is being set up; create one first (POST /v1/me/totp).", nil)
	}
	if !u.TOTP.verify(code, x.now) {
		return nil, errCodeIncorrect
	}
	wasOn := u.mfaEnabled()
	u.TOTP.Verified, u.TOTP.UpdatedAt = true, ms(x.now)
	var codes []string
	if ss.backup && len(u.BackupCodes) == 0 {
		codes, u.BackupCodes = newBackupCodes()
	}
	x.setMFA(u, wasOn)
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return &totpWire{Object: "totp", ID: u.TOTP.ID, Verified: true, BackupCodes: codes,
		CreatedAt: u.TOTP.CreatedAt, UpdatedAt: u.TOTP.UpdatedAt}, nil
}

// meDeleteTOTP removes the authenticator app. Backup codes go with the
// last second factor, as they only stand in for it.
func (inst *Instance) meDeleteTOTP(x *fapiCall, u *user) (any, error) {
	if u.TOTP == nil {
		return nil, errNotFoundResource("totp")
	}
	wasOn := u.mfaEnabled()
	id := u.TOTP.ID
	u.TOTP = nil
	if u.secondFactorPhone() == nil {
		u.BackupCodes = nil
	}
	x.setMFA(u, wasOn)
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return &deletedTOTPWire{Object: "totp", ID: id, Deleted: true}, nil
}

// meCreateBackupCodes replaces the user's backup codes with fresh ones;
// the user needs another second factor first, as on Clerk.
func (inst *Instance) meCreateBackupCodes(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().backup {
		return nil, errSecondFactorOff("backup_code")
	}
	if !u.totpEnabled() && u.secondFactorPhone() == nil {
		return nil, newAPIError(http.StatusBadRequest, "second_factor_required", "no second factor",
			"Set up an authenticator app before creating backup codes.", nil)
	}
	codes, hashes := newBackupCodes()
	u.BackupCodes = hashes
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	now := ms(x.now)
	return &backupCodesWire{Object: "backup_code", ID: newID("bcode"), Codes: codes, CreatedAt: now, UpdatedAt: now}, nil
}

// parseOTP reads a one-time code field: required, digits only (spaces
// ignored), at most 6 of them.
func parseOTP(raw string) (string, error) {
	code := strings.ReplaceAll(strings.TrimSpace(raw), " ", "")
	if code == "" {
		return "", errMissing("code")
	}
	if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
		return "", errCodeIncorrect
	}
	return code, nil
}
