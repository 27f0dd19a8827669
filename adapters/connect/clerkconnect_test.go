package clerkconnect_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	clerk "github.com/goclerk/clerk"
	clerkconnect "github.com/goclerk/clerk/adapters/connect"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The procedures of the service under test, served without generated
// code: a unary and a server-streaming one that answer who the Auth in
// their context is, and one Skip exempts.
const (
	whoAmI   = "/clerktest.v1.Who/Am"
	whoWatch = "/clerktest.v1.Who/Watch"
	whoPing  = "/clerktest.v1.Who/Ping"
)

type str = wrapperspb.StringValue

// service counts its handlers' runs, so a test sees both that the handler
// ran and as whom.
type service struct{ runs atomic.Int32 }

func (s *service) user(ctx context.Context) (string, error) {
	s.runs.Add(1)
	auth, ok := clerk.AuthFromContext(ctx)
	if !ok || !auth.IsAuthenticated {
		return "", connect.NewError(connect.CodeInternal, errors.New("the handler ran without an authenticated Auth in its context"))
	}
	u := auth.UserID
	if u == "" {
		u = auth.Subject
	}
	if auth.TokenType != clerk.TokenTypeSessionToken {
		u += " " + string(auth.TokenType)
	}
	return u, nil
}

func (s *service) handler(ic *clerkconnect.Interceptor) http.Handler {
	mux := http.NewServeMux()
	opt := connect.WithInterceptors(ic)
	mux.Handle(whoAmI, connect.NewUnaryHandler(whoAmI, func(ctx context.Context, _ *connect.Request[str]) (*connect.Response[str], error) {
		u, err := s.user(ctx)
		if err != nil {
			return nil, err
		}
		return connect.NewResponse(wrapperspb.String(u)), nil
	}, opt))
	mux.Handle(whoWatch, connect.NewServerStreamHandler(whoWatch, func(ctx context.Context, _ *connect.Request[str], st *connect.ServerStream[str]) error {
		u, err := s.user(ctx)
		if err != nil {
			return err
		}
		for range 2 {
			if err := st.Send(wrapperspb.String(u)); err != nil {
				return err
			}
		}
		return nil
	}, opt))
	mux.Handle(whoPing, connect.NewUnaryHandler(whoPing, func(ctx context.Context, _ *connect.Request[str]) (*connect.Response[str], error) {
		if _, ok := clerk.AuthFromContext(ctx); ok {
			return nil, connect.NewError(connect.CodeInternal, errors.New("a skipped procedure got an Auth"))
		}
		return connect.NewResponse(wrapperspb.String("pong")), nil
	}, opt))
	return mux
}

// protocol is a way for a client to reach the server: the Connect
// protocol over HTTP/1.1, or gRPC over unencrypted HTTP/2.
type protocol struct {
	name   string
	client *http.Client
	opts   []connect.ClientOption
}

