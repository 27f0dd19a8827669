package clerk_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk"
)

const rtSignedOutJSON = `{"tokenType":"session_token","sessionClaims":null,"sessionId":null,"sessionStatus":null,"userId":null,"actor":null,"orgId":null,"orgRole":null,"orgSlug":null,"orgPermissions":null,"factorVerificationAge":null,"isAuthenticated":false}`

func rtPayload(tb testing.TB, claims map[string]any) string {
	b, err := json.Marshal(claims)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestGetAuthJSON: json.Marshal(GetAuth(r)) is byte-for-byte what
// JSON.stringify(getAuth(req)) prints in Express.
func TestGetAuthJSON(t *testing.T) {
	rtClearEnv(t)
	bapi := rtBAPI(t)
	o := rtOptions(t)
	o.APIURL = bapi.URL
	srv := rtServe(t, o, rtAuthJSON())

	v2 := rtClaims(nil)
	v1 := rtClaims(map[string]any{"v": nil, "sts": nil, "fva": nil, "org_id": "org_1", "org_role": "org:admin", "org_slug": "acme",
		"org_permissions": []string{"org:sys_memberships:read", "org:billing:manage"}})
	v2org := rtClaims(map[string]any{"o": map[string]any{"id": "org_1", "slg": "acme", "rol": "admin", "per": "read,manage", "fpm": "3,1"},
		"fea": "o:billing,o:reports"})
	actor := rtClaims(map[string]any{"act": map[string]any{"sub": "user_admin", "iss": "https://dashboard.clerk.com", "sid": "sess_admin"}})
	pending := rtClaims(map[string]any{"sts": "pending"})
	sess := func(c map[string]any) string { return rtSign(t, map[string]any{"cat": "cl_B7d4PD111AAA"}, c) }
	m2mJWT := rtSign(t, map[string]any{"cat": "cl_B7d4PD333AAA"}, map[string]any{"sub": "mch_1", "jti": "mt_jwt", "exp": rtNow.Unix() + 60, "iat": rtNow.Unix() - 1, "scopes": "a b"})

	rows := []struct {
		name  string
		query string
		auth  string
		want  string
	}{
		{"signed in v2", "", sess(v2), `{"tokenType":"session_token","sessionClaims":` + rtPayload(t, v2) +
			`,"sessionId":"sess_1","sessionStatus":"active","userId":"user_1","factorVerificationAge":[0,-1],"isAuthenticated":true}`},
		{"signed in v1 org claims", "", sess(v1), `{"tokenType":"session_token","sessionClaims":` + rtPayload(t, v1) +
			`,"sessionId":"sess_1","sessionStatus":null,"userId":"user_1","orgId":"org_1","orgRole":"org:admin","orgSlug":"acme","orgPermissions":["org:sys_memberships:read","org:billing:manage"],"factorVerificationAge":null,"isAuthenticated":true}`},
		{"signed in v2 org claims", "", sess(v2org), `{"tokenType":"session_token","sessionClaims":` + rtPayload(t, v2org) +
			`,"sessionId":"sess_1","sessionStatus":"active","userId":"user_1","orgId":"org_1","orgRole":"org:admin","orgSlug":"acme","orgPermissions":["org:billing:read","org:billing:manage","org:reports:read"],"factorVerificationAge":[0,-1],"isAuthenticated":true}`},
		{"actor", "", sess(actor), `{"tokenType":"session_token","actor":{"iss":"https://dashboard.clerk.com","sid":"sess_admin","sub":"user_admin"},"sessionClaims":` + rtPayload(t, actor) +
			`,"sessionId":"sess_1","sessionStatus":"active","userId":"user_1","factorVerificationAge":[0,-1],"isAuthenticated":true}`},
		{"pending is signed out", "", sess(pending), strings.Replace(rtSignedOutJSON, `"sessionStatus":null`, `"sessionStatus":"pending"`, 1)},
		{"pending kept", "?pending=keep", sess(pending), `{"tokenType":"session_token","sessionClaims":` + rtPayload(t, pending) +
			`,"sessionId":"sess_1","sessionStatus":"pending","userId":"user_1","factorVerificationAge":[0,-1],"isAuthenticated":true}`},
		{"signed out", "", "", rtSignedOutJSON},
		{"invalid session token", "", "not-a-jwt", rtSignedOutJSON},
		{"api key by default is a signed-out session", "", "ak_user", rtSignedOutJSON},
		{"api key", "?accepts=api_key", "ak_user", `{"id":"ak_2user","subject":"user_1","isAuthenticated":true,"tokenType":"api_key","name":"CI key","claims":{"team":"platform"},"scopes":["read:items","write:items"],"userId":"user_1","orgId":null}`},
		{"org api key via any", "?accepts=any", "ak_org", `{"id":"ak_2org","subject":"org_1","isAuthenticated":true,"tokenType":"api_key","name":"Org key","claims":null,"scopes":[],"userId":null,"orgId":"org_1"}`},
		{"api key in a list", "?accepts=m2m_token,api_key", "ak_user", `{"id":"ak_2user","subject":"user_1","isAuthenticated":true,"tokenType":"api_key","name":"CI key","claims":{"team":"platform"},"scopes":["read:items","write:items"],"userId":"user_1","orgId":null}`},
		{"m2m opaque", "?accepts=m2m_token", "mt_valid", `{"id":"mt_2valid","subject":"mch_1","isAuthenticated":true,"tokenType":"m2m_token","claims":{"env":"ci"},"scopes":["mch_other"],"machineId":"mch_1"}`},
		{"machine_token alias", "?accepts=machine_token", "mt_valid", `{"id":"mt_2valid","subject":"mch_1","isAuthenticated":true,"tokenType":"m2m_token","claims":{"env":"ci"},"scopes":["mch_other"],"machineId":"mch_1"}`},
		{"m2m jwt", "?accepts=m2m_token", m2mJWT, `{"id":"mt_jwt","subject":"mch_1","isAuthenticated":true,"tokenType":"m2m_token","claims":{"scopes":"a b"},"scopes":["a","b"],"machineId":"mch_1"}`},
		{"oauth opaque", "?accepts=oauth_token", "oat_valid", `{"id":"oat_2valid","subject":"user_1","isAuthenticated":true,"tokenType":"oauth_token","scopes":["email","profile"],"userId":"user_1","clientId":"client_1"}`},
		{"api key revoked", "?accepts=any", "ak_revoked", `{"id":null,"subject":null,"scopes":null,"isAuthenticated":false,"tokenType":"api_key","name":null,"claims":null,"userId":null,"orgId":null}`},
		{"session where api key required", "?accepts=api_key", sess(v2), `{"id":null,"subject":null,"scopes":null,"isAuthenticated":false,"tokenType":"api_key","name":null,"claims":null,"userId":null,"orgId":null}`},
		{"m2m signed out", "?accepts=m2m_token", "", `{"id":null,"subject":null,"scopes":null,"isAuthenticated":false,"tokenType":"m2m_token","claims":null,"machineId":null}`},
		{"oauth signed out", "?accepts=oauth_token", "oat_unknown", `{"id":null,"subject":null,"scopes":null,"isAuthenticated":false,"tokenType":"oauth_token","userId":null,"clientId":null}`},
		{"invalid token for a list", "?accepts=session_token,oauth_token", "ak_user", `{"isAuthenticated":false,"tokenType":null}`},
		{"single-element list", "?accepts=api_key,", "mt_valid", `{"isAuthenticated":false,"tokenType":null}`},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			var h []string
			if r.auth != "" {
				h = append(h, "Authorization: Bearer "+r.auth)
			}
			resp, body := rtGet(t, srv.URL+"/"+r.query, h...)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if body != r.want {
				t.Errorf("JSON =\n%s\nwant\n%s", body, r.want)
			}
		})
	}
}

