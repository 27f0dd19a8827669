package main

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
)

// app serves pages that mount clerk-js components and server routes that
// read the same session through goclerk's middleware.
type app struct {
	inst   *localclerk.Instance
	client *backend.Client
	appURL string
	proxy  bool
}

// proxyPath is where the app serves the Frontend API when proxy mode is on.
const proxyPath = "/__clerk"

// newApp builds the app. With proxy set, the browser reaches localclerk
// only through the app (goclerk's Frontend API proxy at /__clerk and a
// relative proxyUrl), so the app need not be same-site with localclerk.
func newApp(inst *localclerk.Instance, appURL string, proxy bool) (http.Handler, error) {
	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: inst.BackendAPIURL})
	if err != nil {
		return nil, err
	}
	var fapiProxy *clerk.FrontendAPIProxy
	if proxy {
		fapiProxy = &clerk.FrontendAPIProxy{Enabled: true, Path: proxyPath}
	}
	withClerk, err := clerk.Middleware(clerk.Options{
		FrontendAPIProxy:  fapiProxy,
		PublishableKey:    inst.PublishableKey,
		SecretKey:         inst.SecretKey,
		JWTKey:            inst.PublicKeyPEM,
		APIURL:            inst.BackendAPIURL,
		Client:            client,
		SignInURL:         appURL + "/sign-in",
		SignUpURL:         appURL + "/sign-up",
		AuthorizedParties: []string{appURL},
	})
	if err != nil {
		return nil, err
	}
	a := &app{inst: inst, client: client, appURL: appURL, proxy: proxy}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.page("home"))
	mux.HandleFunc("GET /sign-in", a.page("sign-in"))
	mux.HandleFunc("GET /sign-up", a.page("sign-up"))
	mux.Handle("GET /protected", clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: appURL + "/sign-in?redirect_url=" + url.QueryEscape(appURL+"/protected")})(http.HandlerFunc(a.protected)))
	mux.Handle("GET /users", clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: appURL + "/sign-in?redirect_url=" + url.QueryEscape(appURL+"/users")})(http.HandlerFunc(a.users)))
	mux.Handle("GET /account", clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: appURL + "/sign-in?redirect_url=" + url.QueryEscape(appURL+"/account")})(a.page("account")))
	mux.HandleFunc("GET /api/me", a.apiMe)
	mux.HandleFunc("GET /app.js", serveAppJS)
	return withClerk(mux), nil
}

// pageData is what every page template gets.
type pageData struct {
	Title          string
	FAPI           string
	PublishableKey string
	ClerkJS        string
	ClerkUI        string
	Auth           clerk.Auth
	User           *backend.User
	Users          []backend.User
	UserError      string
}

func (a *app) data(r *http.Request, title string) *pageData {
	fapi := a.inst.FrontendAPIURL
	if a.proxy {
		fapi = proxyPath
	}
	return &pageData{
		Title:          title,
		FAPI:           fapi,
		PublishableKey: a.inst.PublishableKey,
		ClerkJS:        fapi + "/npm/@clerk/clerk-js@" + localclerk.ClerkJSVersion + "/dist/clerk.browser.js",
		ClerkUI:        fapi + "/npm/@clerk/ui@" + localclerk.ClerkUIVersion + "/dist/ui.browser.js",
		Auth:           clerk.GetAuth(r),
	}
}

func (a *app) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a.render(w, name, a.data(r, name))
	}
}

// protected is rendered on the server from the session goclerk verified.
func (a *app) protected(w http.ResponseWriter, r *http.Request) {
	d := a.data(r, "protected")
	u, err := a.client.Users.Get(r.Context(), d.Auth.UserID)
	if err != nil {
		d.UserError = err.Error()
	} else {
		d.User = u
	}
	a.render(w, "protected", d)
}

// users lists the instance's users through the Backend API.
func (a *app) users(w http.ResponseWriter, r *http.Request) {
	d := a.data(r, "users")
	limit := int64(50)
	page, err := a.client.Users.List(r.Context(), &backend.UserListParams{Limit: &limit})
	if err != nil {
		d.UserError = err.Error()
	} else {
		d.Users = page.Data
	}
	a.render(w, "users", d)
}

// apiMe answers the server's view of the session as JSON.
func (a *app) apiMe(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	clerk.GetAuth(r).WriteJSON(w)
}

