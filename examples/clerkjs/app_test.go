package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk"
)

func newTestApp(t *testing.T) (*httptest.Server, *localclerk.Instance) {
	t.Helper()
	inst, err := localclerk.Start(context.Background(), localclerk.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	srv := httptest.NewUnstartedServer(nil)
	appURL := "http://" + srv.Listener.Addr().String()
	h, err := newApp(inst, appURL, false)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, inst
}

func TestPagesLoadPinnedClerkJSFromLocalclerk(t *testing.T) {
	srv, inst := newTestApp(t)
	for _, path := range []string{"/", "/sign-in", "/sign-up"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page := string(body)
		for _, want := range []string{
			inst.FrontendAPIURL + "/npm/@clerk/clerk-js@" + localclerk.ClerkJSVersion + "/dist/clerk.browser.js",
			inst.FrontendAPIURL + "/npm/@clerk/ui@" + localclerk.ClerkUIVersion + "/dist/ui.browser.js",
			`data-clerk-publishable-key="` + inst.PublishableKey + `"`,
			`data-clerk-proxy-url="` + inst.FrontendAPIURL + `"`,
		} {
			if res.StatusCode != 200 || !strings.Contains(page, want) {
				t.Errorf("%s: %d, missing %s", path, res.StatusCode, want)
			}
		}
	}
}

func TestProtectedRoutesRedirectSignedOutBrowsers(t *testing.T) {
	srv, _ := newTestApp(t)
	for _, path := range []string{"/protected", "/users", "/account"} {
		// A development instance first runs the handshake with localclerk
		// (no dev browser yet), then lands signed out on the app's sign-in page.
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept", "text/html")
		req.Header.Set("Sec-Fetch-Dest", "document")
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if u := res.Request.URL.String(); res.StatusCode != 200 || !strings.HasPrefix(u, srv.URL+"/sign-in?redirect_url=") {
			t.Errorf("%s signed out ended at %d %s, want the app's sign-in page", path, res.StatusCode, u)
		}
	}
}
