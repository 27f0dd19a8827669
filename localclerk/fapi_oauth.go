package localclerk

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Social sign-in as Clerk runs it, with localclerk's provider page in the
// provider's place. A sign-in, sign-up or /v1/me connect with an
// oauth_<provider> strategy starts an oauthFlow and answers a verification
// whose external_verification_redirect_url is the provider page; the page
// sends the browser to /v1/oauth_callback with a code and the flow's
// state, which finishes the verification and returns to redirect_url,
// where clerk-js's handleRedirectCallback takes over:
//
//   - an identity some user has: the sign-in completes;
//   - a verified address of an existing user: the account is linked to
//     that user and the sign-in completes, as Clerk links by e-mail;
//   - someone new: the sign-in's verification is "transferable" and
//     clerk-js creates a sign-up with transfer: true, which creates the
//     user with the account (a sign-up started with the strategy creates
//     it at once, and answers "transferable" with external_account_exists
//     for an existing user, whom a sign-in transfer signs in);
//   - deny: the verification fails with oauth_access_denied.

const kindOAuthFlow = "oauth_flow"

// oauthFlowTTL is how long a flow's state can be used, as Clerk's OAuth
// verifications expire.
const oauthFlowTTL = 10 * time.Minute

// oauthFlow is one trip through the provider page; its id is the state
// parameter, used once.
type oauthFlow struct {
	ID          string `json:"id"`
	ClientID    string `json:"client_id"`
	Provider    string `json:"provider"` // "google"
	Purpose     string `json:"purpose"`  // sign_in, sign_up or connect
	AttemptID   string `json:"attempt_id,omitempty"`
	UserID      string `json:"user_id,omitempty"`    // connect
	AccountID   string `json:"account_id,omitempty"` // connect
	RedirectURL string `json:"redirect_url"`
	// Base is the Frontend API base the flow started on (behind a proxy,
	// the proxy's), where the provider page sends the browser back.
	Base string `json:"base"`
	// Code and Identity are set by the provider page when the developer
	// picks who to be.
	Code      string         `json:"code,omitempty"`
	Identity  *oauthIdentity `json:"identity,omitempty"`
	ExpireAt  int64          `json:"expire_at"`
	CreatedAt int64          `json:"created_at"`
}

func (t *txn) oauthFlows() repo[oauthFlow] {
	return newRepo(t, kindOAuthFlow, func(f *oauthFlow) string { return f.ID })
}

// oauthAttempt is a sign-in's first factor or a sign-up's external
// account verification by OAuth.
type oauthAttempt struct {
	Strategy  string `json:"strategy"`
	Status    string `json:"status"` // unverified, verified, failed, expired, transferable
	ErrorCode string `json:"error_code,omitempty"`
	VerifyURL string `json:"verify_url,omitempty"`
	ExpireAt  int64  `json:"expire_at"`
	// Identity is the provider's answer, kept for the transfer to the
	// other attempt.
	Identity *oauthIdentity `json:"identity,omitempty"`
}

// wire renders the attempt's verification.
func (a *oauthAttempt) wire() *attemptVerificationWire {
	v := oauthVerificationJSON(a.Strategy, a.Status, a.ErrorCode, "", a.ExpireAt)
	out := &attemptVerificationWire{Object: v.Object, Status: a.Status, Strategy: a.Strategy, ExpireAt: &a.ExpireAt, Error: v.Error}
	if a.Strategy == "google_one_tap" {
		out.Object = "verification_google_one_tap"
	}
	if a.Status == "unverified" && a.VerifyURL != "" {
		out.ExternalVerificationRedirectURL = &a.VerifyURL
	}
	return out
}

func (inst *Instance) oauthRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/oauth_callback", inst.handleOAuthCallback)
	mux.HandleFunc("POST /v1/oauth_callback", inst.handleOAuthCallbackPost)
	mux.HandleFunc("GET /oauth/{provider}/authorize", inst.pageOAuthAuthorize)
	mux.HandleFunc("POST /oauth/{provider}/authorize", inst.postOAuthAuthorize)
	mux.HandleFunc("GET /oauth/{provider}/logo.svg", inst.handleOAuthLogo)
	mux.HandleFunc("POST /oauth/{provider}/native_token", inst.handleNativeToken)
	inst.meExternalAccountRoutes(mux)
}

