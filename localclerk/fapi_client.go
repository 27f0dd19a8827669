package localclerk

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// This file is the Frontend API as clerk-js calls it: the request
// conventions (form bodies, _method override, CORS with credentials), the
// {response, client} envelope, and the client and session resources.
//
// A localclerk publishable key encodes a loopback host, not one of Clerk's
// development suffixes, so clerk-js does not create a dev browser with it:
// the client is identified by localclerk's own cookie on the Frontend API
// origin (same-site with an app on the same loopback host), and clerk-js
// writes __session and __client_uat on the app's origin itself, where
// goclerk's middleware reads them. localclerk hands clerk-js the client's
// dev browser as a cookie (setClientCookie) for the links it decorates,
// and requests that carry one (__clerk_db_jwt) are resolved through it.

func (inst *Instance) fapiRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/avatar.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write([]byte(avatarSVG))
	})
	mux.HandleFunc("GET /v1/organization_logos/{id}", inst.serveOrgLogo)
	mux.HandleFunc("GET /images/{id}", inst.handleImage)
	mux.HandleFunc("GET /npm/@clerk/{spec}/dist/{file...}", inst.handleBundle)
	mux.HandleFunc("GET /v1/environment", inst.handleEnvironment)
	mux.HandleFunc("PATCH /v1/environment", inst.handleEnvironment)
	mux.HandleFunc("GET /v1/client", inst.handleClient)
	mux.HandleFunc("PUT /v1/client", inst.handleClient)
	mux.HandleFunc("POST /v1/client", inst.handleClient)
	mux.HandleFunc("DELETE /v1/client", inst.handleClientDelete)
	mux.HandleFunc("DELETE /v1/client/sessions", inst.handleClientDelete)
	mux.HandleFunc("GET /v1/client/sessions/{sid}", inst.handleSessionGet)
	mux.HandleFunc("POST /v1/client/sessions/{sid}/touch", inst.handleSessionTouch)
	mux.HandleFunc("POST /v1/client/sessions/{sid}/end", inst.handleSessionEnd)
	mux.HandleFunc("POST /v1/client/sessions/{sid}/remove", inst.handleSessionEnd)
	mux.HandleFunc("POST /v1/client/sessions/{sid}/tokens", inst.handleSessionToken)
	mux.HandleFunc("POST /v1/client/sessions/{sid}/tokens/{template}", inst.handleSessionToken)
	mux.HandleFunc("GET /v1/verify", inst.handleVerify)
	mux.HandleFunc("POST /v1/waitlist", inst.handleJoinWaitlist)
	inst.sessionReverificationRoutes(mux)
	inst.signInRoutes(mux)
	inst.signUpRoutes(mux)
	inst.meRoutes(mux)
	inst.orgRoutes(mux)
	inst.oauthRoutes(mux)
	inst.oauthIdPRoutes(mux)
	inst.apiKeyRoutes(mux)
	inst.miscRoutes(mux)
}