// serve starts the service behind the interceptor on a loopback listener
// speaking HTTP/1.1 and unencrypted HTTP/2, and returns its URL and the
// two protocols to call it with.
func serve(t *testing.T, a *clerk.Authenticator, opts clerkconnect.Options) (string, *service, []protocol) {
	t.Helper()
	ic, err := clerkconnect.NewInterceptor(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := &service{}
	srv := httptest.NewUnstartedServer(s.handler(ic))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	h2 := new(http.Protocols)
	h2.SetUnencryptedHTTP2(true)
	h2c := &http.Client{Transport: &http.Transport{Protocols: h2}}
	t.Cleanup(h2c.CloseIdleConnections)
	return srv.URL, s, []protocol{
		{"connect", srv.Client(), nil},
		{"grpc", h2c, []connect.ClientOption{connect.WithGRPC()}},
	}
}

type result struct {
	err  error
	user string
}

// callBoth makes a unary and a server-streaming call with header h.
func callBoth(t *testing.T, url string, p protocol, h http.Header) (unary, stream result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := func() *connect.Request[str] {
		r := connect.NewRequest(wrapperspb.String("hi"))
		for k, vs := range h {
			r.Header()[k] = vs
		}
		return r
	}
	res, err := connect.NewClient[str, str](p.client, url+whoAmI, p.opts...).CallUnary(ctx, req())
	unary.err = err
	if err == nil {
		unary.user = res.Msg.GetValue()
	}
	st, err := connect.NewClient[str, str](p.client, url+whoWatch, p.opts...).CallServerStream(ctx, req())
	if err != nil {
		stream.err = err
		return unary, stream
	}
	defer st.Close()
	got := 0
	for st.Receive() {
		got++
		stream.user = st.Msg().GetValue()
	}
	stream.err = st.Err()
	if stream.err == nil && got != 2 {
		t.Errorf("%s: the stream sent %d messages, want 2", p.name, got)
	}
	return unary, stream
}

type guardCase struct {
	name   string
	header http.Header
	code   connect.Code // 0 for success
	msg    string       // the exact error message
	reason clerk.AuthReason
	user   string // on success, who the handler saw
	secret string // must not appear in the message
}

func runCases(t *testing.T, url string, s *service, protocols []protocol, cases []guardCase) {
	t.Helper()
	for _, p := range protocols {
		for _, tc := range cases {
			t.Run(p.name+"/"+tc.name, func(t *testing.T) {
				before := s.runs.Load()
				unary, stream := callBoth(t, url, p, tc.header)
				for _, r := range []struct {
					kind string
					res  result
				}{{"unary", unary}, {"stream", stream}} {
					if tc.code == 0 {
						if r.res.err != nil || r.res.user != tc.user {
							t.Errorf("%s: %v, the handler saw %q; want success as %q", r.kind, r.res.err, r.res.user, tc.user)
						}
						continue
					}
					var ce *connect.Error
					if !errors.As(r.res.err, &ce) {
						t.Errorf("%s: error %v, want a *connect.Error", r.kind, r.res.err)
						continue
					}
					if ce.Code() != tc.code || ce.Message() != tc.msg {
						t.Errorf("%s: %v %q, want %v %q", r.kind, ce.Code(), ce.Message(), tc.code, tc.msg)
					}
					if tc.secret != "" && strings.Contains(ce.Error(), tc.secret) {
						t.Errorf("%s: the error shows the token", r.kind)
					}
					checkInfo(t, r.kind, ce, tc.reason)
				}
				ran := s.runs.Load() - before
				if tc.code == 0 && ran != 2 {
					t.Errorf("the handlers ran %d times for an accepted call, want 2", ran)
				}
				if tc.code != 0 && ran != 0 {
					t.Errorf("the handlers ran %d times for a refused call", ran)
				}
			})
		}
	}
}

// checkInfo asserts the error's ErrorInfo detail: Clerk's error code for
// the Connect code, in ErrorDomain, with the reason.
func checkInfo(t *testing.T, kind string, ce *connect.Error, reason clerk.AuthReason) {
	t.Helper()
	want := map[connect.Code]string{
		connect.CodeUnauthenticated:  "AUTHENTICATION_INVALID",
		connect.CodePermissionDenied: "AUTHORIZATION_INVALID",
		connect.CodeUnavailable:      "AUTHENTICATION_UNAVAILABLE",
	}[ce.Code()]
	for _, d := range ce.Details() {
		v, err := d.Value()
		if err != nil {
			t.Errorf("%s: detail %s: %v", kind, d.Type(), err)
			continue
		}
		if info, ok := v.(*errdetails.ErrorInfo); ok {
			if info.GetReason() != want || info.GetDomain() != clerkconnect.ErrorDomain || info.GetMetadata()["clerk_reason"] != string(reason) {
				t.Errorf("%s: ErrorInfo %v, want reason %s in %s with clerk_reason %q", kind, info, want, clerkconnect.ErrorDomain, reason)
			}
			return
		}
	}
	t.Errorf("%s: no ErrorInfo among %d details", kind, len(ce.Details()))
}

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

func org(perms ...string) *clerktest.Org {
	return &clerktest.Org{ID: "org_1", Slug: "acme", Role: "member", Permissions: perms}
}

// Every guard case, for a unary and a server-streaming call, with the
// Connect and the gRPC protocol over a real connection: the code, the
// exact message, the ErrorInfo detail, the handler never running for a
// refusal and seeing the Auth otherwise.
func TestInterceptor(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	opts := inst.Options()
	opts.Logger = slog.New(slog.DiscardHandler)
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	url, s, protocols := serve(t, a, clerkconnect.Options{
		Checks: []clerk.Check{clerk.Permission("org:invoices:read")},
		Skip:   func(p string) bool { return p == whoPing },
	})
	reader := inst.SessionToken(clerktest.Session{UserID: "user_reader", Org: org("org:invoices:read")})
	writer := inst.SessionToken(clerktest.Session{UserID: "user_writer", Org: org("org:invoices:manage")})
	expired := inst.SessionToken(clerktest.Session{UserID: "user_reader", TTL: -time.Minute, Org: org("org:invoices:read")})
	pending := inst.SessionToken(clerktest.Session{UserID: "user_pending", Status: "pending"})
	apiKey := inst.APIKey(clerktest.APIKeySpec{Subject: "user_reader"})
	noToken := "clerk: the call carries no token: send it in the Authorization header, \"Bearer <token>\" (reason " + string(clerk.ReasonNoTokenInHeader) + ")"
	cases := []guardCase{
		{name: "signed out", code: connect.CodeUnauthenticated, msg: noToken, reason: clerk.ReasonNoTokenInHeader},
		{name: "another scheme", header: http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}}, code: connect.CodeUnauthenticated, msg: noToken, reason: clerk.ReasonNoTokenInHeader},
		{name: "bad token", header: bearer("not-a-jwt"), code: connect.CodeUnauthenticated, secret: "not-a-jwt",
			msg: "clerk: the token is invalid (reason token-invalid)", reason: clerk.ReasonTokenInvalid},
		{name: "expired token", header: bearer(expired), code: connect.CodeUnauthenticated, secret: expired,
			msg:    "clerk: the token has expired (reason session-token-expired-refresh-non-eligible-no-refresh-cookie)",
			reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"},
		{name: "wrong token type", header: bearer(apiKey), code: connect.CodeUnauthenticated, secret: apiKey,
			msg: "clerk: tokens of this type are not accepted here (reason token-type-mismatch)", reason: clerk.ReasonTokenTypeMismatch},
		{name: "pending session", header: bearer(pending), code: connect.CodeUnauthenticated, secret: pending,
			msg: "clerk: the session is pending: the user has a task to finish (e.g. choosing an organization)"},
		{name: "missing permission", header: bearer(writer), code: connect.CodePermissionDenied, secret: writer,
			msg: "clerk: this requires permission org:invoices:read"},
		{name: "success", header: bearer(reader), user: "user_reader"},
		{name: "success, bare token", header: http.Header{"Authorization": {reader}}, user: "user_reader"},
		{name: "first value decides", header: http.Header{"Authorization": {"Bearer " + reader, "Bearer " + writer}}, user: "user_reader"},
	}
	runCases(t, url, s, protocols, cases)
	documented(t, cases)

	for _, p := range protocols {
		t.Run(p.name+"/skipped procedure", func(t *testing.T) {
			res, err := connect.NewClient[str, str](p.client, url+whoPing, p.opts...).CallUnary(context.Background(), connect.NewRequest(wrapperspb.String("")))
			if err != nil || res.Msg.GetValue() != "pong" {
				t.Errorf("Ping, exempt by Skip, without a token: %v", err)
			}
		})
	}
}

