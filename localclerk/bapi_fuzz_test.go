package localclerk

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// FuzzBAPIWrite sends arbitrary bodies to the Backend API's writes for
// domains, redirect URLs, identifier lists, restrictions, invitations,
// metadata replacement, bulk bans, actor tokens, e-mail addresses, roles,
// organization invitations, domains and logos: the answer is
// never a 5xx, and every answer, success or error, has the shape the
// specification gives for its operation and status.
func FuzzBAPIWrite(f *testing.F) {
	routes := []struct{ method, path string }{
		{"POST", "/v1/domains"}, {"PATCH", "/v1/domains/dmn_x"}, {"POST", "/v1/redirect_urls"},
		{"POST", "/v1/allowlist_identifiers"}, {"POST", "/v1/blocklist_identifiers"}, {"PATCH", "/v1/instance/restrictions"},
		{"POST", "/v1/invitations"}, {"POST", "/v1/invitations/bulk"}, {"PUT", "/v1/users/user_demo_bob/metadata"}, {"POST", "/v1/users/ban"},
		{"POST", "/v1/actor_tokens"}, {"POST", "/v1/email_addresses"}, {"PATCH", "/v1/organization_roles/role_x"},
		{"POST", "/v1/organizations/org_demo_acme/invitations"}, {"POST", "/v1/organizations/org_demo_acme/invitations/bulk"},
		{"POST", "/v1/organizations/org_demo_acme/invitations/orginv_x/revoke"}, {"POST", "/v1/organizations/org_demo_acme/domains"},
		{"PATCH", "/v1/organizations/org_demo_acme/domains/orgdmn_x"}, {"PUT", "/v1/organizations/org_demo_acme/logo"},
	}
	for i, s := range []string{`{"name":"sat.example.org","is_satellite":true}`, `{"name":"localhost:3001","is_satellite":true,"proxy_url":null}`,
		`{"url":"myapp://cb"}`, `{"identifier":"*@example.com","notify":false}`, `{"identifier":"+15555550100"}`,
		`{"allowlist":true,"blocklist":null}`, `{"email_address":"x@example.com","expires_in_days":3,"public_metadata":{"a":1}}`,
		`[{"email_address":"y@example.com"},{"email_address":"y@example.com"}]`,
		`{"public_metadata":{"a":[1,{"b":null}]},"private_metadata":null}`, `{"user_ids":["user_demo_bob","user_demo_bob"]}`,
		`{"user_id":"user_demo_bob","actor":{"sub":"user_demo_alice"},"expires_in_seconds":60}`, `{"user_id":"user_demo_carol","email_address":"c2@example.com","primary":true}`, `{"name":7}`,
		`{"email_address":"oi@example.com","role":"org:member","inviter_user_id":"user_demo_alice","private_metadata":{"k":1}}`,
		`[{"email_address":"ob@example.com","role":"org:admin"},{"email_address":"ob@example.com","role":"org:admin"}]`,
		`{"requesting_user_id":"user_demo_bob"}`, `{"name":"acme.example","enrollment_mode":"automatic_suggestion","verified":false}`,
		"--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nGIF89a\r\n--b--\r\n", `[]`, `null`, `{"identifier":"a@b.co"} x`, "identifier=x%40y.co"} {
		f.Add(uint8(i), "application/json", s)
		f.Add(uint8(i+1), "application/x-www-form-urlencoded", s)
		f.Add(uint8(i+2), "multipart/form-data; boundary=b", s)
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
		if err := facts.Check(rt.method, rt.path, rec.Code, rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %s %q: %v\n%s", rt.method, rt.path, body, err, rec.Body)
		}
	})
}
