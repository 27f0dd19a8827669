package authn

import (
	"crypto/rsa"
	"net/url"
	"strings"
	"testing"

	"github.com/goclerk/clerk/internal/reasons"
)

func handshakeJWT(tb testing.TB, key *rsa.PrivateKey, header map[string]any, directives ...string) string {
	tb.Helper()
	if directives == nil {
		directives = []string{}
	}
	return signJWT(tb, key, header, map[string]any{"handshake": directives})
}

func signedInDirectives(tok string) []string {
	return []string{
		"__session=" + tok + "; Path=/; SameSite=Lax",
		"__client_uat=1795638463; Path=/; Max-Age=315360000; SameSite=Lax",
		"__clerk_db_jwt=dvb_from_handshake; Path=/; Max-Age=315360000; SameSite=Lax",
	}
}

var signedOutDirectives = []string{
	"__session=; Path=/; Max-Age=0; SameSite=Lax",
	"__client_uat=0; Path=/; Max-Age=315360000; SameSite=Lax",
}

func q(s string) string { return url.QueryEscape(s) }

func checkResolvedHeaders(tb testing.TB, st *State, wantLocation string, directives []string) {
	tb.Helper()
	if got := st.Headers.Get("Location"); got != wantLocation {
		tb.Errorf("Location = %q, want %q", got, wantLocation)
	}
	if wantLocation != "" && st.Headers.Get("Cache-Control") != "no-store" {
		tb.Errorf("Cache-Control = %q, want no-store", st.Headers.Get("Cache-Control"))
	}
	if st.Headers.Get("Access-Control-Allow-Origin") != "null" || st.Headers.Get("Access-Control-Allow-Credentials") != "true" {
		tb.Errorf("CORS headers = %q / %q", st.Headers.Get("Access-Control-Allow-Origin"), st.Headers.Get("Access-Control-Allow-Credentials"))
	}
	got := st.Headers.Values("Set-Cookie")
	if strings.Join(got, "\n") != strings.Join(directives, "\n") {
		tb.Errorf("Set-Cookie =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(directives, "\n"))
	}
}

func TestHandshakeResolution(t *testing.T) {
	main, foreign := testKeys(t)
	tok := sessionToken(t, nil)
	n := testNow.Unix()

	t.Run("dev query token signs in and redirects to the clean URL", func(t *testing.T) {
		hs := handshakeJWT(t, main, nil, signedInDirectives(tok)...)
		st := authenticate(t, devConfig(t), facts(t, "GET", "/dashboard?tab=1&__clerk_handshake="+hs+"&__clerk_help=1&__clerk_db_jwt=x&__clerk_handshake_nonce=&keep=a+b", docDest))
		expect(t, st, StatusSignedIn, "")
		checkResolvedHeaders(t, st, testOrigin+"/dashboard?tab=1&keep=a+b", signedInDirectives(tok))
		if st.Token != tok || st.Session == nil || st.Session.Props.SessionID != "sess_1" {
			t.Errorf("session not taken from the directives: %+v", st)
		}
	})
	t.Run("dev handshake cookie", func(t *testing.T) {
		hs := handshakeJWT(t, main, nil, signedInDirectives(tok)...)
		st := authenticate(t, devConfig(t), facts(t, "GET", "/x", cookie("__clerk_handshake="+hs)))
		expect(t, st, StatusSignedIn, "")
		checkResolvedHeaders(t, st, testOrigin+"/x", signedInDirectives(tok))
	})
	t.Run("suffixed session directive", func(t *testing.T) {
		d := []string{"__session_" + testSuffix() + "=" + tok + "; Path=/", "__client_uat_" + testSuffix() + "=1; Path=/"}
		hs := handshakeJWT(t, main, nil, d...)
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs))
		expect(t, st, StatusSignedIn, "")
		checkResolvedHeaders(t, st, "", d)
	})
	t.Run("dev signed-out handshake", func(t *testing.T) {
		hs := handshakeJWT(t, main, nil, signedOutDirectives...)
		st := authenticate(t, devConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs, docDest))
		expect(t, st, StatusSignedOut, reasons.SessionTokenMissing)
		checkResolvedHeaders(t, st, testOrigin+"/", signedOutDirectives)
	})
	t.Run("empty directive list", func(t *testing.T) {
		hs := handshakeJWT(t, main, nil)
		st := authenticate(t, devConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs))
		expect(t, st, StatusSignedOut, reasons.SessionTokenMissing)
		checkResolvedHeaders(t, st, testOrigin+"/", nil)
	})
	t.Run("payload without a handshake array", func(t *testing.T) {
		for _, payload := range []map[string]any{{}, {"handshake": "__session=x"}, {"handshake": map[string]any{"a": 1}}} {
			hs := signJWT(t, main, nil, payload)
			st := authenticate(t, devConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs))
			expect(t, st, StatusSignedOut, reasons.SessionTokenMissing)
		}
	})
	t.Run("prod handshake signs in without a redirect", func(t *testing.T) {
		hs := handshakeJWT(t, main, nil, signedInDirectives(tok)...)
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs, docDest))
		expect(t, st, StatusSignedIn, "")
		checkResolvedHeaders(t, st, "", signedInDirectives(tok))
	})
	t.Run("dev bad signature is an error", func(t *testing.T) {
		hs := handshakeJWT(t, foreign, nil, signedInDirectives(tok)...)
		st := Authenticate(t.Context(), facts(t, "GET", "/?__clerk_handshake="+hs, docDest), devConfig(t))
		if st.Err == nil {
			t.Fatalf("want State.Err, got status=%q reason=%q", st.Status, st.Reason)
		}
		if strings.Contains(st.Headers.Get("Set-Cookie"), "__session") {
			t.Error("cookies from an unverified handshake were applied")
		}
	})
	t.Run("dev alg none handshake is an error", func(t *testing.T) {
		hs := unsignedJWT(t, map[string]any{"alg": "none", "kid": testKid}, map[string]any{"handshake": signedInDirectives(tok)}, nil)
		if st := Authenticate(t.Context(), facts(t, "GET", "/?__clerk_handshake="+hs), devConfig(t)); st.Err == nil {
			t.Fatalf("want State.Err, got %q/%q", st.Status, st.Reason)
		}
	})
	t.Run("dev handshake of another category is an error", func(t *testing.T) {
		hs := handshakeJWT(t, main, map[string]any{"cat": "cl_B7d4PD222AAA"}, signedInDirectives(tok)...)
		st := Authenticate(t.Context(), facts(t, "GET", "/?__clerk_handshake="+hs), devConfig(t))
		if st.Err == nil {
			t.Fatalf("want State.Err, got %q/%q", st.Status, st.Reason)
		}
	})
	t.Run("prod bad signature falls through to the cookies", func(t *testing.T) {
		hs := handshakeJWT(t, foreign, nil, signedInDirectives(tok)...)
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/", docDest, cookie("__clerk_handshake="+hs)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
		if len(st.Headers.Values("Set-Cookie")) != 0 {
			t.Errorf("cookies applied from a forged handshake: %v", st.Headers.Values("Set-Cookie"))
		}
		st = authenticate(t, prodConfig(t), facts(t, "GET", "/", docDest, cookie("__clerk_handshake="+hs, uatCookie(), sessionCookie(tok))))
		expect(t, st, StatusSignedIn, "")
	})
	t.Run("prod other category falls through", func(t *testing.T) {
		hs := handshakeJWT(t, main, map[string]any{"cat": "cl_B7d4PD333AAA"}, signedInDirectives(tok)...)
		st := authenticate(t, prodConfig(t), facts(t, "GET", "/", cookie("__clerk_handshake="+hs)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
	t.Run("malformed handshake token", func(t *testing.T) {
		st := Authenticate(t.Context(), facts(t, "GET", "/?__clerk_handshake=garbage"), devConfig(t))
		if st.Err == nil {
			t.Fatalf("dev: want State.Err, got %q/%q", st.Status, st.Reason)
		}
		expect(t, authenticate(t, prodConfig(t), facts(t, "GET", "/?__clerk_handshake=garbage")), StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
	t.Run("non-string directive falls through", func(t *testing.T) {
		hs := signJWT(t, main, nil, map[string]any{"handshake": []any{"__session=" + tok, 42}})
		st := authenticate(t, devConfig(t), facts(t, "GET", "/", cookie("__clerk_handshake="+hs, devCk)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
	t.Run("session directive with an invalid token falls through", func(t *testing.T) {
		bad := signJWT(t, foreign, sessionHeader, sessionClaims(nil))
		hs := handshakeJWT(t, main, nil, "__session="+bad+"; Path=/")
		st := authenticate(t, devConfig(t), facts(t, "GET", "/", cookie("__clerk_handshake="+hs, devCk)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
	t.Run("dev tolerates a skewed clock", func(t *testing.T) {
		skewed := sessionToken(t, map[string]any{"iat": n + 3600, "nbf": n + 3600, "exp": n + 7200})
		hs := handshakeJWT(t, main, nil, signedInDirectives(skewed)...)
		st := authenticate(t, devConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs))
		expect(t, st, StatusSignedIn, "")
		// Production does not.
		st = authenticate(t, prodConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
		// Nor does development beyond a day.
		far := sessionToken(t, map[string]any{"iat": n - 3*86400, "nbf": n - 3*86400, "exp": n - 2*86400})
		hs = handshakeJWT(t, main, nil, signedInDirectives(far)...)
		st = authenticate(t, devConfig(t), facts(t, "GET", "/?__clerk_handshake="+hs, cookie(devCk)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})

	t.Run("nonce through the Backend API", func(t *testing.T) {
		c := devConfig(t)
		be := c.Backend.(*fakeBackend)
		be.nonces = map[string][]string{"nonce_ok": signedInDirectives(tok)[:2]}
		st := authenticate(t, c, facts(t, "GET", "/after-sign-in?__clerk_handshake_nonce=nonce_ok", docDest))
		expect(t, st, StatusSignedIn, "")
		checkResolvedHeaders(t, st, testOrigin+"/after-sign-in", signedInDirectives(tok)[:2])
		if len(be.calls) != 1 || be.calls[0] != "nonce:nonce_ok" {
			t.Errorf("backend calls = %v", be.calls)
		}
	})
	t.Run("nonce cookie", func(t *testing.T) {
		c := prodConfig(t)
		c.Backend.(*fakeBackend).nonces = map[string][]string{"nonce_ok": signedInDirectives(tok)[:2]}
		st := authenticate(t, c, facts(t, "GET", "/", cookie("__clerk_handshake_nonce=nonce_ok")))
		expect(t, st, StatusSignedIn, "")
	})
	t.Run("nonce wins over a token", func(t *testing.T) {
		c := devConfig(t)
		c.Backend.(*fakeBackend).nonces = map[string][]string{"n": signedOutDirectives}
		hs := handshakeJWT(t, main, nil, signedInDirectives(tok)...)
		st := authenticate(t, c, facts(t, "GET", "/?__clerk_handshake_nonce=n&__clerk_handshake="+hs))
		expect(t, st, StatusSignedOut, reasons.SessionTokenMissing)
	})
	t.Run("unknown nonce", func(t *testing.T) {
		st := authenticate(t, devConfig(t), facts(t, "GET", "/?__clerk_handshake_nonce=nonce_missing", docDest))
		expect(t, st, StatusSignedOut, reasons.SessionTokenMissing)
		checkResolvedHeaders(t, st, testOrigin+"/", nil)
	})
	t.Run("nonce without a Backend", func(t *testing.T) {
		c := devConfig(t)
		c.Backend = nil
		st := authenticate(t, c, facts(t, "GET", "/?__clerk_handshake_nonce=n"))
		expect(t, st, StatusSignedOut, reasons.SessionTokenMissing)
	})
}

func TestRefresh(t *testing.T) {
	n := testNow.Unix()
	expired := sessionToken(t, map[string]any{"iat": n - 1200, "nbf": n - 1210, "exp": n - 600})
	fresh := sessionToken(t, map[string]any{"iat": n - 1})
	sfx := testSuffix()
	oldUat := "__client_uat=" + itoa(int(n-1300))
	refreshCk := "__refresh_" + sfx + "=rt_123"

	newCookies := []string{
		"__session_" + sfx + "=" + fresh + "; Path=/; SameSite=Lax; Secure",
		"__session=" + fresh + "; Path=/; SameSite=Lax; Secure",
		"__client_uat_" + sfx + "=" + itoa(int(n)) + "; Path=/; Max-Age=315360000; SameSite=Strict; Secure",
	}

	t.Run("success", func(t *testing.T) {
		c := devConfig(t)
		be := c.Backend.(*fakeBackend)
		be.refresh = func(sid string, body RefreshRequest) ([]string, error) { return newCookies, nil }
		f := facts(t, "GET", "/api/items", cookie(devCk, oldUat, sessionCookie(expired), refreshCk), "X-Custom: a", "X-Custom: b")
		st := authenticate(t, c, f)
		expect(t, st, StatusSignedIn, "")
		if st.Token != fresh {
			t.Errorf("token = %q, want the refreshed one", st.Token)
		}
		if got := st.Headers.Values("Set-Cookie"); strings.Join(got, "|") != strings.Join(newCookies, "|") {
			t.Errorf("Set-Cookie = %v", got)
		}
		if st.Headers.Get("Location") != "" {
			t.Errorf("unexpected Location %q", st.Headers.Get("Location"))
		}
		if be.calls[0] != "refresh:sess_1" {
			t.Errorf("calls = %v", be.calls)
		}
		b := be.refreshBody
		if b.ExpiredToken != expired || b.RefreshToken != "rt_123" ||
			b.RequestOrigin != testOrigin || b.SuffixedCookies {
			t.Errorf("refresh body = %+v", b)
		}
		hdrs := b.RequestHeaders
		if got := hdrs["x-custom"]; len(got) != 1 || got[0] != "a, b" {
			t.Errorf("request_headers[x-custom] = %v (all: %v)", got, hdrs)
		}
	})
	t.Run("document request refreshes without a handshake", func(t *testing.T) {
		c := prodConfig(t)
		c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) { return newCookies[1:2], nil }
		prodRefresh := "__refresh_" + CookieSuffix(pkLive) + "=rt_123"
		st := authenticate(t, c, facts(t, "GET", "/", docDest, cookie(oldUat, sessionCookie(expired), prodRefresh)))
		expect(t, st, StatusSignedIn, "")
	})
	t.Run("header token refresh", func(t *testing.T) {
		c := devConfig(t)
		c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) { return newCookies[1:2], nil }
		st := authenticate(t, c, facts(t, "GET", "/", bearer(expired), cookie(refreshCk)))
		expect(t, st, StatusSignedIn, "")
	})

	failures := []struct {
		name    string
		token   string
		backend func(c *Config)
		reason  string
	}{
		{"no backend", expired, func(c *Config) { c.Backend = nil }, "missing-api-client"},
		{"fetch error", expired, func(c *Config) {
			c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) { return nil, errTransport }
		}, "fetch-error"},
		{"unexpected_error code", expired, func(c *Config) {
			c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) {
				return nil, apiErr(500, "unexpected_error", "")
			}
		}, "fetch-error"},
		{"api error code", expired, func(c *Config) {
			c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) {
				return nil, apiErr(401, "refresh_token_invalid", "")
			}
		}, "refresh_token_invalid"},
		{"api error without code", expired, func(*Config) {}, "unexpected-bapi-error"},
		{"empty cookies", expired, func(c *Config) {
			c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) { return nil, nil }
		}, "unexpected-sdk-error"},
		{"refreshed token invalid", expired, func(c *Config) {
			c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) {
				return []string{"__session=" + expired + "; Path=/"}, nil
			}
		}, "invalid-session-token"},
		{"no session directive", expired, func(c *Config) {
			c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) {
				return []string{"__client_uat=1; Path=/"}, nil
			}
		}, "invalid-session-token"},
		{"expired token without sid", sessionToken(t, map[string]any{"iat": n - 1200, "nbf": n - 1210, "exp": n - 600, "sid": nil}), func(*Config) {},
			"expired-session-token-missing-sid-claim"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			c := devConfig(t)
			f.backend(c)
			st := authenticate(t, c, facts(t, "GET", "/api", cookie(devCk, oldUat, sessionCookie(f.token), refreshCk)))
			expect(t, st, StatusSignedOut, "session-token-expired-refresh-"+f.reason)
			// The same failure on a document request asks for a handshake.
			c = devConfig(t)
			f.backend(c)
			st = authenticate(t, c, facts(t, "GET", "/page", docDest, cookie(devCk, oldUat, sessionCookie(f.token), refreshCk)))
			expect(t, st, StatusHandshake, "session-token-expired-refresh-"+f.reason)
		})
	}

	t.Run("not attempted for other failures", func(t *testing.T) {
		c := devConfig(t)
		be := c.Backend.(*fakeBackend)
		st := authenticate(t, c, facts(t, "GET", "/", cookie(devCk, uatCookie(), sessionCookie(sessionToken(t, map[string]any{"nbf": n + 900})), refreshCk)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenNBF)
		if be.refreshCalls != 0 {
			t.Errorf("refresh called %d times", be.refreshCalls)
		}
	})
	t.Run("not attempted for POST", func(t *testing.T) {
		c := devConfig(t)
		be := c.Backend.(*fakeBackend)
		be.refresh = func(string, RefreshRequest) ([]string, error) { return newCookies, nil }
		st := authenticate(t, c, facts(t, "POST", "/", cookie(devCk, oldUat, sessionCookie(expired), refreshCk)))
		expect(t, st, StatusSignedOut, "session-token-expired-refresh-non-eligible-non-get")
		if be.refreshCalls != 0 {
			t.Errorf("refresh called %d times", be.refreshCalls)
		}
	})
}