// fapiPrelude applies the cross-origin rules and clerk-js's method
// override to Frontend API requests before routing. It answers preflights
// and rejected requests itself (ok false).
func (inst *Instance) fapiPrelude(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	isFAPI := strings.HasPrefix(r.URL.Path, "/v1/") || isAPIKeysPath(r.URL.Path)
	if !isFAPI {
		return r, true
	}
	if o := r.Header.Get("Origin"); o != "" {
		if !inst.originAllowed(o) {
			inst.writeError(w, r, newAPIError(http.StatusForbidden, "origin_invalid", "is not allowed", "Requests from origin "+o+" are not allowed; add it to localclerk's allowed origins.", paramMeta("origin")))
			return nil, false
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return nil, false
		}
	}
	// clerk-js writes some collection paths with a trailing slash
	// (POST /v1/me/email_addresses/); Clerk's Frontend API serves both.
	if p := r.URL.Path; len(p) > len("/v1/") && strings.HasSuffix(p, "/") {
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimSuffix(p, "/")
		r2.URL.RawPath = ""
		r = r2
	}
	if m := r.URL.Query().Get("_method"); m != "" {
		m = strings.ToUpper(m)
		if r.Method != http.MethodPost || (m != http.MethodPatch && m != http.MethodDelete && m != http.MethodPut) {
			inst.writeError(w, r, errParam(http.StatusBadRequest, "form_param_value_invalid", "_method",
				"_method overrides POST only, with PATCH, PUT or DELETE."))
			return nil, false
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		r = r2
	}
	return r, true
}

// originAllowed: loopback origins, Options.AllowedOrigins, the instance's
// own origin and the allowed_origins set through the Backend API.
func (inst *Instance) originAllowed(o string) bool {
	if inst.apiOriginAllowed(o) {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
		return false
	}
	lo := strings.ToLower(u.Scheme + "://" + u.Host)
	return isLoopbackHost(u.Hostname()) || inst.allowed[lo] || strings.EqualFold(lo, inst.FrontendAPIURL)
}

// fapiForm reads a clerk-js request body (form-encoded; JSON objects of
// strings are accepted too) into url.Values.
func fapiForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := decodeBody(w, r, &m); err != nil {
			return nil, err
		}
		v := url.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case nil:
			default:
				return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", k, k+" must be a string.")
			}
		}
		return v, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, newAPIError(http.StatusBadRequest, "malformed_request", "malformed request", "The form-encoded request body could not be parsed.", nil)
	}
	return r.PostForm, nil
}

// fapiCall is one Frontend API request's transaction: the caller's client
// (created on first contact) and the time.
type fapiCall struct {
	t    *txn
	c    *client
	now  time.Time
	r    *http.Request
	form url.Values
	base string // public base URL of the Frontend API, for image URLs
	// pw is the verdict on the request's password, checked before the
	// transaction (see fapiPrecheck); nil when the request has none.
	pw *passwordCheck
	// newPasswordHash is the hash of the password a sign-up sets, hashed
	// before the transaction; "" when it sets none.
	newPasswordHash string
	// passkey is the verdict on the request's WebAuthn response, checked
	// before the transaction (fapi_passkeys.go); nil when it has none.
	passkey *passkeyCheck
	// tokens are the answer's session tokens by session, and unsigned
	// those still to sign after the commit (see unsignedToken).
	tokens   map[string]*fapiToken
	unsigned []pendingToken
}

// fapiPre is the result of a request's slow work, done before its write
// transaction.
type fapiPre struct {
	check   *passwordCheck // verdict on a sign-in's password
	newHash string         // hash of a sign-up's new password
	passkey *passkeyCheck  // verdict on a passkey registration or assertion
}

// fapiPrecheck does a request's slow work before its write transaction:
// checking the password a sign-in carries, hashing the one a sign-up
// sets. The zero fapiPre means there was nothing to do.
type fapiPrecheck func(r *http.Request, form url.Values) (fapiPre, error)

// fapiRespond runs fn in one write transaction and answers with the
// {response, client} envelope clerk-js expects. Nothing is written when fn
// fails.
func (inst *Instance) fapiRespond(w http.ResponseWriter, r *http.Request, fn func(x *fapiCall) (any, error)) {
	inst.fapiRespondChecked(w, r, nil, fn)
}

