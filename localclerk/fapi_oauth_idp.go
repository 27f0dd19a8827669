package localclerk

import (
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The Frontend API host as an OAuth 2.0 / OIDC provider for the
// instance's OAuth applications (bapi_oauth_apps.go): the authorization
// endpoint and the consent it asks for, the token, userinfo, introspection
// and revocation endpoints, and the discovery documents. The access tokens
// it issues are the oauthToken records goclerk verifies through the
// Backend API (AcceptsToken(OAuthToken)).

func (inst *Instance) oauthIdPRoutes(mux *routeMux) {
	mux.HandleFunc("GET /oauth/authorize", inst.handleOAuthAuthorize)
	mux.HandleFunc("POST /oauth/authorize", inst.handleOAuthAuthorize)
	mux.HandleFunc("GET /v1/me/oauth/consent/{client_id}", inst.handleOAuthConsentInfo)
	mux.HandleFunc("POST /v1/me/oauth/consent/{client_id}", inst.handleOAuthConsent)
	mux.HandleFunc("POST /oauth/token", inst.handleOAuthToken)
	mux.HandleFunc("POST /oauth/register", inst.handleOAuthRegister)
	mux.HandleFunc("GET /oauth/userinfo", inst.handleOAuthUserInfo)
	mux.HandleFunc("POST /oauth/userinfo", inst.handleOAuthUserInfo)
	mux.HandleFunc("POST /oauth/token_info", inst.handleOAuthTokenInfo)
	mux.HandleFunc("POST /oauth/token/revoke", inst.handleOAuthRevoke)
	mux.HandleFunc("POST /oauth/revoke", inst.handleOAuthRevoke) // the RFC 7009 name some clients assume
	mux.HandleFunc("GET /.well-known/openid-configuration", inst.handleOpenIDConfiguration)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", inst.handleOAuthServerMetadata)
}

// oauthIssuer is the provider's issuer: the Frontend API URL, where the
// discovery documents are served (the session tokens' iss, which is never
// fetched, is not).
func (inst *Instance) oauthIssuer() string { return inst.FrontendAPIURL }

// authorizeValues are the parameters of an authorization request: the
// query, or for a POST the form.
func authorizeValues(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if r.Method != http.MethodPost {
		return r.URL.Query(), nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	return r.PostForm, nil
}

// handleOAuthAuthorize is the authorization endpoint. A signed-out
// browser goes to the hosted sign-in page and comes back here; a signed-in
// one sees the consent page (or, when the application skips consent, goes
// straight back to the client with a code).
func (inst *Instance) handleOAuthAuthorize(w http.ResponseWriter, r *http.Request) {
	v, err := authorizeValues(w, r)
	if err != nil {
		inst.renderConsentError(w, http.StatusBadRequest, "The authorization request could not be read.")
		return
	}
	req, app, redirect, ok := inst.checkAuthorize(w, r, v)
	if !ok {
		return
	}
	var s *session
	var u *user
	err = inst.store.view(r.Context(), func(t *txn) error {
		var err error
		s, u, err = inst.idpSession(t, r, nil)
		return err
	})
	if err != nil {
		inst.renderConsentError(w, http.StatusInternalServerError, "localclerk hit an internal error; see its log.")
		inst.log.Error("localclerk: oauth authorize", "err", err)
		return
	}
	if s == nil {
		if slices.Contains(req.Prompt, "none") {
			inst.authorizeFail(w, r, redirect, req, &authorizeError{Redirect: true, Code: "login_required", Description: "The user is not signed in."})
			return
		}
		// Sign-in and the way back stay on localclerk's own origin, where
		// the hosted page's cookie then lives, even when this request came
		// through an app's proxy.
		back := inst.FrontendAPIURL + "/oauth/authorize?" + forwardedAuthorize(v).Encode()
		http.Redirect(w, r, inst.FrontendAPIURL+"/sign-in?redirect_url="+url.QueryEscape(back), http.StatusSeeOther)
		return
	}
	if app.Consent || slices.Contains(req.Prompt, "consent") {
		if slices.Contains(req.Prompt, "none") {
			inst.authorizeFail(w, r, redirect, req, &authorizeError{Redirect: true, Code: "consent_required", Description: "The user has not consented to this application."})
			return
		}
		inst.renderConsent(w, r, app, req, redirect, u, s, forwardedAuthorize(v))
		return
	}
	inst.grantCode(w, r, app, req, redirect, nil)
}

// forwardedAuthorize is the authorization request's own parameters, to
// carry through sign-in and the consent form.
func forwardedAuthorize(v url.Values) url.Values {
	out := url.Values{}
	for _, p := range authorizeParams {
		if s, ok := v[p]; ok {
			out[p] = s
		}
	}
	return out
}

// checkAuthorize parses and resolves an authorization request, answering
// the failures: on a page when the client or its redirect URI is not
// known good, else back at the redirect URI.
func (inst *Instance) checkAuthorize(w http.ResponseWriter, r *http.Request, v url.Values) (*authorizeRequest, *oauthApp, string, bool) {
	req, aerr := parseAuthorizeParams(v)
	var app *oauthApp
	if req != nil {
		err := inst.store.view(r.Context(), func(t *txn) error {
			var err error
			app, err = t.appByClientID(req.ClientID)
			return err
		})
		if errors.Is(err, errNotFound) {
			inst.renderConsentError(w, http.StatusBadRequest, "No OAuth application has this client_id.")
			return nil, nil, "", false
		}
		if err != nil {
			inst.log.Error("localclerk: oauth authorize", "err", err)
			inst.renderConsentError(w, http.StatusInternalServerError, "localclerk hit an internal error; see its log.")
			return nil, nil, "", false
		}
	}
	if aerr != nil && (!aerr.Redirect || req == nil) {
		inst.renderConsentError(w, http.StatusBadRequest, aerr.Description)
		return nil, nil, "", false
	}
	redirect, rerr := resolveAuthorize(app, req)
	if rerr != nil && !rerr.Redirect {
		inst.renderConsentError(w, http.StatusBadRequest, rerr.Description)
		return nil, nil, "", false
	}
	if aerr == nil {
		aerr = rerr
	}
	if aerr != nil {
		inst.authorizeFail(w, r, redirect, req, aerr)
		return nil, nil, "", false
	}
	return req, app, redirect, true
}

// authorizeFail sends an authorization error back to the client's
// registered redirect URI (RFC 6749 section 4.1.2.1).
func (inst *Instance) authorizeFail(w http.ResponseWriter, r *http.Request, redirect string, req *authorizeRequest, e *authorizeError) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authorizeRedirect(redirect, url.Values{"error": {e.Code}, "error_description": {e.Description},
		"state": {req.State}}), http.StatusFound)
}

