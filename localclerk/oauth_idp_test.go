package localclerk

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

const idpRedirect = "http://localhost:5005/callback"

// idpApp is an OAuth application made through the Backend API.
type idpApp struct {
	ID, ClientID, Secret string
}

func createIdPApp(t *testing.T, h *harness, body map[string]any) idpApp {
	t.Helper()
	if body["name"] == nil {
		body["name"] = "Test client"
	}
	if body["redirect_uris"] == nil {
		body["redirect_uris"] = []string{idpRedirect}
	}
	var raw json.RawMessage
	if st := h.bapi("POST", "/v1/oauth_applications", body, &raw); st != 200 {
		t.Fatalf("create OAuth application: %d %s", st, raw)
	}
	var w struct {
		ID           string `json:"id"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	mustJSON(t, raw, &w)
	return idpApp{ID: w.ID, ClientID: w.ClientID, Secret: w.ClientSecret}
}

// idpSignIn signs Alice in on the harness's browser (its cookie jar).
func idpSignIn(t *testing.T, h *harness) {
	t.Helper()
	resp := h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
}

// authorizeQuery is an authorization request for a with PKCE (S256 of
// verifier) unless verifier is empty.
func authorizeQuery(a idpApp, scope, verifier string) url.Values {
	q := url.Values{"response_type": {"code"}, "client_id": {a.ClientID}, "redirect_uri": {idpRedirect},
		"scope": {scope}, "state": {"state-12345"}, "nonce": {"nonce-1"}}
	if verifier != "" {
		q.Set("code_challenge", pkceS256(verifier))
		q.Set("code_challenge_method", "S256")
	}
	return q
}

// consent posts the consent form for q as the signed-in browser and
// returns the redirect it answers.
func consent(t *testing.T, h *harness, q url.Values, allow bool) *url.URL {
	t.Helper()
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("consented", "false")
	if allow {
		form.Set("consented", "true")
	}
	resp := h.postForm("/v1/me/oauth/consent/"+q.Get("client_id"), form)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent: %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// codeFor runs the browser's part of the flow: the authorize page, then
// consent; it returns the code the client receives.
func codeFor(t *testing.T, h *harness, q url.Values) string {
	t.Helper()
	resp, body := h.do(idpRequest(t, "GET", h.inst.FrontendAPIURL+"/oauth/authorize?"+q.Encode(), nil))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="consent-allow"`) {
		t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	loc := consent(t, h, q, true)
	code := loc.Query().Get("code")
	if loc.Scheme+"://"+loc.Host+loc.Path != idpRedirect || code == "" || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("consent redirected to %s", loc)
	}
	return code
}

