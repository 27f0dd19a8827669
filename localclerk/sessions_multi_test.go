package localclerk

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// multiSessionStart is a seeded instance with multi-session on.
func multiSessionStart(t *testing.T) *harness {
	s := DefaultSettings()
	s.MultiSession = true
	return start(t, Options{Seed: true, Settings: &s})
}

// passwordSignIn signs email in on b in one step and returns the new
// session's id.
func passwordSignIn(t *testing.T, b *browser, email, password string) string {
	t.Helper()
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", email, "strategy", "password", "password", password))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign in %s: %d %v", email, st, m)
	}
	return resp(m)["created_session_id"].(string)
}

// clientState is the client's signed-in sessions (id → user id) and its
// current session, as GET /v1/client answers them.
func clientState(t *testing.T, b *browser) (map[string]string, string) {
	t.Helper()
	st, m := b.call("GET", "/v1/client", nil)
	if st != 200 {
		t.Fatalf("client: %d %v", st, m)
	}
	c := resp(m)
	out := map[string]string{}
	for _, s := range c["sessions"].([]any) {
		s := s.(map[string]any)
		out[s["id"].(string)] = s["user"].(map[string]any)["id"].(string)
	}
	cur, _ := c["last_active_session_id"].(string)
	return out, cur
}

// meID is the user /v1/me answers for.
func meID(t *testing.T, b *browser) string {
	t.Helper()
	st, m := b.call("GET", "/v1/me", nil)
	if st != 200 {
		return ""
	}
	id, _ := resp(m)["id"].(string)
	return id
}

// handshakeUser is the user of the __session cookie a handshake of b's
// client hands the app ("" when signed out).
func handshakeUser(t *testing.T, h *harness, b *browser) string {
	t.Helper()
	u, _ := url.Parse(h.inst.FrontendAPIURL)
	dvb := ""
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == devBrowserCookie {
			dvb = c.Value
		}
	}
	if dvb == "" {
		t.Fatal("the browser holds no dev browser cookie")
	}
	dirs, _ := h.handshake("http://localhost:3000/", "nonce", dvb, true)
	tok, _ := cookieValue(dirs, "__session")
	if tok == "" {
		return ""
	}
	_, claims := h.verifyJWT(tok)
	return claims["sub"].(string)
}

func TestMultiSessionAddSwitchAndEnd(t *testing.T) {
	h := multiSessionStart(t)
	b := newBrowser(h)
	if st, env := b.call("GET", "/v1/environment", nil); st != 200 || envPath(env, "auth_config", "single_session_mode") != false {
		t.Fatalf("environment: %d single_session_mode %v", st, envPath(env, "auth_config", "single_session_mode"))
	}
	bob := passwordSignIn(t, b, "bob@example.com", "bob-password")
	h.clock.Advance(time.Minute)
	alice := passwordSignIn(t, b, "alice@example.com", "alice-password")
	sessions, cur := clientState(t, b)
	if len(sessions) != 2 || sessions[bob] != "user_demo_bob" || sessions[alice] != "user_demo_alice" || cur != alice {
		t.Fatalf("after adding Alice: %v current %s", sessions, cur)
	}
	if got := meID(t, b); got != "user_demo_alice" {
		t.Errorf("/v1/me is %q, want the newest account", got)
	}
	if got := handshakeUser(t, h, b); got != "user_demo_alice" {
		t.Errorf("handshake token for %q, want Alice", got)
	}

	// Signing in an account that is already signed in points at its session.
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "bob@example.com"))
	b.wantErr(400, "identifier_already_signed_in", "", st, m)
	if meta := m["errors"].([]any)[0].(map[string]any)["meta"].(map[string]any); meta["session_id"] != bob {
		t.Errorf("identifier_already_signed_in meta %v, want Bob's session", meta)
	}

	// Another tab's session mints tokens without becoming current.
	st, m = b.call("POST", "/v1/client/sessions/"+bob+"/tokens", nil)
	if st != 200 {
		t.Fatalf("token for the other session: %d %v", st, m)
	}
	if _, claims := h.verifyJWT(m["jwt"].(string)); claims["sub"] != "user_demo_bob" || claims["sid"] != bob {
		t.Errorf("other session's token claims %v", claims)
	}
	if _, cur := clientState(t, b); cur != alice {
		t.Errorf("a token request switched the session to %s", cur)
	}

	// setActive({session}): the touch makes Bob current.
	h.clock.Advance(time.Minute)
	st, m = b.call("POST", "/v1/client/sessions/"+bob+"/touch", form("intent", "select_session"))
	if st != 200 || clientOf(m)["last_active_session_id"] != bob {
		t.Fatalf("touch Bob: %d %v", st, clientOf(m))
	}
	if got := meID(t, b); got != "user_demo_bob" {
		t.Errorf("/v1/me after the switch is %q", got)
	}
	if got := handshakeUser(t, h, b); got != "user_demo_bob" {
		t.Errorf("handshake after the switch for %q", got)
	}

	// Signing out the current account hands over to the other one.
	st, m = b.call("POST", "/v1/client/sessions/"+bob+"/remove", nil)
	if st != 200 || resp(m)["status"] != "removed" || clientOf(m)["last_active_session_id"] != alice {
		t.Fatalf("remove Bob: %d %v", st, m)
	}
	if sessions, _ := clientState(t, b); len(sessions) != 1 || sessions[alice] == "" {
		t.Errorf("after removing Bob: %v", sessions)
	}
	if got := meID(t, b); got != "user_demo_alice" {
		t.Errorf("/v1/me after removing Bob is %q", got)
	}
	st, m = b.call("POST", "/v1/client/sessions/"+bob+"/tokens", nil)
	b.wantErr(401, "signed_out", "", st, m)

	// Ending a session that is not current leaves the current one.
	h.clock.Advance(time.Minute)
	bob = passwordSignIn(t, b, "bob@example.com", "bob-password")
	if st, m := b.call("POST", "/v1/client/sessions/"+alice+"/end", nil); st != 200 || clientOf(m)["last_active_session_id"] != bob {
		t.Fatalf("end Alice: %d %v", st, clientOf(m))
	}

	// DELETE /v1/client/sessions signs every account out.
	passwordSignIn(t, b, "alice@example.com", "alice-password")
	st, m = b.call("DELETE", "/v1/client/sessions", nil)
	if st != 200 || len(clientOf(m)["sessions"].([]any)) != 0 || clientOf(m)["last_active_session_id"] != nil {
		t.Fatalf("sign out all: %d %v", st, clientOf(m))
	}
	if got := handshakeUser(t, h, b); got != "" {
		t.Errorf("handshake after signing out all for %q", got)
	}
}

