package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/clerktest"
)

func TestRoutes(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	r, err := newServer(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	user := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	admin := inst.SessionToken(clerktest.Session{UserID: "user_2", Org: &clerktest.Org{Role: "admin"}})
	key := inst.APIKey(clerktest.APIKeySpec{Subject: "user_1", Scopes: []string{"reports:read"}})
	for _, c := range []struct {
		path, token string
		status      int
		body        string
	}{
		{"/", "", 200, `"signedIn":false`},
		{"/me", "", 302, ""},
		{"/me", user, 200, `"userId":"user_1"`},
		{"/admin", user, 403, "admins only"},
		{"/admin", admin, 200, "welcome"},
		{"/api/reports", user, 401, "API key"},
		{"/api/reports", key, 200, `"scopes":["reports:read"]`},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("GET %s: got %d %s, want %d containing %q", c.path, rec.Code, rec.Body, c.status, c.body)
		}
	}
}
