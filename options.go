package clerk

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/jwks"
)

// Options configures Middleware. Every field mirrors a clerkMiddleware()
// option of @clerk/express; empty fields fall back to the same CLERK_*
// environment variables (an option always beats the environment).
type Options struct {
	// SecretKey (sk_test_… / sk_live_…) authenticates Backend API calls.
	// Env: CLERK_SECRET_KEY. Required.
	SecretKey string
	// MachineSecretKey (ak_…: Clerk's machine secret keys share the API
	// key prefix) verifies M2M tokens in place of the secret key.
	// Env: CLERK_MACHINE_SECRET_KEY.
	MachineSecretKey string
	// PublishableKey (pk_test_… / pk_live_…) names the instance: its
	// Frontend API host, its type and the cookie suffix. Env:
	// CLERK_PUBLISHABLE_KEY. Required.
	PublishableKey string
	// JWTKey is the instance's PEM public key. With it, session tokens are
	// verified without any network call. Env: CLERK_JWT_KEY.
	JWTKey string
	// APIURL and APIVersion locate the Backend API. Env: CLERK_API_URL
	// (default https://api.clerk.com), CLERK_API_VERSION (default v1).
	APIURL, APIVersion string

	// Audience, when set, must contain the token's aud (if it has one).
	Audience []string
	// AuthorizedParties lists the origins allowed in the azp claim, e.g.
	// "https://example.com". Strongly recommended in production.
	AuthorizedParties []string
	// ClockSkew tolerated on exp/nbf/iat. Zero means 5 seconds.
	ClockSkew time.Duration
	// AllowedRedirectOrigins are origins ("https://app.example.com") a
	// development primary may send a satellite's sync request back to, in
	// addition to the request's own origin, loopback hosts, the
	// AuthorizedParties and the instance's satellite domains (listed by the
	// Backend API). A __clerk_redirect_url anywhere else is ignored, so the
	// dev browser token is never handed to an arbitrary site.
	AllowedRedirectOrigins []string
	// IgnoreForwardedHeaders stops the middleware from reading
	// X-Forwarded-Host and X-Forwarded-Proto. By default, as in
	// @clerk/express, they give the URL the client saw, from which redirect
	// URLs and the request origin are built; a client that reaches the
	// application directly can set them to any value. Set it when no proxy
	// stands in front of the application (or yours does not overwrite them).
	IgnoreForwardedHeaders bool

	// Domain of a satellite application. Env: CLERK_DOMAIN.
	Domain string
	// IsSatellite marks a satellite application. Env: CLERK_IS_SATELLITE.
	IsSatellite bool
	// SatelliteAutoSync makes a satellite sync with the primary on the
	// first visit even without Clerk cookies.
	SatelliteAutoSync bool
	// ProxyURL is the URL (absolute, or a path on this app such as
	// "/__clerk") at which the Frontend API is proxied. Env: CLERK_PROXY_URL.
	ProxyURL string
	// SignInURL and SignUpURL of the application. RequireAuth redirects to
	// SignInURL. Env: CLERK_SIGN_IN_URL, CLERK_SIGN_UP_URL.
	SignInURL, SignUpURL string

	// OrganizationSyncOptions activates the organization a URL names.
	OrganizationSyncOptions *OrganizationSyncOptions
	// FrontendAPIProxy serves the Frontend API from this application.
	FrontendAPIProxy *FrontendAPIProxy

	// DisableHandshake answers signed-out wherever a handshake redirect
	// would be issued (clerkMiddleware's enableHandshake: false). Default
	// false: handshakes are on.
	DisableHandshake bool
	// AcceptsToken restricts the token types the middleware authenticates.
	// Empty means any, as clerkMiddleware does.
	AcceptsToken []TokenType
	// HeaderOnly authenticates the request's bearer token alone (the
	// Authorization header, or TokenFromRequest), for pure APIs: cookies,
	// Clerk's query parameters (handshake, dev browser, satellite sync) and
	// handshakes are ignored, so no request is redirected or given a
	// Set-Cookie, and one without a token is signed out with
	// ReasonNoTokenInHeader. Default false: as clerkMiddleware does,
	// browsers' session cookies are read and handshakes issued.
	HeaderOnly bool
	// TokenFromRequest, when set, is asked for each request's token before
	// the Authorization header: a non-empty answer is authenticated as a
	// bearer token would be (e.g. a websocket's ?token= query parameter, or
	// another header); "" falls back to the Authorization header (and,
	// unless HeaderOnly, the cookies). A token with a space, control or
	// non-ASCII byte is refused (ReasonTokenInvalid) without verification.
	// It runs for every request: keep it cheap. Default nil: the
	// Authorization header's Bearer token only.
	TokenFromRequest func(r *http.Request) string
	// AuthorizedPartyFunc, when set, decides the authorized-party rule of
	// session tokens in place of AuthorizedParties (setting both is an
	// error): it gets the token's azp claim ("" when absent or not a string)
	// and refuses the token (ReasonTokenInvalidAuthorizedParties) by
	// returning false. Verified tokens are cached, so it runs about once per
	// token rather than per request; it must be safe for concurrent use.
	// Unlike AuthorizedParties, it adds no allowed redirect origin. Default
	// nil: the AuthorizedParties list decides (no rule when it is empty).
	AuthorizedPartyFunc func(azp string) bool

	// Client is the Backend API client used for JWKS, machine tokens,
	// handshake nonces, refresh and Auth.GetToken. Nil builds one from the
	// keys and API settings above.
	Client *backend.Client
	// Debug logs each decision (method, path, status, reason, token type
	// and token prefixes only) to Logger at slog.LevelDebug, and, for the
	// Backend API client NewAuthenticator builds, each attempt (method,
	// path, status; never a key or body). Env: CLERK_DEBUG. Default false.
	Debug bool
	// Logger receives debug output, and the errors of requests the
	// middleware cannot decide when ErrorHandler is nil; nil uses
	// slog.Default() (whose default handler drops debug records: give
	// Debug a Logger whose handler's level is slog.LevelDebug).
	Logger *slog.Logger
	// Observer is told of each decision, JWKS fetch, verified-token cache
	// lookup and Backend API call, for metrics and traces (see Observer and
	// the github.com/goclerk/clerk/otel module). Default nil: nothing is
	// observed, at no cost.
	Observer *Observer
	// ErrorHandler answers a request the middleware cannot decide (a
	// *MiddlewareError, e.g. a development handshake whose session token
	// cannot be verified), where clerkMiddleware() calls next(err). Nil logs
	// the error to Logger and answers 500 "internal error". It is not called
	// for requests that are merely signed out.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

	// MachineTokenCacheTTL, when positive, caches successful verifications
	// of opaque API keys, M2M and OAuth tokens for that long (never past the
	// token's expiration), sparing a Backend API call per request. It is
	// also the delay before a revoked token stops working. Off by default.
	MachineTokenCacheTTL time.Duration
	// MachineTokenCacheSize bounds that cache (default 10,000 tokens).
	MachineTokenCacheSize int

	// VerifiedTokenCacheSize bounds the cache of verified session tokens.
	// Zero means 10,000; negative disables the cache.
	VerifiedTokenCacheSize int
	// JWKSFetchTimeout bounds each fetch of the instance's JWKS, hence how
	// long any request waits for keys. Zero means 5 seconds, which is also
	// the maximum.
	JWKSFetchTimeout time.Duration
	// JWKSMaxStaleness is how long after the last successful JWKS fetch its
	// keys keep verifying tokens while refreshes fail (the endpoint is down,
	// slow, or answers errors). Zero means 24 hours; it must be at least the
	// 5-minute refresh period. A key missing from a successful answer stops
	// verifying at once, whatever this option.
	JWKSMaxStaleness time.Duration

	// Now is the clock; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time
}