// A guard accepting API keys lets one through, with the machine's Auth,
// and still refuses a session token.
func TestInterceptorAcceptsToken(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	url, s, protocols := serve(t, a, clerkconnect.Options{AcceptsToken: []clerk.TokenType{clerk.TokenTypeAPIKey}})
	apiKey := inst.APIKey(clerktest.APIKeySpec{Subject: "user_machine"})
	session := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	runCases(t, url, s, protocols, []guardCase{
		{name: "api key", header: bearer(apiKey), user: "user_machine " + string(clerk.TokenTypeAPIKey)},
		{name: "session token", header: bearer(session), code: connect.CodeUnauthenticated, secret: session,
			msg: "clerk: tokens of this type are not accepted here (reason token-type-mismatch)", reason: clerk.ReasonTokenTypeMismatch},
	})
}

// Header moves the token to another header (named in any case); the
// Authorization header is then not read.
func TestInterceptorHeader(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	url, s, protocols := serve(t, a, clerkconnect.Options{Header: "x-clerk-token"})
	tok := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	noToken := "clerk: the call carries no token: send it in the X-Clerk-Token header, \"Bearer <token>\" (reason " + string(clerk.ReasonNoTokenInHeader) + ")"
	runCases(t, url, s, protocols, []guardCase{
		{name: "bare token", header: http.Header{"X-Clerk-Token": {tok}}, user: "user_1"},
		{name: "bearer token", header: http.Header{"X-Clerk-Token": {"Bearer " + tok}}, user: "user_1"},
		{name: "in authorization", header: bearer(tok), code: connect.CodeUnauthenticated, msg: noToken, reason: clerk.ReasonNoTokenInHeader},
	})
}

