package clerkfiber_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	clerk "github.com/goclerk/clerk"
	clerkfiber "github.com/goclerk/clerk/adapters/fiber"
	"github.com/goclerk/clerk/clerktest"
	"github.com/goclerk/clerk/internal/adaptertest"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// app serves the decision-table routes with Fiber.
func app(opts clerk.Options) (*fiber.App, error) {
	mw, err := clerkfiber.Middleware(opts)
	if err != nil {
		return nil, err
	}
	a := fiber.New(fiber.Config{DisableStartupMessage: true})
	a.Use(mw)
	a.Get(adaptertest.AuthPath, authRoute(clerk.AcceptsAnyToken()))
	a.Post(adaptertest.AuthPath, authRoute(clerk.AcceptsAnyToken()))
	a.Get(adaptertest.SessionPath, authRoute())
	a.Get(adaptertest.ProtectedPath, clerkfiber.RequireAuth(clerk.RequireAuthOptions{SignInURL: adaptertest.SignInPath}), func(c *fiber.Ctx) error {
		return c.SendString(adaptertest.ProtectedBody(clerkfiber.GetAuth(c, clerk.AcceptsAnyToken())))
	})
	return a, nil
}

func authRoute(opts ...clerk.AuthOption) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(adaptertest.AuthBody(clerkfiber.GetAuth(c, opts...)))
	}
}

// handler serves a Fiber app as an http.Handler through app.Test, which
// sends the request over an in-memory connection as bytes on the wire.
func handler(t *testing.T, a *fiber.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := a.Test(r, -1)
		if err != nil {
			t.Errorf("fiber: %v", err)
			w.WriteHeader(599)
			return
		}
		defer res.Body.Close()
		for k, vs := range res.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, res.Body)
	})
}

func TestDecisionTable(t *testing.T) {
	s := adaptertest.NewDecisionSuite(t)
	n := s.Run(t, "fiber", func(opts clerk.Options) (http.Handler, error) {
		a, err := app(opts)
		if err != nil {
			return nil, err
		}
		return handler(t, a), nil
	})
	if n != len(s.Cases) {
		t.Errorf("fiber: %d of %d cases differ from net/http", len(s.Cases)-n, len(s.Cases))
	}
}

func TestMiddlewareRejectsBadOptions(t *testing.T) {
	if _, err := clerkfiber.Middleware(clerk.Options{PublishableKey: "nope", SecretKey: "sk_test_x"}); err == nil {
		t.Fatal("want an error for an invalid publishable key")
	}
}

func TestGetAuthWithoutMiddleware(t *testing.T) {
	a := fiber.New()
	var got clerk.Auth
	a.Get("/", func(c *fiber.Ctx) error { got = clerkfiber.GetAuth(c); return nil })
	if _, err := a.Test(httptest.NewRequest(http.MethodGet, "/", nil), -1); err != nil {
		t.Fatal(err)
	}
	if got.IsAuthenticated || got.UserID != "" {
		t.Fatalf("want signed out without the middleware, got %+v", got)
	}
}