func idpRequest(t *testing.T, method, u string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// tokenCall posts a form to a token-side endpoint, with Basic credentials
// when basic is set.
func tokenCall(t *testing.T, h *harness, path string, form url.Values, basic *idpApp) (int, map[string]any, http.Header) {
	t.Helper()
	req := idpRequest(t, "POST", h.inst.FrontendAPIURL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != nil {
		req.SetBasicAuth(url.QueryEscape(basic.ClientID), url.QueryEscape(basic.Secret))
	}
	resp, body := h.do(req)
	out := map[string]any{}
	if len(body) > 0 {
		mustJSON(t, body, &out)
	}
	return resp.StatusCode, out, resp.Header
}

func exchange(t *testing.T, h *harness, a idpApp, code, verifier string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {idpRedirect}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	var basic *idpApp
	if a.Secret != "" {
		basic = &a
	} else {
		form.Set("client_id", a.ClientID)
	}
	st, out, _ := tokenCall(t, h, "/oauth/token", form, basic)
	return st, out
}

func userInfo(t *testing.T, h *harness, tok string) (int, map[string]any) {
	t.Helper()
	req := idpRequest(t, "GET", h.inst.FrontendAPIURL+"/oauth/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, body := h.do(req)
	out := map[string]any{}
	mustJSON(t, body, &out)
	return resp.StatusCode, out
}

func bapiVerifyOAuth(t *testing.T, h *harness, tok string) int {
	t.Helper()
	return h.bapi("POST", "/oauth_applications/access_tokens/verify", map[string]any{"access_token": tok}, nil)
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier"

// TestOAuthProviderAuthorizationCodeFlow: a confidential client gets a
// code through sign-in and consent, exchanges it (Basic) for an access
// token, an id_token and a refresh token; userinfo, introspection and the
// Backend API's verification accept the token; the refresh token rotates;
// revocation ends the access token everywhere.
func TestOAuthProviderAuthorizationCodeFlow(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{"scopes": "openid profile email offline_access"})
	if a.Secret == "" || a.ClientID == "" {
		t.Fatalf("created %+v", a)
	}
	q := authorizeQuery(a, "openid profile email offline_access", verifier)

	// Signed out: to the hosted sign-in, which comes back here.
	resp := h.get(h.inst.FrontendAPIURL + "/oauth/authorize?" + q.Encode())
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc.Path != "/sign-in" || !strings.HasPrefix(loc.Query().Get("redirect_url"), h.inst.FrontendAPIURL+"/oauth/authorize?") {
		t.Fatalf("signed out: %d %s", resp.StatusCode, loc)
	}
	idpSignIn(t, h)
	code := codeFor(t, h, q)

	st, tok := exchange(t, h, a, code, verifier)
	if st != 200 || tok["token_type"] != "Bearer" || tok["scope"] != "openid profile email offline_access" || tok["refresh_token"] == nil || tok["id_token"] == nil {
		t.Fatalf("token: %d %v", st, tok)
	}
	access := tok["access_token"].(string)
	if !strings.HasPrefix(access, "oat_") {
		t.Fatalf("access token %q", access)
	}
	_, claims := h.verifyJWT(tok["id_token"].(string))
	if claims["iss"] != h.inst.FrontendAPIURL || claims["sub"] != "user_demo_alice" || claims["aud"] != a.ClientID ||
		claims["nonce"] != "nonce-1" || claims["email"] != "alice@example.com" || claims["email_verified"] != true {
		t.Errorf("id_token claims %v", claims)
	}

	st, ui := userInfo(t, h, access)
	if st != 200 || ui["sub"] != "user_demo_alice" || ui["email"] != "alice@example.com" || ui["object"] == nil {
		t.Errorf("userinfo: %d %v", st, ui)
	}
	st, info, _ := tokenCall(t, h, "/oauth/token_info", url.Values{"token": {access}}, &a)
	if st != 200 || info["active"] != true || info["sub"] != "user_demo_alice" || info["client_id"] != a.ClientID {
		t.Errorf("token_info: %d %v", st, info)
	}
	if st := bapiVerifyOAuth(t, h, access); st != 200 {
		t.Errorf("Backend API verification: %d", st)
	}

	// The refresh token rotates: the new pair works, the old refresh token not.
	refresh := tok["refresh_token"].(string)
	st, tok2, _ := tokenCall(t, h, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}, &a)
	if st != 200 || tok2["access_token"] == access || tok2["refresh_token"] == refresh {
		t.Fatalf("refresh: %d %v", st, tok2)
	}
	st, again, _ := tokenCall(t, h, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}, &a)
	if st != 400 || again["error"] != "invalid_grant" {
		t.Errorf("reused refresh token: %d %v", st, again)
	}

	// Revoked: refused by userinfo, introspection and the Backend API.
	if st, body, _ := tokenCall(t, h, "/oauth/token/revoke", url.Values{"token": {access}, "token_type_hint": {"access_token"}}, &a); st != 200 {
		t.Fatalf("revoke: %d %v", st, body)
	}
	if st, _ := userInfo(t, h, access); st != 401 {
		t.Errorf("userinfo after revocation: %d", st)
	}
	if st, info, _ := tokenCall(t, h, "/oauth/token_info", url.Values{"token": {access}}, &a); st != 200 || info["active"] != false {
		t.Errorf("token_info after revocation: %d %v", st, info)
	}
	if st := bapiVerifyOAuth(t, h, access); st != 404 {
		t.Errorf("Backend API verification after revocation: %d", st)
	}
	// /oauth/revoke is the same endpoint; a refresh token takes its access token along.
	if st, _, _ := tokenCall(t, h, "/oauth/revoke", url.Values{"token": {tok2["refresh_token"].(string)}}, &a); st != 200 {
		t.Fatalf("revoke refresh: %d", st)
	}
	if st := bapiVerifyOAuth(t, h, tok2["access_token"].(string)); st != 404 {
		t.Errorf("access token of a revoked refresh token: %d", st)
	}
}

// TestOAuthProviderPKCE: a public client must send an S256 challenge
// (plain is refused), and the code needs the matching verifier.
func TestOAuthProviderPKCE(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{"public": true})
	if a.Secret != "" {
		t.Fatalf("a public client got a secret")
	}
	idpSignIn(t, h)
	for name, q := range map[string]url.Values{
		"no challenge": authorizeQuery(a, "profile", ""),
		"plain": func() url.Values {
			q := authorizeQuery(a, "profile", "")
			q.Set("code_challenge", verifier)
			q.Set("code_challenge_method", "plain")
			return q
		}(),
	} {
		resp := h.get(h.inst.FrontendAPIURL + "/oauth/authorize?" + q.Encode())
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "invalid_request" || loc.Query().Get("state") != "state-12345" {
			t.Errorf("%s: %d %s", name, resp.StatusCode, loc)
		}
	}
	code := codeFor(t, h, authorizeQuery(a, "profile", verifier))
	if st, out := exchange(t, h, a, code, verifier[:len(verifier)-1]+"X"); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("wrong verifier: %d %v", st, out)
	}
	code = codeFor(t, h, authorizeQuery(a, "profile", verifier))
	if st, out := exchange(t, h, a, code, ""); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("no verifier: %d %v", st, out)
	}
	code = codeFor(t, h, authorizeQuery(a, "profile", verifier))
	if st, out := exchange(t, h, a, code, verifier); st != 200 || out["refresh_token"] != nil || out["id_token"] != nil {
		t.Errorf("right verifier: %d %v", st, out)
	}
}

