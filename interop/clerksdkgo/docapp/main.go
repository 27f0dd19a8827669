// Command docapp is docs/first-app.md's clerk-sdk-go app, kept identical to
// the document by TestDocAppMatchesTheDocument and run against localclerk by
// TestDocAppAgainstLocalclerk.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"

	"github.com/clerk/clerk-sdk-go/v2"
	clerkhttp "github.com/clerk/clerk-sdk-go/v2/http"
	"github.com/clerk/clerk-sdk-go/v2/user"
)

func main() {
	config := &clerk.BackendConfig{Key: clerk.String(os.Getenv("CLERK_SECRET_KEY"))}
	if api := os.Getenv("CLERK_API_URL"); api != "" {
		// clerk-sdk-go's base URL carries the API version.
		config.URL = clerk.String(api + "/v1")
	}
	clerk.SetBackend(clerk.NewBackend(config))

	// With CLERK_JWT_KEY tokens verify with no network call; without it
	// the middleware fetches the JWKS from the Backend API.
	var opts []clerkhttp.AuthorizationOption
	if key := os.Getenv("CLERK_JWT_KEY"); key != "" {
		opts = append(opts, clerkhttp.JSONWebKey(key))
	}
	protect := clerkhttp.RequireHeaderAuthorization(opts...)

	http.Handle("/me", protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := clerk.SessionClaimsFromContext(r.Context())
		u, err := user.Get(r.Context(), claims.Subject)
		if err != nil {
			http.Error(w, "user lookup failed", http.StatusBadGateway)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"user_id": u.ID, "session_id": claims.SessionID})
	})))
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "localhost:8080"
	}
	log.Fatal(http.ListenAndServe(addr, nil))
}