func TestGetAuthFields(t *testing.T) {
	rtClearEnv(t)
	var got clerk.Auth
	srv := rtServe(t, rtOptions(t), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = clerk.GetAuth(r)
	}))
	tok := rtSession(t, map[string]any{"o": map[string]any{"id": "org_1", "slg": "acme", "rol": "admin"}, "fva": []int{3, 7}, "custom": "x"})
	rtGet(t, srv.URL, "Authorization: Bearer "+tok)
	if !got.IsAuthenticated || got.UserID != "user_1" || got.SessionID != "sess_1" || got.SessionStatus != "active" ||
		got.OrgID != "org_1" || got.OrgRole != "org:admin" || got.OrgSlug != "acme" || got.TokenType != clerk.TokenTypeSessionToken {
		t.Errorf("auth = %+v", got)
	}
	if len(got.FactorVerificationAge) != 2 || got.FactorVerificationAge[0] != 3 || got.FactorVerificationAge[1] != 7 {
		t.Errorf("fva = %v", got.FactorVerificationAge)
	}
	var claims struct {
		Custom string `json:"custom"`
	}
	if err := got.DecodeSessionClaims(&claims); err != nil || claims.Custom != "x" {
		t.Errorf("DecodeSessionClaims = %v, %+v", err, claims)
	}
	if tk, err := got.GetToken(t.Context(), ""); err != nil || tk != tok {
		t.Errorf("GetToken = %q, %v", tk, err)
	}
	rtGet(t, srv.URL)
	if got.IsAuthenticated || got.UserID != "" {
		t.Errorf("signed out auth = %+v", got)
	}
	if _, err := got.GetToken(t.Context(), ""); err != clerk.ErrNotAuthenticated {
		t.Errorf("GetToken signed out: %v", err)
	}
	if err := got.DecodeSessionClaims(&claims); err == nil {
		t.Error("DecodeSessionClaims without claims")
	}
}