func (a *app) render(w http.ResponseWriter, name string, d *pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := pages.ExecuteTemplate(w, name, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func serveAppJS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write([]byte(appJS))
}

// appJS loads clerk-js with the @clerk/ui components and mounts every
// element that asks for a component. The page's data-clerk-proxy-url is
// localclerk's http:// address (the publishable key names a loopback host,
// for which clerk-js would otherwise build https:// Frontend API URLs), or
// the app's own /__clerk in proxy mode.
const appJS = `
(async () => {
  const clerk = window.Clerk;
  await clerk.load({
    ui: { ClerkUI: window.__internal_ClerkUICtor },
    signInUrl: '/sign-in',
    signUpUrl: '/sign-up',
    signInFallbackRedirectUrl: '/protected',
    signUpFallbackRedirectUrl: '/protected',
    afterSignOutUrl: '/',
  });
  const mounts = {
    'sign-in': el => clerk.mountSignIn(el, { routing: 'hash' }),
    'sign-up': el => clerk.mountSignUp(el, { routing: 'hash' }),
    'user-button': el => clerk.mountUserButton(el),
    'user-profile': el => clerk.mountUserProfile(el, { routing: 'hash' }),
    'org-switcher': el => clerk.mountOrganizationSwitcher(el, { hidePersonal: false, afterSelectOrganizationUrl: '/protected',
      afterSelectPersonalUrl: '/protected', afterCreateOrganizationUrl: '/protected' }),
  };
  for (const [id, mount] of Object.entries(mounts)) {
    const el = document.getElementById(id);
    if (el) mount(el);
  }
  document.body.dataset.clerkLoaded = 'true';
})().catch(err => { console.error('clerk-js failed to load:', err); document.body.dataset.clerkLoaded = 'error'; });
`

var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · goclerk + clerk-js</title>
<link rel="icon" href="data:,">
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f8;color:#1d1d1f}
header{display:flex;gap:1rem;align-items:center;padding:.75rem 1.5rem;background:#fff;border-bottom:1px solid #e3e3e8}
header a{color:#6c47ff;text-decoration:none}
header .spacer{flex:1}
main{max-width:42rem;margin:2rem auto;padding:0 1rem}
dl{display:grid;grid-template-columns:10rem 1fr;gap:.4rem 1rem;background:#fff;padding:1rem;border-radius:.5rem;border:1px solid #e3e3e8}
dt{font-weight:600}dd{margin:0;font-family:ui-monospace,monospace;overflow-wrap:anywhere}
</style>
<script src="{{.ClerkUI}}" crossorigin="anonymous"></script>
<script src="{{.ClerkJS}}" crossorigin="anonymous" data-clerk-publishable-key="{{.PublishableKey}}" data-clerk-proxy-url="{{.FAPI}}"></script>
<script src="/app.js" defer></script>
</head><body>
<header><strong>goclerk + clerk-js</strong><a href="/">Home</a><a href="/protected">Protected page</a><a href="/account">Account</a><a href="/users">Users</a>
<span class="spacer"></span>
{{if .Auth.UserID}}<div id="org-switcher"></div><div id="user-button"></div>{{else}}<a href="/sign-in">Sign in</a><a href="/sign-up">Sign up</a>{{end}}
</header><main>{{end}}

{{define "foot"}}</main></body></html>{{end}}

{{define "home"}}{{template "head" .}}
<h1>clerk-js on a Go server</h1>
<p>The sign-in, sign-up, user and organization widgets on these pages are Clerk's own components (clerk-js {{/**/}}with @clerk/ui), served offline by localclerk.
The <a href="/protected">protected page</a> is rendered on the server by goclerk from the same session.</p>
{{if .Auth.UserID}}<p id="status">Signed in as <code>{{.Auth.UserID}}</code>.</p>{{else}}<p id="status">Signed out.</p>{{end}}
{{template "foot" .}}{{end}}

{{define "sign-in"}}{{template "head" .}}<div id="sign-in"></div>{{template "foot" .}}{{end}}
{{define "sign-up"}}{{template "head" .}}<div id="sign-up"></div>{{template "foot" .}}{{end}}
{{define "account"}}{{template "head" .}}<div id="user-profile"></div>{{template "foot" .}}{{end}}

{{define "protected"}}{{template "head" .}}
<h1>Protected page</h1>
<p>Rendered on the server from the session goclerk's middleware verified.</p>
<dl id="server-auth">
<dt>User ID</dt><dd id="user-id">{{.Auth.UserID}}</dd>
<dt>E-mail</dt><dd id="user-email">{{with .User}}{{range .EmailAddresses}}{{.EmailAddress}} {{end}}{{end}}{{.UserError}}</dd>
<dt>Session ID</dt><dd id="session-id">{{.Auth.SessionID}}</dd>
<dt>Organization</dt><dd id="org-id">{{.Auth.OrgID}}</dd>
<dt>Role</dt><dd id="org-role">{{.Auth.OrgRole}}</dd>
</dl>
{{template "foot" .}}{{end}}

{{define "users"}}{{template "head" .}}
<h1>Users</h1>
<p>Listed by the server through the Backend API.</p>
<ul id="users">{{range .Users}}<li>{{.ID}}{{range .EmailAddresses}} {{.EmailAddress}}{{end}}</li>{{end}}</ul>{{.UserError}}
{{template "foot" .}}{{end}}
`))
