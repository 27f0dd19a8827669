package clerktest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// authOf runs one request through the middleware built from opts and
// returns what GetAuth sees with the given options, and the response.
func authOf(t *testing.T, opts clerk.Options, req *http.Request, ao ...clerk.AuthOption) (clerk.Auth, *httptest.ResponseRecorder) {
	t.Helper()
	mw, err := clerk.Middleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	var got clerk.Auth
	rec := httptest.NewRecorder()
	mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = clerk.GetAuth(r, ao...) })).ServeHTTP(rec, req)
	return got, rec
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func TestKeys(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	if !strings.HasPrefix(inst.PublishableKey, "pk_test_") || !strings.HasPrefix(inst.SecretKey, "sk_test_") {
		t.Errorf("development keys expected, got %s %s", inst.PublishableKey, inst.SecretKey)
	}
	if got := clerktest.PublishableKey("clerk.example.com", false); got != "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k" {
		t.Errorf("PublishableKey = %s", got)
	}
	prod := clerktest.New(t, clerktest.Options{Production: true, FrontendAPI: "clerk.example.com"})
	if prod.PublishableKey != "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k" || !strings.HasPrefix(prod.SecretKey, "sk_live_") {
		t.Errorf("production keys expected, got %s %s", prod.PublishableKey, prod.SecretKey)
	}
	if !strings.Contains(inst.JWTKey, "BEGIN PUBLIC KEY") || inst.PrivateKey.N.BitLen() != 2048 {
		t.Error("want an RSA 2048 key and its PEM public key")
	}
}

func TestSessionClaims(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	tok := inst.SessionToken(clerktest.Session{
		UserID: "user_9", SessionID: "sess_9",
		Org:      &clerktest.Org{ID: "org_9", Slug: "nine", Role: "org:billing", Permissions: []string{"org:invoices:read", "org:invoices:manage", "org:reports:read"}},
		Actor:    &clerktest.Actor{Subject: "user_support"},
		Features: "u:beta", Plans: "u:pro",
		FactorAge: []int{5, 5},
	})
	a, _ := authOf(t, inst.Options(), bearer(tok))
	if !a.IsAuthenticated || a.UserID != "user_9" || a.SessionID != "sess_9" || a.OrgID != "org_9" || a.OrgSlug != "nine" || a.OrgRole != "org:billing" {
		t.Fatalf("unexpected auth %+v", a)
	}
	want := []string{"org:invoices:read", "org:invoices:manage", "org:reports:read"}
	if !slices.Equal(a.OrgPermissions, want) {
		t.Errorf("permissions %v, want %v", a.OrgPermissions, want)
	}
	if string(a.Actor) != `{"sub":"user_support"}` {
		t.Errorf("actor %s", a.Actor)
	}
	checks := map[string]bool{
		"permission":   a.Has(clerk.Permission("org:reports:read")),
		"no such perm": !a.Has(clerk.Permission("org:reports:manage")),
		"feature":      a.Has(clerk.Feature("beta")),
		"org feature":  a.Has(clerk.Feature("org:invoices")),
		"plan":         a.Has(clerk.Plan("pro")),
		"reverify":     a.Has(clerk.Check{Reverification: &clerk.Reverification{Preset: "strict"}}),
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("Has: %s failed", name)
		}
	}
}

