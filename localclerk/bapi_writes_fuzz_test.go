package localclerk

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// FuzzBAPIWrites sends arbitrary bodies, of any content type, to the
// writes of bapi_user_security.go, bapi_profile_images.go (the multipart
// parser), bapi_billing.go, bapi_instance.go, bapi_clients.go, the
// e-mail address verification and replacement and the session refresh:
// never a 5xx, and every answer has the shape the specification gives.
func FuzzBAPIWrites(f *testing.F) {
	routes := []struct{ method, path string }{
		{"POST", "/v1/users/user_demo_bob/profile_image"}, {"POST", "/v1/users/user_demo_bob/billing/credits"},
		{"POST", "/v1/organizations/org_demo_acme/billing/credits"}, {"PUT", "/v1/users/user_demo_carol/email_address"},
		{"POST", "/v1/email_addresses/idn_x/attempt_verification"}, {"POST", "/v1/sessions/sess_x/refresh"},
		{"POST", "/v1/clients/verify"}, {"PATCH", "/v1/instance"}, {"PATCH", "/v1/instance/communication"},
		{"PATCH", "/v1/instance/oauth_application_settings"}, {"PATCH", "/v1/instance/organization_settings"},
		{"POST", "/v1/users/user_demo_bob/password/set_compromised"}, {"POST", "/v1/users/user_demo_bob/verify_totp"},
		{"PATCH", "/v1/instance/protect"}, {"POST", "/v1/agents/tasks"},
	}
	ct, raw := logoBody(f, testPNG(f))
	png := string(raw)
	f.Add(uint8(0), ct, png)
	f.Add(uint8(0), ct, strings.Replace(png, "file", "fil", 1))
	f.Add(uint8(0), ct, png[:len(png)/2])
	f.Add(uint8(0), "multipart/form-data", png)
	f.Add(uint8(0), "multipart/mixed; boundary=x", "--x\r\n\r\n--x--")
	for i, s := range []string{`{"amount":1,"action":"increase","idempotency_key":"k"}`, `{"amount":-1,"action":"decrease","idempotency_key":""}`,
		`{"amount":1.5,"action":"increase","idempotency_key":"k","currency":"EUR"}`, `{"email_address":"n@example.com","identification_status":"reserved"}`,
		`{"verification_id":"ver_x","code":"424242"}`, `{"expired_token":"a.b.c","refresh_token":"r","request_origin":"http://localhost:3000","format":"cookie"}`,
		`{"token":"dvb_x"}`, `{"allowed_origins":["http://localhost:5173"],"support_email":""}`, `{"blocked_country_codes":["US","US"]}`,
		`{"default_scopes":null}`, `{"max_allowed_memberships":3,"creator_role_id":"role_x"}`, `{"revoke_all_sessions":true}`,
		`{"code":"123456"}`, `{"rules_enabled":null}`, `[]`, `null`,
		`{"on_behalf_of":{"identifier":"alice@example.com"},"permissions":"*","agent_name":"a","task_description":"t","redirect_url":"http://localhost:3000/","session_max_duration_in_seconds":0}`} {
		f.Add(uint8(i+1), "application/json", s)
	}
	inst, err := Start(context.Background(), Options{Seed: true, testKey: sharedTestKey(f)})
	if err != nil {
		f.Fatal(err)
	}
	defer inst.Close()
	handler := inst.Handler()
	facts, err := specshape.BAPI()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, routeIdx uint8, contentType, body string) {
		rt := routes[int(routeIdx)%len(routes)]
		req := httptest.NewRequest(rt.method, "/api"+rt.path, strings.NewReader(body))
		req.Host = strings.TrimPrefix(inst.FrontendAPIURL, "http://")
		req.Header.Set("Authorization", "Bearer "+inst.SecretKey)
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", rt.method, rt.path, body, rec.Code, rec.Body)
		}
		if rec.Code == 204 {
			return
		}
		if err := facts.Check(rt.method, rt.path, rec.Code, rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %s %q: %v\n%s", rt.method, rt.path, body, err, rec.Body)
		}
	})
}