// TestOAuthProviderCodeIsSingleUse: a second exchange fails and revokes
// the token the first one got.
func TestOAuthProviderCodeIsSingleUse(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{})
	idpSignIn(t, h)
	code := codeFor(t, h, authorizeQuery(a, "profile email", verifier))
	st, tok := exchange(t, h, a, code, verifier)
	if st != 200 {
		t.Fatalf("first exchange: %d %v", st, tok)
	}
	if st, out := exchange(t, h, a, code, verifier); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("second exchange: %d %v", st, out)
	}
	if st := bapiVerifyOAuth(t, h, tok["access_token"].(string)); st != 404 {
		t.Errorf("the first exchange's token after the code's reuse: %d", st)
	}
}

// TestOAuthProviderRedirectURIMustBeRegistered: an unregistered
// redirect_uri is shown on a page, never redirected to; the token request
// must repeat the authorization request's.
func TestOAuthProviderRedirectURIMustBeRegistered(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{"redirect_uris": []string{idpRedirect, "http://localhost:5005/other"}})
	idpSignIn(t, h)
	for _, ru := range []string{"http://evil.example/callback", idpRedirect + "/x", "http://localhost:5005/callback?x=1", ""} {
		q := authorizeQuery(a, "profile", verifier)
		q.Set("redirect_uri", ru)
		if ru == "" {
			q.Del("redirect_uri")
		}
		resp := h.get(h.inst.FrontendAPIURL + "/oauth/authorize?" + q.Encode())
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("redirect_uri %q: %d %s", ru, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// An unknown client is shown a page too.
	q := authorizeQuery(idpApp{ClientID: "nope"}, "profile", verifier)
	if resp := h.get(h.inst.FrontendAPIURL + "/oauth/authorize?" + q.Encode()); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Errorf("unknown client: %d", resp.StatusCode)
	}
	code := codeFor(t, h, authorizeQuery(a, "profile", verifier))
	st, out, _ := tokenCall(t, h, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {"http://localhost:5005/other"}, "code_verifier": {verifier}}, &a)
	if st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("other redirect_uri at the token endpoint: %d %v", st, out)
	}
}

