package localclerk

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// E-mail links (the email_link strategy): a sign-in's first factor, a
// sign-up's e-mail verification and <UserProfile/>'s verification of an
// added address. Preparing one records a link in the outbox,
// <base>/v1/verify?token=…; opening it verifies the attempt it belongs to
// and sends the browser to the redirect_url the components gave, with
// __clerk_status (verified, expired or failed) and, when a session was
// created, __clerk_created_session, which clerk-js's
// handleEmailLinkVerification reads. The tab that asked for the link polls
// its attempt and completes too.
//
// A link is used once and expires after codeTTL (10 minutes); a new link
// for the same attempt replaces the previous one. The sign-in or sign-up
// completes on the client that started it, wherever the link is opened.

const kindEmailLink = "email_link"

// Link purposes.
const (
	linkSignIn      = "sign_in"
	linkSignUp      = "sign_up"
	linkVerifyEmail = "verify_email"
)

// emailLink is one link in the outbox; its id is the token.
type emailLink struct {
	ID          string `json:"id"`
	Purpose     string `json:"purpose"`
	ClientID    string `json:"client_id,omitempty"`
	AttemptID   string `json:"attempt_id"` // the sign-in, sign-up or e-mail verification
	UserID      string `json:"user_id,omitempty"`
	EmailID     string `json:"email_id,omitempty"`
	RedirectURL string `json:"redirect_url"`
	Used        bool   `json:"used,omitempty"`
	ExpireAt    int64  `json:"expire_at"`
	CreatedAt   int64  `json:"created_at"`
}

func (t *txn) emailLinks() repo[emailLink] {
	return newRepo(t, kindEmailLink, func(l *emailLink) string { return l.ID })
}

// Link verification statuses, as clerk-js reads __clerk_status.
const (
	linkVerified = "verified"
	linkExpired  = "expired"
	linkFailed   = "failed"
)

// linkTokenLen is the length of a link token (randString's alphabet).
const linkTokenLen = 48

// parseVerifyToken reads /v1/verify's token: one value of the length and
// alphabet localclerk issues.
func parseVerifyToken(q url.Values) (string, *apiError) {
	v, ok := q["token"]
	if !ok || len(v) == 0 || v[0] == "" {
		return "", errParam(http.StatusBadRequest, "form_param_missing", "token", "token must be included.")
	}
	if len(v) > 1 || len(v[0]) != linkTokenLen {
		return "", errLinkInvalid
	}
	for i := 0; i < len(v[0]); i++ {
		c := v[0][i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", errLinkInvalid
		}
	}
	return v[0], nil
}

var errLinkInvalid = newAPIError(http.StatusBadRequest, "verification_link_invalid", "is invalid",
	"This verification link is invalid; request a new one.", paramMeta("token"))

// emailLinkRedirect validates the redirect_url an email_link preparation
// carries: where /v1/verify sends the browser, so it must be an allowed
// origin.
func (inst *Instance) emailLinkRedirect(x *fapiCall) (string, error) {
	if x.form.Get("redirect_url") == "" {
		return "", errMissingRedirect
	}
	return inst.oauthRedirectURL(x, "redirect_url")
}

// newEmailLink records a link for l in the outbox, to addr with subject,
// and returns its token.
func (inst *Instance) newEmailLink(x *fapiCall, l *emailLink, addr, subject string) (string, error) {
	l.ID, l.CreatedAt, l.ExpireAt = randString(linkTokenLen), ms(x.now), ms(x.now.Add(codeTTL))
	if err := x.t.emailLinks().purgeOlder(ms(x.now.Add(-24 * time.Hour))); err != nil {
		return "", err
	}
	if err := x.t.emailLinks().put(l); err != nil {
		return "", err
	}
	link := x.base + "/v1/verify?" + url.Values{"token": {l.ID}}.Encode()
	return l.ID, inst.send(x.t, x.now, outboxMessage{Kind: msgEmailLink, To: addr, Subject: subject, Link: link})
}

// msgEmailLink is an e-mail link's outbox kind.
const msgEmailLink = "email_link"

