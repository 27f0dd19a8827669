package localclerk

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testAppOrigin = "http://127.0.0.1:3010"

// browser calls the Frontend API as clerk-js does: form bodies, the
// _method override, the API version parameter, credentials (a cookie
// jar) and the app's Origin.
type browser struct {
	h      *harness
	client *http.Client
	origin string
	header http.Header // extra request headers
}

func newBrowser(h *harness) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{h: h, origin: testAppOrigin, client: &http.Client{Jar: jar, Timeout: h.http.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// call sends method (overridden through _method for PATCH/DELETE) to path
// with form and decodes the JSON answer.
func (b *browser) call(method, path string, form url.Values) (int, map[string]any) {
	b.h.t.Helper()
	u, _ := url.Parse(b.h.inst.FrontendAPIURL + path)
	q := u.Query()
	q.Set("__clerk_api_version", "2026-08-20")
	q.Set("_clerk_js_version", ClerkJSVersion)
	sendMethod := method
	if method != http.MethodGet && method != http.MethodPost {
		q.Set("_method", method)
		sendMethod = http.MethodPost
	}
	u.RawQuery = q.Encode()
	var body io.Reader
	if sendMethod == http.MethodPost {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(sendMethod, u.String(), body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.origin != "" {
		req.Header.Set("Origin", b.origin)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		b.h.t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, data)
	}
	if resp.StatusCode >= 500 {
		b.h.t.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, m
}

// wantErr checks a Clerk-style error body.
func (b *browser) wantErr(status int, code, param string, gotStatus int, m map[string]any) {
	b.h.t.Helper()
	errs, _ := m["errors"].([]any)
	if gotStatus != status || len(errs) != 1 {
		b.h.t.Fatalf("got %d %v, want %d %s", gotStatus, m, status, code)
	}
	e := errs[0].(map[string]any)
	meta, _ := e["meta"].(map[string]any)
	if e["code"] != code || e["message"] == "" || e["long_message"] == "" || (param != "" && meta["param_name"] != param) {
		b.h.t.Errorf("error %v, want code %s param %s", e, code, param)
	}
}

func resp(m map[string]any) map[string]any     { r, _ := m["response"].(map[string]any); return r }
func clientOf(m map[string]any) map[string]any { c, _ := m["client"].(map[string]any); return c }
func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestFAPIEnvironmentAndNewClient(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	st, env := b.call("GET", "/v1/environment", nil)
	if st != 200 || env["object"] != "environment" {
		t.Fatalf("environment: %d %v", st, env)
	}
	dc := env["display_config"].(map[string]any)
	if dc["instance_environment_type"] != "development" || dc["sign_in_url"] != h.inst.FrontendAPIURL+"/sign-in" || dc["captcha_public_key"] != nil {
		t.Errorf("display_config: %v", dc)
	}
	attrs := env["user_settings"].(map[string]any)["attributes"].(map[string]any)
	if e := attrs["email_address"].(map[string]any); e["enabled"] != true || e["first_factors"].([]any)[0] != "email_code" {
		t.Errorf("email attribute: %v", e)
	}
	if env["organization_settings"].(map[string]any)["enabled"] != true {
		t.Errorf("organizations off")
	}
	st, c := b.call("GET", "/v1/client", nil)
	if st != 200 || resp(c)["object"] != "client" || len(resp(c)["sessions"].([]any)) != 0 || resp(c)["sign_in"] != nil {
		t.Fatalf("client: %d %v", st, c)
	}
	_, again := b.call("GET", "/v1/client", nil)
	if resp(again)["id"] != resp(c)["id"] {
		t.Errorf("the client cookie did not keep the client: %v then %v", resp(c)["id"], resp(again)["id"])
	}
}

func TestFAPISignInPasswordOrganizationsSignOut(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)

	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "nobody@example.com"))
	b.wantErr(422, "form_identifier_not_found", "identifier", st, m)

	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
	si := resp(m)
	if st != 200 || si["status"] != "needs_first_factor" || clientOf(m)["sign_in"].(map[string]any)["id"] != si["id"] {
		t.Fatalf("create sign-in: %d %v", st, m)
	}
	var strategies []string
	for _, f := range si["supported_first_factors"].([]any) {
		strategies = append(strategies, f.(map[string]any)["strategy"].(string))
	}
	if strings.Join(strategies, ",") != "password,email_code,reset_password_email_code" {
		t.Errorf("first factors %v", strategies)
	}
	id := si["id"].(string)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "password", "password", "wrong"))
	b.wantErr(422, "form_password_incorrect", "password", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("password: %d %v", st, m)
	}
	sid := resp(m)["created_session_id"].(string)
	sessions := clientOf(m)["sessions"].([]any)
	if len(sessions) != 1 || sessions[0].(map[string]any)["user"].(map[string]any)["id"] != "user_demo_alice" || clientOf(m)["last_active_session_id"] != sid {
		t.Fatalf("client after sign-in: %v", clientOf(m))
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	b.wantErr(400, "sign_in_already_completed", "", st, m)

	token := func(f url.Values) map[string]any {
		t.Helper()
		st, m := b.call("POST", "/v1/client/sessions/"+sid+"/tokens", f)
		if st != 200 || m["object"] != "token" {
			t.Fatalf("token: %d %v", st, m)
		}
		_, claims := h.verifyJWT(m["jwt"].(string))
		if claims["sid"] != sid || claims["azp"] != testAppOrigin {
			t.Errorf("claims %v", claims)
		}
		return claims
	}
	if o, _ := token(nil)["o"].(map[string]any); o["id"] != "org_demo_acme" || o["rol"] != "admin" {
		t.Errorf("default org claim %v", o)
	}
	if _, ok := token(form("organization_id", ""))["o"]; ok {
		t.Errorf("organization_id= still minted an org token")
	}

	// setActive: personal account, then Acme.
	st, m = b.call("POST", "/v1/client/sessions/"+sid+"/touch", form("active_organization_id", ""))
	if st != 200 || resp(m)["last_active_organization_id"] != nil {
		t.Fatalf("touch personal: %d %v", st, m)
	}
	if _, ok := token(nil)["o"]; ok {
		t.Errorf("personal session still has an org claim")
	}
	st, m = b.call("POST", "/v1/client/sessions/"+sid+"/touch", form("active_organization_id", "org_demo_acme"))
	if st != 200 || resp(m)["last_active_organization_id"] != "org_demo_acme" {
		t.Fatalf("touch acme: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sessions/"+sid+"/touch", form("active_organization_id", "org_nope"))
	b.wantErr(404, "resource_not_found", "active_organization_id", st, m)
	if o, _ := token(nil)["o"].(map[string]any); o["id"] != "org_demo_acme" {
		t.Errorf("a failed touch changed the organization: %v", o)
	}

	st, m = b.call("GET", "/v1/me/organization_memberships", nil)
	data, _ := resp(m)["data"].([]any)
	if st != 200 || len(data) != 1 || resp(m)["total_count"] != float64(1) ||
		data[0].(map[string]any)["organization"].(map[string]any)["id"] != "org_demo_acme" {
		t.Fatalf("memberships: %d %v", st, m)
	}
	for _, p := range []string{"/v1/me/organization_invitations", "/v1/me/organization_suggestions"} {
		if st, m := b.call("GET", p, nil); st != 200 || len(resp(m)["data"].([]any)) != 0 {
			t.Errorf("%s: %d %v", p, st, m)
		}
	}

	// Sign out (clerk-js: DELETE /client/sessions through _method).
	st, m = b.call("DELETE", "/v1/client/sessions", nil)
	if st != 200 || len(clientOf(m)["sessions"].([]any)) != 0 || clientOf(m)["last_active_session_id"] != nil {
		t.Fatalf("sign out: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sessions/"+sid+"/tokens", nil)
	b.wantErr(401, "signed_out", "", st, m)
	st, m = b.call("GET", "/v1/me", nil)
	b.wantErr(401, "signed_out", "", st, m)
}

func TestFAPIEmailCodeSignIn(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	_, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "carol+clerk_test@example.com"))
	id := resp(m)["id"].(string)
	st, m := b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "email_code", "code", "424242"))
	b.wantErr(400, "verification_not_sent", "code", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/prepare_first_factor", form("strategy", "email_code"))
	if st != 200 || resp(m)["first_factor_verification"].(map[string]any)["status"] != "unverified" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "email_code", "code", "111111"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "email_code", "code", "424242"))
	if st != 200 || resp(m)["status"] != "complete" || resp(m)["first_factor_verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("attempt: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+id+"/prepare_first_factor", form("strategy", "oauth_google"))
	b.wantErr(400, "sign_in_already_completed", "", st, m)
	// A signed-in client of a single-session instance starts no other sign-in.
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "bob@example.com"))
	b.wantErr(400, "session_exists", "", st, m)
	b2 := newBrowser(h)
	st, m = b2.call("POST", "/v1/client/sign_ins", form("identifier", "bob@example.com", "strategy", "oauth_google"))
	b2.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
}

