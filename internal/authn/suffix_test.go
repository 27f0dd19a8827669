package authn

import (
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/reasons"
)

// TestUsesSuffixedCookies walks the rules that choose between __session and
// __session_<suffix> (and the other cookies) when several Clerk apps share
// a domain.
func TestUsesSuffixedCookies(t *testing.T) {
	n := testNow.Unix()
	sfx := "_" + testSuffix()
	tok := sessionToken(t, nil)                              // iat n-30
	older := sessionToken(t, map[string]any{"iat": n - 300}) // iat n-300
	expired := sessionToken(t, map[string]any{"iat": n - 900, "exp": n - 600})
	other := sessionToken(t, map[string]any{"iss": "https://clerk.other.dev"})
	noIss := sessionToken(t, map[string]any{"iss": nil})

	rows := []struct {
		name    string
		prod    bool
		cookies []string
		want    bool
	}{
		{"no cookies", false, nil, false},
		{"unsuffixed only", false, []string{"__session=" + tok, "__client_uat=1"}, false},
		{"session of another instance", false, []string{"__session=" + other}, true},
		{"session without iss", false, []string{"__session=" + noIss, "__session" + sfx + "=" + tok, "__client_uat" + sfx + "=1"}, false},
		{"malformed unsuffixed session", false, []string{"__session=garbage", "__session" + sfx + "=" + tok, "__client_uat" + sfx + "=1"}, false},
		{"suffixed only", false, []string{"__session" + sfx + "=" + tok, "__client_uat" + sfx + "=1"}, true},
		{"suffixed uat only", false, []string{"__client_uat" + sfx + "=1"}, true},
		{"suffixed session without suffixed uat", false, []string{"__session" + sfx + "=" + tok}, false},
		{"unsuffixed session newer", false, []string{"__session=" + tok, "__client_uat=1", "__session" + sfx + "=" + older, "__client_uat" + sfx + "=1"}, false},
		{"suffixed session newer", false, []string{"__session=" + older, "__client_uat=1", "__session" + sfx + "=" + tok, "__client_uat" + sfx + "=1"}, true},
		{"suffixed signed out, unsuffixed active", false, []string{"__client_uat=1", "__client_uat" + sfx + "=0"}, false},
		{"both signed out", false, []string{"__client_uat=0", "__client_uat" + sfx + "=0"}, true},
		{"dev: suffixed expired and unsuffixed signed out", false, []string{"__client_uat=0", "__session" + sfx + "=" + expired, "__client_uat" + sfx + "=1"}, false},
		{"prod: suffixed expired and unsuffixed signed out", true, []string{"__client_uat=0", "__session" + sfx + "=" + expired, "__client_uat" + sfx + "=1"}, true},
		{"dev: suffixed valid and unsuffixed signed out", false, []string{"__client_uat=0", "__session" + sfx + "=" + tok, "__client_uat" + sfx + "=1"}, true},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := devConfig(t)
			if r.prod {
				c = prodConfig(t)
				c.PK.CookieSuffix = testSuffix() // same suffix for the table
			}
			c.Now = func() time.Time { return testNow }
			h := []string{}
			if len(r.cookies) > 0 {
				h = append(h, cookie(r.cookies...))
			}
			run := &run{f: facts(t, "GET", "/", h...), c: c, originalFrontendAPI: c.PK.FrontendAPI}
			if got := run.usesSuffixedCookies(); got != r.want {
				t.Errorf("usesSuffixedCookies = %v, want %v", got, r.want)
			}
		})
	}
}

// TestCachedCookieSessionStillChecksClientUAT: a token served from the
// verified-token cache is still subject to the client_uat rule and to time.
func TestCachedCookieSessionStillChecksClientUAT(t *testing.T) {
	c := devConfig(t)
	c.Cache = NewCache(8)
	now := testNow
	c.Now = func() time.Time { return now }
	tok := sessionToken(t, map[string]any{"exp": testNow.Unix() + 120})
	ok := facts(t, "GET", "/", docDest, cookie(devCk, uatCookie(), sessionCookie(tok)))
	expect(t, authenticate(t, c, ok), StatusSignedIn, "")
	if c.Cache.Len() != 1 {
		t.Fatalf("cache entries = %d", c.Cache.Len())
	}
	later := facts(t, "GET", "/", docDest, cookie(devCk, "__client_uat="+itoa(int(testNow.Unix())), sessionCookie(tok)))
	expect(t, authenticate(t, c, later), StatusHandshake, reasons.SessionTokenIATBeforeClientUAT)
	// The header path too.
	expect(t, authenticate(t, c, facts(t, "GET", "/", bearer(tok))), StatusSignedIn, "")
	now = testNow.Add(10 * time.Minute)
	expect(t, authenticate(t, c, ok), StatusHandshake, "session-token-expired-refresh-non-eligible-no-refresh-cookie")
	expect(t, authenticate(t, c, facts(t, "GET", "/", bearer(tok))), StatusSignedOut, "session-token-expired-refresh-non-eligible-no-refresh-cookie")
}