// idpSession is the browser's signed-in session and its user: the
// request's dev browser (query or form), else localclerk's client cookie;
// _clerk_session_id picks one of the client's sessions. onlyDevBrowser
// set means the cookie must not be used (a cross-site consent form).
func (inst *Instance) idpSession(t *txn, r *http.Request, onlyDevBrowser *string) (*session, *user, error) {
	var c *client
	var err error
	if onlyDevBrowser != nil {
		var db devBrowser
		if err := t.devBrowsers().load(*onlyDevBrowser, &db); err != nil {
			return nil, nil, ignoreNotFound(err)
		}
		var cl client
		if err := t.clients().load(db.ClientID, &cl); err != nil {
			return nil, nil, ignoreNotFound(err)
		}
		c = &cl
	} else {
		dvb := devBrowserFromRequest(r)
		if dvb == "" && r.Method == http.MethodPost && r.PostForm != nil {
			dvb = r.PostForm.Get("__clerk_db_jwt")
		}
		if c, err = inst.findClient(t, r, dvb); err != nil || c == nil {
			return nil, nil, err
		}
	}
	s, err := meSession(t, r, c, inst.now())
	if err != nil {
		return nil, nil, ignoreSignedOut(err)
	}
	u, err := t.users().get(s.UserID)
	if err != nil {
		return nil, nil, ignoreNotFound(err)
	}
	if u.Banned || u.Locked {
		return nil, nil, nil
	}
	return s, u, nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, errNotFound) {
		return nil
	}
	return err
}

func ignoreSignedOut(err error) error {
	if errors.Is(err, errSignedOut) {
		return nil
	}
	return err
}

// grantCode issues an authorization code for the browser's session and
// sends it to the client. A session given by the consent form's check is
// re-checked in the same transaction as the code is stored.
func (inst *Instance) grantCode(w http.ResponseWriter, r *http.Request, app *oauthApp, req *authorizeRequest, redirect string, onlyDevBrowser *string) {
	code := randString(48)
	now := inst.now()
	signedIn := false
	err := inst.store.update(r.Context(), func(t *txn) error {
		s, _, err := inst.idpSession(t, r, onlyDevBrowser)
		if err != nil || s == nil {
			return err
		}
		signedIn = true
		if err := t.oauthCodes().purgeOlder(ms(now.Add(-24 * time.Hour))); err != nil {
			return err
		}
		return t.oauthCodes().put(&oauthCode{ID: hashToken(code), ClientID: app.ClientID, UserID: s.UserID, SessionID: s.ID,
			RedirectURI: redirect, RedirectGiven: req.RedirectURI != "", Scopes: nonNil(req.Scopes), CodeChallenge: req.CodeChallenge,
			Nonce: req.Nonce, AuthTime: s.FirstFactorAt, ExpiresAt: ms(now.Add(oauthCodeTTL)), CreatedAt: ms(now)})
	})
	if err != nil {
		inst.log.Error("localclerk: oauth code", "err", err)
		inst.renderConsentError(w, http.StatusInternalServerError, "localclerk hit an internal error; see its log.")
		return
	}
	if !signedIn {
		inst.renderConsentError(w, http.StatusUnauthorized, "You are signed out; start again from the application.")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authorizeRedirect(redirect, url.Values{"code": {code}, "state": {req.State}}), http.StatusFound)
}

// consentScope is one scope of the consent screen.
type consentScope struct {
	Scope           string  `json:"scope"`
	Description     *string `json:"description"`
	RequiresConsent bool    `json:"requires_consent"`
}

