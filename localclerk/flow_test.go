package localclerk

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const app = "http://localhost:3000/dashboard?x=1"

// signInAlice walks the browser flow without a browser: a first handshake
// creates the dev browser, the sign-in form signs Alice in and sends the
// browser back to the app with __clerk_db_jwt.
func signInAlice(t *testing.T, h *harness) string {
	t.Helper()
	dirs, dvb := h.handshake(app, "token", "", false)
	if dvb == "" || !strings.HasPrefix(dvb, "dvb_") {
		t.Fatalf("no dev browser from first handshake: %q", dvb)
	}
	if v, _ := cookieValue(dirs, "__client_uat"); v != "0" {
		t.Errorf("signed-out client_uat = %q", v)
	}
	if v, ok := cookieValue(dirs, "__session"); !ok || v != "" {
		t.Errorf("signed-out __session = %q, %v", v, ok)
	}
	if v, _ := cookieValue(dirs, "__clerk_db_jwt"); v != dvb {
		t.Errorf("dev browser directive %q, want %q", v, dvb)
	}

	resp := h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"},
		"redirect_url": {app}, "__clerk_db_jwt": {dvb}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in status %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if got := loc.Query().Get("__clerk_db_jwt"); got != dvb {
		t.Fatalf("sign-in redirect %s: dev browser %q, want %q", loc, got, dvb)
	}
	if loc.Host != "localhost:3000" || loc.Path != "/dashboard" || loc.Query().Get("x") != "1" {
		t.Fatalf("sign-in redirect %s", loc)
	}
	return dvb
}

func TestSignInHandshakeRefreshSignOut(t *testing.T) {
	h := start(t, Options{Seed: true, TokenLifetime: 60 * time.Second})
	dvb := signInAlice(t, h)

	// dev-browser-sync handshake (nonce format, as @clerk/backend sends).
	dirs, dvb2 := h.handshake(app, "nonce", dvb, true)
	if dvb2 != dvb {
		t.Errorf("dev browser changed: %q → %q", dvb, dvb2)
	}
	tok, ok := cookieValue(dirs, "__session")
	if !ok || tok == "" {
		t.Fatalf("no session token in %v", dirs)
	}
	if v, _ := cookieValue(dirs, "__session_"+h.inst.CookieSuffix); v != tok {
		t.Errorf("suffixed session cookie missing or different")
	}
	if _, ok := cookieValue(dirs, "__client_uat_"+h.inst.CookieSuffix); !ok {
		t.Errorf("suffixed client_uat missing: %v", dirs)
	}
	header, claims := h.verifyJWT(tok)
	if header["cat"] != catSessionToken || header["kid"] != h.inst.KeyID {
		t.Errorf("header %v", header)
	}
	if claims["sub"] != "user_demo_alice" || claims["iss"] != h.inst.Issuer || claims["azp"] != "http://localhost:3000" ||
		claims["v"] != float64(2) || claims["sts"] != "active" {
		t.Errorf("claims %v", claims)
	}
	iat := int64(claims["iat"].(float64))
	if iat != h.clock.Now().Unix() || int64(claims["exp"].(float64)) != iat+60 || int64(claims["nbf"].(float64)) != iat-10 {
		t.Errorf("times iat=%v exp=%v nbf=%v", claims["iat"], claims["exp"], claims["nbf"])
	}
	uat, _ := cookieValue(dirs, "__client_uat")
	if n, err := strconv.ParseInt(uat, 10, 64); err != nil || n == 0 || n > iat {
		t.Errorf("client_uat %q must be in (0, iat=%d]", uat, iat)
	}
	o := claims["o"].(map[string]any)
	if o["id"] != "org_demo_acme" || o["slg"] != "acme" || o["rol"] != "admin" {
		t.Errorf("o = %v", o)
	}
	perms := decodePermissions(t, claims)
	slices.Sort(perms)
	if want := []string{"org:billing:manage", "org:billing:read", "org:reports:read"}; !slices.Equal(perms, want) {
		t.Errorf("permissions %v, want %v", perms, want)
	}
	if claims["pla"] != "u:free_user,o:pro" || !strings.Contains(claims["fea"].(string), "o:analytics") {
		t.Errorf("pla %v fea %v", claims["pla"], claims["fea"])
	}
	fva := claims["fva"].([]any)
	if fva[0] != float64(0) || fva[1] != float64(-1) {
		t.Errorf("fva %v", fva)
	}

	// Personal account via organization_id="".
	dirs, _ = h.handshake(app, "token", dvb, false, "organization_id", "")
	tok, _ = cookieValue(dirs, "__session")
	if _, claims := h.verifyJWT(tok); claims["o"] != nil {
		t.Errorf("personal account still has o: %v", claims["o"])
	}
	// Back to the org by slug.
	dirs, _ = h.handshake(app, "token", dvb, false, "organization_id", "acme")
	tok, _ = cookieValue(dirs, "__session")
	if _, claims := h.verifyJWT(tok); claims["o"] == nil {
		t.Errorf("org by slug not activated")
	}

	// Expiry: the old token is expired at the new time; the handshake
	// issues a fresh one while the session is active.
	h.clock.Advance(61 * time.Second)
	if int64(claims["exp"].(float64)) > h.clock.Now().Unix() {
		t.Fatalf("token should be expired by now")
	}
	dirs, _ = h.handshake(app, "nonce", dvb, false)
	tok2, _ := cookieValue(dirs, "__session")
	if tok2 == "" || tok2 == tok {
		t.Fatalf("no fresh token after expiry")
	}
	_, c2 := h.verifyJWT(tok2)
	if int64(c2["iat"].(float64)) != h.clock.Now().Unix() || c2["sid"] != claims["sid"] {
		t.Errorf("refreshed claims %v", c2)
	}
	if fva := c2["fva"].([]any); fva[0] != float64(1) {
		t.Errorf("fva after 61s %v", fva)
	}

	// Sign out → signed-out directives.
	resp := h.postForm("/sign-out", url.Values{"__clerk_db_jwt": {dvb}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out status %d", resp.StatusCode)
	}
	dirs, _ = h.handshake(app, "token", dvb, true)
	if v, ok := cookieValue(dirs, "__session"); !ok || v != "" {
		t.Errorf("after sign-out __session=%q", v)
	}
	if v, _ := cookieValue(dirs, "__client_uat"); v != "0" {
		t.Errorf("after sign-out __client_uat=%q", v)
	}
	if !slices.ContainsFunc(dirs, func(d string) bool { return strings.Contains(d, "Max-Age=0") }) {
		t.Errorf("session cookie not cleared: %v", dirs)
	}
}
