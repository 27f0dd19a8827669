package authn

import (
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// TestAuthenticateCookies covers the cookie decision table for development
// and production instances: one row per reason and branch.
func TestAuthenticateCookies(t *testing.T) {
	main, _ := testKeys(t)
	n := testNow.Unix()
	valid := sessionToken(t, nil)
	expired := sessionToken(t, map[string]any{"iat": n - 1200, "nbf": n - 1210, "exp": n - 600})
	uat := uatCookie()
	oldUat := "__client_uat=" + itoa(int(n-1300)) // before the expired token's iat
	sfx := testSuffix()

	type row struct {
		name     string
		prod     bool
		cfg      func(*Config)
		method   string
		target   string
		header   []string
		status   string
		reason   string
		redirect bool // a Location is expected
	}
	rows := []row{
		// Development.
		{name: "dev no cookies api request", header: []string{jsonAcc}, status: StatusSignedOut, reason: reasons.DevBrowserMissing},
		{name: "dev no cookies document", target: "/dashboard?tab=settings", header: []string{docDest, htmlAcc}, status: StatusHandshake, reason: reasons.DevBrowserMissing, redirect: true},
		{name: "dev no cookies html accept", header: []string{htmlAcc}, status: StatusHandshake, reason: reasons.DevBrowserMissing, redirect: true},
		{name: "dev no cookies HEAD document", method: "HEAD", header: []string{docDest}, status: StatusSignedOut, reason: reasons.DevBrowserMissing},
		{name: "dev no cookies POST document", method: "POST", header: []string{docDest}, status: StatusSignedOut, reason: reasons.DevBrowserMissing},
		{name: "dev browser in query", target: "/welcome?__clerk_db_jwt=dvb_from_query&keep=1", header: []string{docDest, cookie(devCk, "__client_uat=0")},
			status: StatusHandshake, reason: reasons.DevBrowserSync, redirect: true},
		{name: "dev browser in query api request", target: "/?__clerk_db_jwt=dvb_from_query", header: []string{cookie(devCk)},
			status: StatusSignedOut, reason: reasons.DevBrowserSync},
		{name: "dev browser in query empty value", target: "/?__clerk_db_jwt=", header: []string{cookie(devCk)},
			status: StatusSignedOut, reason: reasons.DevBrowserSync},
		{name: "dev client uat zero", header: []string{docDest, cookie(devCk, "__client_uat=0")}, status: StatusSignedOut, reason: reasons.SessionTokenAndUATMissing},
		{name: "dev client uat not a number", header: []string{docDest, cookie(devCk, "__client_uat=abc")}, status: StatusSignedOut, reason: reasons.SessionTokenAndUATMissing},
		{name: "dev dev-browser only", header: []string{docDest, cookie(devCk)}, status: StatusSignedOut, reason: reasons.SessionTokenAndUATMissing},
		{name: "dev client uat without session document", header: []string{docDest, cookie(devCk, uat)},
			status: StatusHandshake, reason: reasons.ClientUATWithoutSessionToken, redirect: true},
		{name: "dev client uat without session api", header: []string{cookie(devCk, uat)},
			status: StatusSignedOut, reason: reasons.ClientUATWithoutSessionToken},
		{name: "dev session without client uat document", header: []string{docDest, cookie(devCk, sessionCookie(valid))},
			status: StatusHandshake, reason: reasons.SessionTokenWithoutClientUAT, redirect: true},
		{name: "dev session without client uat api", header: []string{cookie(devCk, sessionCookie(valid))},
			status: StatusSignedOut, reason: reasons.SessionTokenWithoutClientUAT},
		{name: "dev session with client uat zero", header: []string{cookie(devCk, sessionCookie(valid), "__client_uat=0")},
			status: StatusSignedOut, reason: reasons.SessionTokenWithoutClientUAT},
		{name: "dev iat before client uat", header: []string{docDest, cookie(devCk, sessionCookie(valid), "__client_uat="+itoa(int(n)))},
			status: StatusHandshake, reason: reasons.SessionTokenIATBeforeClientUAT, redirect: true},
		{name: "dev iat before client uat api", header: []string{cookie(devCk, sessionCookie(valid), "__client_uat="+itoa(int(n)))},
			status: StatusSignedOut, reason: reasons.SessionTokenIATBeforeClientUAT},
		{name: "dev valid", header: []string{docDest, cookie(devCk, uat, sessionCookie(valid))}, status: StatusSignedIn},
		{name: "dev valid api request", header: []string{cookie(devCk, uat, sessionCookie(valid))}, status: StatusSignedIn},
		{name: "dev valid without dev browser", header: []string{cookie(uat, sessionCookie(valid))}, status: StatusSignedOut, reason: reasons.DevBrowserMissing},
		{name: "dev expired document", target: "/reports", header: []string{docDest, cookie(devCk, oldUat, sessionCookie(expired))},
			status: StatusHandshake, reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie", redirect: true},
		{name: "dev expired api", header: []string{cookie(devCk, oldUat, sessionCookie(expired))},
			status: StatusSignedOut, reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{name: "dev expired POST document", method: "POST", header: []string{docDest, cookie(devCk, oldUat, sessionCookie(expired))},
			status: StatusSignedOut, reason: "session-token-expired-refresh-non-eligible-non-get"},
		{name: "dev expired POST with refresh cookie", method: "POST", header: []string{cookie(devCk, oldUat, sessionCookie(expired), "__refresh_"+sfx+"=rt")},
			status: StatusSignedOut, reason: "session-token-expired-refresh-non-eligible-non-get"},
		{name: "dev unsuffixed refresh cookie is ignored", header: []string{cookie(devCk, oldUat, sessionCookie(expired), "__refresh=rt")},
			status: StatusSignedOut, reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{name: "dev nbf in future", header: []string{cookie(devCk, uat, sessionCookie(sessionToken(t, map[string]any{"nbf": n + 900})))},
			status: StatusSignedOut, reason: reasons.SessionTokenNBF},
		{name: "dev iat in future document", header: []string{docDest, cookie(devCk, uat, sessionCookie(sessionToken(t, map[string]any{"iat": n + 900})))},
			status: StatusHandshake, reason: reasons.SessionTokenIATInTheFuture, redirect: true},
		{name: "dev malformed session cookie", header: []string{cookie(devCk, uat, sessionCookie("ak_not_a_jwt"))},
			status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "dev session cookie signed by foreign key", header: []string{cookie(devCk, uat, sessionCookie(signJWT(t, foreignKeyOf(t), sessionHeader, sessionClaims(nil))))},
			status: StatusSignedOut, reason: reasons.TokenInvalidSignature},
		{name: "dev m2m jwt in session cookie", header: []string{cookie(devCk, uat, sessionCookie(signJWT(t, main, map[string]any{"cat": jwt.CategoryM2MToken}, sessionClaims(map[string]any{"sub": "mch_1"}))))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch},
		{name: "dev jwt template in session cookie", header: []string{cookie(devCk, uat, sessionCookie(signJWT(t, main, map[string]any{"cat": "cl_B7d4PD222AAA"}, sessionClaims(nil))))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch},
		{name: "dev redirect counter 1 to 2", header: []string{docDest, cookie(devCk, uat, "__clerk_redirect_count=1")},
			status: StatusHandshake, reason: reasons.ClientUATWithoutSessionToken, redirect: true},
		{name: "dev redirect counter 3 stops the loop", header: []string{docDest, cookie(devCk, uat, "__clerk_redirect_count=3")},
			status: StatusSignedOut, reason: reasons.ClientUATWithoutSessionToken},
		{name: "dev suffixed cookies", header: []string{docDest, cookie("__clerk_db_jwt_"+sfx+"="+testDevBrowse, "__client_uat_"+sfx+"="+itoa(int(n-60)), "__session_"+sfx+"="+valid)},
			status: StatusSignedIn},
		{name: "dev suffixed cookies win over a foreign unsuffixed session", header: []string{docDest, cookie(
			"__clerk_db_jwt="+testDevBrowse, "__client_uat=1",
			"__session="+signJWT(t, foreignKeyOf(t), sessionHeader, sessionClaims(map[string]any{"iss": "https://clerk.other.dev"})),
			"__clerk_db_jwt_"+sfx+"="+testDevBrowse, "__client_uat_"+sfx+"="+itoa(int(n-60)), "__session_"+sfx+"="+valid)},
			status: StatusSignedIn},

		// Production.
		{name: "prod no cookies", prod: true, header: []string{docDest}, status: StatusSignedOut, reason: reasons.SessionTokenAndUATMissing},
		{name: "prod dev browser query ignored", prod: true, target: "/?__clerk_db_jwt=dvb_should_be_ignored", header: []string{docDest},
			status: StatusSignedOut, reason: reasons.SessionTokenAndUATMissing},
		{name: "prod client uat without session document", prod: true, target: "/account", header: []string{docDest, cookie(uat)},
			status: StatusHandshake, reason: reasons.ClientUATWithoutSessionToken, redirect: true},
		{name: "prod session without client uat", prod: true, header: []string{cookie(sessionCookie(valid))},
			status: StatusSignedOut, reason: reasons.SessionTokenWithoutClientUAT},
		{name: "prod iat before client uat document", prod: true, header: []string{docDest, cookie(sessionCookie(valid), "__client_uat="+itoa(int(n)))},
			status: StatusHandshake, reason: reasons.SessionTokenIATBeforeClientUAT, redirect: true},
		{name: "prod valid", prod: true, header: []string{docDest, cookie(uat, sessionCookie(valid))}, status: StatusSignedIn},
		{name: "prod expired document", prod: true, target: "/reports/2024", header: []string{docDest, cookie(oldUat, sessionCookie(expired))},
			status: StatusHandshake, reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie", redirect: true},
		{name: "prod expired api", prod: true, header: []string{cookie(oldUat, sessionCookie(expired))},
			status: StatusSignedOut, reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{name: "prod redirect counter 3", prod: true, header: []string{docDest, cookie(oldUat, sessionCookie(expired), "__clerk_redirect_count=3")},
			status: StatusSignedOut, reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := devConfig(t)
			if r.prod {
				c = prodConfig(t)
			}
			if r.cfg != nil {
				r.cfg(c)
			}
			target := r.target
			if target == "" {
				target = "/"
			}
			st := authenticate(t, c, facts(t, r.method, target, r.header...))
			expect(t, st, r.status, r.reason)
			if got := st.Headers.Get("Location") != ""; got != r.redirect {
				t.Fatalf("Location present = %v, want %v (%q)", got, r.redirect, st.Headers.Get("Location"))
			}
			if st.Status == StatusSignedIn && (st.Session == nil || st.Session.Props.UserID != "user_1") {
				t.Errorf("signed in without the session")
			}
			if st.Status == StatusSignedOut && st.TokenType != TokenSession {
				t.Errorf("TokenType = %q, want session_token", st.TokenType)
			}
			if !r.redirect {
				return
			}
			base, q := location(t, st)
			if base != "https://"+testFAPI+"/v1/client/handshake" {
				t.Errorf("handshake base = %q", base)
			}
			if got := param(t, q, ParamHandshakeReason); got != r.reason {
				t.Errorf("__clerk_hs_reason = %q, want %q", got, r.reason)
			}
			if got := param(t, q, "redirect_url"); !strings.HasPrefix(got, testOrigin+"/") {
				t.Errorf("redirect_url = %q", got)
			}
			if _, has := q.Get(ParamDevBrowser); has && r.prod {
				t.Errorf("__clerk_db_jwt sent by a production instance: %v", q)
			}
			if st.Headers.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q", st.Headers.Get("Cache-Control"))
			}
		})
	}
}

func foreignKeyOf(tb testing.TB) *rsa.PrivateKey {
	_, k := testKeys(tb)
	return k
}
