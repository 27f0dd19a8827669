package adaptertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// StartFunc starts an application serving the decision-table routes (see
// AuthPath) with opts on a real listener and returns its base URL (e.g.
// "http://127.0.0.1:41234") and a function that stops it.
type StartFunc func(opts clerk.Options) (baseURL string, stop func(), err error)

// RunBrowserHandshake drives the whole handshake as a browser does, on a
// development and a production instance whose Frontend API is the fake
// (clerktest.Options.LocalFrontendAPI): a client with a cookie jar navigates to the
// application, follows the redirect to the Frontend API and back with a
// handshake nonce, keeps the cookies the application sets and must end
// signed out while the Frontend API has no session, and signed in on
// ProtectedPath once it has one.
func RunBrowserHandshake(t *testing.T, adapter string, start StartFunc) {
	t.Helper()
	for _, prod := range []bool{false, true} {
		name := DevInstance
		opts := clerktest.Options{LocalFrontendAPI: true, Production: prod}
		if prod {
			name = ProdInstance
		}
		t.Run(name, func(t *testing.T) {
			inst := clerktest.New(t, opts)
			base, stop, err := start(inst.Options())
			if err != nil {
				t.Fatalf("%s: start the app: %v", adapter, err)
			}
			defer stop()
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			client := &http.Client{Jar: jar}

			status, body, hops, err := navigate(client, base+AuthPath+"?page=1")
			if err != nil {
				t.Fatal(err)
			}
			var a struct {
				IsAuthenticated bool `json:"isAuthenticated"`
			}
			if err := json.Unmarshal([]byte(body), &a); err != nil || status != http.StatusOK || a.IsAuthenticated {
				t.Fatalf("%s: signed-out navigation ended with %d %s", adapter, status, body)
			}
			t.Logf("%s (%s): signed out after %d redirects", adapter, name, hops)

			// The user signs in at the Frontend API, which marks the client
			// active without a session token on the application's domain.
			inst.SetBrowserSession(&clerktest.Session{UserID: "user_browser"})
			u, err := url.Parse(base)
			if err != nil {
				t.Fatal(err)
			}
			jar.SetCookies(u, []*http.Cookie{{Name: "__client_uat", Value: "1", Path: "/"}})
			status, body, hops, err = navigate(client, base+ProtectedPath)
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusOK || body != "hello user_browser" {
				t.Fatalf("%s: signed-in navigation ended with %d %q", adapter, status, body)
			}
			if hops == 0 {
				t.Errorf("%s: the signed-in navigation went through no handshake", adapter)
			}
			t.Logf("%s (%s): signed in after %d redirects", adapter, name, hops)
		})
	}
}

// navigate fetches target as a browser navigation, following redirects.
func navigate(client *http.Client, target string) (status int, body string, hops int, err error) {
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		hops = len(via)
		if len(via) > 10 {
			return fmt.Errorf("more than 10 redirects")
		}
		return nil
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return 0, "", 0, err
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Sec-Fetch-Dest", "document")
	res, err := client.Do(req)
	if err != nil {
		return 0, "", hops, fmt.Errorf("navigate to %s: %w", target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, "", hops, fmt.Errorf("read %s: %w", target, err)
	}
	return res.StatusCode, string(b), hops, nil
}
