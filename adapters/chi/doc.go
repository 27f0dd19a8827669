// Package clerkchi shows goclerk with chi. chi routes plain net/http
// handlers, so the core middleware needs no adapter:
//
//	mw, err := clerk.Middleware(clerk.Options{})
//	if err != nil { … }
//	r := chi.NewRouter()
//	r.Use(mw)
//	r.With(clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/sign-in"})).Get("/me", func(w http.ResponseWriter, r *http.Request) {
//		fmt.Fprintln(w, clerk.GetAuth(r).UserID)
//	})
//
// For JSON APIs, r.With(clerk.RequireAPIAuth(clerk.APIGuardOptions{…}))
// answers 401 or 403 instead of redirecting.
//
// This module exists so that chi never becomes a dependency of the core;
// its test runs the shared decision table through a chi router, and
// example/ is a runnable program.
package clerkchi