// consentInfoWire is the Frontend API's OAuth.ConsentInfo.
type consentInfoWire struct {
	AppName        string         `json:"oauth_application_name"`
	AppLogoURL     *string        `json:"oauth_application_logo_url"`
	AppURL         *string        `json:"oauth_application_url"`
	ClientID       string         `json:"client_id"`
	RedirectDomain *string        `json:"redirect_domain"`
	Scopes         []consentScope `json:"scopes"`
}

var scopeDescriptions = map[string]string{
	"openid":           "Confirm your identity",
	"profile":          "View your name, username and profile picture",
	"email":            "View your e-mail address",
	"offline_access":   "Stay connected when you are not using the application",
	"public_metadata":  "View your public metadata",
	"private_metadata": "View your private metadata",
}

func consentScopes(scopes []string) []consentScope {
	out := []consentScope{}
	for _, s := range scopes {
		d := scopeDescriptions[s]
		// openid only names the protocol; the others reveal data.
		out = append(out, consentScope{Scope: s, Description: &d, RequiresConsent: s != "openid"})
	}
	return out
}

// redirectDomain is the host the consent screen names, the one the user
// is sent to.
func redirectDomain(redirect string) *string {
	u, err := url.Parse(redirect)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	h := u.Hostname()
	return &h
}

// handleOAuthConsentInfo answers GET /v1/me/oauth/consent/{client_id}:
// what the consent screen shows (OAuthConsent in clerk-js reads it).
func (inst *Instance) handleOAuthConsentInfo(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var info *consentInfoWire
	err := inst.store.view(r.Context(), func(t *txn) error {
		s, _, err := inst.idpSession(t, r, nil)
		if err != nil {
			return err
		}
		if s == nil {
			return errSignedOut
		}
		app, err := t.appByClientID(r.PathValue("client_id"))
		if err != nil {
			return notFoundAs(err, "OAuth application")
		}
		v := url.Values{"client_id": {app.ClientID}, "response_type": {"code"}}
		for _, p := range []string{"scope", "redirect_uri"} {
			if s, ok := q[p]; ok {
				v[p] = s
			}
		}
		req, aerr := parseAuthorizeParams(v)
		if aerr != nil {
			return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "scope", aerr.Description)
		}
		redirect, rerr := resolveAuthorize(app, req)
		switch {
		case rerr != nil && redirect == "":
			return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "redirect_uri", rerr.Description)
		case rerr != nil && rerr.Code == "invalid_scope":
			return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "scope", rerr.Description)
		}
		// A missing PKCE challenge is the authorization request's to
		// refuse (the consent form carries it), not the screen's.
		info = &consentInfoWire{AppName: app.Name, ClientID: app.ClientID, RedirectDomain: redirectDomain(redirect), Scopes: consentScopes(req.Scopes)}
		return nil
	})
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// handleOAuthConsent is the consent form's submission (localclerk's page
// or clerk-js's OAuthConsent, which forwards the authorization request's
// parameters and adds consented): a code for the client, or access_denied.
func (inst *Instance) handleOAuthConsent(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		inst.writeError(w, r, newAPIError(http.StatusBadRequest, "malformed_request", "malformed request", "The consent form could not be read.", nil))
		return
	}
	// A form from another site may act only with the dev browser in its
	// URL (as clerk-js's does), never with the cookie alone.
	var onlyDevBrowser *string
	if crossSite(r, inst.FrontendAPIURL) {
		dvb := devBrowserFromRequest(r)
		if dvb == "" {
			inst.writeError(w, r, newAPIError(http.StatusForbidden, "origin_invalid", "is not allowed", "A cross-site consent form must carry the dev browser (__clerk_db_jwt).", nil))
			return
		}
		onlyDevBrowser = &dvb
	}
	consented := r.PostForm.Get("consented")
	if consented != "true" && consented != "false" {
		inst.writeError(w, r, errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "consented", "consented must be true or false."))
		return
	}
	v := forwardedAuthorize(r.PostForm)
	if v.Get("client_id") == "" {
		v.Set("client_id", r.PathValue("client_id"))
	}
	if v.Get("client_id") != r.PathValue("client_id") {
		inst.writeError(w, r, errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "client_id", "client_id does not match the path's."))
		return
	}
	req, app, redirect, ok := inst.checkAuthorize(w, r, v)
	if !ok {
		return
	}
	if consented == "false" {
		inst.authorizeFail(w, r, redirect, req, &authorizeError{Redirect: true, Code: "access_denied", Description: "The user denied access."})
		return
	}
	inst.grantCode(w, r, app, req, redirect, onlyDevBrowser)
}

// crossSite reports whether a form post comes from another origin than
// the instance's.
func crossSite(r *http.Request, self string) bool {
	if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, self) && !strings.EqualFold(o, "http://"+r.Host) {
		return true
	}
	return r.Header.Get("Sec-Fetch-Site") == "cross-site"
}

// oauthTokenWire is the token endpoint's answer (OAuth.Token).
type oauthTokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
}

