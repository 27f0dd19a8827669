package localclerk

import (
	"errors"
	"net/http"
	"net/url"
)

// Session reverification (/v1/client/sessions/{sid}/verify…): a signed-in
// user proves again who they are, at a level the application asks for
// (useReverification opens <UserVerification/> with it), and the session's
// factor-verification age — the fva claim goclerk's Has(Reverification…)
// reads — starts again from zero for the factors verified. One
// verification is in progress per session: starting one replaces the last.
//
// Levels, as on Clerk: first_factor asks for a first factor; second_factor
// for a second factor when the user has one, else a first factor;
// multi_factor for a first factor and then, when the user has one, a
// second factor. First factors are password and email_code (as the
// settings allow), second factors totp and backup_code.

const kindSessionReverification = "session_reverification"

// sessionReverification is a reverification in progress, keyed by its
// session.
type sessionReverification struct {
	ID        string `json:"id"`
	SessionID string `json:"session_id"`
	Level     string `json:"level"`
	Status    string `json:"status"` // needs_first_factor, needs_second_factor, complete
	// The first factor being verified.
	FirstStrategy string `json:"first_strategy,omitempty"`
	FirstStatus   string `json:"first_status,omitempty"`
	FirstAttempts int    `json:"first_attempts,omitempty"`
	Code          string `json:"code,omitempty"`
	CodeExpireAt  int64  `json:"code_expire_at,omitempty"`
	// The second factor being verified.
	SecondStrategy string `json:"second_strategy,omitempty"`
	SecondStatus   string `json:"second_status,omitempty"`
	SecondAttempts int    `json:"second_attempts,omitempty"`
	CreatedAt      int64  `json:"created_at"`
}

// sessionReverifications returns the reverifications' repository of t.
func (t *txn) sessionReverifications() repo[sessionReverification] {
	return newRepo(t, kindSessionReverification, func(v *sessionReverification) string { return v.SessionID })
}

func (inst *Instance) sessionReverificationRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/client/sessions/{sid}/verify", inst.reverifyStep(inst.reverifyStart, nil))
	mux.HandleFunc("POST /v1/client/sessions/{sid}/verify/prepare_first_factor", inst.reverifyStep(inst.reverifyPrepareFirst, nil))
	mux.HandleFunc("POST /v1/client/sessions/{sid}/verify/attempt_first_factor", inst.reverifyStep(inst.reverifyAttemptFirst, inst.precheckReverifyPassword))
	mux.HandleFunc("POST /v1/client/sessions/{sid}/verify/prepare_second_factor", inst.reverifyStep(inst.reverifyPrepareSecond, nil))
	mux.HandleFunc("POST /v1/client/sessions/{sid}/verify/attempt_second_factor", inst.reverifyStep(inst.reverifyAttemptSecond, nil))
}

// reverifyCall is what a reverification step works on: the session (of
// the calling client, active), its user and the verification in progress
// (nil before the first start).
type reverifyCall struct {
	s *session
	u *user
	v *sessionReverification
}

// reverifyStep loads the session named in the path, runs step and answers
// with the verification, storing it and the session.
func (inst *Instance) reverifyStep(step func(x *fapiCall, rc *reverifyCall) error, pre fapiPrecheck) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inst.fapiRespondChecked(w, r, pre, func(x *fapiCall) (any, error) {
			// A session that is not this client's, or no longer active,
			// answers signed_out (401), the specification's status for it.
			s, err := x.session(r.PathValue("sid"))
			var ae *apiError
			if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
				return nil, errSignedOut
			}
			if err != nil {
				return nil, err
			}
			if s.Status != "active" || ms(x.now) >= s.ExpireAt {
				return nil, errSignedOut
			}
			u, err := x.t.users().get(s.UserID)
			if err != nil {
				return nil, err
			}
			rc := &reverifyCall{s: s, u: u}
			v, err := x.t.sessionReverifications().get(s.ID)
			switch {
			case err == nil:
				rc.v = v
			case !errors.Is(err, errNotFound):
				return nil, err
			}
			if err := step(x, rc); err != nil {
				return nil, err
			}
			if err := x.t.sessionReverifications().put(rc.v); err != nil {
				return nil, err
			}
			return inst.reverificationJSON(x, rc)
		})
	}
}

