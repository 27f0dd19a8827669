package localclerk

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// pageRoutes registers the hosted pages.
func (inst *Instance) pageRoutes(mux *routeMux) {
	mux.HandleFunc("GET /assets/localclerk.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=300")
		w.Write([]byte(pageCSS))
	})
	mux.HandleFunc("GET /sign-in", inst.pageSignIn)
	mux.HandleFunc("POST /sign-in", inst.postSignIn)
	mux.HandleFunc("POST /sign-in/demo", inst.postSignInDemo)
	mux.HandleFunc("POST /sign-in/continue", inst.postSignInContinue)
	mux.HandleFunc("POST /sign-in/code", inst.postSignInCode)
	mux.HandleFunc("GET /v1/tickets/accept", inst.pageTicket)
	mux.HandleFunc("GET /sign-up", inst.pageSignUp)
	mux.HandleFunc("POST /sign-up", inst.postSignUp)
	mux.HandleFunc("POST /sign-up/verify", inst.postSignUpVerify)
	mux.HandleFunc("GET /user", inst.pageUser)
	mux.HandleFunc("POST /user/organization", inst.postUserOrg)
	mux.HandleFunc("GET /sign-out", inst.pageSignOut)
	mux.HandleFunc("GET /outbox", inst.pageOutbox)
	mux.HandleFunc("GET /outbox.json", inst.handleOutboxJSON)
	mux.HandleFunc("POST /sign-out", inst.postSignOut)
}

// pageData is what every page template receives.
type pageData struct {
	Title       string
	Error       string
	Notice      string
	Redirect    string // validated redirect_url, or ""
	DevBrowser  string
	Email       string
	FirstName   string
	LastName    string
	Demo        []DemoUser
	CodeStep    bool
	PendingID   string
	Ticket      string // an invitation's ticket: sign-up for its address
	User        *pageUser
	Accounts    []pageUser // multi-session: the accounts signed in on the browser
	Orgs        []pageOrg
	PersonalSel bool
	BackURL     string
	FAPI        string
	PK          string
	Messages    []outboxRow
}

type pageUser struct {
	ID, Name, Email, SessionID string
}

type pageOrg struct {
	ID, Name, Slug, Role string
	Active               bool
}

func (inst *Instance) render(w http.ResponseWriter, status int, name string, d *pageData) {
	d.FAPI = inst.FrontendAPIURL
	d.PK = inst.PublishableKey
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; form-action 'self' http: https:")
	w.WriteHeader(status)
	if err := pageTmpl.ExecuteTemplate(w, name, d); err != nil {
		inst.log.Error("localclerk: render page", "page", name, "err", err)
	}
}

// pageRedirect validates an optional redirect_url for the hosted pages.
func (inst *Instance) pageRedirect(w http.ResponseWriter, raw string) (string, bool) {
	if raw == "" {
		return "", true
	}
	u, aerr := checkRedirectURL(raw, inst.allowed, inst.FrontendAPIURL)
	if aerr != nil {
		inst.render(w, aerr.StatusCode, "error", &pageData{Title: "Redirect not allowed", Error: longMessage(aerr)})
		return "", false
	}
	return u.String(), true
}

// sameOrigin rejects cross-site form posts (a minimal CSRF guard).
func (inst *Instance) sameOrigin(w http.ResponseWriter, r *http.Request) bool {
	// "null" is what a sandboxed frame or a cross-origin redirect chain sends.
	if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, inst.FrontendAPIURL) && !strings.EqualFold(o, "http://"+r.Host) {
		inst.render(w, http.StatusForbidden, "error", &pageData{Title: "Forbidden", Error: "Cross-origin form posts are not accepted."})
		return false
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		inst.render(w, http.StatusForbidden, "error", &pageData{Title: "Forbidden", Error: "Cross-site form posts are not accepted."})
		return false
	}
	return true
}

func (inst *Instance) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		inst.render(w, http.StatusBadRequest, "error", &pageData{Title: "Bad request", Error: "The form could not be read."})
		return false
	}
	return inst.sameOrigin(w, r)
}

func (inst *Instance) demoUsers(r *http.Request) []DemoUser {
	var out []DemoUser
	inst.store.view(r.Context(), func(t *txn) error {
		var info DemoInfo
		if t.settings().load("demo", &info) == nil {
			out = info.Users
		}
		return nil
	})
	return out
}

