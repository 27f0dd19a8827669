package localclerk

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// The provider page: localclerk's stand-in for Google, GitHub and the
// rest. A social sign-in's external_verification_redirect_url leads here;
// the developer picks an existing test account, types a new identity or
// denies access, and the page sends the browser to /v1/oauth_callback as
// the provider would. Nothing leaves the machine.

// oauthPageData is what the provider page's template receives.
type oauthPageData struct {
	Title, Error, Notice string
	Base                 string // where the browser reaches localclerk (a proxy's URL behind one)
	Provider             string // display name
	State                string
	Accounts             []oauthChoice // who has this provider's account
	Users                []oauthChoice // whom a new account would link to by e-mail
	Email, FirstName     string
	LastName, ImageURL   string
}

// oauthChoice is one test account the page offers.
type oauthChoice struct{ Value, Name, Email string }

// oauthPageQuery is a validated provider page request.
type oauthPageQuery struct {
	Provider socialProvider
	State    string
	Hint     string // login_hint
}

// parseOAuthPageQuery checks the provider named in the path and the state.
func (inst *Instance) parseOAuthPageQuery(provider string, q url.Values) (oauthPageQuery, *apiError) {
	p, ok := inst.socialProvider("oauth_" + provider)
	if !ok {
		return oauthPageQuery{}, errNotFoundResource("OAuth provider " + provider)
	}
	out := oauthPageQuery{Provider: p, State: q.Get("state"), Hint: q.Get("login_hint")}
	if !isToken(out.State, 100) {
		return out, errOAuthState
	}
	if len(out.Hint) > 254 {
		out.Hint = ""
	}
	return out, nil
}

// pageFlow loads the page's flow: this browser's, for this provider, not
// expired.
func (inst *Instance) pageFlow(t *txn, r *http.Request, pq oauthPageQuery) (*oauthFlow, error) {
	f, err := t.oauthFlows().get(pq.State)
	if errors.Is(err, errNotFound) {
		return nil, errOAuthState
	}
	if err != nil {
		return nil, err
	}
	c, err := inst.findClient(t, r, "")
	if err != nil {
		return nil, err
	}
	if c == nil || c.ID != f.ClientID || f.Provider != pq.Provider.ID {
		return nil, errOAuthState
	}
	if ms(inst.now()) >= f.ExpireAt {
		return nil, errOAuthExpired
	}
	return f, nil
}

func (inst *Instance) pageOAuthAuthorize(w http.ResponseWriter, r *http.Request) {
	pq, aerr := inst.parseOAuthPageQuery(r.PathValue("provider"), r.URL.Query())
	if aerr != nil {
		inst.renderOAuthError(w, aerr)
		return
	}
	d := &oauthPageData{Email: pq.Hint}
	if err := inst.fillOAuthPage(r, pq, d); err != nil {
		inst.renderOAuthError(w, err)
		return
	}
	inst.renderOAuth(w, http.StatusOK, d)
}

// fillOAuthPage lists the accounts the page offers.
func (inst *Instance) fillOAuthPage(r *http.Request, pq oauthPageQuery, d *oauthPageData) error {
	d.Title, d.Provider, d.State = "Sign in with "+pq.Provider.Name, pq.Provider.Name, pq.State
	return inst.store.view(r.Context(), func(t *txn) error {
		f, err := inst.pageFlow(t, r, pq)
		if err != nil {
			return err
		}
		d.Base = f.Base
		d.Accounts, d.Users = nil, nil
		return t.users().each(func(u *user) bool {
			linked := false
			for _, a := range u.ExternalAccounts {
				if a.Provider == pq.Provider.ID && a.Status == "verified" {
					linked = true
					d.Accounts = append(d.Accounts, oauthChoice{Value: "account:" + u.ID + ":" + a.ID, Name: accountName(&a, u), Email: a.Email})
				}
			}
			if e := verifiedEmail(u); !linked && e != "" {
				d.Users = append(d.Users, oauthChoice{Value: "user:" + u.ID, Name: u.displayName(), Email: e})
			}
			return len(d.Accounts)+len(d.Users) < 100
		})
	})
}

func accountName(a *externalAccount, u *user) string {
	if n := strings.TrimSpace(a.FirstName + " " + a.LastName); n != "" {
		return n
	}
	return u.displayName()
}

// verifiedEmail is u's primary address if verified, else any verified one.
func verifiedEmail(u *user) string {
	out := ""
	for _, e := range u.Emails {
		if e.Verified && (out == "" || e.ID == u.PrimaryEmailID) {
			out = e.Address
		}
	}
	return out
}

