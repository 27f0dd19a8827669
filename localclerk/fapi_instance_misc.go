package localclerk

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"
)

// The Frontend API's smaller instance operations: the Account Portal's
// settings, the proxy health check, redirects, site-data clearing, the
// development browser's first-party cookie and init page, service
// tokens, and satellite-domain syncing. localclerk is one host for every
// domain, so syncing a satellite carries the same client over.

func (inst *Instance) miscRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/account_portal", inst.handleAccountPortal)
	mux.HandleFunc("GET /v1/proxy-health", inst.handleProxyHealth)
	mux.HandleFunc("GET /v1/redirect", inst.handleRedirect)
	mux.HandleFunc("GET /v1/clear-site-data", inst.handleClearSiteData)
	mux.HandleFunc("POST /v1/dev_browser/set_first_party_cookie", inst.handleDevBrowserCookie)
	mux.HandleFunc("GET /v1/dev_browser/init", inst.handleDevBrowserInit)
	mux.HandleFunc("POST /v1/me/tokens", inst.meHandler(inst.meServiceToken))
	mux.HandleFunc("GET /v1/client/sync", inst.handleClientSync)
	mux.HandleFunc("GET /v1/client/link", inst.handleClientLink)
	mux.HandleFunc("GET /v1/agents/tasks", inst.handleAgentTask)
}

// accountPortalWire is the AccountPortal object: localclerk's hosted
// pages stand in for Clerk's Account Portal.
type accountPortalWire struct {
	Object                     string                  `json:"object"` // "account_portal"
	Allowed                    bool                    `json:"allowed"`
	Enabled                    bool                    `json:"enabled"`
	InternalLinking            bool                    `json:"internal_linking"`
	AfterSignInURL             string                  `json:"after_sign_in_url"`
	AfterSignUpURL             string                  `json:"after_sign_up_url"`
	AfterJoinWaitlistURL       string                  `json:"after_join_waitlist_url"`
	AfterCreateOrganizationURL string                  `json:"after_create_organization_url"`
	AfterLeaveOrganizationURL  string                  `json:"after_leave_organization_url"`
	LogoLinkURL                string                  `json:"logo_link_url"`
	Customization              portalCustomizationWire `json:"customization"`
}

type portalCustomizationWire struct {
	Appearance           *string `json:"appearance"`
	BackgroundColorDark  *string `json:"background_color_dark"`
	BackgroundColorLight *string `json:"background_color_light"`
	PrimaryColorDark     *string `json:"primary_color_dark"`
	PrimaryColorLight    *string `json:"primary_color_light"`
}

func (inst *Instance) handleAccountPortal(w http.ResponseWriter, r *http.Request) {
	base := inst.publicBase(r)
	writeJSON(w, http.StatusOK, &accountPortalWire{Object: "account_portal", Allowed: true, Enabled: true,
		InternalLinking: true, AfterSignInURL: base + "/user", AfterSignUpURL: base + "/user",
		AfterJoinWaitlistURL: base + "/", AfterCreateOrganizationURL: base + "/user",
		AfterLeaveOrganizationURL: base + "/user", LogoLinkURL: base + "/"})
}

// proxyHealthWire is GET /v1/proxy-health's answer.
type proxyHealthWire struct {
	Status        string `json:"status"` // "healthy" or "unhealthy"
	XForwardedFor string `json:"x_forwarded_for,omitempty"`
	Message       string `json:"message,omitempty"`
}

