package clerk

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/authn"
	"github.com/goclerk/clerk/internal/jwks"
)

// instance is a validated configuration, built once per Authenticator
// (hence per Middleware).
type instance struct {
	cfg       authn.Config
	client    *backend.Client
	signInURL string
	proxyPath string // FrontendAPIProxy path, "" when disabled
	proxy     http.Handler
	// ignoreForwarded is Options.IgnoreForwardedHeaders.
	ignoreForwarded bool
	// headerOnly is Options.HeaderOnly; tokenFrom Options.TokenFromRequest.
	headerOnly bool
	tokenFrom  func(*http.Request) string
	// quiet is the decision for every quiet request (authn.Quiet), nil
	// when each is decided (or with Debug, which logs each request's facts).
	quiet *authn.State
	// onDecision is Options.Observer.Decision, nil when unset.
	onDecision   func(context.Context, Decision)
	debug        bool
	logger       *slog.Logger
	errorHandler func(http.ResponseWriter, *http.Request, error)
}

// Middleware validates opts and returns the net/http middleware that
// authenticates every request as clerkMiddleware() does. It answers the
// handshake redirects itself (307); every other request continues with its
// Auth in the context, for GetAuth. Response headers it sets
// (x-clerk-auth-*, Set-Cookie from a resolved handshake or refresh) are on
// the handler's response.
//
// It is NewAuthenticator(opts) and the Authenticator's Middleware method:
// build the Authenticator instead to verify tokens outside net/http with
// the same caches.
//
// Middleware never rejects a request: a signed-out one reaches the next
// handler with a signed-out Auth. Put RequireAuth (pages: redirect) or
// RequireAPIAuth (APIs: 401/403) behind it to refuse them.
func Middleware(opts Options) (func(http.Handler) http.Handler, error) {
	a, err := NewAuthenticator(opts)
	if err != nil {
		return nil, err
	}
	return a.Middleware, nil
}

