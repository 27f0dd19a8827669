package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/clerktest"
)

func TestRoutes(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	app, err := newApp(inst.Options())
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
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status || !strings.Contains(string(b), c.body) {
			t.Errorf("GET %s: got %d %s, want %d containing %q", c.path, res.StatusCode, b, c.status, c.body)
		}
	}
}
