package localclerk

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzFAPIRequest sends arbitrary query strings and form bodies to the
// Frontend API endpoints clerk-js calls: the answer is always JSON, and
// never a 5xx.
func FuzzFAPIRequest(f *testing.F) {
	paths := []string{"/v1/client/sign_ins", "/v1/client/sign_ins/sia_x/attempt_first_factor", "/v1/client/sign_ups",
		"/v1/client/sign_ups/sua_x/attempt_verification", "/v1/client/sessions/sess_x/touch", "/v1/client/sessions/sess_x/tokens",
		"/v1/client", "/v1/client/sessions", "/v1/me/organization_memberships", "/v1/environment",
		"/v1/me/organization_invitations/orginv_x/accept", "/v1/me/organization_invitations",
		"/v1/me/passkeys", "/v1/me/passkeys/idn_x/attempt_verification", "/v1/client/sign_ins/sia_x/prepare_first_factor"}
	for i, s := range []string{"identifier=alice%40example.com", "strategy=password&password=x", "_method=PATCH",
		"email_address=a%2Bclerk_test%40b.co&password=12345678", "active_organization_id=org_demo_acme", "%zz", "organization_id=null",
		"code=424242&strategy=email_code", "strategy=oauth_google&identifier=x", "strategy=ticket&ticket=x", "ticket=&password=12345678",
		"strategy=ticket&ticket=x&email_address=a%40b.co", "status=pending&limit=1",
		"strategy=passkey", "strategy=passkey&public_key_credential=%7B%22type%22%3A%22public-key%22%2C%22rawId%22%3A%22AQ%22%7D"} {
		f.Add(uint8(i), "_method=DELETE", s)
		f.Add(uint8(i+1), "", s)
	}
	inst, err := Start(context.Background(), Options{Seed: true, Settings: passkeySettings(), testKey: sharedTestKey(f)})
	if err != nil {
		f.Fatal(err)
	}
	defer inst.Close()
	handler := inst.Handler()
	f.Fuzz(func(t *testing.T, pathIdx uint8, query, body string) {
		target := paths[int(pathIdx)%len(paths)] + "?" + query
		if u, err := url.ParseRequestURI(target); err != nil || u.Fragment != "" || strings.ContainsAny(query, " #") {
			return
		}
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Host = strings.TrimPrefix(inst.FrontendAPIURL, "http://")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", testAppOrigin)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %s", req.URL, body, rec.Code, rec.Body)
		}
		if rec.Code != http.StatusNoContent && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: %d not JSON: %s", req.URL, body, rec.Code, rec.Body)
		}
	})
}
