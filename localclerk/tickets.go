package localclerk

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Tickets are the one-time secrets that sign a person in or up without a
// password: Backend API sign-in tokens and actor tokens (sign-in), instance
// invitations (sign-up), and organization invitations (sign-up for a new
// address, sign-in for a user who has it; either way the invitation is
// accepted). The hosted pages take them as ?ticket= or ?__clerk_ticket=,
// the Frontend API as strategy=ticket with ticket=….

var errTicketInvalid = errParam(http.StatusUnprocessableEntity, "ticket_invalid", "ticket",
	"This ticket is unknown, used, revoked or expired.")

// ticketSignIn is what a sign-in ticket signs in as.
type ticketSignIn struct {
	userID string
	orgID  string      // the organization the session starts in, if any
	actor  *actorToken // impersonation, if any
}

// redeemSignInTicket spends a ticket that signs an existing user in: an
// actor token, a sign-in token, or an organization invitation whose
// address belongs to a user (who then joins the organization).
func (inst *Instance) redeemSignInTicket(t *txn, ticket string, now time.Time) (*ticketSignIn, error) {
	if ticket == "" {
		return nil, errMissing("ticket")
	}
	if a, err := redeemActorToken(t, ticket, now); err == nil {
		return &ticketSignIn{userID: a.UserID, actor: a}, nil
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	if st, err := inst.redeemTicket(t, ticket, now); err == nil {
		return &ticketSignIn{userID: st.UserID, orgID: st.OrgID}, nil
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	oi, err := pendingOrgInvitation(t, ticket, now)
	if errors.Is(err, errNotFound) {
		return nil, errTicketInvalid
	}
	if err != nil {
		return nil, err
	}
	u, err := userByIdentifier(t, oi.Email)
	if err != nil {
		return nil, err // no account yet: the invitation is accepted by signing up
	}
	if err := inst.acceptOrgInvitation(t, oi, u.ID, now); err != nil {
		return nil, err
	}
	return &ticketSignIn{userID: u.ID}, nil
}

// signUpTicketEmail is the address a sign-up ticket (an instance or
// organization invitation) invites; "" when the ticket is not one.
func signUpTicketEmail(t *txn, ticket string, now time.Time) (string, error) {
	if iv, err := pendingInvitation(t, ticket, now); err == nil {
		return iv.Email, nil
	} else if !errors.Is(err, errNotFound) {
		return "", err
	}
	if oi, err := pendingOrgInvitation(t, ticket, now); err == nil {
		return oi.Email, nil
	} else if !errors.Is(err, errNotFound) {
		return "", err
	}
	return "", nil
}

// signUpWithTicket creates the user an invitation ticket invites (the
// address verified) and accepts the invitation: an instance invitation
// gives the user its public metadata, an organization invitation a
// membership with the invited role.
func (inst *Instance) signUpWithTicket(t *txn, ticket string, p *userParams, now time.Time) (*user, error) {
	if _, err := pendingInvitation(t, ticket, now); err == nil {
		return inst.acceptInvitation(t, ticket, p, now)
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	oi, err := pendingOrgInvitation(t, ticket, now)
	if errors.Is(err, errNotFound) {
		return nil, errTicketInvalid
	}
	if err != nil {
		return nil, err
	}
	if err := maySignUp(t, []string{oi.Email}, now); err != nil {
		return nil, err
	}
	p.EmailAddress = []string{oi.Email}
	u, err := inst.createUser(t, p, now, true)
	if err != nil {
		return nil, err
	}
	return u, inst.acceptOrgInvitation(t, oi, u.ID, now)
}

// signInTicket completes a Frontend API sign-in with strategy=ticket.
func (inst *Instance) signInTicket(x *fapiCall, si *signInAttempt) error {
	ts, err := inst.redeemSignInTicket(x.t, strings.TrimSpace(x.form.Get("ticket")), x.now)
	if err != nil {
		return err
	}
	var u user
	if err := x.t.users().load(ts.userID, &u); err != nil {
		return notFoundAs(err, "user")
	}
	si.Identifier, si.UserID, si.Strategy, si.FactorStatus = u.primaryEmail(), u.ID, "ticket", "verified"
	s, err := inst.completeSignInAttempt(x, si, ts.orgID)
	if err != nil || ts.actor == nil {
		return err
	}
	return impersonate(x.t, s, ts.actor, x.now)
}

// impersonate makes s carry the actor token's actor, for no longer than
// the token allows.
func impersonate(t *txn, s *session, a *actorToken, now time.Time) error {
	s.ActorJSON = string(a.Actor)
	s.ExpireAt = min(s.ExpireAt, ms(now)+a.SessionSecs*1000)
	return t.sessions().put(s)
}

// signUpTicket starts a Frontend API sign-up from an invitation ticket:
// the invited address, verified by the ticket.
func (inst *Instance) signUpTicket(x *fapiCall, su *signUpAttempt) error {
	ticket := strings.TrimSpace(x.form.Get("ticket"))
	if ticket == "" {
		return errMissing("ticket")
	}
	email, err := signUpTicketEmail(x.t, ticket, x.now)
	if err != nil {
		return err
	}
	if email == "" {
		return errTicketInvalid
	}
	if _, err := x.t.identifiers().emailOwner(email); err == nil {
		return errTaken("email_address", "An account with "+email+" exists; sign in with the ticket instead.")
	} else if !errors.Is(err, errNotFound) {
		return err
	}
	su.Ticket, su.Email, su.VerifyStatus, su.Code, su.CodeExpireAt = ticket, email, "verified", "", 0
	return nil
}

// finishTicketSignUp creates the user of a ticket sign-up that has all it
// needs, accepts the invitation and starts the session.
func (inst *Instance) finishTicketSignUp(x *fapiCall, su *signUpAttempt) error {
	p := &userParams{FirstName: strPtr(su.FirstName), LastName: strPtr(su.LastName)}
	u, err := inst.signUpWithTicket(x.t, su.Ticket, p, x.now)
	if err != nil {
		return err
	}
	u.PasswordHash = su.PasswordHash
	if err := x.t.users().put(u); err != nil {
		return err
	}
	s, err := inst.startSession(x.t, x.c, u.ID, "", x.now)
	if err != nil {
		return err
	}
	su.Status, su.CreatedUserID, su.CreatedSessionID, su.PasswordHash = "complete", u.ID, s.ID, ""
	return nil
}

// ticketPage answers a hosted page opened with a ticket: the sign-up form
// for the invited address when the ticket invites someone without an
// account, else the sign-in the ticket grants.
func (inst *Instance) ticketPage(w http.ResponseWriter, r *http.Request, ticket, red, dvb string) {
	var email string
	if err := inst.store.view(r.Context(), func(t *txn) error {
		var err error
		if email, err = signUpTicketEmail(t, ticket, inst.now()); err != nil || email == "" {
			return err
		}
		if _, err := t.identifiers().emailOwner(email); err == nil {
			email = "" // an organization invitation to an existing user: sign in
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		return nil
	}); err != nil {
		inst.log.Error("localclerk: read ticket", "err", err)
		inst.render(w, http.StatusInternalServerError, "error", &pageData{Title: "Error", Error: "The ticket could not be read; see the localclerk log."})
		return
	}
	if email != "" {
		inst.render(w, http.StatusOK, "sign-up", &pageData{Title: "Accept your invitation", Redirect: red, DevBrowser: dvb, Email: email, Ticket: ticket})
		return
	}
	inst.signInAs(w, r, signInRequest{redirect: red, ticket: ticket})
}

// orgInvitationRedirect follows Clerk's custom acceptance flow: the link of
// an organization invitation created with a redirect_url sends the browser
// there with __clerk_ticket and __clerk_status (sign_up for a new address,
// sign_in for an existing user), for the app's own components to sign in
// or up with strategy=ticket. It reports whether it answered.
func (inst *Instance) orgInvitationRedirect(w http.ResponseWriter, r *http.Request, ticket string) bool {
	var target *url.URL
	err := inst.store.view(r.Context(), func(t *txn) error {
		oi, err := pendingOrgInvitation(t, ticket, inst.now())
		if err != nil || oi.RedirectURL == "" {
			return err
		}
		status := "sign_in"
		if _, err := t.identifiers().emailOwner(oi.Email); errors.Is(err, errNotFound) {
			status = "sign_up"
		} else if err != nil {
			return err
		}
		if target, err = url.Parse(oi.RedirectURL); err != nil {
			return err
		}
		q := target.Query()
		q.Set("__clerk_ticket", ticket)
		q.Set("__clerk_status", status)
		target.RawQuery = q.Encode()
		return nil
	})
	if err != nil || target == nil {
		return false // an unknown or spent ticket gets the hosted page's answer
	}
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
	return true
}
