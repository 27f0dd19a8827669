package clerk

import (
	"errors"
	"net/http"

	"github.com/goclerk/clerk/internal/jwt"
)

// MiddlewareError is the error Options.ErrorHandler receives: the
// middleware could not decide the request, and no signed-out state stands
// in for a decision (where clerkMiddleware() would pass an error to
// Express's next(err)). Inspect it with errors.As.
type MiddlewareError struct {
	// Reason is set when a token failed verification where Clerk answers
	// with an error rather than a signed-out state: the session token of a
	// handshake on a development instance (e.g. ReasonJWKKidMismatch or,
	// with JWTKey, ReasonTokenInvalidSignature for a handshake signed by
	// another instance; ReasonRemoteJWKFailedToLoad when the Backend API
	// cannot serve the JWKS). It is "" otherwise.
	Reason AuthReason
	// Err is the cause.
	Err error
}

func (e *MiddlewareError) Error() string {
	return "clerk: cannot authenticate the request: " + e.Err.Error()
}

func (e *MiddlewareError) Unwrap() error { return e.Err }

var (
	errMalformedClaims = errors.New("the session token's claims cannot be turned into an auth object")
	errNoRedirect      = errors.New("the decision asks for a handshake but has no redirect")
)

// middlewareError wraps a decision failure, keeping a token reason.
func middlewareError(err error) *MiddlewareError {
	e := &MiddlewareError{Err: err}
	var je *jwt.Error
	if errors.As(err, &je) {
		e.Reason = AuthReason(je.Reason)
	}
	return e
}

// fail answers a request the middleware cannot decide: with
// Options.ErrorHandler, else by logging err and answering 500.
func (inst *instance) fail(w http.ResponseWriter, r *http.Request, err *MiddlewareError) {
	if inst.errorHandler != nil {
		inst.errorHandler(w, r, err)
		return
	}
	inst.logger.Error("clerk: cannot authenticate the request", "error", err.Err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