// errReverificationStatus answers a step the verification is not at (or
// one before any verification started).
func errReverificationStatus(long string) error {
	return newAPIError(http.StatusBadRequest, "session_verification_status_invalid", "invalid status", long, nil)
}

// reverifyStart is POST …/verify: a new verification at the form's level.
func (inst *Instance) reverifyStart(x *fapiCall, rc *reverifyCall) error {
	level := x.form.Get("level")
	switch level {
	case "":
		return errMissing("level")
	case "first_factor", "second_factor", "multi_factor":
	default:
		return errInvalid("level", "level must be first_factor, second_factor or multi_factor.")
	}
	rc.v = &sessionReverification{ID: newID("sessver"), SessionID: rc.s.ID, Level: level, Status: "needs_first_factor", CreatedAt: ms(x.now)}
	if level == "second_factor" && len(inst.settingsNow().userSecondFactors(rc.u)) > 0 {
		rc.v.Status = "needs_second_factor"
	}
	return nil
}

// needs checks that the verification waits for status.
func (rc *reverifyCall) needs(status string) error {
	if rc.v == nil {
		return errReverificationStatus("Start a verification of this session (POST /v1/client/sessions/{id}/verify) first.")
	}
	if rc.v.Status != status {
		return errReverificationStatus("This verification is " + rc.v.Status + ", not " + status + ".")
	}
	return nil
}

// reverifyPrepareFirst sends an e-mail code; a password needs no
// preparation.
func (inst *Instance) reverifyPrepareFirst(x *fapiCall, rc *reverifyCall) error {
	if err := rc.needs("needs_first_factor"); err != nil {
		return err
	}
	strategy := x.form.Get("strategy")
	switch strategy {
	case "":
		return errMissing("strategy")
	case "email_code":
	default:
		return strategyUnsupported(strategy)
	}
	if err := inst.settingsNow().firstFactorAllowed(strategy); err != nil {
		return err
	}
	addr, err := reverifyEmail(rc.u, x.form.Get("email_address_id"))
	if err != nil {
		return err
	}
	code, err := inst.newCode(x.t, x.now, addr, "Your verification code")
	if err != nil {
		return err
	}
	v := rc.v
	v.FirstStrategy, v.FirstStatus, v.FirstAttempts = strategy, "unverified", 0
	v.Code, v.CodeExpireAt = code, ms(x.now.Add(codeTTL))
	return nil
}

// reverifyEmail is the verified address of u a code goes to: id, or the
// primary address when id is empty.
func reverifyEmail(u *user, id string) (string, error) {
	if id == "" {
		id = u.PrimaryEmailID
	}
	for _, e := range u.Emails {
		if e.ID == id && e.Verified {
			return e.Address, nil
		}
	}
	return "", errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "email_address_id",
		"email_address_id is not a verified e-mail address of this user.")
}

// precheckReverifyPassword checks the password of a password attempt
// before the transaction, against the user of the session in the path.
func (inst *Instance) precheckReverifyPassword(r *http.Request, form url.Values) (fapiPre, error) {
	if form.Get("strategy") != "password" || form.Get("password") == "" {
		return fapiPre{}, nil
	}
	pc, err := inst.checkPasswordOf(r.Context(), form.Get("password"), func(t *txn) (*user, error) {
		s, err := t.sessions().get(r.PathValue("sid"))
		if err != nil {
			return nil, err
		}
		return t.users().get(s.UserID)
	})
	if errors.Is(err, errNotFound) {
		return fapiPre{}, nil // the transaction answers it
	}
	return fapiPre{check: pc}, err
}