func TestFAPISignUpWithEmailCode(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", "alice@example.com", "password", "long-enough-1"))
	b.wantErr(422, "form_identifier_exists", "email_address", st, m)
	st, m = b.call("POST", "/v1/client/sign_ups", form("email_address", "erin+clerk_test@example.com", "password", "short"))
	b.wantErr(422, "form_password_length_too_short", "password", st, m)
	if _, c := b.call("GET", "/v1/client", nil); resp(c)["sign_up"] != nil {
		t.Errorf("a rejected sign-up left a record: %v", resp(c)["sign_up"])
	}

	st, m = b.call("POST", "/v1/client/sign_ups", form("email_address", "erin+clerk_test@example.com", "password", "long-enough-1", "first_name", "Erin"))
	su := resp(m)
	if st != 200 || su["status"] != "missing_requirements" || su["unverified_fields"].([]any)[0] != "email_address" || su["has_password"] != true {
		t.Fatalf("create sign-up: %d %v", st, m)
	}
	id := su["id"].(string)
	st, m = b.call("POST", "/v1/client/sign_ups/"+id+"/prepare_verification", form("strategy", "email_code"))
	if st != 200 || resp(m)["verifications"].(map[string]any)["email_address"].(map[string]any)["next_action"] != "needs_attempt" {
		t.Fatalf("prepare: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/client/sign_ups/"+id+"/attempt_verification", form("strategy", "email_code", "code", "000000"))
	b.wantErr(422, "form_code_incorrect", "code", st, m)
	var users []map[string]any
	h.bapi("GET", "/v1/users?email_address=erin%2Bclerk_test@example.com", nil, &users)
	if len(users) != 0 {
		t.Fatalf("user created before verification: %v", users)
	}
	st, m = b.call("POST", "/v1/client/sign_ups/"+id+"/attempt_verification", form("strategy", "email_code", "code", "424242"))
	if st != 200 || resp(m)["status"] != "complete" || resp(m)["created_session_id"] == nil {
		t.Fatalf("attempt: %d %v", st, m)
	}
	h.bapi("GET", "/v1/users?email_address=erin%2Bclerk_test@example.com", nil, &users)
	if len(users) != 1 || users[0]["id"] != resp(m)["created_user_id"] || users[0]["password_enabled"] != true || users[0]["first_name"] != "Erin" {
		t.Fatalf("Backend API users: %v", users)
	}
	st, m = b.call("PATCH", "/v1/client/sign_ups/"+id, form("first_name", "Again"))
	b.wantErr(400, "sign_up_already_completed", "", st, m)
}

func TestFAPIBadInput(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	raw := func(method, path, ct, body, origin string) (int, http.Header, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, h.inst.FrontendAPIURL+path, strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
		}
		res, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, res.Header, m
	}
	const form = "application/x-www-form-urlencoded"

	st, hd, _ := raw("OPTIONS", "/v1/client/sign_ins", "", "", testAppOrigin)
	if st != 204 || hd.Get("Access-Control-Allow-Origin") != testAppOrigin || hd.Get("Access-Control-Allow-Credentials") != "true" ||
		hd.Get("Access-Control-Allow-Headers") != "content-type" {
		t.Errorf("preflight: %d %v", st, hd)
	}
	st, hd, m := raw("POST", "/v1/client/sign_ins", form, "identifier=bob%40example.com", "https://evil.example")
	b.wantErr(403, "origin_invalid", "origin", st, m)
	if hd.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a foreign origin got CORS headers")
	}
	st, _, m = raw("POST", "/v1/client/sign_ins?_method=GET", form, "", testAppOrigin)
	b.wantErr(400, "form_param_value_invalid", "_method", st, m)
	st, _, m = raw("GET", "/v1/client?_method=DELETE", "", "", testAppOrigin)
	b.wantErr(400, "form_param_value_invalid", "_method", st, m)
	st, _, m = raw("POST", "/v1/client/sign_ins", form, "identifier=%zz", testAppOrigin)
	b.wantErr(400, "malformed_request", "", st, m)
	st, _, m = raw("POST", "/v1/client/sign_ins", "application/json", `{"identifier": 5}`, testAppOrigin)
	b.wantErr(422, "form_param_format_invalid", "identifier", st, m)

	for _, p := range []string{"/v1/client/sign_ins/sia_unknown", "/v1/client/sign_ups/sua_unknown"} {
		st, m := b.call("GET", p, nil)
		b.wantErr(404, "resource_not_found", "", st, m)
	}
	st, m = b.call("POST", "/v1/client/sessions/sess_unknown/touch", nil)
	b.wantErr(404, "resource_not_found", "", st, m)

	// Another browser cannot use this browser's sign-in.
	_, m = b.call("POST", "/v1/client/sign_ins", url.Values{"identifier": {"bob@example.com"}})
	id := resp(m)["id"].(string)
	other := newBrowser(h)
	st, m = other.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", url.Values{"strategy": {"password"}, "password": {"bob-password"}})
	b.wantErr(404, "resource_not_found", "", st, m)
}

