package adaptertest

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// Routes of a guard application (RunAPIGuard). An adapter's test app
// serves them behind its middleware (or without it, when told so):
//
//   - APIPath, guarded by the adapter's RequireAPIAuth(APIGuard), answers
//     200 with APIBody(GetAuth(request)).
//   - HookPath, guarded by RequireAPIAuth(HookGuard), answers the same.
const (
	APIPath  = "/api/invoices"
	HookPath = "/api/hooked"
)

// APIGuard is the guard of APIPath: session tokens with the permission
// org:invoices:read.
var APIGuard = clerk.APIGuardOptions{Checks: []clerk.Check{clerk.Permission("org:invoices:read")}}

// HookGuard is the guard of HookPath: any authenticated session, with an
// OnReject that answers 418 with the rejection's status and reason, after
// adding a header.
var HookGuard = clerk.APIGuardOptions{OnReject: func(w http.ResponseWriter, r *http.Request, rej clerk.Rejection) {
	w.Header().Set("X-Hooked", "1")
	w.WriteHeader(http.StatusTeapot)
	_, _ = io.WriteString(w, http.StatusText(rej.Status)+" "+string(rej.Reason))
}}

// APIBody is the body of a request the guard let through.
func APIBody(a clerk.Auth) string { return "ok " + a.UserID }

// GuardApp builds an application serving APIPath and HookPath; with
// opts nil it has no Clerk middleware in front of the guards.
type GuardApp func(opts *clerk.Options) (http.Handler, error)

// NetHTTPGuardApp is the net/http guard application.
func NetHTTPGuardApp(opts *clerk.Options) (http.Handler, error) {
	mux := http.NewServeMux()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, APIBody(clerk.GetAuth(r)))
	})
	mux.Handle(APIPath, clerk.RequireAPIAuth(APIGuard)(ok))
	mux.Handle(HookPath, clerk.RequireAPIAuth(HookGuard)(ok))
	if opts == nil {
		return mux, nil
	}
	mw, err := clerk.Middleware(*opts)
	if err != nil {
		return nil, err
	}
	return mw(mux), nil
}

// GuardCase is one request to a guard application and its exact answer.
type GuardCase struct {
	Name           string
	NoMiddleware   bool // sent to the application built without the middleware
	Path           string
	Header         http.Header
	Status         int
	Authenticate   string // WWW-Authenticate, "" for none
	Body           string
	HookedAnswered bool // the answer is the OnReject hook's (X-Hooked)
}

