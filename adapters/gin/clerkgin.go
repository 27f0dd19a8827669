// Package clerkgin adapts goclerk to Gin.
//
// Middleware runs the net/http middleware of github.com/goclerk/clerk on
// the Gin request, so every request is decided exactly as clerk.Middleware
// decides it: handshake redirects (307) and errors are answered and the
// chain aborted, and otherwise the handlers run with the auth object
// available through GetAuth and the response carrying the middleware's
// headers (x-clerk-auth-*, Set-Cookie).
//
//	r := gin.New()
//	mw, err := clerkgin.Middleware(clerk.Options{})
//	if err != nil { … }
//	r.Use(mw)
//	r.GET("/me", clerkgin.RequireAuth(clerk.RequireAuthOptions{}), func(c *gin.Context) {
//		c.JSON(200, gin.H{"user": clerkgin.GetAuth(c).UserID})
//	})
//
// clerkgin.RequireAPIAuth(clerk.APIGuardOptions{…}) is the guard for JSON APIs: it
// answers 401 or 403 (WWW-Authenticate: Bearer and a JSON error body)
// where RequireAuth redirects to the sign-in page; Middleware alone lets
// every request through, signed out or not.
//
// The import path ends in /gin; the package is named clerkgin so that it
// does not shadow gin itself.
package clerkgin

import (
	"net/http"

	"github.com/gin-gonic/gin"
	clerk "github.com/goclerk/clerk"
)

// Middleware validates opts once and returns the Gin middleware; see
// clerk.Middleware for the options and the decisions.
func Middleware(opts clerk.Options) (gin.HandlerFunc, error) {
	mw, err := clerk.Middleware(opts)
	if err != nil {
		return nil, err
	}
	return Wrap(mw), nil
}

// Wrap turns a net/http middleware such as the one clerk.Middleware returns
// into Gin middleware. When the wrapped middleware calls its next handler,
// the Gin chain continues with the request it passed on (and so its
// context); when it answers itself, the chain is aborted.
func Wrap(mw func(http.Handler) http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		called := false
		mw(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			called = true
			c.Request = r
			c.Next()
		})).ServeHTTP(c.Writer, c.Request)
		if !called {
			c.Abort()
		}
	}
}

// GetAuth returns the request's auth object, as clerk.GetAuth does for a
// net/http request (session tokens only unless told otherwise). Without
// Middleware upstream it reports signed out.
func GetAuth(c *gin.Context, opts ...clerk.AuthOption) clerk.Auth {
	return clerk.GetAuth(c.Request, opts...)
}

// RequireAuth lets requests with a signed-in user through and redirects
// the others (302) as clerk.RequireAuth does (see clerk.RequireAuthOptions).
func RequireAuth(opts clerk.RequireAuthOptions) gin.HandlerFunc {
	return Wrap(clerk.RequireAuth(opts))
}

// RequireAPIAuth is clerk.RequireAPIAuth for JSON APIs: it fails closed,
// answering 401 or 403 (WWW-Authenticate: Bearer, a JSON error body, or
// opts.OnReject's answer) and stopping the chain; only authenticated
// requests that pass every check reach the handlers. It needs Middleware
// upstream (without it every request gets 500).
func RequireAPIAuth(opts clerk.APIGuardOptions) gin.HandlerFunc {
	return Wrap(clerk.RequireAPIAuth(opts))
}
