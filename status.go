package clerk

import (
	"net/http"
	"strings"

	"github.com/goclerk/clerk/internal/reasons"
)

// AuthStatus is the middleware's verdict on a request (@clerk/backend's
// AuthStatus), as sent in the x-clerk-auth-status header.
type AuthStatus string

// The statuses. A handler sees only StatusSignedIn and StatusSignedOut:
// the middleware answers a handshake itself.
const (
	// StatusSignedIn: a session token or machine token was verified.
	StatusSignedIn AuthStatus = "signed-in"
	// StatusSignedOut: no valid token; the AuthReason says why.
	StatusSignedOut AuthStatus = "signed-out"
	// StatusHandshake: the browser must refresh its session at the Frontend
	// API. The middleware answers 307 to the handshake URL; the status
	// appears only in that response's x-clerk-auth-status header.
	StatusHandshake AuthStatus = "handshake"
)

// AuthReason says why a request is signed out or needs a handshake
// (@clerk/backend's AuthReason: AuthErrorReason or
// TokenVerificationErrorReason), as sent in the x-clerk-auth-reason
// header. It is "" for a signed-in request.
type AuthReason string

// Reasons of the decision (@clerk/backend's AuthErrorReason), most of them
// from the cookie path: the session cookie, __client_uat, the dev browser
// and multi-domain rules. On a GET document navigation those answer a
// handshake redirect; on other requests, after three redirects in a row, or
// with DisableHandshake set, they sign out.
const (
	// ReasonSessionTokenAndUATMissing: neither a session cookie nor
	// __client_uat; the browser has never signed in (or signed out). Also a
	// satellite's first request when SatelliteAutoSync is off.
	ReasonSessionTokenAndUATMissing AuthReason = reasons.SessionTokenAndUATMissing
	// ReasonSessionTokenWithoutClientUAT: a session cookie but no
	// __client_uat cookie.
	ReasonSessionTokenWithoutClientUAT AuthReason = reasons.SessionTokenWithoutClientUAT
	// ReasonClientUATWithoutSessionToken: __client_uat says the browser is
	// signed in, but there is no session cookie on this domain yet.
	ReasonClientUATWithoutSessionToken AuthReason = reasons.ClientUATWithoutSessionToken
	// ReasonSessionTokenIATBeforeClientUAT: the session cookie was issued
	// before the last sign-in recorded in __client_uat (a stale cookie).
	ReasonSessionTokenIATBeforeClientUAT AuthReason = reasons.SessionTokenIATBeforeClientUAT
	// ReasonSessionTokenExpired: the session token has expired. The reason
	// reported is longer: "session-token-expired-refresh-" followed by why
	// the token was not refreshed with the refresh cookie
	// ("non-eligible-non-get", "non-eligible-no-refresh-cookie",
	// "fetch-error", a Backend API error code, …). Compare with
	// reason.Base() == ReasonSessionTokenExpired.
	ReasonSessionTokenExpired AuthReason = reasons.SessionTokenExpired
	// ReasonSessionTokenNBF: the session token is not valid yet (nbf), even
	// with ClockSkew.
	ReasonSessionTokenNBF AuthReason = reasons.SessionTokenNBF
	// ReasonSessionTokenIATInTheFuture: the session token was issued in the
	// future (iat), even with ClockSkew; the server's clock is off.
	ReasonSessionTokenIATInTheFuture AuthReason = reasons.SessionTokenIATInTheFuture
	// ReasonSessionTokenMissing: a handshake resolved without a session
	// token: the browser is signed out at the Frontend API.
	ReasonSessionTokenMissing AuthReason = reasons.SessionTokenMissing
	// ReasonDevBrowserMissing: a development instance without the dev
	// browser (__clerk_db_jwt) cookie or query parameter.
	ReasonDevBrowserMissing AuthReason = reasons.DevBrowserMissing
	// ReasonDevBrowserSync: a development instance received the dev browser
	// in the query (__clerk_db_jwt) and handshakes to store it as a cookie.
	ReasonDevBrowserSync AuthReason = reasons.DevBrowserSync
	// ReasonSatelliteCookieNeedsSyncing: a satellite domain (IsSatellite)
	// has no session cookies, or was asked to sync (__clerk_synced=false).
	ReasonSatelliteCookieNeedsSyncing AuthReason = reasons.SatelliteCookieNeedsSyncing
	// ReasonPrimaryRespondsToSyncing: a development primary domain sends the
	// browser back to the satellite named in __clerk_redirect_url.
	ReasonPrimaryRespondsToSyncing AuthReason = reasons.PrimaryRespondsToSyncing
	// ReasonPrimaryDomainCrossOriginSync: a navigation to the primary domain
	// came from another origin (a satellite); a handshake syncs the session.
	ReasonPrimaryDomainCrossOriginSync AuthReason = reasons.PrimaryDomainCrossOriginSync
	// ReasonActiveOrganizationMismatch: the URL names an organization
	// (OrganizationSyncOptions) other than the session's active one; a
	// handshake activates it.
	ReasonActiveOrganizationMismatch AuthReason = reasons.ActiveOrganizationMismatch
	// ReasonTokenTypeMismatch: the token's type is not one AcceptsToken
	// allows, or a machine token is where a session token must be.
	ReasonTokenTypeMismatch AuthReason = reasons.TokenTypeMismatch
	// ReasonUnexpectedError: a token could not be checked for a reason that
	// is not a verification failure: the JWKS fetch failed in transport,
	// session claims cannot form an auth object (cookie path), or the
	// Backend API failed while verifying a machine token. Debug logs say
	// more.
	ReasonUnexpectedError AuthReason = reasons.UnexpectedError
	// ReasonNoTokenInHeader: AcceptsToken allows only machine tokens, or
	// HeaderOnly is set, and the request has no Authorization bearer token
	// (nor one from TokenFromRequest); Authenticator.Authenticate's reason
	// for an empty token.
	ReasonNoTokenInHeader AuthReason = reasons.NoTokenInHeader
	// ReasonMiddlewareMissing: State was called on a request that did not
	// pass through Middleware. It is goclerk's own; Express has no such
	// reason.
	ReasonMiddlewareMissing AuthReason = reasons.MiddlewareMissing
)

