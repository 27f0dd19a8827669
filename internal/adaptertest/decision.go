// Package adaptertest is the test kit the framework adapters (adapters/*,
// nested modules) run to prove they decide every request exactly as the
// net/http middleware does: the shared decision table (NewDecisionSuite),
// the browser handshake (RunBrowserHandshake) and a benchmark
// (BenchmarkSessionHeader). It builds on clerktest's fake instances; it is
// internal because it is no part of what users' own tests need.
package adaptertest

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// Routes every application under a DecisionSuite serves. An adapter's test
// app must implement them exactly so, with its own framework's idioms:
//
//   - AuthPath answers 200, Content-Type application/json, with the body
//     AuthBody(GetAuth(request, clerk.AcceptsAnyToken())).
//   - SessionPath is the same with the default GetAuth (session tokens only).
//   - ProtectedPath is guarded by RequireAuth(clerk.RequireAuthOptions{SignInURL: SignInPath}) and then answers
//     200 with ProtectedBody(GetAuth(request, clerk.AcceptsAnyToken())).
//
// Every other response (handshake redirects, errors) comes from the
// middleware itself.
const (
	AuthPath      = "/auth"
	SessionPath   = "/session"
	ProtectedPath = "/protected"
	SignInPath    = "/sign-in"
)

// The two instances of a DecisionSuite.
const (
	DevInstance  = "development"
	ProdInstance = "production"
)

// AuthBody is the body of AuthPath and SessionPath: the auth object's JSON,
// which is exactly what Express's JSON.stringify(getAuth(req)) prints.
func AuthBody(a clerk.Auth) []byte {
	b, err := json.Marshal(a)
	if err != nil {
		return []byte(`{"error":` + fmt.Sprintf("%q", err.Error()) + `}`)
	}
	return b
}

// ProtectedBody is the body of ProtectedPath.
func ProtectedBody(a clerk.Auth) string { return "hello " + a.UserID }

// NetHTTPApp is the baseline application of the decision table: the
// net/http middleware in front of the three routes.
func NetHTTPApp(opts clerk.Options) (http.Handler, error) {
	mw, err := clerk.Middleware(opts)
	if err != nil {
		return nil, fmt.Errorf("adaptertest: build the net/http middleware: %w", err)
	}
	return mw(NetHTTPRoutes()), nil
}

// NetHTTPRoutes serves the three routes with net/http, for a Clerk
// middleware applied around it (chi uses it as is).
func NetHTTPRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(AuthPath, func(w http.ResponseWriter, r *http.Request) {
		writeAuth(w, clerk.GetAuth(r, clerk.AcceptsAnyToken()))
	})
	mux.HandleFunc(SessionPath, func(w http.ResponseWriter, r *http.Request) {
		writeAuth(w, clerk.GetAuth(r))
	})
	mux.Handle(ProtectedPath, clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: SignInPath})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, ProtectedBody(clerk.GetAuth(r, clerk.AcceptsAnyToken())))
	})))
	return mux
}

func writeAuth(w http.ResponseWriter, a clerk.Auth) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(AuthBody(a))
}

// DecisionCase is one request of the shared table and the outcome the
// net/http middleware gives it.
type DecisionCase struct {
	Name     string
	Instance string // DevInstance or ProdInstance
	Method   string
	Target   string // path and query
	Host     string // default "app.goclerk.test"
	Header   http.Header
	Want     Outcome
}

// Request builds a fresh request for the case, to http://app.goclerk.test
// unless Host says otherwise.
func (c DecisionCase) Request() *http.Request {
	var body io.Reader
	if c.Method == http.MethodPost {
		body = strings.NewReader(`{"hello":"world"}`)
	}
	r := httptest.NewRequest(c.Method, "http://app.goclerk.test"+c.Target, body)
	r.RequestURI = c.Target // origin form, as a server receives it
	if c.Host != "" {
		r.Host = c.Host
	}
	for k, vs := range c.Header {
		r.Header[k] = slices.Clone(vs)
	}
	return r
}

// Outcome is what a decision is compared on: the status, the headers the
// middleware and RequireAuth decide (see ComparedHeaders) and the body.
type Outcome struct {
	Status int
	Header http.Header
	Body   string
}

