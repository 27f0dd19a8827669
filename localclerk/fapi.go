package localclerk

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// clientCookie is localclerk's first-party cookie on its own origin; it
// identifies the browser's client when no dev browser id is passed.
const clientCookie = "__localclerk_client"

// devBrowserCookie is the cookie clerk-js reads the dev browser from.
const devBrowserCookie = "__clerk_db_jwt"

// nonceTTL bounds how long a handshake nonce can be redeemed.
const nonceTTL = 5 * time.Minute

// sessionLifetime is how long a session lives without sign-out (Clerk's
// default inactivity-free maximum is 7 days).
const sessionLifetime = 7 * 24 * time.Hour

func ms(t time.Time) int64 { return t.UnixMilli() }

// routes builds the instance's handler: FAPI and pages at the root, the
// Backend API under /api, and /__clerk accepted as a proxy prefix.
func (inst *Instance) routes() http.Handler {
	mux := newRouteMux()
	inst.mux = mux
	mux.HandleFunc("GET /.well-known/jwks.json", inst.handleJWKS)
	mux.HandleFunc("GET /v1/jwks", inst.handleJWKS)
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "healthy"})
	})
	mux.HandleFunc("POST /v1/dev_browser", inst.handleDevBrowserCreate)
	mux.HandleFunc("GET /v1/dev_browser", inst.handleDevBrowserGet)
	mux.HandleFunc("GET /v1/client/handshake", inst.handleHandshake)
	inst.fapiRoutes(mux)
	inst.pageRoutes(mux)
	mux.Handle("/api/", http.StripPrefix("/api", inst.bapiHandler()))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			inst.handleHome(w, r)
			return
		}
		inst.writeError(w, r, newAPIError(http.StatusNotFound, "resource_not_found", "not found", fmt.Sprintf("%s %s is not served by localclerk.", r.Method, r.URL.Path), nil))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				inst.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		if rest, ok := strings.CutPrefix(r.URL.Path, "/__clerk"); ok && (rest == "" || rest[0] == '/') {
			r2 := r.Clone(r.Context())
			r2.URL.Path = rest
			r2.URL.RawPath = ""
			if r2.URL.Path == "" {
				r2.URL.Path = "/"
			}
			r = r2
		}
		// clerk-js joins a proxy URL and the unversioned /api_keys path
		// with an extra slash (/__clerk//api_keys); ServeMux would answer
		// that with a redirect away from the proxy.
		if strings.HasPrefix(r.URL.Path, "//") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + strings.TrimLeft(r.URL.Path, "/")
			r2.URL.RawPath = ""
			r = r2
		}
		r, ok := inst.fapiPrelude(w, r)
		if !ok {
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (inst *Instance) handleJWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, inst.key().jwks())
}

// newClient creates a client with a fresh dev browser.
func (inst *Instance) newClient(t *txn, now time.Time) (*client, error) {
	c := &client{ID: newID("client"), SessionIDs: []string{}, CreatedAt: ms(now), UpdatedAt: ms(now)}
	db := &devBrowser{ID: newID("dvb"), ClientID: c.ID, CreatedAt: ms(now)}
	c.DevBrowserID = db.ID
	if err := t.devBrowsers().put(db); err != nil {
		return nil, err
	}
	if err := t.clients().put(c); err != nil {
		return nil, err
	}
	return c, nil
}

// devBrowserFromRequest returns the dev browser id a request carries: the
// __clerk_db_jwt query parameter or form value, or a Bearer dvb_ token.
func devBrowserFromRequest(r *http.Request) string {
	if v := r.URL.Query().Get("__clerk_db_jwt"); v != "" {
		return v
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer dvb_") {
		return strings.TrimPrefix(h, "Bearer ")
	}
	return ""
}

