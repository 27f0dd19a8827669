package localclerk

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/goclerk/clerk"
)

func TestTemplateReservedClaimsRefused(t *testing.T) {
	h := start(t, Options{Seed: true})
	for _, k := range reservedTemplateClaims {
		var e clerkErrors
		st := h.bapi("POST", "/v1/jwt_templates", map[string]any{"name": "t_" + k, "claims": map[string]any{k: "x", "ok": 1}}, &e)
		h.wantError(400, "jwt_template_reserved_claim", st, e)
		if len(e.Errors) == 0 || !strings.Contains(e.Errors[0].LongMessage, k) {
			t.Errorf("%s: error %+v does not name the claim", k, e)
		}
	}
	var list []map[string]any
	h.bapi("GET", "/v1/jwt_templates", nil, &list)
	if len(list) != 1 || list[0]["name"] != "demo" {
		t.Fatalf("a refused template was stored: %v", list)
	}
	id := list[0]["id"].(string)
	var e clerkErrors
	h.wantError(400, "jwt_template_reserved_claim", h.bapi("PATCH", "/v1/jwt_templates/"+id,
		map[string]any{"name": "demo", "claims": map[string]any{"handshake": []string{"__session=x"}}}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_format_invalid", h.bapi("PATCH", "/v1/jwt_templates/"+id,
		map[string]any{"name": "demo", "claims": []int{1}}, &e), e)

	var upd map[string]any
	if st := h.bapi("PATCH", "/v1/jwt_templates/"+id, map[string]any{"name": "renamed", "claims": map[string]any{"role": "{{org.role}}"}}, &upd); st != 200 ||
		upd["name"] != "renamed" {
		t.Fatalf("update %d %v", st, upd)
	}
	var sess map[string]any
	h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_bob"}, &sess)
	var tok map[string]any
	if st := h.bapi("POST", "/v1/sessions/"+sess["id"].(string)+"/tokens/renamed", map[string]any{}, &tok); st != 200 {
		t.Fatalf("mint from renamed template: %d", st)
	}
	if _, c := h.verifyJWT(tok["jwt"].(string)); c["role"] != "org:admin" && c["role"] != "org:member" {
		t.Errorf("updated claims not used: %v", c)
	}
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("POST", "/v1/sessions/"+sess["id"].(string)+"/tokens/demo", map[string]any{}, &e), e)
}

// TestTemplateTokenIsNotASessionToken runs clerk.Middleware against the
// instance: a template token is refused as a session token (header and
// cookie) and as a handshake token, even one from a template stored with a
// "handshake" claim before such templates were refused.
func TestTemplateTokenIsNotASessionToken(t *testing.T) {
	h := start(t, Options{Seed: true})
	// A template as an older data file may hold it.
	if err := h.inst.store.update(t.Context(), func(tx *txn) error {
		return tx.put(kindTemplate, "jtmp_old", &jwtTemplate{ID: "jtmp_old", Name: "old", Lifetime: 60, AllowedClockSkew: 5,
			Claims: []byte(`{"handshake":["__clerk_db_jwt=planted; Path=/"],"sub":"user_other"}`)})
	}); err != nil {
		t.Fatal(err)
	}
	if err := h.inst.store.update(t.Context(), func(tx *txn) error { return tx.claim(nsTemplate, "old", "jtmp_old") }); err != nil {
		t.Fatal(err)
	}
	var sess map[string]any
	h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_bob"}, &sess)
	sid := sess["id"].(string)
	mint := func(path string) string {
		var tok map[string]any
		if st := h.bapi("POST", "/v1/sessions/"+sid+path, map[string]any{}, &tok); st != 200 {
			t.Fatalf("mint %s: %d", path, st)
		}
		return tok["jwt"].(string)
	}
	sessionTok, demoTok, oldTok := mint("/tokens"), mint("/tokens/demo"), mint("/tokens/old")
	for _, tok := range []string{demoTok, oldTok} {
		hdr, c := h.verifyJWT(tok)
		if hdr["cat"] != catJWTTemplate {
			t.Errorf("template token cat = %v, want %s", hdr["cat"], catJWTTemplate)
		}
		if _, ok := c["handshake"]; ok || c["sub"] != "user_demo_bob" {
			t.Errorf("reserved claims leaked into the token: %v", c)
		}
	}

	mw, err := clerk.Middleware(clerk.Options{PublishableKey: h.inst.PublishableKey, SecretKey: h.inst.SecretKey,
		JWTKey: h.inst.PublicKeyPEM, APIURL: h.inst.BackendAPIURL, Now: h.clock.Now,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	app := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("user=" + clerk.GetAuth(r).UserID))
	}))
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		r.Header.Set("Sec-Fetch-Dest", "document")
		r.Header.Set("Accept", "text/html")
		w := httptest.NewRecorder()
		app.ServeHTTP(w, r)
		return w
	}
	bearer := func(tok string) *http.Request {
		r := httptest.NewRequest("GET", "http://localhost:3000/api", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return r
	}
	if w := serve(bearer(sessionTok)); w.Body.String() != "user=user_demo_bob" {
		t.Fatalf("control: session token not accepted: %d %q", w.Code, w.Body)
	}
	for name, tok := range map[string]string{"demo": demoTok, "old": oldTok} {
		if w := serve(bearer(tok)); strings.Contains(w.Body.String(), "user_") {
			t.Errorf("%s template token accepted as a bearer session token: %q", name, w.Body)
		}
		r := httptest.NewRequest("GET", "http://localhost:3000/app", nil)
		r.AddCookie(&http.Cookie{Name: "__session", Value: tok})
		r.AddCookie(&http.Cookie{Name: "__client_uat", Value: "1"})
		r.AddCookie(&http.Cookie{Name: "__clerk_db_jwt", Value: "dvb_test"})
		if w := serve(r); strings.Contains(w.Body.String(), "user_") {
			t.Errorf("%s template token accepted as a session cookie: %q", name, w.Body)
		}
		r = httptest.NewRequest("GET", "http://localhost:3000/app?__clerk_handshake="+url.QueryEscape(tok), nil)
		w := serve(r)
		if w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s template token resolved as a handshake: %v", name, w.Header())
		}
		for _, c := range w.Result().Header.Values("Set-Cookie") {
			if strings.Contains(c, "planted") {
				t.Errorf("%s template token applied as a handshake: %v", name, w.Result().Header.Values("Set-Cookie"))
			}
		}
		if strings.Contains(w.Body.String(), "user_") {
			t.Errorf("%s template token signed the handshake request in: %q", name, w.Body)
		}
	}
}

// FuzzTemplateClaims: checkTemplateClaims never panics and accepts only a
// JSON object naming no reserved claim.
func FuzzTemplateClaims(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"sub":"x"}`, `{"handshake":[]}`, `[]`, `null`, `{"a":{"sub":1}}`, `{"\u0073ub":1}`, `{"o":1,"o":2}`, `"x"`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if checkTemplateClaims(raw) != nil {
			return
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			t.Fatalf("accepted a non-object %q", raw)
		}
		for k := range obj {
			if slices.Contains(reservedTemplateClaims, k) {
				t.Fatalf("accepted reserved claim %q in %q", k, raw)
			}
		}
	})
}
