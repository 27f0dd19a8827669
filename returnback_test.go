package clerk_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/goclerk/clerk"
)

// RequireAuth with ReturnBack and RedirectToSignIn send the user to the
// sign-in page with redirect_url set to the URL they asked for, so that
// signing in on a hosted page (localclerk's or Clerk's) comes back to the
// app instead of stranding them on the account page.
func TestReturnBackToTheCurrentURL(t *testing.T) {
	tok := rtSession(t, nil)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) })
	signInHere := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if clerk.GetAuth(r).UserID != "" {
			w.WriteHeader(299)
			return
		}
		clerk.RedirectToSignIn(w, r)
	})
	const hosted = "http://127.0.0.1:4401/sign-in"
	for _, tc := range []struct {
		name     string
		handler  http.Handler
		header   []string
		status   int
		location string // SRV: the test server's origin; ENC: the encoded request URL
	}{
		{name: "RequireAuth default stays as Express: no return URL", handler: clerk.RequireAuth(clerk.RequireAuthOptions{})(ok),
			status: 302, location: hosted},
		{name: "ReturnBack adds the current URL", handler: clerk.RequireAuth(clerk.RequireAuthOptions{ReturnBack: true})(ok),
			status: 302, location: hosted + "?redirect_url=" + "ENC"},
		{name: "ReturnBack with a relative sign-in page", handler: clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/login?lang=en", ReturnBack: true})(ok),
			status: 302, location: "SRV/login?lang=en&redirect_url=" + "ENC"},
		{name: "ReturnBack signed in passes", handler: clerk.RequireAuth(clerk.RequireAuthOptions{ReturnBack: true})(ok),
			header: []string{"Authorization: Bearer " + tok}, status: 299},
		{name: "RedirectToSignIn", handler: signInHere,
			status: 302, location: hosted + "?redirect_url=" + "ENC"},
		{name: "RedirectToSignIn passes the dev browser to another origin", handler: signInHere,
			header: []string{"Cookie: __clerk_db_jwt=dvb_abc"}, status: 302,
			location: hosted + "?redirect_url=" + "ENC" + "&__clerk_db_jwt=dvb_abc"},
		{name: "RedirectToSignIn follows X-Forwarded-Host as the middleware does", handler: signInHere,
			header: []string{"X-Forwarded-Host: app.example.com", "X-Forwarded-Proto: https"}, status: 302,
			location: hosted + "?redirect_url=" + url.QueryEscape("https://app.example.com/orders?id=7&q=a+b")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rtClearEnv(t)
			t.Setenv("CLERK_SIGN_IN_URL", hosted)
			o := rtOptions(t)
			o.APIURL = rtBAPI(t).URL
			srv := rtServe(t, o, tc.handler)
			resp, _ := rtGet(t, srv.URL+"/orders?id=7&q=a+b", tc.header...)
			want := strings.ReplaceAll(tc.location, "ENC", url.QueryEscape(srv.URL+"/orders?id=7&q=a+b"))
			want = strings.ReplaceAll(want, "SRV", srv.URL)
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != want {
				t.Errorf("status %d Location\n %q, want %d\n %q", resp.StatusCode, resp.Header.Get("Location"), tc.status, want)
			}
		})
	}
	t.Run("without the middleware", func(t *testing.T) {
		rtClearEnv(t)
		rec := httptest.NewRecorder()
		clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: "https://accounts.example.com/sign-in", ReturnBack: true})(ok).
			ServeHTTP(rec, httptest.NewRequest("GET", "http://app.example.com/x", nil))
		want := "https://accounts.example.com/sign-in?redirect_url=" + url.QueryEscape("http://app.example.com/x")
		if rec.Code != 302 || rec.Header().Get("Location") != want {
			t.Errorf("status %d Location %q, want %q", rec.Code, rec.Header().Get("Location"), want)
		}
	})
}