// OrganizationSyncOptions lists path patterns (path-to-regexp syntax, as in
// the Express docs: "/orgs/:slug", "/orgs/:id/(.*)") whose organization, or
// the personal account, must be active.
type OrganizationSyncOptions struct {
	OrganizationPatterns    []string
	PersonalAccountPatterns []string
}

// FrontendAPIProxy forwards requests under Path (default "/__clerk") to the
// instance's Frontend API, as @clerk/express's frontendApiProxy does.
type FrontendAPIProxy struct {
	Enabled bool
	Path    string
	// TrustedProxies lists the reverse proxies in front of the application
	// (IP addresses or CIDR prefixes, e.g. "10.0.0.0/8"). Only a request
	// arriving from one of them has its X-Forwarded-For/Host/Proto,
	// X-Real-Ip and Cf-Connecting-Ip headers passed on to the Frontend API
	// and used for Clerk-Proxy-Url; any other request is described from its
	// connection (peer address, Host, TLS). Empty trusts no one.
	TrustedProxies []string
}

// OptionError reports an invalid option, naming it.
type OptionError struct {
	Option string // e.g. "PublishableKey"
	Err    error
}

// Error names the option and, for an option read from the environment, the
// variable too, since that is where most keys come from.
func (e *OptionError) Error() string {
	name := "Options." + e.Option
	if env := optionEnv[e.Option]; env != "" {
		name += " (" + env + ")"
	}
	return "clerk: " + name + ": " + e.Err.Error()
}

// optionEnv maps the options resolve reads from the environment to their
// variables.
var optionEnv = map[string]string{
	"SecretKey": "CLERK_SECRET_KEY", "MachineSecretKey": "CLERK_MACHINE_SECRET_KEY",
	"PublishableKey": "CLERK_PUBLISHABLE_KEY", "JWTKey": "CLERK_JWT_KEY",
	"APIURL": "CLERK_API_URL", "APIVersion": "CLERK_API_VERSION", "Domain": "CLERK_DOMAIN",
	"ProxyURL": "CLERK_PROXY_URL", "SignInURL": "CLERK_SIGN_IN_URL", "SignUpURL": "CLERK_SIGN_UP_URL",
	"IsSatellite": "CLERK_IS_SATELLITE", "Debug": "CLERK_DEBUG",
}