// handleProxyHealth checks a proxy's configuration as Clerk's Dashboard
// does: the proxy forwards the instance's secret key and its own URL,
// which must be an origin the instance allows.
func (inst *Instance) handleProxyHealth(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("domain_id")
	if id == "" {
		inst.writeError(w, r, errParam(http.StatusBadRequest, "form_param_missing", "domain_id", "domain_id must be included."))
		return
	}
	if id != inst.primaryDomainID() {
		var d domain
		err := inst.store.view(r.Context(), func(t *txn) error { return t.domains().load(id, &d) })
		if errors.Is(err, errNotFound) {
			err = errParam(http.StatusBadRequest, "form_param_value_invalid", "domain_id", "No domain "+id+" on this instance.")
		}
		if err != nil {
			inst.writeError(w, r, err)
			return
		}
	}
	unhealthy := func(msg string) { writeJSON(w, http.StatusOK, &proxyHealthWire{Status: "unhealthy", Message: msg}) }
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Clerk-Secret-Key")), []byte(inst.SecretKey)) != 1 {
		unhealthy("The proxy does not forward this instance's secret key as Clerk-Secret-Key.")
		return
	}
	p, err := url.Parse(r.Header.Get("Clerk-Proxy-Url"))
	if err != nil || p.Scheme == "" || p.Host == "" || !inst.originAllowed(p.Scheme+"://"+p.Host) {
		unhealthy("Clerk-Proxy-Url is not an absolute URL on an origin the instance allows.")
		return
	}
	xff := r.Header.Get("X-Forwarded-For")
	if xff == "" {
		unhealthy("The proxy does not send X-Forwarded-For.")
		return
	}
	writeJSON(w, http.StatusOK, &proxyHealthWire{Status: "healthy", XForwardedFor: xff})
}

// handleRedirect redirects to an allowed redirect_url, else to
// localclerk's home page.
func (inst *Instance) handleRedirect(w http.ResponseWriter, r *http.Request) {
	to := inst.publicBase(r) + "/"
	if raw := r.URL.Query().Get("redirect_url"); raw != "" {
		u, aerr := checkRedirectURL(raw, inst.allowed, inst.FrontendAPIURL)
		if aerr != nil {
			inst.writeError(w, r, aerr)
			return
		}
		to = u.String()
	}
	http.Redirect(w, r, to, http.StatusTemporaryRedirect)
}

// handleClearSiteData asks the browser to drop what it keeps for the
// Frontend API's origin, localclerk's client cookie included.
func (inst *Instance) handleClearSiteData(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Clear-Site-Data", `"*"`)
	http.SetCookie(w, &http.Cookie{Name: clientCookie, Value: "", Path: "/", MaxAge: -1})
	writeJSON(w, http.StatusOK, struct{}{})
}

var errNoDevBrowser = newAPIError(http.StatusUnauthorized, "dev_browser_unauthenticated", "Unauthenticated",
	"Pass the dev browser id as __clerk_db_jwt or Authorization: Bearer.", nil)

// handleDevBrowserCookie sets the dev browser's cookie on the Frontend
// API's own origin, for browsers that hold it only in the app's URL.
func (inst *Instance) handleDevBrowserCookie(w http.ResponseWriter, r *http.Request) {
	id := devBrowserFromRequest(r)
	if id == "" {
		if err := r.ParseForm(); err == nil {
			id = r.PostForm.Get("__clerk_db_jwt")
		}
	}
	if id == "" {
		inst.writeError(w, r, errNoDevBrowser)
		return
	}
	var c *client
	err := inst.store.view(r.Context(), func(t *txn) error {
		var db devBrowser
		if err := t.devBrowsers().load(id, &db); err != nil {
			return err
		}
		var cl client
		if err := t.clients().load(db.ClientID, &cl); err != nil {
			return err
		}
		c = &cl
		return nil
	})
	if errors.Is(err, errNotFound) {
		err = errNotFoundResource("dev browser")
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	inst.setClientCookie(w, c)
	writeJSON(w, http.StatusOK, struct{}{})
}

var devBrowserInitPage = template.Must(template.New("init").Parse(`<!doctype html>
<meta charset="utf-8"><title>localclerk dev browser</title>
<script>window.parent.postMessage({ type: "clerk:dev_browser", dev_browser: {{.DevBrowser}} }, {{.Origin}});</script>
`))

// handleDevBrowserInit is the page an app's frame loads to learn the dev
// browser of the Frontend API's origin: it posts it to origin, which
// must be one the instance allows. A browser without a client gets one.
func (inst *Instance) handleDevBrowserInit(w http.ResponseWriter, r *http.Request) {
	origin := r.URL.Query().Get("origin")
	if origin == "" || !inst.originAllowed(origin) {
		inst.writeError(w, r, errParam(http.StatusBadRequest, "form_param_value_invalid", "origin", "origin must be an origin the instance allows."))
		return
	}
	var c *client
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if c, err = inst.findClient(t, r, devBrowserFromRequest(r)); err != nil || c != nil {
			return err
		}
		c, err = inst.newClient(t, inst.now())
		return err
	})
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	inst.setClientCookie(w, c)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = devBrowserInitPage.Execute(w, struct{ DevBrowser, Origin string }{c.DevBrowserID, origin})
}