// TestMultiSessionRevokeAndExpiryHandOver: a Backend API revoke of the
// current session, and the current session's expiry, hand over to the
// most recently active remaining one.
func TestMultiSessionRevokeAndExpiryHandOver(t *testing.T) {
	h := multiSessionStart(t)
	b := newBrowser(h)
	aliceOld := passwordSignIn(t, b, "alice@example.com", "alice-password")
	h.clock.Advance(24 * time.Hour)
	bob := passwordSignIn(t, b, "bob@example.com", "bob-password")
	h.clock.Advance(time.Minute)
	if st, _ := b.call("POST", "/v1/client/sessions/"+aliceOld+"/touch", nil); st != 200 {
		t.Fatalf("touch Alice: %d", st)
	}

	// Revoked through the Backend API: Bob, the most recent other, takes over.
	var revoked map[string]any
	if st := h.bapi("POST", "/v1/sessions/"+aliceOld+"/revoke", nil, &revoked); st != 200 || revoked["status"] != "revoked" {
		t.Fatalf("revoke: %d %v", st, revoked)
	}
	var cl map[string]any
	if st := h.bapi("GET", "/v1/clients/"+revoked["client_id"].(string), nil, &cl); st != 200 || cl["last_active_session_id"] != bob {
		t.Fatalf("Backend API client after the revoke: %d %v", st, cl)
	}
	if got := meID(t, b); got != "user_demo_bob" {
		t.Errorf("/v1/me after the revoke is %q", got)
	}

	// Expiry: Alice signs in again, a day after Bob; when Bob's week is
	// over, Alice (current or not) is what is left.
	h.clock.Advance(24 * time.Hour)
	alice := passwordSignIn(t, b, "alice@example.com", "alice-password")
	h.clock.Advance(time.Minute)
	if st, _ := b.call("POST", "/v1/client/sessions/"+bob+"/touch", nil); st != 200 {
		t.Fatalf("touch Bob: %d", st)
	}
	h.clock.Advance(sessionLifetime - 24*time.Hour)
	sessions, cur := clientState(t, b)
	if len(sessions) != 1 || cur != alice {
		t.Fatalf("after Bob's session expired: %v current %s, want Alice's %s", sessions, cur, alice)
	}
	if got := handshakeUser(t, h, b); got != "user_demo_alice" {
		t.Errorf("handshake after the expiry for %q", got)
	}
	var bs map[string]any
	if st := h.bapi("GET", "/v1/sessions/"+bob, nil, &bs); st != 200 || bs["status"] != "expired" {
		t.Errorf("Bob's session: %d %v", st, bs["status"])
	}
}

