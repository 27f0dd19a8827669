// Package clerkfiber adapts goclerk to Fiber v2 (fasthttp).
//
// Middleware converts the fasthttp request to a *http.Request (method,
// RequestURI, Host, every header, the Cookie header as received, TLS,
// remote address and a copy of the body) and runs the net/http middleware
// of github.com/goclerk/clerk on it, so every request is decided exactly as
// clerk.Middleware decides it. When the middleware answers itself (a 307
// handshake redirect, an error), its status, headers — every Set-Cookie
// included, in order — and body become the Fiber response and the chain
// stops. Otherwise the headers it set are copied to the Fiber response and
// the chain continues; the auth object is then available through GetAuth,
// and c.UserContext() carries the authenticated request context.
//
//	app := fiber.New()
//	mw, err := clerkfiber.Middleware(clerk.Options{})
//	if err != nil { … }
//	app.Use(mw)
//	app.Get("/me", clerkfiber.RequireAuth(clerk.RequireAuthOptions{}), func(c *fiber.Ctx) error {
//		return c.JSON(fiber.Map{"user": clerkfiber.GetAuth(c).UserID})
//	})
//
// The converted request owns copies of everything it holds, so auth
// objects stay valid after the handler returns (fasthttp reuses its
// buffers).
//
// clerkfiber.RequireAPIAuth(clerk.APIGuardOptions{…}) is the guard for JSON APIs: it
// answers 401 or 403 (WWW-Authenticate: Bearer and a JSON error body)
// where RequireAuth redirects to the sign-in page; Middleware alone lets
// every request through, signed out or not.
//
// The import path ends in /fiber; the package is named clerkfiber so that
// it does not shadow fiber itself.
package clerkfiber

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	clerk "github.com/goclerk/clerk"
	"github.com/gofiber/fiber/v2"
)

// requestKey stores the converted request in the Fiber context's locals.
type requestKey struct{}

// Middleware validates opts once and returns the Fiber middleware; see
// clerk.Middleware for the options and the decisions.
func Middleware(opts clerk.Options) (fiber.Handler, error) {
	mw, err := clerk.Middleware(opts)
	if err != nil {
		return nil, err
	}
	return Wrap(mw), nil
}

// Wrap turns a net/http middleware such as the one clerk.Middleware returns
// into a Fiber handler. The middleware sees the request converted once per
// Fiber request (or the one an earlier Wrap passed on, so contexts chain).
// If it calls its next handler, the headers it set so far go on the Fiber
// response (Set-Cookie values are added, other headers replace Fiber's) and
// the Fiber chain continues with the request it passed on. If it answers
// itself, its status, headers and body become the response and the chain
// stops.
func Wrap(mw func(http.Handler) http.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := request(c)
		if err != nil {
			return err
		}
		w := &responseWriter{header: http.Header{}}
		called := false
		var nextErr error
		mw(http.HandlerFunc(func(_ http.ResponseWriter, next *http.Request) {
			called = true
			applyHeader(c, w.header)
			w.header = http.Header{}
			c.Locals(requestKey{}, next)
			c.SetUserContext(next.Context())
			nextErr = c.Next()
		})).ServeHTTP(w, r)
		if called {
			return nextErr
		}
		applyHeader(c, w.header)
		c.Status(w.statusCode())
		c.Response().SetBody(w.body.Bytes())
		return nil
	}
}

// Request returns the net/http view of the Fiber request: the one the
// Clerk middleware passed on (its context carries the auth object) when
// it ran, else a fresh conversion. It returns an error only when the
// request target cannot be parsed as a URL.
func Request(c *fiber.Ctx) (*http.Request, error) { return request(c) }

func request(c *fiber.Ctx) (*http.Request, error) {
	if r, ok := c.Locals(requestKey{}).(*http.Request); ok {
		return r, nil
	}
	r, err := convert(c)
	if err != nil {
		return nil, err
	}
	c.Locals(requestKey{}, r)
	return r, nil
}

// GetAuth returns the request's auth object, as clerk.GetAuth does for a
// net/http request (session tokens only unless told otherwise). Without
// Middleware upstream it reports signed out.
func GetAuth(c *fiber.Ctx, opts ...clerk.AuthOption) clerk.Auth {
	r, ok := c.Locals(requestKey{}).(*http.Request)
	if !ok {
		r = &http.Request{Header: http.Header{}}
		r = r.WithContext(c.UserContext())
	}
	return clerk.GetAuth(r, opts...)
}

// RequireAuth lets requests with a signed-in user through and redirects
// the others (302) as clerk.RequireAuth does (see clerk.RequireAuthOptions).
func RequireAuth(opts clerk.RequireAuthOptions) fiber.Handler {
	return Wrap(clerk.RequireAuth(opts))
}

// RequireAPIAuth is clerk.RequireAPIAuth for JSON APIs: it fails closed,
// answering 401 or 403 (WWW-Authenticate: Bearer, a JSON error body, or
// opts.OnReject's answer) and stopping the chain; only authenticated
// requests that pass every check reach the handlers. It needs Middleware
// upstream (without it every request gets 500).
func RequireAPIAuth(opts clerk.APIGuardOptions) fiber.Handler {
	return Wrap(clerk.RequireAPIAuth(opts))
}

// convert builds a *http.Request as net/http's server would have for the
// same bytes, copying every value out of fasthttp's reusable buffers.
func convert(c *fiber.Ctx) (*http.Request, error) {
	ctx := c.Context()
	target := string(ctx.RequestURI())
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, fmt.Errorf("clerkfiber: parse the request target %q: %w", target, err)
	}
	body := bytes.Clone(ctx.PostBody())
	r := &http.Request{
		Method:        string(ctx.Method()),
		URL:           u,
		RequestURI:    target,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        make(http.Header),
		Host:          string(ctx.Host()),
		RemoteAddr:    ctx.RemoteAddr().String(),
		TLS:           ctx.TLSConnectionState(),
		ContentLength: int64(len(body)),
		Body:          io.NopCloser(bytes.NewReader(body)),
	}
	if proto := string(ctx.Request.Header.Protocol()); proto != "" {
		if major, minor, ok := http.ParseHTTPVersion(proto); ok {
			r.Proto, r.ProtoMajor, r.ProtoMinor = proto, major, minor
		}
	}
	h := &ctx.Request.Header
	// The Cookie header as the client sent it: fasthttp re-serializes the
	// cookies it parsed (dropping quotes and some values), which would
	// change what the decision reads.
	var rawCookies []string
	for k, v := range h.AllInOrder() {
		if strings.EqualFold(string(k), "Cookie") {
			rawCookies = append(rawCookies, string(v))
		}
	}
	for k, v := range h.All() {
		key := http.CanonicalHeaderKey(string(k))
		switch key {
		case "Host", "Transfer-Encoding":
			continue
		case "Cookie":
			if rawCookies != nil {
				continue
			}
		}
		r.Header.Add(key, string(v))
	}
	if rawCookies != nil {
		r.Header["Cookie"] = rawCookies
	}
	return r.WithContext(c.UserContext()), nil
}

// applyHeader puts header on the Fiber response: Set-Cookie values are
// added (keeping their order and exact text), other headers replace the
// response's values.
func applyHeader(c *fiber.Ctx, header http.Header) {
	rh := &c.Response().Header
	for k, vs := range header {
		if k == "Content-Length" {
			continue // fasthttp computes it from the body
		}
		if k != "Set-Cookie" {
			rh.Del(k)
		}
		for _, v := range vs {
			rh.Add(k, v)
		}
	}
}

// responseWriter records what the wrapped middleware writes when it answers
// a request itself.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

func (w *responseWriter) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
