package localclerk

import (
	"crypto/subtle"
	"net/http"
	"slices"
)

// The signed-in user's e-mail addresses, as <UserProfile/> manages them:
// add one, verify it with a code (in the outbox; 424242 for +clerk_test
// addresses), make it primary (PATCH /v1/me), remove it. A verification
// is an emailVerification record, as for the Backend API's.

func (inst *Instance) meEmailRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/me/email_addresses", inst.meHandler(inst.meEmails))
	mux.HandleFunc("POST /v1/me/email_addresses", inst.meHandler(inst.meAddEmail))
	mux.HandleFunc("GET /v1/me/email_addresses/{id}", inst.meHandler(inst.meEmail(nil)))
	mux.HandleFunc("DELETE /v1/me/email_addresses/{id}", inst.meHandler(inst.meDeleteEmail))
	mux.HandleFunc("POST /v1/me/email_addresses/{id}/prepare_verification", inst.meHandler(inst.meEmail(inst.prepareMeEmail)))
	mux.HandleFunc("POST /v1/me/email_addresses/{id}/attempt_verification", inst.meHandler(inst.meEmail(inst.attemptMeEmail)))
}

// meEmailJSON is the Frontend API EmailAddress: its pending verification,
// when one was prepared, in place of the stored state.
func meEmailJSON(x *fapiCall, e *emailAddress) (*emailAddressWire, error) {
	m := emailJSON(*e)
	m.forFrontendAPI()
	if e.Verified {
		return m, nil
	}
	v, err := latestVerification(x.t, e.ID)
	if err != nil || v == nil { // never prepared: shown as a verification long expired
		return m, err
	}
	attempts, exp := v.Attempts, v.ExpireAt
	object, strategy := "verification_otp", "email_code"
	if v.Strategy == "email_link" {
		object, strategy = "verification_email_link", "email_link"
	}
	m.Verification = verificationWire{Object: object, Status: v.statusAt(x.now), Strategy: strategy,
		Attempts: &attempts, ExpireAt: &exp}
	return m, nil
}

// latestVerification is the last verification prepared for an address.
func latestVerification(t *txn, emailID string) (*emailVerification, error) {
	var last *emailVerification
	err := t.emailVerifications().each(func(v *emailVerification) bool {
		if v.EmailID == emailID {
			last = v
		}
		return true
	})
	return last, err
}

func (inst *Instance) meEmails(x *fapiCall, u *user) (any, error) {
	list := make([]*emailAddressWire, 0, len(u.Emails))
	for i := range u.Emails {
		m, err := meEmailJSON(x, &u.Emails[i])
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return bareResponse{list}, nil
}

// meAddEmail is POST /v1/me/email_addresses: the address is added
// unverified; the component prepares its verification next.
func (inst *Instance) meAddEmail(x *fapiCall, u *user) (any, error) {
	addr := x.form.Get("email_address")
	if addr == "" {
		return nil, errMissing("email_address")
	}
	if err := maySignUp(x.t, []string{addr}, x.now); err != nil {
		return nil, err
	}
	n := len(u.Emails)
	if err := addEmail(x.t, u, addr, false, x.now); err != nil {
		return nil, err
	}
	if len(u.Emails) == n {
		return nil, errTaken("email_address", "You already have this email address.")
	}
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return meEmailJSON(x, &u.Emails[n])
}

// meEmail resolves the user's address {id} and runs step on it (none: the
// address as it is), answering the address.
func (inst *Instance) meEmail(step func(x *fapiCall, u *user, e *emailAddress) error) func(x *fapiCall, u *user) (any, error) {
	return func(x *fapiCall, u *user) (any, error) {
		e := u.email(x.r.PathValue("id"))
		if e == nil {
			return nil, errNotFoundResource("email address")
		}
		if step != nil {
			if err := step(x, u, e); err != nil {
				return nil, err
			}
		}
		return meEmailJSON(x, e)
	}
}

// prepareMeEmail sends a fresh code (strategy email_code) to the outbox.
func (inst *Instance) prepareMeEmail(x *fapiCall, u *user, e *emailAddress) error {
	s := x.form.Get("strategy")
	if s != "email_code" && (s != "email_link" || !inst.settingsNow().emailLink) {
		return strategyUnsupported(s)
	}
	if e.Verified {
		return newAPIError(http.StatusBadRequest, "verification_already_verified", "already verified",
			"This email address is already verified.", nil)
	}
	if s == "email_link" {
		return inst.prepareMeEmailLink(x, u, e)
	}
	_, err := inst.prepareEmailVerification(x.t, u, *e, x.now)
	return err
}

// attemptMeEmail checks code against the address's pending verification;
// a match verifies the address. A wrong code is refused and, as every
// failed Frontend API step, changes nothing.
func (inst *Instance) attemptMeEmail(x *fapiCall, u *user, e *emailAddress) error {
	code := x.form.Get("code")
	if code == "" {
		return errMissing("code")
	}
	v, err := latestVerification(x.t, e.ID)
	if err != nil {
		return err
	}
	switch {
	case v == nil || v.Status != "unverified" || v.Strategy != "":
		return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent",
			"Prepare the email_code verification before attempting it.", map[string]any{"param_name": "code"})
	case v.statusAt(x.now) == "expired":
		return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired",
			"This code has expired; request a new one.", map[string]any{"param_name": "code"})
	case subtle.ConstantTimeCompare([]byte(code), []byte(v.Code)) != 1:
		return errCodeIncorrect
	}
	v.Status, v.Attempts, e.Verified = "verified", v.Attempts+1, true
	if err := x.t.emailVerifications().put(v); err != nil {
		return err
	}
	return x.saveMe(u)
}

// meDeleteEmail is DELETE /v1/me/email_addresses/{id}: any address but
// the primary one.
func (inst *Instance) meDeleteEmail(x *fapiCall, u *user) (any, error) {
	id := x.r.PathValue("id")
	i := slices.IndexFunc(u.Emails, func(e emailAddress) bool { return e.ID == id })
	if i < 0 {
		return nil, errNotFoundResource("email address")
	}
	if u.PrimaryEmailID == id {
		return nil, errPrimaryEmailDelete
	}
	if err := removeEmail(x.t, u, i); err != nil {
		return nil, err
	}
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return deletedJSON("email_address", id), nil
}