// The converted request is what net/http's server would build, and the
// auth object outlives the handler (fasthttp reuses its buffers).
func TestConvertedRequest(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	mw, err := clerkfiber.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	var (
		seen *http.Request
		auth clerk.Auth
		body string
	)
	a := fiber.New()
	a.Use(mw)
	a.Post("/p/:id", func(c *fiber.Ctx) error {
		r, err := clerkfiber.Request(c)
		if err != nil {
			return err
		}
		if c.Params("id") != "7" {
			return c.SendStatus(http.StatusNoContent)
		}
		seen, auth = r, clerkfiber.GetAuth(c)
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		if clerk.GetAuth(r).UserID != auth.UserID {
			t.Error("Request and GetAuth disagree")
		}
		if got, _ := clerk.State(r); got != clerk.StatusSignedIn {
			t.Errorf("state %q, want signed-in", got)
		}
		return c.SendStatus(http.StatusNoContent)
	})
	tok := inst.SessionToken(clerktest.Session{UserID: "user_42"})
	req := httptest.NewRequest(http.MethodPost, "http://api.goclerk.test/p/7?x=%2F&y=1", strings.NewReader("payload"))
	req.RequestURI = "/p/7?x=%2F&y=1" // origin form; app.Test writes it verbatim
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	req.Header.Set("Cookie", `theme="dark"; lang=en`)
	res, err := a.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Run more requests so fasthttp reuses its buffers.
	for range 3 {
		r := httptest.NewRequest(http.MethodPost, "http://api.goclerk.test/p/8", strings.NewReader("other"))
		r.RequestURI = "/p/8"
		r.Header.Set("Authorization", "Bearer "+inst.SessionToken(clerktest.Session{UserID: "user_77"}))
		if _, err := a.Test(r, -1); err != nil {
			t.Fatal(err)
		}
	}
	checks := []struct{ what, got, want string }{
		{"method", seen.Method, http.MethodPost},
		{"host", seen.Host, "api.goclerk.test"},
		{"request URI", seen.RequestURI, "/p/7?x=%2F&y=1"},
		{"path", seen.URL.Path, "/p/7"},
		{"query", seen.URL.RawQuery, "x=%2F&y=1"},
		{"multi header", strings.Join(seen.Header.Values("X-Multi"), ","), "a,b"},
		{"cookie", seen.Header.Get("Cookie"), `theme="dark"; lang=en`},
		{"host header", seen.Header.Get("Host"), ""},
		{"body", body, "payload"},
		{"user", auth.UserID, "user_42"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
}

func TestRequireAuthStopsTheChain(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	mw, err := clerkfiber.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	a := fiber.New()
	a.Use(mw)
	reached := false
	a.Get("/private", clerkfiber.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/login"}), func(c *fiber.Ctx) error { reached = true; return nil })
	res, err := a.Test(httptest.NewRequest(http.MethodGet, "/private", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/login" || reached {
		t.Fatalf("got %d %q reached=%v, want 302 to /login without the handler", res.StatusCode, res.Header.Get("Location"), reached)
	}
}

// Cookies the middleware sets before the handler runs (a production
// handshake resolution) keep their exact text and order next to the
// handler's own cookies.
func TestSetCookiesWithHandlerCookies(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	mw, err := clerkfiber.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	a := fiber.New()
	a.Use(mw)
	a.Get("/", func(c *fiber.Ctx) error {
		c.Cookie(&fiber.Cookie{Name: "theme", Value: "dark"})
		return c.SendString(clerkfiber.GetAuth(c).UserID)
	})
	directives := inst.HandshakeDirectives(inst.SessionToken(clerktest.Session{UserID: "user_h"}))
	req := httptest.NewRequest(http.MethodGet, "/?__clerk_handshake="+inst.HandshakeToken(directives...), nil)
	req.Header.Set("Sec-Fetch-Dest", "document")
	res, err := a.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	got := res.Header.Values("Set-Cookie")
	if res.StatusCode != 200 || string(b) != "user_h" || len(got) != 3 || got[0] != directives[0] || got[1] != directives[1] || !strings.HasPrefix(got[2], "theme=dark") {
		t.Fatalf("got %d %q with cookies %q, want 200 user_h with %q then theme", res.StatusCode, b, got, directives)
	}
}

// The whole handshake with a real fasthttp listener, as a browser goes
// through it.
func TestBrowserHandshake(t *testing.T) {
	adaptertest.RunBrowserHandshake(t, "fiber", func(opts clerk.Options) (string, func(), error) {
		a, err := app(opts)
		if err != nil {
			return "", nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", nil, err
		}
		done := make(chan error, 1)
		go func() { done <- a.Listener(ln) }()
		stop := func() {
			if err := a.Shutdown(); err != nil {
				t.Errorf("fiber shutdown: %v", err)
			}
			<-done
		}
		return "http://" + ln.Addr().String(), stop, nil
	})
}

// BenchmarkSessionHeader measures a signed-in request with a session token
// in the Authorization header, through fasthttp's handler directly (no
// connection), so the cost of the request conversion shows.
func BenchmarkSessionHeader(b *testing.B) {
	inst := clerktest.New(b, clerktest.Options{})
	a, err := app(inst.Options())
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	auth := "Bearer " + inst.SessionToken(clerktest.Session{})
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.SetRequestURI(adaptertest.AuthPath)
		ctx.Request.Header.SetHost("app.goclerk.test")
		ctx.Request.Header.Set("Authorization", auth)
		h(&ctx)
		if ctx.Response.StatusCode() != http.StatusOK {
			b.Fatalf("status %d", ctx.Response.StatusCode())
		}
	}
}
