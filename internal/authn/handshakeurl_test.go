package authn

import (
	"encoding/base64"
	"testing"

	"github.com/goclerk/clerk/internal/reasons"
)

// TestDisableHandshake: with DisableHandshake set, every place that would
// issue a handshake answers signed-out with the same reason and no redirect.
func TestDisableHandshake(t *testing.T) {
	n := testNow.Unix()
	valid := sessionToken(t, nil)
	expired := sessionToken(t, map[string]any{"iat": n - 1200, "nbf": n - 1210, "exp": n - 600})
	oldUat := "__client_uat=" + itoa(int(n-1300))
	rows := []struct {
		name   string
		cfg    func(testing.TB) *Config
		target string
		header []string
		reason string
	}{
		{"dev browser missing", devConfig, "/", []string{docDest}, reasons.DevBrowserMissing},
		{"dev browser sync", devConfig, "/?__clerk_db_jwt=x", []string{docDest}, reasons.DevBrowserSync},
		{"client uat without session", devConfig, "/", []string{docDest, cookie(devCk, uatCookie())}, reasons.ClientUATWithoutSessionToken},
		{"session without client uat", prodConfig, "/", []string{docDest, cookie(sessionCookie(valid))}, reasons.SessionTokenWithoutClientUAT},
		{"iat before client uat", prodConfig, "/", []string{docDest, cookie(sessionCookie(valid), "__client_uat="+itoa(int(n)))}, reasons.SessionTokenIATBeforeClientUAT},
		{"expired cookie", prodConfig, "/", []string{docDest, cookie(oldUat, sessionCookie(expired))}, "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{"expired header", devConfig, "/", []string{docDest, bearer(expired)}, "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{"nbf", prodConfig, "/", []string{docDest, cookie(uatCookie(), sessionCookie(sessionToken(t, map[string]any{"nbf": n + 900})))}, reasons.SessionTokenNBF},
		{"iat in the future", devConfig, "/", []string{docDest, bearer(sessionToken(t, map[string]any{"iat": n + 900}))}, reasons.SessionTokenIATInTheFuture},
		{"satellite needs syncing prod", satProd, "/?__clerk_synced=false", []string{satHost, docDest}, reasons.SatelliteCookieNeedsSyncing},
		{"satellite needs syncing dev", satDev, "/?__clerk_synced=false", []string{satHost, docDest}, reasons.SatelliteCookieNeedsSyncing},
		{"primary responds to syncing", devConfig, "/?__clerk_redirect_url=" + q("http://localhost:3001/"), []string{docDest, cookie(devCk)}, reasons.PrimaryRespondsToSyncing},
		{"cross-origin sync", devConfig, "/", []string{docDest, "Referer: https://satellite.example.org/", cookie(devCk, uatCookie(), sessionCookie(valid))}, reasons.PrimaryDomainCrossOriginSync},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			// Enabled: a handshake.
			c := r.cfg(t)
			st := authenticate(t, c, facts(t, "GET", r.target, r.header...))
			expect(t, st, StatusHandshake, r.reason)
			// Disabled: signed out, same reason, nothing to follow.
			c = r.cfg(t)
			c.DisableHandshake = true
			st = authenticate(t, c, facts(t, "GET", r.target, r.header...))
			expect(t, st, StatusSignedOut, r.reason)
			for _, h := range []string{"Location", "Set-Cookie", "Cache-Control"} {
				if v := st.Headers.Get(h); v != "" {
					t.Errorf("%s = %q with the handshake disabled", h, v)
				}
			}
		})
	}
}

