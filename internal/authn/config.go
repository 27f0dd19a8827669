package authn

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/goclerk/clerk/internal/jwks"
)

// Backend is the part of the Backend API the decision needs. Implementations
// report HTTP error answers as *backend.APIError (wrapped or not) and
// anything else (transport failures) as another error.
type Backend interface {
	VerifyAPIKey(ctx context.Context, secret string) (json.RawMessage, error)
	VerifyM2MToken(ctx context.Context, token string) (json.RawMessage, error)
	VerifyOAuthToken(ctx context.Context, token string) (json.RawMessage, error)
	HandshakePayload(ctx context.Context, nonce string) ([]string, error)
	RefreshSession(ctx context.Context, sessionID string, req RefreshRequest) ([]string, error)
}

// RefreshRequest is what the session refresh endpoint receives; the answer
// is always in cookie format.
type RefreshRequest struct {
	ExpiredToken    string
	RefreshToken    string
	RequestOrigin   string
	RequestHeaders  map[string][]string
	SuffixedCookies bool
}

// Config is the validated configuration the decision runs with.
type Config struct {
	SecretKey        string
	MachineSecretKey string
	PK               PublishableKey

	// Keys resolves verification keys; HasJWTKey marks a PEM source, used
	// in place of the remote JWKS exactly as CLERK_JWT_KEY is.
	Keys      jwks.Source
	HasJWTKey bool

	Audience          []string
	AuthorizedParties []string
	// AuthorizedParty, when set, replaces the AuthorizedParties rule for
	// session tokens (jwt.Checks.AuthorizedParty).
	AuthorizedParty func(azp string) bool
	ClockSkew       time.Duration

	// AllowedRedirectOrigins are further origins (normalized) a development
	// primary may send the dev browser to when a satellite asks to sync.
	AllowedRedirectOrigins []string
	// SatelliteDomains lists the instance's satellites for that check; nil
	// knows none.
	SatelliteDomains *DomainSource

	Domain            string
	IsSatellite       bool
	ProxyURL          string // absolute, or relative to the request origin
	SignInURL         string
	SatelliteAutoSync bool
	// DisableHandshake answers signed-out wherever a handshake redirect
	// would be issued (enableHandshake: false).
	DisableHandshake bool
	// HeaderOnly reads the Authorization header alone: no cookie, query
	// parameter or handshake is looked at, and a request without a token
	// is signed out with reasons.NoTokenInHeader.
	HeaderOnly bool

	OrgPatterns      *PathMatcher
	PersonalPatterns *PathMatcher

	Backend Backend
	Now     func() time.Time
	Cache   *Cache
	// MachineCache coalesces and caches opaque machine-token
	// verifications; nil uses one without positive caching.
	MachineCache *MachineCache
	Accepts      Accepts
	Logger       *slog.Logger // nil: no logging
	// ObserveCache, when set, is told of each lookup in Cache (tokenType
	// TokenSession; none when Cache is nil) and in MachineCache (the
	// machine token's type): hit or miss. Nil costs one comparison.
	ObserveCache func(ctx context.Context, tokenType string, hit bool)

	suffixOnce    sync.Once
	suffixedNames map[string]string
	machineOnce   sync.Once
}

// machineCache returns MachineCache, creating a default one when unset so
// that concurrent verifications are always shared.
func (c *Config) machineCache() *MachineCache {
	c.machineOnce.Do(func() {
		if c.MachineCache == nil {
			c.MachineCache = NewMachineCache(0, 0)
		}
	})
	return c.MachineCache
}

// suffixed returns name + "_" + the cookie suffix, built once per name.
func (c *Config) suffixed(name string) string {
	c.suffixOnce.Do(func() {
		sfx := "_" + c.PK.CookieSuffix
		c.suffixedNames = map[string]string{}
		for _, n := range []string{CookieSession, CookieRefresh, CookieClientUat, CookieDevBrowser, CookieHandshake, CookieHandshakeNonce, CookieRedirectCount} {
			c.suffixedNames[n] = n + sfx
		}
	})
	if v, ok := c.suffixedNames[name]; ok {
		return v
	}
	return name + "_" + c.PK.CookieSuffix
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