func TestBundlesServedFromInstalledPackages(t *testing.T) {
	dir := t.TempDir()
	h := start(t, Options{BundleDir: dir})
	get := func(path string) (int, string, http.Header) {
		t.Helper()
		res, err := h.http.Get(h.inst.FrontendAPIURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header
	}
	st, body, _ := get("/npm/@clerk/clerk-js@6/dist/clerk.browser.js")
	if st != 404 || !strings.Contains(body, "-install-bundles") || !strings.Contains(body, dir) {
		t.Errorf("missing bundles: %d %q", st, body)
	}
	for name, v := range bundlePackages {
		p := filepath.Join(bundleRoot(dir, name, v), "dist", name+".js")
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("/* "+name+" */"), 0o644)
	}
	for _, path := range []string{"/npm/@clerk/clerk-js@" + ClerkJSVersion + "/dist/clerk-js.js", "/npm/@clerk/clerk-js@6/dist/clerk-js.js",
		"/npm/@clerk/ui@latest/dist/ui.js", "/__clerk/npm/@clerk/ui@1/dist/ui.js"} {
		st, body, hd := get(path)
		if st != 200 || !strings.HasPrefix(body, "/* ") || !strings.HasPrefix(hd.Get("Content-Type"), "text/javascript") {
			t.Errorf("%s: %d %q %v", path, st, body, hd.Get("Content-Type"))
		}
	}
	for _, path := range []string{"/npm/@clerk/clerk-js@5.0.0/dist/clerk-js.js", "/npm/@clerk/backend@2/dist/x.js",
		"/npm/@clerk/clerk-js@6/dist/missing.js", "/npm/@clerk/clerk-js@6/dist/%2e%2e/%2e%2e/x"} {
		if st, _, _ := get(path); st != 404 {
			t.Errorf("%s: %d, want 404", path, st)
		}
	}
}

