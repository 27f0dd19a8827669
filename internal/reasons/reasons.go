// Package reasons defines, once, the reason codes of an authentication
// decision: the strings Clerk's SDKs send in x-clerk-auth-reason and
// __clerk_hs_reason. internal/authn and internal/jwt report them; package
// clerk exports each as Reason<Name> (status.go, with its documentation),
// and a test there keeps the two lists the same.
package reasons

// Reasons of the decision (@clerk/backend's AuthErrorReason).
const (
	ClientUATWithoutSessionToken   = "client-uat-but-no-session-token"
	DevBrowserMissing              = "dev-browser-missing"
	DevBrowserSync                 = "dev-browser-sync"
	PrimaryRespondsToSyncing       = "primary-responds-to-syncing"
	PrimaryDomainCrossOriginSync   = "primary-domain-cross-origin-sync"
	SatelliteCookieNeedsSyncing    = "satellite-needs-syncing"
	SessionTokenAndUATMissing      = "session-token-and-uat-missing"
	SessionTokenMissing            = "session-token-missing"
	SessionTokenExpired            = "session-token-expired"
	SessionTokenIATBeforeClientUAT = "session-token-iat-before-client-uat"
	SessionTokenNBF                = "session-token-nbf"
	SessionTokenIATInTheFuture     = "session-token-iat-in-the-future"
	SessionTokenWithoutClientUAT   = "session-token-but-no-client-uat"
	ActiveOrganizationMismatch     = "active-organization-mismatch"
	TokenTypeMismatch              = "token-type-mismatch"
	UnexpectedError                = "unexpected-error"
	NoTokenInHeader                = "No token in header"
	MiddlewareMissing              = "middleware-missing"
)

// Reasons of token verification (@clerk/backend's
// TokenVerificationErrorReason).
const (
	TokenExpired                  = "token-expired"
	TokenInvalid                  = "token-invalid"
	TokenInvalidAlgorithm         = "token-invalid-algorithm"
	TokenInvalidAuthorizedParties = "token-invalid-authorized-parties"
	TokenInvalidSignature         = "token-invalid-signature"
	TokenNotActiveYet             = "token-not-active-yet"
	TokenIATInTheFuture           = "token-iat-in-the-future"
	TokenVerificationFailed       = "token-verification-failed"
	InvalidSecretKey              = "secret-key-invalid"
	RemoteJWKFailedToLoad         = "jwk-remote-failed-to-load"
	JWKFailedToResolve            = "jwk-failed-to-resolve"
	JWKKidMismatch                = "jwk-kid-mismatch"
)