// TestSingleSessionSignInWhileSignedIn: without multi-session a signed-in
// client starts no second sign-in, and its client holds one session.
func TestSingleSessionSignInWhileSignedIn(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	bob := passwordSignIn(t, b, "bob@example.com", "bob-password")
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	b.wantErr(400, "session_exists", "", st, m)
	if sessions, cur := clientState(t, b); len(sessions) != 1 || cur != bob {
		t.Errorf("after the refused sign-in: %v current %s", sessions, cur)
	}
	// Revoked through the Backend API: nothing to hand over to.
	if st := h.bapi("POST", "/v1/sessions/"+bob+"/revoke", nil, nil); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if sessions, cur := clientState(t, b); len(sessions) != 0 || cur != "" {
		t.Errorf("after the revoke: %v current %q", sessions, cur)
	}
	passwordSignIn(t, b, "alice@example.com", "alice-password")
}

// TestHostedSignInListsAccounts: in multi-session mode the hosted sign-in
// page offers each signed-in account and another one; "Continue as" makes
// that account current.
func TestHostedSignInListsAccounts(t *testing.T) {
	h := multiSessionStart(t)
	b := newBrowser(h)
	bob := passwordSignIn(t, b, "bob@example.com", "bob-password")
	h.clock.Advance(time.Minute)
	passwordSignIn(t, b, "alice@example.com", "alice-password")

	res, err := b.client.Get(h.inst.FrontendAPIURL + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	page := readBody(t, res)
	for _, want := range []string{"Signed in on this browser", "Continue as Alice", "Continue as Bob", `value="` + bob + `"`, `name="password"`} {
		if !strings.Contains(page, want) {
			t.Errorf("sign-in page lacks %q", want)
		}
	}

	res, err = b.client.PostForm(h.inst.FrontendAPIURL+"/sign-in/continue", url.Values{"session_id": {bob}, "redirect_url": {testAppOrigin + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), testAppOrigin+"/") {
		t.Fatalf("continue as Bob: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if sessions, cur := clientState(t, b); len(sessions) != 2 || cur != bob {
		t.Errorf("after continuing as Bob: %v current %s", sessions, cur)
	}
	// A session that is not the browser's is refused.
	res, err = b.client.PostForm(h.inst.FrontendAPIURL+"/sign-in/continue", url.Values{"session_id": {"sess_nope"}})
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in" {
		t.Errorf("continue as an unknown session: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

// readBody reads and closes a response's body.
func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var sb strings.Builder
	if _, err := io.Copy(&sb, res.Body); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

// TestMultiSessionAnswersMatchTheSpec checks the multi-session answers of
// the Frontend API against its specification: a second sign-in on a
// signed-in client, an account already signed in, a switch and the
// removal of the current session.
func TestMultiSessionAnswersMatchTheSpec(t *testing.T) {
	h := multiSessionStart(t)
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	fx := newShapeFixture(t, h, true) // Alice
	call := func(path string, form url.Values, status int) []byte {
		t.Helper()
		path += "?__clerk_db_jwt=" + fx.dvb + "&" + clerkJSQuery
		resp, body := h.do(h.fapiRequest("POST", path, form))
		if resp.StatusCode != status {
			t.Fatalf("POST %s: %d, want %d: %s", path, resp.StatusCode, status, body)
		}
		if err := facts.Check("POST", path, resp.StatusCode, body); err != nil {
			t.Errorf("POST %s: %v\nbody: %s", path, err, body)
		}
		return body
	}
	var signIn struct {
		Response struct {
			CreatedSessionID string `json:"created_session_id"`
		}
	}
	mustJSON(t, call("/v1/client/sign_ins", url.Values{"identifier": {"bob@example.com"}, "strategy": {"password"}, "password": {"bob-password"}}, 200), &signIn)
	call("/v1/client/sign_ins", url.Values{"identifier": {"alice@example.com"}}, 400)
	call("/v1/client/sessions/"+fx.sid+"/touch", url.Values{"intent": {"select_session"}}, 200)
	var removed struct {
		Client struct {
			LastActiveSessionID string `json:"last_active_session_id"`
		}
	}
	mustJSON(t, call("/v1/client/sessions/"+fx.sid+"/remove", nil, 200), &removed)
	if removed.Client.LastActiveSessionID != signIn.Response.CreatedSessionID {
		t.Errorf("after removing Alice the current session is %q, want Bob's %q", removed.Client.LastActiveSessionID, signIn.Response.CreatedSessionID)
	}
}