func (inst *Instance) pageSignIn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	red, ok := inst.pageRedirect(w, q.Get("redirect_url"))
	if !ok {
		return
	}
	if t := q.Get("__clerk_ticket"); t != "" {
		inst.ticketPage(w, r, t, red, q.Get("__clerk_db_jwt"))
		return
	}
	d := &pageData{Title: "Sign in", Redirect: red, DevBrowser: q.Get("__clerk_db_jwt"), Demo: inst.demoUsers(r)}
	if inst.multiSession() {
		d.Accounts = inst.signedInAccounts(r)
	} else {
		d.User = inst.currentUser(r)
	}
	inst.render(w, http.StatusOK, "sign-in", d)
}

// currentUser returns the signed-in user of the browser's client, if any.
func (inst *Instance) currentUser(r *http.Request) *pageUser {
	var pu *pageUser
	inst.store.view(r.Context(), func(t *txn) error {
		c, err := inst.browserClient(t, r)
		if err != nil || c == nil {
			return err
		}
		var s session
		if err := t.sessions().load(c.LastActiveSessionID, &s); err != nil || s.Status != "active" || ms(inst.now()) >= s.ExpireAt {
			return err
		}
		var u user
		if err := t.users().load(s.UserID, &u); err != nil {
			return err
		}
		pu = &pageUser{ID: u.ID, Name: u.displayName(), Email: u.primaryEmail(), SessionID: s.ID}
		return nil
	})
	return pu
}

// postSignInContinue returns an already signed-in browser to the app.
func (inst *Instance) postSignInContinue(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	red, ok := inst.pageRedirect(w, r.PostForm.Get("redirect_url"))
	if !ok {
		return
	}
	var c *client
	var err error
	if sid := r.PostForm.Get("session_id"); sid != "" {
		// "Continue as" one of several signed-in accounts: it becomes the
		// current session.
		c, err = inst.switchPageSession(r, sid)
	} else {
		err = inst.store.view(r.Context(), func(t *txn) error {
			var err error
			c, err = inst.browserClient(t, r)
			return err
		})
	}
	if err != nil || c == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	inst.backToApp(w, r, red, c)
}

// completeSignIn starts a session for userID on the browser's client (see
// signInClient) and sends the browser back to the app with the dev browser
// in the query, as a Clerk development instance does.
func (inst *Instance) completeSignIn(w http.ResponseWriter, r *http.Request, userID, orgID, redirect string) {
	inst.signInAs(w, r, signInRequest{userID: userID, orgID: orgID, redirect: redirect})
}

// signInRequest is what a page's sign-in starts a session from: a user (or
// a ticket naming one) and, for a password sign-in, the verdict on the
// password, checked before the transaction.
type signInRequest struct {
	userID, orgID, redirect, ticket string
	password                        *passwordCheck
	// passwordPage is the sign-in form, shown again when the password
	// verdict refuses the sign-in (e.g. a compromised password).
	passwordPage *pageData
	// account, when set, finds or creates the user inside the sign-in's
	// transaction (a sign-up, or a lookup by e-mail address), so that
	// creating the account and starting its session are one change. Its
	// refusals are shown on form, rendered as the template formPage.
	account  func(t *txn, now time.Time) (*user, error)
	form     *pageData
	formPage string
}

// accountError is a refusal of signInRequest.account, shown on its form.
type accountError struct{ err error }

func (e *accountError) Error() string { return e.err.Error() }
func (e *accountError) Unwrap() error { return e.err }