// oauthErrorWire is an RFC 6749 error body.
type oauthErrorWire struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func writeOAuthError(w http.ResponseWriter, e *oauthError, basic bool) {
	if e.Status == http.StatusUnauthorized && basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="localclerk"`)
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, e.Status, &oauthErrorWire{Error: e.Code, ErrorDescription: e.Description})
}

// readTokenForm reads and parses a token-side request.
func readTokenForm(w http.ResponseWriter, r *http.Request) (*tokenRequest, *oauthError) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, oauthErr(http.StatusBadRequest, "invalid_request", "The request body could not be read.")
	}
	if ct := r.Header.Get("Content-Type"); len(body) > 0 && !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, oauthErr(http.StatusBadRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
	}
	return parseTokenForm(string(body), r.Header.Get("Authorization"))
}

// clientFor authenticates the client of a token-side request.
func (inst *Instance) clientFor(t *txn, tr *tokenRequest) (*oauthApp, error) {
	app, err := t.appByClientID(tr.ClientID)
	if errors.Is(err, errNotFound) {
		return nil, oauthErr(http.StatusUnauthorized, "invalid_client", "No OAuth application has this client_id.")
	}
	if err != nil {
		return nil, err
	}
	if e := authenticateClient(app, tr); e != nil {
		return nil, e
	}
	return app, nil
}

// issued is what a grant produced, signed (the id_token) after commit.
type issued struct {
	access     *oauthToken
	refresh    string
	scopes     []string
	user       *user
	clientID   string
	nonce      string
	authTimeMS int64
}

// handleOAuthToken is the token endpoint: authorization_code (with the
// PKCE verifier) and refresh_token grants.
func (inst *Instance) handleOAuthToken(w http.ResponseWriter, r *http.Request) {
	tr, e := readTokenForm(w, r)
	if e != nil {
		writeOAuthError(w, e, r.Header.Get("Authorization") != "")
		return
	}
	switch tr.GrantType {
	case "authorization_code", "refresh_token":
	case "":
		writeOAuthError(w, oauthErr(http.StatusBadRequest, "invalid_request", "grant_type must be included."), tr.BasicAuth)
		return
	default:
		// The status the Frontend API specification lists it under.
		writeOAuthError(w, oauthErr(http.StatusUnauthorized, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token."), tr.BasicAuth)
		return
	}
	now := inst.now()
	var out *issued
	var grantErr *oauthError
	err := inst.store.update(r.Context(), func(t *txn) error {
		app, err := inst.clientFor(t, tr)
		if err != nil {
			return err
		}
		if tr.GrantType == "authorization_code" {
			out, grantErr, err = inst.exchangeCode(t, app, tr, now)
		} else {
			out, grantErr, err = inst.exchangeRefresh(t, app, tr, now)
		}
		return err
	})
	var oe *oauthError
	switch {
	case errors.As(err, &oe):
		writeOAuthError(w, oe, tr.BasicAuth)
		return
	case err != nil:
		inst.writeError(w, r, err)
		return
	case grantErr != nil:
		writeOAuthError(w, grantErr, tr.BasicAuth)
		return
	}
	resp := &oauthTokenResponse{AccessToken: out.access.Token, TokenType: "Bearer", ExpiresIn: int64(oauthAccessTTL / time.Second),
		RefreshToken: out.refresh, Scope: strings.Join(out.scopes, " ")}
	if slices.Contains(out.scopes, "openid") {
		idt, err := inst.idToken(out, now)
		if err != nil {
			inst.writeError(w, r, err)
			return
		}
		resp.IDToken = idt
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// exchangeCode redeems an authorization code. A grant error that must
// still commit (a reused code revokes what it was exchanged for) comes
// back as grantErr with a nil err.
func (inst *Instance) exchangeCode(t *txn, app *oauthApp, tr *tokenRequest, now time.Time) (*issued, *oauthError, error) {
	if tr.Code == "" {
		return nil, nil, oauthErr(http.StatusBadRequest, "invalid_request", "code must be included.")
	}
	c, err := t.oauthCodes().get(hashToken(tr.Code))
	if errors.Is(err, errNotFound) {
		return nil, nil, oauthErr(http.StatusBadRequest, "invalid_grant", "The authorization code is not valid.")
	}
	if err != nil {
		return nil, nil, err
	}
	if c.Used {
		if c.ClientID == app.ClientID {
			if err := revokeGrant(t, c.AccessTokenID, c.RefreshID, now); err != nil {
				return nil, nil, err
			}
		}
		return nil, oauthErr(http.StatusBadRequest, "invalid_grant", "The authorization code has already been used; the tokens issued for it are revoked."), nil
	}
	if e := checkCodeExchange(c, tr, app.ClientID, now); e != nil {
		return nil, nil, e
	}
	u, err := t.users().get(c.UserID)
	if errors.Is(err, errNotFound) || err == nil && (u.Banned || u.Locked) {
		return nil, nil, oauthErr(http.StatusBadRequest, "invalid_grant", "The user of the authorization code can no longer sign in.")
	}
	if err != nil {
		return nil, nil, err
	}
	out, err := mintGrant(t, app.ClientID, u, c.Scopes, c.Nonce, c.AuthTime, now)
	if err != nil {
		return nil, nil, err
	}
	c.Used, c.AccessTokenID = true, out.access.ID
	if out.refresh != "" {
		c.RefreshID = hashToken(out.refresh)
	}
	if err := t.oauthCodes().put(c); err != nil {
		return nil, nil, err
	}
	return out, nil, nil
}

// exchangeRefresh redeems a refresh token, rotating it.
func (inst *Instance) exchangeRefresh(t *txn, app *oauthApp, tr *tokenRequest, now time.Time) (*issued, *oauthError, error) {
	if tr.RefreshToken == "" {
		return nil, nil, oauthErr(http.StatusBadRequest, "invalid_request", "refresh_token must be included.")
	}
	rt, err := t.oauthRefreshes().get(hashToken(tr.RefreshToken))
	if errors.Is(err, errNotFound) {
		return nil, nil, oauthErr(http.StatusBadRequest, "invalid_grant", "The refresh token is not valid.")
	}
	if err != nil {
		return nil, nil, err
	}
	if rt.Revoked || rt.ClientID != app.ClientID {
		return nil, nil, oauthErr(http.StatusBadRequest, "invalid_grant", "The refresh token is not valid.")
	}
	scopes := rt.Scopes
	if tr.ScopeGiven {
		scopes = nil
		for _, s := range strings.Fields(tr.Scope) {
			if !slices.Contains(rt.Scopes, s) {
				return nil, nil, oauthErr(http.StatusBadRequest, "invalid_grant", "The scope %q was not granted.", s)
			}
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	u, err := t.users().get(rt.UserID)
	if errors.Is(err, errNotFound) || err == nil && (u.Banned || u.Locked) {
		return nil, nil, oauthErr(http.StatusBadRequest, "invalid_grant", "The user of the refresh token can no longer sign in.")
	}
	if err != nil {
		return nil, nil, err
	}
	rt.Revoked, rt.UpdatedAt = true, ms(now)
	if err := t.oauthRefreshes().put(rt); err != nil {
		return nil, nil, err
	}
	// The new refresh token keeps the whole grant, whatever this access
	// token narrows it to.
	out, err := mintGrant(t, app.ClientID, u, rt.Scopes, rt.Nonce, rt.AuthTime, now)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Equal(scopes, rt.Scopes) {
		out.access.Scopes, out.scopes = nonNil(scopes), scopes
		if err := t.oauthTokens().put(out.access); err != nil {
			return nil, nil, err
		}
	}
	return out, nil, nil
}

// mintGrant stores an access token and, with offline_access, a refresh
// token for the user.
func mintGrant(t *txn, clientID string, u *user, scopes []string, nonce string, authTime int64, now time.Time) (*issued, error) {
	exp := ms(now.Add(oauthAccessTTL))
	o := &oauthToken{ID: oauthTokenID(), ClientID: clientID, Subject: u.ID, Token: "oat_" + randString(40),
		Scopes: nonNil(scopes), Expiration: &exp, CreatedAt: ms(now), UpdatedAt: ms(now)}
	if err := t.oauthTokenValues().claim(o.Token, o.ID); err != nil {
		return nil, err
	}
	if err := t.oauthTokens().put(o); err != nil {
		return nil, err
	}
	out := &issued{access: o, scopes: nonNil(scopes), user: u, clientID: clientID, nonce: nonce, authTimeMS: authTime}
	if slices.Contains(scopes, "offline_access") {
		out.refresh = "ort_" + randString(48)
		if err := t.oauthRefreshes().put(&oauthRefresh{ID: hashToken(out.refresh), ClientID: clientID, UserID: u.ID,
			Scopes: nonNil(scopes), AccessTokenID: o.ID, Nonce: nonce, AuthTime: authTime, CreatedAt: ms(now), UpdatedAt: ms(now)}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// revokeGrant revokes an access token and a refresh token (by id), either
// of which may be empty or gone.
func revokeGrant(t *txn, accessID, refreshID string, now time.Time) error {
	if accessID != "" {
		o, err := t.oauthTokens().get(accessID)
		if err == nil && !o.Revoked {
			o.Revoked, o.UpdatedAt = true, ms(now)
			err = t.oauthTokens().put(o)
		}
		if ignoreNotFound(err) != nil {
			return err
		}
	}
	if refreshID != "" {
		rt, err := t.oauthRefreshes().get(refreshID)
		if err == nil && !rt.Revoked {
			rt.Revoked, rt.UpdatedAt = true, ms(now)
			err = t.oauthRefreshes().put(rt)
		}
		if ignoreNotFound(err) != nil {
			return err
		}
	}
	return nil
}

// userClaims are the OIDC claims of a user the scopes reveal, shared by
// the id_token and userinfo.
type userClaims struct {
	Email             *string         `json:"email,omitempty"`
	EmailVerified     *bool           `json:"email_verified,omitempty"`
	Name              *string         `json:"name,omitempty"`
	GivenName         *string         `json:"given_name,omitempty"`
	FamilyName        *string         `json:"family_name,omitempty"`
	PreferredUsername *string         `json:"preferred_username,omitempty"`
	Picture           *string         `json:"picture,omitempty"`
	PublicMetadata    json.RawMessage `json:"public_metadata,omitempty"`
	PrivateMetadata   json.RawMessage `json:"private_metadata,omitempty"`
}

func claimsFor(u *user, scopes []string) userClaims {
	var c userClaims
	if slices.Contains(scopes, "email") {
		addr := u.primaryEmail()
		verified := false
		for _, e := range u.Emails {
			if e.Address == addr {
				verified = e.Verified
			}
		}
		c.Email, c.EmailVerified = &addr, &verified
	}
	if slices.Contains(scopes, "profile") {
		name := u.displayName()
		img := placeholderImage
		if u.ImageURL != "" {
			img = u.ImageURL
		}
		c.Name, c.GivenName, c.FamilyName, c.PreferredUsername, c.Picture = &name, u.FirstName, u.LastName, u.Username, &img
	}
	if slices.Contains(scopes, "public_metadata") {
		c.PublicMetadata = rawOrEmpty(u.PublicMeta)
	}
	if slices.Contains(scopes, "private_metadata") {
		c.PrivateMetadata = rawOrEmpty(u.PrivateMeta)
	}
	return c
}

// idTokenClaims is an OIDC id_token's payload.
type idTokenClaims struct {
	Iss      string `json:"iss"`
	Sub      string `json:"sub"`
	Aud      string `json:"aud"`
	Exp      int64  `json:"exp"`
	Iat      int64  `json:"iat"`
	AuthTime int64  `json:"auth_time,omitempty"`
	Nonce    string `json:"nonce,omitempty"`
	userClaims
}

// idToken signs the grant's id_token with the instance's key (RS256).
func (inst *Instance) idToken(g *issued, now time.Time) (string, error) {
	c := idTokenClaims{Iss: inst.oauthIssuer(), Sub: g.user.ID, Aud: g.clientID, Iat: now.Unix(), Exp: now.Add(oauthIDTTL).Unix(),
		Nonce: g.nonce, userClaims: claimsFor(g.user, g.scopes)}
	if g.authTimeMS > 0 {
		c.AuthTime = g.authTimeMS / 1000
	}
	return inst.key().sign(c, "")
}

// bearerAccessToken loads the unexpired, unrevoked access token a
// request's Authorization header carries.
func (inst *Instance) bearerAccessToken(t *txn, r *http.Request) (*oauthToken, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok = strings.TrimSpace(tok)
	if !ok || tok == "" || len(tok) > 512 {
		return nil, errOAuthBearer
	}
	id, err := t.oauthTokenValues().owner(tok)
	if errors.Is(err, errNotFound) {
		return nil, errOAuthBearer
	}
	if err != nil {
		return nil, err
	}
	o, err := t.oauthTokens().get(id)
	if err != nil {
		return nil, notFoundAs(err, "OAuth access token")
	}
	if o.Revoked || expired(o.Expiration, inst.now()) {
		return nil, errOAuthBearer
	}
	return o, nil
}

var errOAuthBearer = newAPIError(http.StatusUnauthorized, "authentication_invalid", "Unauthorized request",
	"The request needs a valid OAuth access token (Authorization: Bearer oat_...).", nil)

// userInfoWire is OAuth.UserInfo.
type userInfoWire struct {
	Object     string  `json:"object"`
	InstanceID string  `json:"instance_id"`
	UserID     string  `json:"user_id"`
	Sub        string  `json:"sub"`
	Username   *string `json:"username,omitempty"`
	userClaims
}

func (inst *Instance) handleOAuthUserInfo(w http.ResponseWriter, r *http.Request) {
	var out *userInfoWire
	err := inst.store.view(r.Context(), func(t *txn) error {
		o, err := inst.bearerAccessToken(t, r)
		if err != nil {
			return err
		}
		u, err := t.users().get(o.Subject)
		if err != nil {
			return notFoundAs(err, "user")
		}
		out = &userInfoWire{Object: "oauth_user_info", InstanceID: inst.KeyID, UserID: u.ID, Sub: u.ID, userClaims: claimsFor(u, o.Scopes)}
		if slices.Contains(o.Scopes, "profile") {
			out.Username = u.Username
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, errOAuthBearer) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// tokenInfoWire is OAuth.TokenInfo (RFC 7662).
type tokenInfoWire struct {
	Active   bool    `json:"active"`
	ClientID *string `json:"client_id,omitempty"`
	Iat      *int64  `json:"iat,omitempty"`
	Scope    *string `json:"scope,omitempty"`
	Sub      *string `json:"sub,omitempty"`
}

// handleOAuthTokenInfo is introspection: an authenticated client asks
// whether an access or refresh token is active.
func (inst *Instance) handleOAuthTokenInfo(w http.ResponseWriter, r *http.Request) {
	tr, e := readTokenForm(w, r)
	if e != nil {
		writeOAuthError(w, e, r.Header.Get("Authorization") != "")
		return
	}
	if tr.Token == "" {
		writeOAuthError(w, oauthErr(http.StatusBadRequest, "invalid_request", "token must be included."), tr.BasicAuth)
		return
	}
	now := inst.now()
	out := &tokenInfoWire{}
	err := inst.store.view(r.Context(), func(t *txn) error {
		if _, err := inst.clientFor(t, tr); err != nil {
			return err
		}
		fill := func(client, sub string, scopes []string, created int64) {
			s, iat := strings.Join(scopes, " "), created/1000
			out.Active, out.ClientID, out.Sub, out.Scope, out.Iat = true, &client, &sub, &s, &iat
		}
		if id, err := t.oauthTokenValues().owner(tr.Token); err == nil {
			o, err := t.oauthTokens().get(id)
			if err != nil {
				return ignoreNotFound(err)
			}
			if !o.Revoked && !expired(o.Expiration, now) {
				fill(o.ClientID, o.Subject, o.Scopes, o.CreatedAt)
			}
			return nil
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		rt, err := t.oauthRefreshes().get(hashToken(tr.Token))
		if err != nil {
			return ignoreNotFound(err)
		}
		if !rt.Revoked {
			fill(rt.ClientID, rt.UserID, rt.Scopes, rt.CreatedAt)
		}
		return nil
	})
	var oe *oauthError
	if errors.As(err, &oe) {
		writeOAuthError(w, oe, tr.BasicAuth)
		return
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleOAuthRevoke is revocation (RFC 7009): a client revokes one of its
// access or refresh tokens (a refresh token takes its access token with
// it). Unknown tokens are answered 200, as the RFC says.
func (inst *Instance) handleOAuthRevoke(w http.ResponseWriter, r *http.Request) {
	tr, e := readTokenForm(w, r)
	if e != nil {
		writeOAuthError(w, e, r.Header.Get("Authorization") != "")
		return
	}
	switch {
	case tr.Token == "":
		writeOAuthError(w, oauthErr(http.StatusBadRequest, "invalid_request", "token must be included."), tr.BasicAuth)
		return
	case tr.TokenHint != "" && tr.TokenHint != "access_token" && tr.TokenHint != "refresh_token":
		writeOAuthError(w, oauthErr(http.StatusBadRequest, "unsupported_token_type", "token_type_hint must be access_token or refresh_token."), tr.BasicAuth)
		return
	}
	now := inst.now()
	err := inst.store.update(r.Context(), func(t *txn) error {
		app, err := inst.clientFor(t, tr)
		if err != nil {
			return err
		}
		if id, err := t.oauthTokenValues().owner(tr.Token); err == nil {
			o, err := t.oauthTokens().get(id)
			if err != nil {
				return ignoreNotFound(err)
			}
			if o.ClientID != app.ClientID {
				return oauthErr(http.StatusBadRequest, "invalid_request", "The token was issued to another client.")
			}
			return revokeGrant(t, o.ID, "", now)
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		rt, err := t.oauthRefreshes().get(hashToken(tr.Token))
		if err != nil {
			return ignoreNotFound(err)
		}
		if rt.ClientID != app.ClientID {
			return oauthErr(http.StatusBadRequest, "invalid_request", "The token was issued to another client.")
		}
		return revokeGrant(t, rt.AccessTokenID, rt.ID, now)
	})
	var oe *oauthError
	if errors.As(err, &oe) {
		writeOAuthError(w, oe, tr.BasicAuth)
		return
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// openIDConfigWire is WellKnown.OpenIDConfiguration.
type openIDConfigWire struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	RevocationEndpoint    string   `json:"revocation_endpoint"`
	IntrospectionEndpoint string   `json:"introspection_endpoint"`
	UserinfoEndpoint      string   `json:"userinfo_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	ScopesSupported       []string `json:"scopes_supported"`
	ResponseTypes         []string `json:"response_types_supported"`
	ResponseModes         []string `json:"response_modes_supported"`
	GrantTypes            []string `json:"grant_types_supported"`
	SubjectTypes          []string `json:"subject_types_supported"`
	IDTokenAlgs           []string `json:"id_token_signing_alg_values_supported"`
	TokenAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	ClaimsSupported       []string `json:"claims_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
	BackchannelLogout     bool     `json:"backchannel_logout_supported"`
	FrontchannelLogout    bool     `json:"frontchannel_logout_supported"`
}

// authServerMetadataWire is WellKnown.OAuth2AuthorizationServerMetadata
// (RFC 8414).
type authServerMetadataWire struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	RevocationEndpoint    string   `json:"revocation_endpoint"`
	RegistrationEndpoint  string   `json:"registration_endpoint,omitempty"` // while dynamic registration is on
	JWKSURI               string   `json:"jwks_uri"`
	ResponseTypes         []string `json:"response_types_supported"`
	GrantTypes            []string `json:"grant_types_supported"`
	TokenAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	ScopesSupported       []string `json:"scopes_supported"`
	SubjectTypes          []string `json:"subject_types_supported"`
	IDTokenAlgs           []string `json:"id_token_signing_alg_values_supported"`
	ClaimsSupported       []string `json:"claims_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
}

