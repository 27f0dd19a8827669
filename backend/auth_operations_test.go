package backend_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// capture serves a fixed answer and records the last request.
type capture struct {
	answer string
	method string
	path   string
	query  string
	body   map[string]any
	raw    string
}

func (c *capture) server(t *testing.T) *backend.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.method, c.path, c.query, c.raw = r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(b)
		c.body = nil
		if len(b) > 0 {
			if err := json.Unmarshal(b, &c.body); err != nil {
				t.Errorf("body %q: %v", b, err)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, c.answer)
	}))
	t.Cleanup(srv.Close)
	cl, _ := newTestClient(t, srv.URL)
	return cl
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/fixtures/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestJWKSGet(t *testing.T) {
	cp := &capture{answer: fixture(t, "JWKS.Get.json")}
	c := cp.server(t)
	jwks, err := c.JWKS.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cp.method != "GET" || cp.path != "/v1/jwks" {
		t.Errorf("%s %s", cp.method, cp.path)
	}
	if len(jwks.Keys) != 2 {
		t.Fatalf("keys = %d", len(jwks.Keys))
	}
	rsa, ec := jwks.Keys[0], jwks.Keys[1]
	if rsa.Kty != "RSA" || rsa.Alg != "RS256" || rsa.Use != "sig" || rsa.E != "AQAB" || rsa.N == "" || rsa.Kid == "" {
		t.Errorf("rsa = %+v", rsa)
	}
	if ec.Kty != "EC" || ec.Crv != "P-256" || ec.X == "" || ec.Y == "" {
		t.Errorf("ec = %+v", ec)
	}
}

func TestAPIKeysVerify(t *testing.T) {
	cp := &capture{answer: fixture(t, "APIKeys.Verify.json")}
	c := cp.server(t)
	k, err := c.APIKeys.Verify(context.Background(), "ak_secret_value")
	if err != nil {
		t.Fatal(err)
	}
	if cp.method != "POST" || cp.path != "/api_keys/verify" || cp.body["secret"] != "ak_secret_value" || len(cp.body) != 1 {
		t.Errorf("%s %s %v", cp.method, cp.path, cp.body)
	}
	if k.Object != "api_key" || k.Subject == "" || len(k.Scopes) == 0 {
		t.Errorf("key = %+v", k)
	}
	if _, err := c.APIKeys.Verify(context.Background(), ""); err == nil {
		t.Error("empty secret accepted")
	}
}

func TestM2MTokensVerifyDecodes(t *testing.T) {
	cp := &capture{answer: fixture(t, "M2MTokens.Verify.json")}
	c := cp.server(t)
	tok, err := c.M2MTokens.Verify(context.Background(), "mt_secret")
	if err != nil {
		t.Fatal(err)
	}
	if cp.path != "/m2m_tokens/verify" || cp.body["token"] != "mt_secret" {
		t.Errorf("%s %v", cp.path, cp.body)
	}
	if tok.Object != "machine_to_machine_token" || tok.ID == "" || tok.Subject == "" {
		t.Errorf("tok = %+v", tok)
	}
}

func TestOAuthAccessTokensVerify(t *testing.T) {
	cp := &capture{answer: fixture(t, "OAuthAccessTokens.Verify.json")}
	c := cp.server(t)
	tok, err := c.OAuthAccessTokens.Verify(context.Background(), "oat_value")
	if err != nil {
		t.Fatal(err)
	}
	if cp.path != "/oauth_applications/access_tokens/verify" || cp.body["access_token"] != "oat_value" || len(cp.body) != 1 {
		t.Errorf("%s %v", cp.path, cp.body)
	}
	if tok.Object != "clerk_idp_oauth_access_token" || tok.ClientID == "" || tok.Active != nil {
		t.Errorf("tok = %+v", tok)
	}
	// The inactive answer of an expired JWT access token.
	cp.answer = `{"active": false}`
	tok, err = c.OAuthAccessTokens.Verify(context.Background(), "oat_value")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Active == nil || *tok.Active {
		t.Errorf("inactive token decoded as %+v", tok)
	}
}

func TestClientsGetHandshakePayload(t *testing.T) {
	cp := &capture{answer: fixture(t, "Clients.GetHandshakePayload.json")}
	c := cp.server(t)
	p, err := c.Clients.GetHandshakePayload(context.Background(), "nonce&1")
	if err != nil {
		t.Fatal(err)
	}
	if cp.method != "GET" || cp.path != "/v1/clients/handshake_payload" || cp.query != "nonce=nonce%261" {
		t.Errorf("%s %s?%s", cp.method, cp.path, cp.query)
	}
	if len(p.Directives) != 3 || p.Directives[2] != "__clerk_handshake=; Path=/; Max-Age=0" {
		t.Errorf("directives = %q", p.Directives)
	}
}