// fapiRespondChecked is fapiRespond with pre run first, outside the
// transaction; when the transaction finds pre's verdict stale (the
// password changed meanwhile) both run again.
func (inst *Instance) fapiRespondChecked(w http.ResponseWriter, r *http.Request, pre fapiPrecheck, fn func(x *fapiCall) (any, error)) {
	form, err := fapiForm(w, r)
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	var x *fapiCall
	var resp, cl any
	err = retryStale(func() error {
		x = &fapiCall{now: inst.now(), r: r, form: form, base: inst.publicBase(r)}
		if pre != nil {
			p, err := pre(r, form)
			if err != nil {
				return err
			}
			x.pw, x.newPasswordHash, x.passkey = p.check, p.newHash, p.passkey
		}
		return inst.store.update(r.Context(), func(t *txn) error {
			x.t = t
			c, err := inst.findClient(t, r, devBrowserFromRequest(r))
			if err != nil {
				return err
			}
			if c == nil {
				if c, err = inst.newClient(t, x.now); err != nil {
					return err
				}
			}
			// The current session may have ended since the last call
			// (revoked, expired): hand over before answering (handOver).
			if _, err := activeSession(t, c, x.now); err != nil {
				return err
			}
			if c.UserAgent == "" && r.UserAgent() != "" {
				if err := recordDevice(t, c, r); err != nil {
					return err
				}
			}
			x.c = c
			if resp, err = fn(x); err != nil {
				return err
			}
			cl, err = inst.fapiClientJSON(x)
			return err
		})
	})
	if err == nil {
		err = x.signPending(inst)
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	inst.setClientCookie(w, x.c)
	if b, ok := resp.(bareResponse); ok {
		writeJSON(w, http.StatusOK, b.v)
		return
	}
	writeJSON(w, http.StatusOK, &fapiEnvelopeWire{Response: resp, Client: cl})
}

// bareResponse is an answer the Frontend API sends as it is, without the
// {response, client} envelope: the lists of /v1/me's e-mail addresses and
// sessions.
type bareResponse struct{ v any }

// saveClient stores the call's client with a new updated_at.
func (x *fapiCall) saveClient() error {
	x.c.UpdatedAt = ms(x.now)
	return x.t.clients().put(x.c)
}

// session loads a session of the calling client by id.
func (x *fapiCall) session(id string) (*session, error) {
	found := false
	for _, s := range x.c.SessionIDs {
		found = found || s == id
	}
	var s session
	if !found {
		return nil, errNotFoundResource("session")
	}
	if err := x.t.sessions().load(id, &s); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, errNotFoundResource("session")
		}
		return nil, err
	}
	return &s, nil
}

var errSignedOut = newAPIError(http.StatusUnauthorized, "signed_out", "Signed out", "This session has ended or does not belong to this client.", nil)

func (inst *Instance) handleClient(w http.ResponseWriter, r *http.Request) {
	inst.fapiRespond(w, r, func(x *fapiCall) (any, error) {
		if r.Method != http.MethodGet {
			if err := x.saveClient(); err != nil {
				return nil, err
			}
		}
		return inst.fapiClientJSON(x)
	})
}

// handleClientDelete signs every session of the client out (DELETE
// /client/sessions, and DELETE /client which also forgets the sign-in and
// sign-up in progress).
func (inst *Instance) handleClientDelete(w http.ResponseWriter, r *http.Request) {
	inst.fapiRespond(w, r, func(x *fapiCall) (any, error) {
		if err := inst.endClientSessions(x.t, x.c, x.now); err != nil {
			return nil, err
		}
		if r.URL.Path == "/v1/client" {
			x.c.SignInID, x.c.SignUpID = "", ""
		}
		if err := x.saveClient(); err != nil {
			return nil, err
		}
		return inst.fapiClientJSON(x)
	})
}

// handleSessionGet answers one session of the calling client, whatever
// its status.
func (inst *Instance) handleSessionGet(w http.ResponseWriter, r *http.Request) {
	inst.fapiRespond(w, r, func(x *fapiCall) (any, error) {
		s, err := x.session(r.PathValue("sid"))
		if err != nil {
			return nil, err
		}
		return inst.fapiSessionJSON(x, s)
	})
}

