package localclerk

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// The fields of the Frontend API's objects that @clerk/clerk-js 6.40
// (Client, Session, Token, User, OrganizationMembership, Organization,
// PublicUserData, EmailAddress fromJSON) and @clerk/shared (useAuth's
// state from the session token's claims) read, as paths: "a.b" is field b
// of object a, "a[]" every element of array a. A path must be present
// (null counts, when the SDK reads null as "none"); an array on the way
// must not be empty, so that a path is never satisfied vacuously.
// Organization.exclusive_membership is read too but is not in the spec,
// whose Client.Organization allows no other fields; clerk-js reads its
// absence as false.
var (
	sdkTokenFields = []string{"object", "jwt"}

	sdkPublicUserDataFields = []string{"user_id", "first_name", "last_name", "image_url", "has_image", "identifier", "username"}

	sdkOrganizationFields = []string{"id", "name", "slug", "image_url", "has_image", "members_count", "pending_invitations_count",
		"max_allowed_memberships", "admin_delete_enabled", "self_serve_sso_enabled", "public_metadata", "created_at", "updated_at"}

	sdkMembershipFields = join(
		[]string{"id", "public_metadata", "permissions", "role", "role_name", "created_at", "updated_at", "organization", "public_user_data"},
		prefixed("organization.", sdkOrganizationFields), prefixed("public_user_data.", sdkPublicUserDataFields))

	sdkEmailAddressFields = []string{"id", "email_address", "linked_to", "matches_sso_connection", "verification",
		"verification.status", "verification.strategy", "verification.attempts", "verification.expire_at"}

	sdkUserFields = join([]string{"id", "external_id", "first_name", "last_name", "image_url", "has_image", "username",
		"password_enabled", "email_addresses", "primary_email_address_id", "phone_numbers", "primary_phone_number_id",
		"web3_wallets", "primary_web3_wallet_id", "external_accounts", "passkeys", "enterprise_accounts",
		"organization_memberships", "public_metadata", "unsafe_metadata", "totp_enabled", "backup_code_enabled",
		"two_factor_enabled", "create_organization_enabled", "create_organizations_limit", "delete_self_enabled",
		"last_sign_in_at", "legal_accepted_at", "created_at", "updated_at"},
		prefixed("email_addresses[].", sdkEmailAddressFields), prefixed("organization_memberships[].", sdkMembershipFields))

	sdkSessionFields = join([]string{"id", "status", "expire_at", "abandon_at", "last_active_at", "last_active_organization_id",
		"factor_verification_age", "actor", "tasks", "created_at", "updated_at", "user", "public_user_data", "last_active_token"},
		prefixed("last_active_token.", sdkTokenFields), prefixed("public_user_data.", sdkPublicUserDataFields),
		prefixed("user.", sdkUserFields))

	sdkClientFields = join([]string{"id", "sessions", "sign_in", "sign_up", "last_active_session_id", "captcha_bypass",
		"cookie_expires_at", "last_authentication_strategy", "created_at", "updated_at"},
		prefixed("sessions[].", sdkSessionFields))
)

func prefixed(p string, fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = p + f
	}
	return out
}

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// missingFields returns the paths absent from the JSON value v.
func missingFields(v any, paths []string) []string {
	var missing []string
	for _, p := range paths {
		if err := hasPath(v, strings.Split(p, ".")); err != nil {
			missing = append(missing, p+": "+err.Error())
		}
	}
	return missing
}

func hasPath(v any, parts []string) error {
	if len(parts) == 0 {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("not an object at %q", parts[0])
	}
	name, each := strings.CutSuffix(parts[0], "[]")
	x, ok := obj[name]
	if !ok {
		return fmt.Errorf("no field %q", name)
	}
	if !each {
		return hasPath(x, parts[1:])
	}
	arr, ok := x.([]any)
	if !ok || len(arr) == 0 {
		return fmt.Errorf("%q is not a non-empty array", name)
	}
	for _, el := range arr {
		if err := hasPath(el, parts[1:]); err != nil {
			return err
		}
	}
	return nil
}

func TestMissingFieldsFindsAbsentPaths(t *testing.T) {
	var v any
	mustJSON(t, []byte(`{"a":{"b":null},"l":[{"x":1},{"y":2}],"e":[]}`), &v)
	got := missingFields(v, []string{"a.b", "a.c", "l[].x", "e[].x", "a.b.c"})
	if len(got) != 4 || !strings.HasPrefix(got[0], "a.c:") || !strings.HasPrefix(got[1], "l[].x:") ||
		!strings.HasPrefix(got[2], "e[].x:") || !strings.HasPrefix(got[3], "a.b.c:") {
		t.Fatalf("missing = %q", got)
	}
}