// oauthRedirectURL validates a flow's redirect_url: absolute, or a path
// resolved against the calling page's origin.
func (inst *Instance) oauthRedirectURL(x *fapiCall, param string) (string, error) {
	raw := x.form.Get(param)
	if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") {
		if o := x.r.Header.Get("Origin"); o != "" && inst.originAllowed(o) {
			raw = o + raw
		}
	}
	u, aerr := checkRedirectURL(raw, inst.allowed, inst.FrontendAPIURL)
	if aerr != nil {
		if len(aerr.Errors) > 0 {
			aerr.Errors[0].Meta = paramMeta(param)
		}
		return "", aerr
	}
	return u.String(), nil
}

// startOAuth begins a trip through the provider page for the calling
// client and returns the attempt it verifies.
func (inst *Instance) startOAuth(x *fapiCall, strategy string, f *oauthFlow) (*oauthAttempt, error) {
	p, ok := inst.socialProvider(strategy)
	if !ok {
		return nil, strategyUnsupported(strategy)
	}
	redirect, err := inst.oauthRedirectURL(x, "redirect_url")
	if err != nil {
		return nil, err
	}
	if x.form.Get("action_complete_redirect_url") != "" {
		if _, err := inst.oauthRedirectURL(x, "action_complete_redirect_url"); err != nil {
			return nil, err
		}
	}
	if err := x.t.oauthFlows().purgeOlder(ms(x.now.Add(-24 * time.Hour))); err != nil {
		return nil, err
	}
	f.ID, f.ClientID, f.Provider, f.RedirectURL, f.Base = randString(40), x.c.ID, p.ID, redirect, x.base
	f.ExpireAt, f.CreatedAt = ms(x.now.Add(oauthFlowTTL)), ms(x.now)
	if err := x.t.oauthFlows().put(f); err != nil {
		return nil, err
	}
	q := url.Values{"state": {f.ID}, "client_id": {"localclerk"}, "response_type": {"code"},
		"scope": {oauthApprovedScopes}, "redirect_uri": {f.Base + "/v1/oauth_callback"}}
	if h := x.form.Get("identifier"); h != "" {
		q.Set("login_hint", h)
	}
	return &oauthAttempt{Strategy: strategy, Status: "unverified", ExpireAt: f.ExpireAt,
		VerifyURL: f.Base + "/oauth/" + p.ID + "/authorize?" + q.Encode()}, nil
}

// signInOAuth starts a sign-in with an oauth_ strategy.
func (inst *Instance) signInOAuth(x *fapiCall, si *signInAttempt, strategy string) error {
	a, err := inst.startOAuth(x, strategy, &oauthFlow{Purpose: "sign_in", AttemptID: si.ID})
	if err != nil {
		return err
	}
	si.Strategy, si.OAuth = strategy, a
	return nil
}

// signUpOAuth starts a sign-up with an oauth_ strategy.
func (inst *Instance) signUpOAuth(x *fapiCall, su *signUpAttempt, strategy string) error {
	a, err := inst.startOAuth(x, strategy, &oauthFlow{Purpose: "sign_up", AttemptID: su.ID})
	if err != nil {
		return err
	}
	su.OAuth = a
	return nil
}

// oauthCallbackQuery is a validated /v1/oauth_callback query.
type oauthCallbackQuery struct {
	State, Code string
	Denied      bool // the provider answered error=access_denied (or any error)
}

var (
	errOAuthState   = newAPIError(http.StatusBadRequest, "oauth_state_invalid", "is invalid", "This sign-in link is not valid any more (its state was used, has expired or belongs to another browser); start again.", paramMeta("state"))
	errOAuthCode    = newAPIError(http.StatusBadRequest, "oauth_code_invalid", "is invalid", "The provider's code does not match this sign-in; start again.", paramMeta("code"))
	errOAuthExpired = newAPIError(http.StatusBadRequest, "verification_expired", "expired", "This sign-in took too long and expired; start again.", paramMeta("state"))
)