// ComparedHeaders are the response headers an outcome keeps, besides every
// X-Clerk-Auth-* header.
var ComparedHeaders = []string{"Location", "Set-Cookie", "Cache-Control", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"}

// OutcomeOf reads the compared parts of a response.
func OutcomeOf(res *http.Response) (Outcome, error) {
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return Outcome{}, fmt.Errorf("adaptertest: read the response body: %w", err)
	}
	o := Outcome{Status: res.StatusCode, Header: http.Header{}, Body: string(b)}
	for k, vs := range res.Header {
		if strings.HasPrefix(k, "X-Clerk-Auth-") || slices.Contains(ComparedHeaders, k) {
			o.Header[k] = slices.Clone(vs)
		}
	}
	return o, nil
}

// Diff describes how got differs from o, "" when identical.
func (o Outcome) Diff(got Outcome) string {
	var d []string
	if o.Status != got.Status {
		d = append(d, fmt.Sprintf("status: want %d, got %d", o.Status, got.Status))
	}
	keys := map[string]bool{}
	for k := range o.Header {
		keys[k] = true
	}
	for k := range got.Header {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		if !slices.Equal(o.Header[k], got.Header[k]) {
			d = append(d, fmt.Sprintf("header %s: want %q, got %q", k, o.Header[k], got.Header[k]))
		}
	}
	if o.Body != got.Body {
		d = append(d, fmt.Sprintf("body: want %q, got %q", o.Body, got.Body))
	}
	return strings.Join(d, "\n")
}

// DecisionSuite is the shared request table: requests covering session
// tokens in the header and in cookies, expired and foreign tokens,
// handshake redirects and their resolution (signed token and nonce), dev
// browser rules, API keys, M2M and OAuth tokens through the fake Backend
// API, and RequireAuth — with the outcomes the plain net/http middleware
// produces. Adapters run it to show they decide identically.
type DecisionSuite struct {
	Dev, Prod *clerktest.Instance
	Cases     []DecisionCase
}

// NewDecisionSuite creates the two instances (development and production,
// sharing a clock stopped at the current second), the tokens, and the
// table, and records each case's outcome through NetHTTPApp.
func NewDecisionSuite(tb testing.TB) *DecisionSuite {
	tb.Helper()
	// A fixed clock keeps every outcome reproducible: messages such as
	// "the token expired at …; it is now …" must not depend on when a case
	// runs.
	now := time.Now().Truncate(time.Second)
	clock := func() time.Time { return now }
	s := &DecisionSuite{
		Dev:  clerktest.New(tb, clerktest.Options{Now: clock}),
		Prod: clerktest.New(tb, clerktest.Options{Now: clock, Production: true, FrontendAPI: "clerk.prod.goclerk.test"}),
	}
	s.Cases = s.table()
	apps := map[string]http.Handler{}
	for _, name := range []string{DevInstance, ProdInstance} {
		h, err := NetHTTPApp(s.Options(name))
		if err != nil {
			tb.Fatal(err)
		}
		apps[name] = h
	}
	for i := range s.Cases {
		c := &s.Cases[i]
		rec := httptest.NewRecorder()
		apps[c.Instance].ServeHTTP(rec, c.Request())
		o, err := OutcomeOf(rec.Result())
		if err != nil {
			tb.Fatal(err)
		}
		c.Want = o
	}
	return s
}

// Options returns the middleware options of the named instance. Errors
// the table provokes on purpose are not logged.
func (s *DecisionSuite) Options(instance string) clerk.Options {
	inst := s.Dev
	if instance == ProdInstance {
		inst = s.Prod
	}
	opts := inst.Options()
	opts.Logger = slog.New(slog.DiscardHandler)
	return opts
}