// TestOAuthProviderCodeExpires: a code is good for ten minutes.
func TestOAuthProviderCodeExpires(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{})
	idpSignIn(t, h)
	code := codeFor(t, h, authorizeQuery(a, "profile", verifier))
	h.clock.Advance(oauthCodeTTL + time.Second)
	if st, out := exchange(t, h, a, code, verifier); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %v", st, out)
	}
}

// TestOAuthProviderClientAuthentication: client_secret_post works, a wrong
// secret is invalid_client (401, with a Basic challenge), both methods at
// once are refused, and a code is bound to its client.
func TestOAuthProviderClientAuthentication(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{})
	b := createIdPApp(t, h, map[string]any{"name": "Other"})
	idpSignIn(t, h)

	code := codeFor(t, h, authorizeQuery(a, "profile", verifier))
	bad := a
	bad.Secret = "wrong"
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {idpRedirect}, "code_verifier": {verifier}}
	st, out, hdr := tokenCall(t, h, "/oauth/token", form, &bad)
	if st != 401 || out["error"] != "invalid_client" || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("wrong secret: %d %v %v", st, out, hdr)
	}
	both := url.Values{"client_secret": {a.Secret}}
	for k, v := range form {
		both[k] = v
	}
	if st, out, _ := tokenCall(t, h, "/oauth/token", both, &a); st != 400 || out["error"] != "invalid_request" {
		t.Errorf("two methods: %d %v", st, out)
	}
	other := url.Values{"client_id": {b.ClientID}, "client_secret": {b.Secret}}
	for k, v := range form {
		other[k] = v
	}
	if st, out, _ := tokenCall(t, h, "/oauth/token", other, nil); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("another client's code: %d %v", st, out)
	}
	post := url.Values{"client_id": {a.ClientID}, "client_secret": {a.Secret}}
	for k, v := range form {
		post[k] = v
	}
	if st, out, _ := tokenCall(t, h, "/oauth/token", post, nil); st != 200 || out["access_token"] == nil {
		t.Errorf("client_secret_post: %d %v", st, out)
	}
	if st, out, _ := tokenCall(t, h, "/oauth/token", url.Values{"grant_type": {"password"}}, &a); st != 401 || out["error"] != "unsupported_grant_type" {
		t.Errorf("password grant: %d %v", st, out)
	}
	if st, out, _ := tokenCall(t, h, "/oauth/token_info", url.Values{"token": {"x"}}, nil); st != 401 || out["error"] != "invalid_client" {
		t.Errorf("introspection without a client: %d %v", st, out)
	}
}

// TestOAuthProviderDenyAndPrompt: Deny sends access_denied; prompt=none
// for a signed-out browser answers login_required.
func TestOAuthProviderDenyAndPrompt(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{})
	q := authorizeQuery(a, "profile", verifier)
	q.Set("prompt", "none")
	resp := h.get(h.inst.FrontendAPIURL + "/oauth/authorize?" + q.Encode())
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "login_required" {
		t.Errorf("prompt=none signed out: %d %s", resp.StatusCode, loc)
	}
	idpSignIn(t, h)
	loc = consent(t, h, authorizeQuery(a, "profile", verifier), false)
	if loc.Query().Get("error") != "access_denied" || loc.Query().Get("code") != "" {
		t.Errorf("denied: %s", loc)
	}
	// Without consent screen, a signed-in browser goes straight back.
	var p oauthAppWire
	if st := h.bapi("PATCH", "/v1/oauth_applications/"+a.ID, map[string]any{"consent_screen_enabled": false}, &p); st != 200 || p.ConsentScreenEnabled {
		t.Fatalf("update: %d %+v", st, p)
	}
	resp = h.get(h.inst.FrontendAPIURL + "/oauth/authorize?" + authorizeQuery(a, "profile", verifier).Encode())
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Errorf("no consent screen: %d %s", resp.StatusCode, loc)
	}
}

// TestOAuthProviderConsentFromAnotherSite: a cross-site consent form acts
// only with the dev browser in its URL, not with the cookie.
func TestOAuthProviderConsentFromAnotherSite(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{})
	idpSignIn(t, h)
	form := authorizeQuery(a, "profile", verifier)
	form.Set("consented", "true")
	req := idpRequest(t, "POST", h.inst.FrontendAPIURL+"/v1/me/oauth/consent/"+a.ClientID, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://localhost:3000")
	if resp, body := h.do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site consent with the cookie only: %d %s", resp.StatusCode, body)
	}
}