func TestGetAuthWithoutMiddleware(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+rtSession(t, nil))
	a := clerk.GetAuth(r)
	if a.IsAuthenticated || a.UserID != "" {
		t.Errorf("auth without middleware = %+v", a)
	}
	b, _ := json.Marshal(a)
	if string(b) != rtSignedOutJSON {
		t.Errorf("JSON = %s", b)
	}
	if a := clerk.GetAuth(r, clerk.AcceptsAnyToken()); a.IsAuthenticated {
		t.Errorf("any token without middleware = %+v", a)
	}
	if status, reason := clerk.State(r); status != clerk.StatusSignedOut || reason != clerk.ReasonMiddlewareMissing {
		t.Errorf("State = %q, %q", status, reason)
	}
	if a.Has(clerk.Role("admin")) {
		t.Error("Has without middleware")
	}
}

func TestRequireAuth(t *testing.T) {
	tok := rtSession(t, nil)
	pending := rtSession(t, map[string]any{"sts": "pending"})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) })
	rows := []struct {
		name     string
		arg      string // RequireAuth argument
		option   string // Options.SignInURL
		env      string // CLERK_SIGN_IN_URL
		auth     string
		status   int
		location string
	}{
		{name: "signed in passes", auth: tok, status: 299},
		{name: "argument first", arg: "/login?from=x", option: "/opt", env: "https://env.example.com/sign-in", status: 302, location: "/login?from=x"},
		{name: "option second", option: "/sign-in?from=protected", env: "https://env.example.com/sign-in", status: 302, location: "/sign-in?from=protected"},
		{name: "environment third", env: "https://accounts.example.com/sign-in", status: 302, location: "https://accounts.example.com/sign-in"},
		{name: "root last", status: 302, location: "/"},
		{name: "pending session redirected", auth: pending, status: 302, location: "/"},
		{name: "user api key passes", auth: "ak_user", status: 299},
		{name: "org api key redirected", auth: "ak_org", status: 302, location: "/"},
		{name: "oauth token of a user passes", auth: "oat_valid", status: 299},
		{name: "m2m token redirected", auth: "mt_valid", status: 302, location: "/"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			rtClearEnv(t)
			if r.env != "" {
				t.Setenv("CLERK_SIGN_IN_URL", r.env)
			}
			o := rtOptions(t)
			o.APIURL = rtBAPI(t).URL
			o.SignInURL = r.option // empty: Options.SignInURL falls back to CLERK_SIGN_IN_URL
			srv := rtServe(t, o, clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: r.arg})(ok))
			var h []string
			if r.auth != "" {
				h = append(h, "Authorization: Bearer "+r.auth)
			}
			resp, _ := rtGet(t, srv.URL+"/protected", h...)
			if resp.StatusCode != r.status || resp.Header.Get("Location") != r.location {
				t.Errorf("status %d Location %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), r.status, r.location)
			}
		})
	}
	t.Run("without the middleware", func(t *testing.T) {
		rtClearEnv(t)
		rec := httptest.NewRecorder()
		clerk.RequireAuth(clerk.RequireAuthOptions{})(ok).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != 302 || rec.Header().Get("Location") != "/" {
			t.Errorf("status %d Location %q", rec.Code, rec.Header().Get("Location"))
		}
	})
}