// Run builds one application per instance with build, sends every case
// through it as a subtest, and reports each difference from the net/http
// outcome as a failure. It logs and returns the number of identical cases.
func (s *DecisionSuite) Run(t *testing.T, adapter string, build func(clerk.Options) (http.Handler, error)) int {
	t.Helper()
	apps, err := s.build(build)
	if err != nil {
		t.Fatalf("%s: %v", adapter, err)
	}
	same := 0
	for _, c := range s.Cases {
		ok := t.Run(c.Name, func(t *testing.T) {
			if d, err := c.diff(apps[c.Instance]); err != nil {
				t.Fatal(err)
			} else if d != "" {
				t.Errorf("%s %s (%s) differs from net/http:\n%s", c.Method, c.Target, c.Instance, d)
			}
		})
		if ok {
			same++
		}
	}
	t.Logf("%s: %d/%d decision cases identical to net/http", adapter, same, len(s.Cases))
	return same
}

// Compare is Run without a testing.T: it returns the differences from the
// net/http outcomes by case name (empty when every case is identical).
func (s *DecisionSuite) Compare(build func(clerk.Options) (http.Handler, error)) (map[string]string, error) {
	apps, err := s.build(build)
	if err != nil {
		return nil, err
	}
	diffs := map[string]string{}
	for _, c := range s.Cases {
		d, err := c.diff(apps[c.Instance])
		if err != nil {
			return nil, fmt.Errorf("case %q: %w", c.Name, err)
		}
		if d != "" {
			diffs[c.Name] = d
		}
	}
	return diffs, nil
}

func (s *DecisionSuite) build(build func(clerk.Options) (http.Handler, error)) (map[string]http.Handler, error) {
	apps := map[string]http.Handler{}
	for _, name := range []string{DevInstance, ProdInstance} {
		h, err := build(s.Options(name))
		if err != nil {
			return nil, fmt.Errorf("build the %s app: %w", name, err)
		}
		apps[name] = h
	}
	return apps, nil
}

// diff sends the case through h and compares the outcome with Want.
func (c DecisionCase) diff(h http.Handler) (string, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, c.Request())
	got, err := OutcomeOf(rec.Result())
	if err != nil {
		return "", err
	}
	return c.Want.Diff(got), nil
}

