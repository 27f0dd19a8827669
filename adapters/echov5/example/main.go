// Command example serves a small Echo application protected by goclerk.
//
//	go run .        # demo mode: an in-process fake Clerk instance (clerktest)
//	                # and ready-made tokens; prints curl commands to try
//
// In demo mode the fake instance also plays the Frontend API, so a browser
// opening the printed URL goes through a real handshake and is signed in as
// user_demo. With CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY set, the
// program uses that Clerk instance instead.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	clerk "github.com/goclerk/clerk"
	clerkecho "github.com/goclerk/clerk/adapters/echov5"
	"github.com/goclerk/clerk/clerktest"
	"github.com/labstack/echo/v5"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	opts := clerk.Options{} // keys and settings from CLERK_* variables
	if os.Getenv("CLERK_SECRET_KEY") == "" {
		inst, err := clerktest.NewInstance(clerktest.Options{LocalFrontendAPI: true})
		if err != nil {
			log.Fatal(err)
		}
		defer inst.Close()
		inst.SetBrowserSession(&clerktest.Session{UserID: "user_demo"})
		opts = inst.Options()
		printDemo(*addr, inst)
	}
	e, err := newServer(opts)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(e.Start(*addr))
}

// newServer wires the Clerk middleware and four routes: public, signed-in
// only, organization admins only, and machine (API key) access.
func newServer(opts clerk.Options) (*echo.Echo, error) {
	mw, err := clerkecho.Middleware(opts)
	if err != nil {
		return nil, fmt.Errorf("configure Clerk: %w", err)
	}
	e := echo.New()
	e.Use(mw)
	e.GET("/", func(c *echo.Context) error {
		auth := clerkecho.GetAuth(c)
		return c.JSON(http.StatusOK, map[string]any{"signedIn": auth.IsAuthenticated, "userId": auth.UserID})
	})
	signedIn := clerkecho.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/sign-in"})
	e.GET("/me", func(c *echo.Context) error {
		auth := clerkecho.GetAuth(c)
		return c.JSON(http.StatusOK, map[string]any{"userId": auth.UserID, "sessionId": auth.SessionID, "orgId": auth.OrgID})
	}, signedIn)
	e.GET("/admin", func(c *echo.Context) error {
		if !clerkecho.GetAuth(c).Has(clerk.Role("org:admin")) {
			return c.JSON(http.StatusForbidden, map[string]string{"error": "organization admins only"})
		}
		return c.JSON(http.StatusOK, map[string]string{"welcome": "admin"})
	}, signedIn)
	e.GET("/api/reports", func(c *echo.Context) error {
		auth := clerkecho.GetAuth(c, clerk.AcceptsToken(clerk.TokenTypeAPIKey))
		if !auth.IsAuthenticated {
			return c.JSON(http.StatusUnauthorized, map[string]string{"error": "an API key is required"})
		}
		return c.JSON(http.StatusOK, map[string]any{"subject": auth.Subject, "scopes": auth.Scopes})
	})
	return e, nil
}

func printDemo(addr string, inst *clerktest.Instance) {
	user := inst.SessionToken(clerktest.Session{UserID: "user_demo"})
	admin := inst.SessionToken(clerktest.Session{UserID: "user_admin", Org: &clerktest.Org{Role: "admin"}})
	key := inst.APIKey(clerktest.APIKeySpec{Subject: "user_demo", Scopes: []string{"reports:read"}})
	fmt.Printf(`Demo mode: a fake Clerk instance runs in this process.
  open http://%[1]s/me in a browser                       # handshake, then signed in as user_demo
  curl http://%[1]s/me                                    # 302 to /sign-in
  curl -H "Authorization: Bearer %[2]s" http://%[1]s/me
  curl -H "Authorization: Bearer %[3]s" http://%[1]s/admin
  curl -H "Authorization: Bearer %[4]s" http://%[1]s/api/reports
`, addr, user, admin, key)
}
