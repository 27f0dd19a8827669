package clerkgrpc_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	clerkgrpc "github.com/goclerk/clerk/adapters/grpc"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// probe is the service under test: grpc's health service, whose Check is
// unary and Watch server-streaming. Both answer who the Auth in their
// context is in the "x-user" header, and count their runs, so a test sees
// both that the handler ran and as whom.
type probe struct {
	healthpb.UnimplementedHealthServer
	runs atomic.Int32
}

func (p *probe) user(ctx context.Context) (metadata.MD, error) {
	p.runs.Add(1)
	auth, ok := clerk.AuthFromContext(ctx)
	if !ok || !auth.IsAuthenticated {
		return nil, status.Error(codes.Internal, "the handler ran without an authenticated Auth in its context")
	}
	user := auth.UserID
	if user == "" {
		user = auth.Subject
	}
	return metadata.Pairs("x-user", user, "x-token-type", string(auth.TokenType)), nil
}

func (p *probe) Check(ctx context.Context, _ *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	md, err := p.user(ctx)
	if err != nil {
		return nil, err
	}
	if err := grpc.SetHeader(ctx, md); err != nil {
		return nil, err
	}
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func (p *probe) Watch(_ *healthpb.HealthCheckRequest, stream grpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	md, err := p.user(stream.Context())
	if err != nil {
		return err
	}
	if err := stream.SetHeader(md); err != nil {
		return err
	}
	for range 2 {
		if err := stream.Send(&healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}); err != nil {
			return err
		}
	}
	return nil
}

// List is exempt in the tests' Skip: it answers without authentication.
func (p *probe) List(ctx context.Context, _ *healthpb.HealthListRequest) (*healthpb.HealthListResponse, error) {
	if _, ok := clerk.AuthFromContext(ctx); ok {
		return nil, status.Error(codes.Internal, "a skipped method got an Auth")
	}
	return &healthpb.HealthListResponse{}, nil
}

// serve starts a real gRPC server on a loopback listener with the guard's
// interceptors and returns a client connected to it over plain HTTP/2.
func serve(t *testing.T, a *clerk.Authenticator, opts clerkgrpc.Options) (healthpb.HealthClient, *probe) {
	t.Helper()
	g, err := clerkgrpc.NewGuard(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(g.ServerOptions()...)
	p := &probe{}
	healthpb.RegisterHealthServer(srv, p)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///"+lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return healthpb.NewHealthClient(conn), p
}

// call makes a unary Check and a server-streaming Watch with md as the
// outgoing metadata, and returns each one's error and x-user header.
type result struct {
	err  error
	user string
	typ  string
}

func callBoth(t *testing.T, c healthpb.HealthClient, md ...string) (unary, stream result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, md...)

	var hdr metadata.MD
	_, unary.err = c.Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Header(&hdr))
	unary.user, unary.typ = first(hdr, "x-user"), first(hdr, "x-token-type")

	ws, err := c.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		stream.err = err
		return unary, stream
	}
	got := 0
	for {
		_, err := ws.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			stream.err = err
			break
		}
		got++
	}
	if stream.err == nil && got != 2 {
		t.Errorf("Watch sent %d messages, want 2", got)
	}
	if h, err := ws.Header(); err == nil {
		stream.user, stream.typ = first(h, "x-user"), first(h, "x-token-type")
	}
	return unary, stream
}

