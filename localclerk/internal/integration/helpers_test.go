package integration

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
)

// fakeClock is the one clock shared by localclerk and the middleware, so
// token expiry is reached by advancing it rather than by sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Now().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startLocalclerk starts a seeded in-memory instance, closed with the test.
func startLocalclerk(t *testing.T, opts localclerk.Options) *localclerk.Instance {
	t.Helper()
	opts.Seed = true
	// Seeding hashes the seed users' passwords at bcrypt's default cost on
	// low-priority threads: on a loaded 2-core machine that alone can take
	// tens of seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	inst, err := localclerk.Start(ctx, opts)
	if err != nil {
		t.Fatalf("localclerk.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("localclerk Close: %v", err)
		}
	})
	return inst
}

// newBackendClient is a Backend API client for inst; retries are off so a
// failing call reports at once.
func newBackendClient(t *testing.T, inst *localclerk.Instance, secret, machineSecret string) *backend.Client {
	t.Helper()
	c, err := backend.NewClient(backend.Config{SecretKey: secret, MachineSecretKey: machineSecret, APIURL: inst.BackendAPIURL, MaxRetries: -1})
	if err != nil {
		t.Fatalf("backend.NewClient: %v", err)
	}
	return c
}

// whoami is what the test application answers on every route: the
// middleware's decision and the auth object its handler sees.
type whoami struct {
	Path           string           `json:"path"`
	Status         clerk.AuthStatus `json:"status"`
	Reason         clerk.AuthReason `json:"reason"`
	Authenticated  bool             `json:"authenticated"`
	TokenType      string           `json:"token_type"`
	UserID         string           `json:"user_id"`
	SessionID      string           `json:"session_id"`
	OrgID          string           `json:"org_id"`
	OrgSlug        string           `json:"org_slug"`
	OrgRole        string           `json:"org_role"`
	OrgPermissions []string         `json:"org_permissions"`
	CanManageBill  bool             `json:"can_manage_billing"`
	IssuedAt       int64            `json:"iat"`
	Expires        int64            `json:"exp"`
	Azp            string           `json:"azp"`
	// Machine tokens.
	ID        string         `json:"id"`
	Subject   string         `json:"subject"`
	Name      string         `json:"name"`
	Scopes    []string       `json:"scopes"`
	Claims    map[string]any `json:"claims"`
	MachineID string         `json:"machine_id"`
}

// whoamiHandler answers whoami for GetAuth with the token types named by
// the accept query parameter (default: session tokens only).
func whoamiHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var opts []clerk.AuthOption
		if a := r.URL.Query().Get("accept"); a != "" {
			opts = append(opts, clerk.AcceptsToken(clerk.TokenType(a)))
		}
		a := clerk.GetAuth(r, opts...)
		st, reason := clerk.State(r)
		out := whoami{
			Path: r.URL.Path, Status: st, Reason: reason, Authenticated: a.IsAuthenticated, TokenType: string(a.TokenType),
			UserID: a.UserID, SessionID: a.SessionID, OrgID: a.OrgID, OrgSlug: a.OrgSlug, OrgRole: a.OrgRole,
			OrgPermissions: a.OrgPermissions, CanManageBill: a.Has(clerk.Permission("org:billing:manage")),
			ID: a.ID, Subject: a.Subject, Name: a.Name, Scopes: a.Scopes, Claims: a.Claims, MachineID: a.MachineID,
		}
		if len(a.SessionClaims) > 0 {
			var c struct {
				Iat int64  `json:"iat"`
				Exp int64  `json:"exp"`
				Azp string `json:"azp"`
			}
			if err := a.DecodeSessionClaims(&c); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			out.IssuedAt, out.Expires, out.Azp = c.Iat, c.Exp, c.Azp
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
}

// startApp serves whoamiHandler behind clerk.Middleware(opts) and returns
// its base URL. The app is addressed as http://localhost:<port> while
// localclerk runs on 127.0.0.1, so the two never share cookies: whatever
// the app knows, it learned through the handshake.
func startApp(t *testing.T, opts func(appURL string) clerk.Options) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	appURL := "http://localhost:" + port
	mw, err := clerk.Middleware(opts(appURL))
	if err != nil {
		t.Fatalf("clerk.Middleware: %v", err)
	}
	srv.Config.Handler = mw(whoamiHandler())
	srv.Start()
	t.Cleanup(srv.Close)
	return appURL
}

// hop is one HTTP exchange of a navigation.
type hop struct {
	Method   string
	URL      *url.URL
	Status   int
	Location string
}

func (h hop) String() string {
	s := h.Method + " " + h.URL.Scheme + "://" + h.URL.Host + h.URL.Path
	if h.Location != "" {
		loc := h.Location
		if u, err := url.Parse(loc); err == nil {
			loc = u.Scheme + "://" + u.Host + u.Path
		}
		return s + " → " + http.StatusText(h.Status) + " " + loc
	}
	return s + " → " + http.StatusText(h.Status)
}

// redirectCountCookie is the handshake loop guard: Clerk's SDKs count
// handshakes in a cookie that lives two seconds, and treat a third one
// within that window as a loop.
const redirectCountCookie = "__clerk_redirect_count"