// oauthClaimsSupported are the claims the id_token and userinfo carry.
var oauthClaimsSupported = []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified",
	"name", "given_name", "family_name", "preferred_username", "picture", "public_metadata", "private_metadata"}

var (
	oauthTokenAuthMethods = []string{"client_secret_basic", "client_secret_post", "none"}
	oauthGrantTypes       = []string{"authorization_code", "refresh_token"}
)

func (inst *Instance) handleOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	b := inst.oauthIssuer()
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, &openIDConfigWire{Issuer: b, AuthorizationEndpoint: b + "/oauth/authorize", TokenEndpoint: b + "/oauth/token",
		RevocationEndpoint: b + "/oauth/token/revoke", IntrospectionEndpoint: b + "/oauth/token_info", UserinfoEndpoint: b + "/oauth/userinfo",
		JWKSURI: b + "/.well-known/jwks.json", ScopesSupported: oauthScopesSupported, ResponseTypes: []string{"code"},
		ResponseModes: []string{"query"}, GrantTypes: oauthGrantTypes, SubjectTypes: []string{"public"}, IDTokenAlgs: []string{"RS256"},
		TokenAuthMethods: oauthTokenAuthMethods, ClaimsSupported: oauthClaimsSupported, CodeChallengeMethods: []string{"S256"}})
}