// signInAs is completeSignIn; with a ticket (see redeemSignInTicket) it
// signs in as the ticket's user (userID and orgID are ignored), in the
// transaction that spends the ticket; an actor token's session carries
// its actor.
func (inst *Instance) signInAs(w http.ResponseWriter, r *http.Request, req signInRequest) {
	now := inst.now()
	var c *client
	userID, orgID := req.userID, req.orgID
	err := inst.store.update(r.Context(), func(t *txn) error {
		var act *actorToken
		if req.ticket != "" {
			ts, err := inst.redeemSignInTicket(t, req.ticket, now)
			if err != nil {
				return err
			}
			userID, orgID, act = ts.userID, ts.orgID, ts.actor
		}
		var u *user
		var err error
		if req.account != nil {
			if u, err = req.account(t, now); err != nil {
				return &accountError{err}
			}
			userID = u.ID
		} else if u, err = t.users().get(userID); err != nil {
			return err
		}
		if req.ticket == "" && len(inst.settingsNow().userSecondFactors(u)) > 0 {
			return errPageSecondFactor
		}
		if req.password != nil {
			if err := req.password.apply(t, u); err != nil {
				return err
			}
		}
		if err := mayStartSession(t, u, now); err != nil {
			return err
		}
		if c, err = inst.signInClient(t, r, now); err != nil {
			return err
		}
		s, err := inst.startSession(t, c, userID, orgID, now)
		if err != nil || act == nil {
			return err
		}
		return impersonate(t, s, act, now)
	})
	if err != nil {
		var acc *accountError
		if d := req.form; d != nil && errors.As(err, &acc) {
			if ae := (*apiError)(nil); !errors.As(acc.err, &ae) {
				inst.log.Error("localclerk: "+req.formPage, "err", acc.err)
			}
			d.Error = errText(acc.err)
			inst.render(w, http.StatusUnprocessableEntity, req.formPage, d)
			return
		}
		var ae *apiError
		if d := req.passwordPage; d != nil && errors.As(err, &ae) && ae.StatusCode == http.StatusUnprocessableEntity {
			d.Error = longMessage(ae)
			inst.render(w, http.StatusUnprocessableEntity, "sign-in", d)
			return
		}
		if errors.As(err, &ae) {
			inst.render(w, ae.StatusCode, "error", &pageData{Title: "Cannot sign in", Error: longMessage(ae)})
			return
		}
		if errors.Is(err, errPasswordStale) {
			inst.render(w, http.StatusConflict, "error", &pageData{Title: "Cannot sign in", Error: "The password changed during the sign-in; try again."})
			return
		}
		inst.log.Error("localclerk: sign in", "err", err)
		inst.render(w, http.StatusInternalServerError, "error", &pageData{Title: "Error", Error: "Sign-in failed; see the localclerk log."})
		return
	}
	inst.setClientCookie(w, c)
	inst.backToApp(w, r, req.redirect, c)
}