func newInstance(opts Options) (*instance, error) {
	o := opts.resolve()
	if o.SecretKey == "" && o.Client == nil {
		return nil, &OptionError{Option: "SecretKey", Err: errMissing}
	}
	if o.PublishableKey == "" {
		return nil, &OptionError{Option: "PublishableKey", Err: errMissing}
	}
	pk, err := authn.ParsePublishableKey(o.PublishableKey)
	if err != nil {
		return nil, &OptionError{Option: "PublishableKey", Err: err}
	}
	if err := o.validateURLs(); err != nil {
		return nil, err
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	obs := o.Observer
	if obs == nil {
		obs = &Observer{}
	}
	client := o.Client
	if client == nil {
		cfg := backend.Config{
			SecretKey: o.SecretKey, MachineSecretKey: o.MachineSecretKey,
			APIURL: o.APIURL, APIVersion: o.APIVersion,
			// JWKS fetches and Auth.GetToken retry briefly; the calls
			// that decide a request never retry (see authPath).
			MaxRetries: 2, MaxRetryElapsed: 3e9,
			Observer: obs.Backend,
		}
		if o.Debug {
			cfg.Logger = logger
		}
		client, err = backend.NewClient(cfg)
		if err != nil {
			return nil, &OptionError{Option: "Client", Err: err}
		}
	}
	inst := &instance{client: client, signInURL: o.SignInURL, ignoreForwarded: o.IgnoreForwardedHeaders, headerOnly: o.HeaderOnly, tokenFrom: o.TokenFromRequest,
		debug: o.Debug, logger: logger, errorHandler: o.ErrorHandler, onDecision: obs.Decision}
	c := &inst.cfg
	c.SecretKey, c.MachineSecretKey, c.PK = o.SecretKey, o.MachineSecretKey, pk
	if o.JWTKey != "" {
		src, err := jwks.NewPEMSource(o.JWTKey)
		if err != nil {
			return nil, &OptionError{Option: "JWTKey", Err: err}
		}
		c.Keys, c.HasJWTKey = src, true
	} else {
		c.Keys = jwks.NewRemoteSource(jwksFetcher(client), jwks.RemoteOptions{Now: o.Now, FetchTimeout: o.JWKSFetchTimeout, MaxStale: o.JWKSMaxStaleness,
			Observe: jwksObserve(obs.JWKSFetch)})
	}
	c.Audience, c.AuthorizedParties, c.AuthorizedParty, c.ClockSkew = o.Audience, o.AuthorizedParties, o.AuthorizedPartyFunc, o.ClockSkew
	if c.AllowedRedirectOrigins, err = redirectOrigins(o.AllowedRedirectOrigins); err != nil {
		return nil, err
	}
	if pk.InstanceType == authn.Development && !o.IsSatellite {
		// Only a development primary redirects to satellites (with the dev
		// browser); it learns which they are from the Backend API.
		c.SatelliteDomains = authn.NewDomainSource(domainsFetcher(client), o.Now)
	}
	c.Domain, c.IsSatellite, c.ProxyURL, c.SignInURL, c.SatelliteAutoSync = o.Domain, o.IsSatellite, o.ProxyURL, o.SignInURL, o.SatelliteAutoSync
	c.DisableHandshake, c.HeaderOnly = o.DisableHandshake || o.HeaderOnly, o.HeaderOnly
	if s := o.OrganizationSyncOptions; s != nil {
		if c.OrgPatterns, err = authn.CompilePatterns(s.OrganizationPatterns); err != nil {
			return nil, &OptionError{Option: "OrganizationSyncOptions.OrganizationPatterns", Err: err}
		}
		if c.PersonalPatterns, err = authn.CompilePatterns(s.PersonalAccountPatterns); err != nil {
			return nil, &OptionError{Option: "OrganizationSyncOptions.PersonalAccountPatterns", Err: err}
		}
	}
	c.Backend = bapi{client}
	c.Now = o.Now
	c.ObserveCache = cacheObserve(obs.TokenCache)
	size := o.VerifiedTokenCacheSize
	if size == 0 {
		size = 10000
	}
	c.Cache = authn.NewCache(size)
	c.MachineCache = authn.NewMachineCache(o.MachineTokenCacheTTL, o.MachineTokenCacheSize)
	c.Accepts = authn.AcceptsAny
	if len(o.AcceptsToken) > 0 {
		c.Accepts = authn.Accepts{List: true}
		for _, t := range o.AcceptsToken {
			c.Accepts.Types = append(c.Accepts.Types, t.canonical())
		}
	}
	if o.Debug {
		c.Logger = logger
	}
	if p := o.FrontendAPIProxy; p != nil && p.Enabled {
		inst.proxyPath = strings.TrimRight(p.Path, "/")
		if inst.proxyPath == "" {
			inst.proxyPath = "/__clerk"
		}
		if c.ProxyURL == "" {
			c.ProxyURL = inst.proxyPath
		}
		trusted, err := parseTrustedProxies(p.TrustedProxies)
		if err != nil {
			return nil, err
		}
		inst.proxy = newFrontendAPIProxy(inst.proxyPath, pk.FrontendAPI, o.SecretKey, trusted)
	}
	if !o.Debug { // Debug logs every request's facts
		inst.quiet = authn.QuietState(c)
	}
	return inst, nil
}

type ctxKey struct{}

// requestAuth is what the middleware leaves in the request context. It is
// the context itself (a value context for ctxKey) and holds the request
// the handler is given (r with this context) and the storage of the
// x-clerk-auth-* header values, so a request costs one allocation here: a
// requestAuth for a quiet request (authn.Quiet), whose state the instance
// shares, else a decidedAuth with the facts and the state of its decision.
type requestAuth struct {
	context.Context
	state *authn.State
	inst  *instance
	facts *authn.Facts // nil for a quiet request: none were read
	vals  [3]string
	req   http.Request
}

// decidedAuth is a requestAuth with room for its facts and its state.
type decidedAuth struct {
	requestAuth
	facts authn.Facts
	room  authn.State
}

// Value answers ctxKey with the request's auth and delegates the rest.
func (ra *requestAuth) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return ra
	}
	return ra.Context.Value(key)
}