// Reasons of token verification (@clerk/backend's
// TokenVerificationErrorReason), for a session token in the Authorization
// header or the session cookie, and for JWT machine tokens. Time failures
// of a session token are reported as ReasonSessionTokenExpired,
// ReasonSessionTokenNBF and ReasonSessionTokenIATInTheFuture instead.
const (
	// ReasonTokenInvalid: not a well-formed JWT (or one of a type or
	// category that is not accepted), or a machine token the Backend API
	// does not know, or has revoked or expired.
	ReasonTokenInvalid AuthReason = reasons.TokenInvalid
	// ReasonTokenInvalidAlgorithm: the JWT is not signed with RS256.
	ReasonTokenInvalidAlgorithm AuthReason = reasons.TokenInvalidAlgorithm
	// ReasonTokenInvalidSignature: the signature does not verify with the
	// instance's key.
	ReasonTokenInvalidSignature AuthReason = reasons.TokenInvalidSignature
	// ReasonTokenInvalidAuthorizedParties: the azp claim is not one of
	// AuthorizedParties.
	ReasonTokenInvalidAuthorizedParties AuthReason = reasons.TokenInvalidAuthorizedParties
	// ReasonTokenVerificationFailed: another check failed: a claim of the
	// wrong type, an audience not in Audience, or a machine token the
	// Backend API could not verify.
	ReasonTokenVerificationFailed AuthReason = reasons.TokenVerificationFailed
	// ReasonTokenExpired, ReasonTokenNotActiveYet and
	// ReasonTokenIATInTheFuture: the time failures of a JWT machine token
	// or a JWT template token (TokenError.Reason).
	ReasonTokenExpired        AuthReason = reasons.TokenExpired
	ReasonTokenNotActiveYet   AuthReason = reasons.TokenNotActiveYet
	ReasonTokenIATInTheFuture AuthReason = reasons.TokenIATInTheFuture
	// ReasonJWKKidMismatch: the instance's JWKS has no key with the token's
	// kid; the token comes from another Clerk instance.
	ReasonJWKKidMismatch AuthReason = reasons.JWKKidMismatch
	// ReasonJWKFailedToResolve: no key to verify with: neither JWTKey nor a
	// secret key to fetch the JWKS.
	ReasonJWKFailedToResolve AuthReason = reasons.JWKFailedToResolve
	// ReasonRemoteJWKFailedToLoad: the JWKS could not be fetched from the
	// Backend API (network failure, or no signing keys in it).
	ReasonRemoteJWKFailedToLoad AuthReason = reasons.RemoteJWKFailedToLoad
	// ReasonInvalidSecretKey: the Backend API refused the secret key while
	// fetching the JWKS or verifying a machine token.
	ReasonInvalidSecretKey AuthReason = reasons.InvalidSecretKey
)

// expiredRefresh prefixes every ReasonSessionTokenExpired reason.
const expiredRefresh = string(ReasonSessionTokenExpired) + "-refresh-"

// Base returns ReasonSessionTokenExpired for a
// "session-token-expired-refresh-…" reason and r itself for every other, so
// that a switch on reasons needs no string prefixes.
func (r AuthReason) Base() AuthReason {
	if strings.HasPrefix(string(r), expiredRefresh) {
		return ReasonSessionTokenExpired
	}
	return r
}

// State reports the middleware's decision for the request: StatusSignedIn
// with reason "", or StatusSignedOut with the reason, as the middleware's
// x-clerk-auth-status and x-clerk-auth-reason headers would say. Without
// Middleware upstream it is StatusSignedOut, ReasonMiddlewareMissing.
func State(r *http.Request) (AuthStatus, AuthReason) {
	ra, ok := r.Context().Value(ctxKey{}).(*requestAuth)
	if !ok {
		return StatusSignedOut, ReasonMiddlewareMissing
	}
	return AuthStatus(ra.state.Status), AuthReason(ra.state.Reason)
}
