package jwt

import "fmt"

// Reasons for which a token is rejected, named as @clerk/backend names them
// so that x-clerk-auth-reason headers match Clerk's own SDKs.
const (
	ReasonTokenExpired                  = "token-expired"
	ReasonTokenInvalid                  = "token-invalid"
	ReasonTokenInvalidAlgorithm         = "token-invalid-algorithm"
	ReasonTokenInvalidAuthorizedParties = "token-invalid-authorized-parties"
	ReasonTokenInvalidIssuer            = "token-invalid-issuer"
	ReasonTokenInvalidSignature         = "token-invalid-signature"
	ReasonTokenNotActiveYet             = "token-not-active-yet"
	ReasonTokenIatInTheFuture           = "token-iat-in-the-future"
	ReasonTokenVerificationFailed       = "token-verification-failed"
	ReasonInvalidSecretKey              = "secret-key-invalid"
	ReasonLocalJWKMissing               = "jwk-local-missing"
	ReasonRemoteJWKFailedToLoad         = "jwk-remote-failed-to-load"
	ReasonJWKFailedToResolve            = "jwk-failed-to-resolve"
	ReasonJWKKidMismatch                = "jwk-kid-mismatch"
)

// Error is a token verification failure with its Clerk reason code.
type Error struct {
	Reason  string
	Message string
}

func (e *Error) Error() string { return e.Message + " (reason=" + e.Reason + ")" }

func errorf(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Errorf builds an *Error; other packages use it for key-resolution failures.
func Errorf(reason, format string, args ...any) *Error { return errorf(reason, format, args...) }