// findClient resolves the client of a request from a dev browser id, else
// from localclerk's own cookie. It returns nil, nil when there is none.
func (inst *Instance) findClient(t *txn, r *http.Request, dvb string) (*client, error) {
	if dvb != "" {
		var db devBrowser
		err := t.devBrowsers().load(dvb, &db)
		if err == nil {
			var c client
			if err := t.clients().load(db.ClientID, &c); err == nil {
				return &c, nil
			} else if !errors.Is(err, errNotFound) {
				return nil, err
			}
		} else if !errors.Is(err, errNotFound) {
			return nil, err
		}
	}
	if ck, err := r.Cookie(clientCookie); err == nil && ck.Value != "" && len(ck.Value) < 100 {
		var c client
		err := t.clients().load(ck.Value, &c)
		if err == nil {
			return &c, nil
		}
		if !errors.Is(err, errNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// activeSession returns the client's current session if it is still
// signed in. When it is not (ended, revoked, or its lifetime has passed,
// which marks it expired) the most recently active of the client's other
// sessions takes over (see handOver).
func activeSession(t *txn, c *client, now time.Time) (*session, error) {
	if c == nil || c.LastActiveSessionID == "" {
		return nil, nil
	}
	var s session
	if err := t.sessions().load(c.LastActiveSessionID, &s); err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	} else if err == nil {
		if s.signedIn(now) {
			return &s, nil
		}
		if err := expireIfDue(t, &s, now); err != nil {
			return nil, err
		}
	}
	return handOver(t, c, now)
}

// startSession signs userID in on client c and makes the session the
// current one (single-session mode: other sessions of the client end;
// multi-session mode: the user's own earlier one), activating orgID when the user belongs to
// it, or their first organization when orgID is empty.
func (inst *Instance) startSession(t *txn, c *client, userID, orgID string, now time.Time) (*session, error) {
	var u user
	if err := t.users().load(userID, &u); err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	if err := inst.endSessionsBeforeSignIn(t, c, userID, now); err != nil {
		return nil, err
	}
	s := &session{ID: newID("sess"), ClientID: c.ID, UserID: userID, Status: "active",
		FirstFactorAt: ms(now), LastActiveAt: ms(now), ExpireAt: ms(now.Add(sessionLifetime)),
		AbandonAt: ms(now.Add(30 * 24 * time.Hour)), CreatedAt: ms(now), UpdatedAt: ms(now)}
	if orgID == "" {
		mems, err := userMemberships(t, userID)
		if err != nil {
			return nil, err
		}
		if len(mems) > 0 {
			orgID = mems[0].OrgID
		}
	}
	if orgID != "" {
		if _, _, _, err := activeOrg(t, orgID, userID); err == nil {
			s.ActiveOrgID = orgID
		}
	}
	if err := t.sessions().put(s); err != nil {
		return nil, err
	}
	t.emit("session.created", sessionJSON(s))
	c.SessionIDs = append(c.SessionIDs, s.ID)
	c.LastActiveSessionID = s.ID
	c.UpdatedAt = ms(now)
	if err := t.clients().put(c); err != nil {
		return nil, err
	}
	n := ms(now)
	u.LastSignInAt = &n
	u.LastActiveAt = &n
	u.UpdatedAt = n
	if err := t.users().put(&u); err != nil {
		return nil, err
	}
	return s, nil
}

// endClientSessions ends every active session of the client.
func (inst *Instance) endClientSessions(t *txn, c *client, now time.Time) error {
	for _, id := range c.SessionIDs {
		var s session
		if err := t.sessions().load(id, &s); err != nil {
			if errors.Is(err, errNotFound) {
				continue
			}
			return err
		}
		if s.Status == "active" || s.Status == "pending" {
			s.Status = "ended"
			s.UpdatedAt = ms(now)
			if err := t.sessions().put(&s); err != nil {
				return err
			}
			t.emit("session.ended", sessionJSON(&s))
		}
	}
	c.LastActiveSessionID = ""
	c.UpdatedAt = ms(now)
	return t.clients().put(c)
}

// activateOrg sets the session's active organization by id or slug (empty
// = personal account). Organizations the user does not belong to are
// ignored, as on Clerk.
func activateOrg(t *txn, s *session, idOrSlug string) error {
	if idOrSlug == "" {
		s.ActiveOrgID = ""
		return nil
	}
	o, err := orgByIDOrSlug(t, idOrSlug)
	if errors.Is(err, errNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, _, _, err := activeOrg(t, o.ID, s.UserID); err == nil {
		s.ActiveOrgID = o.ID
	} else if !errors.Is(err, errNotFound) {
		return err
	}
	return nil
}

// directives are the Set-Cookie values a handshake hands to the app. An
// empty token means signed out. A refresh token goes into the suffixed
// __refresh cookie, the only name the SDKs read it under.
//
// The suffixed set is sent even when the SDK asked for unsuffixed cookies
// (suffixed_cookies=false, its first handshake): the token's issuer is not
// the publishable key's host (issuer.go), so from the next request on the
// SDKs read the suffixed cookies, which must then be there.
func (inst *Instance) directives(token string, uat int64, dvb, refresh string, _ bool) []string {
	var out []string
	add := func(name, rest string) {
		out = append(out, name+rest, name+"_"+inst.CookieSuffix+rest)
	}
	if token != "" {
		add("__session", "="+token+"; Path=/; SameSite=Lax")
	} else {
		add("__session", "=; Path=/; Max-Age=0; SameSite=Lax")
	}
	add("__client_uat", fmt.Sprintf("=%d; Path=/; Max-Age=315360000; SameSite=Lax", uat))
	if dvb != "" {
		add(devBrowserCookie, "="+dvb+"; Path=/; Max-Age=315360000; SameSite=Lax")
	}
	if refresh != "" {
		out = append(out, refreshCookie+"_"+inst.CookieSuffix+"="+refresh+"; Path=/; Max-Age=315360000; HttpOnly; SameSite=Lax")
	}
	return out
}

// setClientCookie sets localclerk's own client cookie and, readable by
// scripts, the client's dev browser under both of clerk-js's names.
// clerk-js creates a dev browser only for hosts under Clerk's development
// domains, which a loopback publishable key is not; without one, a
// development instance's clerk-js throws "Missing dev browser" as soon as it
// builds a link to another origin (a hosted page, say). Through a
// same-origin proxy (a relative proxyUrl) the cookie lands on the app's
// origin; directly, on the loopback host the app shares.
func (inst *Instance) setClientCookie(w http.ResponseWriter, c *client) {
	http.SetCookie(w, &http.Cookie{Name: clientCookie, Value: c.ID, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 315360000})
	if c.DevBrowserID == "" {
		return
	}
	for _, name := range []string{devBrowserCookie, devBrowserCookie + "_" + inst.CookieSuffix} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: c.DevBrowserID, Path: "/",
			SameSite: http.SameSiteLaxMode, MaxAge: 315360000})
	}
}