// GuardCases mints the tokens on inst (a production instance) and returns
// the table: signed out, a malformed and an expired token, a token of a
// type the guard does not accept, a missing permission, a pending session,
// success in the header and in the session cookie, the hook, and a guard
// without the middleware.
func GuardCases(inst *clerktest.Instance) []GuardCase {
	org := func(perms ...string) *clerktest.Org {
		return &clerktest.Org{ID: "org_1", Slug: "acme", Role: "member", Permissions: perms}
	}
	reader := inst.SessionToken(clerktest.Session{UserID: "user_reader", Org: org("org:invoices:read")})
	writer := inst.SessionToken(clerktest.Session{UserID: "user_writer", Org: org("org:invoices:manage")})
	expired := inst.SessionToken(clerktest.Session{UserID: "user_reader", TTL: -time.Minute, Org: org("org:invoices:read")})
	pending := inst.SessionToken(clerktest.Session{UserID: "user_pending", Status: "pending"})
	apiKey := inst.APIKey(clerktest.APIKeySpec{Subject: "user_reader"})
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	cookies := http.Header{"Cookie": {cookieHeader(inst.SessionCookies(reader)...)}}
	const invalid = `Bearer error="invalid_token", error_description=`
	body := func(code, msg, long, reason string) string {
		b := `{"errors":[{"code":"` + code + `","message":"` + msg + `","long_message":"` + long + `"`
		if reason != "" {
			b += `,"meta":{"reason":"` + reason + `"}`
		}
		return b + "}]}\n"
	}
	return []GuardCase{
		{Name: "signed out", Path: APIPath, Status: 401, Authenticate: "Bearer",
			Body: body("authentication_invalid", "Unauthorized", "the request carries no token: send it as Authorization: Bearer <token>", "session-token-and-uat-missing")},
		{Name: "malformed token", Path: APIPath, Header: bearer("not-a-jwt"), Status: 401,
			Authenticate: invalid + `"the token is invalid"`,
			Body:         body("authentication_invalid", "Unauthorized", "the token is invalid", "token-invalid")},
		{Name: "expired token", Path: APIPath, Header: bearer(expired), Status: 401,
			Authenticate: invalid + `"the token has expired"`,
			Body:         body("authentication_invalid", "Unauthorized", "the token has expired", "session-token-expired-refresh-non-eligible-no-refresh-cookie")},
		{Name: "wrong token type", Path: APIPath, Header: bearer(apiKey), Status: 401,
			Authenticate: invalid + `"tokens of this type are not accepted here"`,
			Body:         body("authentication_invalid", "Unauthorized", "tokens of this type are not accepted here", "token-type-mismatch")},
		{Name: "pending session", Path: APIPath, Header: bearer(pending), Status: 401,
			Authenticate: invalid + `"the session is pending: the user has a task to finish (e.g. choosing an organization)"`,
			Body:         body("authentication_invalid", "Unauthorized", "the session is pending: the user has a task to finish (e.g. choosing an organization)", "")},
		{Name: "missing permission", Path: APIPath, Header: bearer(writer), Status: 403,
			Authenticate: `Bearer error="insufficient_scope", error_description="this requires permission org:invoices:read"`,
			Body:         body("authorization_invalid", "Forbidden", "this requires permission org:invoices:read", "")},
		{Name: "success in the header", Path: APIPath, Header: bearer(reader), Status: 200, Body: "ok user_reader"},
		{Name: "success in the cookie", Path: APIPath, Header: cookies, Status: 200, Body: "ok user_reader"},
		{Name: "hook answers", Path: HookPath, Header: bearer("not-a-jwt"), Status: 418, Body: "Unauthorized token-invalid", HookedAnswered: true},
		{Name: "hook passes", Path: HookPath, Header: bearer(writer), Status: 200, Body: "ok user_writer"},
		{Name: "no middleware", NoMiddleware: true, Path: APIPath, Header: bearer(reader), Status: 500,
			Body: body("clerk_middleware_missing", "Internal Server Error", "clerk.RequireAPIAuth runs without clerk.Middleware upstream, so no request is authenticated: install the middleware in front of the guard", "")},
	}
}

// RunAPIGuard builds the application with and without the middleware on a
// fresh production instance and checks every GuardCase: status,
// WWW-Authenticate, body (so the next handler ran only where it says
// "ok"), Cache-Control: no-store on every rejection the guard wrote, and
// the hook's header where the hook answered.
func RunAPIGuard(t *testing.T, adapter string, build GuardApp) {
	t.Helper()
	inst := clerktest.New(t, clerktest.Options{Production: true})
	opts := inst.Options()
	opts.Logger = slog.New(slog.DiscardHandler)
	with, err := build(&opts)
	if err != nil {
		t.Fatalf("%s: build the guard app: %v", adapter, err)
	}
	without, err := build(nil)
	if err != nil {
		t.Fatalf("%s: build the guard app without middleware: %v", adapter, err)
	}
	for _, c := range GuardCases(inst) {
		t.Run(c.Name, func(t *testing.T) {
			h := with
			if c.NoMiddleware {
				h = without
			}
			r := httptest.NewRequest(http.MethodGet, "http://api.goclerk.test"+c.Path, nil)
			r.RequestURI = c.Path // origin form, as a server receives it
			for k, vs := range c.Header {
				r.Header[k] = vs
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			res := rec.Result()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.Status {
				t.Errorf("%s: status %d, want %d (body %q)", adapter, res.StatusCode, c.Status, b)
			}
			if got := res.Header.Get("WWW-Authenticate"); got != c.Authenticate {
				t.Errorf("%s: WWW-Authenticate %q, want %q", adapter, got, c.Authenticate)
			}
			if string(b) != c.Body {
				t.Errorf("%s: body %q, want %q", adapter, b, c.Body)
			}
			rejected := c.Status != http.StatusOK
			if rejected && !c.HookedAnswered && res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q on a rejection, want no-store", adapter, res.Header.Get("Cache-Control"))
			}
			if rejected && !c.HookedAnswered && res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("%s: Content-Type %q on a rejection", adapter, res.Header.Get("Content-Type"))
			}
			if got := res.Header.Get("X-Hooked") == "1"; got != c.HookedAnswered {
				t.Errorf("%s: hook answered = %v, want %v", adapter, got, c.HookedAnswered)
			}
		})
	}
}