func TestHandshakeURL(t *testing.T) {
	valid := sessionToken(t, nil)
	sfx := testSuffix()

	t.Run("parameters in order", func(t *testing.T) {
		st := authenticate(t, devConfig(t), facts(t, "GET", "/dashboard?tab=1&__clerk_db_jwt=old&__dev_session=legacy&a=%20b", docDest,
			cookie(devCk, sessionCookie(valid))))
		// The dev browser in the query means dev-browser-sync.
		expect(t, st, StatusHandshake, reasons.DevBrowserSync)
		base, p := location(t, st)
		if base != "https://clerk.example.com/v1/client/handshake" {
			t.Errorf("base = %q", base)
		}
		want := Params{
			{"redirect_url", testOrigin + "/dashboard?tab=1&a=+b"},
			{"__clerk_api_version", APIVersion},
			{"suffixed_cookies", "false"},
			{"__clerk_hs_reason", reasons.DevBrowserSync},
			{"format", "nonce"},
			{"__session", valid},
			{"__clerk_db_jwt", "old"},
		}
		if p.Encode() != want.Encode() {
			t.Errorf("query =\n%v\nwant\n%v", p, want)
		}
	})
	t.Run("forwarded host and proto", func(t *testing.T) {
		st := authenticate(t, prodConfig(t), facts(t, "GET", "http://10.0.0.7:8080/a/b?q=1", docDest, cookie(uatCookie()),
			"X-Forwarded-Host: app.example.com", "X-Forwarded-Proto: https"))
		_, p := location(t, st)
		if got := param(t, p, "redirect_url"); got != "https://app.example.com/a/b?q=1" {
			t.Errorf("redirect_url = %q", got)
		}
		if _, ok := p.Get("__session"); ok {
			t.Error("__session without a session")
		}
	})
	t.Run("forwarded lists use the first value", func(t *testing.T) {
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/x", docDest, cookie(uatCookie()),
			"X-Forwarded-Host: app.example.com, proxy.internal", "X-Forwarded-Proto: https,http"))
		_, p := location(t, st)
		if got := param(t, p, "redirect_url"); got != "https://app.example.com/x" {
			t.Errorf("redirect_url = %q", got)
		}
	})
	t.Run("default port dropped", func(t *testing.T) {
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/x", docDest, cookie(uatCookie()), "Host: Shop.Example.com:443", "X-Forwarded-Proto: https"))
		_, p := location(t, st)
		if got := param(t, p, "redirect_url"); got != "https://shop.example.com/x" {
			t.Errorf("redirect_url = %q", got)
		}
	})
	t.Run("redirect_url is the WHATWG href", func(t *testing.T) {
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/docs/{id}/caf\u00e9?q=it's", docDest, cookie(uatCookie())))
		_, p := location(t, st)
		if got := param(t, p, "redirect_url"); got != testOrigin+"/docs/%7Bid%7D/caf%C3%A9?q=it%27s" {
			t.Errorf("redirect_url = %q", got)
		}
	})
	t.Run("production sends no dev browser", func(t *testing.T) {
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/", docDest, cookie(devCk, uatCookie())))
		expect(t, st, StatusHandshake, reasons.ClientUATWithoutSessionToken)
		_, p := location(t, st)
		if _, ok := p.Get("__clerk_db_jwt"); ok {
			t.Errorf("dev browser sent on production: %v", p)
		}
	})
	t.Run("suffixed cookies", func(t *testing.T) {
		st := authenticate(t, devConfig(t), facts(t, "GET", "/", docDest, cookie("__clerk_db_jwt_"+sfx+"=dvb_sfx", "__client_uat_"+sfx+"=1")))
		expect(t, st, StatusHandshake, reasons.ClientUATWithoutSessionToken)
		_, p := location(t, st)
		if param(t, p, "suffixed_cookies") != "true" || param(t, p, "__clerk_db_jwt") != "dvb_sfx" {
			t.Errorf("query = %v", p)
		}
	})
	t.Run("absolute proxy URL", func(t *testing.T) {
		c := devConfig(t)
		c.ProxyURL = "https://app.example.com/__clerk/"
		base, _ := location(t, authenticate(t, c, facts(t, "GET", "/", docDest)))
		if base != "https://app.example.com/__clerk/v1/client/handshake" {
			t.Errorf("base = %q", base)
		}
	})
	t.Run("relative proxy URL uses the request origin", func(t *testing.T) {
		c := prodConfig(t)
		c.ProxyURL = "/__clerk"
		st := authenticate(t, c, facts(t, "GET", "/", docDest, "Host: shop.example.com", "X-Forwarded-Proto: https", cookie(uatCookie())))
		base, p := location(t, st)
		if base != "https://shop.example.com/__clerk/v1/client/handshake" {
			t.Errorf("base = %q", base)
		}
		if got := param(t, p, "redirect_url"); got != "https://shop.example.com/" {
			t.Errorf("redirect_url = %q", got)
		}
	})
	t.Run("loopback Frontend API uses http", func(t *testing.T) {
		for _, host := range []string{"localhost:4000", "127.0.0.1:4000", "clerk.localhost", "[::1]:4000"} {
			c := devConfig(t)
			pk, err := ParsePublishableKey("pk_test_" + base64.StdEncoding.EncodeToString([]byte(host+"$")))
			if err != nil {
				// [::1] and "localhost:4000" have no dot; build the key by hand.
				pk = PublishableKey{Key: "pk_test_x", InstanceType: Development, FrontendAPI: host, CookieSuffix: "abcdefgh"}
			}
			c.PK = pk
			base, _ := location(t, authenticate(t, c, facts(t, "GET", "/", docDest)))
			if base != "http://"+host+"/v1/client/handshake" {
				t.Errorf("%s: base = %q", host, base)
			}
		}
	})
	t.Run("non-loopback Frontend API uses https", func(t *testing.T) {
		c := devConfig(t)
		c.PK.FrontendAPI = "localhost.example.com"
		base, _ := location(t, authenticate(t, c, facts(t, "GET", "/", docDest)))
		if base != "https://localhost.example.com/v1/client/handshake" {
			t.Errorf("base = %q", base)
		}
	})
	t.Run("redirect counter increments", func(t *testing.T) {
		for in, want := range map[string]string{"": "1", "1": "2", "2": "3", "junk": "1"} {
			h := []string{docDest}
			if in != "" {
				h = append(h, cookie("__clerk_redirect_count="+in))
			}
			st := authenticate(t, devConfig(t), facts(t, "GET", "/", h...))
			if got := st.Headers.Get("Set-Cookie"); got != "__clerk_redirect_count="+want+"; SameSite=Lax; HttpOnly; Max-Age=2" {
				t.Errorf("counter %q: Set-Cookie = %q", in, got)
			}
		}
	})
}