func cookieHeader(cookies ...*http.Cookie) string {
	parts := make([]string, len(cookies))
	for i, c := range cookies {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}

func (s *DecisionSuite) table() []DecisionCase {
	dev, prod := s.Dev, s.Prod
	now := dev.Now()
	expiredAt := now.Add(-2 * time.Hour)

	user := dev.SessionToken(clerktest.Session{UserID: "user_1", SessionID: "sess_1"})
	orgUser := dev.SessionToken(clerktest.Session{UserID: "user_2", Org: &clerktest.Org{ID: "org_1", Slug: "acme", Role: "admin",
		Permissions: []string{"org:invoices:read", "org:invoices:manage"}}, Features: "u:beta", Plans: "u:pro"})
	pending := dev.SessionToken(clerktest.Session{UserID: "user_3", Status: "pending"})
	actor := dev.SessionToken(clerktest.Session{UserID: "user_4", Actor: &clerktest.Actor{Subject: "user_admin"}})
	expired := dev.SessionToken(clerktest.Session{UserID: "user_1", IssuedAt: expiredAt})
	foreign := prod.SessionToken(clerktest.Session{UserID: "user_1"})
	apiKey := dev.APIKey(clerktest.APIKeySpec{Subject: "user_1", Name: "ci", Scopes: []string{"read"}, Claims: map[string]any{"team": "core"}})
	orgKey := dev.APIKey(clerktest.APIKeySpec{Subject: "org_1"})
	revokedKey := dev.APIKey(clerktest.APIKeySpec{Revoked: true})
	m2m := dev.M2MToken(clerktest.M2MTokenSpec{Subject: "mch_1", Scopes: []string{"mch_2"}, Claims: map[string]any{"env": "test"}})
	oauth := dev.OAuthToken(clerktest.OAuthTokenSpec{Subject: "user_5", ClientID: "client_9", Scopes: []string{"profile"}})
	dvb := dev.DevBrowser()

	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	document := func(h http.Header) http.Header {
		if h == nil {
			h = http.Header{}
		}
		h.Set("Accept", "text/html,application/xhtml+xml")
		h.Set("Sec-Fetch-Dest", "document")
		return h
	}
	cookies := func(h http.Header, cs ...*http.Cookie) http.Header {
		if h == nil {
			h = http.Header{}
		}
		h.Add("Cookie", cookieHeader(cs...))
		return h
	}
	signedIn := func(inst *clerktest.Instance, tok string) []*http.Cookie { return inst.SessionCookies(tok) }
	devBrowser := &http.Cookie{Name: "__clerk_db_jwt", Value: dvb}
	uatOnly := &http.Cookie{Name: "__client_uat", Value: fmt.Sprint(now.Unix())}

	get := func(name, target string, h http.Header) DecisionCase {
		return DecisionCase{Name: name, Instance: DevInstance, Method: http.MethodGet, Target: target, Header: h}
	}
	post := func(name, target string, h http.Header) DecisionCase {
		c := get(name, target, h)
		c.Method = http.MethodPost
		return c
	}
	prodGet := func(name, target string, h http.Header) DecisionCase {
		c := get(name, target, h)
		c.Instance = ProdInstance
		return c
	}
	q := func(path string, kv ...string) string {
		var b strings.Builder
		for i := 0; i+1 < len(kv); i += 2 {
			if i == 0 {
				b.WriteByte('?')
			} else {
				b.WriteByte('&')
			}
			b.WriteString(kv[i] + "=" + strings.ReplaceAll(kv[i+1], "+", "%2B"))
		}
		return path + b.String()
	}
	forwarded := document(http.Header{"X-Forwarded-Host": {"public.goclerk.test"}, "X-Forwarded-Proto": {"https"}})
	split := http.Header{"Cookie": {"__session=" + user, "__client_uat=" + fmt.Sprint(now.Unix()) + "; __clerk_db_jwt=" + dvb}}
	uat := clientUAT(dev, user)
	rawCookie := func(v string) http.Header { return document(http.Header{"Cookie": {v}}) }
	withHost := func(c DecisionCase, host string) DecisionCase { c.Host = host; return c }

	return []DecisionCase{
		get("session header signed in", AuthPath, bearer(user)),
		get("session header on the session route", SessionPath, bearer(user)),
		get("organization session with permissions", AuthPath, bearer(orgUser)),
		get("impersonated session", AuthPath, bearer(actor)),
		get("pending session, any token", AuthPath, bearer(pending)),
		get("pending session, session route", SessionPath, bearer(pending)),
		get("expired header token", AuthPath, bearer(expired)),
		get("expired header token on a document request", AuthPath, document(bearer(expired))),
		get("token signed by another instance", AuthPath, bearer(foreign)),
		get("malformed bearer token", AuthPath, bearer("not-a-jwt")),
		get("non-bearer authorization", AuthPath, http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}}),
		post("POST with a session header", AuthPath, bearer(user)),
		get("no token, API request", AuthPath, nil),
		get("no token, document without dev browser (handshake)", AuthPath, document(nil)),
		get("document with query behind a proxy (handshake)", q(AuthPath, "page", "2", "q", "a%20b"), forwarded),
		get("document with dev browser, signed out", AuthPath, document(cookies(nil, devBrowser))),
		get("document signed in by cookies", AuthPath, document(cookies(nil, signedIn(dev, user)...))),
		get("API request signed in by cookies", SessionPath, cookies(nil, signedIn(dev, orgUser)...)),
		get("cookies split over two Cookie headers", AuthPath, document(split)),
		get("quoted session cookie", AuthPath, rawCookie(`__session="`+user+`"; __client_uat=`+uat+`; __clerk_db_jwt=`+dvb)),
		get("duplicate session cookie, first wins", AuthPath, rawCookie("__session="+expired+"; __session="+user+"; __client_uat="+uat+"; __clerk_db_jwt="+dvb)),
		get("cookie parts without '=' and with spaces", AuthPath, rawCookie("junk;  __session = "+user+" ; __client_uat="+uat+";;__clerk_db_jwt="+dvb)),
		get("percent-encoded dev browser cookie", AuthPath, rawCookie("__clerk_db_jwt=dvb%5Fencoded%2Fvalue")),
		get("lowercase bearer scheme", AuthPath, http.Header{"Authorization": {"bearer " + user}}),
		get("repeated X-Forwarded-Host (handshake)", AuthPath, document(http.Header{"X-Forwarded-Host": {"first.goclerk.test", "second.goclerk.test"}})),
		withHost(get("host with a port (handshake)", q(AuthPath, "a", "1"), document(nil)), "app.goclerk.test:8443"),
		get("client_uat without session (handshake)", AuthPath, document(cookies(nil, devBrowser, uatOnly))),
		get("expired session cookie (handshake)", AuthPath, document(cookies(nil, signedIn(dev, expired)...))),
		post("expired session cookie on POST", AuthPath, cookies(nil, signedIn(dev, expired)...)),
		get("dev browser in the query (handshake)", q(AuthPath, "__clerk_db_jwt", dvb, "keep", "1"), document(nil)),
		get("handshake redirect loop stops at three", AuthPath, document(cookies(nil, &http.Cookie{Name: "__clerk_redirect_count", Value: "3"}))),
		get("handshake token resolution (Set-Cookie, 307)", q(AuthPath, "__clerk_handshake", dev.HandshakeToken(dev.HandshakeDirectives(user)...), "x", "1"), document(cookies(nil, devBrowser))),
		get("handshake nonce resolution (Set-Cookie, 307)", q(AuthPath, "__clerk_handshake_nonce", dev.HandshakeNonce(dev.HandshakeDirectives(orgUser)...)), document(cookies(nil, devBrowser))),
		get("handshake signed by another instance (500)", q(AuthPath, "__clerk_handshake", prod.HandshakeToken(prod.HandshakeDirectives(user)...)), document(nil)),
		get("API key of a user", AuthPath, bearer(apiKey)),
		get("API key on the session route", SessionPath, bearer(apiKey)),
		get("API key of an organization", AuthPath, bearer(orgKey)),
		get("unknown API key", AuthPath, bearer("ak_"+strings.Repeat("0", 32))),
		get("revoked API key", AuthPath, bearer(revokedKey)),
		get("M2M token", AuthPath, bearer(m2m)),
		get("unknown M2M token", AuthPath, bearer("mt_"+strings.Repeat("1", 32))),
		get("OAuth access token", AuthPath, bearer(oauth)),
		get("M2M token in JWT form", AuthPath, bearer(dev.M2MTokenJWT(clerktest.M2MTokenSpec{Subject: "mch_3", Scopes: []string{"mch_4"}}))),
		get("OAuth access token in JWT form", AuthPath, bearer(dev.OAuthTokenJWT(clerktest.OAuthTokenSpec{Subject: "user_6", Scopes: []string{"email"}}))),
		get("RequireAuth without auth (302)", ProtectedPath, nil),
		get("RequireAuth with a session", ProtectedPath, bearer(user)),
		get("RequireAuth with a user's API key", ProtectedPath, bearer(apiKey)),
		get("RequireAuth with an M2M token (302)", ProtectedPath, bearer(m2m)),
		get("RequireAuth with a pending session (302)", ProtectedPath, bearer(pending)),
		get("RequireAuth on a document without dev browser (handshake first)", ProtectedPath, document(nil)),
		get("RequireAuth signed in by cookies", ProtectedPath, document(cookies(nil, signedIn(dev, user)...))),
		prodGet("production: document signed in by cookies", AuthPath, document(cookies(nil, signedIn(prod, foreign)...))),
		prodGet("production: no cookies", AuthPath, document(nil)),
		prodGet("production: handshake resolution signs in (Set-Cookie on 200)", q(AuthPath, "__clerk_handshake", prod.HandshakeToken(prod.HandshakeDirectives(foreign)...)), document(nil)),
		prodGet("production: handshake resolution signs out", q(AuthPath, "__clerk_handshake", prod.HandshakeToken(prod.HandshakeDirectives("")...)), document(nil)),
		prodGet("production: expired session cookie (handshake)", AuthPath, document(cookies(nil, signedIn(prod, prod.SessionToken(clerktest.Session{IssuedAt: expiredAt}))...))),
		prodGet("production: RequireAuth without auth (302)", ProtectedPath, document(nil)),
	}
}

// clientUAT is the __client_uat value the instance sets with token.
func clientUAT(inst *clerktest.Instance, token string) string {
	for _, c := range inst.SessionCookies(token) {
		if c.Name == "__client_uat" {
			return c.Value
		}
	}
	return ""
}
