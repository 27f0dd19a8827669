package main

import (
	"encoding/json"
	"net/http"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
)

// me is GET /api/me's answer: who the Bearer token says the caller is,
// with the e-mail address the Backend API has for them.
type me struct {
	UserID    string `json:"user_id"`
	SessionID string `json:"session_id"`
	OrgID     string `json:"org_id"`
	OrgRole   string `json:"org_role"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
}

// sensitive is POST /api/sensitive's answer: the action ran, for whom,
// and how many minutes ago they verified their factors (fva).
type sensitive struct {
	Done      bool   `json:"done"`
	UserID    string `json:"user_id"`
	FactorAge []int  `json:"factor_age"`
}

// keyCaller is GET /api/key's answer: whom the API key sent as Bearer
// token belongs to.
type keyCaller struct {
	TokenType string `json:"token_type"`
	Subject   string `json:"subject"`
	UserID    string `json:"user_id,omitempty"`
	OrgID     string `json:"org_id,omitempty"`
}

// apiError is the JSON body of a refused request.
type apiError struct {
	Error string `json:"error"`
}

// newAPI returns the API's handler: goclerk's middleware reads the
// session token from the Authorization header, and only the React app's
// origin may call it from a browser (and so be an authorized party).
func newAPI(opts clerk.Options, client *backend.Client, appOrigin string) (http.Handler, error) {
	opts.AuthorizedParties = []string{appOrigin}
	opts.Client = client
	withClerk, err := clerk.Middleware(opts)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		a := clerk.GetAuth(r)
		if !a.IsAuthenticated || a.UserID == "" {
			writeJSON(w, http.StatusUnauthorized, apiError{Error: "sign in first: send Authorization: Bearer <session token>"})
			return
		}
		out := me{UserID: a.UserID, SessionID: a.SessionID, OrgID: a.OrgID, OrgRole: a.OrgRole}
		u, err := client.Users.Get(r.Context(), a.UserID)
		if err != nil {
			writeJSON(w, http.StatusBadGateway, apiError{Error: "Backend API: " + err.Error()})
			return
		}
		out.Email = u.PrimaryEmailAddress()
		if u.FirstName != nil {
			out.FirstName = *u.FirstName
		}
		writeJSON(w, http.StatusOK, out)
	})
	// The sensitive action: only for a user who verified in the last 10
	// minutes (Clerk's "strict": their second factor when they have one,
	// else their first). A staler session gets Clerk's reverification
	// error, which useReverification in the app turns into
	// <UserVerification/> and a retry.
	recentlyVerified := clerk.RequireAPIAuth(clerk.APIGuardOptions{
		Checks: []clerk.Check{{Reverification: &clerk.Reverification{Preset: "strict"}}},
	})
	mux.Handle("POST /api/sensitive", recentlyVerified(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := clerk.GetAuth(r)
		writeJSON(w, http.StatusOK, sensitive{Done: true, UserID: a.UserID, FactorAge: a.FactorVerificationAge})
	})))
	// GET /api/key is for programs, not the browser: it accepts an API
	// key (one created in the app's <APIKeys/> page) and nothing else.
	mux.HandleFunc("GET /api/key", func(w http.ResponseWriter, r *http.Request) {
		a := clerk.GetAuth(r, clerk.AcceptsToken(clerk.TokenTypeAPIKey))
		if !a.IsAuthenticated {
			writeJSON(w, http.StatusUnauthorized, apiError{Error: "send an API key: Authorization: Bearer ak_…"})
			return
		}
		writeJSON(w, http.StatusOK, keyCaller{TokenType: string(a.TokenType), Subject: a.Subject, UserID: a.UserID, OrgID: a.OrgID})
	})
	return cors(appOrigin, withClerk(mux)), nil
}

// cors lets the browser call the API from appOrigin, and from no other
// origin: preflights are answered here, before authentication.
func cors(appOrigin string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		if o == "" {
			next.ServeHTTP(w, r) // not a cross-origin browser request
			return
		}
		w.Header().Add("Vary", "Origin")
		if o != appOrigin {
			writeJSON(w, http.StatusForbidden, apiError{Error: "origin " + o + " may not call this API"})
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", appOrigin)
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