// handleSessionTouch makes a session the client's current one and sets its
// active organization (setActive in clerk-js).
func (inst *Instance) handleSessionTouch(w http.ResponseWriter, r *http.Request) {
	inst.fapiRespond(w, r, func(x *fapiCall) (any, error) {
		s, err := x.session(r.PathValue("sid"))
		if err != nil {
			return nil, err
		}
		if s.Status != "active" || ms(x.now) >= s.ExpireAt {
			return nil, errSignedOut
		}
		if _, ok := x.form["active_organization_id"]; ok {
			if err := switchOrg(x.t, s, x.form.Get("active_organization_id"), "active_organization_id"); err != nil {
				return nil, err
			}
		}
		s.LastActiveAt = ms(x.now)
		s.UpdatedAt = ms(x.now)
		if err := x.t.sessions().put(s); err != nil {
			return nil, err
		}
		if x.c.LastActiveSessionID != s.ID {
			x.c.LastActiveSessionID = s.ID
			if err := x.saveClient(); err != nil {
				return nil, err
			}
		}
		return inst.fapiSessionJSON(x, s)
	})
}

// handleSessionEnd signs one session out (end or remove).
func (inst *Instance) handleSessionEnd(w http.ResponseWriter, r *http.Request) {
	inst.fapiRespond(w, r, func(x *fapiCall) (any, error) {
		s, err := x.session(r.PathValue("sid"))
		if err != nil {
			return nil, err
		}
		status := "ended"
		if strings.HasSuffix(r.URL.Path, "/remove") {
			status = "removed"
		}
		if s.Status == "active" || s.Status == "pending" {
			s.Status = status
			s.UpdatedAt = ms(x.now)
			if err := x.t.sessions().put(s); err != nil {
				return nil, err
			}
			x.t.emit("session."+status, sessionJSON(s))
		}
		if x.c.LastActiveSessionID == s.ID {
			// Another signed-in session of the client takes over.
			if _, err := handOver(x.t, x.c, x.now); err != nil {
				return nil, err
			}
		}
		if err := x.saveClient(); err != nil {
			return nil, err
		}
		return inst.fapiSessionJSON(x, s)
	})
}

// handleSessionToken mints a session token (or a JWT template's token) for
// a signed-in session of the client (the current one, or in multi-session
// mode another tab's). organization_id picks the organization
// the token is for (empty: the personal account); without it the
// session's active organization is used.
func (inst *Instance) handleSessionToken(w http.ResponseWriter, r *http.Request) {
	form, err := fapiForm(w, r)
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	now := inst.now()
	var jwt string // a template's token, signed inside (templates may carry their own keys)
	var unsigned unsignedToken
	err = inst.store.update(r.Context(), func(t *txn) error {
		c, err := inst.findClient(t, r, devBrowserFromRequest(r))
		if err != nil {
			return err
		}
		if c == nil {
			return errSignedOut
		}
		if _, err := activeSession(t, c, now); err != nil {
			return err
		}
		s, err := clientSession(t, c, r.PathValue("sid"), now)
		if err != nil {
			return err
		}
		if o := r.Header.Get("Origin"); o != "" && s.Azp != o {
			s.Azp = o
			if err := t.sessions().put(s); err != nil {
				return err
			}
		}
		if name := r.PathValue("template"); name != "" {
			tpl, err := templateByName(t, name)
			if err != nil {
				return err
			}
			jwt, err = inst.mintTemplateToken(t, s, tpl, now, inst.lifetime)
			return err
		}
		if _, ok := form["organization_id"]; ok {
			tokenFor := *s
			if err := switchOrg(t, &tokenFor, form.Get("organization_id"), "organization_id"); err != nil {
				return err
			}
			s = &tokenFor
		}
		unsigned, err = inst.sessionTokenClaims(t, s, now, inst.lifetime)
		return err
	})
	if err == nil && jwt == "" {
		jwt, err = inst.signToken(unsigned)
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &fapiToken{Object: "token", JWT: jwt})
}

