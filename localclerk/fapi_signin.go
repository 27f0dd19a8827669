package localclerk

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const kindFAPISignIn = "fapi_sign_in"

// signInAttempt is a Frontend API sign-in in progress on a client.
type signInAttempt struct {
	ID           string `json:"id"`
	ClientID     string `json:"client_id"`
	Status       string `json:"status"` // needs_identifier, needs_first_factor, complete
	Identifier   string `json:"identifier"`
	UserID       string `json:"user_id,omitempty"`
	Strategy     string `json:"strategy,omitempty"` // first factor being verified
	FactorStatus string `json:"factor_status,omitempty"`
	Attempts     int    `json:"attempts"`
	Code         string `json:"code,omitempty"`
	CodeExpireAt int64  `json:"code_expire_at,omitempty"`
	// LinkClientID is the client that opened the e-mail link, if any
	// (the verification's verified_at_client).
	LinkClientID     string `json:"link_client_id,omitempty"`
	CreatedSessionID string `json:"created_session_id,omitempty"`
	CreatedAt        int64  `json:"created_at"`
	AbandonAt        int64  `json:"abandon_at"`
	// The second factor (fapi_signin_second_factor.go).
	SecondStrategy string `json:"second_strategy,omitempty"`
	SecondStatus   string `json:"second_status,omitempty"`
	SecondAttempts int    `json:"second_attempts,omitempty"`

	// OAuth is the first factor of a social sign-in (fapi_oauth.go).
	OAuth *oauthAttempt `json:"oauth,omitempty"`
	// Passkey is the outstanding passkey challenge (fapi_passkeys.go).
	Passkey *signInPasskey `json:"passkey,omitempty"`
}

// codeTTL is how long an e-mail verification code can be used.
const codeTTL = 10 * time.Minute

func (inst *Instance) signInRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/client/sign_ins/{id}/reset_password", inst.signInStep(inst.resetPassword, inst.precheckResetPassword))
	mux.HandleFunc("POST /v1/client/sign_ins", inst.handleSignInCreate)
	mux.HandleFunc("GET /v1/client/sign_ins/{id}", inst.signInStep(nil, nil))
	mux.HandleFunc("POST /v1/client/sign_ins/{id}/prepare_first_factor", inst.signInStep(inst.signInPrepare, nil))
	mux.HandleFunc("POST /v1/client/sign_ins/{id}/attempt_first_factor", inst.signInStep(inst.signInAttempt, inst.precheckSignInAttempt))
	inst.signInSecondFactorRoutes(mux)
}

// strategyUnsupported answers strategies localclerk does not implement
// (passkeys, web3, SAML...).
func strategyUnsupported(s string) error {
	return errParam(http.StatusUnprocessableEntity, "strategy_for_user_invalid", "strategy",
		fmt.Sprintf("The %q strategy is not available on localclerk; use password, email_code, phone_code or ticket.", s))
}

// precheckSignInCreate checks the password of a one-step password
// sign-in (identifier and password in the create request).
func (inst *Instance) precheckSignInCreate(r *http.Request, form url.Values) (fapiPre, error) {
	id := strings.TrimSpace(form.Get("identifier"))
	if form.Get("strategy") != "password" || id == "" || form.Get("password") == "" {
		return fapiPre{}, nil
	}
	pc, err := inst.checkPasswordOf(r.Context(), form.Get("password"), func(t *txn) (*user, error) {
		return inst.settingsNow().userBySignInIdentifier(t, id)
	})
	if errors.Is(err, errIdentifierNotFound) {
		return fapiPre{}, nil // the transaction answers it
	}
	return fapiPre{check: pc}, err
}

// precheckSignInAttempt checks the password of a password attempt on the
// sign-in named in the path.
func (inst *Instance) precheckSignInAttempt(r *http.Request, form url.Values) (fapiPre, error) {
	if form.Get("strategy") == strategyResetPasswordEmail {
		return inst.precheckResetPassword(r, form)
	}
	if form.Get("strategy") == "passkey" {
		return inst.precheckPasskeyAssertion(r, form)
	}
	if form.Get("strategy") != "password" || form.Get("password") == "" {
		return fapiPre{}, nil
	}
	pc, err := inst.checkPasswordOf(r.Context(), form.Get("password"), func(t *txn) (*user, error) {
		var si signInAttempt
		if err := t.signInAttempts().load(r.PathValue("id"), &si); err != nil {
			return nil, err
		}
		return t.users().get(si.UserID)
	})
	if errors.Is(err, errNotFound) {
		return fapiPre{}, nil // the transaction answers it
	}
	return fapiPre{check: pc}, err
}

