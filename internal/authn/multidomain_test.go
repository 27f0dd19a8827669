package authn

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/reasons"
)

func satDev(tb testing.TB) *Config {
	c := devConfig(tb)
	c.IsSatellite = true
	c.Domain = "satellite.example.org"
	c.SignInURL = "https://primary.example.com/sign-in"
	return c
}

func satProd(tb testing.TB) *Config {
	c := prodConfig(tb)
	c.IsSatellite = true
	c.Domain = "satellite.example.org"
	return c
}

const satHost = "Host: satellite.example.org"

func TestSatellite(t *testing.T) {
	tok := sessionToken(t, nil)

	t.Run("dev first visit without cookies is signed out", func(t *testing.T) {
		st := authenticate(t, satDev(t), facts(t, "GET", "/page", satHost, docDest))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
	t.Run("dev needs sync goes to the primary's sign-in", func(t *testing.T) {
		st := authenticate(t, satDev(t), facts(t, "GET", "/page?__clerk_synced=false&x=1", satHost, docDest))
		expect(t, st, StatusHandshake, reasons.SatelliteCookieNeedsSyncing)
		want := "https://primary.example.com/sign-in?__clerk_redirect_url=" + q("http://satellite.example.org/page?__clerk_synced=false&x=1")
		if got := st.Headers.Get("Location"); got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		if st.Headers.Get("Cache-Control") != "no-store" || st.Headers.Get("Set-Cookie") == "" {
			t.Errorf("headers = %v", st.Headers)
		}
	})
	t.Run("dev sign-in URL keeps its query", func(t *testing.T) {
		c := satDev(t)
		c.SignInURL = "https://primary.example.com/sign-in?lang=fr"
		st := authenticate(t, c, facts(t, "GET", "/p?__clerk_synced=false", satHost, docDest))
		want := "https://primary.example.com/sign-in?lang=fr&__clerk_redirect_url=" + q("http://satellite.example.org/p?__clerk_synced=false")
		if got := st.Headers.Get("Location"); got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
	})
	t.Run("dev sync completed continues to the cookie rules", func(t *testing.T) {
		st := authenticate(t, satDev(t), facts(t, "GET", "/page?__clerk_synced=true", satHost, docDest))
		expect(t, st, StatusHandshake, reasons.DevBrowserMissing)
		base, _ := location(t, st)
		if base != "https://"+testFAPI+"/v1/client/handshake" {
			t.Errorf("dev satellite handshake base = %q", base)
		}
	})
	t.Run("dev autosync syncs on the first visit", func(t *testing.T) {
		c := satDev(t)
		c.SatelliteAutoSync = true
		st := authenticate(t, c, facts(t, "GET", "/page", satHost, docDest))
		expect(t, st, StatusHandshake, reasons.SatelliteCookieNeedsSyncing)
		want := "https://primary.example.com/sign-in?__clerk_redirect_url=" + q("http://satellite.example.org/page")
		if got := st.Headers.Get("Location"); got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
	})
	t.Run("dev satellite without an absolute sign-in URL fails", func(t *testing.T) {
		c := satDev(t)
		c.SignInURL = "/sign-in"
		st := Authenticate(t.Context(), facts(t, "GET", "/page?__clerk_synced=false", satHost, docDest), c)
		if st.Err == nil {
			t.Fatalf("want State.Err, got %q/%q", st.Status, st.Reason)
		}
	})
	t.Run("api requests are not synced", func(t *testing.T) {
		st := authenticate(t, satDev(t), facts(t, "GET", "/page?__clerk_synced=false", satHost))
		expect(t, st, StatusSignedOut, reasons.DevBrowserMissing)
	})
	t.Run("prod needs sync handshakes with the satellite's Frontend API", func(t *testing.T) {
		st := authenticate(t, satProd(t), facts(t, "GET", "/orders?__clerk_synced=false", satHost, docDest))
		expect(t, st, StatusHandshake, reasons.SatelliteCookieNeedsSyncing)
		base, p := location(t, st)
		if base != "https://clerk.satellite.example.org/v1/client/handshake" {
			t.Errorf("base = %q", base)
		}
		if got := param(t, p, "redirect_url"); got != "http://satellite.example.org/orders?__clerk_synced=false" {
			t.Errorf("redirect_url = %q", got)
		}
	})
	t.Run("prod first visit without cookies", func(t *testing.T) {
		expect(t, authenticate(t, satProd(t), facts(t, "GET", "/", satHost, docDest)), StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
	t.Run("prod autosync", func(t *testing.T) {
		c := satProd(t)
		c.SatelliteAutoSync = true
		expect(t, authenticate(t, c, facts(t, "GET", "/", satHost, docDest)), StatusHandshake, reasons.SatelliteCookieNeedsSyncing)
	})
	t.Run("prod valid cookie session", func(t *testing.T) {
		satTok := sessionToken(t, map[string]any{"iss": "https://clerk.satellite.example.org"})
		st := authenticate(t, satProd(t), facts(t, "GET", "/", satHost, docDest, cookie(uatCookie(), sessionCookie(satTok))))
		expect(t, st, StatusSignedIn, "")
	})
	t.Run("prod unsuffixed session of another issuer is not this instance's", func(t *testing.T) {
		// The primary's token (iss clerk.example.com) does not belong to the
		// satellite's Frontend API, so only suffixed cookies are read.
		st := authenticate(t, satProd(t), facts(t, "GET", "/", satHost, docDest, cookie(uatCookie(), sessionCookie(tok))))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
		sfx := CookieSuffix(pkLive)
		st = authenticate(t, satProd(t), facts(t, "GET", "/", satHost, docDest, cookie(uatCookie(), sessionCookie(tok), "__client_uat_"+sfx+"=1", "__session_"+sfx+"="+tok)))
		expect(t, st, StatusSignedIn, "")
	})
	t.Run("prod redirect loop stops", func(t *testing.T) {
		st := authenticate(t, satProd(t), facts(t, "GET", "/?__clerk_synced=false", satHost, docDest, cookie("__clerk_redirect_count=3")))
		expect(t, st, StatusSignedOut, reasons.SatelliteCookieNeedsSyncing)
	})
	t.Run("prod satellite with a proxy", func(t *testing.T) {
		c := satProd(t)
		c.ProxyURL = "https://satellite.example.org/__clerk"
		st := authenticate(t, c, facts(t, "GET", "/?__clerk_synced=false", satHost, docDest))
		base, _ := location(t, st)
		if base != "https://satellite.example.org/__clerk/v1/client/handshake" {
			t.Errorf("base = %q", base)
		}
	})
}

// domainsStub serves GET /v1/domains answers to a DomainSource.
type domainsStub struct {
	domains []Domain
	err     error
	calls   int
}

func (d *domainsStub) source(now func() time.Time) *DomainSource {
	return NewDomainSource(func(context.Context) ([]Domain, error) {
		d.calls++
		return d.domains, d.err
	}, now)
}

// devPrimary is a development primary whose instance has the satellite
// satellite.example.org (and one on localhost:3001 with a port).
func devPrimary(tb testing.TB) (*Config, *domainsStub) {
	c := devConfig(tb)
	d := &domainsStub{domains: []Domain{
		{Name: "example.com"},
		{Name: "satellite.example.org", IsSatellite: true},
		{Name: "sat.example.net:8443", IsSatellite: true, DevelopmentOrigin: "http://dev.sat.example.net:5173"},
	}}
	c.SatelliteDomains = d.source(c.Now)
	return c, d
}

func TestPrimaryRespondsToSync(t *testing.T) {
	back := "http://satellite.example.org/page?x=1"
	target := "/sign-in?__clerk_redirect_url=" + q(back)
	syncTo := func(u string) string { return "/sign-in?__clerk_redirect_url=" + q(u) }

	t.Run("redirects back to a satellite with the dev browser", func(t *testing.T) {
		c, _ := devPrimary(t)
		st := authenticate(t, c, facts(t, "GET", target, docDest, cookie(devCk)))
		expect(t, st, StatusHandshake, reasons.PrimaryRespondsToSyncing)
		want := "http://satellite.example.org/page?x=1&__clerk_db_jwt=" + testDevBrowse + "&__clerk_synced=true"
		if got := st.Headers.Get("Location"); got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
	})
	t.Run("replaces a stale __clerk_synced", func(t *testing.T) {
		c, _ := devPrimary(t)
		b := "http://satellite.example.org/?__clerk_synced=false"
		st := authenticate(t, c, facts(t, "GET", "/?__clerk_redirect_url="+q(b), docDest, cookie(devCk)))
		want := "http://satellite.example.org/?__clerk_synced=true&__clerk_db_jwt=" + testDevBrowse
		if got := st.Headers.Get("Location"); got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
	})
	t.Run("without a dev browser", func(t *testing.T) {
		c, _ := devPrimary(t)
		st := authenticate(t, c, facts(t, "GET", target, docDest))
		expect(t, st, StatusHandshake, reasons.PrimaryRespondsToSyncing)
		if got := st.Headers.Get("Location"); got != back+"&__clerk_synced=true" {
			t.Errorf("Location = %q", got)
		}
	})
	t.Run("api request is signed out", func(t *testing.T) {
		c, _ := devPrimary(t)
		expect(t, authenticate(t, c, facts(t, "GET", target, cookie(devCk))), StatusSignedOut, reasons.PrimaryRespondsToSyncing)
	})

	// Every allowed target, and the refused ones, which are decided as if
	// the parameter were absent (here: signed in with no redirect at all).
	valid := sessionToken(t, nil)
	signedIn := cookie(devCk, uatCookie(), sessionCookie(valid))
	rows := []struct {
		name, to string
		parties  []string
		allowed  []string
		ok       bool
	}{
		{name: "satellite domain", to: "http://satellite.example.org/p", ok: true},
		{name: "satellite domain over https", to: "https://satellite.example.org/p", ok: true},
		{name: "satellite domain with its development port", to: "http://sat.example.net:8443/", ok: true},
		{name: "satellite domain on another port", to: "http://sat.example.net:9000/"},
		{name: "satellite development origin", to: "http://dev.sat.example.net:5173/x", ok: true},
		{name: "request's own origin", to: testOrigin + "/elsewhere", ok: true},
		{name: "loopback name", to: "http://localhost:4000/", ok: true},
		{name: "loopback address", to: "http://127.0.0.1:4000/", ok: true},
		{name: "loopback IPv6", to: "http://[::1]:4000/", ok: true},
		{name: "127.* is not loopback as a name", to: "http://127.evil.example/"},
		{name: "AuthorizedParties origin", to: "https://app.example.io/x", parties: []string{"https://app.example.io"}, ok: true},
		{name: "AllowedRedirectOrigins origin", to: "https://app.example.io/x", allowed: []string{"https://app.example.io"}, ok: true},
		{name: "the primary domain is not a satellite", to: "https://example.com/"},
		{name: "a subdomain of a satellite", to: "https://x.satellite.example.org/"},
		{name: "unknown origin", to: "https://evil.example/x"},
		{name: "unknown origin with AuthorizedParties set", to: "https://evil.example/x", parties: []string{testOrigin}},
		{name: "relative URL", to: "/elsewhere"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			c, _ := devPrimary(t)
			c.AuthorizedParties, c.AllowedRedirectOrigins = row.parties, row.allowed
			st := authenticate(t, c, facts(t, "GET", syncTo(row.to), docDest, signedIn))
			loc := st.Headers.Get("Location")
			if row.ok {
				expect(t, st, StatusHandshake, reasons.PrimaryRespondsToSyncing)
				if !strings.HasPrefix(loc, row.to) || !strings.Contains(loc, "__clerk_db_jwt="+testDevBrowse) {
					t.Errorf("Location = %q, want %s with the dev browser", loc, row.to)
				}
				return
			}
			expect(t, st, StatusSignedIn, "")
			if loc != "" {
				t.Errorf("dev browser handed to %q", loc)
			}
		})
	}

	t.Run("the dev browser is not handed to an outsider's site", func(t *testing.T) {
		c, _ := devPrimary(t)
		st := authenticate(t, c, facts(t, "GET", syncTo("https://evil.example/x"), docDest, cookie(devCk)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
		if loc := st.Headers.Get("Location"); loc != "" {
			t.Errorf("dev browser handed to %q", loc)
		}
	})
	t.Run("satellites unknown when the domains cannot be listed", func(t *testing.T) {
		c, d := devPrimary(t)
		d.err = errors.New("backend down")
		st := authenticate(t, c, facts(t, "GET", target, docDest, signedIn))
		expect(t, st, StatusSignedIn, "")
		c.SatelliteDomains = nil
		expect(t, authenticate(t, c, facts(t, "GET", target, docDest, signedIn)), StatusSignedIn, "")
	})
	t.Run("production does not respond", func(t *testing.T) {
		expect(t, authenticate(t, prodConfig(t), facts(t, "GET", target, docDest)), StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
	t.Run("a satellite does not respond", func(t *testing.T) {
		st := authenticate(t, satDev(t), facts(t, "GET", target, satHost, docDest, cookie(devCk)))
		expect(t, st, StatusSignedOut, reasons.SessionTokenAndUATMissing)
	})
}

// The domain list is cached like the JWKS: one fetch serves requests for
// domainsTTL; an origin not in it refetches at most every
// domainsMinInterval; a failure is retried after domainsFailureBackoff.
func TestDomainSourceCaching(t *testing.T) {
	now := testNow
	clock := func() time.Time { return now }
	d := &domainsStub{domains: []Domain{{Name: "satellite.example.org", IsSatellite: true}}}
	s := d.source(clock)
	sat, _ := parseAbsolute("http://satellite.example.org/")
	other, _ := parseAbsolute("https://evil.example/")
	check := func(u ClerkURL, want bool, calls int) {
		t.Helper()
		if got := s.allows(t.Context(), u); got != want || d.calls != calls {
			t.Fatalf("allows(%s) = %v after %d fetches, want %v after %d", u.Origin(), got, d.calls, want, calls)
		}
	}
	check(sat, true, 1)
	check(sat, true, 1)
	check(other, false, 1) // just fetched: no refetch for an unknown origin
	now = now.Add(domainsMinInterval - time.Nanosecond)
	check(other, false, 1)
	now = now.Add(time.Nanosecond)
	check(other, false, 2) // a new satellite would have been found now
	for range 100 {
		check(other, false, 2)
	}
	now = now.Add(domainsTTL) // stale: refetched before answering
	d.domains = nil           // the satellite was removed
	check(sat, false, 3)

	d.err = errors.New("backend down")
	now = now.Add(domainsTTL)
	check(sat, false, 4)
	check(sat, false, 4) // backing off
	now = now.Add(domainsFailureBackoff)
	d.err, d.domains = nil, []Domain{{Name: "satellite.example.org", IsSatellite: true}}
	check(sat, true, 5)
}

func TestDomainSourceSharesConcurrentFetches(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int64
	s := NewDomainSource(func(context.Context) ([]Domain, error) {
		calls.Add(1)
		<-release
		return []Domain{{Name: "satellite.example.org", IsSatellite: true}}, nil
	}, func() time.Time { return testNow })
	sat, _ := parseAbsolute("http://satellite.example.org/")
	var wg sync.WaitGroup
	var refused atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !s.allows(t.Context(), sat) {
				refused.Add(1)
			}
		}()
	}
	close(release)
	wg.Wait()
	if calls.Load() != 1 || refused.Load() != 0 {
		t.Fatalf("50 concurrent lookups: %d fetches, %d refused; want 1 fetch, none refused", calls.Load(), refused.Load())
	}
}

func TestPrimaryCrossOriginSync(t *testing.T) {
	tok := sessionToken(t, nil)
	ck := cookie(devCk, uatCookie(), sessionCookie(tok))
	rows := []struct {
		name    string
		prod    bool
		referer string
		extra   []string
		status  string
		reason  string
	}{
		{name: "satellite referrer", referer: "https://satellite.example.org/page", status: StatusHandshake, reason: reasons.PrimaryDomainCrossOriginSync},
		{name: "same origin referrer", referer: testOrigin + "/other", status: StatusSignedIn},
		{name: "frontend api referrer", referer: "https://clerk.example.com/v1/x", status: StatusSignedIn},
		{name: "account portal referrer", referer: "https://accounts.example.com/sign-in", status: StatusSignedIn},
		{name: "dev account portal referrer", referer: "https://happy-cat-1.accounts.dev/sign-in", status: StatusSignedIn},
		{name: "dev account portal referrer in production", prod: true, referer: "https://happy-cat-1.accounts.dev/sign-in", status: StatusHandshake, reason: reasons.PrimaryDomainCrossOriginSync},
		{name: "loop counter set", referer: "https://satellite.example.org/", extra: []string{cookie(devCk, uatCookie(), sessionCookie(tok), "__clerk_redirect_count=1")}, status: StatusSignedIn},
		{name: "not a document", referer: "https://satellite.example.org/", extra: []string{"Sec-Fetch-Dest: empty"}, status: StatusSignedIn},
		{name: "malformed referrer", referer: "::not a url", status: StatusSignedIn},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := devConfig(t)
			if r.prod {
				c = prodConfig(t)
			}
			h := []string{"Referer: " + r.referer}
			if len(r.extra) > 0 && r.extra[0][:6] == "Cookie" {
				h = append(h, docDest, r.extra[0])
			} else if len(r.extra) > 0 {
				h = append(h, r.extra[0], ck)
			} else {
				h = append(h, docDest, ck)
			}
			st := authenticate(t, c, facts(t, "GET", "/", h...))
			expect(t, st, r.status, r.reason)
		})
	}
}

func orgConfig(tb testing.TB) *Config {
	tb.Helper()
	c := devConfig(tb)
	var err error
	if c.OrgPatterns, err = CompilePatterns([]string{"/orgs/:slug", "/orgs/:slug/(.*)", "/org-by-id/:id"}); err != nil {
		tb.Fatal(err)
	}
	if c.PersonalPatterns, err = CompilePatterns([]string{"/me", "/me/(.*)"}); err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestOrganizationSync(t *testing.T) {
	withOrg := sessionToken(t, map[string]any{"o": map[string]any{"id": "org_1", "slg": "acme", "rol": "admin", "per": "read", "fpm": "1"}, "fea": "o:reports"})
	personal := sessionToken(t, nil)
	pending := sessionToken(t, map[string]any{"sts": "pending"})
	rows := []struct {
		name    string
		token   string
		target  string
		extra   []string
		disable bool
		status  string
		orgID   *string // expected organization_id parameter
	}{
		{name: "slug matches", token: withOrg, target: "/orgs/acme/settings", status: StatusSignedIn},
		{name: "slug match is case-insensitive path", token: withOrg, target: "/ORGS/acme", status: StatusSignedIn},
		{name: "slug mismatch", token: withOrg, target: "/orgs/globex/settings", status: StatusHandshake, orgID: ptr("globex")},
		{name: "id mismatch", token: withOrg, target: "/org-by-id/org_2", status: StatusHandshake, orgID: ptr("org_2")},
		{name: "id matches", token: withOrg, target: "/org-by-id/org_1", status: StatusSignedIn},
		{name: "slug with no active org", token: personal, target: "/orgs/acme", status: StatusHandshake, orgID: ptr("acme")},
		{name: "personal account with active org", token: withOrg, target: "/me/profile", status: StatusHandshake, orgID: ptr("")},
		{name: "personal account without org", token: personal, target: "/me", status: StatusSignedIn},
		{name: "unmatched path", token: withOrg, target: "/elsewhere", status: StatusSignedIn},
		{name: "loop counter 3 skips activation", token: withOrg, target: "/orgs/globex", extra: []string{"__clerk_redirect_count=3"}, status: StatusSignedIn},
		{name: "loop counter 2 still activates", token: withOrg, target: "/orgs/globex", extra: []string{"__clerk_redirect_count=2"}, status: StatusHandshake, orgID: ptr("globex")},
		{name: "api request stays signed in", token: withOrg, target: "/orgs/globex", extra: []string{"api"}, status: StatusSignedIn},
		{name: "handshake disabled stays signed in", token: withOrg, target: "/orgs/globex", disable: true, status: StatusSignedIn},
		{name: "pending session is not activated", token: pending, target: "/orgs/globex", status: StatusSignedIn},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := orgConfig(t)
			c.DisableHandshake = r.disable
			cks := []string{devCk, uatCookie(), sessionCookie(r.token)}
			h := []string{docDest}
			for _, e := range r.extra {
				if e == "api" {
					h = nil
					continue
				}
				cks = append(cks, e)
			}
			h = append(h, cookie(cks...))
			st := authenticate(t, c, facts(t, "GET", r.target, h...))
			reason := ""
			if r.status == StatusHandshake {
				reason = reasons.ActiveOrganizationMismatch
			}
			expect(t, st, r.status, reason)
			if r.orgID == nil {
				return
			}
			_, p := location(t, st)
			if got := param(t, p, "organization_id"); got != *r.orgID {
				t.Errorf("organization_id = %q, want %q", got, *r.orgID)
			}
			if got := param(t, p, "__session"); got != r.token {
				t.Errorf("__session = %q", got)
			}
			if got := param(t, p, "redirect_url"); got != testOrigin+r.target {
				t.Errorf("redirect_url = %q", got)
			}
		})
	}
}

func ptr(s string) *string { return &s }