// prepareSignInLink is prepare_first_factor with strategy email_link.
func (inst *Instance) prepareSignInLink(x *fapiCall, si *signInAttempt) error {
	u, err := x.t.users().get(si.UserID)
	if err != nil {
		return err
	}
	e := u.email(x.form.Get("email_address_id"))
	if x.form.Get("email_address_id") == "" {
		e = u.email(u.PrimaryEmailID)
	}
	if e == nil {
		return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "email_address_id",
			"email_address_id is not one of this user's addresses.")
	}
	redirect, err := inst.emailLinkRedirect(x)
	if err != nil {
		return err
	}
	tok, err := inst.newEmailLink(x, &emailLink{Purpose: linkSignIn, ClientID: si.ClientID, AttemptID: si.ID,
		UserID: u.ID, EmailID: e.ID, RedirectURL: redirect}, e.Address, "Your sign-in link")
	si.Strategy, si.FactorStatus, si.Attempts, si.LinkClientID = "email_link", "unverified", 0, ""
	si.Code, si.CodeExpireAt = tok, ms(x.now.Add(codeTTL))
	return err
}

// prepareSignUpLink is a sign-up's prepare_verification with strategy
// email_link.
func (inst *Instance) prepareSignUpLink(x *fapiCall, su *signUpAttempt) error {
	if su.Email == "" {
		return errMissing("email_address")
	}
	redirect, err := inst.emailLinkRedirect(x)
	if err != nil {
		return err
	}
	tok, err := inst.newEmailLink(x, &emailLink{Purpose: linkSignUp, ClientID: su.ClientID, AttemptID: su.ID,
		RedirectURL: redirect}, su.Email, "Verify your e-mail address")
	su.VerifyStrategy, su.VerifyStatus, su.Attempts, su.LinkClientID = "email_link", "unverified", 0, ""
	su.Code, su.CodeExpireAt = tok, ms(x.now.Add(codeTTL))
	return err
}

// prepareMeEmailLink is /v1/me/email_addresses/{id}/prepare_verification
// with strategy email_link.
func (inst *Instance) prepareMeEmailLink(x *fapiCall, u *user, e *emailAddress) error {
	redirect, err := inst.emailLinkRedirect(x)
	if err != nil {
		return err
	}
	v := &emailVerification{ID: newID("ver"), EmailID: e.ID, Strategy: "email_link", Status: "unverified",
		ExpireAt: ms(x.now.Add(codeTTL)), CreatedAt: ms(x.now)}
	tok, err := inst.newEmailLink(x, &emailLink{Purpose: linkVerifyEmail, ClientID: x.c.ID, AttemptID: v.ID,
		UserID: u.ID, EmailID: e.ID, RedirectURL: redirect}, e.Address, "Verify your e-mail address")
	if err != nil {
		return err
	}
	v.Code = tok
	return x.t.emailVerifications().put(v)
}

// handleVerify is GET /v1/verify?token=…: the link's attempt is verified
// (once) and the browser goes to its redirect_url with the outcome.
func (inst *Instance) handleVerify(w http.ResponseWriter, r *http.Request) {
	tok, aerr := parseVerifyToken(r.URL.Query())
	if aerr != nil {
		inst.render(w, aerr.StatusCode, "error", &pageData{Title: "Invalid link", Error: longMessage(aerr)})
		return
	}
	var loc string
	err := inst.store.update(r.Context(), func(t *txn) error {
		now := inst.now()
		var l emailLink
		if err := t.emailLinks().load(tok, &l); errors.Is(err, errNotFound) {
			return errLinkInvalid
		} else if err != nil {
			return err
		}
		status, sess := linkFailed, ""
		if !l.Used {
			var err error
			if status, sess, err = inst.useEmailLink(t, r, &l, now); err != nil {
				return err
			}
			l.Used = true
			if err := t.emailLinks().put(&l); err != nil {
				return err
			}
		}
		q := []string{"__clerk_status", status}
		if sess != "" {
			q = append(q, "__clerk_created_session", sess)
		}
		loc = withQuery(mustParseURL(l.RedirectURL), q...)
		return nil
	})
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.StatusCode < 500 {
			inst.render(w, ae.StatusCode, "error", &pageData{Title: "Invalid link", Error: longMessage(ae)})
			return
		}
		inst.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// mustParseURL parses a redirect URL that was validated when stored.
func mustParseURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{Path: "/"}
	}
	return u
}

