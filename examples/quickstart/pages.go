package main

import (
	"html/template"
	"log"
	"net/http"
	"net/url"

	"github.com/goclerk/clerk"
)

// view is what every page template receives.
type view struct {
	Auth      clerk.Auth
	Data      map[string]any
	SignInURL string
	SignUpURL string
	Local     bool
	Demo      any
	Page      string
}

func (a *app) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	v := view{
		Auth:      clerk.GetAuth(r),
		Data:      data,
		SignInURL: a.signInFor("/dashboard"),
		SignUpURL: a.setup.signUpURL + "?redirect_url=" + url.QueryEscape(a.appURL+"/dashboard"),
		Local:     a.setup.local,
		Page:      page,
	}
	if a.setup.demo != nil {
		v.Demo = a.setup.demo
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, page, v); err != nil {
		log.Printf("quickstart: render %s: %v", page, err)
	}
}

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=300")
	_, _ = w.Write([]byte(css))
}

var pages = template.Must(template.New("").Parse(`
{{define "top"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>goclerk quickstart</title><link rel="stylesheet" href="/style.css"></head>
<body><header><a class="brand" href="/">goclerk quickstart</a>
<nav aria-label="Main">
<a href="/dashboard">Dashboard</a><a href="/orgs/acme">Acme</a><a href="/me">Personal</a><a href="/billing">Billing</a><a href="/users">Users</a><a href="/api/me">/api/me</a>
</nav>
<div class="who">{{if .Auth.IsAuthenticated}}<span id="who">{{.Auth.UserID}}</span>{{if .Auth.OrgSlug}} · <span id="org">{{.Auth.OrgSlug}}</span> ({{.Auth.OrgRole}}){{end}}
<form method="post" action="/sign-out"><button id="sign-out" type="submit">Sign out</button></form>
{{else}}<a class="button" id="sign-in" href="{{.SignInURL}}">Sign in</a>{{end}}</div>
</header><main>{{end}}

{{define "bottom"}}</main><footer>{{if .Local}}Running on <strong>localclerk</strong>, an offline Clerk-compatible instance. Set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY to use your own.{{else}}Running on your Clerk instance.{{end}}</footer></body></html>{{end}}

{{define "home"}}{{template "top" .}}
<h1>Clerk authentication for Go</h1>
{{if .Auth.IsAuthenticated}}<p class="status ok" id="status">Signed in as <code>{{.Auth.UserID}}</code>.</p>
{{else}}<p class="status" id="status">You are signed out. <a href="{{.SignInURL}}">Sign in</a> or <a href="{{.SignUpURL}}">create an account</a>.</p>{{end}}
<ul class="cards">
<li><a href="/dashboard">Dashboard</a><span>behind <code>clerk.RequireAuth</code></span></li>
<li><a href="/orgs/acme">Acme organization</a><span>organization sync activates it</span></li>
<li><a href="/billing">Billing</a><span>needs <code>org:billing:manage</code> (<code>auth.Has</code>)</span></li>
<li><a href="/users">Users</a><span>listed with the Backend API client</span></li>
<li><a href="/api/me">/api/me</a><span>the auth object as JSON</span></li>
<li><code>/api/items</code><span>accepts a session or an API key</span></li>
</ul>
{{if .Demo}}<h2>Demo accounts</h2><table><thead><tr><th>E-mail</th><th>Password</th></tr></thead><tbody>
{{range .Demo.Users}}{{if .Password}}<tr><td>{{.Email}}</td><td><code>{{.Password}}</code></td></tr>{{end}}{{end}}</tbody></table>{{end}}
{{template "bottom" .}}{{end}}

{{define "dashboard"}}{{template "top" .}}
<h1>Dashboard</h1>
{{with .Data.User}}<p id="greeting">Hello {{if .FirstName}}{{.FirstName}}{{else}}{{.ID}}{{end}}{{range .EmailAddresses}} &lt;{{.EmailAddress}}&gt;{{end}}.</p>{{end}}
{{with .Data.Error}}<p class="status error">Could not load the user: {{.}}</p>{{end}}
<dl><dt>User</dt><dd><code id="user-id">{{.Auth.UserID}}</code></dd>
<dt>Session</dt><dd><code>{{.Auth.SessionID}}</code> ({{.Auth.SessionStatus}})</dd>
<dt>Active organization</dt><dd>{{if .Auth.OrgID}}<code>{{.Auth.OrgSlug}}</code> as {{.Auth.OrgRole}}{{else}}personal account{{end}}</dd>
<dt>Permissions</dt><dd>{{range .Auth.OrgPermissions}}<code>{{.}}</code> {{else}}none{{end}}</dd></dl>
{{template "bottom" .}}{{end}}

{{define "organization"}}{{template "top" .}}
<h1>Organization {{.Data.Slug}}</h1>
{{if .Data.Active}}<p class="status ok" id="org-status">{{.Data.Slug}} is your active organization; you are {{.Auth.OrgRole}}.</p>
{{else}}<p class="status error" id="org-status">{{.Data.Slug}} could not be activated: you are not a member.</p>{{end}}
{{template "bottom" .}}{{end}}

{{define "personal"}}{{template "top" .}}
<h1>Personal account</h1><p class="status ok" id="org-status">{{if .Auth.OrgID}}Organization {{.Auth.OrgSlug}} is still active.{{else}}No organization is active.{{end}}</p>
{{template "bottom" .}}{{end}}

{{define "billing"}}{{template "top" .}}
<h1>Billing</h1><p class="status ok" id="billing">You may manage billing for {{.Auth.OrgSlug}}.</p>
{{template "bottom" .}}{{end}}

{{define "forbidden"}}{{template "top" .}}
<h1>Not allowed</h1><p class="status error" id="billing">This page needs the permission <code>{{.Data.Permission}}</code> in the active organization. Activate <a href="/orgs/acme">Acme</a> as an admin.</p>
{{template "bottom" .}}{{end}}

{{define "users"}}{{template "top" .}}
<h1>Users</h1>
{{with .Data.Error}}<p class="status error">Could not list users: {{.}}</p>{{end}}
<table id="users"><thead><tr><th>ID</th><th>Name</th><th>E-mail</th></tr></thead><tbody>
{{range .Data.Users}}<tr><td><code>{{.ID}}</code></td><td>{{if .FirstName}}{{.FirstName}}{{end}} {{if .LastName}}{{.LastName}}{{end}}</td><td>{{range .EmailAddresses}}{{.EmailAddress}} {{end}}</td></tr>{{end}}
</tbody></table>
{{template "bottom" .}}{{end}}
`))