func (inst *Instance) handleOAuthServerMetadata(w http.ResponseWriter, r *http.Request) {
	b := inst.oauthIssuer()
	var s oauthAppSettings
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.settings().load(metaOAuthAppSettings, &s) }); err != nil {
		inst.writeError(w, r, err)
		return
	}
	registration := ""
	if s.DynamicRegistration {
		registration = b + "/oauth/register"
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, &authServerMetadataWire{Issuer: b, AuthorizationEndpoint: b + "/oauth/authorize", TokenEndpoint: b + "/oauth/token",
		RevocationEndpoint: b + "/oauth/token/revoke", RegistrationEndpoint: registration, JWKSURI: b + "/.well-known/jwks.json", ResponseTypes: []string{"code"},
		GrantTypes: oauthGrantTypes, TokenAuthMethods: oauthTokenAuthMethods, ScopesSupported: oauthScopesSupported,
		SubjectTypes: []string{"public"}, IDTokenAlgs: []string{"RS256"}, ClaimsSupported: oauthClaimsSupported, CodeChallengeMethods: []string{"S256"}})
}

// consentPageData is what the hosted consent page shows and posts.
type consentPageData struct {
	Base, Title, Error string
	AppName, Domain    string
	UserName, Email    string
	Scopes             []consentScope
	Action             string
	Fields             []consentField
}