// sessionTokenClaims verifies a session token with the instance's key
// and returns its claims.
func sessionTokenClaims(t *testing.T, h *harness, jwt string) map[string]any {
	t.Helper()
	sig, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse last_active_token.jwt: %v", err)
	}
	payload, err := sig.Verify(&h.inst.key().priv.PublicKey)
	if err != nil {
		t.Fatalf("last_active_token.jwt is not signed by the instance: %v", err)
	}
	var claims map[string]any
	mustJSON(t, payload, &claims)
	return claims
}

// TestFAPIAnswersCarryWhatTheSDKsRead signs Alice in the way clerk-js
// does (sign-in, then password) and checks every client and session
// object localclerk answers with for the fields the SDKs read, and the
// embedded session token for what @clerk/react derives from it.
func TestFAPIAnswersCarryWhatTheSDKsRead(t *testing.T) {
	h := start(t, Options{Seed: true})
	fx := newShapeFixture(t, h, false)
	q := "?__clerk_db_jwt=" + fx.dvb + "&" + clerkJSQuery
	call := func(method, path string, form url.Values) map[string]any {
		t.Helper()
		sep := q
		if strings.Contains(path, "?") {
			sep = "&" + q[1:]
		}
		resp, body := h.do(h.fapiRequest(method, path+sep, form))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, body)
		}
		var env map[string]any
		mustJSON(t, body, &env)
		return env
	}
	checkClient := func(step string, env map[string]any) (sess map[string]any) {
		t.Helper()
		c, ok := env["client"].(map[string]any)
		if !ok {
			t.Fatalf("%s: no client in the envelope", step)
		}
		for _, m := range missingFields(c, sdkClientFields) {
			t.Errorf("%s: client.%s", step, m)
		}
		sessions, _ := c["sessions"].([]any)
		if len(sessions) != 1 {
			t.Fatalf("%s: %d sessions", step, len(sessions))
		}
		return sessions[0].(map[string]any)
	}
	checkToken := func(step string, sess map[string]any, wantOrg string) {
		t.Helper()
		tok, _ := sess["last_active_token"].(map[string]any)
		jwt, _ := tok["jwt"].(string)
		if tok["object"] != "token" || jwt == "" {
			t.Fatalf("%s: last_active_token = %v", step, sess["last_active_token"])
		}
		claims := sessionTokenClaims(t, h, jwt)
		if claims["sid"] != sess["id"] || claims["sub"] != "user_demo_alice" || claims["azp"] != "http://localhost:3000" ||
			claims["sts"] != "active" || claims["v"] != float64(2) {
			t.Errorf("%s: token claims %v for session %v", step, claims, sess["id"])
		}
		o, _ := claims["o"].(map[string]any)
		switch {
		case wantOrg == "" && o != nil:
			t.Errorf("%s: token for the personal account has o = %v", step, o)
		case wantOrg != "" && (o == nil || o["id"] != wantOrg):
			t.Errorf("%s: token o = %v, want %s", step, o, wantOrg)
		}
		if sess["last_active_organization_id"] != nilIfEmpty(wantOrg) {
			t.Errorf("%s: last_active_organization_id = %v, want %q", step, sess["last_active_organization_id"], wantOrg)
		}
	}

	env := call("POST", "/v1/client/sign_ins", url.Values{"identifier": {"alice@example.com"}})
	si, _ := env["response"].(map[string]any)
	siID, _ := si["id"].(string)
	if siID == "" {
		t.Fatalf("sign-in: %v", env)
	}
	env = call("POST", "/v1/client/sign_ins/"+siID+"/attempt_first_factor", url.Values{"strategy": {"password"}, "password": {"alice-password"}})
	sess := checkClient("sign-in completed", env)
	checkToken("sign-in completed", sess, "org_demo_acme")
	sid := sess["id"].(string)

	sess = checkClient("GET /v1/client", call("GET", "/v1/client", nil))
	checkToken("GET /v1/client", sess, "org_demo_acme")

	// setActive to the personal account: the touch answer and its client
	// carry a token without the organization.
	env = call("POST", "/v1/client/sessions/"+sid+"/touch", url.Values{"active_organization_id": {""}})
	touched, _ := env["response"].(map[string]any)
	for _, m := range missingFields(touched, sdkSessionFields) {
		t.Errorf("touch response: session.%s", m)
	}
	checkToken("touch response", touched, "")
	checkToken("touch client", checkClient("touch", env), "")

	env = call("GET", "/v1/me", nil)
	for _, m := range missingFields(env["response"], sdkUserFields) {
		t.Errorf("GET /v1/me: user.%s", m)
	}

	// An ended session has no token to hand out.
	env = call("POST", "/v1/client/sessions/"+sid+"/end", nil)
	ended, _ := env["response"].(map[string]any)
	if v, ok := ended["last_active_token"]; !ok || v != nil {
		t.Errorf("ended session: last_active_token = %v (present %v), want null", v, ok)
	}
	if c, _ := env["client"].(map[string]any); len(c["sessions"].([]any)) != 0 {
		t.Errorf("client after sign-out still lists sessions: %v", c["sessions"])
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// TestSessionTokenAzpFromReferer: through a same-origin /__clerk proxy a
// browser sends no Origin on GET; the embedded token's azp is then the
// page's origin from the Referer, when that origin is allowed.
func TestSessionTokenAzpFromReferer(t *testing.T) {
	h := start(t, Options{Seed: true, AllowedOrigins: []string{"http://app.example:5173"}})
	dvb := signInAlice(t, h)
	// Alice signed in on the hosted page: the session has no azp of its
	// own, so a token without a caller origin has none.
	for _, tc := range []struct{ referer, want string }{
		{"http://app.example:5173/dashboard?x=1", "http://app.example:5173"},
		{"https://evil.example/page", ""},
		{"", ""},
	} {
		req := h.fapiRequest("GET", "/__clerk/v1/client?__clerk_db_jwt="+dvb+"&"+clerkJSQuery, nil)
		req.Header.Del("Origin")
		if tc.referer != "" {
			req.Header.Set("Referer", tc.referer)
		}
		resp, body := h.do(req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /__clerk/v1/client: %d %s", resp.StatusCode, body)
		}
		var env struct {
			Client struct {
				Sessions []struct {
					LastActiveToken *struct{ JWT string } `json:"last_active_token"`
				}
			}
		}
		mustJSON(t, body, &env)
		if len(env.Client.Sessions) != 1 || env.Client.Sessions[0].LastActiveToken == nil {
			t.Fatalf("no session token: %s", body)
		}
		claims := sessionTokenClaims(t, h, env.Client.Sessions[0].LastActiveToken.JWT)
		if got, _ := claims["azp"].(string); got != tc.want {
			t.Errorf("Referer %q: azp %q, want %q", tc.referer, got, tc.want)
		}
	}
}

// TestFrontendAPIHandsOutTheDevBrowserCookie: every Frontend API answer
// sets the client's dev browser as a cookie scripts can read, under both
// names clerk-js looks for, so clerk-js (which creates no dev browser for a
// loopback host) can still decorate links to other origins with it.
func TestFrontendAPIHandsOutTheDevBrowserCookie(t *testing.T) {
	h := start(t, Options{Seed: true})
	resp, body := h.do(h.fapiRequest("GET", "/v1/client?"+clerkJSQuery, nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/client: %d %s", resp.StatusCode, body)
	}
	var client string
	got := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		got[c.Name] = c
		if c.Name == clientCookie {
			client = c.Value
		}
	}
	if client == "" {
		t.Fatalf("no %s cookie: %v", clientCookie, resp.Cookies())
	}
	var dvb string
	for _, name := range []string{"__clerk_db_jwt", "__clerk_db_jwt_" + h.inst.CookieSuffix} {
		c := got[name]
		if c == nil || c.HttpOnly || c.Path != "/" || !strings.HasPrefix(c.Value, "dvb_") {
			t.Fatalf("cookie %s = %+v, want a script-readable dev browser id on /", name, c)
		}
		if dvb != "" && c.Value != dvb {
			t.Fatalf("the two dev browser cookies differ: %q, %q", dvb, c.Value)
		}
		dvb = c.Value
	}
	// The id names this browser's client.
	resp, body = h.do(h.fapiRequest("GET", "/v1/dev_browser?__clerk_db_jwt="+dvb, nil))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), client) {
		t.Fatalf("GET /v1/dev_browser: %d %s, want client %s", resp.StatusCode, body, client)
	}
}