func (inst *Instance) backToApp(w http.ResponseWriter, r *http.Request, redirect string, c *client) {
	if redirect == "" {
		redirect = inst.opts.AfterSignInURL
	}
	if redirect == "" {
		target := "/user"
		if c != nil && c.DevBrowserID != "" {
			target += "?__clerk_db_jwt=" + url.QueryEscape(c.DevBrowserID)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	u, _ := url.Parse(redirect)
	if c != nil && c.DevBrowserID != "" {
		redirect = withQuery(u, "__clerk_db_jwt", c.DevBrowserID)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

func (inst *Instance) postSignIn(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	red, ok := inst.pageRedirect(w, r.PostForm.Get("redirect_url"))
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	pw := r.PostForm.Get("password")
	d := &pageData{Title: "Sign in", Redirect: red, DevBrowser: r.PostForm.Get("__clerk_db_jwt"), Email: email, Demo: inst.demoUsers(r)}
	if inst.pageFactorOff(w, d, "password") {
		return
	}
	// The password is checked outside any transaction; signInAs applies
	// the verdict, re-checking that the password did not change meanwhile.
	pc, err := inst.checkPasswordOf(r.Context(), pw, func(t *txn) (*user, error) {
		return inst.settingsNow().userBySignInIdentifier(t, email)
	})
	if err != nil || !pc.ok {
		if err != nil && !errors.Is(err, errNotFound) && !errors.Is(err, errIdentifierNotFound) {
			inst.log.Error("localclerk: sign in lookup", "err", err)
		}
		d.Error = "That email and password do not match an account."
		inst.render(w, http.StatusUnprocessableEntity, "sign-in", d)
		return
	}
	inst.signInAs(w, r, signInRequest{userID: pc.userID, redirect: red, password: pc, passwordPage: d})
}

func (inst *Instance) postSignInDemo(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	red, ok := inst.pageRedirect(w, r.PostForm.Get("redirect_url"))
	if !ok {
		return
	}
	id := r.PostForm.Get("user_id")
	for _, d := range inst.demoUsers(r) {
		if d.ID == id {
			inst.completeSignIn(w, r, id, "", red)
			return
		}
	}
	inst.render(w, http.StatusUnprocessableEntity, "error", &pageData{Title: "Unknown demo user", Error: "That is not a demo user."})
}

// postSignInCode is the e-mail code sign-in for Clerk test identities
// (+clerk_test addresses, code 424242). localclerk sends no e-mail, so
// other addresses are told to use a password.
func (inst *Instance) postSignInCode(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	red, ok := inst.pageRedirect(w, r.PostForm.Get("redirect_url"))
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	d := &pageData{Title: "Sign in", Redirect: red, DevBrowser: r.PostForm.Get("__clerk_db_jwt"), Email: email, Demo: inst.demoUsers(r)}
	if inst.pageFactorOff(w, d, "email_code") {
		return
	}
	if !inst.isTestIdentity(email) {
		d.Error = "localclerk cannot send e-mail. Use a password, or a test address containing +clerk_test (code 424242)."
		inst.render(w, http.StatusUnprocessableEntity, "sign-in", d)
		return
	}
	err := inst.store.view(r.Context(), func(t *txn) error {
		_, err := t.identifiers().emailOwner(email)
		return err
	})
	if err != nil {
		d.Error = "No account uses that e-mail address."
		inst.render(w, http.StatusUnprocessableEntity, "sign-in", d)
		return
	}
	code := r.PostForm.Get("code")
	if code == "" {
		d.CodeStep = true
		d.Notice = "Enter the verification code. For test addresses it is " + testVerificationCode + "."
		inst.render(w, http.StatusOK, "sign-in", d)
		return
	}
	if code != testVerificationCode {
		d.CodeStep = true
		d.Error = "Incorrect code."
		inst.render(w, http.StatusUnprocessableEntity, "sign-in", d)
		return
	}
	inst.signInAs(w, r, signInRequest{redirect: red, form: d, formPage: "sign-in",
		account: func(t *txn, _ time.Time) (*user, error) {
			u, err := t.users().byEmail(email)
			if errors.Is(err, errNotFound) {
				return nil, errNoAccount
			}
			return u, err
		}})
}

func (inst *Instance) pageTicket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	red, ok := inst.pageRedirect(w, q.Get("redirect_url"))
	if !ok {
		return
	}
	if inst.orgInvitationRedirect(w, r, q.Get("ticket")) {
		return
	}
	inst.ticketPage(w, r, q.Get("ticket"), red, q.Get("__clerk_db_jwt"))
}

func (inst *Instance) pageSignUp(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	red, ok := inst.pageRedirect(w, q.Get("redirect_url"))
	if !ok {
		return
	}
	if t := q.Get("__clerk_ticket"); t != "" {
		inst.ticketPage(w, r, t, red, q.Get("__clerk_db_jwt"))
		return
	}
	inst.render(w, http.StatusOK, "sign-up", &pageData{Title: "Create your account", Redirect: red, DevBrowser: q.Get("__clerk_db_jwt")})
}

// pendingSignUp is a sign-up waiting for its e-mail code.
type pendingSignUp struct {
	ID           string `json:"id"`
	Email        string `json:"email"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	PasswordHash string `json:"password_hash"`
	CreatedAt    int64  `json:"created_at"`
}

func (inst *Instance) postSignUp(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	f := r.PostForm
	red, ok := inst.pageRedirect(w, f.Get("redirect_url"))
	if !ok {
		return
	}
	d := &pageData{Title: "Create your account", Redirect: red, DevBrowser: f.Get("__clerk_db_jwt"),
		Email: strings.TrimSpace(f.Get("email")), FirstName: strings.TrimSpace(f.Get("first_name")), LastName: strings.TrimSpace(f.Get("last_name"))}
	pw := f.Get("password")
	now := inst.now()
	if f.Get("ticket") == "" && inst.pageSignUpRefused(w, d, pw) {
		return
	}
	p := &userParams{EmailAddress: []string{d.Email}, FirstName: strPtr(d.FirstName), LastName: strPtr(d.LastName), Password: &pw}
	if err := p.prehashPassword(); err != nil { // never inside the transaction
		inst.render(w, http.StatusInternalServerError, "error", &pageData{Title: "Error", Error: "Could not store the password."})
		return
	}
	if ticket := f.Get("ticket"); ticket != "" {
		d.Ticket = ticket
		inst.signInAs(w, r, signInRequest{redirect: red, form: d, formPage: "sign-up",
			account: func(t *txn, now time.Time) (*user, error) { return inst.signUpWithTicket(t, ticket, p, now) }})
		return
	}
	if inst.isTestIdentity(d.Email) {
		// Validate now, create after the code.
		if err := validatePassword(&pw, nil); err != nil {
			d.Error = errText(err)
			inst.render(w, http.StatusUnprocessableEntity, "sign-up", d)
			return
		}
		ps := &pendingSignUp{ID: newID("sua"), Email: d.Email, FirstName: d.FirstName, LastName: d.LastName, PasswordHash: p.passwordHash, CreatedAt: ms(now)}
		err := inst.store.update(r.Context(), func(t *txn) error {
			if _, err := t.identifiers().emailOwner(d.Email); err == nil {
				return errTaken("email_address", "That email address is taken. Please try another.")
			}
			if err := maySignUp(t, p.EmailAddress, now); err != nil {
				return err
			}
			return t.pendingSignUps().put(ps)
		})
		if err != nil {
			d.Error = errText(err)
			inst.render(w, http.StatusUnprocessableEntity, "sign-up", d)
			return
		}
		d.CodeStep = true
		d.PendingID = ps.ID
		d.Notice = "We \"sent\" a code to " + d.Email + ". For test addresses it is " + testVerificationCode + "."
		inst.render(w, http.StatusOK, "sign-up", d)
		return
	}
	inst.signInAs(w, r, signInRequest{redirect: red, form: d, formPage: "sign-up",
		account: func(t *txn, now time.Time) (*user, error) {
			if err := maySignUp(t, p.EmailAddress, now); err != nil {
				return nil, err
			}
			return inst.createUser(t, p, now, true)
		}})
}

func errText(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return longMessage(ae)
	}
	return "Something went wrong; see the localclerk log."
}

func (inst *Instance) postSignUpVerify(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	f := r.PostForm
	red, ok := inst.pageRedirect(w, f.Get("redirect_url"))
	if !ok {
		return
	}
	d := &pageData{Title: "Verify your e-mail", Redirect: red, DevBrowser: f.Get("__clerk_db_jwt"), CodeStep: true, PendingID: f.Get("pending_id")}
	inst.signInAs(w, r, signInRequest{redirect: red, form: d, formPage: "sign-up",
		account: func(t *txn, now time.Time) (*user, error) {
			var ps pendingSignUp
			if err := t.pendingSignUps().load(d.PendingID, &ps); err != nil {
				return nil, errSignUpExpired
			}
			d.Email = ps.Email
			if ms(now)-ps.CreatedAt > (30 * time.Minute).Milliseconds() {
				return nil, errSignUpExpired
			}
			if f.Get("code") != testVerificationCode {
				return nil, newAPIError(http.StatusUnprocessableEntity, "", "", "Incorrect code.", nil)
			}
			if err := maySignUp(t, []string{ps.Email}, now); err != nil {
				return nil, err
			}
			u, err := inst.createUser(t, &userParams{EmailAddress: []string{ps.Email}, FirstName: strPtr(ps.FirstName), LastName: strPtr(ps.LastName)}, now, true)
			if err != nil {
				return nil, err
			}
			u.PasswordHash = ps.PasswordHash
			if err := t.users().put(u); err != nil {
				return nil, err
			}
			return u, t.pendingSignUps().del(ps.ID)
		}})
}

// errSignUpExpired answers a code for a pending sign-up that is gone or
// older than its 30 minutes.
var errSignUpExpired = newAPIError(http.StatusUnprocessableEntity, "", "", "This sign-up has expired; start again.", nil)

// errNoAccount answers a code sign-in for an address no user holds.
var errNoAccount = newAPIError(http.StatusUnprocessableEntity, "", "", "No account uses that e-mail address.", nil)

// pageUser shows the signed-in user and the organization switcher.
func (inst *Instance) pageUser(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	red, ok := inst.pageRedirect(w, q.Get("redirect_url"))
	if !ok {
		return
	}
	now := inst.now()
	d := &pageData{Title: "Your account", Redirect: red}
	var c *client
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if c, err = inst.findClient(t, r, q.Get("__clerk_db_jwt")); err != nil || c == nil {
			return err
		}
		s, err := activeSession(t, c, now)
		if err != nil || s == nil {
			return err
		}
		var u user
		if err := t.users().load(s.UserID, &u); err != nil {
			return err
		}
		d.User = &pageUser{ID: u.ID, Name: u.displayName(), Email: u.primaryEmail(), SessionID: s.ID}
		mems, err := userMemberships(t, u.ID)
		if err != nil {
			return err
		}
		d.PersonalSel = s.ActiveOrgID == ""
		for _, m := range mems {
			var o organization
			if err := t.orgs().load(m.OrgID, &o); err != nil {
				continue
			}
			d.Orgs = append(d.Orgs, pageOrg{ID: o.ID, Name: o.Name, Slug: o.Slug, Role: m.Role, Active: o.ID == s.ActiveOrgID})
		}
		return nil
	})
	if err != nil {
		inst.log.Error("localclerk: user page", "err", err)
		inst.render(w, http.StatusInternalServerError, "error", &pageData{Title: "Error", Error: "Could not load the account; see the localclerk log."})
		return
	}
	if d.User == nil {
		target := "/sign-in"
		if red != "" {
			target += "?redirect_url=" + url.QueryEscape(red)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	d.DevBrowser = c.DevBrowserID
	if red != "" {
		u, _ := url.Parse(red)
		d.BackURL = withQuery(u, "__clerk_db_jwt", c.DevBrowserID)
	}
	d.Notice = q.Get("notice")
	if len(d.Notice) > 100 {
		d.Notice = ""
	}
	inst.render(w, http.StatusOK, "user", d)
}

func (inst *Instance) postUserOrg(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	f := r.PostForm
	red, ok := inst.pageRedirect(w, f.Get("redirect_url"))
	if !ok {
		return
	}
	now := inst.now()
	var c *client
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if c, err = inst.findClient(t, r, f.Get("__clerk_db_jwt")); err != nil || c == nil {
			return err
		}
		s, err := activeSession(t, c, now)
		if err != nil || s == nil {
			return err
		}
		if err := activateOrg(t, s, f.Get("organization_id")); err != nil {
			return err
		}
		s.UpdatedAt = ms(now)
		return t.sessions().put(s)
	})
	if err != nil {
		inst.log.Error("localclerk: switch organization", "err", err)
		inst.render(w, http.StatusInternalServerError, "error", &pageData{Title: "Error", Error: "Could not switch organization."})
		return
	}
	if red != "" && c != nil {
		inst.backToApp(w, r, red, c)
		return
	}
	target := "/user?notice=" + url.QueryEscape("Active organization updated.")
	if c != nil {
		target += "&__clerk_db_jwt=" + url.QueryEscape(c.DevBrowserID)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (inst *Instance) pageSignOut(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	red, ok := inst.pageRedirect(w, q.Get("redirect_url"))
	if !ok {
		return
	}
	inst.render(w, http.StatusOK, "sign-out", &pageData{Title: "Sign out", Redirect: red, DevBrowser: q.Get("__clerk_db_jwt")})
}

func (inst *Instance) postSignOut(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	red, ok := inst.pageRedirect(w, r.PostForm.Get("redirect_url"))
	if !ok {
		return
	}
	now := inst.now()
	var c *client
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if c, err = inst.findClient(t, r, r.PostForm.Get("__clerk_db_jwt")); err != nil || c == nil {
			return err
		}
		return inst.endClientSessions(t, c, now)
	})
	if err != nil {
		inst.log.Error("localclerk: sign out", "err", err)
		inst.render(w, http.StatusInternalServerError, "error", &pageData{Title: "Error", Error: "Sign-out failed."})
		return
	}
	if red != "" {
		inst.backToApp(w, r, red, c)
		return
	}
	inst.render(w, http.StatusOK, "signed-out", &pageData{Title: "Signed out"})
}

func (inst *Instance) handleHome(w http.ResponseWriter, r *http.Request) {
	inst.render(w, http.StatusOK, "home", &pageData{Title: "localclerk", Demo: inst.demoUsers(r)})
}

var pageTmpl = template.Must(template.New("pages").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · localclerk</title><link rel="stylesheet" href="/assets/localclerk.css"></head>
<body><main class="card" aria-labelledby="page-title">
<p class="badge">localclerk · development instance</p>
<h1 id="page-title">{{.Title}}</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Notice}}<p class="notice" role="status">{{.Notice}}</p>{{end}}
{{end}}
{{define "foot"}}<p class="hint outbox-link">Codes and invitations localclerk would e-mail: <a href="/outbox">outbox</a></p></main></body></html>{{end}}
{{define "hidden"}}<input type="hidden" name="redirect_url" value="{{.Redirect}}"><input type="hidden" name="__clerk_db_jwt" value="{{.DevBrowser}}">{{end}}
{{define "qs"}}{{if .Redirect}}?redirect_url={{.Redirect}}{{if .DevBrowser}}&amp;__clerk_db_jwt={{.DevBrowser}}{{end}}{{else if .DevBrowser}}?__clerk_db_jwt={{.DevBrowser}}{{end}}{{end}}

{{define "sign-in"}}{{template "head" .}}
{{if .CodeStep}}
<form method="post" action="/sign-in/code">{{template "hidden" .}}
<input type="hidden" name="email" value="{{.Email}}">
<p>Signing in as <strong>{{.Email}}</strong>.</p>
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Verify and continue</button>
</form>
{{else}}
{{if .Accounts}}<section aria-labelledby="accounts-title"><h2 id="accounts-title">Signed in on this browser</h2>
<ul class="demo">{{range .Accounts}}<li><form method="post" action="/sign-in/continue">{{template "hidden" $}}
<input type="hidden" name="session_id" value="{{.SessionID}}">
<button type="submit" aria-label="Continue as {{.Name}} ({{.Email}})">Continue as {{.Name}}</button>
<span class="hint">{{.Email}}</span></form></li>{{end}}</ul>
<p class="hint">Or add another account below.</p></section>{{end}}
{{if .User}}<section aria-labelledby="current-title"><h2 id="current-title">Already signed in</h2>
<form method="post" action="/sign-in/continue">{{template "hidden" .}}
<button type="submit">Continue as {{.User.Name}}</button>
<span class="hint">{{.User.Email}} · or sign in as someone else below</span></form></section>{{end}}
<form method="post" action="/sign-in">{{template "hidden" .}}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" value="{{.Email}}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Continue</button>
</form>
<form method="post" action="/sign-in/code" class="secondary">{{template "hidden" .}}
<label for="code-email">Or get a code (test addresses with +clerk_test)</label>
<input id="code-email" name="email" type="email" autocomplete="username" required>
<button type="submit" class="link">Email me a code</button>
</form>
{{if .Demo}}<section aria-labelledby="demo-title"><h2 id="demo-title">Demo users</h2>
<ul class="demo">{{range .Demo}}<li><form method="post" action="/sign-in/demo">{{template "hidden" $}}
<input type="hidden" name="user_id" value="{{.ID}}">
<button type="submit" aria-label="Sign in as {{.Name}}">Continue as {{.Name}}</button>
<span class="hint">{{.Email}}{{if .Password}} · {{.Password}}{{end}}</span></form></li>{{end}}</ul></section>{{end}}
<p>No account? <a href="/sign-up{{template "qs" .}}">Sign up</a></p>
{{end}}
{{template "foot"}}{{end}}

{{define "sign-up"}}{{template "head" .}}
{{if .CodeStep}}
<form method="post" action="/sign-up/verify">{{template "hidden" .}}
<input type="hidden" name="pending_id" value="{{.PendingID}}">
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Verify and continue</button>
</form>
{{else}}
<form method="post" action="/sign-up">{{template "hidden" .}}{{if .Ticket}}<input type="hidden" name="ticket" value="{{.Ticket}}">{{end}}
<label for="first_name">First name</label><input id="first_name" name="first_name" autocomplete="given-name" value="{{.FirstName}}">
<label for="last_name">Last name</label><input id="last_name" name="last_name" autocomplete="family-name" value="{{.LastName}}">
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" value="{{.Email}}" required{{if .Ticket}} readonly{{end}}>
<label for="password">Password <span class="hint">(8 characters or more)</span></label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">Create account</button>
</form>
<p>Have an account? <a href="/sign-in{{template "qs" .}}">Sign in</a></p>
{{end}}
{{template "foot"}}{{end}}

{{define "user"}}{{template "head" .}}
<dl class="profile"><dt>Name</dt><dd>{{.User.Name}}</dd><dt>Email</dt><dd>{{.User.Email}}</dd>
<dt>User ID</dt><dd><code>{{.User.ID}}</code></dd><dt>Session</dt><dd><code>{{.User.SessionID}}</code></dd></dl>
<form method="post" action="/user/organization">{{template "hidden" .}}
<fieldset><legend>Active organization</legend>
<label class="radio"><input type="radio" name="organization_id" value="" {{if .PersonalSel}}checked{{end}}> Personal account</label>
{{range .Orgs}}<label class="radio"><input type="radio" name="organization_id" value="{{.ID}}" {{if .Active}}checked{{end}}> {{.Name}} <span class="hint">/{{.Slug}} · {{.Role}}</span></label>{{end}}
</fieldset>
<button type="submit">Switch</button>
</form>
<nav class="actions">{{if .BackURL}}<a href="{{.BackURL}}">Back to the app</a>{{end}}
<a href="/sign-out{{template "qs" .}}">Sign out</a></nav>
{{template "foot"}}{{end}}

{{define "sign-out"}}{{template "head" .}}
<form method="post" action="/sign-out">{{template "hidden" .}}
<p>Sign out of this browser?</p>
<button type="submit">Sign out</button>
</form>
{{template "foot"}}{{end}}

{{define "signed-out"}}{{template "head" .}}
<p>You are signed out.</p><p><a href="/sign-in">Sign in again</a></p>
{{template "foot"}}{{end}}

{{define "error"}}{{template "head" .}}<p><a href="/sign-in">Back to sign in</a></p>{{template "foot"}}{{end}}

{{define "home"}}{{template "head" .}}
<p>An offline, Clerk-compatible development instance.</p>
<dl class="profile"><dt>Frontend API</dt><dd><code>{{.FAPI}}</code></dd><dt>Publishable key</dt><dd><code>{{.PK}}</code></dd></dl>
<nav class="actions"><a href="/sign-in">Sign in</a><a href="/sign-up">Sign up</a><a href="/user">Account</a><a href="/outbox">Outbox</a></nav>
{{template "foot"}}{{end}}
` + outboxTmpl))

const pageCSS = `:root{color-scheme:light dark;--fg:#1f2328;--bg:#f6f7f9;--card:#fff;--accent:#5b4cf0;--muted:#5f6873;--err:#b3261e;--ok:#1a7f37;--line:#d7dbe0}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--bg:#14161a;--card:#1d2026;--accent:#8f85ff;--muted:#a0a8b3;--line:#343a43}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg);display:flex;justify-content:center;padding:3rem 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem;width:100%;max-width:28rem;box-shadow:0 2px 12px rgba(0,0,0,.06)}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1rem;margin:1.5rem 0 .5rem}
.badge{display:inline-block;font-size:.75rem;color:var(--muted);border:1px solid var(--line);border-radius:999px;padding:.1rem .6rem;margin:0}
label{display:block;font-weight:600;margin:.8rem 0 .3rem}input[type=email],input[type=password],input:not([type]),input[inputmode]{width:100%;padding:.6rem .7rem;border:1px solid var(--line);border-radius:8px;font:inherit;background:transparent;color:inherit}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{margin-top:1rem;width:100%;padding:.65rem;border:0;border-radius:8px;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.link{background:transparent;color:var(--accent);border:1px solid var(--line)}
.secondary{margin-top:1.5rem;padding-top:1rem;border-top:1px solid var(--line)}
.demo{list-style:none;padding:0;margin:0}.demo li{margin:.5rem 0}.demo button{margin-top:0;background:transparent;color:var(--accent);border:1px solid var(--accent)}
.hint{color:var(--muted);font-weight:400;font-size:.85rem}
.error{color:var(--err);border-left:3px solid var(--err);padding-left:.6rem}.notice{color:var(--ok);border-left:3px solid var(--ok);padding-left:.6rem}
dl.profile{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dl.profile dt{color:var(--muted)}dl.profile dd{margin:0;overflow-wrap:anywhere}
fieldset{border:1px solid var(--line);border-radius:8px;margin-top:1rem}legend{font-weight:600;padding:0 .3rem}
label.radio{font-weight:400;display:flex;gap:.5rem;align-items:center}
.actions{display:flex;gap:1rem;margin-top:1.5rem;flex-wrap:wrap}a{color:var(--accent)}
.outbox{list-style:none;padding:0}.outbox li{border-top:1px solid var(--line);padding:.6rem 0}.outbox p{margin:.2rem 0;overflow-wrap:anywhere}.subject{font-weight:600}
.code{font:700 1.8rem/1.2 ui-monospace,monospace;letter-spacing:.2em}.outbox-link{margin-top:2rem}
`