const css = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#5b3fd1;--ok:#1a7f37;--err:#cf222e;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
body{margin:0;color:var(--fg);background:#f6f8fa}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.8rem 1.5rem;background:#fff;border-bottom:1px solid var(--line)}
.brand{font-weight:700;color:var(--accent);text-decoration:none}
nav{display:flex;gap:1rem;flex:1}nav a{color:var(--fg);text-decoration:none}nav a:hover{color:var(--accent)}
.who{display:flex;gap:.6rem;align-items:center;font-size:.9rem;color:var(--muted)}.who form{margin:0}
button,.button{font:inherit;padding:.35rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;text-decoration:none;cursor:pointer}
main{max-width:52rem;margin:2rem auto;padding:0 1.5rem}h1{font-size:1.6rem}
.status{padding:.7rem 1rem;border-radius:6px;background:#fff;border:1px solid var(--line)}.ok{border-color:var(--ok)}.error{border-color:var(--err)}
.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.8rem}
.cards li{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.9rem;display:flex;flex-direction:column;gap:.3rem}.cards span{color:var(--muted);font-size:.88rem}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}dt{color:var(--muted)}dd{margin:0}
code{font-family:ui-monospace,monospace;font-size:.9em}
footer{max-width:52rem;margin:2rem auto;padding:0 1.5rem;color:var(--muted);font-size:.85rem}
`
