// Package clerkconnect authenticates Connect calls (connectrpc.com/connect)
// with goclerk. Its interceptor reads the token from the request headers
// ("Authorization: Bearer <token>" by default; with the gRPC and gRPC-Web
// protocols these are the call's metadata), verifies it with a
// clerk.Authenticator — the decision, options and caches of
// clerk.Middleware — and applies the guard of clerk.RequireAPIAuth: it
// fails closed. A call that is not authenticated with an accepted token
// type ends with connect.CodeUnauthenticated, one that fails a check with
// connect.CodePermissionDenied, one whose token cannot be checked now (the
// JWKS or the Backend API is unreachable) with connect.CodeUnavailable,
// and the handler runs only for the others, with the Auth in its context
// for clerk.AuthFromContext.
//
//	a, err := clerk.NewAuthenticator(clerk.Options{})
//	if err != nil { … }
//	guard, err := clerkconnect.NewInterceptor(a, clerkconnect.Options{
//		Checks: []clerk.Check{clerk.Permission("org:invoices:read")},
//	})
//	if err != nil { … }
//	path, handler := invoicesv1connect.NewInvoicesHandler(&invoices{}, connect.WithInterceptors(guard))
//
//	func (s *invoices) List(ctx context.Context, req *connect.Request[pb.ListRequest]) (*connect.Response[pb.ListResponse], error) {
//		auth, _ := clerk.AuthFromContext(ctx)
//		… auth.OrgID …
//	}
//
// Cookies are not read: a Connect API is called with bearer tokens (from
// the browser, Clerk's getToken()). The interceptor guards handlers only;
// on a client it passes calls through untouched.
//
// The import path ends in /connect; the package is named clerkconnect so
// that it does not shadow connect itself.
package clerkconnect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"

	"connectrpc.com/connect"
	clerk "github.com/goclerk/clerk"
)

// DefaultHeader is the request header the token is read from unless
// Options.Header says otherwise.
const DefaultHeader = "Authorization"

// Options configures NewInterceptor.
type Options struct {
	// AcceptsToken lists the token types the guard lets through, as
	// clerk.APIGuardOptions.AcceptsToken: another type is refused
	// (Unauthenticated, ReasonTokenTypeMismatch). Empty means session
	// tokens only.
	AcceptsToken []clerk.TokenType
	// Checks must all hold (Auth.Has), or the call is refused with
	// PermissionDenied, as clerk.APIGuardOptions.Checks. Machine tokens
	// never satisfy a Check. Default none.
	Checks []clerk.Check
	// Header is the request header the token is read from (its first
	// value), either as "Bearer <token>" or as the bare token. Default
	// DefaultHeader; it is matched case-insensitively.
	Header string
	// Skip, when set, exempts the procedures it answers true for (given
	// the procedure, "/package.Service/Method"): their calls run without
	// authentication and without an Auth in the context, e.g. health
	// checks and server reflection. It runs for every call: keep it cheap.
	// Default nil: every procedure is guarded.
	Skip func(procedure string) bool
	// OnReject, when set, returns the error a refused call ends with in
	// place of the default one (Interceptor.Error), e.g. with other
	// details. The handler never runs for a refused call, and a nil answer
	// still refuses it, with the default error.
	OnReject func(ctx context.Context, procedure string, rej clerk.Rejection) error
}

// Interceptor is a connect.Interceptor that guards handlers; pass it to
// the handlers with connect.WithInterceptors. It is safe for concurrent
// use.
type Interceptor struct {
	auth     *clerk.Authenticator
	guard    clerk.APIGuardOptions
	header   string // canonical
	skip     func(string) bool
	onReject func(context.Context, string, clerk.Rejection) error
}

var _ connect.Interceptor = (*Interceptor)(nil)

// NewInterceptor validates opts and returns the interceptor; a is the
// Authenticator (shared with the rest of the service, if any, so all of
// it uses the same caches).
func NewInterceptor(a *clerk.Authenticator, opts Options) (*Interceptor, error) {
	if a == nil {
		return nil, errors.New("clerkconnect: NewInterceptor needs a *clerk.Authenticator (clerk.NewAuthenticator)")
	}
	header := opts.Header
	if header == "" {
		header = DefaultHeader
	}
	for i := 0; i < len(header); i++ {
		if !tokenChar(header[i]) {
			return nil, fmt.Errorf("clerkconnect: Options.Header %q: byte %q is not allowed in a header name", opts.Header, header[i])
		}
	}
	return &Interceptor{
		auth: a,
		guard: clerk.APIGuardOptions{
			AcceptsToken: append([]clerk.TokenType(nil), opts.AcceptsToken...),
			Checks:       append([]clerk.Check(nil), opts.Checks...),
		},
		header:   textproto.CanonicalMIMEHeaderKey(header),
		skip:     opts.Skip,
		onReject: opts.OnReject,
	}, nil
}

// tokenChar reports whether c may appear in a header name (RFC 9110
// token).
func tokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// WrapUnary guards unary handlers; a client's calls pass through.
func (i *Interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		spec := req.Spec()
		if spec.IsClient || i.skip != nil && i.skip(spec.Procedure) {
			return next(ctx, req)
		}
		ctx, err := i.authenticate(ctx, spec.Procedure, req.Header())
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

// WrapStreamingClient leaves client streams alone.
func (i *Interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// WrapStreamingHandler guards client-, server- and bidirectional streaming
// handlers: the call is decided once, from the headers it opens with,
// before the handler runs.
func (i *Interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		procedure := conn.Spec().Procedure
		if i.skip != nil && i.skip(procedure) {
			return next(ctx, conn)
		}
		ctx, err := i.authenticate(ctx, procedure, conn.RequestHeader())
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}

// authenticate decides the call: its context with the Auth, or the error
// it ends with.
func (i *Interceptor) authenticate(ctx context.Context, procedure string, h http.Header) (context.Context, error) {
	var token string
	if vs := h[i.header]; len(vs) > 0 {
		token = clerk.BearerToken(vs[0])
	}
	auth, rej := i.auth.Guard(ctx, token, i.guard)
	if rej == nil {
		return clerk.ContextWithAuth(ctx, auth), nil
	}
	if i.onReject != nil {
		if err := i.onReject(ctx, procedure, *rej); err != nil {
			return nil, err
		}
	}
	return nil, i.Error(*rej)
}
