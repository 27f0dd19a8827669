package clerk

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// WriteReverificationError answers 403 with Clerk's reverification error,
// the body @clerk/backend's reverificationErrorResponse(config) sends:
//
//	{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":{"level":"second_factor","afterMinutes":10}}}}
//
// useReverification (@clerk/react, @clerk/vue, …) recognises it in a
// fetcher's answer, opens <UserVerification/> at that level and, once the
// user has verified, calls the fetcher again. metadata.reverification is
// r as Clerk writes a config: a Preset as its name ("strict"), an explicit
// Level with AfterMinutes as {level, afterMinutes}; nil leaves it out (the
// component then asks for a second factor, or a first factor for a user
// without one). RequireAPIAuth writes it for a request that fails a
// Check's Reverification alone.
func WriteReverificationError(w http.ResponseWriter, r *Reverification) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write(reverificationErrorBody(r))
}

// reverificationConfig is a Reverification as the JavaScript SDKs write
// it in an error's metadata.
type reverificationConfig struct {
	Level        string `json:"level"`
	AfterMinutes int    `json:"afterMinutes"`
}

func reverificationErrorBody(r *Reverification) []byte {
	type metadata struct {
		Reverification any `json:"reverification,omitempty"`
	}
	type clerkError struct {
		Type     string   `json:"type"`
		Reason   string   `json:"reason"`
		Metadata metadata `json:"metadata"`
	}
	e := clerkError{Type: "forbidden", Reason: "reverification-error"}
	switch {
	case r == nil:
	case r.Preset != "":
		e.Metadata.Reverification = r.Preset
	default:
		e.Metadata.Reverification = reverificationConfig{Level: r.Level, AfterMinutes: r.AfterMinutes}
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		ClerkError clerkError `json:"clerk_error"`
	}{e})
	return body.Bytes()
}

// validReverification reports whether some verification can satisfy r:
// a known Preset, or a Level with a positive AfterMinutes (Has refuses
// every other).
func validReverification(r *Reverification) bool {
	if r.Preset != "" {
		_, ok := reverificationPresets[r.Preset]
		return ok
	}
	switch r.Level {
	case "first_factor", "second_factor", "multi_factor":
		return r.AfterMinutes > 0
	}
	return false
}

// reverificationOnly reports whether a, a user session, fails c only
// because of c's Reverification: the rest of c holds (or c asks nothing
// else) and a fresh verification would satisfy it.
func reverificationOnly(a *Auth, c Check) bool {
	if c.Reverification == nil || a.kind != kindSession || a.UserID == "" || !validReverification(c.Reverification) {
		return false
	}
	rest := c
	rest.Reverification = nil
	if rest != (Check{}) && !a.Has(rest) {
		return false
	}
	return !a.Has(Check{Reverification: c.Reverification})
}