// navJar is a cookie jar whose loop-guard cookie lasts one navigation. A
// person's clicks are seconds apart, so the guard's two-second cookie has
// expired by the next one; this test drives navigations milliseconds apart
// and must not be mistaken for a redirect loop. Within a navigation (the
// redirect chain) the guard works as in a browser.
type navJar struct {
	*cookiejar.Jar
	mu    sync.Mutex
	nav   int
	guard map[string]guardCookie // by host
}

type guardCookie struct {
	c   *http.Cookie
	nav int
}

func (j *navJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	rest := cookies[:0:0]
	for _, c := range cookies {
		if c.Name != redirectCountCookie {
			rest = append(rest, c)
			continue
		}
		j.mu.Lock()
		if c.MaxAge < 0 {
			delete(j.guard, u.Host)
		} else {
			j.guard[u.Host] = guardCookie{c: &http.Cookie{Name: c.Name, Value: c.Value}, nav: j.nav}
		}
		j.mu.Unlock()
	}
	j.Jar.SetCookies(u, rest)
}

func (j *navJar) Cookies(u *url.URL) []*http.Cookie {
	out := j.Jar.Cookies(u)
	j.mu.Lock()
	defer j.mu.Unlock()
	if g, ok := j.guard[u.Host]; ok && g.nav == j.nav {
		out = append(out, g.c)
	}
	return out
}

// nextNavigation starts a new user action.
func (j *navJar) nextNavigation() {
	j.mu.Lock()
	j.nav++
	j.mu.Unlock()
}

// browser is a net/http client that behaves like a browser for the parts
// that matter here: a cookie jar, redirects followed, and Sec-Fetch-Dest:
// document on every navigation hop. It records each exchange.
type browser struct {
	t    *testing.T
	jar  *navJar
	c    *http.Client
	mu   sync.Mutex
	hops []hop
}

type recorder struct {
	b    *browser
	next http.RoundTripper
}

func (rt recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(r)
	if err == nil {
		rt.b.mu.Lock()
		rt.b.hops = append(rt.b.hops, hop{Method: r.Method, URL: r.URL, Status: resp.StatusCode, Location: resp.Header.Get("Location")})
		rt.b.mu.Unlock()
	}
	return resp, err
}

func newBrowser(t *testing.T) *browser {
	inner, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	jar := &navJar{Jar: inner, guard: map[string]guardCookie{}}
	b := &browser{t: t, jar: jar}
	b.c = &http.Client{
		Jar:       jar,
		Timeout:   30 * time.Second,
		Transport: recorder{b: b, next: http.DefaultTransport},
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if len(via) >= 12 {
				return http.ErrUseLastResponse
			}
			r.Header.Set("Sec-Fetch-Dest", "document")
			return nil
		},
	}
	return b
}

// navigation is the outcome of one navigation: every hop and the final page.
type navigation struct {
	hops []hop
	resp *http.Response
	body []byte
}

func (n *navigation) trace() string {
	var b strings.Builder
	for i, h := range n.hops {
		if i > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString(h.String())
	}
	return b.String()
}

// whoami decodes the final page as the app's whoami answer.
func (n *navigation) whoami(t *testing.T) whoami {
	t.Helper()
	var w whoami
	if n.resp.StatusCode != http.StatusOK {
		t.Fatalf("final status %d, want 200; hops:\n  %s\nbody: %s", n.resp.StatusCode, n.trace(), n.body)
	}
	if err := json.Unmarshal(n.body, &w); err != nil {
		t.Fatalf("final page is not the app's whoami (%v); hops:\n  %s\nbody: %.300s", err, n.trace(), n.body)
	}
	return w
}

// handshakes returns the hops that redirected to localclerk's handshake
// endpoint, parsed.
func (n *navigation) handshakes(fapi string) []*url.URL {
	var out []*url.URL
	for _, h := range n.hops {
		if h.Status != http.StatusTemporaryRedirect || !strings.HasPrefix(h.Location, fapi+"/v1/client/handshake?") {
			continue
		}
		u, err := url.Parse(h.Location)
		if err == nil {
			out = append(out, u)
		}
	}
	return out
}

func (b *browser) do(req *http.Request, document bool) *navigation {
	b.t.Helper()
	if document {
		req.Header.Set("Sec-Fetch-Dest", "document")
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
	}
	b.jar.nextNavigation()
	b.mu.Lock()
	start := len(b.hops)
	b.mu.Unlock()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read %s: %v", req.URL, err)
	}
	b.mu.Lock()
	hops := append([]hop(nil), b.hops[start:]...)
	b.mu.Unlock()
	return &navigation{hops: hops, resp: resp, body: body}
}

// open navigates to rawURL as a browser tab would.
func (b *browser) open(rawURL string) *navigation {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req, true)
}

// fetch is a script's GET (no Sec-Fetch-Dest: document): never a handshake.
func (b *browser) fetch(rawURL string) *navigation {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Dest", "empty")
	return b.do(req, false)
}

// submit posts a form to rawURL from a page of origin, as a browser does.
func (b *browser) submit(rawURL, origin string, form url.Values) *navigation {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	return b.do(req, true)
}

// cookie returns the value of the named cookie the jar holds for rawURL.
func (b *browser) cookie(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// startServer serves h on a loopback test server closed with t, and
// returns its URL.
func startServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// step makes one document request without following its redirect, and
// returns the Location it answers with.
func (b *browser) step(rawURL string) (int, string) {
	b.t.Helper()
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Dest", "document")
	b.jar.nextNavigation()
	resp, err := c.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", rawURL, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
