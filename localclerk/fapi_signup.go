package localclerk

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const kindFAPISignUp = "fapi_sign_up"

// signUpAttempt is a Frontend API sign-up in progress. The user is created
// only when the e-mail address is verified; until then only a password
// hash is kept.
type signUpAttempt struct {
	ID             string `json:"id"`
	ClientID       string `json:"client_id"`
	Status         string `json:"status"` // missing_requirements, complete
	Email          string `json:"email,omitempty"`
	Username       string `json:"username,omitempty"`
	Ticket         string `json:"ticket,omitempty"` // the invitation it accepts; its address is verified by it
	FirstName      string `json:"first_name,omitempty"`
	LastName       string `json:"last_name,omitempty"`
	PasswordHash   string `json:"password_hash,omitempty"`
	VerifyStatus   string `json:"verify_status,omitempty"`   // "", unverified, verified, expired
	VerifyStrategy string `json:"verify_strategy,omitempty"` // "" (email_code) or email_link, whose Code is the link's token
	// Phone is the E.164 number given, verified by SMS code
	// (fapi_signup_phone.go) as Email is by e-mail code.
	Phone            phoneSignUp `json:"phone,omitzero"`
	Attempts         int         `json:"attempts"`
	Code             string      `json:"code,omitempty"`
	CodeExpireAt     int64       `json:"code_expire_at,omitempty"`
	LinkClientID     string      `json:"link_client_id,omitempty"` // the client that opened the e-mail link
	CreatedUserID    string      `json:"created_user_id,omitempty"`
	CreatedSessionID string      `json:"created_session_id,omitempty"`
	CreatedAt        int64       `json:"created_at"`
	AbandonAt        int64       `json:"abandon_at"`

	// OAuth is the external account verification of a social sign-up
	// (fapi_oauth.go).
	OAuth *oauthAttempt `json:"oauth,omitempty"`
}

func (inst *Instance) signUpRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/client/sign_ups", inst.handleSignUpCreate)
	mux.HandleFunc("GET /v1/client/sign_ups/{id}", inst.signUpStep(nil))
	mux.HandleFunc("PATCH /v1/client/sign_ups/{id}", inst.signUpStep(inst.signUpUpdate))
	mux.HandleFunc("POST /v1/client/sign_ups/{id}/prepare_verification", inst.signUpStep(inst.signUpPrepare))
	mux.HandleFunc("POST /v1/client/sign_ups/{id}/attempt_verification", inst.signUpStep(inst.signUpAttempt))
}

// precheckSignUpPassword hashes the password a sign-up request sets, when
// it is valid, before the transaction (signUpUpdate refuses an invalid
// one in order with the other fields).
func (inst *Instance) precheckSignUpPassword(r *http.Request, form url.Values) (fapiPre, error) {
	v, ok := form["password"]
	if !ok || validatePassword(&v[0], nil) != nil || inst.settingsNow().checkNewPassword(v[0]) != nil {
		return fapiPre{}, nil
	}
	h, err := hashPassword(v[0])
	return fapiPre{newHash: h}, err
}

func (inst *Instance) handleSignUpCreate(w http.ResponseWriter, r *http.Request) {
	inst.fapiRespondChecked(w, r, inst.precheckSignUpPassword, func(x *fapiCall) (any, error) {
		su := &signUpAttempt{ID: newID("sua"), ClientID: x.c.ID, Status: "missing_requirements",
			CreatedAt: ms(x.now), AbandonAt: ms(x.now.Add(24 * time.Hour))}
		if err := inst.signUpUpdate(x, su); err != nil {
			return nil, err
		}
		x.c.SignUpID = su.ID
		if err := x.t.signUpAttempts().put(su); err != nil {
			return nil, err
		}
		if err := x.saveClient(); err != nil {
			return nil, err
		}
		return inst.signUpJSON(su), nil
	})
}

func (inst *Instance) signUpStep(step func(x *fapiCall, su *signUpAttempt) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inst.fapiRespondChecked(w, r, inst.precheckSignUpPassword, func(x *fapiCall) (any, error) {
			var su signUpAttempt
			if err := x.t.signUpAttempts().load(r.PathValue("id"), &su); err != nil || su.ClientID != x.c.ID {
				if err != nil && !errors.Is(err, errNotFound) {
					return nil, err
				}
				return nil, errNotFoundResource("sign up")
			}
			if step == nil {
				return inst.signUpJSON(&su), nil
			}
			if su.Status == "complete" {
				return nil, newAPIError(http.StatusBadRequest, "sign_up_already_completed", "already completed", "This sign-up has already been completed; start a new one.", nil)
			}
			if ms(x.now) >= su.AbandonAt {
				return nil, newAPIError(http.StatusBadRequest, "sign_up_expired", "expired", "This sign-up has expired; start a new one.", nil)
			}
			if err := step(x, &su); err != nil {
				return nil, err
			}
			if err := x.t.signUpAttempts().put(&su); err != nil {
				return nil, err
			}
			if err := x.saveClient(); err != nil {
				return nil, err
			}
			return inst.signUpJSON(&su), nil
		})
	}
}

