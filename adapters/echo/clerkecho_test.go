package clerkecho_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	clerk "github.com/goclerk/clerk"
	clerkecho "github.com/goclerk/clerk/adapters/echo"
	"github.com/goclerk/clerk/clerktest"
	"github.com/goclerk/clerk/internal/adaptertest"
	"github.com/labstack/echo/v4"
)

// app serves the decision-table routes with Echo.
func app(opts clerk.Options) (http.Handler, error) {
	mw, err := clerkecho.Middleware(opts)
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.Use(mw)
	e.GET(adaptertest.AuthPath, authRoute(clerk.AcceptsAnyToken()))
	e.POST(adaptertest.AuthPath, authRoute(clerk.AcceptsAnyToken()))
	e.GET(adaptertest.SessionPath, authRoute())
	e.GET(adaptertest.ProtectedPath, func(c echo.Context) error {
		return c.String(http.StatusOK, adaptertest.ProtectedBody(clerkecho.GetAuth(c, clerk.AcceptsAnyToken())))
	}, clerkecho.RequireAuth(clerk.RequireAuthOptions{SignInURL: adaptertest.SignInPath}))
	return e, nil
}

func authRoute(opts ...clerk.AuthOption) echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/json", adaptertest.AuthBody(clerkecho.GetAuth(c, opts...)))
	}
}

func TestDecisionTable(t *testing.T) {
	s := adaptertest.NewDecisionSuite(t)
	if n := s.Run(t, "echo", app); n != len(s.Cases) {
		t.Errorf("echo: %d of %d cases differ from net/http", len(s.Cases)-n, len(s.Cases))
	}
}

func TestMiddlewareRejectsBadOptions(t *testing.T) {
	if _, err := clerkecho.Middleware(clerk.Options{PublishableKey: "nope", SecretKey: "sk_test_x"}); err == nil {
		t.Fatal("want an error for an invalid publishable key")
	}
}

func TestGetAuthWithoutMiddleware(t *testing.T) {
	e := echo.New()
	var got clerk.Auth
	e.GET("/", func(c echo.Context) error { got = clerkecho.GetAuth(c); return nil })
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if got.IsAuthenticated || got.UserID != "" {
		t.Fatalf("want signed out without the middleware, got %+v", got)
	}
}

func TestRequireAuthStopsTheChain(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	mw, err := clerkecho.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.Use(mw)
	reached := false
	e.GET("/private", func(c echo.Context) error { reached = true; return nil }, clerkecho.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/login"}))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/private", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/login" || reached {
		t.Fatalf("got %d %q reached=%v, want 302 to /login without the handler", rec.Code, rec.Header().Get("Location"), reached)
	}
}

func TestBrowserHandshake(t *testing.T) {
	adaptertest.RunBrowserHandshake(t, "echo", func(opts clerk.Options) (string, func(), error) {
		h, err := app(opts)
		if err != nil {
			return "", nil, err
		}
		srv := httptest.NewServer(h)
		return srv.URL, srv.Close, nil
	})
}

// BenchmarkSessionHeader measures a signed-in request with a session token
// in the Authorization header (networkless verification, cached).
func BenchmarkSessionHeader(b *testing.B) { adaptertest.BenchmarkSessionHeader(b, app) }
