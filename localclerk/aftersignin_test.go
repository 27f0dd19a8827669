package localclerk

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A user who signs in without a redirect_url (they opened the sign-in page
// from a bookmark, or the app redirected there without one) goes back to
// the application with the dev browser id, not to the account page where
// the app would never learn about the session.
func TestAfterSignInURL(t *testing.T) {
	for _, tc := range []struct {
		name, after, wantHost, wantPath string
	}{
		{"configured", "http://localhost:8080/home?tab=1", "localhost:8080", "/home"},
		{"unset keeps the account page", "", "", "/user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, Options{Seed: true, AfterSignInURL: tc.after})
			resp := h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in status %d", resp.StatusCode)
			}
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			if loc.Host != tc.wantHost || loc.Path != tc.wantPath || !strings.HasPrefix(loc.Query().Get("__clerk_db_jwt"), "dvb_") {
				t.Fatalf("signed in without redirect_url, sent to %s", loc)
			}
			if tc.after != "" && loc.Query().Get("tab") != "1" {
				t.Errorf("the after-sign-in URL's own query was lost: %s", loc)
			}
			// An explicit redirect_url still wins.
			resp = h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"},
				"redirect_url": {"http://localhost:3000/dashboard"}})
			if loc, _ := url.Parse(resp.Header.Get("Location")); loc == nil || loc.Host != "localhost:3000" || loc.Path != "/dashboard" {
				t.Errorf("redirect_url ignored: %v", resp.Header.Get("Location"))
			}
		})
	}
}

func TestAfterSignInURLMustBeAllowed(t *testing.T) {
	for _, bad := range []string{"https://evil.example.com/", "javascript:alert(1)", "/relative"} {
		inst, err := Start(context.Background(), Options{AfterSignInURL: bad, testKey: sharedTestKey(t)})
		if err == nil {
			inst.Close()
			t.Errorf("AfterSignInURL %q accepted", bad)
		}
	}
	inst, err := Start(context.Background(), Options{AfterSignInURL: "https://app.example.com/",
		AllowedOrigins: []string{"https://app.example.com"}, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatalf("an allowed origin was refused: %v", err)
	}
	inst.Close()
}