func (inst *Instance) handleSignInCreate(w http.ResponseWriter, r *http.Request) {
	inst.fapiRespondChecked(w, r, inst.precheckSignInCreate, func(x *fapiCall) (any, error) {
		si := &signInAttempt{ID: newID("sia"), ClientID: x.c.ID, Status: "needs_identifier",
			CreatedAt: ms(x.now), AbandonAt: ms(x.now.Add(24 * time.Hour))}
		strategy := x.form.Get("strategy")
		if err := inst.signInMayStart(x.t, x.c, "", x.now); err != nil {
			return nil, err
		}
		if id := strings.TrimSpace(x.form.Get("identifier")); id != "" {
			u, err := inst.settingsNow().userBySignInIdentifier(x.t, id)
			if err != nil {
				return nil, err
			}
			si.Identifier, si.UserID, si.Status = id, u.ID, "needs_first_factor"
		} else if strategy != "" && strategy != "ticket" && strategy != "passkey" && !isOAuthStrategy(strategy) && !isNativeTokenStrategy(strategy) {
			return nil, errMissing("identifier")
		}
		if si.UserID != "" {
			if err := inst.signInMayStart(x.t, x.c, si.UserID, x.now); err != nil {
				return nil, err
			}
		}
		switch {
		case x.form.Get("transfer") == "true":
			if err := inst.signInTransfer(x, si); err != nil {
				return nil, err
			}
		case isOAuthStrategy(strategy):
			if err := inst.signInOAuth(x, si, strategy); err != nil {
				return nil, err
			}
		case isNativeTokenStrategy(strategy):
			if err := inst.signInNativeToken(x, si, strategy); err != nil {
				return nil, err
			}
		case strategy == "password" || strategy == "email_code" || strategy == "email_link" || strategy == "passkey" || strategy == "phone_code":
			if err := inst.settingsNow().firstFactorAllowed(strategy); err != nil {
				return nil, err
			}
		}
		switch strategy {
		case "":
		case "ticket":
			if err := inst.signInTicket(x, si); err != nil {
				return nil, err
			}
		case "password":
			if err := inst.attemptPassword(x, si); err != nil {
				return nil, err
			}
		case "email_code", "email_link", "phone_code", strategyResetPasswordEmail:
			if si.UserID == "" {
				return nil, errMissing("identifier")
			}
			if err := inst.signInPrepare(x, si); err != nil {
				return nil, err
			}
		case "passkey":
			if err := inst.signInPreparePasskey(x, si); err != nil {
				return nil, err
			}
		default:
			if !isOAuthStrategy(strategy) && !isNativeTokenStrategy(strategy) {
				return nil, strategyUnsupported(strategy)
			}
		}
		x.c.SignInID = si.ID
		if err := x.t.signInAttempts().put(si); err != nil {
			return nil, err
		}
		if err := x.saveClient(); err != nil {
			return nil, err
		}
		return inst.signInJSON(x, si)
	})
}

// signInStep wraps a step on an existing sign-in of the calling client:
// load it, run step, store it, answer with it.
func (inst *Instance) signInStep(step func(x *fapiCall, si *signInAttempt) error, pre fapiPrecheck) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inst.fapiRespondChecked(w, r, pre, func(x *fapiCall) (any, error) {
			var si signInAttempt
			if err := x.t.signInAttempts().load(r.PathValue("id"), &si); err != nil || si.ClientID != x.c.ID {
				if err != nil && !errors.Is(err, errNotFound) {
					return nil, err
				}
				return nil, errNotFoundResource("sign in")
			}
			if step == nil {
				return inst.signInJSON(x, &si)
			}
			if si.Status == "complete" {
				return nil, newAPIError(http.StatusBadRequest, "sign_in_already_completed", "already completed", "This sign-in has already been completed; start a new one.", nil)
			}
			if ms(x.now) >= si.AbandonAt {
				return nil, newAPIError(http.StatusBadRequest, "sign_in_expired", "expired", "This sign-in has expired; start a new one.", nil)
			}
			// A sign-in that starts with a passkey is identified by it.
			if si.UserID == "" && (si.Strategy != "passkey" || x.form.Get("strategy") != "passkey") {
				return nil, errMissing("identifier")
			}
			if err := step(x, &si); err != nil {
				return nil, err
			}
			if err := x.t.signInAttempts().put(&si); err != nil {
				return nil, err
			}
			if err := x.saveClient(); err != nil {
				return nil, err
			}
			return inst.signInJSON(x, &si)
		})
	}
}

