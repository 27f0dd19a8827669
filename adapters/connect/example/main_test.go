package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/clerktest"
)

// The procedure answers curl's Connect-protocol JSON calls as the demo
// says: 401 unauthenticated, 403 permission_denied, or who calls.
func TestHandler(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	h, err := newHandler(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	acme := func(perms ...string) *clerktest.Org {
		return &clerktest.Org{ID: "org_1", Slug: "acme", Role: "member", Permissions: perms}
	}
	reader := inst.SessionToken(clerktest.Session{UserID: "user_reader", Org: acme("org:reports:read")})
	member := inst.SessionToken(clerktest.Session{UserID: "user_member", Org: acme()})
	for _, tc := range []struct {
		name, token string
		status      int
		body        string
	}{
		{"no token", "", 401, `"code":"unauthenticated"`},
		{"member", member, 403, `"code":"permission_denied"`},
		{"reader", reader, 200, `"user_reader in acme"`},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+whoAmI, strings.NewReader(`""`))
		req.Header.Set("Content-Type", "application/json")
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
			t.Errorf("%s: %d %s, want %d containing %s", tc.name, res.StatusCode, b, tc.status, tc.body)
		}
	}
}