func first(md metadata.MD, key string) string {
	if vs := md.Get(key); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// guardCase is one call and the answer the guard must give it.
type guardCase struct {
	name   string
	md     []string // outgoing metadata pairs
	code   codes.Code
	msg    string           // the exact status message; "" for OK
	reason clerk.AuthReason // ErrorInfo's clerk_reason
	user   string           // for OK: who the handler saw
	secret string           // must not appear in the message
}

func runCases(t *testing.T, c healthpb.HealthClient, p *probe, cases []guardCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := p.runs.Load()
			unary, stream := callBoth(t, c, tc.md...)
			for _, r := range []struct {
				kind string
				res  result
			}{{"unary", unary}, {"stream", stream}} {
				st := status.Convert(r.res.err)
				if st.Code() != tc.code {
					t.Errorf("%s: code %v (%q), want %v", r.kind, st.Code(), st.Message(), tc.code)
					continue
				}
				if tc.code == codes.OK {
					if r.res.user != tc.user {
						t.Errorf("%s: the handler saw %q, want %q", r.kind, r.res.user, tc.user)
					}
					continue
				}
				if st.Message() != tc.msg {
					t.Errorf("%s: message %q, want %q", r.kind, st.Message(), tc.msg)
				}
				if tc.secret != "" && strings.Contains(st.Message(), tc.secret) {
					t.Errorf("%s: the message shows the token", r.kind)
				}
				checkInfo(t, r.kind, st, tc.code, tc.reason)
			}
			ran := p.runs.Load() - before
			if tc.code == codes.OK && ran != 2 {
				t.Errorf("the handlers ran %d times for an accepted call, want 2", ran)
			}
			if tc.code != codes.OK && ran != 0 {
				t.Errorf("the handlers ran %d times for a refused call", ran)
			}
		})
	}
}

// checkInfo asserts the status's ErrorInfo detail: Clerk's error code for
// the status code, in ErrorDomain, with the reason.
func checkInfo(t *testing.T, kind string, st *status.Status, code codes.Code, reason clerk.AuthReason) {
	t.Helper()
	want := map[codes.Code]string{
		codes.Unauthenticated:  "AUTHENTICATION_INVALID",
		codes.PermissionDenied: "AUTHORIZATION_INVALID",
		codes.Unavailable:      "AUTHENTICATION_UNAVAILABLE",
	}[code]
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			if info.GetReason() != want || info.GetDomain() != clerkgrpc.ErrorDomain || info.GetMetadata()["clerk_reason"] != string(reason) {
				t.Errorf("%s: ErrorInfo %v, want reason %s in %s with clerk_reason %q", kind, info, want, clerkgrpc.ErrorDomain, reason)
			}
			return
		}
	}
	t.Errorf("%s: no ErrorInfo in the details %v", kind, st.Details())
}

func bearer(tok string) []string { return []string{"authorization", "Bearer " + tok} }

func org(perms ...string) *clerktest.Org {
	return &clerktest.Org{ID: "org_1", Slug: "acme", Role: "member", Permissions: perms}
}