// parseOAuthCallbackQuery reads the provider's answer: a state always,
// and a code or an error.
func parseOAuthCallbackQuery(q url.Values) (oauthCallbackQuery, *apiError) {
	out := oauthCallbackQuery{State: q.Get("state"), Code: q.Get("code"), Denied: q.Get("error") != ""}
	if out.State == "" {
		return out, errParam(http.StatusBadRequest, "form_param_missing", "state", "state must be included.")
	}
	if !isToken(out.State, 100) {
		return out, errOAuthState
	}
	if !out.Denied && (out.Code == "" || !isToken(out.Code, 100)) {
		return out, errOAuthCode
	}
	return out, nil
}

// isToken: 1 to max base62 characters, the shape of every state and code
// localclerk issues.
func isToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, c := range []byte(s) {
		if strings.IndexByte(idAlphabet, c) < 0 {
			return false
		}
	}
	return true
}

// handleOAuthCallbackPost turns a provider's POST (Apple's form_post) into
// the GET it stands for.
func (inst *Instance) handleOAuthCallbackPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		inst.writeError(w, r, newAPIError(http.StatusBadRequest, "malformed_request", "malformed request", "The form-encoded request body could not be parsed.", nil))
		return
	}
	q := url.Values{}
	for _, k := range []string{"state", "code", "scope", "error"} {
		if v := r.PostForm.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/")+"?"+q.Encode(), http.StatusSeeOther)
}

