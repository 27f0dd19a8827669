package clerk_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk"
)

// TestRefreshThroughBackendAPI: an expired cookie session with a refresh
// cookie is refreshed through POST /v1/sessions/{sid}/refresh.
func TestRefreshThroughBackendAPI(t *testing.T) {
	rtClearEnv(t)
	n := rtNow.Unix()
	expired := rtSession(t, map[string]any{"iat": n - 1200, "nbf": n - 1210, "exp": n - 600})
	fresh := rtSession(t, map[string]any{"iat": n - 1})
	var got map[string]any
	var path, query string
	bapi := rtServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.Method + " " + r.URL.Path
		query = r.URL.RawQuery
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"cookies": []string{"__session=" + fresh + "; Path=/", "__client_uat=" + itoa64(n) + "; Path=/"}})
	}))
	o := rtOptions(t)
	o.APIURL = bapi.URL
	srv := rtServe(t, o, rtAuthJSON())
	suffix := rtCookieSuffix(o.PublishableKey)
	resp, body := rtGet(t, srv.URL+"/api/items", "Cookie: __clerk_db_jwt=dvb; __client_uat="+itoa64(n-1300)+"; __session="+expired+"; __refresh_"+suffix+"=rt_1", "X-Trace: a")
	if resp.StatusCode != 200 || !strings.Contains(body, `"userId":"user_1"`) {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	if path != "POST /v1/sessions/sess_1/refresh" {
		t.Errorf("refresh call = %q", path)
	}
	// As @clerk/backend: suffixed_cookies travels in the query, only when true.
	if _, inBody := got["suffixed_cookies"]; got["format"] != "cookie" || got["refresh_token"] != "rt_1" || got["expired_token"] != expired || inBody || query != "" {
		t.Errorf("refresh body = %v, query = %q", got, query)
	}
	if hdrs, _ := got["request_headers"].(map[string]any); hdrs == nil || hdrs["x-trace"] == nil {
		t.Errorf("request_headers = %v", got["request_headers"])
	}
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 2 || !strings.HasPrefix(sc[0], "__session="+fresh) {
		t.Errorf("Set-Cookie = %v", sc)
	}
}

func itoa64(v int64) string { b, _ := json.Marshal(v); return string(b) }

func TestHandshakeNonceUnknownAtBackendAPI(t *testing.T) {
	rtClearEnv(t)
	bapi := rtServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		io.WriteString(w, `{"errors":[{"code":"resource_not_found","message":"nonce not found"}]}`)
	}))
	o := rtOptions(t)
	o.APIURL = bapi.URL
	srv := rtServe(t, o, rtAuthJSON())
	resp, _ := rtGet(t, srv.URL+"/page?__clerk_handshake_nonce=missing&x=1", "Sec-Fetch-Dest: document")
	if resp.StatusCode != 307 || resp.Header.Get("Location") != srv.URL+"/page?x=1" ||
		resp.Header.Get("X-Clerk-Auth-Reason") != "session-token-missing" {
		t.Errorf("status %d headers %v", resp.StatusCode, resp.Header)
	}
}

func TestGetTokenTemplate(t *testing.T) {
	rtClearEnv(t)
	var path, auth string
	bapi := rtServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, auth = r.Method+" "+r.URL.Path, r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"token","jwt":"templated.jwt.value"}`)
	}))
	o := rtOptions(t)
	o.APIURL = bapi.URL
	var tok string
	var err error
	srv := rtServe(t, o, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err = clerk.GetAuth(r).GetToken(r.Context(), "supabase")
	}))
	rtGet(t, srv.URL, "Authorization: Bearer "+rtSession(t, nil))
	if err != nil || tok != "templated.jwt.value" {
		t.Fatalf("GetToken = %q, %v", tok, err)
	}
	if path != "POST /v1/sessions/sess_1/tokens/supabase" || auth != "Bearer sk_test_rt" {
		t.Errorf("call = %q auth %q", path, auth)
	}
}

func TestMachineAuthFields(t *testing.T) {
	rtClearEnv(t)
	o := rtOptions(t)
	o.APIURL = rtBAPI(t).URL
	var got clerk.Auth
	srv := rtServe(t, o, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = clerk.GetAuth(r, clerk.AcceptsAnyToken())
	}))
	rtGet(t, srv.URL, "Authorization: Bearer ak_user")
	if got.TokenType != clerk.TokenTypeAPIKey || got.ID != "ak_2user" || got.Subject != "user_1" || got.UserID != "user_1" || got.Name != "CI key" ||
		strings.Join(got.Scopes, ",") != "read:items,write:items" || got.Claims["team"] != "platform" {
		t.Errorf("api key auth = %+v", got)
	}
	if tk, err := got.GetToken(t.Context(), ""); err != nil || tk != "ak_user" {
		t.Errorf("GetToken = %q, %v", tk, err)
	}
	rtGet(t, srv.URL, "Authorization: Bearer mt_valid")
	if got.TokenType != clerk.TokenTypeM2MToken || got.MachineID != "mch_1" || got.UserID != "" {
		t.Errorf("m2m auth = %+v", got)
	}
	rtGet(t, srv.URL, "Authorization: Bearer oat_valid")
	if got.TokenType != clerk.TokenTypeOAuthToken || got.ClientID != "client_1" || got.UserID != "user_1" {
		t.Errorf("oauth auth = %+v", got)
	}
}

func TestStateAndDebugLog(t *testing.T) {
	rtClearEnv(t)
	var buf bytes.Buffer
	o := rtOptions(t)
	o.Debug = true
	o.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var status clerk.AuthStatus
	var reason clerk.AuthReason
	srv := rtServe(t, o, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, reason = clerk.State(r)
	}))
	tok := rtSession(t, nil)
	rtGet(t, srv.URL, "Authorization: Bearer "+tok)
	if status != clerk.StatusSignedIn || reason != "" {
		t.Errorf("State = %q, %q", status, reason)
	}
	rtGet(t, srv.URL, "Cookie: __clerk_db_jwt=dvb_secret_value; __client_uat=1; __session="+tok)
	rtGet(t, srv.URL)
	if status != clerk.StatusSignedOut || reason != clerk.ReasonDevBrowserMissing {
		t.Errorf("State = %q, %q", status, reason)
	}
	logs := buf.String()
	if !strings.Contains(logs, "request authenticated") {
		t.Fatalf("no debug log: %q", logs)
	}
	parts := strings.Split(tok, ".")
	for _, secret := range []string{parts[1], parts[2], "dvb_secret_value"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the debug log leaks a secret: %q", secret)
		}
	}
}