// Every guard case, for a unary and a server-streaming call, over a real
// connection: the code, the exact message, the ErrorInfo detail, the
// handler never running for a refusal and seeing the Auth otherwise.
func TestGuard(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	opts := inst.Options()
	opts.Logger = slog.New(slog.DiscardHandler)
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	c, p := serve(t, a, clerkgrpc.Options{
		Checks: []clerk.Check{clerk.Permission("org:invoices:read")},
		Skip:   func(m string) bool { return m == healthpb.Health_List_FullMethodName },
	})
	reader := inst.SessionToken(clerktest.Session{UserID: "user_reader", Org: org("org:invoices:read")})
	writer := inst.SessionToken(clerktest.Session{UserID: "user_writer", Org: org("org:invoices:manage")})
	expired := inst.SessionToken(clerktest.Session{UserID: "user_reader", TTL: -time.Minute, Org: org("org:invoices:read")})
	pending := inst.SessionToken(clerktest.Session{UserID: "user_pending", Status: "pending"})
	foreign := clerktest.New(t, clerktest.Options{Production: true}).SessionToken(clerktest.Session{UserID: "user_reader", Org: org("org:invoices:read")})
	apiKey := inst.APIKey(clerktest.APIKeySpec{Subject: "user_reader"})
	noToken := "clerk: the call carries no token: send it as authorization metadata, \"Bearer <token>\" (reason " + string(clerk.ReasonNoTokenInHeader) + ")"
	cases := []guardCase{
		{name: "signed out", code: codes.Unauthenticated, msg: noToken, reason: clerk.ReasonNoTokenInHeader},
		{name: "another scheme", md: []string{"authorization", "Basic dXNlcjpwYXNz"}, code: codes.Unauthenticated, msg: noToken, reason: clerk.ReasonNoTokenInHeader},
		{name: "bad token", md: bearer("not-a-jwt"), code: codes.Unauthenticated, secret: "not-a-jwt",
			msg: "clerk: the token is invalid (reason token-invalid)", reason: clerk.ReasonTokenInvalid},
		{name: "expired token", md: bearer(expired), code: codes.Unauthenticated, secret: expired,
			msg:    "clerk: the token has expired (reason session-token-expired-refresh-non-eligible-no-refresh-cookie)",
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{name: "another instance's token", md: bearer(foreign), code: codes.Unauthenticated, secret: foreign,
			msg: "clerk: the token's signature is invalid (reason token-invalid-signature)", reason: clerk.ReasonTokenInvalidSignature},
		{name: "wrong token type", md: bearer(apiKey), code: codes.Unauthenticated, secret: apiKey,
			msg: "clerk: tokens of this type are not accepted here (reason token-type-mismatch)", reason: clerk.ReasonTokenTypeMismatch},
		{name: "pending session", md: bearer(pending), code: codes.Unauthenticated, secret: pending,
			msg: "clerk: the session is pending: the user has a task to finish (e.g. choosing an organization)"},
		{name: "missing permission", md: bearer(writer), code: codes.PermissionDenied, secret: writer,
			msg: "clerk: this requires permission org:invoices:read"},
		{name: "success", md: bearer(reader), code: codes.OK, user: "user_reader"},
		{name: "success, bare token", md: []string{"authorization", reader}, code: codes.OK, user: "user_reader"},
		{name: "first value decides", md: append(bearer(reader), "authorization", "Bearer "+writer), code: codes.OK, user: "user_reader"},
	}
	runCases(t, c, p, cases)
	documented(t, cases)

	t.Run("skipped method", func(t *testing.T) {
		if _, err := c.List(context.Background(), &healthpb.HealthListRequest{}); err != nil {
			t.Errorf("List, exempt by Skip, failed without a token: %v", err)
		}
	})
}

// A guard accepting API keys lets one through, with the machine's Auth,
// and still refuses a session token.
func TestGuardAcceptsToken(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	c, p := serve(t, a, clerkgrpc.Options{AcceptsToken: []clerk.TokenType{clerk.TokenTypeAPIKey}})
	apiKey := inst.APIKey(clerktest.APIKeySpec{Subject: "user_machine"})
	session := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	runCases(t, c, p, []guardCase{
		{name: "api key", md: bearer(apiKey), code: codes.OK, user: "user_machine"},
		{name: "session token", md: bearer(session), code: codes.Unauthenticated, secret: session,
			msg: "clerk: tokens of this type are not accepted here (reason token-type-mismatch)", reason: clerk.ReasonTokenTypeMismatch},
	})
	unary, stream := callBoth(t, c, bearer(apiKey)...)
	if unary.typ != string(clerk.TokenTypeAPIKey) || stream.typ != string(clerk.TokenTypeAPIKey) {
		t.Errorf("token types %q and %q in the handlers, want %q", unary.typ, stream.typ, clerk.TokenTypeAPIKey)
	}
}

// MetadataKey moves the token to another key (as given, in any case); the
// authorization metadata is then not read.
func TestGuardMetadataKey(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	c, p := serve(t, a, clerkgrpc.Options{MetadataKey: "X-Clerk-Token"})
	tok := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	noToken := "clerk: the call carries no token: send it as x-clerk-token metadata, \"Bearer <token>\" (reason " + string(clerk.ReasonNoTokenInHeader) + ")"
	runCases(t, c, p, []guardCase{
		{name: "bare token", md: []string{"x-clerk-token", tok}, code: codes.OK, user: "user_1"},
		{name: "bearer token", md: []string{"x-clerk-token", "Bearer " + tok}, code: codes.OK, user: "user_1"},
		{name: "in authorization", md: bearer(tok), code: codes.Unauthenticated, msg: noToken, reason: clerk.ReasonNoTokenInHeader},
	})
}

// A token that cannot be checked, because the JWKS does not load, ends
// with Unavailable: the client may retry, and is not told it is signed out.
func TestGuardUnavailable(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"errors":[{"code":"internal_error","message":"down"}]}`, http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: failing.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	opts := inst.Options()
	opts.JWTKey = "" // verify through the failing JWKS endpoint
	opts.Client = client
	opts.Logger = slog.New(slog.DiscardHandler)
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	c, p := serve(t, a, clerkgrpc.Options{})
	tok := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	cases := []guardCase{
		{name: "jwks down", md: bearer(tok), code: codes.Unavailable, secret: tok,
			msg:    "clerk: the token could not be checked now; try again later (reason " + string(clerk.ReasonRemoteJWKFailedToLoad) + ")",
			reason: clerk.ReasonRemoteJWKFailedToLoad},
	}
	runCases(t, c, p, cases)
	documented(t, cases)
}

// OnReject's error replaces the default one; a nil answer still refuses.
func TestGuardOnReject(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	c, p := serve(t, a, clerkgrpc.Options{OnReject: func(ctx context.Context, method string, rej clerk.Rejection) error {
		methods = append(methods, method)
		if rej.Reason == clerk.ReasonNoTokenInHeader {
			return nil // the default error
		}
		return status.Error(codes.NotFound, "no such thing")
	}})
	unary, stream := callBoth(t, c, bearer("not-a-jwt")...)
	for _, err := range []error{unary.err, stream.err} {
		if st := status.Convert(err); st.Code() != codes.NotFound || st.Message() != "no such thing" {
			t.Errorf("status %v %q, want OnReject's NotFound", st.Code(), st.Message())
		}
	}
	unary, stream = callBoth(t, c)
	for _, err := range []error{unary.err, stream.err} {
		if st := status.Convert(err); st.Code() != codes.Unauthenticated {
			t.Errorf("status %v %q after OnReject answered nil, want Unauthenticated", st.Code(), st.Message())
		}
	}
	want := []string{healthpb.Health_Check_FullMethodName, healthpb.Health_Watch_FullMethodName}
	if len(methods) != 4 || methods[0] != want[0] || methods[1] != want[1] {
		t.Errorf("OnReject saw methods %q, want %q twice", methods, want)
	}
	if n := p.runs.Load(); n != 0 {
		t.Errorf("the handlers ran %d times", n)
	}
}

func TestNewGuardErrors(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    *clerk.Authenticator
		opts clerkgrpc.Options
		want string
	}{
		{"no authenticator", nil, clerkgrpc.Options{}, "clerkgrpc: NewGuard needs a *clerk.Authenticator"},
		{"binary key", a, clerkgrpc.Options{MetadataKey: "token-bin"}, `clerkgrpc: Options.MetadataKey "token-bin": a binary (-bin) key`},
		{"reserved key", a, clerkgrpc.Options{MetadataKey: "grpc-token"}, `clerkgrpc: Options.MetadataKey "grpc-token": grpc- keys are reserved`},
		{"bad byte", a, clerkgrpc.Options{MetadataKey: "x token"}, `clerkgrpc: Options.MetadataKey "x token": byte ' ' is not allowed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := clerkgrpc.NewGuard(tc.a, tc.opts)
			if err == nil || g != nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("NewGuard = %v, %v; want an error starting %q", g, err, tc.want)
			}
		})
	}
}

// documented checks that docs/grpc.md shows each refusal's message as the
// tests saw it.
func documented(t *testing.T, cases []guardCase) {
	t.Helper()
	doc, err := os.ReadFile("../../docs/grpc.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		if tc.msg != "" && !strings.Contains(string(doc), "`"+strings.TrimPrefix(tc.msg, "clerk: ")+"`") {
			t.Errorf("docs/grpc.md lacks the message of %q: %s", tc.name, tc.msg)
		}
	}
}
