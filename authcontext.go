package clerk

import "context"

// authCtxKey keys the Auth ContextWithAuth stores.
type authCtxKey struct{}

// ContextWithAuth returns a copy of ctx that carries a, for
// AuthFromContext. It is how code that authenticates outside net/http
// (Authenticator.Authenticate or Guard in a gRPC or Connect interceptor, a
// websocket loop) hands the Auth to the handlers it calls; tests may use it
// to call such handlers as a given user. GetAuth, which reads what
// Middleware decided for an *http.Request, does not look at it.
func ContextWithAuth(ctx context.Context, a Auth) context.Context {
	return context.WithValue(ctx, authCtxKey{}, &a)
}

// AuthFromContext returns the Auth ContextWithAuth put in ctx or, failing
// that, the Auth Middleware decided for the request whose context ctx is
// (as GetAuth reads it, with the default options: session tokens only).
// ok is false when ctx carries neither: the Auth is then signed out with
// ReasonMiddlewareMissing, so code that forgets the interceptor or
// middleware fails closed.
func AuthFromContext(ctx context.Context) (a Auth, ok bool) {
	if p, ok := ctx.Value(authCtxKey{}).(*Auth); ok {
		return *p, true
	}
	if ra, ok := ctx.Value(ctxKey{}).(*requestAuth); ok {
		return ra.inst.authOf(ra.state, authOptions{}), true
	}
	a = signedOutAuth("")
	a.reason = &reasonMiddlewareMissing
	return a, false
}