// handleHandshake answers /v1/client/handshake: it refreshes the client's
// session token (or reports signed out) and sends the browser back to
// redirect_url carrying the cookie directives.
func (inst *Instance) handleHandshake(w http.ResponseWriter, r *http.Request) {
	hr, aerr := parseHandshakeQuery(r.URL.Query(), inst.allowed, inst.FrontendAPIURL)
	if aerr != nil {
		inst.writeError(w, r, aerr)
		return
	}
	now := inst.now()
	var c *client
	var unsigned *unsignedToken
	var uat int64
	var refresh string
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		c, err = inst.findClient(t, r, hr.DevBrowser)
		if err != nil {
			return err
		}
		if c == nil {
			if c, err = inst.newClient(t, now); err != nil {
				return err
			}
		}
		s, err := activeSession(t, c, now)
		if err != nil {
			return err
		}
		if s != nil {
			if hr.OrgSet {
				if err := activateOrg(t, s, hr.OrgID); err != nil {
					return err
				}
			}
			s.Azp = origin(hr.Redirect)
			if inst.opts.RefreshCookie {
				if s.RefreshToken == "" {
					s.RefreshToken = randString(48)
				}
				refresh = s.RefreshToken
			}
			s.LastActiveAt = ms(now)
			s.UpdatedAt = ms(now)
			if err := t.sessions().put(s); err != nil {
				return err
			}
			u, err := inst.sessionTokenClaims(t, s, now, inst.lifetime)
			if err != nil {
				return err
			}
			unsigned, uat = &u, c.UpdatedAt/1000
		}
		return nil
	})
	// The session token is signed after the commit (see unsignedToken).
	var token string
	if err == nil && unsigned != nil {
		token, err = inst.signToken(*unsigned)
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	dirs := inst.directives(token, uat, c.DevBrowserID, refresh, hr.Suffixed)
	var loc string
	if hr.Format == "nonce" {
		n := &handshakeNonce{ID: randString(40), Directives: dirs, CreatedAt: ms(now)}
		err := inst.store.update(r.Context(), func(t *txn) error {
			if err := t.nonces().purgeOlder(ms(now) - nonceTTL.Milliseconds()); err != nil {
				return err
			}
			return t.nonces().put(n)
		})
		if err != nil {
			inst.writeError(w, r, err)
			return
		}
		loc = withQuery(hr.Redirect, "__clerk_handshake_nonce", n.ID, "__clerk_db_jwt", c.DevBrowserID)
	} else {
		tok, err := inst.key().sign(map[string]any{"handshake": dirs}, catSessionToken)
		if err != nil {
			inst.writeError(w, r, err)
			return
		}
		loc = withQuery(hr.Redirect, "__clerk_handshake", tok, "__clerk_db_jwt", c.DevBrowserID)
	}
	if c.DevBrowserID != hr.DevBrowser {
		// Never from the query's dev browser (see browser.go).
		inst.setClientCookie(w, c)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusTemporaryRedirect)
}

// takeNonce redeems a handshake nonce once.
func (inst *Instance) takeNonce(t *txn, nonce string, now time.Time) ([]string, error) {
	var n handshakeNonce
	if err := t.nonces().load(nonce, &n); err != nil {
		return nil, err
	}
	if err := t.nonces().del(nonce); err != nil {
		return nil, err
	}
	if ms(now)-n.CreatedAt > nonceTTL.Milliseconds() {
		return nil, errNotFound
	}
	return n.Directives, nil
}

func (inst *Instance) handleDevBrowserCreate(w http.ResponseWriter, r *http.Request) {
	now := inst.now()
	var db devBrowser
	err := inst.store.update(r.Context(), func(t *txn) error {
		c, err := inst.newClient(t, now)
		if err != nil {
			return err
		}
		return t.devBrowsers().load(c.DevBrowserID, &db)
	})
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, devBrowserJSON(&db))
}

func (inst *Instance) handleDevBrowserGet(w http.ResponseWriter, r *http.Request) {
	id := devBrowserFromRequest(r)
	if id == "" {
		inst.writeError(w, r, newAPIError(http.StatusUnauthorized, "dev_browser_unauthenticated", "Unauthenticated", "Pass the dev browser id as __clerk_db_jwt or Authorization: Bearer.", nil))
		return
	}
	var db devBrowser
	err := inst.store.view(r.Context(), func(t *txn) error { return t.devBrowsers().load(id, &db) })
	if errors.Is(err, errNotFound) {
		err = errNotFoundResource("dev browser")
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, devBrowserJSON(&db))
}
