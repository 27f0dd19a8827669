package localclerk

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRestartKeepsUsersAndKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lc.db")
	clock := newFakeClock()
	inst1, err := Start(context.Background(), Options{DataFile: path, Seed: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h1 := &harness{t: t, inst: inst1, clock: clock, http: http.DefaultClient}
	var u map[string]any
	h1.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"keep@example.com"}}, &u)
	var sess, tok map[string]any
	h1.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_alice"}, &sess)
	h1.bapi("POST", "/v1/sessions/"+sess["id"].(string)+"/tokens", nil, &tok)
	pem1, sk1, kid1, demo1 := inst1.PublicKeyPEM, inst1.SecretKey, inst1.KeyID, inst1.Demo.APIKey
	if err := inst1.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	inst2, err := Start(context.Background(), Options{DataFile: path, Seed: true, Now: clock.Now})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer inst2.Close()
	if inst2.PublicKeyPEM != pem1 || inst2.SecretKey != sk1 || inst2.KeyID != kid1 {
		t.Fatal("keys changed across restart")
	}
	if inst2.Demo == nil || inst2.Demo.APIKey != demo1 {
		t.Errorf("demo info changed: %+v", inst2.Demo)
	}
	h2 := &harness{t: t, inst: inst2, clock: clock, http: http.DefaultClient}
	var got []map[string]any
	h2.bapi("GET", "/v1/users?email_address=keep@example.com", nil, &got)
	if len(got) != 1 || got[0]["id"] != u["id"] {
		t.Errorf("user lost across restart: %v", got)
	}
	var count map[string]any
	h2.bapi("GET", "/v1/users/count", nil, &count)
	if count["total_count"] != float64(4) {
		t.Errorf("seed applied twice? count %v", count)
	}
	// A token from before the restart verifies against the new JWKS.
	h2.verifyJWT(tok["jwt"].(string))
}

func TestCorruptDataFile(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("this is not a database, just some text that is long enough"), 0o600)
	_, err := Start(context.Background(), Options{DataFile: garbage})
	if err == nil || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Errorf("garbage file: %v", err)
	}

	// A real database with its pages damaged.
	path := filepath.Join(dir, "damaged.db")
	inst, err := Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	inst.Close()
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	b, _ := os.ReadFile(path)
	for i := 100; i < len(b); i++ {
		b[i] = 0xA5
	}
	os.WriteFile(path, b, 0o600)
	_, err = Start(context.Background(), Options{DataFile: path})
	if err == nil || !strings.Contains(err.Error(), "damaged.db") {
		t.Errorf("damaged file: %v", err)
	}

	// A directory.
	if _, err := Start(context.Background(), Options{DataFile: dir}); err == nil {
		t.Error("directory accepted as data file")
	}
	// Another application's SQLite database.
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes(id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Start(context.Background(), Options{DataFile: other})
	if err == nil || !strings.Contains(err.Error(), "belongs to something else") {
		t.Errorf("foreign database: %v", err)
	}
}

func decodeJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func TestExportImport(t *testing.T) {
	h := start(t, Options{Seed: true})
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"exported@example.com"}}, nil)
	var buf bytes.Buffer
	if err := h.inst.Export(t.Context(), &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "exported@example.com") {
		t.Fatal("export lacks the user")
	}

	h2 := start(t, Options{})
	if err := h2.inst.Import(t.Context(), bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	h2.bapi("GET", "/v1/users?email_address=exported@example.com", nil, &list)
	if len(list) != 1 {
		t.Fatalf("imported users: %v", list)
	}
	// Unique keys came along: the e-mail is taken.
	if st := h2.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"exported@example.com"}}, nil); st != 422 {
		t.Errorf("duplicate after import: %d", st)
	}
	// The importing instance keeps its own secret key.
	if st := h2.bapiAuth("GET", "/v1/users", "Bearer "+h.inst.SecretKey, nil, nil); st != 401 && h.inst.SecretKey != h2.inst.SecretKey {
		t.Errorf("old secret key accepted: %d", st)
	}
	if h2.inst.Demo == nil || h2.inst.Demo.OrganizationSlug != "acme" {
		t.Errorf("demo info after import: %+v", h2.inst.Demo)
	}
	if err := h2.inst.Import(t.Context(), strings.NewReader(`{"format":"other"}`)); err == nil {
		t.Error("foreign import accepted")
	}
}