// TestOAuthProviderMetadataListsWhatIsServed: every endpoint the
// discovery documents name is a route of the instance.
func TestOAuthProviderMetadataListsWhatIsServed(t *testing.T) {
	h := start(t, Options{})
	for _, doc := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		resp, body := h.do(idpRequest(t, "GET", h.inst.FrontendAPIURL+doc, nil))
		var m map[string]any
		mustJSON(t, body, &m)
		if resp.StatusCode != 200 || m["issuer"] != h.inst.FrontendAPIURL {
			t.Fatalf("%s: %d %s", doc, resp.StatusCode, body)
		}
		for k, v := range m {
			s, ok := v.(string)
			if !ok || !strings.HasSuffix(k, "_endpoint") && k != "jwks_uri" {
				continue
			}
			u, _ := url.Parse(s)
			method := "POST"
			if k == "authorization_endpoint" || k == "jwks_uri" || k == "userinfo_endpoint" {
				method = "GET"
			}
			if _, pattern := h.inst.mux.Handler(idpRequest(t, method, s, nil)); pattern == "/" || !strings.HasPrefix(s, h.inst.FrontendAPIURL) {
				t.Errorf("%s %s = %s is not served (%s)", doc, k, u.Path, pattern)
			}
		}
	}
}

// TestOAuthApplicationsBackendAPI: create, get, list, update, rotate and
// delete; deleting an application ends its tokens.
func TestOAuthApplicationsBackendAPI(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{"scopes": "openid email"})
	var got oauthAppWire
	if st := h.bapi("GET", "/v1/oauth_applications/"+a.ID, nil, &got); st != 200 || got.ClientSecret != "" || got.Scopes != "openid email" ||
		got.AuthorizeURL != h.inst.FrontendAPIURL+"/oauth/authorize" {
		t.Errorf("get: %d %+v", st, got)
	}
	var list pageWire
	if st := h.bapi("GET", "/v1/oauth_applications?name_query=test", nil, &list); st != 200 || list.TotalCount != 1 {
		t.Errorf("list: %d %+v", st, list)
	}
	if st := h.bapi("POST", "/v1/oauth_applications", map[string]any{"name": "x", "scopes": "admin"}, nil); st != 422 {
		t.Errorf("unknown scope: %d", st)
	}
	if st := h.bapi("POST", "/v1/oauth_applications", map[string]any{"name": "x", "redirect_uris": []string{"http://a.example/#f"}}, nil); st != 422 {
		t.Errorf("fragment in a redirect URI: %d", st)
	}
	var rot oauthAppWire
	if st := h.bapi("POST", "/v1/oauth_applications/"+a.ID+"/rotate_secret", nil, &rot); st != 200 || rot.ClientSecret == "" || rot.ClientSecret == a.Secret {
		t.Fatalf("rotate: %d %+v", st, rot)
	}
	idpSignIn(t, h)
	code := codeFor(t, h, authorizeQuery(a, "email", verifier))
	if st, _ := exchange(t, h, a, code, verifier); st != 401 {
		t.Errorf("the old secret after rotation: %d", st)
	}
	a.Secret = rot.ClientSecret
	code = codeFor(t, h, authorizeQuery(a, "email", verifier))
	st, tok := exchange(t, h, a, code, verifier)
	if st != 200 {
		t.Fatalf("the new secret: %d %v", st, tok)
	}
	if st := h.bapi("DELETE", "/v1/oauth_applications/"+a.ID, nil, nil); st != 200 {
		t.Fatalf("delete: %d", st)
	}
	if st := bapiVerifyOAuth(t, h, tok["access_token"].(string)); st != 404 {
		t.Errorf("a deleted application's token: %d", st)
	}
	if st := h.bapi("GET", "/v1/oauth_applications/"+a.ID, nil, nil); st != 404 {
		t.Errorf("get deleted: %d", st)
	}
}

