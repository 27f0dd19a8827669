package authn

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestQuiet(t *testing.T) {
	for _, c := range []struct {
		name   string
		method string
		target string
		header []string
		want   bool
	}{
		{"API call", "GET", "/api", []string{jsonAcc}, true},
		{"no headers at all", "GET", "/", nil, true},
		{"POST from a form", "POST", "/api", []string{docDest, htmlAcc}, true},
		{"fetch() asking for HTML", "GET", "/page", []string{"Sec-Fetch-Dest: empty", htmlAcc}, true},
		{"an image", "GET", "/logo.png", []string{"Sec-Fetch-Dest: image"}, true},
		{"a document navigation", "GET", "/", []string{docDest}, false},
		{"an iframe", "GET", "/", []string{"Sec-Fetch-Dest: iframe"}, false},
		{"HTML without Sec-Fetch-Dest", "GET", "/", []string{htmlAcc}, false},
		{"a query", "GET", "/api?x=1", []string{jsonAcc}, false},
		{"an empty query", "GET", "/api?", []string{jsonAcc}, false},
		{"a handshake parameter", "POST", "/api?__clerk_handshake=x", nil, false},
		{"a cookie", "GET", "/api", []string{"Cookie: a=b"}, false},
		{"an empty Authorization", "GET", "/api", []string{"Authorization:"}, false},
		{"a bearer token", "POST", "/api", []string{bearer("x")}, false},
		{"two Accept headers", "GET", "/", []string{jsonAcc, htmlAcc}, false},
		{"two Sec-Fetch-Dest headers", "GET", "/", []string{"Sec-Fetch-Dest: empty", docDest}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Quiet(request(t, c.method, c.target, c.header...)); got != c.want {
				t.Errorf("Quiet = %v, want %v", got, c.want)
			}
		})
	}
}

// quietConfigs are configurations whose decisions differ for requests
// with a token or a cookie, or for navigations.
func quietConfigs(t *testing.T) map[string]*Config {
	satellite := func(c *Config) *Config {
		c.IsSatellite, c.Domain, c.SignInURL = true, "satellite.example.net", "https://primary.example.com/sign-in"
		return c
	}
	orgs, err := CompilePatterns([]string{"/orgs/:slug", "/orgs/:slug/(.*)"})
	if err != nil {
		t.Fatal(err)
	}
	cs := map[string]*Config{
		"dev": devConfig(t), "prod": prodConfig(t),
		"dev satellite": satellite(devConfig(t)), "prod satellite": satellite(prodConfig(t)),
	}
	add := func(name string, base *Config, change func(*Config)) {
		change(base)
		cs[name] = base
	}
	add("dev satellite auto-sync", satellite(devConfig(t)), func(c *Config) { c.SatelliteAutoSync = true })
	add("dev relative proxy", devConfig(t), func(c *Config) { c.ProxyURL = "/__clerk" })
	add("prod absolute proxy", prodConfig(t), func(c *Config) { c.ProxyURL = "https://example.com/__clerk" })
	add("dev without handshake", devConfig(t), func(c *Config) { c.DisableHandshake = true })
	add("prod organization sync", prodConfig(t), func(c *Config) { c.OrgPatterns = orgs })
	add("session tokens only", devConfig(t), func(c *Config) { c.Accepts = acceptsSession })
	add("API keys only", prodConfig(t), func(c *Config) { c.Accepts = Accepts{Types: []string{TokenAPIKey}} })
	add("M2M tokens only", devConfig(t), func(c *Config) { c.Accepts = Accepts{Types: []string{TokenM2M}} })
	add("a list with sessions", prodConfig(t), func(c *Config) {
		c.Accepts = Accepts{List: true, Types: []string{TokenSession, TokenM2M}}
	})
	add("a list without sessions", devConfig(t), func(c *Config) { c.Accepts = Accepts{List: true, Types: []string{TokenOAuth}} })
	add("authorized parties", prodConfig(t), func(c *Config) { c.AuthorizedParties = []string{testOrigin} })
	return cs
}