// reverifyAttemptFirst checks a password or an e-mail code.
func (inst *Instance) reverifyAttemptFirst(x *fapiCall, rc *reverifyCall) error {
	if err := rc.needs("needs_first_factor"); err != nil {
		return err
	}
	v := rc.v
	strategy := x.form.Get("strategy")
	switch strategy {
	case "":
		return errMissing("strategy")
	case "password", "email_code":
		if err := inst.settingsNow().firstFactorAllowed(strategy); err != nil {
			return err
		}
	default:
		return strategyUnsupported(strategy)
	}
	if strategy == "password" {
		if x.form.Get("password") == "" {
			return errMissing("password")
		}
		v.FirstStrategy, v.FirstStatus, v.Code, v.CodeExpireAt = "password", "unverified", "", 0
		if rc.u.PasswordHash == "" {
			return errPasswordIncorrect
		}
		if err := x.pw.apply(x.t, rc.u); err != nil {
			return err
		}
	} else {
		if v.FirstStrategy != "email_code" || v.Code == "" {
			return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent", "Prepare the email_code factor before attempting it.", paramMeta("code"))
		}
		if ms(x.now) >= v.CodeExpireAt {
			return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired", "This code has expired; request a new one.", paramMeta("code"))
		}
		if x.form.Get("code") != v.Code {
			return errCodeIncorrect
		}
	}
	v.FirstStatus, v.FirstAttempts, v.Code = "verified", v.FirstAttempts+1, ""
	rc.s.FirstFactorAt = ms(x.now)
	v.Status = "complete"
	if v.Level == "multi_factor" && len(inst.settingsNow().userSecondFactors(rc.u)) > 0 {
		v.Status = "needs_second_factor"
	}
	return rc.touch(x)
}

// reverifyPrepareSecond: TOTP and backup codes need no preparation; the
// strategies that send a code are not served.
func (inst *Instance) reverifyPrepareSecond(x *fapiCall, rc *reverifyCall) error {
	if err := rc.needs("needs_second_factor"); err != nil {
		return err
	}
	switch s := x.form.Get("strategy"); s {
	case "totp", "backup_code", "":
		return nil
	default:
		return strategyUnsupported(s)
	}
}

// reverifyAttemptSecond checks a TOTP or backup code, as a sign-in's
// second factor is checked.
func (inst *Instance) reverifyAttemptSecond(x *fapiCall, rc *reverifyCall) error {
	if err := rc.needs("needs_second_factor"); err != nil {
		return err
	}
	strategy := x.form.Get("strategy")
	if strategy == "" {
		return errMissing("strategy")
	}
	if err := inst.checkSecondFactor(x, rc.u, strategy); err != nil {
		return err
	}
	v := rc.v
	v.SecondStrategy, v.SecondStatus, v.SecondAttempts = strategy, "verified", v.SecondAttempts+1
	v.Status = "complete"
	rc.s.SecondFactorAt = ms(x.now)
	return rc.touch(x)
}

// touch stores the session with its new factor times; the answer's
// session (and its token's fva) then count from now.
func (rc *reverifyCall) touch(x *fapiCall) error {
	rc.s.LastActiveAt, rc.s.UpdatedAt = ms(x.now), ms(x.now)
	return x.t.sessions().put(rc.s)
}

// reverificationJSON renders the Frontend API SessionReverification.
func (inst *Instance) reverificationJSON(x *fapiCall, rc *reverifyCall) (*sessionReverificationWire, error) {
	ss := inst.settingsNow()
	v, u := rc.v, rc.u
	out := &sessionReverificationWire{Object: "session_reverification", ID: v.ID, Level: v.Level, Status: v.Status,
		SupportedFirstFactors: []signInFactorWire{}, SupportedSecondFactors: []signInFactorWire{}}
	if u.PasswordHash != "" && ss.password {
		out.SupportedFirstFactors = append(out.SupportedFirstFactors, signInFactorWire{Strategy: "password"})
	}
	for _, e := range u.Emails {
		if !ss.emailCode {
			break
		}
		if e.Verified {
			primary := e.ID == u.PrimaryEmailID
			out.SupportedFirstFactors = append(out.SupportedFirstFactors, signInFactorWire{Strategy: "email_code",
				EmailAddressID: e.ID, SafeIdentifier: e.Address, Primary: &primary})
		}
	}
	if v.Level != "first_factor" {
		for _, f := range ss.userSecondFactors(u) {
			out.SupportedSecondFactors = append(out.SupportedSecondFactors, signInFactorWire{Strategy: f})
		}
	}
	if v.FirstStrategy != "" {
		out.FirstFactorVerification = verificationJSON(v.FirstStrategy, v.FirstStatus, v.FirstAttempts, v.CodeExpireAt)
	}
	if v.SecondStrategy != "" {
		out.SecondFactorVerification = verificationJSON(v.SecondStrategy, v.SecondStatus, v.SecondAttempts, 0)
	}
	sj, err := inst.fapiSessionJSON(x, rc.s)
	if err != nil {
		return nil, err
	}
	out.Session = sj
	return out, nil
}
