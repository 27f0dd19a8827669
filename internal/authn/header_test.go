package authn

import (
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// TestAuthenticateHeader covers the Authorization-header path: one row per
// reason code and branch.
func TestAuthenticateHeader(t *testing.T) {
	main, foreign := testKeys(t)
	n := testNow.Unix()
	valid := sessionToken(t, nil)
	expired := sessionToken(t, map[string]any{"iat": n - 1200, "nbf": n - 1210, "exp": n - 600})

	type row struct {
		name    string
		cfg     func(*Config)
		method  string
		target  string
		header  []string
		status  string
		reason  string
		tokType string // "" skips the check
		msg     string // substring of Message
		handoff bool   // expects a Location (handshake redirect)
	}
	rows := []row{
		{name: "valid", header: []string{bearer(valid)}, status: StatusSignedIn, tokType: TokenSession},
		{name: "valid session-only", cfg: func(c *Config) { c.Accepts = acceptsSession }, header: []string{bearer(valid)}, status: StatusSignedIn, tokType: TokenSession},
		{name: "valid RS384 with a key published without alg", cfg: keyWithoutAlg,
			header: []string{bearer(signJWT(t, main, map[string]any{"alg": "RS384", "cat": jwt.CategorySessionToken}, sessionClaims(nil)))}, status: StatusSignedIn},
		{name: "valid RS512 with a key published without alg", cfg: keyWithoutAlg,
			header: []string{bearer(signJWT(t, main, map[string]any{"alg": "RS512"}, sessionClaims(nil)))}, status: StatusSignedIn},
		{name: "RS384 against an RS256 key", header: []string{bearer(signJWT(t, main, map[string]any{"alg": "RS384"}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenVerificationFailed},
		{name: "valid without typ", header: []string{bearer(signJWT(t, main, map[string]any{"typ": nil}, sessionClaims(nil)))}, status: StatusSignedIn},
		{name: "bare token without scheme", header: []string{"Authorization: " + valid}, status: StatusSignedIn},
		{name: "bearer with extra words", header: []string{bearer(valid + " trailing words")}, status: StatusSignedIn},

		{name: "expired api request", header: []string{bearer(expired), jsonAcc}, status: StatusSignedOut,
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie", tokType: TokenSession,
			msg: "(reason=token-expired, token-carrier=header)"},
		{name: "expired document request", target: "/dashboard", header: []string{bearer(expired), docDest}, status: StatusHandshake,
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie", handoff: true},
		{name: "expired html accept without sec-fetch-dest", header: []string{bearer(expired), htmlAcc}, status: StatusHandshake,
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie", handoff: true},
		{name: "expired iframe", header: []string{bearer(expired), "Sec-Fetch-Dest: iframe"}, status: StatusHandshake,
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie", handoff: true},
		{name: "expired POST document", method: "POST", header: []string{bearer(expired), docDest}, status: StatusSignedOut,
			reason: "session-token-expired-refresh-non-eligible-non-get"},
		{name: "expired HEAD document", method: "HEAD", header: []string{bearer(expired), docDest}, status: StatusSignedOut,
			reason: "session-token-expired-refresh-non-eligible-non-get"},
		{name: "expired fetch with html accept", header: []string{bearer(expired), "Sec-Fetch-Dest: empty", htmlAcc}, status: StatusSignedOut,
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{name: "exp within clock skew", header: []string{bearer(sessionToken(t, map[string]any{"exp": n - 3}))}, status: StatusSignedIn},
		{name: "exp at skew boundary", header: []string{bearer(sessionToken(t, map[string]any{"exp": n - 5}))}, status: StatusSignedOut,
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{name: "exp larger skew", cfg: func(c *Config) { c.ClockSkew = 11 * time.Minute }, header: []string{bearer(expired)}, status: StatusSignedIn},
		{name: "nbf in future", header: []string{bearer(sessionToken(t, map[string]any{"nbf": n + 900}))}, status: StatusSignedOut,
			reason: reasons.SessionTokenNBF, msg: "reason=token-not-active-yet"},
		{name: "nbf within skew", header: []string{bearer(sessionToken(t, map[string]any{"nbf": n + 4}))}, status: StatusSignedIn},
		{name: "nbf in future document", header: []string{bearer(sessionToken(t, map[string]any{"nbf": n + 900})), docDest}, status: StatusHandshake,
			reason: reasons.SessionTokenNBF, handoff: true},
		{name: "iat in future", header: []string{bearer(sessionToken(t, map[string]any{"iat": n + 900}))}, status: StatusSignedOut,
			reason: reasons.SessionTokenIATInTheFuture, msg: "reason=token-iat-in-the-future"},
		{name: "iat in future document", header: []string{bearer(sessionToken(t, map[string]any{"iat": n + 900})), docDest}, status: StatusHandshake,
			reason: reasons.SessionTokenIATInTheFuture, handoff: true},
		{name: "exp not a number", header: []string{bearer(sessionToken(t, map[string]any{"exp": "tomorrow"}))}, status: StatusSignedOut,
			reason: reasons.TokenVerificationFailed},
		{name: "exp missing", header: []string{bearer(sessionToken(t, map[string]any{"exp": nil}))}, status: StatusSignedOut,
			reason: reasons.TokenVerificationFailed},

		{name: "alg none", header: []string{bearer(unsignedJWT(t, map[string]any{"alg": "none", "typ": "JWT", "kid": testKid}, sessionClaims(nil), nil))},
			status: StatusSignedOut, reason: reasons.TokenInvalidAlgorithm, msg: "(reason=token-invalid-algorithm, token-carrier=header)"},
		{name: "HS256", header: []string{bearer(unsignedJWT(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": testKid}, sessionClaims(nil), []byte("mac")))},
			status: StatusSignedOut, reason: reasons.TokenInvalidAlgorithm},
		{name: "PS256", header: []string{bearer(unsignedJWT(t, map[string]any{"alg": "PS256", "typ": "JWT", "kid": testKid}, sessionClaims(nil), []byte("sig")))},
			status: StatusSignedOut, reason: reasons.TokenInvalidAlgorithm},
		{name: "alg missing", header: []string{bearer(unsignedJWT(t, map[string]any{"typ": "JWT", "kid": testKid}, sessionClaims(nil), []byte("sig")))},
			status: StatusSignedOut, reason: reasons.TokenInvalidAlgorithm},
		{name: "typ not JWT", header: []string{bearer(signJWT(t, main, map[string]any{"typ": "JOSE"}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "foreign key", header: []string{bearer(signJWT(t, foreign, sessionHeader, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenInvalidSignature, msg: "(reason=token-invalid-signature, token-carrier=header)"},
		{name: "tampered payload", header: []string{bearer(tamper(t, valid))}, status: StatusSignedOut, reason: reasons.TokenInvalidSignature},
		{name: "unknown kid", header: []string{bearer(signJWT(t, main, map[string]any{"kid": "ins_other"}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.JWKKidMismatch},
		{name: "key source transport failure", cfg: func(c *Config) { c.Keys = &keySource{err: errTransport} }, header: []string{bearer(valid)},
			status: StatusSignedOut, reason: reasons.UnexpectedError},
		{name: "key source failed to load", cfg: func(c *Config) {
			c.Keys = &keySource{err: jwt.Errorf(reasons.RemoteJWKFailedToLoad, "status 500")}
		}, header: []string{bearer(valid)}, status: StatusSignedOut, reason: reasons.RemoteJWKFailedToLoad},
		{name: "secret key rejected", cfg: func(c *Config) {
			c.Keys = &keySource{err: jwt.Errorf(reasons.InvalidSecretKey, "bad key")}
		}, header: []string{bearer(valid)}, status: StatusSignedOut, reason: reasons.InvalidSecretKey},
		{name: "no key source", cfg: func(c *Config) { c.Keys = nil }, header: []string{bearer(valid)},
			status: StatusSignedOut, reason: reasons.JWKFailedToResolve},

		{name: "malformed not a jwt", header: []string{bearer("not-a-jwt")}, status: StatusSignedOut, reason: reasons.TokenInvalid, msg: "token-carrier=header"},
		{name: "malformed two segments", header: []string{bearer(valid[:strings.LastIndexByte(valid, '.')])}, status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "malformed four segments", header: []string{bearer(valid + ".e30")}, status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "malformed bad base64", header: []string{bearer("eyJhbGciOiJSUzI1NiJ9!.e30*.c2ln")}, status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "malformed bad json", header: []string{bearer(b64([]byte(`{"alg":`)) + "." + b64([]byte(`{}`)) + ".c2ln")}, status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "malformed oversized", header: []string{bearer(signJWT(t, main, nil, sessionClaims(map[string]any{"pad": strings.Repeat("x", jwt.MaxTokenSize)})))},
			status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "bearer double space", header: []string{"Authorization: Bearer  " + valid}, status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "bearer with nothing after", header: []string{"Authorization: Bearer "}, status: StatusSignedOut, reason: reasons.TokenInvalid},
		{name: "lowercase bearer ignored", header: []string{"Authorization: bearer " + valid}, status: StatusSignedOut, reason: reasons.DevBrowserMissing},
		{name: "basic scheme ignored", header: []string{"Authorization: Basic dXNlcjpwYXNzd29yZA=="}, status: StatusSignedOut, reason: reasons.DevBrowserMissing},

		{name: "azp not authorized", cfg: func(c *Config) { c.AuthorizedParties = []string{testOrigin, "https://app.example.com"} },
			header: []string{bearer(sessionToken(t, map[string]any{"azp": "https://evil.example.com"}))},
			status: StatusSignedOut, reason: reasons.TokenInvalidAuthorizedParties, msg: "https://evil.example.com"},
		{name: "azp missing with authorized parties", cfg: func(c *Config) { c.AuthorizedParties = []string{testOrigin} },
			header: []string{bearer(sessionToken(t, map[string]any{"azp": nil}))}, status: StatusSignedOut, reason: reasons.TokenInvalidAuthorizedParties},
		{name: "azp authorized", cfg: func(c *Config) { c.AuthorizedParties = []string{"https://app.example.com", testOrigin} },
			header: []string{bearer(valid)}, status: StatusSignedIn},
		{name: "azp missing without authorized parties", header: []string{bearer(sessionToken(t, map[string]any{"azp": nil}))}, status: StatusSignedIn},
		{name: "aud string mismatch", cfg: func(c *Config) { c.Audience = []string{"https://api.example.com"} },
			header: []string{bearer(sessionToken(t, map[string]any{"aud": "https://evil.example.com"}))}, status: StatusSignedOut, reason: reasons.TokenVerificationFailed},
		{name: "aud array match", cfg: func(c *Config) { c.Audience = []string{"https://api.example.com"} },
			header: []string{bearer(sessionToken(t, map[string]any{"aud": []string{"x", "https://api.example.com"}}))}, status: StatusSignedIn},
		{name: "aud array mismatch", cfg: func(c *Config) { c.Audience = []string{"https://api.example.com"} },
			header: []string{bearer(sessionToken(t, map[string]any{"aud": []string{"x", "y"}}))}, status: StatusSignedOut, reason: reasons.TokenVerificationFailed},
		{name: "aud absent with audience configured", cfg: func(c *Config) { c.Audience = []string{"https://api.example.com"} },
			header: []string{bearer(valid)}, status: StatusSignedIn},
		{name: "aud without audience configured", header: []string{bearer(sessionToken(t, map[string]any{"aud": "anything"}))}, status: StatusSignedIn},
		{name: "sub missing", header: []string{bearer(sessionToken(t, map[string]any{"sub": nil}))}, status: StatusSignedOut, reason: reasons.TokenVerificationFailed},
		{name: "sub not a string", header: []string{bearer(sessionToken(t, map[string]any{"sub": 42}))}, status: StatusSignedOut, reason: reasons.TokenVerificationFailed},

		{name: "m2m jwt where session expected", cfg: func(c *Config) { c.Accepts = acceptsSession },
			header: []string{bearer(signJWT(t, main, map[string]any{"cat": jwt.CategoryM2MToken}, sessionClaims(map[string]any{"sub": "mch_1"})))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenSession},
		{name: "oauth jwt where session expected", cfg: func(c *Config) { c.Accepts = acceptsSession },
			header: []string{bearer(signJWT(t, main, map[string]any{"typ": "at+jwt"}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenSession},
		{name: "jwt template category", header: []string{bearer(signJWT(t, main, map[string]any{"cat": "cl_B7d4PD222AAA"}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenSession},
		{name: "jwt template category session-only", cfg: func(c *Config) { c.Accepts = acceptsSession },
			header: []string{bearer(signJWT(t, main, map[string]any{"cat": "cl_B7d4PD222AAA"}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch},
		{name: "non-string category", header: []string{bearer(signJWT(t, main, map[string]any{"cat": 7}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch},
		{name: "ignore category is a session", header: []string{bearer(signJWT(t, main, map[string]any{"cat": "cl_I7d4PD111III"}, sessionClaims(nil)))},
			status: StatusSignedIn},
		{name: "m2m category with user subject", cfg: func(c *Config) { c.Accepts = acceptsSession },
			header: []string{bearer(signJWT(t, main, map[string]any{"cat": jwt.CategoryM2MToken}, sessionClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := devConfig(t)
			if r.cfg != nil {
				r.cfg(c)
			}
			target := r.target
			if target == "" {
				target = "/"
			}
			st := authenticate(t, c, facts(t, r.method, target, r.header...))
			expect(t, st, r.status, r.reason)
			if r.tokType != "" && st.TokenType != r.tokType {
				t.Errorf("TokenType = %q, want %q", st.TokenType, r.tokType)
			}
			if r.msg != "" && !strings.Contains(st.Message, r.msg) {
				t.Errorf("Message = %q, want it to contain %q", st.Message, r.msg)
			}
			if got := st.Headers.Get("Location") != ""; got != r.handoff {
				t.Errorf("Location present = %v, want %v (%q)", got, r.handoff, st.Headers.Get("Location"))
			}
			switch st.Status {
			case StatusSignedIn:
				if st.Session == nil || st.Session.Props.UserID != "user_1" || st.Token == "" {
					t.Errorf("signed in without the session: %+v", st)
				}
			case StatusHandshake:
				if cc := st.Headers.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", cc)
				}
				if sc := st.Headers.Get("Set-Cookie"); sc != "__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2" {
					t.Errorf("Set-Cookie = %q", sc)
				}
			case StatusSignedOut:
				if st.Session != nil || st.Machine != nil {
					t.Errorf("signed out with a principal: %+v", st)
				}
			}
		})
	}
}

func keyWithoutAlg(c *Config) { c.Keys.(*keySource).keys[testKid].Alg = "" }

// tamper flips the payload of a signed token so its signature no longer holds.
func tamper(tb testing.TB, tok string) string {
	tb.Helper()
	parts := strings.Split(tok, ".")
	parts[1] = jsonB64(tb, sessionClaims(map[string]any{"sub": "user_admin"}))
	return strings.Join(parts, ".")
}

func TestAuthenticateHeaderExpiredHandshakeCarriesToken(t *testing.T) {
	n := testNow.Unix()
	expired := sessionToken(t, map[string]any{"iat": n - 1200, "nbf": n - 1210, "exp": n - 600})
	st := authenticate(t, devConfig(t), facts(t, "GET", "/dashboard", bearer(expired), docDest))
	expect(t, st, StatusHandshake, "session-token-expired-refresh-non-eligible-no-refresh-cookie")
	base, q := location(t, st)
	if base != "https://clerk.example.com/v1/client/handshake" {
		t.Errorf("base = %q", base)
	}
	if got := param(t, q, "__session"); got != expired {
		t.Errorf("__session = %q, want the expired header token", got)
	}
	if got := param(t, q, "redirect_url"); got != testOrigin+"/dashboard" {
		t.Errorf("redirect_url = %q", got)
	}
}

func TestAuthenticateHeaderVerifiedCacheRechecksTime(t *testing.T) {
	c := devConfig(t)
	c.Cache = NewCache(16)
	now := testNow
	c.Now = func() time.Time { return now }
	tok := sessionToken(t, map[string]any{"exp": testNow.Unix() + 60})
	src := c.Keys.(*keySource)

	expect(t, authenticate(t, c, facts(t, "GET", "/", bearer(tok))), StatusSignedIn, "")
	expect(t, authenticate(t, c, facts(t, "GET", "/", bearer(tok))), StatusSignedIn, "")
	if src.n != 1 {
		t.Errorf("key lookups = %d, want 1 (second request served from the cache)", src.n)
	}
	if c.Cache.Len() != 1 {
		t.Errorf("cache entries = %d, want 1", c.Cache.Len())
	}
	now = testNow.Add(2 * time.Minute)
	expect(t, authenticate(t, c, facts(t, "GET", "/", bearer(tok))), StatusSignedOut, "session-token-expired-refresh-non-eligible-no-refresh-cookie")
}
