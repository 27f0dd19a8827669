// Package clerkgrpc authenticates gRPC calls (google.golang.org/grpc) with
// goclerk. Its interceptors read the token from the call's metadata
// ("authorization: Bearer <token>" by default), verify it with a
// clerk.Authenticator — the decision, options and caches of
// clerk.Middleware — and apply the guard of clerk.RequireAPIAuth: they fail
// closed. A call that is not authenticated with an accepted token type
// ends with codes.Unauthenticated, one that fails a check with
// codes.PermissionDenied, one whose token cannot be checked now (the JWKS
// or the Backend API is unreachable) with codes.Unavailable, and the
// handler runs only for the others, with the Auth in its context for
// clerk.AuthFromContext.
//
//	a, err := clerk.NewAuthenticator(clerk.Options{})
//	if err != nil { … }
//	g, err := clerkgrpc.NewGuard(a, clerkgrpc.Options{
//		Checks: []clerk.Check{clerk.Permission("org:invoices:read")},
//	})
//	if err != nil { … }
//	srv := grpc.NewServer(g.ServerOptions()...)
//
//	func (s *invoices) List(ctx context.Context, req *pb.ListRequest) (*pb.ListResponse, error) {
//		auth, _ := clerk.AuthFromContext(ctx)
//		… auth.OrgID …
//	}
//
// The import path ends in /grpc; the package is named clerkgrpc so that it
// does not shadow grpc itself.
package clerkgrpc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	clerk "github.com/goclerk/clerk"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// DefaultMetadataKey is the metadata key the token is read from unless
// Options.MetadataKey says otherwise.
const DefaultMetadataKey = "authorization"

// ErrorDomain is the Domain of the errdetails.ErrorInfo every rejection
// carries: its Reason is Clerk's error code in upper case
// (AUTHENTICATION_INVALID, AUTHORIZATION_INVALID,
// AUTHENTICATION_UNAVAILABLE), and its metadata "clerk_reason" the Auth's
// reason when there is one.
const ErrorDomain = "clerk.com"

// Options configures NewGuard.
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
	// MetadataKey is the metadata key the token is read from (its first
	// value), either as "Bearer <token>" or as the bare token. Default
	// DefaultMetadataKey; it is matched case-insensitively, as gRPC
	// metadata keys are lower case. Binary keys (…-bin) and gRPC's
	// reserved grpc-… keys are refused.
	MetadataKey string
	// Skip, when set, exempts the methods it answers true for (given the
	// full method name, "/package.Service/Method"): their calls run without
	// authentication and without an Auth in the context, e.g. health
	// checks and server reflection. It runs for every call: keep it cheap.
	// Default nil: every method is guarded.
	Skip func(fullMethod string) bool
	// OnReject, when set, returns the error a refused call ends with in
	// place of the default status error (Error), e.g. with other details.
	// The handler never runs for a refused call, and a nil answer still
	// refuses it, with the default error.
	OnReject func(ctx context.Context, fullMethod string, rej clerk.Rejection) error
}

// Guard holds the interceptors built from an Authenticator and Options.
// It is safe for concurrent use.
type Guard struct {
	auth     *clerk.Authenticator
	guard    clerk.APIGuardOptions
	key      string
	skip     func(string) bool
	onReject func(context.Context, string, clerk.Rejection) error
}

// NewGuard validates opts and returns the guard; a is the Authenticator
// (shared with the HTTP side of the service, if any, so both use the same
// caches).
func NewGuard(a *clerk.Authenticator, opts Options) (*Guard, error) {
	if a == nil {
		return nil, errors.New("clerkgrpc: NewGuard needs a *clerk.Authenticator (clerk.NewAuthenticator)")
	}
	key := strings.ToLower(opts.MetadataKey)
	if key == "" {
		key = DefaultMetadataKey
	}
	if err := validKey(key); err != nil {
		return nil, fmt.Errorf("clerkgrpc: Options.MetadataKey %q: %w", opts.MetadataKey, err)
	}
	return &Guard{
		auth: a,
		guard: clerk.APIGuardOptions{
			AcceptsToken: append([]clerk.TokenType(nil), opts.AcceptsToken...),
			Checks:       append([]clerk.Check(nil), opts.Checks...),
		},
		key:      key,
		skip:     opts.Skip,
		onReject: opts.OnReject,
	}, nil
}

// validKey refuses metadata keys a token cannot travel in.
func validKey(key string) error {
	if strings.HasSuffix(key, "-bin") {
		return errors.New("a binary (-bin) key carries bytes, not a token")
	}
	if strings.HasPrefix(key, "grpc-") {
		return errors.New("grpc- keys are reserved for gRPC itself")
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("byte %q is not allowed in a metadata key", c)
		}
	}
	return nil
}

// ServerOptions returns the unary and the stream interceptor as server
// options, chained after any interceptors given before them:
// grpc.NewServer(g.ServerOptions()...).
func (g *Guard) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{grpc.ChainUnaryInterceptor(g.Unary()), grpc.ChainStreamInterceptor(g.Stream())}
}

// Unary returns the unary server interceptor.
func (g *Guard) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if g.skip != nil && g.skip(info.FullMethod) {
			return handler(ctx, req)
		}
		ctx, err := g.authenticate(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// Stream returns the stream server interceptor, for client-, server- and
// bidirectional streaming methods: the call is decided once, from the
// metadata it opens with, before the handler runs.
func (g *Guard) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if g.skip != nil && g.skip(info.FullMethod) {
			return handler(srv, ss)
		}
		ctx, err := g.authenticate(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return handler(srv, &authStream{ServerStream: ss, ctx: ctx})
	}
}

// authStream is a ServerStream whose context carries the Auth.
type authStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *authStream) Context() context.Context { return s.ctx }

// authenticate decides the call: its context with the Auth, or the error
// it ends with.
func (g *Guard) authenticate(ctx context.Context, method string) (context.Context, error) {
	var token string
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if vs := md[g.key]; len(vs) > 0 {
			token = clerk.BearerToken(vs[0])
		}
	}
	auth, rej := g.auth.Guard(ctx, token, g.guard)
	if rej == nil {
		return clerk.ContextWithAuth(ctx, auth), nil
	}
	if g.onReject != nil {
		if err := g.onReject(ctx, method, *rej); err != nil {
			return nil, err
		}
	}
	return nil, g.Error(*rej)
}
