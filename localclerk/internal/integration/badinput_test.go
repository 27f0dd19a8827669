package integration

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk"
)

// TestBackendBadInputRaw sends what the typed client never would (broken
// JSON, wrong types, a huge body, no key) and checks each answer is a Clerk
// error envelope with a 4xx status, never a 500 or HTML.
func TestBackendBadInputRaw(t *testing.T) {
	inst := startLocalclerk(t, localclerk.Options{})
	api := inst.BackendAPIURL + "/v1"
	auth := "Bearer " + inst.SecretKey
	big := `{"first_name":"` + strings.Repeat("a", 2<<20) + `"}`

	for _, tc := range []struct {
		name, method, path, auth, body string
		status                         int
		code                           string
	}{
		{"malformed JSON", "POST", "/users", auth, `{"email_address":`, 400, "malformed_request"},
		{"wrong JSON type", "POST", "/users", auth, `{"email_address":["x@example.com"],"first_name":5}`, 422, "form_param_value_invalid"},
		{"invalid e-mail", "POST", "/users", auth, `{"email_address":["not-an-email"]}`, 422, "form_param_format_invalid"},
		{"short password", "POST", "/users", auth, `{"email_address":["p@example.com"],"password":"a"}`, 422, "form_password_length_too_short"},
		{"missing organization name", "POST", "/organizations", auth, `{}`, 422, "form_param_missing"},
		{"missing membership role", "POST", "/organizations/org_demo_acme/memberships", auth, `{"user_id":"user_demo_bob"}`, 422, "form_param_missing"},
		{"oversized body", "PATCH", "/users/user_demo_bob", auth, big, 413, "request_body_too_large"},
		{"limit out of range", "GET", "/users?limit=501", auth, "", 400, "form_param_value_invalid"},
		{"unknown order_by", "GET", "/organizations?order_by=shoe_size", auth, "", 422, "form_param_value_invalid"},
		{"no secret key", "GET", "/users", "", "", 401, "clerk_key_invalid"},
		{"publishable key as secret", "GET", "/users", "Bearer " + inst.PublishableKey, "", 401, "clerk_key_invalid"},
		{"unknown endpoint", "GET", "/no_such_resource", auth, "", 404, "resource_not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, api+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %.300s", resp.StatusCode, tc.status, raw)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			var env struct {
				Errors []struct {
					Code        string `json:"code"`
					Message     string `json:"message"`
					LongMessage string `json:"long_message"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(raw, &env); err != nil || len(env.Errors) == 0 {
				t.Fatalf("not a Clerk error envelope (%v): %.300s", err, raw)
			}
			e := env.Errors[0]
			if e.Code != tc.code || e.Message == "" || e.LongMessage == "" {
				t.Errorf("error %+v, want code %s with message and long_message", e, tc.code)
			}
		})
	}
}