// meServiceToken mints the token of an integration for the signed-in
// session: service names one of the instance's JWT templates.
func (inst *Instance) meServiceToken(x *fapiCall, u *user) (any, error) {
	name := x.form.Get("service")
	if name == "" {
		return nil, errMissing("service")
	}
	s, err := meSession(x.t, x.r, x.c, x.now)
	if err != nil {
		return nil, err
	}
	tpl, err := templateByName(x.t, name)
	if err != nil {
		return nil, err
	}
	jwt, err := inst.mintTemplateToken(x.t, s, tpl, x.now, inst.lifetime)
	if err != nil {
		return nil, err
	}
	return bareResponse{&fapiToken{Object: "token", JWT: jwt}}, nil
}

// syncTokenTTL bounds how long a satellite's link token is good for.
const syncTokenTTL = time.Minute

// syncClaims are the claims of the token /v1/client/sync hands to
// /v1/client/link: which client to carry over, and where to go then.
type syncClaims struct {
	Typ      string `json:"typ"` // "client_sync"
	ClientID string `json:"client_id"`
	Redirect string `json:"redirect_url"`
	Exp      int64  `json:"exp"`
}

// handleClientSync starts syncing a satellite domain with the primary:
// it signs a short-lived token for the browser's client and sends the
// browser to /v1/client/link (on the same localclerk, which serves every
// domain).
func (inst *Instance) handleClientSync(w http.ResponseWriter, r *http.Request) {
	u, aerr := checkRedirectURL(r.URL.Query().Get("redirect_url"), inst.allowed, inst.FrontendAPIURL)
	if aerr != nil {
		inst.writeError(w, r, aerr)
		return
	}
	var c *client
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if c, err = inst.findClient(t, r, devBrowserFromRequest(r)); err != nil || c != nil {
			return err
		}
		c, err = inst.newClient(t, inst.now())
		return err
	})
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	tok, err := inst.key().sign(syncClaims{Typ: "client_sync", ClientID: c.ID, Redirect: u.String(),
		Exp: inst.now().Add(syncTokenTTL).Unix()}, "")
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, inst.publicBase(r)+"/v1/client/link?__clerk_token="+url.QueryEscape(tok), http.StatusTemporaryRedirect)
}

var errBadSyncToken = errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "__clerk_token",
	"__clerk_token is not a valid, unexpired token from /v1/client/sync.")

// handleClientLink completes a sync: the browser's client on this domain
// becomes the synced one, and it returns to the redirect URL marked as
// synced (with the dev browser, for a development instance).
func (inst *Instance) handleClientLink(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("__clerk_token")
	if tok == "" {
		inst.writeError(w, r, errMissing("__clerk_token"))
		return
	}
	payload, err := inst.verifiedPayload(tok)
	var sc syncClaims
	if err != nil || json.Unmarshal(payload, &sc) != nil || sc.Typ != "client_sync" || inst.now().Unix() > sc.Exp {
		inst.writeError(w, r, errBadSyncToken)
		return
	}
	u, aerr := checkRedirectURL(sc.Redirect, inst.allowed, inst.FrontendAPIURL)
	if aerr != nil {
		inst.writeError(w, r, aerr)
		return
	}
	var c client
	err = inst.store.view(r.Context(), func(t *txn) error { return t.clients().load(sc.ClientID, &c) })
	if errors.Is(err, errNotFound) {
		err = errBadSyncToken
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	inst.setClientCookie(w, &c)
	kv := []string{"__clerk_synced", "true"}
	if c.DevBrowserID != "" {
		kv = append(kv, "__clerk_db_jwt", c.DevBrowserID)
	}
	http.Redirect(w, r, withQuery(u, kv...), http.StatusTemporaryRedirect)
}
