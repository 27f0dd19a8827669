package authn

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// A development primary answers a satellite's sync request with a redirect
// that carries the dev browser token. The target comes from the query, so
// it is followed only to places the instance owns or the application names.

// syncTargetAllowed reports whether u may receive the dev browser: the
// request's own origin, a loopback host, an origin in AuthorizedParties or
// AllowedRedirectOrigins, or one of the instance's satellite domains.
func (r *run) syncTargetAllowed(u ClerkURL) bool {
	origin := u.Origin()
	if origin == r.f.URL.Origin() || isLoopbackHost(u.Host) ||
		slices.Contains(r.c.AuthorizedParties, origin) || slices.Contains(r.c.AllowedRedirectOrigins, origin) {
		return true
	}
	return r.c.SatelliteDomains.allows(r.ctx, u)
}

// isLoopbackHost reports whether host (with optional port) is localhost, a
// *.localhost name or a loopback IP address.
func isLoopbackHost(host string) bool {
	h := host
	switch {
	case strings.HasPrefix(h, "["):
		if end := strings.IndexByte(h, ']'); end > 0 {
			h = h[1:end]
		}
	case strings.Count(h, ":") == 1:
		h = h[:strings.IndexByte(h, ':')]
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
}

// Domain is one of the instance's domains, as GET /v1/domains lists them.
type Domain struct {
	// Name is the host; on development instances it may carry a port.
	Name        string
	IsSatellite bool
	// DevelopmentOrigin is the origin a development domain runs at, if set.
	DevelopmentOrigin string
}

// DomainFetcher loads the instance's domains from the Backend API.
type DomainFetcher func(ctx context.Context) ([]Domain, error)

// How the satellite domain list is cached: trusted for domainsTTL; an
// origin not in it causes a refetch at most every domainsMinInterval (a new
// satellite is found quickly, while an outsider's stream of unknown
// origins costs one call per interval); a failed fetch is retried after
// domainsFailureBackoff, the stale list answering meanwhile.
const (
	domainsTTL            = 5 * time.Minute
	domainsMinInterval    = 30 * time.Second
	domainsFailureBackoff = 5 * time.Second
)

// DomainSource caches the instance's satellite domains. Concurrent misses
// share one fetch. A nil *DomainSource knows no domain.
type DomainSource struct {
	fetch DomainFetcher
	now   func() time.Time
	group singleflight.Group

	mu          sync.Mutex
	names       []string // satellite hosts, lower-cased
	origins     []string // satellite development origins
	fetchedAt   time.Time
	attemptedAt time.Time
	failed      bool
}

// NewDomainSource builds a cache around fetch; now nil means time.Now.
func NewDomainSource(fetch DomainFetcher, now func() time.Time) *DomainSource {
	if now == nil {
		now = time.Now
	}
	return &DomainSource{fetch: fetch, now: now}
}

// allows reports whether u is on a satellite domain, fetching the list when
// it is stale, or when u is not in it and the last fetch is old enough.
func (s *DomainSource) allows(ctx context.Context, u ClerkURL) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	now := s.now()
	fresh := !s.fetchedAt.IsZero() && now.Sub(s.fetchedAt) < domainsTTL
	match := s.matches(u)
	fetch := !(fresh && match) && s.mayFetch(now)
	s.mu.Unlock()
	if !fetch {
		return match
	}
	_, _, _ = s.group.Do("domains", func() (any, error) {
		s.mu.Lock()
		if !s.mayFetch(s.now()) { // a flight just ended
			s.mu.Unlock()
			return nil, nil
		}
		s.attemptedAt = s.now()
		s.mu.Unlock()
		list, err := s.fetch(context.WithoutCancel(ctx))
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.failed = err != nil; s.failed {
			return nil, nil
		}
		s.names, s.origins = s.names[:0], s.origins[:0]
		for _, d := range list {
			if !d.IsSatellite {
				continue
			}
			if d.Name != "" {
				s.names = append(s.names, strings.ToLower(d.Name))
			}
			if o, ok := parseAbsolute(d.DevelopmentOrigin); ok {
				s.origins = append(s.origins, o.Origin())
			}
		}
		s.fetchedAt = s.now()
		return nil, nil
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.matches(u)
}

// matches compares u with the list. Callers hold mu.
func (s *DomainSource) matches(u ClerkURL) bool {
	for _, n := range s.names {
		if n == u.Host || normalizeHost(n, u.Scheme) == u.Host {
			return true
		}
	}
	return slices.Contains(s.origins, u.Origin())
}

// mayFetch reports whether a fetch may start now. Callers hold mu.
func (s *DomainSource) mayFetch(now time.Time) bool {
	since := now.Sub(s.attemptedAt)
	switch {
	case s.attemptedAt.IsZero():
		return true
	case s.failed:
		return since >= domainsFailureBackoff
	case now.Sub(s.fetchedAt) >= domainsTTL:
		return true
	}
	return since >= domainsMinInterval
}