// TestGetAuthJSONCachedPerToken: a signed-in session's JSON is encoded once
// per verified token; replacing SessionClaims on one Auth changes only that
// Auth's encoding, never what later requests with the token get.
func TestGetAuthJSONCachedPerToken(t *testing.T) {
	rtClearEnv(t)
	claims := rtClaims(map[string]any{"act": map[string]any{"sub": "user_admin"}})
	want := `{"tokenType":"session_token","actor":{"sub":"user_admin"},"sessionClaims":` + rtPayload(t, claims) +
		`,"sessionId":"sess_1","sessionStatus":"active","userId":"user_1","factorVerificationAge":[0,-1],"isAuthenticated":true}`
	var got []string
	srv := rtServe(t, rtOptions(t), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := clerk.GetAuth(r)
		if string(a.Actor) != `{"sub":"user_admin"}` || string(a.SessionClaims) != rtPayload(t, claims) {
			t.Errorf("Actor = %s, SessionClaims = %s", a.Actor, a.SessionClaims)
		}
		b, _ := json.Marshal(a)
		got = append(got, string(b))
		a.SessionClaims = json.RawMessage(`{"replaced":true}`)
		b, _ = json.Marshal(a)
		got = append(got, string(b))
		a.SessionClaims = nil
		b, _ = json.Marshal(a)
		got = append(got, string(b))
	}))
	tok := rtSign(t, map[string]any{"cat": "cl_B7d4PD111AAA"}, claims)
	rtGet(t, srv.URL, "Authorization: Bearer "+tok)
	rtGet(t, srv.URL, "Authorization: Bearer "+tok) // a cache hit
	replaced := strings.Replace(want, rtPayload(t, claims), `{"replaced":true}`, 1)
	null := strings.Replace(want, rtPayload(t, claims), `null`, 1)
	wantAll := []string{want, replaced, null, want, replaced, null}
	if len(got) != len(wantAll) {
		t.Fatalf("got %d encodings, want %d", len(got), len(wantAll))
	}
	for i := range got {
		if got[i] != wantAll[i] {
			t.Errorf("encoding %d =\n%s\nwant\n%s", i, got[i], wantAll[i])
		}
	}
}

// TestMiddlewareContextPassesThrough: the context GetAuth reads from still
// carries the outer context's values, deadline and cancellation.
func TestMiddlewareContextPassesThrough(t *testing.T) {
	rtClearEnv(t)
	type key struct{}
	ctx, cancel := context.WithCancelCause(context.WithValue(context.Background(), key{}, "outer"))
	defer cancel(nil)
	mw, err := clerk.Middleware(rtOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if ctx.Value(key{}) != "outer" {
			t.Errorf("outer value = %v", ctx.Value(key{}))
		}
		if !clerk.GetAuth(r).IsAuthenticated {
			t.Error("not signed in")
		}
		child, stop := context.WithCancel(ctx)
		defer stop()
		if child.Err() != nil {
			t.Fatal("canceled too early")
		}
		w.WriteHeader(http.StatusNoContent)
		cancel(errOuter)
		<-child.Done() // canceled through the middleware's context
		if !errors.Is(child.Err(), context.Canceled) || context.Cause(ctx) != errOuter {
			t.Errorf("child err = %v, cause = %v", child.Err(), context.Cause(ctx))
		}
	}))
	r := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	r.Header.Set("Authorization", "Bearer "+rtSession(t, nil))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent {
		t.Fatalf("status %d", w.Code)
	}
}

var errOuter = errors.New("outer canceled")
