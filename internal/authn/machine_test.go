package authn

import (
	"crypto/rsa"
	"encoding/json"
	"strings"
	"testing"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

func machineBackend() *fakeBackend {
	return &fakeBackend{
		apiKeys: map[string]json.RawMessage{
			"ak_user": json.RawMessage(`{"id":"ak_2user","subject":"user_1","name":"CI key","claims":{"team":"platform"},"scopes":["read:items"]}`),
		},
		m2m: map[string]json.RawMessage{
			"mt_valid": json.RawMessage(`{"id":"mt_2valid","subject":"mch_1","claims":{"env":"ci"},"scopes":["mch_other"]}`),
		},
		oauth: map[string]json.RawMessage{
			"oat_valid": json.RawMessage(`{"id":"oat_2valid","subject":"user_1","client_id":"client_1","scopes":["email"],"aud":"https://api.example.com"}`),
		},
	}
}

func m2mClaims(over map[string]any) map[string]any {
	n := testNow.Unix()
	c := map[string]any{"iss": "https://" + testFAPI, "sub": "mch_1", "jti": "mt_jwt", "iat": n - 30, "nbf": n - 40, "exp": n + 3600, "scopes": "mch_reader mch_writer", "team": "platform"}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func oauthClaims(over map[string]any) map[string]any {
	n := testNow.Unix()
	c := map[string]any{"iss": "https://" + testFAPI, "sub": "user_1", "jti": "oat_jwt", "client_id": "client_1", "iat": n - 30, "exp": n + 3600, "scope": "email profile"}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func TestMachineTokens(t *testing.T) {
	main, foreign := testKeys(t)
	m2mJWT := signJWT(t, main, map[string]any{"cat": jwt.CategoryM2MToken}, m2mClaims(nil))
	oauthJWT := signJWT(t, main, map[string]any{"typ": "at+jwt"}, oauthClaims(nil))

	type row struct {
		name    string
		accepts Accepts
		token   string
		be      func(*fakeBackend)
		cfg     func(*Config)
		status  string
		reason  string
		tokType string
		msg     string
		check   func(*testing.T, *Machine)
	}
	only := func(t string) Accepts { return Accepts{Types: []string{t}} }
	rows := []row{
		{name: "api key valid", accepts: AcceptsAny, token: "ak_user", status: StatusSignedIn, tokType: TokenAPIKey, check: func(t *testing.T, m *Machine) {
			if string(m.ID) != `"ak_2user"` || string(m.Subject) != `"user_1"` || string(m.Name) != `"CI key"` || string(m.Claims) != `{"team":"platform"}` || string(m.Scopes) != `["read:items"]` {
				t.Errorf("machine = %+v", m)
			}
		}},
		{name: "api key accepted alone", accepts: only(TokenAPIKey), token: "ak_user", status: StatusSignedIn, tokType: TokenAPIKey},
		{name: "m2m opaque valid", accepts: only(TokenM2M), token: "mt_valid", status: StatusSignedIn, tokType: TokenM2M, check: func(t *testing.T, m *Machine) {
			if string(m.Subject) != `"mch_1"` || string(m.Scopes) != `["mch_other"]` {
				t.Errorf("machine = %+v", m)
			}
		}},
		{name: "oauth opaque valid", accepts: only(TokenOAuth), token: "oat_valid", status: StatusSignedIn, tokType: TokenOAuth, check: func(t *testing.T, m *Machine) {
			if string(m.ClientID) != `"client_1"` {
				t.Errorf("client id = %s", m.ClientID)
			}
		}},
		{name: "oauth opaque audience match", accepts: AcceptsAny, token: "oat_valid", cfg: func(c *Config) { c.Audience = []string{"https://api.example.com"} }, status: StatusSignedIn, tokType: TokenOAuth},
		{name: "oauth opaque audience mismatch", accepts: AcceptsAny, token: "oat_valid", cfg: func(c *Config) { c.Audience = []string{"https://other.example.com"} },
			status: StatusSignedOut, reason: "token-verification-failed", tokType: TokenOAuth},
		{name: "api key 404", accepts: AcceptsAny, token: "ak_revoked", status: StatusSignedOut, reason: "token-invalid", tokType: TokenAPIKey,
			msg: "API key not found (code=token-invalid, status=404)"},
		{name: "m2m 404", accepts: AcceptsAny, token: "mt_unknown", status: StatusSignedOut, reason: "token-invalid", tokType: TokenM2M, msg: "M2M token not found"},
		{name: "oauth 404", accepts: AcceptsAny, token: "oat_unknown", status: StatusSignedOut, reason: "token-invalid", tokType: TokenOAuth, msg: "OAuth token not found"},
		{name: "api key 401", accepts: AcceptsAny, token: "ak_user", be: func(b *fakeBackend) {
			b.err = apiErr(401, "authentication_invalid", "bad secret")
		},
			status: StatusSignedOut, reason: "secret-key-invalid", tokType: TokenAPIKey, msg: "bad secret (code=secret-key-invalid, status=401)"},
		{name: "m2m 500", accepts: AcceptsAny, token: "mt_valid", be: func(b *fakeBackend) { b.err = apiErr(500, "", "") },
			status: StatusSignedOut, reason: "unexpected-error", tokType: TokenM2M, msg: "status=500"},
		{name: "oauth transport error", accepts: AcceptsAny, token: "oat_valid", be: func(b *fakeBackend) { b.err = errTransport },
			status: StatusSignedOut, reason: "unexpected-error", tokType: TokenOAuth, msg: "status=n/a"},
		{name: "no backend", accepts: AcceptsAny, token: "ak_user", cfg: func(c *Config) { c.Backend = nil },
			status: StatusSignedOut, reason: "unexpected-error", tokType: TokenAPIKey},

		{name: "m2m jwt valid", accepts: only(TokenM2M), token: m2mJWT, status: StatusSignedIn, tokType: TokenM2M, check: func(t *testing.T, m *Machine) {
			if string(m.ID) != `"mt_jwt"` || string(m.Subject) != `"mch_1"` || string(m.Scopes) != `["mch_reader","mch_writer"]` {
				t.Errorf("machine = %+v", m)
			}
			var claims map[string]any
			if err := json.Unmarshal(m.Claims, &claims); err != nil || claims["team"] != "platform" || claims["sub"] != nil || claims["exp"] != nil {
				t.Errorf("claims = %s", m.Claims)
			}
		}},
		{name: "m2m jwt via any", accepts: AcceptsAny, token: m2mJWT, status: StatusSignedIn, tokType: TokenM2M},
		{name: "m2m jwt without category", accepts: AcceptsAny, token: signJWT(t, main, nil, m2mClaims(nil)), status: StatusSignedIn, tokType: TokenM2M},
		{name: "m2m jwt aud as scopes", accepts: AcceptsAny, token: signJWT(t, main, nil, m2mClaims(map[string]any{"scopes": nil, "aud": []string{"mch_2"}})),
			status: StatusSignedIn, tokType: TokenM2M, check: func(t *testing.T, m *Machine) {
				if string(m.Scopes) != `["mch_2"]` {
					t.Errorf("scopes = %s", m.Scopes)
				}
			}},
		{name: "m2m jwt with session category", accepts: AcceptsAny, token: signJWT(t, main, sessionHeader, m2mClaims(nil)),
			status: StatusSignedOut, reason: "token-invalid", tokType: TokenM2M},
		{name: "m2m jwt expired", accepts: AcceptsAny, token: signJWT(t, main, nil, m2mClaims(map[string]any{"exp": testNow.Unix() - 60})),
			status: StatusSignedOut, reason: "token-verification-failed", tokType: TokenM2M},
		{name: "m2m jwt foreign key", accepts: AcceptsAny, token: signJWT(t, foreign, nil, m2mClaims(nil)),
			status: StatusSignedOut, reason: "token-verification-failed", tokType: TokenM2M},
		{name: "m2m jwt audience mismatch", accepts: AcceptsAny, token: signJWT(t, main, nil, m2mClaims(map[string]any{"aud": "x"})),
			cfg: func(c *Config) { c.Audience = []string{"y"} }, status: StatusSignedOut, reason: "token-verification-failed", tokType: TokenM2M},
		{name: "oauth jwt valid", accepts: only(TokenOAuth), token: oauthJWT, status: StatusSignedIn, tokType: TokenOAuth, check: func(t *testing.T, m *Machine) {
			if string(m.ID) != `"oat_jwt"` || string(m.ClientID) != `"client_1"` || string(m.Scopes) != `["email","profile"]` {
				t.Errorf("machine = %+v", m)
			}
		}},
		{name: "oauth jwt application typ", accepts: AcceptsAny, token: signJWT(t, main, map[string]any{"typ": "application/at+jwt"}, oauthClaims(nil)), status: StatusSignedIn, tokType: TokenOAuth},
		{name: "oauth jwt scp", accepts: AcceptsAny, token: signJWT(t, main, map[string]any{"typ": "at+jwt"}, oauthClaims(map[string]any{"scp": []string{"a"}})),
			status: StatusSignedIn, tokType: TokenOAuth, check: func(t *testing.T, m *Machine) {
				if string(m.Scopes) != `["a"]` {
					t.Errorf("scopes = %s", m.Scopes)
				}
			}},
		{name: "oauth jwt audience mismatch", accepts: AcceptsAny, token: oauthJWT, cfg: func(c *Config) { c.Audience = []string{"https://api.example.com"} },
			status: StatusSignedOut, reason: "token-verification-failed", tokType: TokenOAuth},
		{name: "oauth jwt expired", accepts: AcceptsAny, token: signJWT(t, main, map[string]any{"typ": "at+jwt"}, oauthClaims(map[string]any{"exp": testNow.Unix() - 60})),
			status: StatusSignedOut, reason: "token-verification-failed", tokType: TokenOAuth},

		// Wrong category for a single accepted type.
		{name: "m2m token where api key required", accepts: only(TokenAPIKey), token: "mt_valid", status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenAPIKey},
		{name: "api key where m2m required", accepts: only(TokenM2M), token: "ak_user", status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenM2M},
		{name: "oauth jwt where m2m required", accepts: only(TokenM2M), token: oauthJWT, status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenM2M},
		{name: "session token where api key required", accepts: only(TokenAPIKey), token: sessionToken(t, nil), status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenAPIKey},
		{name: "opaque garbage where oauth required", accepts: only(TokenOAuth), token: "xyz", status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: TokenOAuth},
		{name: "no token where api key required", accepts: only(TokenAPIKey), token: "", status: StatusSignedOut, reason: reasons.NoTokenInHeader, tokType: TokenAPIKey},
		{name: "no token where oauth required", accepts: only(TokenOAuth), token: "", status: StatusSignedOut, reason: reasons.NoTokenInHeader, tokType: TokenOAuth},
		{name: "api key where session required", accepts: acceptsSession, token: "ak_user", status: StatusSignedOut, reason: reasons.TokenInvalid, tokType: TokenSession},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := devConfig(t)
			be := machineBackend()
			c.Backend = be
			if r.be != nil {
				r.be(be)
			}
			c.Accepts = r.accepts
			if r.cfg != nil {
				r.cfg(c)
			}
			var h []string
			if r.token != "" {
				h = append(h, bearer(r.token))
			}
			// Cookies must not matter for machine-only authentication.
			h = append(h, cookie(devCk, uatCookie(), sessionCookie(sessionToken(t, nil))))
			st := authenticate(t, c, facts(t, "GET", "/", h...))
			expect(t, st, r.status, r.reason)
			if st.TokenType != r.tokType {
				t.Errorf("TokenType = %q, want %q", st.TokenType, r.tokType)
			}
			if r.msg != "" && !strings.Contains(st.Message, r.msg) {
				t.Errorf("Message = %q, want %q", st.Message, r.msg)
			}
			if r.status == StatusSignedIn {
				if st.Machine == nil || st.Machine.TokenType != r.tokType || st.Token != r.token {
					t.Fatalf("machine = %+v token=%q", st.Machine, st.Token)
				}
				if r.check != nil {
					r.check(t, st.Machine)
				}
			}
		})
	}
}

func TestAcceptsToken(t *testing.T) {
	sess := sessionToken(t, nil)
	list := func(types ...string) Accepts { return Accepts{List: true, Types: types} }
	rows := []struct {
		name    string
		accepts Accepts
		header  []string
		status  string
		reason  string
		tokType string
		calls   int // expected Backend calls
	}{
		{name: "any session", accepts: AcceptsAny, header: []string{bearer(sess)}, status: StatusSignedIn, tokType: TokenSession},
		{name: "any api key", accepts: AcceptsAny, header: []string{bearer("ak_user")}, status: StatusSignedIn, tokType: TokenAPIKey, calls: 1},
		{name: "any without a header uses cookies", accepts: AcceptsAny, header: []string{cookie(devCk, uatCookie(), sessionCookie(sess))}, status: StatusSignedIn, tokType: TokenSession},
		{name: "single session with session", accepts: acceptsSession, header: []string{bearer(sess)}, status: StatusSignedIn, tokType: TokenSession},
		{name: "single session without header reads cookies", accepts: acceptsSession, header: []string{cookie(devCk, uatCookie(), sessionCookie(sess))}, status: StatusSignedIn, tokType: TokenSession},
		{name: "list including api key", accepts: list(TokenM2M, TokenAPIKey), header: []string{bearer("ak_user")}, status: StatusSignedIn, tokType: TokenAPIKey, calls: 1},
		{name: "list excluding api key is rejected early", accepts: list(TokenSession, TokenOAuth), header: []string{bearer("ak_user")},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: ""},
		{name: "list excluding m2m jwt", accepts: list(TokenAPIKey), header: []string{bearer(signJWT(t, mainKeyOf(t), nil, m2mClaims(nil)))},
			status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: ""},
		{name: "list excluding session", accepts: list(TokenAPIKey, TokenM2M), header: []string{bearer(sess)}, status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: ""},
		{name: "list without session and no header", accepts: list(TokenAPIKey), header: nil, status: StatusSignedOut, reason: reasons.TokenTypeMismatch, tokType: ""},
		{name: "list with session and no header reads cookies", accepts: list(TokenSession, TokenAPIKey), header: []string{cookie(devCk, uatCookie(), sessionCookie(sess))},
			status: StatusSignedIn, tokType: TokenSession},
		{name: "list with session verifies session", accepts: list(TokenSession), header: []string{bearer(sess)}, status: StatusSignedIn, tokType: TokenSession},
		{name: "list with a bad machine token", accepts: list(TokenAPIKey), header: []string{bearer("ak_unknown")}, status: StatusSignedOut, reason: "token-invalid", tokType: TokenAPIKey, calls: 1},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := devConfig(t)
			be := machineBackend()
			c.Backend, c.Accepts = be, r.accepts
			st := authenticate(t, c, facts(t, "GET", "/", r.header...))
			expect(t, st, r.status, r.reason)
			if st.TokenType != r.tokType {
				t.Errorf("TokenType = %q, want %q", st.TokenType, r.tokType)
			}
			if len(be.calls) != r.calls {
				t.Errorf("backend calls = %v, want %d", be.calls, r.calls)
			}
		})
	}
}

func mainKeyOf(tb testing.TB) *rsa.PrivateKey {
	k, _ := testKeys(tb)
	return k
}