func (inst *Instance) postOAuthAuthorize(w http.ResponseWriter, r *http.Request) {
	if !inst.parseForm(w, r) {
		return
	}
	pq, aerr := inst.parseOAuthPageQuery(r.PathValue("provider"), url.Values{"state": {r.PostForm.Get("state")}})
	if aerr != nil {
		inst.renderOAuthError(w, aerr)
		return
	}
	choice := r.PostForm.Get("choice")
	var loc string
	var formErr *apiError
	err := inst.store.update(r.Context(), func(t *txn) error {
		f, err := inst.pageFlow(t, r, pq)
		if err != nil {
			return err
		}
		if choice == "deny" {
			loc = f.Base + "/v1/oauth_callback?" + url.Values{"state": {f.ID}, "error": {"access_denied"}}.Encode()
			return nil
		}
		id, ferr, err := oauthIdentityFromForm(t, pq.Provider.ID, choice, r.PostForm)
		if err != nil || ferr != nil {
			formErr = ferr
			return err
		}
		f.Code, f.Identity = randString(32), id
		if err := t.oauthFlows().put(f); err != nil {
			return err
		}
		loc = f.Base + "/v1/oauth_callback?" + url.Values{"state": {f.ID}, "code": {f.Code}}.Encode()
		return nil
	})
	if err != nil {
		inst.renderOAuthError(w, err)
		return
	}
	if formErr != nil {
		d := &oauthPageData{Error: longMessage(formErr), Email: r.PostForm.Get("email"), FirstName: r.PostForm.Get("first_name"),
			LastName: r.PostForm.Get("last_name"), ImageURL: r.PostForm.Get("image_url")}
		if err := inst.fillOAuthPage(r, pq, d); err != nil {
			inst.renderOAuthError(w, err)
			return
		}
		inst.renderOAuth(w, formErr.StatusCode, d)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// oauthIdentityFromForm is the identity the developer chose: an existing
// account (account:<user>:<account>), a user's verified address
// (user:<user>), or a new identity typed in (new). A refused form is
// ferr.
func oauthIdentityFromForm(t *txn, provider, choice string, form url.Values) (id *oauthIdentity, ferr *apiError, err error) {
	kind, rest, _ := strings.Cut(choice, ":")
	switch kind {
	case "account":
		uid, aid, _ := strings.Cut(rest, ":")
		u, err := t.users().get(uid)
		if errors.Is(err, errNotFound) {
			return nil, errNotFoundResource("user"), nil
		} else if err != nil {
			return nil, nil, err
		}
		a := u.externalAccount(aid)
		if a == nil || a.Provider != provider || a.Status != "verified" {
			return nil, errNotFoundResource("external account"), nil
		}
		return &oauthIdentity{ProviderUserID: a.ProviderUserID, Email: a.Email, EmailVerified: a.EmailVerified,
			FirstName: a.FirstName, LastName: a.LastName, ImageURL: a.ImageURL, Username: a.Username}, nil, nil
	case "user":
		u, err := t.users().get(rest)
		if errors.Is(err, errNotFound) {
			return nil, errNotFoundResource("user"), nil
		} else if err != nil {
			return nil, nil, err
		}
		e := verifiedEmail(u)
		if e == "" {
			return nil, errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "choice", "That user has no verified email address."), nil
		}
		return &oauthIdentity{ProviderUserID: providerUserID(provider, e), Email: e, EmailVerified: true,
			FirstName: deref(u.FirstName), LastName: deref(u.LastName), ImageURL: u.ImageURL}, nil, nil
	case "new":
		id, ferr := parseNewIdentity(provider, form)
		return id, ferr, nil
	}
	return nil, errParam(http.StatusBadRequest, "form_param_value_invalid", "choice", "Pick an account, enter a new one or deny access."), nil
}

// parseNewIdentity reads the typed-in identity: an e-mail address (the
// provider vouches for it), optional names and an avatar URL.
func parseNewIdentity(provider string, form url.Values) (*oauthIdentity, *apiError) {
	email := strings.TrimSpace(form.Get("email"))
	if email == "" {
		return nil, errMissing("email")
	}
	if len(email) > 254 || !emailRe.MatchString(email) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "email", "Enter a valid email address.")
	}
	id := &oauthIdentity{ProviderUserID: providerUserID(provider, email), Email: email, EmailVerified: true}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"first_name", &id.FirstName}, {"last_name", &id.LastName}} {
		v := strings.TrimSpace(form.Get(f.name))
		if len(v) > 256 || strings.ContainsAny(v, "\x00\r\n") {
			return nil, errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", f.name, f.name+" must be one line of at most 256 characters.")
		}
		*f.dst = v
	}
	if img := strings.TrimSpace(form.Get("image_url")); img != "" {
		u, err := url.Parse(img)
		if err != nil || len(img) > 2048 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "image_url", "The avatar must be an absolute http(s) URL.")
		}
		id.ImageURL = u.String()
	}
	return id, nil
}

