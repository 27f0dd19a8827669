// Command example serves a small Gin application protected by goclerk.
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

	"github.com/gin-gonic/gin"
	clerk "github.com/goclerk/clerk"
	clerkgin "github.com/goclerk/clerk/adapters/gin"
	"github.com/goclerk/clerk/clerktest"
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
	r, err := newRouter(opts)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s", *addr)
	log.Fatal(http.ListenAndServe(*addr, r))
}

// newRouter wires the Clerk middleware and four routes: public, signed-in
// only, organization admins only, and machine (API key) access.
func newRouter(opts clerk.Options) (*gin.Engine, error) {
	mw, err := clerkgin.Middleware(opts)
	if err != nil {
		return nil, fmt.Errorf("configure Clerk: %w", err)
	}
	r := gin.New()
	r.Use(gin.Recovery(), mw)
	r.GET("/", func(c *gin.Context) {
		auth := clerkgin.GetAuth(c)
		c.JSON(http.StatusOK, gin.H{"signedIn": auth.IsAuthenticated, "userId": auth.UserID})
	})
	r.GET("/me", clerkgin.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/sign-in"}), func(c *gin.Context) {
		auth := clerkgin.GetAuth(c)
		c.JSON(http.StatusOK, gin.H{"userId": auth.UserID, "sessionId": auth.SessionID, "orgId": auth.OrgID})
	})
	r.GET("/admin", clerkgin.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/sign-in"}), func(c *gin.Context) {
		if !clerkgin.GetAuth(c).Has(clerk.Role("org:admin")) {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "organization admins only"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"welcome": "admin"})
	})
	r.GET("/api/reports", func(c *gin.Context) {
		auth := clerkgin.GetAuth(c, clerk.AcceptsToken(clerk.TokenTypeAPIKey))
		if !auth.IsAuthenticated {
			c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "an API key is required"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"subject": auth.Subject, "scopes": auth.Scopes})
	})
	return r, nil
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
