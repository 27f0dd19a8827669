package clerkgin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	clerk "github.com/goclerk/clerk"
	clerkgin "github.com/goclerk/clerk/adapters/gin"
	"github.com/goclerk/clerk/clerktest"
	"github.com/goclerk/clerk/internal/adaptertest"
)

func init() { gin.SetMode(gin.TestMode) }

// app serves the decision-table routes with Gin.
func app(opts clerk.Options) (http.Handler, error) {
	mw, err := clerkgin.Middleware(opts)
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(mw)
	r.GET(adaptertest.AuthPath, authRoute(clerk.AcceptsAnyToken()))
	r.POST(adaptertest.AuthPath, authRoute(clerk.AcceptsAnyToken()))
	r.GET(adaptertest.SessionPath, authRoute())
	r.GET(adaptertest.ProtectedPath, clerkgin.RequireAuth(clerk.RequireAuthOptions{SignInURL: adaptertest.SignInPath}), func(c *gin.Context) {
		c.String(http.StatusOK, "%s", adaptertest.ProtectedBody(clerkgin.GetAuth(c, clerk.AcceptsAnyToken())))
	})
	return r, nil
}

func authRoute(opts ...clerk.AuthOption) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", adaptertest.AuthBody(clerkgin.GetAuth(c, opts...)))
	}
}

func TestDecisionTable(t *testing.T) {
	s := adaptertest.NewDecisionSuite(t)
	if n := s.Run(t, "gin", app); n != len(s.Cases) {
		t.Errorf("gin: %d of %d cases differ from net/http", len(s.Cases)-n, len(s.Cases))
	}
}

func TestMiddlewareRejectsBadOptions(t *testing.T) {
	if _, err := clerkgin.Middleware(clerk.Options{PublishableKey: "nope", SecretKey: "sk_test_x"}); err == nil {
		t.Fatal("want an error for an invalid publishable key")
	}
}

func TestGetAuthWithoutMiddleware(t *testing.T) {
	r := gin.New()
	var got clerk.Auth
	r.GET("/", func(c *gin.Context) { got = clerkgin.GetAuth(c) })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if got.IsAuthenticated || got.UserID != "" {
		t.Fatalf("want signed out without the middleware, got %+v", got)
	}
}

func TestRequireAuthAbortsTheChain(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	mw, err := clerkgin.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(mw)
	reached := false
	r.GET("/private", clerkgin.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/login"}), func(c *gin.Context) { reached = true })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/private", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/login" || reached {
		t.Fatalf("got %d %q reached=%v, want 302 to /login without the handler", rec.Code, rec.Header().Get("Location"), reached)
	}
}

func TestBrowserHandshake(t *testing.T) {
	adaptertest.RunBrowserHandshake(t, "gin", func(opts clerk.Options) (string, func(), error) {
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