// handleOAuthCallback finishes a flow: the state is taken (once, by the
// client that started it), the verification it belongs to is settled and
// the browser goes back to redirect_url.
func (inst *Instance) handleOAuthCallback(w http.ResponseWriter, r *http.Request) {
	q, aerr := parseOAuthCallbackQuery(r.URL.Query())
	if aerr != nil {
		inst.writeError(w, r, aerr)
		return
	}
	var loc string
	var refusal *apiError // answered after the state's use is committed
	err := inst.store.update(r.Context(), func(t *txn) error {
		loc, refusal = "", nil
		now := inst.now()
		var f oauthFlow
		if err := t.oauthFlows().load(q.State, &f); errors.Is(err, errNotFound) {
			return errOAuthState
		} else if err != nil {
			return err
		}
		c, err := inst.findClient(t, r, devBrowserFromRequest(r))
		if err != nil {
			return err
		}
		if c == nil || c.ID != f.ClientID {
			return errOAuthState // not this browser's: the state stays for its own
		}
		if err := t.oauthFlows().del(f.ID); err != nil {
			return err
		}
		x := &fapiCall{t: t, c: c, now: now, r: r, base: f.Base}
		var id *oauthIdentity
		switch {
		case ms(now) >= f.ExpireAt:
			refusal = errOAuthExpired
		case q.Denied:
		case f.Identity == nil || subtle.ConstantTimeCompare([]byte(q.Code), []byte(f.Code)) != 1:
			refusal = errOAuthCode
		default:
			id = f.Identity
		}
		if refusal != nil && refusal != errOAuthExpired {
			return nil // a wrong code burns the state and changes nothing else
		}
		status, code := "verified", ""
		switch {
		case refusal != nil:
			status = "expired"
		case id == nil:
			status, code = "failed", "oauth_access_denied"
		}
		switch f.Purpose {
		case "sign_in":
			err = inst.finishOAuthSignIn(x, &f, id, status, code)
		case "sign_up":
			err = inst.finishOAuthSignUp(x, &f, id, status, code)
		case "connect":
			err = inst.finishOAuthConnect(x, &f, id, status, code)
		default:
			err = errOAuthState
		}
		if err != nil {
			return err
		}
		loc = f.RedirectURL
		return nil
	})
	if err == nil && refusal != nil {
		err = refusal
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// oauthUser finds who an identity signs in: the user holding it, else the
// user with its verified address (link true: the account joins them).
func oauthUser(t *txn, provider string, id *oauthIdentity) (u *user, link bool, err error) {
	u, err = t.users().byOAuthAccount(provider, id.ProviderUserID)
	if err == nil || !errors.Is(err, errNotFound) {
		return u, false, err
	}
	if id.Email == "" || !id.EmailVerified {
		return nil, false, nil
	}
	u, err = t.users().byEmail(id.Email)
	if errors.Is(err, errNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	for _, e := range u.Emails {
		if normEmail(e.Address) == normEmail(id.Email) && e.Verified {
			return u, true, nil
		}
	}
	return nil, false, oauthFlowError("identifier_unverified")
}

// errorCode is the Clerk error code of err, for a verification's error.
func errorCode(err error) (string, bool) {
	var ae *apiError
	if errors.As(err, &ae) && len(ae.Errors) > 0 {
		return ae.Errors[0].Code, true
	}
	return "", false
}

// signInWithIdentity signs u in through the sign-in, linking the
// identity's account to them first when link is set.
func (inst *Instance) signInWithIdentity(x *fapiCall, si *signInAttempt, u *user, link bool, provider string, id *oauthIdentity) error {
	if err := mayStartSession(x.t, u, x.now); err != nil {
		return err
	}
	if _, err := linkExternalAccount(x.t, u, provider, id, x.now); err != nil {
		return err
	}
	if err := x.t.users().put(u); err != nil {
		return err
	}
	if link {
		x.t.emit("user.updated", userJSON(u))
	}
	si.UserID = u.ID
	if si.Identifier == "" {
		si.Identifier = id.Email
	}
	_, err := inst.completeSignInAttempt(x, si, "")
	return err
}

// loadOAuthAttempt loads the flow's sign-in (or sign-up) on the client.
func loadClientAttempt[T any](r repo[T], id, clientID string, owner func(*T) string) (*T, error) {
	a, err := r.get(id)
	if errors.Is(err, errNotFound) || (err == nil && owner(a) != clientID) {
		return nil, errOAuthState
	}
	return a, err
}

func (inst *Instance) finishOAuthSignIn(x *fapiCall, f *oauthFlow, id *oauthIdentity, status, code string) error {
	si, err := loadClientAttempt(x.t.signInAttempts(), f.AttemptID, f.ClientID, func(a *signInAttempt) string { return a.ClientID })
	if err != nil {
		return err
	}
	if si.OAuth == nil || si.Status == "complete" {
		return errOAuthState
	}
	si.OAuth.Status, si.OAuth.ErrorCode, si.OAuth.VerifyURL = status, code, ""
	if id != nil {
		u, link, err := oauthUser(x.t, f.Provider, id)
		switch {
		case err == nil && u == nil:
			si.OAuth.Status, si.OAuth.Identity = "transferable", id
		case err == nil:
			err = inst.signInWithIdentity(x, si, u, link, f.Provider, id)
		}
		if c, ok := errorCode(err); ok {
			si.OAuth.Status, si.OAuth.ErrorCode = "failed", c
		} else if err != nil {
			return err
		}
	}
	if err := x.t.signInAttempts().put(si); err != nil {
		return err
	}
	x.c.SignInID = si.ID
	return x.saveClient()
}

func (inst *Instance) finishOAuthSignUp(x *fapiCall, f *oauthFlow, id *oauthIdentity, status, code string) error {
	su, err := loadClientAttempt(x.t.signUpAttempts(), f.AttemptID, f.ClientID, func(a *signUpAttempt) string { return a.ClientID })
	if err != nil {
		return err
	}
	if su.OAuth == nil || su.Status == "complete" {
		return errOAuthState
	}
	su.OAuth.Status, su.OAuth.ErrorCode, su.OAuth.VerifyURL = status, code, ""
	if id != nil {
		u, _, err := oauthUser(x.t, f.Provider, id)
		switch {
		case err == nil && u != nil:
			su.OAuth.Status, su.OAuth.ErrorCode, su.OAuth.Identity = "transferable", "external_account_exists", id
		case err == nil:
			err = inst.signUpWithIdentity(x, su, f.Provider, id)
		}
		if c, ok := errorCode(err); ok {
			su.OAuth.Status, su.OAuth.ErrorCode = "failed", c
		} else if err != nil {
			return err
		}
	}
	if err := x.t.signUpAttempts().put(su); err != nil {
		return err
	}
	x.c.SignUpID = su.ID
	return x.saveClient()
}

// signUpWithIdentity creates the user of a new identity, with its
// account and verified address, and signs them in.
func (inst *Instance) signUpWithIdentity(x *fapiCall, su *signUpAttempt, provider string, id *oauthIdentity) error {
	if id.Email == "" {
		return errMissing("email_address")
	}
	if err := maySignUp(x.t, []string{id.Email}, x.now); err != nil {
		return err
	}
	p := &userParams{EmailAddress: []string{id.Email}, FirstName: strPtr(id.FirstName), LastName: strPtr(id.LastName), beforeStore: func(u *user) error {
		if _, err := linkExternalAccount(x.t, u, provider, id, x.now); err != nil {
			return err
		}
		u.Emails[0].VerifiedBy = "oauth_" + provider // the provider vouched for it
		if id.ImageURL != "" {
			u.ImageURL = id.ImageURL
		}
		return nil
	}}
	u, err := inst.createUser(x.t, p, x.now, true)
	if err != nil {
		return err
	}
	s, err := inst.startSession(x.t, x.c, u.ID, "", x.now)
	if err != nil {
		return err
	}
	su.Email, su.FirstName, su.LastName = id.Email, id.FirstName, id.LastName
	su.VerifyStatus = "verified"
	su.Status, su.CreatedUserID, su.CreatedSessionID = "complete", u.ID, s.ID
	if su.OAuth == nil {
		su.OAuth = &oauthAttempt{Strategy: "oauth_" + provider}
	}
	su.OAuth.Status, su.OAuth.ErrorCode, su.OAuth.Identity = "verified", "", nil
	return nil
}

var errNothingToTransfer = errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "transfer",
	"There is no social sign-in to transfer on this client; start with an oauth_ strategy.")

// signInTransfer signs in the existing user a sign-up's social account
// belongs to (clerk-js's signIn.create({transfer: true})).
func (inst *Instance) signInTransfer(x *fapiCall, si *signInAttempt) error {
	var su signUpAttempt
	if x.c.SignUpID == "" || x.t.signUpAttempts().load(x.c.SignUpID, &su) != nil ||
		su.OAuth == nil || su.OAuth.Status != "transferable" || su.OAuth.Identity == nil {
		return errNothingToTransfer
	}
	provider, id := oauthProviderOf(su.OAuth.Strategy), su.OAuth.Identity
	u, link, err := oauthUser(x.t, provider, id)
	if err != nil {
		return err
	}
	if u == nil {
		return oauthFlowError("external_account_not_found")
	}
	si.Strategy = su.OAuth.Strategy
	si.OAuth = &oauthAttempt{Strategy: su.OAuth.Strategy, Status: "verified", ExpireAt: su.OAuth.ExpireAt}
	if err := inst.signInWithIdentity(x, si, u, link, provider, id); err != nil {
		return err
	}
	su.OAuth.Identity = nil
	return x.t.signUpAttempts().put(&su)
}

// signUpTransfer creates the user of a sign-in's new social identity
// (clerk-js's signUp.create({transfer: true})).
func (inst *Instance) signUpTransfer(x *fapiCall, su *signUpAttempt) error {
	var si signInAttempt
	if x.c.SignInID == "" || x.t.signInAttempts().load(x.c.SignInID, &si) != nil ||
		si.OAuth == nil || si.OAuth.Status != "transferable" || si.OAuth.Identity == nil {
		return errNothingToTransfer
	}
	su.OAuth = &oauthAttempt{Strategy: si.OAuth.Strategy, Status: "unverified", ExpireAt: si.OAuth.ExpireAt}
	if err := inst.signUpWithIdentity(x, su, oauthProviderOf(si.OAuth.Strategy), si.OAuth.Identity); err != nil {
		return err
	}
	si.OAuth.Identity = nil
	return x.t.signInAttempts().put(&si)
}
