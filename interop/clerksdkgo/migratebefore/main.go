// Command migratebefore is the "before" half of docs/migration.md's
// worked example: the chi service on clerk-sdk-go v2 that the document
// ports to goclerk. TestMigrationBeforeMatchesTheDocument keeps the two
// identical, and this module's build keeps it compiling against the SDK.

package main

import (
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"os"

	"github.com/clerk/clerk-sdk-go/v2"
	clerkhttp "github.com/clerk/clerk-sdk-go/v2/http"
	"github.com/clerk/clerk-sdk-go/v2/organization"
	"github.com/clerk/clerk-sdk-go/v2/organizationmembership"
	"github.com/clerk/clerk-sdk-go/v2/user"
	"github.com/go-chi/chi/v5"
)

func newRouter() http.Handler {
	r := chi.NewRouter()
	// 401 for a bad token; a request without one goes through.
	r.Use(clerkhttp.WithHeaderAuthorization(clerkhttp.AuthorizedPartyMatches("https://app.example.com")))

	r.Get("/me", func(w http.ResponseWriter, r *http.Request) {
		claims, ok := clerk.SessionClaimsFromContext(r.Context())
		if !ok {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "signed out"})
			return
		}
		u, err := user.Get(r.Context(), claims.Subject)
		if err != nil {
			writeError(w, err)
			return
		}
		email := ""
		for _, e := range u.EmailAddresses {
			if u.PrimaryEmailAddressID != nil && e.ID == *u.PrimaryEmailAddressID {
				email = e.EmailAddress
			}
		}
		writeJSON(w, http.StatusOK, map[string]string{"id": u.ID, "email": email, "org": claims.ActiveOrganizationID})
	})
	// 403 without valid claims.
	r.With(clerkhttp.RequireHeaderAuthorization()).Post("/orgs", func(w http.ResponseWriter, r *http.Request) {
		claims, _ := clerk.SessionClaimsFromContext(r.Context())
		org, err := organization.Create(r.Context(), &organization.CreateParams{
			Name:      clerk.String(r.FormValue("name")),
			CreatedBy: clerk.String(claims.Subject),
		})
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"id": org.ID, "slug": org.Slug})
	})
	r.With(clerkhttp.RequireHeaderAuthorization()).Get("/members", func(w http.ResponseWriter, r *http.Request) {
		claims, _ := clerk.SessionClaimsFromContext(r.Context())
		if !claims.HasPermission("org:members:read") {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "forbidden"})
			return
		}
		params := &organizationmembership.ListParams{OrganizationID: claims.ActiveOrganizationID}
		params.Limit = clerk.Int64(20)
		list, err := organizationmembership.List(r.Context(), params)
		if err != nil {
			writeError(w, err)
			return
		}
		ids := []string{}
		for _, m := range list.OrganizationMemberships {
			ids = append(ids, m.PublicUserData.UserID)
		}
		writeJSON(w, http.StatusOK, map[string]any{"members": ids, "total": list.TotalCount})
	})
	return r
}

// writeError answers a Backend API error with its status and Clerk code.
func writeError(w http.ResponseWriter, err error) {
	var apiErr *clerk.APIErrorResponse
	if errors.As(err, &apiErr) && len(apiErr.Errors) > 0 {
		writeJSON(w, apiErr.HTTPStatusCode, map[string]string{"error": apiErr.Errors[0].Code})
		return
	}
	writeJSON(w, http.StatusBadGateway, map[string]string{"error": "backend unavailable"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func main() {
	clerk.SetKey(os.Getenv("CLERK_SECRET_KEY"))
	log.Fatal(http.ListenAndServe("localhost:8080", newRouter()))
}
