package localclerk

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk"
)

// goclerk's middleware, given an expired session cookie and the refresh
// cookie a localclerk handshake set, refreshes the session through
// localclerk's RefreshSession instead of a handshake redirect: the request
// is signed in and the response carries the new session cookie.
func TestMiddlewareRefreshesAnExpiredSessionThroughLocalclerk(t *testing.T) {
	h := start(t, Options{Seed: true, RefreshCookie: true})
	dvb := freshSignIn(t, h, "alice@example.com", "alice-password")
	dirs, _ := h.handshake(app, "token", dvb, true)
	var cookies []string
	for _, d := range dirs {
		cookies = append(cookies, strings.SplitN(d, ";", 2)[0])
	}
	old, _ := cookieValue(dirs, "__session")
	h.clock.Advance(5 * time.Minute) // the session token (60 s) has expired

	mw, err := clerk.Middleware(clerk.Options{PublishableKey: h.inst.PublishableKey, SecretKey: h.inst.SecretKey,
		JWTKey: h.inst.PublicKeyPEM, APIURL: h.inst.BackendAPIURL, Now: h.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var user string
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user = clerk.GetAuth(r).UserID
	})))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/dashboard", nil)
	req.Host = "localhost:3000"
	req.Header.Set("Cookie", strings.Join(cookies, "; "))
	req.Header.Set("Sec-Fetch-Dest", "document")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || user != "user_demo_alice" {
		t.Fatalf("status %d, user %q, reason %q, Location %q", resp.StatusCode, user, resp.Header.Get("X-Clerk-Auth-Reason"), resp.Header.Get("Location"))
	}
	var fresh string
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "__session") {
			fresh = c.Value
		}
	}
	if fresh == "" || fresh == old {
		t.Fatalf("no new session cookie in %v", resp.Header.Values("Set-Cookie"))
	}
	if _, claims := h.verifyJWT(fresh); int64(claims["iat"].(float64)) != h.clock.Now().Unix() {
		t.Errorf("refreshed token iat %v, now %d", claims["iat"], h.clock.Now().Unix())
	}

	// Without the refresh cookie the same request goes to a handshake.
	var rest []string
	for _, c := range cookies {
		if !strings.HasPrefix(c, "__refresh_") {
			rest = append(rest, c)
		}
	}
	req.Header.Set("Cookie", strings.Join(rest, "; "))
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || !strings.Contains(resp.Header.Get("Location"), "/v1/client/handshake") {
		t.Errorf("without __refresh: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// Without Options.RefreshCookie, as on Clerk development instances, the
// handshake sets no refresh cookie, so an expired token means a handshake.
func TestNoRefreshCookieByDefault(t *testing.T) {
	h := start(t, Options{Seed: true})
	dvb := freshSignIn(t, h, "alice@example.com", "alice-password")
	dirs, _ := h.handshake(app, "token", dvb, true)
	if tok, _ := cookieValue(dirs, "__session"); tok == "" {
		t.Fatalf("not signed in: %v", dirs)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d, "__refresh") {
			t.Errorf("refresh cookie without RefreshCookie: %s", d)
		}
	}
}