// providerUserID is the provider's user id of an address: the same
// address is the same account at the provider, every time.
func providerUserID(provider, email string) string {
	h := sha256.Sum256([]byte(provider + "\x00" + normEmail(email)))
	return fmt.Sprintf("%d", binary.BigEndian.Uint64(h[:8])>>1)
}

func (inst *Instance) renderOAuthError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		inst.log.Error("localclerk: provider page", "err", err)
		ae = newAPIError(http.StatusInternalServerError, "internal_clerk_error", "internal error", "Something went wrong; see localclerk's log.", nil)
	}
	inst.renderOAuth(w, ae.StatusCode, &oauthPageData{Title: "Sign-in with a provider", Error: longMessage(ae), Base: inst.FrontendAPIURL})
}

func (inst *Instance) renderOAuth(w http.ResponseWriter, status int, d *oauthPageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self'; form-action 'self' http: https:")
	w.WriteHeader(status)
	if err := oauthPageTmpl.ExecuteTemplate(w, "oauth-authorize", d); err != nil {
		inst.log.Error("localclerk: render provider page", "err", err)
	}
}

// handleOAuthLogo serves an enabled provider's monogram, the logo_url of
// its environment entry.
func (inst *Instance) handleOAuthLogo(w http.ResponseWriter, r *http.Request) {
	p, ok := inst.socialProvider("oauth_" + r.PathValue("provider"))
	if !ok {
		inst.writeError(w, r, errNotFoundResource("OAuth provider"))
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#5b4cf0"/>`+
		`<text x="16" y="22" font-family="sans-serif" font-size="17" font-weight="700" fill="#fff" text-anchor="middle">%s</text></svg>`,
		template.HTMLEscapeString(strings.ToUpper(p.Name[:1])))
}

var oauthPageTmpl = template.Must(template.Must(pageTmpl.Clone()).Parse(`
{{define "oauth-head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · localclerk</title><link rel="stylesheet" href="{{.Base}}/assets/localclerk.css"></head>
<body><main class="card" aria-labelledby="page-title">
<p class="badge">localclerk · stand-in for {{if .Provider}}{{.Provider}}{{else}}an OAuth provider{{end}}</p>
<h1 id="page-title">{{.Title}}</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{end}}
{{define "oauth-authorize"}}{{template "oauth-head" .}}
{{if .State}}
<p class="hint">localclerk stands in for {{.Provider}}: choose who you are there. Nothing is sent to {{.Provider}}.</p>
{{if .Accounts}}<section aria-labelledby="accounts-title"><h2 id="accounts-title">{{.Provider}} accounts</h2>
<ul class="demo">{{range .Accounts}}<li><form method="post"><input type="hidden" name="state" value="{{$.State}}">
<input type="hidden" name="choice" value="{{.Value}}">
<button type="submit" aria-label="Continue as {{.Name}} ({{.Email}})">Continue as {{.Name}}</button>
<span class="hint">{{.Email}}</span></form></li>{{end}}</ul></section>{{end}}
{{if .Users}}<section aria-labelledby="users-title"><h2 id="users-title">Existing users</h2>
<p class="hint">A {{.Provider}} account with their verified address, linked to them on first use.</p>
<ul class="demo">{{range .Users}}<li><form method="post"><input type="hidden" name="state" value="{{$.State}}">
<input type="hidden" name="choice" value="{{.Value}}">
<button type="submit" aria-label="Continue as {{.Name}} ({{.Email}})">Continue as {{.Name}}</button>
<span class="hint">{{.Email}}</span></form></li>{{end}}</ul></section>{{end}}
<form method="post" class="secondary"><input type="hidden" name="state" value="{{.State}}"><input type="hidden" name="choice" value="new">
<h2>Another {{.Provider}} account</h2>
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" value="{{.Email}}" required>
<label for="first_name">First name</label><input id="first_name" name="first_name" autocomplete="given-name" value="{{.FirstName}}">
<label for="last_name">Last name</label><input id="last_name" name="last_name" autocomplete="family-name" value="{{.LastName}}">
<label for="image_url">Avatar URL <span class="hint">(optional)</span></label><input id="image_url" name="image_url" inputmode="url" value="{{.ImageURL}}">
<button type="submit" id="oauth-continue">Continue</button>
</form>
<form method="post" class="secondary"><input type="hidden" name="state" value="{{.State}}"><input type="hidden" name="choice" value="deny">
<button type="submit" class="link" id="oauth-deny">Deny access</button>
</form>
{{end}}
{{template "foot"}}{{end}}
`))
