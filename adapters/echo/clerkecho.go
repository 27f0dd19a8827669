// Package clerkecho adapts goclerk to Echo v4.
//
// Middleware runs the net/http middleware of github.com/goclerk/clerk on
// the Echo request, so every request is decided exactly as clerk.Middleware
// decides it: handshake redirects (307) and errors are answered without
// calling the next handler, and otherwise the handlers run with the auth
// object available through GetAuth and the response carrying the
// middleware's headers (x-clerk-auth-*, Set-Cookie).
//
//	e := echo.New()
//	mw, err := clerkecho.Middleware(clerk.Options{})
//	if err != nil { … }
//	e.Use(mw)
//	e.GET("/me", func(c echo.Context) error {
//		return c.JSON(200, map[string]string{"user": clerkecho.GetAuth(c).UserID})
//	}, clerkecho.RequireAuth(clerk.RequireAuthOptions{}))
//
// clerkecho.RequireAPIAuth(clerk.APIGuardOptions{…}) is the guard for JSON APIs: it
// answers 401 or 403 (WWW-Authenticate: Bearer and a JSON error body)
// where RequireAuth redirects to the sign-in page; Middleware alone lets
// every request through, signed out or not.
//
// The import path ends in /echo; the package is named clerkecho so that it
// does not shadow echo itself.
package clerkecho

import (
	"net/http"

	clerk "github.com/goclerk/clerk"
	"github.com/labstack/echo/v4"
)

// Middleware validates opts once and returns the Echo middleware; see
// clerk.Middleware for the options and the decisions.
func Middleware(opts clerk.Options) (echo.MiddlewareFunc, error) {
	mw, err := clerk.Middleware(opts)
	if err != nil {
		return nil, err
	}
	return Wrap(mw), nil
}

// Wrap turns a net/http middleware such as the one clerk.Middleware returns
// into Echo middleware. When the wrapped middleware calls its next handler,
// the Echo chain continues with the request it passed on (and so its
// context); when it answers itself, the chain stops there. Unlike
// echo.WrapMiddleware it keeps the context's Response, so Echo still sees
// whether the response was committed.
func Wrap(mw func(http.Handler) http.Handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			var err error
			mw(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				c.SetRequest(r)
				err = next(c)
			})).ServeHTTP(c.Response(), c.Request())
			return err
		}
	}
}

// GetAuth returns the request's auth object, as clerk.GetAuth does for a
// net/http request (session tokens only unless told otherwise). Without
// Middleware upstream it reports signed out.
func GetAuth(c echo.Context, opts ...clerk.AuthOption) clerk.Auth {
	return clerk.GetAuth(c.Request(), opts...)
}

// RequireAuth lets requests with a signed-in user through and redirects
// the others (302) as clerk.RequireAuth does (see clerk.RequireAuthOptions).
func RequireAuth(opts clerk.RequireAuthOptions) echo.MiddlewareFunc {
	return Wrap(clerk.RequireAuth(opts))
}

// RequireAPIAuth is clerk.RequireAPIAuth for JSON APIs: it fails closed,
// answering 401 or 403 (WWW-Authenticate: Bearer, a JSON error body, or
// opts.OnReject's answer) and stopping the chain; only authenticated
// requests that pass every check reach the handlers. It needs Middleware
// upstream (without it every request gets 500).
func RequireAPIAuth(opts clerk.APIGuardOptions) echo.MiddlewareFunc {
	return Wrap(clerk.RequireAPIAuth(opts))
}