// useEmailLink settles the attempt l belongs to and reports the status
// and the session it created, if any. A link its attempt no longer waits
// for (a newer link, a finished or abandoned attempt) fails.
func (inst *Instance) useEmailLink(t *txn, r *http.Request, l *emailLink, now time.Time) (string, string, error) {
	expired := ms(now) >= l.ExpireAt
	// The browser that opened the link, for verified_at_client: clerk-js
	// tells the tab that asked for the link to let the link's tab finish
	// when the two are one client.
	opener := ""
	if c, err := inst.findClient(t, r, devBrowserFromRequest(r)); err != nil {
		return "", "", err
	} else if c != nil {
		opener = c.ID
	}
	same := func(code string) bool { return subtle.ConstantTimeCompare([]byte(code), []byte(l.ID)) == 1 }
	call := func(clientID string) (*fapiCall, error) {
		var c client
		if err := t.clients().load(clientID, &c); err != nil {
			return nil, err
		}
		return &fapiCall{t: t, c: &c, now: now, r: r, base: inst.publicBase(r)}, nil
	}
	switch l.Purpose {
	case linkSignIn:
		var si signInAttempt
		if err := t.signInAttempts().load(l.AttemptID, &si); errors.Is(err, errNotFound) {
			return linkFailed, "", nil
		} else if err != nil {
			return "", "", err
		}
		if si.Status != "needs_first_factor" || si.Strategy != "email_link" || !same(si.Code) || ms(now) >= si.AbandonAt {
			return linkFailed, "", nil
		}
		if expired {
			si.FactorStatus, si.Code = "expired", ""
			return linkExpired, "", t.signInAttempts().put(&si)
		}
		x, err := call(si.ClientID)
		if errors.Is(err, errNotFound) {
			return linkFailed, "", nil
		} else if err != nil {
			return "", "", err
		}
		si.FactorStatus, si.Code, si.LinkClientID = "verified", "", opener
		if err := inst.finishFirstFactor(x, &si); err != nil {
			return "", "", err
		}
		return linkVerified, si.CreatedSessionID, t.signInAttempts().put(&si)
	case linkSignUp:
		var su signUpAttempt
		if err := t.signUpAttempts().load(l.AttemptID, &su); errors.Is(err, errNotFound) {
			return linkFailed, "", nil
		} else if err != nil {
			return "", "", err
		}
		if su.Status == "complete" || su.VerifyStrategy != "email_link" || !same(su.Code) || ms(now) >= su.AbandonAt {
			return linkFailed, "", nil
		}
		if expired {
			su.VerifyStatus, su.Code = "expired", ""
			return linkExpired, "", t.signUpAttempts().put(&su)
		}
		x, err := call(su.ClientID)
		if errors.Is(err, errNotFound) {
			return linkFailed, "", nil
		} else if err != nil {
			return "", "", err
		}
		su.VerifyStatus, su.Code, su.LinkClientID = "verified", "", opener
		if err := inst.maybeCompleteSignUp(x, &su); err != nil {
			return "", "", err
		}
		return linkVerified, su.CreatedSessionID, t.signUpAttempts().put(&su)
	case linkVerifyEmail:
		var v emailVerification
		if err := t.emailVerifications().load(l.AttemptID, &v); errors.Is(err, errNotFound) {
			return linkFailed, "", nil
		} else if err != nil {
			return "", "", err
		}
		u, err := t.users().get(l.UserID)
		if errors.Is(err, errNotFound) {
			return linkFailed, "", nil
		} else if err != nil {
			return "", "", err
		}
		e := u.email(l.EmailID)
		if e == nil || e.Verified || v.Status != "unverified" || !same(v.Code) {
			return linkFailed, "", nil
		}
		if last, err := latestVerification(t, e.ID); err != nil {
			return "", "", err
		} else if last == nil || last.ID != v.ID {
			return linkFailed, "", nil // a newer verification replaced it
		}
		if expired {
			return linkExpired, "", nil // the verification reads as expired from now on
		}
		v.Status, v.Attempts, e.Verified = "verified", v.Attempts+1, true
		if err := t.emailVerifications().put(&v); err != nil {
			return "", "", err
		}
		u.UpdatedAt = ms(now)
		t.emit("user.updated", userJSON(u))
		return linkVerified, "", t.users().put(u)
	}
	return linkFailed, "", nil
}
