// Command example serves a small chi application protected by goclerk's
// net/http middleware, which chi uses as is.
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
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	clerk "github.com/goclerk/clerk"
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
func newRouter(opts clerk.Options) (http.Handler, error) {
	mw, err := clerk.Middleware(opts)
	if err != nil {
		return nil, fmt.Errorf("configure Clerk: %w", err)
	}
	r := chi.NewRouter()
	r.Use(mw)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		auth := clerk.GetAuth(r)
		writeJSON(w, http.StatusOK, map[string]any{"signedIn": auth.IsAuthenticated, "userId": auth.UserID})
	})
	r.Group(func(r chi.Router) {
		r.Use(clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/sign-in"}))
		r.Get("/me", func(w http.ResponseWriter, r *http.Request) {
			auth := clerk.GetAuth(r)
			writeJSON(w, http.StatusOK, map[string]any{"userId": auth.UserID, "sessionId": auth.SessionID, "orgId": auth.OrgID})
		})
		r.Get("/admin", func(w http.ResponseWriter, r *http.Request) {
			if !clerk.GetAuth(r).Has(clerk.Role("org:admin")) {
				writeJSON(w, http.StatusForbidden, map[string]string{"error": "organization admins only"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]string{"welcome": "admin"})
		})
	})
	r.Get("/api/reports", func(w http.ResponseWriter, r *http.Request) {
		auth := clerk.GetAuth(r, clerk.AcceptsToken(clerk.TokenTypeAPIKey))
		if !auth.IsAuthenticated {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "an API key is required"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"subject": auth.Subject, "scopes": auth.Scopes})
	})
	return r, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("write the response: %v", err)
	}
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