func TestSessionStates(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	cases := []struct {
		name, tok string
		reason    clerk.AuthReason
		signedIn  bool
	}{
		{"active", inst.SessionToken(clerktest.Session{}), "", true},
		{"expired", inst.SessionToken(clerktest.Session{TTL: -time.Minute}), "session-token-expired-refresh-non-eligible-no-refresh-cookie", false},
		{"not yet valid", inst.SessionToken(clerktest.Session{IssuedAt: time.Now().Add(time.Hour)}), clerk.ReasonSessionTokenNBF, false},
		{"foreign key", clerktest.New(t, clerktest.Options{}).SessionToken(clerktest.Session{}), clerk.ReasonTokenInvalidSignature, false},
		{"claims removed", inst.SessionToken(clerktest.Session{Claims: map[string]any{"sub": nil}}), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, rec := authOf(t, inst.Options(), bearer(c.tok))
			if a.IsAuthenticated != c.signedIn {
				t.Errorf("signed in = %v, want %v", a.IsAuthenticated, c.signedIn)
			}
			if c.reason != "" && clerk.AuthReason(rec.Header().Get("X-Clerk-Auth-Reason")) != c.reason {
				t.Errorf("reason %q, want %q", rec.Header().Get("X-Clerk-Auth-Reason"), c.reason)
			}
		})
	}
	pending := inst.SessionToken(clerktest.Session{Status: "pending"})
	if a, _ := authOf(t, inst.Options(), bearer(pending)); a.IsAuthenticated || a.SessionStatus != "pending" {
		t.Errorf("pending session: %+v", a)
	}
	if a, _ := authOf(t, inst.Options(), bearer(pending), clerk.TreatPendingAsSignedOut(false)); !a.IsAuthenticated {
		t.Error("pending session kept: want signed in")
	}
}

func TestClock(t *testing.T) {
	past := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	inst := clerktest.New(t, clerktest.Options{Now: func() time.Time { return past }})
	a, _ := authOf(t, inst.Options(), bearer(inst.SessionToken(clerktest.Session{})))
	if !a.IsAuthenticated {
		t.Fatal("a token minted by the instance clock must verify with Options().Now")
	}
	var claims struct{ Iat int64 }
	if err := a.DecodeSessionClaims(&claims); err != nil || claims.Iat != past.Unix() {
		t.Errorf("iat %d (%v), want %d", claims.Iat, err, past.Unix())
	}
}

func TestRemoteJWKS(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	opts := inst.Options()
	opts.JWTKey = ""
	t.Setenv("CLERK_JWT_KEY", "")
	if a, _ := authOf(t, opts, bearer(inst.SessionToken(clerktest.Session{UserID: "user_r"}))); a.UserID != "user_r" {
		t.Fatalf("JWKS from the fake Backend API: got %+v", a)
	}
}

func TestCookies(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Sec-Fetch-Dest", "document")
	inst.SignInRequest(r, inst.SessionToken(clerktest.Session{UserID: "user_c"}))
	if a, _ := authOf(t, inst.Options(), r); a.UserID != "user_c" {
		t.Fatalf("cookie sign-in: got %+v", a)
	}
}