// Unwrap returns the underlying error.
func (e *OptionError) Unwrap() error { return e.Err }

func optErr(option, format string, args ...any) error {
	return &OptionError{Option: option, Err: fmt.Errorf(format, args...)}
}

// envOr returns v, else the environment variable, trimmed.
func envOr(v, name string) string {
	if v != "" {
		return v
	}
	return os.Getenv(name)
}

// isTruthy mirrors @clerk/shared's isTruthy for environment values.
func isTruthy(s string) bool {
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false", "":
		return false
	}
	n, err := strconv.Atoi(strings.TrimSpace(leadingInt(s)))
	return err == nil && n > 0
}

func leadingInt(s string) string {
	s = strings.TrimLeft(s, " \t")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	return s[:end]
}

// resolve fills empty options from the environment.
func (o Options) resolve() Options {
	o.SecretKey = envOr(o.SecretKey, "CLERK_SECRET_KEY")
	o.MachineSecretKey = envOr(o.MachineSecretKey, "CLERK_MACHINE_SECRET_KEY")
	o.PublishableKey = envOr(o.PublishableKey, "CLERK_PUBLISHABLE_KEY")
	o.JWTKey = envOr(o.JWTKey, "CLERK_JWT_KEY")
	o.APIURL = envOr(o.APIURL, "CLERK_API_URL")
	o.APIVersion = envOr(o.APIVersion, "CLERK_API_VERSION")
	o.Domain = envOr(o.Domain, "CLERK_DOMAIN")
	o.ProxyURL = envOr(o.ProxyURL, "CLERK_PROXY_URL")
	o.SignInURL = envOr(o.SignInURL, "CLERK_SIGN_IN_URL")
	o.SignUpURL = envOr(o.SignUpURL, "CLERK_SIGN_UP_URL")
	if !o.IsSatellite {
		o.IsSatellite = isTruthy(os.Getenv("CLERK_IS_SATELLITE"))
	}
	if !o.Debug {
		o.Debug = isTruthy(os.Getenv("CLERK_DEBUG"))
	}
	if o.ClockSkew == 0 {
		o.ClockSkew = 5 * time.Second
	}
	return o
}

// validateURLs checks the URL-shaped options.
func (o Options) validateURLs() error {
	if o.ProxyURL != "" && !strings.HasPrefix(o.ProxyURL, "/") {
		if !isHTTPURL(o.ProxyURL) {
			return optErr("ProxyURL", "must be an absolute http(s) URL or a path starting with /, got %q", o.ProxyURL)
		}
	}
	if strings.HasPrefix(o.ProxyURL, "//") {
		return optErr("ProxyURL", "a path must not start with //")
	}
	if strings.ContainsAny(o.ProxyURL, "?#") {
		// The handshake and sign-in URLs append paths and queries to it.
		return optErr("ProxyURL", "must not have a query or fragment, got %q", o.ProxyURL)
	}
	if o.IsSatellite {
		if o.ProxyURL == "" && o.Domain == "" {
			return optErr("Domain", "a satellite application needs Domain or ProxyURL")
		}
		if !isHTTPURL(o.SignInURL) && strings.HasPrefix(o.SecretKey, "sk_test_") {
			return optErr("SignInURL", "a satellite application on a development instance needs an absolute SignInURL")
		}
	}
	if o.AuthorizedPartyFunc != nil && len(o.AuthorizedParties) > 0 {
		return optErr("AuthorizedPartyFunc", "set either AuthorizedParties or AuthorizedPartyFunc, not both")
	}
	if o.ClockSkew < 0 {
		return optErr("ClockSkew", "must not be negative")
	}
	if o.JWKSFetchTimeout < 0 || o.JWKSFetchTimeout > jwks.DefaultFetchTimeout {
		return optErr("JWKSFetchTimeout", "must be between 0 (the default, 5s) and 5s, got %v", o.JWKSFetchTimeout)
	}
	if o.JWKSMaxStaleness < 0 || (o.JWKSMaxStaleness > 0 && o.JWKSMaxStaleness < jwks.DefaultTTL) {
		return optErr("JWKSMaxStaleness", "must be 0 (the default, 24h) or at least 5m, got %v", o.JWKSMaxStaleness)
	}
	return nil
}

// redirectOrigins validates AllowedRedirectOrigins and returns them in the
// form the decision compares: lower-case, default port removed.
func redirectOrigins(list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, s := range list {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
			return nil, optErr("AllowedRedirectOrigins", "%q is not an origin (scheme://host[:port])", s)
		}
		host := strings.ToLower(u.Host)
		if p := u.Port(); (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
			host = strings.TrimSuffix(host, ":"+p)
		}
		out = append(out, u.Scheme+"://"+host)
	}
	return out, nil
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// errMissing reports a required key that is neither set nor in the
// environment; OptionError names both.
var errMissing = errors.New("missing: set the option or the environment variable")