// signUpUpdate applies the fields of a create or update request.
func (inst *Instance) signUpUpdate(x *fapiCall, su *signUpAttempt) error {
	f := x.form
	if f.Get("transfer") == "true" {
		return inst.signUpTransfer(x, su)
	}
	if s := f.Get("strategy"); isOAuthStrategy(s) {
		return inst.signUpOAuth(x, su, s)
	}
	if s := f.Get("strategy"); isNativeTokenStrategy(s) {
		return inst.signUpNativeToken(x, su, s)
	}
	ss := inst.settingsNow()
	if s := f.Get("strategy"); s != "" && s != "ticket" {
		return strategyUnsupported(s)
	}
	if f.Get("web3_wallet") != "" {
		return errParam(http.StatusUnprocessableEntity, "form_param_unknown", "web3_wallet", "web3_wallet is not used by this instance.")
	}
	if f.Get("strategy") == "ticket" || f.Get("ticket") != "" {
		if err := inst.signUpTicket(x, su); err != nil {
			return err
		}
	}
	if ss.restricted && su.Ticket == "" {
		return ss.errSignUpRestricted()
	}
	if v, ok := f["username"]; ok {
		if err := ss.setSignUpUsername(x, su, v[0]); err != nil {
			return err
		}
	}
	if _, ok := f["email_address"]; ok && !ss.email {
		return errParamUnknown("email_address")
	}
	if v, ok := f["email_address"]; ok && su.Ticket != "" {
		if !strings.EqualFold(strings.TrimSpace(v[0]), su.Email) {
			return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "email_address", "A ticket sign-up is for the invited address only.")
		}
	} else if ok {
		email := strings.TrimSpace(v[0])
		if len(email) > 254 || !emailRe.MatchString(email) {
			return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "email_address", "email_address must be a valid email address.")
		}
		if _, err := x.t.identifiers().emailOwner(email); err == nil {
			return errTaken("email_address", "That email address is taken. Please try another.")
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		if err := maySignUp(x.t, []string{email}, x.now); err != nil {
			return err
		}
		if !strings.EqualFold(email, su.Email) && ss.emailLink {
			// <SignUp/> sends a link (prepare_verification) when links
			// are on; no code is issued.
			su.VerifyStatus, su.VerifyStrategy, su.Attempts, su.Code = "", "", 0, ""
		} else if !strings.EqualFold(email, su.Email) {
			// The components attempt the code without preparing it first
			// when the address is already "unverified", so the code is
			// issued as soon as the address is given.
			su.VerifyStatus, su.VerifyStrategy, su.Attempts = "unverified", "", 0
			code, err := inst.newCode(x.t, x.now, email, "Verify your e-mail address")
			if err != nil {
				return err
			}
			su.Code, su.CodeExpireAt = code, ms(x.now.Add(codeTTL))
		}
		su.Email = email
	}
	if v, ok := f["phone_number"]; ok {
		if err := inst.setSignUpPhone(x, su, v[0]); err != nil {
			return err
		}
	}
	if v, ok := f["password"]; ok {
		pw := v[0]
		if err := validatePassword(&pw, nil); err != nil {
			return err
		}
		if err := ss.checkNewPassword(pw); err != nil {
			return err
		}
		if x.newPasswordHash == "" {
			return errors.New("localclerk: sign-up password was not hashed before the transaction")
		}
		su.PasswordHash = x.newPasswordHash
	}
	if v, ok := f["first_name"]; ok {
		su.FirstName = strings.TrimSpace(v[0])
	}
	if v, ok := f["last_name"]; ok {
		su.LastName = strings.TrimSpace(v[0])
	}
	if su.Ticket != "" && su.PasswordHash != "" {
		return inst.finishTicketSignUp(x, su)
	}
	if su.Ticket == "" {
		return inst.maybeCompleteSignUp(x, su)
	}
	return nil
}

func (inst *Instance) signUpPrepare(x *fapiCall, su *signUpAttempt) error {
	s := x.form.Get("strategy")
	if s == "email_link" && inst.settingsNow().emailLink {
		return inst.prepareSignUpLink(x, su)
	}
	if s == "phone_code" {
		return inst.signUpPreparePhone(x, su)
	}
	if s != "email_code" {
		if s == "" {
			return errMissing("strategy")
		}
		return strategyUnsupported(s)
	}
	if su.Email == "" {
		return errMissing("email_address")
	}
	su.VerifyStatus, su.VerifyStrategy, su.Attempts = "unverified", "", 0
	code, err := inst.newCode(x.t, x.now, su.Email, "Verify your e-mail address")
	su.Code, su.CodeExpireAt = code, ms(x.now.Add(codeTTL))
	return err
}

func (inst *Instance) signUpAttempt(x *fapiCall, su *signUpAttempt) error {
	if x.form.Get("strategy") == "phone_code" {
		return inst.signUpAttemptPhone(x, su)
	}
	if s := x.form.Get("strategy"); s != "email_code" {
		if s == "" {
			return errMissing("strategy")
		}
		return strategyUnsupported(s)
	}
	if su.Code == "" || su.VerifyStrategy != "" {
		return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent", "Prepare the email_code verification before attempting it.", paramMeta("code"))
	}
	if ms(x.now) >= su.CodeExpireAt {
		return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired", "This code has expired; request a new one.", paramMeta("code"))
	}
	if x.form.Get("code") != su.Code {
		return errCodeIncorrect
	}
	su.VerifyStatus, su.Code = "verified", ""
	return inst.maybeCompleteSignUp(x, su)
}

func (inst *Instance) clientSignUpJSON(t *txn, c *client) (any, error) {
	if c.SignUpID == "" {
		return nil, nil
	}
	var su signUpAttempt
	if err := t.signUpAttempts().load(c.SignUpID, &su); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return inst.signUpJSON(&su), nil
}