func TestMachineTokens(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	opts := inst.Options()
	cases := []struct {
		name, tok string
		typ       clerk.TokenType
		ok        bool
		check     func(clerk.Auth) bool
	}{
		{"api key", inst.APIKey(clerktest.APIKeySpec{Subject: "org_1", Name: "k", Scopes: []string{"a"}, Claims: map[string]any{"x": 1.0}}), clerk.TokenTypeAPIKey, true,
			func(a clerk.Auth) bool { return a.OrgID == "org_1" && a.Name == "k" && a.Claims["x"] == 1.0 }},
		{"revoked api key", inst.APIKey(clerktest.APIKeySpec{Revoked: true}), clerk.TokenTypeAPIKey, false, nil},
		{"expired api key", inst.APIKey(clerktest.APIKeySpec{Expired: true}), clerk.TokenTypeAPIKey, false, nil},
		{"m2m", inst.M2MToken(clerktest.M2MTokenSpec{Subject: "mch_7", Scopes: []string{"mch_8"}}), clerk.TokenTypeM2MToken, true,
			func(a clerk.Auth) bool { return a.MachineID == "mch_7" && slices.Equal(a.Scopes, []string{"mch_8"}) }},
		{"oauth", inst.OAuthToken(clerktest.OAuthTokenSpec{Subject: "user_o", ClientID: "c1"}), clerk.TokenTypeOAuthToken, true,
			func(a clerk.Auth) bool { return a.UserID == "user_o" && a.ClientID == "c1" }},
		{"unknown", "ak_deadbeef", clerk.TokenTypeAPIKey, false, nil},
		{"m2m jwt", inst.M2MTokenJWT(clerktest.M2MTokenSpec{Subject: "mch_j", Scopes: []string{"mch_k"}, Claims: map[string]any{"env": "ci"}}), clerk.TokenTypeM2MToken, true,
			func(a clerk.Auth) bool {
				return a.MachineID == "mch_j" && slices.Equal(a.Scopes, []string{"mch_k"}) && a.Claims["env"] == "ci"
			}},
		{"expired m2m jwt", inst.M2MTokenJWT(clerktest.M2MTokenSpec{Expired: true}), clerk.TokenTypeM2MToken, false, nil},
		{"oauth jwt", inst.OAuthTokenJWT(clerktest.OAuthTokenSpec{Subject: "user_j", ClientID: "c2", Scopes: []string{"email", "profile"}}), clerk.TokenTypeOAuthToken, true,
			func(a clerk.Auth) bool {
				return a.UserID == "user_j" && a.ClientID == "c2" && slices.Equal(a.Scopes, []string{"email", "profile"})
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := authOf(t, opts, bearer(c.tok), clerk.AcceptsToken(c.typ))
			if a.IsAuthenticated != c.ok || a.TokenType != c.typ || (c.check != nil && !c.check(a)) {
				t.Errorf("got %+v", a)
			}
		})
	}
	// The M2M endpoint also takes the machine secret key.
	opts.MachineSecretKey = inst.MachineSecretKey
	if a, _ := authOf(t, opts, bearer(inst.M2MToken(clerktest.M2MTokenSpec{})), clerk.AcceptsToken(clerk.TokenTypeM2MToken)); !a.IsAuthenticated {
		t.Error("M2M with the machine secret key: want signed in")
	}
}

func TestFakeBackendAPI(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	key := inst.APIKey(clerktest.APIKeySpec{Name: "n"})
	call := func(path, secret, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, inst.APIURL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, out
	}
	status, obj := call("/api_keys/verify", inst.SecretKey, `{"secret":"`+key+`"}`)
	if status != 200 || obj["object"] != "api_key" || obj["name"] != "n" || obj["revoked"] != false || obj["type"] != "api_key" {
		t.Errorf("verify: %d %v", status, obj)
	}
	for _, field := range []string{"id", "subject", "scopes", "claims", "expired", "expiration", "created_at", "updated_at"} {
		if _, ok := obj[field]; !ok {
			t.Errorf("api_key object lacks %q", field)
		}
	}
	status, obj = call("/api_keys/verify", inst.SecretKey, `{"secret":"ak_nope"}`)
	errs, _ := obj["errors"].([]any)
	if status != 404 || len(errs) != 1 || errs[0].(map[string]any)["code"] == "" {
		t.Errorf("unknown key: %d %v", status, obj)
	}
	if status, _ := call("/api_keys/verify", "sk_test_wrong", `{"secret":"`+key+`"}`); status != 401 {
		t.Errorf("wrong secret key: %d, want 401", status)
	}
	if status, _ := call("/v1/api_keys/verify", inst.SecretKey, `{"secret":"`+key+`"}`); status != 404 {
		t.Errorf("the verify endpoints have no /v1 prefix; got %d", status)
	}
	// Tokens do not cross kinds.
	if status, _ := call("/m2m_tokens/verify", inst.SecretKey, `{"token":"`+key+`"}`); status != 404 {
		t.Errorf("an API key verified as an M2M token: %d", status)
	}
}

func TestHandle(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	inst.Handle("GET /v1/users/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id":"` + r.PathValue("id") + `"}`))
	}))
	res, err := http.Get(inst.APIURL + "/v1/users/user_1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("custom endpoint: %d", res.StatusCode)
	}
}