// randomRequest draws a request of the shapes browsers, API clients and
// proxies send; about half are quiet.
func randomRequest(rng *rand.Rand) *http.Request {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	target := pick("/", "/api", "/orgs/acme", "/orgs/acme/settings", "/__clerk/v1/client", "/a%20b", "/caf%C3%A9")
	if rng.IntN(8) == 0 {
		target += pick("?__clerk_synced=false", "?__clerk_db_jwt=dvb", "?x=1", "?")
	}
	r := httptest.NewRequest(pick("GET", "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"), pick("http://localhost:3000", "https://app.example.com", "http://satellite.example.net")+target, nil)
	for _, h := range []struct{ name, values string }{
		{"Sec-Fetch-Dest", "|empty|script|image|document|iframe"},
		{"Accept", "|application/json|*/*|text/html,application/xhtml+xml|text/plain"},
		{"Origin", "|http://localhost:3000|https://evil.example"},
		{"Referer", "|http://localhost:3000/x|https://accounts.example.com/"},
		{"X-Forwarded-Host", "||proxy.example.org|bad host"},
		{"X-Forwarded-Proto", "||https|ftp"},
		{"User-Agent", "|curl/8|Mozilla/5.0"},
	} {
		if v := pick(strings.Split(h.values, "|")...); v != "" {
			r.Header.Set(h.name, v)
		}
	}
	switch rng.IntN(12) {
	case 0:
		r.Header.Set("Cookie", "__client_uat=0")
	case 1:
		r.Header.Set("Authorization", "Bearer ak_x")
	}
	return r
}

// TestQuietStateIsTheDecision holds the shortcut to the full decision: for
// every configuration, every quiet request decides exactly as QuietState.
func TestQuietStateIsTheDecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for name, c := range quietConfigs(t) {
		q := QuietState(c)
		if q == nil {
			t.Errorf("%s: no quiet state", name)
			continue
		}
		if calls := c.Backend.(*fakeBackend).calls; len(calls) != 0 {
			t.Errorf("%s: QuietState called the Backend API: %v", name, calls)
		}
		quiet := 0
		for range 400 {
			r := randomRequest(rng)
			if !Quiet(r) {
				continue
			}
			quiet++
			f := FactsFromRequest(r, false)
			full := AuthenticateInto(r.Context(), &f, c, nil)
			if !reflect.DeepEqual(*full, *q) || !reflect.DeepEqual(full.ResponseHeader(), q.ResponseHeader()) {
				t.Fatalf("%s: %s %s %v: the decision is %+v, QuietState %+v", name, r.Method, r.URL, r.Header, *full, *q)
			}
		}
		if quiet < 100 {
			t.Fatalf("%s: only %d of 400 requests were quiet", name, quiet)
		}
	}
}

// FuzzQuietDecision: whatever a quiet request carries, the development
// primary and satellite decide it as QuietState says.
func FuzzQuietDecision(f *testing.F) {
	f.Add("GET", "/api", "", "application/json", "localhost:3000", "", "")
	f.Add("POST", "/", "document", "text/html", "example.com", "proxy.example.org", "https")
	f.Add("GET", "/orgs/x", "empty", "text/html", "a:80", "b,c", "http,https")
	f.Fuzz(func(t *testing.T, method, path, dest, accept, host, fwdHost, fwdProto string) {
		r, err := http.NewRequest(method, "http://localhost"+path, nil)
		if err != nil || !strings.HasPrefix(path, "/") {
			return
		}
		r.RequestURI, r.Host = path, host
		for name, v := range map[string]string{"Sec-Fetch-Dest": dest, "Accept": accept, "X-Forwarded-Host": fwdHost, "X-Forwarded-Proto": fwdProto} {
			if v != "" {
				r.Header.Set(name, v)
			}
		}
		if !Quiet(r) {
			return
		}
		for _, c := range []*Config{devConfig(t), func() *Config {
			c := devConfig(t)
			c.IsSatellite, c.Domain, c.SignInURL = true, "satellite.example.net", "https://primary.example.com/sign-in"
			return c
		}()} {
			fa := FactsFromRequest(r, false)
			if full, q := AuthenticateInto(r.Context(), &fa, c, nil), QuietState(c); !reflect.DeepEqual(*full, *q) {
				t.Fatalf("%q %q: the decision is %+v, QuietState %+v", method, path, *full, *q)
			}
		}
	})
}
