package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
)

// app holds the handlers; every route runs behind clerk.Middleware.
type app struct {
	setup  *clerkSetup
	appURL string
}

// newApp wires the routes and the Clerk middleware.
func newApp(setup *clerkSetup, appURL string) (http.Handler, error) {
	opts := setup.opts
	// Visiting /orgs/<slug> makes that organization active; /me the
	// personal account.
	opts.OrganizationSyncOptions = &clerk.OrganizationSyncOptions{
		OrganizationPatterns:    []string{"/orgs/:slug", "/orgs/:slug/(.*)"},
		PersonalAccountPatterns: []string{"/me", "/me/(.*)"},
	}
	opts.SignInURL = setup.signInURL
	withClerk, err := clerk.Middleware(opts)
	if err != nil {
		return nil, err
	}
	a := &app{setup: setup, appURL: appURL}
	protected := func(path string, h http.HandlerFunc) http.Handler {
		return clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: a.signInFor(path)})(h)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.Handle("GET /dashboard", protected("/dashboard", a.dashboard))
	mux.Handle("GET /orgs/{slug}", protected("/orgs/", a.organization))
	mux.Handle("GET /me", protected("/me", a.personal))
	mux.Handle("GET /billing", protected("/billing", a.billing))
	mux.Handle("GET /users", protected("/users", a.users))
	mux.HandleFunc("GET /api/me", a.apiMe)
	mux.HandleFunc("GET /api/items", a.apiItems)
	mux.HandleFunc("POST /sign-out", a.signOut)
	mux.HandleFunc("GET /style.css", serveCSS)
	return withClerk(mux), nil
}

// signInFor is the hosted sign-in page, coming back to path afterwards.
func (a *app) signInFor(path string) string {
	return a.setup.signInURL + "?redirect_url=" + url.QueryEscape(a.appURL+path)
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "home", nil)
}

func (a *app) dashboard(w http.ResponseWriter, r *http.Request) {
	auth := clerk.GetAuth(r)
	user, err := a.setup.client.Users.Get(r.Context(), auth.UserID)
	data := map[string]any{"User": user, "Error": err}
	a.render(w, r, http.StatusOK, "dashboard", data)
}

func (a *app) organization(w http.ResponseWriter, r *http.Request) {
	auth := clerk.GetAuth(r)
	slug := r.PathValue("slug")
	a.render(w, r, http.StatusOK, "organization", map[string]any{"Slug": slug, "Active": auth.OrgSlug == slug})
}

func (a *app) personal(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "personal", nil)
}

func (a *app) billing(w http.ResponseWriter, r *http.Request) {
	auth := clerk.GetAuth(r)
	if !auth.Has(clerk.Permission("org:billing:manage")) {
		a.render(w, r, http.StatusForbidden, "forbidden", map[string]any{"Permission": "org:billing:manage"})
		return
	}
	a.render(w, r, http.StatusOK, "billing", nil)
}

func (a *app) users(w http.ResponseWriter, r *http.Request) {
	limit := int64(20)
	page, err := a.setup.client.Users.List(r.Context(), &backend.UserListParams{Limit: &limit})
	var users []backend.User
	if err == nil {
		users = page.Data
	}
	a.render(w, r, http.StatusOK, "users", map[string]any{"Users": users, "Error": err})
}

// apiMe answers the auth object as JSON, exactly as getAuth(req) in Express.
func (a *app) apiMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, clerk.GetAuth(r))
}

// apiItems accepts a session or an API key (Authorization: Bearer ak_…).
func (a *app) apiItems(w http.ResponseWriter, r *http.Request) {
	auth := clerk.GetAuth(r, clerk.AcceptsToken(clerk.TokenTypeSessionToken, clerk.TokenTypeAPIKey))
	if !auth.IsAuthenticated {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sign in or send an API key"})
		return
	}
	owner := auth.UserID
	if owner == "" {
		owner = auth.OrgID
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tokenType": auth.TokenType,
		"owner":     owner,
		"items":     []string{"first item", "second item"},
	})
}

// signOut revokes the session at the Backend API and clears the session
// cookies, so the next request is signed out at once.
func (a *app) signOut(w http.ResponseWriter, r *http.Request) {
	if auth := clerk.GetAuth(r); auth.SessionID != "" {
		_, _ = a.setup.client.Sessions.Revoke(r.Context(), auth.SessionID)
	}
	for _, c := range r.Cookies() {
		if c.Name == "__session" || strings.HasPrefix(c.Name, "__session_") {
			http.SetCookie(w, &http.Cookie{Name: c.Name, Value: "", Path: "/", MaxAge: -1})
		}
		if c.Name == "__client_uat" || strings.HasPrefix(c.Name, "__client_uat_") {
			http.SetCookie(w, &http.Cookie{Name: c.Name, Value: "0", Path: "/", MaxAge: 315360000})
		}
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
