package webhooks

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// VerifyRequest reads r's body (at most the configured limit, see
// [VerifierOptions.MaxBodyBytes]) and verifies it with r's headers. A larger body yields
// an error wrapping [ErrBodyTooLarge]. The body is consumed.
func (v *Verifier) VerifyRequest(r *http.Request) (Event, error) {
	body, err := v.readBody(r)
	if err != nil {
		return Event{}, err
	}
	return v.Verify(r.Header, body)
}

// readBody reads at most maxBodyBytes of r.Body.
func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > v.maxBodyBytes {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds the %d byte limit", ErrBodyTooLarge, r.ContentLength, v.maxBodyBytes)
	}
	// Read one byte past the limit to tell "exactly at the limit" from
	// "over it" without trusting Content-Length.
	body, err := io.ReadAll(io.LimitReader(r.Body, v.maxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("webhooks: reading request body: %w", err)
	}
	if int64(len(body)) > v.maxBodyBytes {
		return nil, fmt.Errorf("%w: exceeds the %d byte limit", ErrBodyTooLarge, v.maxBodyBytes)
	}
	return body, nil
}

// EventHandlerFunc handles a verified webhook event. The request body has
// already been read; the event carries it.
type EventHandlerFunc func(w http.ResponseWriter, r *http.Request, evt Event)

// Handler returns an http.Handler for a webhook endpoint. It accepts only
// POST (405 otherwise), reads at most the body limit (413 beyond it),
// answers 400 with a short plain-text reason when headers, timestamp,
// signature or payload are bad, and calls fn with the verified event
// otherwise. fn writes the response; Clerk treats any 2xx as delivered and
// retries other answers.
func (v *Verifier) Handler(fn EventHandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "webhook endpoint accepts POST only", http.StatusMethodNotAllowed)
			return
		}
		evt, err := v.VerifyRequest(r)
		if err != nil {
			status, reason := failure(err)
			http.Error(w, reason, status)
			return
		}
		fn(w, r, evt)
	})
}

// failure maps a verification error to an HTTP status and a fixed reason.
// Fixed strings keep responses short and stable and reveal nothing beyond
// which check failed.
func failure(err error) (status int, reason string) {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, "webhook body too large"
	case errors.Is(err, ErrMissingHeaders):
		return http.StatusBadRequest, "missing webhook headers"
	case errors.Is(err, ErrInvalidTimestamp):
		return http.StatusBadRequest, "invalid webhook timestamp"
	case errors.Is(err, ErrTimestampTooOld):
		return http.StatusBadRequest, "webhook timestamp too old"
	case errors.Is(err, ErrTimestampTooNew):
		return http.StatusBadRequest, "webhook timestamp too new"
	case errors.Is(err, ErrInvalidSignature):
		return http.StatusBadRequest, "invalid webhook signature"
	case errors.Is(err, ErrInvalidPayload):
		return http.StatusBadRequest, "invalid webhook payload"
	default:
		// Reading the body failed (client went away, broken transfer).
		return http.StatusBadRequest, "could not read webhook body"
	}
}
