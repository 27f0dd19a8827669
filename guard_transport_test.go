package clerk_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
	"github.com/goclerk/clerk/internal/adaptertest"
)

// Authenticator.Guard decides a bare token exactly as RequireAPIAuth
// decides a request carrying it as a bearer token: the same status, the
// same WWW-Authenticate and body once written, the same user let through.
// The middleware is HeaderOnly, as Authenticate is: a request without a
// token is signed out with ReasonNoTokenInHeader, not for lack of cookies.
func TestAuthenticatorGuardAgreesWithRequireAPIAuth(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	opts := inst.Options()
	opts.Logger = slog.New(slog.DiscardHandler)
	opts.HeaderOnly = true
	app, err := adaptertest.NetHTTPGuardApp(&opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, c := range adaptertest.GuardCases(inst) {
		if c.NoMiddleware || c.Path != adaptertest.APIPath || len(c.Header) > 1 || len(c.Header) == 1 && c.Header.Get("Authorization") == "" {
			continue // a cookie or the hook: not a bearer-token case
		}
		compared++
		t.Run(c.Name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "http://api.goclerk.test"+c.Path, nil)
			r.Header = c.Header.Clone()
			if r.Header == nil {
				r.Header = http.Header{}
			}
			want := httptest.NewRecorder()
			app.ServeHTTP(want, r)

			token := strings.TrimPrefix(c.Header.Get("Authorization"), "Bearer ")
			auth, rej := a.Guard(context.Background(), token, adaptertest.APIGuard)
			if want.Code == http.StatusOK {
				if rej != nil {
					t.Fatalf("Guard rejected (%d %s) what RequireAPIAuth let through", rej.Status, rej.Description)
				}
				if got := adaptertest.APIBody(auth); got != want.Body.String() {
					t.Errorf("Guard let %q through, RequireAPIAuth %q", got, want.Body)
				}
				return
			}
			if rej == nil {
				t.Fatalf("Guard let through what RequireAPIAuth answered %d", want.Code)
			}
			got := httptest.NewRecorder()
			rej.Write(got)
			if got.Code != want.Code || got.Body.String() != want.Body.String() ||
				got.Header().Get("WWW-Authenticate") != want.Header().Get("WWW-Authenticate") {
				t.Errorf("Guard's rejection writes %d %q %q, RequireAPIAuth %d %q %q",
					got.Code, got.Header().Get("WWW-Authenticate"), got.Body,
					want.Code, want.Header().Get("WWW-Authenticate"), want.Body)
			}
			if rej.Auth.IsAuthenticated != auth.IsAuthenticated || rej.Auth.UserID != auth.UserID {
				t.Errorf("Rejection.Auth %+v is not the returned Auth %+v", rej.Auth, auth)
			}
		})
	}
	if compared < 6 {
		t.Fatalf("compared %d guard cases, want the 6 bearer-token ones", compared)
	}
}

// A token Guard cannot check, because the JWKS cannot be fetched, is a 503
// with the server-side reason, not a 401 blaming the caller.
func TestAuthenticatorGuardUnavailable(t *testing.T) {
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
	opts.JWTKey = ""
	opts.Client = client
	opts.Logger = slog.New(slog.DiscardHandler)
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	_, rej := a.Guard(context.Background(), inst.SessionToken(clerktest.Session{UserID: "user_1"}), clerk.APIGuardOptions{})
	if rej == nil {
		t.Fatal("Guard let through a token it could not check")
	}
	if rej.Status != http.StatusServiceUnavailable || rej.Code != "authentication_unavailable" || rej.Reason != clerk.ReasonRemoteJWKFailedToLoad {
		t.Errorf("rejection %d %s %s, want 503 authentication_unavailable %s", rej.Status, rej.Code, rej.Reason, clerk.ReasonRemoteJWKFailedToLoad)
	}
}

// AuthFromContext reads what ContextWithAuth stored, else what the
// middleware decided for the request; a bare context is signed out.
func TestAuthFromContext(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	alice := a.Authenticate(context.Background(), inst.SessionToken(clerktest.Session{UserID: "user_alice"}))
	if got, ok := clerk.AuthFromContext(clerk.ContextWithAuth(context.Background(), alice)); !ok || got.UserID != "user_alice" || !got.IsAuthenticated {
		t.Errorf("ContextWithAuth then AuthFromContext = %q %v, %v", got.UserID, got.IsAuthenticated, ok)
	}

	got, ok := clerk.AuthFromContext(context.Background())
	if ok || got.IsAuthenticated || got.Reason() != clerk.ReasonMiddlewareMissing {
		t.Errorf("bare context: %v authenticated=%v reason %q, want signed out with %q", ok, got.IsAuthenticated, got.Reason(), clerk.ReasonMiddlewareMissing)
	}

	var seen string
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got, ok := clerk.AuthFromContext(r.Context()); ok && got.IsAuthenticated {
			seen = got.UserID
		}
		// What ContextWithAuth stores wins over the request's decision.
		if got, _ := clerk.AuthFromContext(clerk.ContextWithAuth(r.Context(), alice)); got.UserID != "user_alice" {
			t.Errorf("ContextWithAuth over a request context reads %q", got.UserID)
		}
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+inst.SessionToken(clerktest.Session{UserID: "user_bob"}))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen != "user_bob" {
		t.Errorf("AuthFromContext in a handler behind the middleware read %q, want user_bob", seen)
	}
}