type consentField struct{ Name, Value string }

// renderConsent shows localclerk's hosted consent page: the application,
// the signed-in user, the scopes, Allow and Deny. The form posts to the
// Frontend API's consent endpoint, as clerk-js's OAuthConsent does.
func (inst *Instance) renderConsent(w http.ResponseWriter, r *http.Request, app *oauthApp, req *authorizeRequest, redirect string, u *user, s *session, fwd url.Values) {
	d := &consentPageData{Base: inst.FrontendAPIURL, Title: "Allow " + app.Name + "?", AppName: app.Name, UserName: u.displayName(), Email: u.primaryEmail(),
		Scopes: consentScopes(req.Scopes)}
	if dom := redirectDomain(redirect); dom != nil {
		d.Domain = *dom
	}
	q := url.Values{"_clerk_session_id": {s.ID}}
	if dvb := devBrowserFromRequest(r); dvb != "" {
		q.Set("__clerk_db_jwt", dvb)
	}
	// Relative to <base>/oauth/authorize, so that the form posts back to
	// the same origin, localclerk's or an app's /__clerk proxy, with the
	// same cookie.
	d.Action = "../v1/me/oauth/consent/" + url.PathEscape(app.ClientID) + "?" + q.Encode()
	for _, p := range authorizeParams {
		if v := fwd.Get(p); v != "" {
			d.Fields = append(d.Fields, consentField{p, v})
		}
	}
	inst.writeConsentPage(w, http.StatusOK, d)
}

