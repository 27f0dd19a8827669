package clerktest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/clerktest"
)

// FuzzFakeBackend sends arbitrary bodies and queries to the fake's user
// and organization endpoints: each answers 2xx or Clerk's 4xx error, never
// a 5xx.
func FuzzFakeBackend(f *testing.F) {
	inst := clerktest.New(f, clerktest.Options{})
	routes := []string{"POST /v1/users", "GET /v1/users", "GET /v1/users/count", "PATCH /v1/users/u", "PATCH /v1/users/u/metadata",
		"POST /v1/organizations", "GET /v1/organizations", "PATCH /v1/organizations/o", "POST /v1/organizations/o/memberships",
		"GET /v1/organizations/o/memberships", "PATCH /v1/organizations/o/memberships/u"}
	f.Add(uint8(0), "", `{"email_address":["a@b.c"],"username":"a"}`)
	f.Add(uint8(1), "limit=0&offset=-1&order_by=+created_at", "")
	f.Add(uint8(5), "", `{"name":"Acme","slug":"!!!"}`)
	f.Add(uint8(8), "", `{"user_id":"user_x","role":""}`)
	f.Add(uint8(4), "", `{"public_metadata":{"a":null}}`)
	f.Add(uint8(2), "banned=maybe&query=%00", `[`)
	f.Fuzz(func(t *testing.T, route uint8, query, body string) {
		method, path, _ := strings.Cut(routes[int(route)%len(routes)], " ")
		req, err := http.NewRequest(method, inst.APIURL+path+"?"+query, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+inst.SecretKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s?%s %q: %d", method, path, query, body, resp.StatusCode)
		}
	})
}