func TestUntarPackageStaysInside(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"package/dist/ok.js", "package/../../escape.js", "other/x.js"} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
		tw.Write([]byte("//"))
	}
	tw.Close()
	gz.Close()
	dir := t.TempDir()
	tgz := filepath.Join(dir, "p.tgz")
	os.WriteFile(tgz, buf.Bytes(), 0o644)
	dst := filepath.Join(dir, "out")
	if err := untarPackage(tgz, dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "dist", "ok.js")); err != nil {
		t.Errorf("ok.js not extracted: %v", err)
	}
	for _, p := range []string{filepath.Join(dir, "escape.js"), filepath.Join(dst, "x.js"), filepath.Join(dst, "..", "escape.js")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
}

func TestFAPIImageURLsFollowTheProxy(t *testing.T) {
	h := start(t, Options{Seed: true})
	for _, c := range []struct{ proxy, want string }{
		{"", h.inst.FrontendAPIURL},
		{testAppOrigin + "/__clerk", testAppOrigin + "/__clerk"},
		{"https://evil.example/__clerk", h.inst.FrontendAPIURL},
		{"http://user@127.0.0.1:3010/__clerk", h.inst.FrontendAPIURL},
	} {
		b := newBrowser(h)
		if c.proxy != "" {
			b.header = http.Header{"Clerk-Proxy-Url": {c.proxy}}
		}
		_, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
		img, _ := resp(m)["user_data"].(map[string]any)["image_url"].(string)
		if img != c.want+"/v1/avatar.svg" {
			t.Errorf("Clerk-Proxy-Url %q: image_url %q, want %s/v1/avatar.svg", c.proxy, img, c.want)
		}
	}
}