// switchOrg makes org (id or slug; empty or "null" for the personal
// account) the session's active organization, or fails with 404 when the
// user is not a member of it.
func switchOrg(t *txn, s *session, org, param string) error {
	if org == "null" {
		org = ""
	}
	s.ActiveOrgID = ""
	if err := activateOrg(t, s, org); err != nil {
		return err
	}
	if org != "" && s.ActiveOrgID == "" {
		return errParam(http.StatusNotFound, "resource_not_found", param, "No organization "+org+" with this user as a member.")
	}
	return nil
}

// fapiUserJSON is the Backend API user plus what the Frontend API adds:
// the user's organization memberships.
// forFrontendAPI gives an address's code verification (a test address
// verified by its code, or one not verified yet) the one-time-code shape
// with an expiry, which the Frontend API always has: long past here.
func (e *emailAddressWire) forFrontendAPI() {
	if e.Verification.Strategy == "email_code" {
		e.Verification.Object = "verification_otp"
		e.Verification.ExpireAt = &e.CreatedAt
	}
}

func (inst *Instance) fapiUserJSON(x *fapiCall, u *user) (*userWire, error) {
	m := userJSON(u)
	m.PrivateMetadata = nil
	m.Passkeys = passkeysJSON(u)
	if u.ImageURL == "" {
		m.ImageURL, m.ProfileImageURL = x.avatar(), x.avatar()
	}
	m.CreateOrganizationsLimit = new(int64) // the Frontend API's integer; clerk-js reads 0 as no limit
	if u.CreateOrgLimit != nil {
		m.CreateOrganizationsLimit = u.CreateOrgLimit
	}
	for i := range m.EmailAddresses {
		m.EmailAddresses[i].forFrontendAPI()
	}
	mems, err := userMemberships(x.t, u.ID)
	if err != nil {
		return nil, err
	}
	m.OrganizationMemberships = []*membershipWire{}
	for _, mem := range mems {
		mj, err := inst.fapiMembershipJSON(x, mem)
		if err != nil {
			return nil, err
		}
		m.OrganizationMemberships = append(m.OrganizationMemberships, mj)
	}
	return m, nil
}

// fapiMembershipJSON is a membership as the signed-in user sees it: no
// private metadata, and the organization's member count.
func (inst *Instance) fapiMembershipJSON(x *fapiCall, mem *membership) (*membershipWire, error) {
	mj, err := membershipJSON(x.t, mem)
	if err != nil {
		return nil, err
	}
	mj.PrivateMetadata = nil
	o, err := x.t.orgs().get(mem.OrgID)
	if err != nil {
		return nil, err
	}
	if mj.Organization, err = inst.fapiOrgJSON(x, o); err != nil {
		return nil, err
	}
	if pud := &mj.PublicUserData; !pud.HasImage {
		pud.ImageURL, pud.ProfileImageURL = x.avatar(), x.avatar()
	}
	return mj, nil
}

// avatar is the image of every user and organization, served by
// localclerk itself so that the components load nothing from a CDN; behind
// a Frontend API proxy its URL is the proxy's (Clerk-Proxy-Url).
func (x *fapiCall) avatar() string { return x.base + "/v1/avatar.svg" }

// publicBase is where the browser reaches this Frontend API: the
// Clerk-Proxy-Url a proxy sends when it is an allowed origin, else the
// instance's own URL.
func (inst *Instance) publicBase(r *http.Request) string {
	if p := r.Header.Get("Clerk-Proxy-Url"); p != "" {
		if u, err := url.Parse(p); err == nil && u.User == nil && u.RawQuery == "" && u.Fragment == "" &&
			inst.originAllowed(u.Scheme+"://"+u.Host) {
			return strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
		}
	}
	return inst.FrontendAPIURL
}

const avatarSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#c9c2f5"/>` +
	`<circle cx="32" cy="25" r="12" fill="#6c47ff"/><path d="M10 60c2-13 11-20 22-20s20 7 22 20z" fill="#6c47ff"/></svg>`