// basicHeader is an Authorization header for client_secret_basic.
func basicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func TestParseTokenFormClientAuthentication(t *testing.T) {
	tr, e := parseTokenForm("grant_type=authorization_code&code=c", basicHeader("my id", "s:e/c"))
	if e != nil || tr.ClientID != "my id" || tr.ClientSecret != "s:e/c" || !tr.BasicAuth {
		t.Errorf("basic: %+v %v", tr, e)
	}
	if _, e := parseTokenForm("grant_type=x", ""); e == nil || e.Code != "invalid_client" {
		t.Errorf("no client: %v", e)
	}
	if _, e := parseTokenForm("client_id=a&client_id=b", ""); e == nil || e.Code != "invalid_request" {
		t.Errorf("repeated client_id: %v", e)
	}
	if _, e := parseTokenForm("client_id=a", "Bearer x"); e == nil || e.Code != "invalid_client" {
		t.Errorf("bearer: %v", e)
	}
}

// oauthIdPShapeCases are the provider's Frontend API rows of
// TestFAPIShapesMatchTheSpec; {oauth_client} is a fresh application's
// client id (redirect URI idpRedirect).
var oauthIdPShapeCases = []shapeCase{
	{name: "OpenID configuration", method: "GET", path: "/.well-known/openid-configuration", status: 200},
	{name: "OAuth authorization server metadata", method: "GET", path: "/.well-known/oauth-authorization-server", status: 200},
	{name: "OAuth consent info", method: "GET", path: "/v1/me/oauth/consent/{oauth_client}?scope=profile+email&redirect_uri=http%3A%2F%2Flocalhost%3A5005%2Fcallback&__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "OAuth consent info signed out", method: "GET", path: "/v1/me/oauth/consent/{oauth_client}?__clerk_db_jwt={dvb}", status: 401},
	{name: "OAuth consent info of an unknown client", method: "GET", path: "/v1/me/oauth/consent/nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "OAuth consent info for an unregistered redirect", method: "GET", path: "/v1/me/oauth/consent/{oauth_client}?redirect_uri=http%3A%2F%2Fevil.example%2F&__clerk_db_jwt={dvb}", signedIn: true, status: 422},
	{name: "OAuth consent", method: "POST", path: "/v1/me/oauth/consent/{oauth_client}?__clerk_db_jwt={dvb}", signedIn: true, status: 302, notJSON: true,
		form: url.Values{"response_type": {"code"}, "redirect_uri": {idpRedirect}, "scope": {"profile"}, "state": {"state-12345"}, "consented": {"true"}}},
	{name: "OAuth consent without an answer", method: "POST", path: "/v1/me/oauth/consent/{oauth_client}?__clerk_db_jwt={dvb}", signedIn: true, status: 422,
		form: url.Values{"response_type": {"code"}, "redirect_uri": {idpRedirect}}},
}

// oauthTokenSideShapeCases are rows of TestOAuthProviderShapesMatchTheSpec:
// the endpoints outside /v1 that TestFAPIShapesMatchTheSpec does not
// enumerate. {oauth_public} is a public client with {oauth_code} (PKCE
// with verifier) and {oauth_access}, a token of its.
var oauthTokenSideShapeCases = []shapeCase{
	{name: "OAuth token", method: "POST", path: "/oauth/token", status: 200,
		form: url.Values{"grant_type": {"authorization_code"}, "client_id": {"{oauth_public}"}, "code": {"{oauth_code}"}, "code_verifier": {verifier}, "redirect_uri": {idpRedirect}}},
	{name: "OAuth token without grant_type", method: "POST", path: "/oauth/token", status: 400, form: url.Values{"client_id": {"nope"}}},
	{name: "OAuth token of an unknown client", method: "POST", path: "/oauth/token", status: 401, form: url.Values{"grant_type": {"authorization_code"}, "client_id": {"nope"}, "code": {"x"}}},
	{name: "OAuth token with an unsupported grant", method: "POST", path: "/oauth/token", status: 401, form: url.Values{"grant_type": {"password"}, "client_id": {"nope"}}},
	{name: "OAuth token info", method: "POST", path: "/oauth/token_info", status: 200, form: url.Values{"token": {"{oauth_access}"}, "client_id": {"{oauth_public}"}}},
	{name: "OAuth token info of an unknown client", method: "POST", path: "/oauth/token_info", status: 401, form: url.Values{"token": {"x"}, "client_id": {"nope"}}},
	{name: "OAuth token revocation", method: "POST", path: "/oauth/token/revoke", status: 200, notJSON: true, form: url.Values{"token": {"{oauth_access}"}, "client_id": {"{oauth_public}"}}},
	{name: "OAuth token revocation of an unknown client", method: "POST", path: "/oauth/token/revoke", status: 401, form: url.Values{"token": {"x"}, "client_id": {"nope"}}},
	{name: "OAuth userinfo without a token", method: "GET", path: "/oauth/userinfo", status: 401},
}

// oauthIdPShapeFixture fills the provider's placeholders of a shape row:
// {oauth_client} in the path, {oauth_public}, {oauth_code} and
// {oauth_access} in the form.
func oauthIdPShapeFixture(t *testing.T, h *harness, tc shapeCase) shapeCase {
	t.Helper()
	if strings.Contains(tc.path, "{oauth_client}") {
		a := createIdPApp(t, h, map[string]any{"name": "Shape client"})
		tc.path = strings.ReplaceAll(tc.path, "{oauth_client}", a.ClientID)
	}
	if tc.form.Get("client_id") != "{oauth_public}" {
		return tc
	}
	a := createIdPApp(t, h, map[string]any{"name": "Shape public client", "public": true})
	form := url.Values{}
	for k, v := range tc.form {
		form[k] = slices.Clone(v)
	}
	form.Set("client_id", a.ClientID)
	switch {
	case form.Get("code") == "{oauth_code}":
		idpSignIn(t, h)
		form.Set("code", codeFor(t, h, authorizeQuery(a, "profile", verifier)))
	case form.Get("token") == "{oauth_access}":
		idpSignIn(t, h)
		st, tok := exchange(t, h, a, codeFor(t, h, authorizeQuery(a, "profile", verifier)), verifier)
		if st != 200 {
			t.Fatalf("fixture token: %d %v", st, tok)
		}
		form.Set("token", tok["access_token"].(string))
	}
	tc.form = form
	return tc
}

// TestOAuthProviderConsentThroughTheProxy: reached through an app's
// /__clerk proxy, the consent page's form posts back under the same
// prefix (a relative action), where the same cookie applies.
func TestOAuthProviderConsentThroughTheProxy(t *testing.T) {
	h := start(t, Options{Seed: true})
	a := createIdPApp(t, h, map[string]any{})
	idpSignIn(t, h)
	q := authorizeQuery(a, "profile", verifier)
	resp, body := h.do(idpRequest(t, "GET", h.inst.FrontendAPIURL+"/__clerk/oauth/authorize?"+q.Encode(), nil))
	const action = `action="../v1/me/oauth/consent/`
	if resp.StatusCode != 200 || !strings.Contains(string(body), action+a.ClientID+"?") {
		t.Fatalf("consent page through the proxy: %d %s", resp.StatusCode, body)
	}
	form := url.Values{"consented": {"true"}}
	for k, v := range q {
		form[k] = v
	}
	resp = h.postForm("/__clerk/v1/me/oauth/consent/"+a.ClientID, form)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Errorf("consent through the proxy: %d %s", resp.StatusCode, loc)
	}
}

// TestOAuthProviderShapesMatchTheSpec checks the token endpoint,
// introspection, revocation and userinfo answers, errors included, against
// the Frontend API specification.
func TestOAuthProviderShapesMatchTheSpec(t *testing.T) {
	h := start(t, Options{Seed: true})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range oauthTokenSideShapeCases {
		t.Run(tc.name, func(t *testing.T) {
			tc := oauthIdPShapeFixture(t, h, tc)
			resp, body := h.do(h.fapiRequest(tc.method, tc.path, tc.form))
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", tc.method, tc.path, resp.StatusCode, tc.status, body)
			}
			if tc.notJSON {
				return
			}
			if err := facts.Check(tc.method, tc.path, resp.StatusCode, body); err != nil {
				t.Errorf("%v\nbody: %s", err, body)
			}
		})
	}
}