// A token that cannot be checked, because the JWKS does not load, ends
// with Unavailable: the client may retry, and is not told it is signed out.
func TestInterceptorUnavailable(t *testing.T) {
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
	url, s, protocols := serve(t, a, clerkconnect.Options{})
	tok := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	cases := []guardCase{
		{name: "jwks down", header: bearer(tok), code: connect.CodeUnavailable, secret: tok,
			msg:    "clerk: the token could not be checked now; try again later (reason " + string(clerk.ReasonRemoteJWKFailedToLoad) + ")",
			reason: clerk.ReasonRemoteJWKFailedToLoad},
	}
	runCases(t, url, s, protocols, cases)
	documented(t, cases)
}

// OnReject's error replaces the default one; a nil answer still refuses.
func TestInterceptorOnReject(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	var procedures atomic.Int32
	url, s, protocols := serve(t, a, clerkconnect.Options{OnReject: func(ctx context.Context, procedure string, rej clerk.Rejection) error {
		if procedure == whoAmI || procedure == whoWatch {
			procedures.Add(1)
		}
		if rej.Reason == clerk.ReasonNoTokenInHeader {
			return nil // the default error
		}
		return connect.NewError(connect.CodeNotFound, errors.New("no such thing"))
	}})
	for _, p := range protocols {
		unary, stream := callBoth(t, url, p, bearer("not-a-jwt"))
		for _, err := range []error{unary.err, stream.err} {
			var ce *connect.Error
			if !errors.As(err, &ce) || ce.Code() != connect.CodeNotFound || ce.Message() != "no such thing" {
				t.Errorf("%s: error %v, want OnReject's NotFound", p.name, err)
			}
		}
		unary, stream = callBoth(t, url, p, nil)
		for _, err := range []error{unary.err, stream.err} {
			if connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Errorf("%s: error %v after OnReject answered nil, want Unauthenticated", p.name, err)
			}
		}
	}
	if n := procedures.Load(); n != 8 {
		t.Errorf("OnReject saw the guarded procedures %d times, want 8", n)
	}
	if n := s.runs.Load(); n != 0 {
		t.Errorf("the handlers ran %d times", n)
	}
}

// On a client the interceptor changes nothing: the call goes out without
// being authenticated locally.
func TestInterceptorOnClient(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	ic, err := clerkconnect.NewInterceptor(a, clerkconnect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url, _, protocols := serve(t, a, clerkconnect.Options{})
	tok := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	for _, p := range protocols {
		opts := append([]connect.ClientOption{connect.WithInterceptors(ic)}, p.opts...)
		req := func() *connect.Request[str] {
			r := connect.NewRequest(wrapperspb.String(""))
			r.Header().Set("Authorization", "Bearer "+tok)
			return r
		}
		res, err := connect.NewClient[str, str](p.client, url+whoAmI, opts...).CallUnary(context.Background(), req())
		if err != nil || res.Msg.GetValue() != "user_1" {
			t.Errorf("%s: a client with the interceptor: %v", p.name, err)
		}
		st, err := connect.NewClient[str, str](p.client, url+whoWatch, opts...).CallServerStream(context.Background(), req())
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		n := 0
		for st.Receive() {
			n++
		}
		if st.Err() != nil || n != 2 {
			t.Errorf("%s: a streaming client with the interceptor: %d messages, %v", p.name, n, st.Err())
		}
		_ = st.Close()
	}
}

func TestNewInterceptorErrors(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    *clerk.Authenticator
		opts clerkconnect.Options
		want string
	}{
		{"no authenticator", nil, clerkconnect.Options{}, "clerkconnect: NewInterceptor needs a *clerk.Authenticator"},
		{"bad byte", a, clerkconnect.Options{Header: "X Token"}, `clerkconnect: Options.Header "X Token": byte ' ' is not allowed`},
		{"colon", a, clerkconnect.Options{Header: "X-Token:"}, `clerkconnect: Options.Header "X-Token:": byte ':' is not allowed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ic, err := clerkconnect.NewInterceptor(tc.a, tc.opts)
			if err == nil || ic != nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("NewInterceptor = %v, %v; want an error starting %q", ic, err, tc.want)
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