func TestSeedFileDeterministic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	os.WriteFile(path, []byte(`{
	  "permissions": [{"key": "org:docs:edit", "name": "Edit docs"}],
	  "roles": [{"key": "org:editor", "name": "Editor", "permissions": ["org:docs:edit"]}],
	  "users": [{"id": "user_fixed_1", "email": "fixed@example.com", "password": "fixed-password", "demo": true}],
	  "organizations": [{"id": "org_fixed", "name": "Fixed", "slug": "fixed", "members": [{"user_id": "user_fixed_1", "role": "org:editor"}]}]
	}`), 0o600)
	for range 2 {
		h := start(t, Options{SeedFile: path})
		var u map[string]any
		if st := h.bapi("GET", "/v1/users/user_fixed_1", nil, &u); st != 200 {
			t.Fatalf("fixed user: %d", st)
		}
		var sess, tok map[string]any
		h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_fixed_1"}, &sess)
		h.bapi("POST", "/v1/sessions/"+sess["id"].(string)+"/tokens", nil, &tok)
		_, claims := h.verifyJWT(tok["jwt"].(string))
		if o := claims["o"].(map[string]any); o["id"] != "org_fixed" || o["rol"] != "editor" {
			t.Errorf("o = %v", o)
		}
		if p := decodePermissions(t, claims); len(p) != 1 || p[0] != "org:docs:edit" {
			t.Errorf("perms %v", p)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"users": [`), 0o600)
	if _, err := Start(context.Background(), Options{SeedFile: bad, testKey: sharedTestKey(t)}); err == nil {
		t.Error("bad seed file accepted")
	}
}

func TestSignInTokenAndPages(t *testing.T) {
	h := start(t, Options{Seed: true})
	var sit map[string]any
	if st := h.bapi("POST", "/v1/sign_in_tokens", map[string]any{"user_id": "user_demo_bob"}, &sit); st != 200 {
		t.Fatalf("sign-in token %d %v", st, sit)
	}
	u, _ := url.Parse(sit["url"].(string))
	q := u.Query()
	q.Set("redirect_url", app)
	u.RawQuery = q.Encode()
	resp := h.get(u.String())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ticket: %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	dvb := loc.Query().Get("__clerk_db_jwt")
	dirs, _ := h.handshake(app, "token", dvb, false)
	tok, _ := cookieValue(dirs, "__session")
	if _, claims := h.verifyJWT(tok); claims["sub"] != "user_demo_bob" {
		t.Errorf("ticket sign-in sub %v", claims["sub"])
	}
	// Tickets are single use.
	if resp := h.get(u.String()); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("reused ticket: %d", resp.StatusCode)
	}

	// Pages render.
	for _, p := range []string{"/", "/sign-in?redirect_url=" + url.QueryEscape(app), "/sign-up", "/sign-out", "/assets/localclerk.css",
		"/user?__clerk_db_jwt=" + dvb} {
		if resp := h.get(h.inst.FrontendAPIURL + p); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	// Not allowed redirect.
	if resp := h.get(h.inst.FrontendAPIURL + "/sign-in?redirect_url=" + url.QueryEscape("https://evil.example/")); resp.StatusCode != 400 {
		t.Errorf("evil redirect: %d", resp.StatusCode)
	}
	// Wrong password.
	if resp := h.postForm("/sign-in", url.Values{"email": {"bob@example.com"}, "password": {"nope"}}); resp.StatusCode != 422 {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	// Cross-origin post refused.
	req, _ := http.NewRequest("POST", h.inst.FrontendAPIURL+"/sign-out", strings.NewReader(""))
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := h.http.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("cross-origin post: %v %v", resp, err)
	}

	// Organization switcher: Bob to personal account.
	resp = h.postForm("/user/organization", url.Values{"__clerk_db_jwt": {dvb}, "organization_id": {""}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: %d", resp.StatusCode)
	}
	dirs, _ = h.handshake(app, "token", dvb, false)
	tok, _ = cookieValue(dirs, "__session")
	if _, claims := h.verifyJWT(tok); claims["o"] != nil {
		t.Errorf("still in org after switching to personal: %v", claims["o"])
	}
}

func TestSignUpWithTestEmailCode(t *testing.T) {
	h := start(t, Options{})
	resp := h.postForm("/sign-up", url.Values{"email": {"new+clerk_test@example.com"}, "password": {"long-enough"}, "redirect_url": {app}})
	if resp.StatusCode != 200 {
		t.Fatalf("sign-up: %d", resp.StatusCode)
	}
	var pending []*pendingSignUp
	h.inst.store.view(t.Context(), func(tx *txn) error {
		var err error
		pending, err = all[pendingSignUp](tx, kindCode)
		return err
	})
	if len(pending) != 1 {
		t.Fatalf("pending sign-ups: %d", len(pending))
	}
	if resp := h.postForm("/sign-up/verify", url.Values{"pending_id": {pending[0].ID}, "code": {"000000"}, "redirect_url": {app}}); resp.StatusCode != 422 {
		t.Errorf("wrong code: %d", resp.StatusCode)
	}
	resp = h.postForm("/sign-up/verify", url.Values{"pending_id": {pending[0].ID}, "code": {"424242"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	dirs, _ := h.handshake(app, "nonce", loc.Query().Get("__clerk_db_jwt"), false)
	tok, _ := cookieValue(dirs, "__session")
	_, claims := h.verifyJWT(tok)
	var u map[string]any
	h.bapi("GET", "/v1/users/"+claims["sub"].(string), nil, &u)
	if u["email_addresses"].([]any)[0].(map[string]any)["email_address"] != "new+clerk_test@example.com" {
		t.Errorf("user %v", u)
	}
	// Code sign-in for the same test identity.
	resp = h.postForm("/sign-in/code", url.Values{"email": {"new+clerk_test@example.com"}, "code": {"424242"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("code sign-in: %d", resp.StatusCode)
	}
	if resp := h.postForm("/sign-in/code", url.Values{"email": {"plain@example.com"}, "code": {"424242"}}); resp.StatusCode != 422 {
		t.Errorf("code sign-in for non-test address: %d", resp.StatusCode)
	}
}

func TestHandshakeErrorsAndProxyPrefix(t *testing.T) {
	h := start(t, Options{Seed: true, AllowedOrigins: []string{"https://app.example.com"}})
	for _, bad := range []string{
		h.inst.FrontendAPIURL + "/v1/client/handshake",
		h.handshakeURL("https://evil.example/", "token", "", false),
		h.handshakeURL("javascript:alert(1)", "token", "", false),
		h.handshakeURL("/relative", "token", "", false),
		h.handshakeURL(app, "xml", "", false),
		h.handshakeURL(app, "token", "", false, "suffixed_cookies", "maybe"),
	} {
		resp, err := h.http.Get(bad)
		if err != nil {
			t.Fatal(err)
		}
		var e clerkErrors
		decodeJSON(t, resp, &e)
		h.wantError(400, "", resp.StatusCode, e)
	}
	// Allowed extra origin; and the /__clerk proxy prefix works.
	resp := h.get(strings.Replace(h.handshakeURL("https://app.example.com/x", "token", "", false), "/v1/", "/__clerk/v1/", 1))
	if resp.StatusCode != http.StatusTemporaryRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "https://app.example.com/x?") {
		t.Errorf("proxied handshake: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Unknown dev browser: a new one is issued.
	_, dvb := h.handshake(app, "token", "dvb_unknown", false)
	if dvb == "dvb_unknown" || dvb == "" {
		t.Errorf("dvb %q", dvb)
	}
	// Dev browser API.
	var db map[string]any
	resp2, _ := h.http.Post(h.inst.FrontendAPIURL+"/v1/dev_browser", "", nil)
	decodeJSON(t, resp2, &db)
	if !strings.HasPrefix(db["id"].(string), "dvb_") {
		t.Errorf("dev browser %v", db)
	}
	resp2, _ = h.http.Get(h.inst.FrontendAPIURL + "/v1/dev_browser?__clerk_db_jwt=" + db["id"].(string))
	if resp2.StatusCode != 200 {
		t.Errorf("lookup dev browser %d", resp2.StatusCode)
	}
	resp2.Body.Close()
	// Nonces are single use.
	resp = h.get(h.handshakeURL(app, "nonce", dvb, false))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	nonce := loc.Query().Get("__clerk_handshake_nonce")
	if st := h.bapi("GET", "/v1/clients/handshake_payload?nonce="+nonce, nil, nil); st != 200 {
		t.Errorf("nonce: %d", st)
	}
	if st := h.bapi("GET", "/v1/clients/handshake_payload?nonce="+nonce, nil, nil); st != 404 {
		t.Errorf("nonce reuse: %d", st)
	}
	// Expired nonce.
	resp = h.get(h.handshakeURL(app, "nonce", dvb, false))
	loc, _ = url.Parse(resp.Header.Get("Location"))
	h.clock.Advance(nonceTTL + time.Second)
	if st := h.bapi("GET", "/v1/clients/handshake_payload?nonce="+loc.Query().Get("__clerk_handshake_nonce"), nil, nil); st != 404 {
		t.Errorf("expired nonce: %d", st)
	}
}

func TestGoHelpers(t *testing.T) {
	h := start(t, Options{Seed: true, TokenLifetime: 30 * time.Second})
	sid, dvb, err := h.inst.CreateSession(t.Context(), "user_demo_bob", "acme")
	if err != nil || dvb == "" {
		t.Fatal(err)
	}
	tok, err := h.inst.SessionToken(t.Context(), sid, "http://localhost:3000")
	if err != nil {
		t.Fatal(err)
	}
	_, claims := h.verifyJWT(tok)
	if claims["sub"] != "user_demo_bob" || claims["azp"] != "http://localhost:3000" || claims["o"].(map[string]any)["rol"] != "member" {
		t.Errorf("claims %v", claims)
	}
	if exp, iat := claims["exp"].(float64), claims["iat"].(float64); exp-iat != 30 {
		t.Errorf("lifetime %v", exp-iat)
	}
	if _, _, err := h.inst.CreateSession(t.Context(), "user_nope", ""); err == nil {
		t.Error("session for unknown user")
	}
	link, err := h.inst.SignInURL(t.Context(), "user_demo_alice", app)
	if err != nil {
		t.Fatal(err)
	}
	resp := h.get(link)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc.Query().Get("__clerk_db_jwt") == "" {
		t.Errorf("sign-in link: %d %s", resp.StatusCode, loc)
	}
	lines := strings.Join(h.inst.EnvLines(), "\n")
	for _, want := range []string{"CLERK_PUBLISHABLE_KEY=pk_test_", "CLERK_SECRET_KEY=sk_test_", "CLERK_API_URL=" + h.inst.FrontendAPIURL + "/api",
		"CLERK_JWT_KEY=-----BEGIN PUBLIC KEY-----\nMII", "CLERK_MACHINE_SECRET_KEY=ak_"} {
		if !strings.Contains(lines, want) {
			t.Errorf("EnvLines lacks %q", want)
		}
	}
	// The publishable key decodes to the FAPI host and the suffix matches
	// @clerk/shared's getCookieSuffix for it.
	host := strings.TrimPrefix(h.inst.FrontendAPIURL, "http://")
	if pk := h.inst.PublishableKey; pk != "pk_test_"+base64.StdEncoding.EncodeToString([]byte(host+"$")) {
		t.Errorf("pk %s", pk)
	}
	// Vectors computed with @clerk/shared's getCookieSuffix.
	for pk, want := range map[string]string{"pk_test_Y2xlcmsuZXhhbXBsZS5jb20k": "l2OS3d9k", "pk_test_MTI3LjAuMC4xOjQ0NzEk": "fzkQCoVV"} {
		if got := cookieSuffix(pk); got != want {
			t.Errorf("cookieSuffix(%s) = %q, want %q", pk, got, want)
		}
	}
}

func TestSignInContinueWhenSignedIn(t *testing.T) {
	h := start(t, Options{Seed: true})
	dvb := signInAlice(t, h)
	resp, err := h.http.Get(h.inst.FrontendAPIURL + "/sign-in?redirect_url=" + url.QueryEscape(app) + "&__clerk_db_jwt=" + dvb)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Continue as Alice Admin") {
		t.Errorf("sign-in page does not offer to continue as Alice")
	}
	resp = h.postForm("/sign-in/continue", url.Values{"__clerk_db_jwt": {dvb}, "redirect_url": {app}})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc.Query().Get("__clerk_db_jwt") != dvb {
		t.Errorf("continue: %d %s", resp.StatusCode, loc)
	}
}

func TestFAPIClientEndpoints(t *testing.T) {
	h := start(t, Options{Seed: true})
	dvb := signInAlice(t, h)
	do := func(method, path string) (int, map[string]any) {
		req, _ := http.NewRequest(method, h.inst.FrontendAPIURL+path, nil)
		req.Header.Set("Authorization", "Bearer "+dvb)
		resp, err := h.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		decodeJSON(t, resp, &m)
		return resp.StatusCode, m
	}
	st, c := do("GET", "/v1/client")
	if st != 200 {
		t.Fatalf("client: %d %v", st, c)
	}
	sid, _ := c["response"].(map[string]any)["last_active_session_id"].(string)
	st, tok := do("POST", "/v1/client/sessions/"+sid+"/tokens")
	if st != 200 || tok["object"] != "token" {
		t.Fatalf("token: %d %v", st, tok)
	}
	if _, claims := h.verifyJWT(tok["jwt"].(string)); claims["sid"] != sid {
		t.Errorf("sid %v", claims["sid"])
	}
	if st, _ := do("POST", "/v1/client/sessions/sess_other/tokens"); st != 401 {
		t.Errorf("foreign session token: %d", st)
	}
	if st, _ := do("POST", "/v1/client/sessions/"+sid+"/tokens/demo"); st != 200 {
		t.Errorf("template token: %d", st)
	}
	if st, _ := do("DELETE", "/v1/client/sessions"); st != 200 {
		t.Errorf("sign out: %d", st)
	}
	if st, _ := do("POST", "/v1/client/sessions/"+sid+"/tokens"); st != 401 {
		t.Errorf("token after sign-out: %d", st)
	}
	// Neither a dev browser nor localclerk's cookie: a new, signed-out
	// client, as clerk-js expects on its first Clerk.load().
	resp, _ := http.Get(h.inst.FrontendAPIURL + "/v1/client")
	var fresh struct {
		Response struct {
			ID       string `json:"id"`
			Sessions []any  `json:"sessions"`
		} `json:"response"`
	}
	decodeJSON(t, resp, &fresh)
	if resp.StatusCode != 200 || fresh.Response.ID == "" || len(fresh.Response.Sessions) != 0 {
		t.Errorf("new client: %d %+v", resp.StatusCode, fresh)
	}
}

func TestExpiredNoncesArePurged(t *testing.T) {
	h := start(t, Options{})
	for range 3 {
		h.get(h.handshakeURL(app, "nonce", "", false))
	}
	h.clock.Advance(nonceTTL + time.Second)
	h.get(h.handshakeURL(app, "nonce", "", false))
	var n int
	h.inst.store.view(t.Context(), func(tx *txn) error {
		ns, err := all[handshakeNonce](tx, kindNonce)
		n = len(ns)
		return err
	})
	if n != 1 {
		t.Errorf("%d nonces stored, want 1", n)
	}
}