func TestSessionsRefresh(t *testing.T) {
	cp := &capture{answer: fixture(t, "Sessions.Refresh.json")}
	c := cp.server(t)
	res, err := c.Sessions.Refresh(context.Background(), "sess_1", &backend.SessionRefreshParams{
		ExpiredToken:         "expired.jwt.value",
		RefreshToken:         "refresh-token",
		RequestOrigin:        "https://app.example.com",
		RequestOriginatingIP: backend.Ptr("203.0.113.7"),
		RequestHeaders:       map[string][]string{"Cookie": {"__session=x"}},
		Format:               backend.Ptr("cookie"),
		SuffixedCookies:      true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if cp.method != "POST" || cp.path != "/v1/sessions/sess_1/refresh" || cp.query != "suffixed_cookies=true" {
		t.Errorf("%s %s?%s", cp.method, cp.path, cp.query)
	}
	for k, want := range map[string]any{"expired_token": "expired.jwt.value", "refresh_token": "refresh-token",
		"request_origin": "https://app.example.com", "request_originating_ip": "203.0.113.7", "format": "cookie"} {
		if cp.body[k] != want {
			t.Errorf("body[%s] = %v, want %v", k, cp.body[k], want)
		}
	}
	if _, ok := cp.body["suffixed_cookies"]; ok {
		t.Error("suffixed_cookies must travel in the query, not the body")
	}
	if res.Object != "cookies" || len(res.Cookies) != 2 {
		t.Errorf("res = %+v", res)
	}
	if _, err := c.Sessions.Refresh(context.Background(), "sess_1", &backend.SessionRefreshParams{RefreshToken: "r"}); err != nil {
		t.Fatal(err)
	}
	if cp.query != "" {
		t.Errorf("suffixed_cookies=false must not be sent, query %q", cp.query)
	}
}

func TestSessionsCreateToken(t *testing.T) {
	cp := &capture{answer: fixture(t, "Sessions.CreateToken.json")}
	c := cp.server(t)
	tok, err := c.Sessions.CreateToken(context.Background(), "sess_1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cp.path != "/v1/sessions/sess_1/tokens" || cp.raw != "" || tok.JWT == "" || tok.Object != "token" {
		t.Errorf("%s body=%q tok=%+v", cp.path, cp.raw, tok)
	}
	_, err = c.Sessions.CreateTokenFromTemplate(context.Background(), "sess_1", "hasura", &backend.SessionCreateTokenParams{ExpiresInSeconds: backend.Ptr[int64](60)})
	if err != nil {
		t.Fatal(err)
	}
	if cp.path != "/v1/sessions/sess_1/tokens/hasura" || cp.body["expires_in_seconds"] != float64(60) {
		t.Errorf("%s %v", cp.path, cp.body)
	}
}

// TestTypedFixtures spot-checks the decoded models of the main resources.
func TestTypedFixtures(t *testing.T) {
	ctx := context.Background()
	t.Run("User", func(t *testing.T) {
		c := fixtureServer(t, []byte(fixture(t, "Users.Get.json")))
		u, err := c.Users.Get(ctx, "user_1")
		if err != nil {
			t.Fatal(err)
		}
		if u.Object != "user" || u.FirstName == nil || *u.FirstName != "Ada" || len(u.EmailAddresses) != 1 ||
			u.EmailAddresses[0].EmailAddress != "ada.lovelace@example.com" || u.PublicMetadata["plan"] != "pro" || u.CreatedAt == 0 {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("Organization", func(t *testing.T) {
		c := fixtureServer(t, []byte(fixture(t, "Organizations.Get.json")))
		o, err := c.Organizations.Get(ctx, "org_1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if o.Object != "organization" || o.Name != "Acme Inc" || o.Slug != "acme" {
			t.Errorf("org = %+v", o)
		}
	})
	t.Run("Session", func(t *testing.T) {
		c := fixtureServer(t, []byte(fixture(t, "Sessions.Get.json")))
		s, err := c.Sessions.Get(ctx, "sess_1")
		if err != nil {
			t.Fatal(err)
		}
		if s.Object != "session" || s.UserID == "" || s.Status == "" {
			t.Errorf("session = %+v", s)
		}
	})
	t.Run("OrganizationMemberships", func(t *testing.T) {
		c := fixtureServer(t, []byte(fixture(t, "OrganizationMemberships.List.json")))
		l, err := c.OrganizationMemberships.List(ctx, "org_1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Data) != 1 || l.Data[0].Role == "" || l.TotalCount == 0 {
			t.Errorf("memberships = %+v", l)
		}
	})
}
