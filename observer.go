package clerk

import (
	"context"
	"errors"
	"time"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/authn"
	"github.com/goclerk/clerk/internal/jwks"
)

// Observer is told what the middleware and the Authenticator do: each
// decision, each JWKS fetch, each lookup in the verified-token caches, and
// (through Backend) each Backend API call. Set it in Options.Observer; the
// github.com/goclerk/clerk/otel module turns it into OpenTelemetry metrics
// and spans.
//
// It is a struct of optional functions, as net/http/httptrace's
// ClientTrace is, rather than an interface: an unset Observer, or an unset
// field, costs the request one comparison (no call, no allocation); an
// observer sets only the hooks it needs; and a hook added later breaks no
// one's implementation. Every hook must be safe for concurrent use and
// quick: it runs on the request's goroutine (JWKSFetch on the fetch's).
// None is given a token, a key or a secret.
type Observer struct {
	// Decision, when set, is called once per request the middleware
	// decides (a Frontend API proxy request is none) and once per
	// Authenticator.Authenticate call, with the request's (or caller's)
	// context, after the decision and before the handler runs.
	Decision func(ctx context.Context, d Decision)
	// JWKSFetch, when set, is called as a fetch of the instance's JWKS
	// starts (never with Options.JWTKey, which needs none), with the
	// context of the request that started it, without its cancellation:
	// the fetch outlives it and serves every request waiting for keys. It
	// returns the context the fetch runs with (e.g. carrying a span; nil
	// keeps ctx), and a function, which may be nil, told the outcome
	// before the waiting requests resume.
	JWKSFetch func(ctx context.Context) (context.Context, func(JWKSFetchResult))
	// TokenCache, when set, is told of each lookup in the verified
	// session-token cache (unless Options.VerifiedTokenCacheSize disables
	// it) and in the machine-token cache (opaque API keys, M2M and OAuth
	// tokens; with MachineTokenCacheTTL unset only tokens the Backend API
	// refused are kept, so most lookups miss).
	TokenCache func(ctx context.Context, l TokenCacheLookup)
	// Backend observes the Backend API calls of the client
	// NewAuthenticator builds (JWKS fetches, machine-token verifications,
	// handshake payloads, refreshes, Auth.GetToken). A client given in
	// Options.Client keeps its own backend.Config.Observer: give it the
	// same one.
	Backend *backend.Observer
}

// Decision is the outcome of one authentication, as the x-clerk-auth-*
// headers report it: before the AuthOptions of GetAuth or Authenticate
// (accepted token types, pending sessions) apply.
type Decision struct {
	// Status is StatusSignedIn, StatusSignedOut or StatusHandshake (a
	// redirect the middleware answers itself).
	Status AuthStatus
	// Reason says why a request is signed out or needs a handshake; ""
	// when signed in. Group by Reason.Base() to keep the many
	// "session-token-expired-refresh-…" variants together.
	Reason AuthReason
	// TokenType is the type of the token the decision is about
	// (TokenTypeSessionToken for a browser without any), "" when the
	// presented token's type is not accepted (AcceptsToken).
	TokenType TokenType
	// Err, when not nil, is why the request could not be decided: the
	// middleware hands it to ErrorHandler (by default a 500).
	Err error
}

// TokenCacheLookup is one lookup in a verified-token cache.
type TokenCacheLookup struct {
	// TokenType names the cache: TokenTypeSessionToken for verified
	// session tokens, else the machine token's type.
	TokenType TokenType
	// Hit is true when the cache answered without verifying again.
	Hit bool
}

// The outcomes of JWKSFetchResult.
const (
	// JWKSFetchOK: the set was loaded.
	JWKSFetchOK = "ok"
	// JWKSFetchTimeout: no answer within Options.JWKSFetchTimeout.
	JWKSFetchTimeout = string(jwks.KindTimeout)
	// JWKSFetchTransport: refused, reset, or an undecodable answer.
	JWKSFetchTransport = string(jwks.KindTransport)
	// JWKSFetchStatus: an HTTP error status (StatusCode).
	JWKSFetchStatus = string(jwks.KindStatus)
	// JWKSFetchInvalidSecretKey: the Backend API refused the secret key.
	JWKSFetchInvalidSecretKey = string(jwks.KindInvalidSecretKey)
	// JWKSFetchTooLarge: an answer over 1 MiB.
	JWKSFetchTooLarge = string(jwks.KindTooLarge)
	// JWKSFetchEmpty: a set without keys.
	JWKSFetchEmpty = string(jwks.KindEmpty)
)

// JWKSFetchResult is the outcome of one JWKS fetch. A failed fetch keeps
// the set in memory in use, up to Options.JWKSMaxStaleness.
type JWKSFetchResult struct {
	// Outcome is JWKSFetchOK or one of the other JWKSFetch… constants.
	Outcome string
	// StatusCode is the HTTP error status of a failed fetch, 0 otherwise.
	StatusCode int
	// Keys is the number of keys a successful fetch loaded.
	Keys int
	// Background is true for a refresh no request waits for (the set was
	// about to expire).
	Background bool
	// Duration is the fetch's wall-clock time.
	Duration time.Duration
	// Err is nil, or why the fetch failed.
	Err error
}

// jwksObserve adapts Observer.JWKSFetch to the JWKS cache's hook.
func jwksObserve(hook func(context.Context) (context.Context, func(JWKSFetchResult))) func(context.Context) (context.Context, func(jwks.FetchOutcome)) {
	if hook == nil {
		return nil
	}
	return func(ctx context.Context) (context.Context, func(jwks.FetchOutcome)) {
		octx, done := hook(ctx)
		if done == nil {
			return octx, nil
		}
		return octx, func(o jwks.FetchOutcome) {
			r := JWKSFetchResult{Outcome: JWKSFetchOK, Keys: o.Keys, Background: o.Background, Duration: o.Duration, Err: o.Err}
			if o.Err != nil {
				r.Outcome = JWKSFetchTransport
				var je *jwks.Error
				if errors.As(o.Err, &je) {
					r.Outcome, r.StatusCode = string(je.Kind), je.Status
				}
			}
			done(r)
		}
	}
}

// cacheObserve adapts Observer.TokenCache to the decision's hook.
func cacheObserve(hook func(context.Context, TokenCacheLookup)) func(context.Context, string, bool) {
	if hook == nil {
		return nil
	}
	return func(ctx context.Context, tokenType string, hit bool) {
		hook(ctx, TokenCacheLookup{TokenType: TokenType(tokenType), Hit: hit})
	}
}

// observeDecision tells the Decision hook of st (err: the request cannot
// be decided).
func (inst *instance) observeDecision(ctx context.Context, st *authn.State, err error) {
	inst.onDecision(ctx, Decision{Status: AuthStatus(st.Status), Reason: AuthReason(st.Reason), TokenType: TokenType(st.TokenType), Err: err})
}

// decisionErr is why the middleware cannot serve st (it answers through
// ErrorHandler), nil when it can.
func decisionErr(st *authn.State) error {
	switch {
	case st.Err != nil:
		return st.Err
	case st.Headers.Get("Location") != "":
		return nil
	case st.Status == authn.StatusHandshake:
		return errNoRedirect
	case st.Session != nil && st.Session.Props.Err != nil:
		return st.Session.Props.Err
	}
	return nil
}