func (inst *Instance) renderConsentError(w http.ResponseWriter, status int, msg string) {
	inst.writeConsentPage(w, status, &consentPageData{Base: inst.FrontendAPIURL, Title: "Authorization failed", Error: msg})
}

func (inst *Instance) writeConsentPage(w http.ResponseWriter, status int, d *consentPageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	// The form's answer redirects to the client's registered redirect URI,
	// any scheme (form-action covers redirects after a submission).
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self'; form-action 'self' http: https:")
	w.WriteHeader(status)
	if err := consentPageTmpl.ExecuteTemplate(w, "oauth-consent", d); err != nil {
		inst.log.Error("localclerk: render consent page", "err", err)
	}
}

var consentPageTmpl = template.Must(template.New("oauth-consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · localclerk</title><link rel="stylesheet" href="{{.Base}}/assets/localclerk.css"></head>
<body><main class="card" aria-labelledby="page-title">
<p class="badge">localclerk · OAuth consent</p>
<h1 id="page-title">{{.Title}}</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{else}}
<p class="hint">Signed in as <strong id="consent-user">{{.UserName}}</strong>{{if .Email}} ({{.Email}}){{end}}.</p>
<p><strong id="consent-app">{{.AppName}}</strong> asks to:</p>
<ul id="consent-scopes">{{range .Scopes}}<li data-scope="{{.Scope}}">{{if .Description}}{{.Description}}{{else}}{{.Scope}}{{end}}</li>{{end}}</ul>
<p class="hint">Allowing sends you back to <strong id="consent-domain">{{.Domain}}</strong>.</p>
<form method="post" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<button type="submit" name="consented" value="true" id="consent-allow">Allow</button>
<button type="submit" name="consented" value="false" class="link" id="consent-deny">Deny</button>
</form>{{end}}
</main></body></html>
`))