func (inst *instance) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(ctxKey{}).(*requestAuth); ok {
			next.ServeHTTP(w, r) // already authenticated by an outer Clerk middleware
			return
		}
		if inst.proxy != nil && (r.URL.Path == inst.proxyPath || strings.HasPrefix(r.URL.Path, inst.proxyPath+"/")) {
			inst.proxy.ServeHTTP(w, r)
			return
		}
		var ra *requestAuth
		var st *authn.State
		var tok string
		if inst.tokenFrom != nil {
			tok = inst.tokenFrom(r)
		}
		if tok == "" && inst.quiet != nil && authn.Quiet(r) {
			ra = &requestAuth{Context: r.Context(), inst: inst}
			st = inst.quiet
		} else {
			d := &decidedAuth{requestAuth: requestAuth{Context: r.Context(), inst: inst}, facts: authn.FactsFromRequest(r, inst.ignoreForwarded)}
			ra = &d.requestAuth
			ra.facts = &d.facts
			if inst.headerOnly {
				d.facts.Cookies = nil
			}
			d.facts.Token = tok
			if tok != "" && !authn.ValidToken(tok) {
				st = authn.SignedOut(authn.TokenSession, string(ReasonTokenInvalid), "the token has a space, control or non-ASCII byte")
			} else {
				st = authn.AuthenticateInto(ra.Context, ra.facts, &inst.cfg, &d.room)
			}
		}
		ra.state = st
		if inst.onDecision != nil {
			inst.observeDecision(r.Context(), st, decisionErr(st))
		}
		if st.Err != nil {
			inst.fail(w, r, middlewareError(st.Err))
			return
		}
		if inst.debug {
			inst.logDecision(r, ra.facts, st)
		}
		st.WriteHeaders(w.Header(), &ra.vals)
		if st.Headers.Get("Location") != "" {
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		if st.Status == authn.StatusHandshake {
			inst.fail(w, r, middlewareError(errNoRedirect))
			return
		}
		if st.Session != nil && st.Session.Props.Err != nil {
			// getAuth throws for such claims in Express: the route cannot
			// run. (A redirect above never builds the auth object.)
			clear(w.Header())
			inst.fail(w, r, middlewareError(fmt.Errorf("%w: %w", errMalformedClaims, st.Session.Props.Err)))
			return
		}
		ra.serve(next, w, r)
	})
}

// serve hands next r with ra as its context, in the request ra keeps: a
// function this small gets r.WithContext inlined, and WithContext's own
// copy then stays on the stack.
func (ra *requestAuth) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	ra.req = *r.WithContext(ra)
	next.ServeHTTP(w, &ra.req)
}

// authFor is @clerk/backend's RequestState.toAuth() for the middleware's
// state (for acceptsToken "any", before the pending rule); the caller
// adds the state's reason.
func (inst *instance) authFor(st *authn.State) Auth {
	switch {
	case st.Status == authn.StatusSignedIn && st.Session != nil:
		return sessionAuth(st.Session, st.Token, inst.client)
	case st.Status == authn.StatusSignedIn && st.Machine != nil:
		return machineAuth(st.Machine, st.Token)
	case st.TokenType == "":
		return Auth{kind: kindInvalid}
	case st.TokenType == authn.TokenSession:
		return signedOutAuth("")
	default:
		return machineSignedOutAuth(TokenType(st.TokenType))
	}
}

// logDecision logs the outcome with token prefixes only.
func (inst *instance) logDecision(r *http.Request, f *authn.Facts, st *authn.State) {
	inst.logger.Debug("clerk: request authenticated",
		"method", r.Method, "path", r.URL.Path,
		"status", st.Status, "reason", st.Reason, "tokenType", st.TokenType,
		"token", prefix(f.BearerToken()),
		"sessionCookie", prefix(f.Cookies.Get(authn.CookieSession)),
		"location", st.Headers.Get("Location") != "")
}

func prefix(s string) string {
	if len(s) > 7 {
		return s[:7] + "…"
	}
	return s
}