// signInPrepare starts e-mail code verification. localclerk sends no
// mail: +clerk_test addresses use 424242, other codes go to the log.
func (inst *Instance) signInPrepare(x *fapiCall, si *signInAttempt) error {
	strategy := x.form.Get("strategy")
	if strategy == "" {
		strategy = "email_code"
	}
	if strategy == strategyResetPasswordEmail {
		return inst.prepareResetPassword(x, si)
	}
	if strategy == "passkey" {
		return inst.signInPreparePasskey(x, si)
	}
	if strategy == "phone_code" {
		return inst.signInPreparePhone(x, si)
	}
	if strategy != "email_code" && strategy != "email_link" {
		return strategyUnsupported(strategy)
	}
	if err := inst.settingsNow().firstFactorAllowed(strategy); err != nil {
		return err
	}
	if strategy == "email_link" {
		return inst.prepareSignInLink(x, si)
	}
	var u user
	if err := x.t.users().load(si.UserID, &u); err != nil {
		return err
	}
	si.Strategy, si.FactorStatus, si.Attempts = "email_code", "unverified", 0
	code, err := inst.newCode(x.t, x.now, u.primaryEmail(), "Your sign-in code")
	si.Code, si.CodeExpireAt = code, ms(x.now.Add(codeTTL))
	return err
}

func (inst *Instance) signInAttempt(x *fapiCall, si *signInAttempt) error {
	s := x.form.Get("strategy")
	if s == "password" || s == "email_code" || s == "email_link" || s == "passkey" || s == "phone_code" {
		if err := inst.settingsNow().firstFactorAllowed(s); err != nil {
			return err
		}
	}
	switch s {
	case "phone_code":
		return inst.signInAttemptPhone(x, si)
	case "password":
		return inst.attemptPassword(x, si)
	case "email_code":
		if si.Strategy != "email_code" || si.Code == "" {
			return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent", "Prepare the email_code factor before attempting it.", paramMeta("code"))
		}
		si.Attempts++
		if ms(x.now) >= si.CodeExpireAt {
			si.FactorStatus = "expired"
			return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired", "This code has expired; request a new one.", paramMeta("code"))
		}
		if x.form.Get("code") != si.Code {
			return errCodeIncorrect
		}
		si.FactorStatus = "verified"
		return inst.finishFirstFactor(x, si)
	case "":
		return errMissing("strategy")
	case strategyResetPasswordEmail:
		return inst.attemptResetPassword(x, si)
	case "email_link":
		return newAPIError(http.StatusBadRequest, "verification_strategy_invalid", "invalid strategy",
			"An email link is verified by opening it, not by attempt_first_factor.", paramMeta("strategy"))
	case "passkey":
		return inst.attemptPasskey(x, si)
	default:
		return strategyUnsupported(s)
	}
}

var errCodeIncorrect = newAPIError(http.StatusUnprocessableEntity, "form_code_incorrect", "is incorrect", "The verification code is incorrect.", paramMeta("code"))

// attemptPassword applies the request's password verdict (x.pw, checked
// before the transaction) to the sign-in.
func (inst *Instance) attemptPassword(x *fapiCall, si *signInAttempt) error {
	if x.form.Get("password") == "" {
		return errMissing("password")
	}
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	si.Strategy = "password"
	si.Attempts++
	if u.PasswordHash == "" {
		return errPasswordIncorrect
	}
	if err := x.pw.apply(x.t, u); err != nil {
		return err
	}
	si.FactorStatus = "verified"
	return inst.finishFirstFactor(x, si)
}

// completeSignInAttempt starts the session the sign-in created, in
// organization orgID when it is not empty.
func (inst *Instance) completeSignInAttempt(x *fapiCall, si *signInAttempt, orgID string) (*session, error) {
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return nil, err
	}
	if err := mayStartSession(x.t, u, x.now); err != nil {
		return nil, err
	}
	s, err := inst.startSession(x.t, x.c, si.UserID, orgID, x.now)
	if err != nil {
		return nil, err
	}
	si.Status, si.CreatedSessionID, si.Code = "complete", s.ID, ""
	return s, nil
}

func (inst *Instance) clientSignInJSON(x *fapiCall) (any, error) {
	c := x.c
	if c.SignInID == "" {
		return nil, nil
	}
	var si signInAttempt
	if err := x.t.signInAttempts().load(c.SignInID, &si); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return inst.signInJSON(x, &si)
}
