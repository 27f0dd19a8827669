// Package clerk authenticates HTTP requests with Clerk, as @clerk/express
// does for Express applications.
//
// # The middleware
//
// Middleware validates an Options value once and returns a plain
// func(http.Handler) http.Handler. For every request it decides one of three
// outcomes, with exactly the rules, cookie names, query parameters, reason
// codes and response headers of Clerk's own SDKs:
//
//   - signed in: a valid session token (the __session cookie or an
//     Authorization: Bearer header) or machine token (API key, M2M token,
//     OAuth access token);
//   - signed out, with a reason (x-clerk-auth-reason);
//   - handshake: the browser must refresh its session through the Frontend
//     API. The middleware answers 307 with the handshake URL itself, and
//     resolves the handshake when the browser comes back (setting the
//     session cookies).
//
// Every request that is not redirected reaches the next handler with its
// auth object in the request context:
//
//	withClerk, err := clerk.Middleware(clerk.Options{}) // keys from CLERK_* variables
//	if err != nil {
//		log.Fatal(err)
//	}
//	http.ListenAndServe(":8080", withClerk(mux))
//
// With Options.JWTKey (CLERK_JWT_KEY) session tokens verify without any
// network call; otherwise the instance's JSON Web Key Set is fetched from the
// Backend API once and cached.
//
// # Reading the result
//
// GetAuth returns the Auth of a request: for session tokens by default
// (getAuth(req)), or for machine tokens with AcceptsToken, AcceptsTokenList
// or AcceptsAnyToken (getAuth(req, { acceptsToken })). Pending sessions read as
// signed out unless TreatPendingAsSignedOut(false) is given. State reports
// the middleware's status and reason. Auth encodes to the same JSON as the
// Express auth object.
//
// RequireAuth is requireAuth(): it redirects requests without a signed-in
// user to the sign-in URL. With RequireAuthOptions.ReturnBack, RequireAuth
// and RedirectToSignIn add redirect_url with the current URL, as the Next.js
// SDK's redirectToSignIn() does, so the user comes back after signing in.
// Auth.Has is auth.has(): organization roles and permissions (Role,
// Permission), billing features and plans (Feature, Plan) and
// reverification.
//
// RequireAPIAuth is the guard for JSON APIs: it fails closed, answering
// 401 or 403 with WWW-Authenticate: Bearer and a JSON error body where
// Middleware alone would let a signed-out request through (see
// docs/api-guards.md). A session that fails only a check's Reverification
// gets Clerk's reverification error (WriteReverificationError), which
// useReverification in the browser turns into a verification and a retry.
//
// # Outside net/http
//
// NewAuthenticator builds what Middleware builds, once; its Authenticate
// method verifies a raw token (from gRPC metadata, a websocket message, a
// queue) with the same decision and caches, and its Middleware method
// serves HTTP. Auth.RegisteredClaims and DecodeClaims read a token's
// claims.
//
// # Beyond this package
//
//   - backend: the Backend API client (clerkClient).
//   - webhooks: verification of Clerk's Svix-signed webhooks (verifyWebhook).
//   - clerktest: a fake instance for tests — keys, minted session and
//     machine tokens, a fake Backend API, ready Options.
//   - localclerk: an offline, Clerk-compatible development instance.
//   - adapters/gin, adapters/echo, adapters/fiber: separate modules wrapping
//     this middleware for those frameworks; chi uses it as is.
//
// docs/migration.md maps every @clerk/express option and helper, and every
// clerk-sdk-go v2 name, to its Go name; docs/configuration.md lists every
// option and CLERK_* variable.
package clerk
