package clerk

import (
	"encoding/json"
	"errors"
	"math"
	"time"
)

// RegisteredClaims are the registered claims (RFC 7519 §4.1, and Clerk's
// azp) of the token an Auth was verified from. An absent claim, or one of
// the wrong JSON type, is the zero value.
type RegisteredClaims struct {
	Issuer          string    // iss: the instance's Frontend API URL
	Subject         string    // sub: the user, machine or API key owner
	AuthorizedParty string    // azp: the origin the session token was issued to
	ID              string    // jti
	Audience        []string  // aud, a string or an array of them
	ExpiresAt       time.Time // exp
	IssuedAt        time.Time // iat
	NotBefore       time.Time // nbf
}

// RegisteredClaims returns the registered claims of a signed-in session's
// token. For a machine token it has what the verification reported:
// Subject, ID and, when the token expires, ExpiresAt. It is the zero value
// for a signed-out Auth. It decodes the claims on each call.
func (a Auth) RegisteredClaims() RegisteredClaims {
	switch a.kind {
	case kindSession:
		return parseRegisteredClaims(a.SessionClaims)
	case kindMachine:
		rc := RegisteredClaims{Subject: a.Subject, ID: a.ID}
		var ms float64
		if json.Unmarshal(a.machine.Expiration, &ms) == nil && ms > 0 {
			rc.ExpiresAt = time.UnixMilli(int64(ms))
		}
		return rc
	}
	return RegisteredClaims{}
}

// parseRegisteredClaims reads the registered claims of a JSON payload,
// leniently: a member that is not of its type is left zero.
func parseRegisteredClaims(payload []byte) RegisteredClaims {
	var raw struct {
		Iss, Sub, Azp, Jti, Aud, Exp, Iat, Nbf json.RawMessage
	}
	var rc RegisteredClaims
	if json.Unmarshal(payload, &raw) != nil {
		return rc
	}
	str := func(m json.RawMessage) string {
		var s string
		_ = json.Unmarshal(m, &s)
		return s
	}
	rc.Issuer, rc.Subject, rc.AuthorizedParty, rc.ID = str(raw.Iss), str(raw.Sub), str(raw.Azp), str(raw.Jti)
	if s := str(raw.Aud); s != "" {
		rc.Audience = []string{s}
	} else {
		var list []string
		if json.Unmarshal(raw.Aud, &list) == nil {
			rc.Audience = list
		}
	}
	rc.ExpiresAt, rc.IssuedAt, rc.NotBefore = numericDate(raw.Exp), numericDate(raw.Iat), numericDate(raw.Nbf)
	return rc
}

// numericDate is a JWT NumericDate (seconds since the epoch, possibly
// fractional); zero when absent, not a number or out of range.
func numericDate(m json.RawMessage) time.Time {
	var f float64
	if len(m) == 0 || json.Unmarshal(m, &f) != nil || f <= 0 || f > 1<<40 || math.IsNaN(f) {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// ErrNoClaims is returned by DecodeClaims and Auth.DecodeSessionClaims for
// an Auth without claims: signed out, or a machine token that has none.
var ErrNoClaims = errors.New("clerk: the auth object has no claims")

// DecodeClaims decodes the claims of a's token into a T (any type
// encoding/json can decode into, e.g. a struct with the custom claims of
// the instance's session token template): the session token's payload for
// a session, the claims the verification reported for an API key or an
// M2M token. It returns ErrNoClaims when there are none, and
// encoding/json's error when they do not fit T.
//
//	type claims struct {
//		Plan string `json:"plan"`
//	}
//	c, err := clerk.DecodeClaims[claims](clerk.GetAuth(r))
func DecodeClaims[T any](a Auth) (T, error) {
	var v T
	raw := a.SessionClaims
	if a.kind == kindMachine {
		raw = a.machine.Claims
	}
	if a.kind != kindSession && a.kind != kindMachine || len(raw) == 0 || string(raw) == "null" {
		return v, ErrNoClaims
	}
	err := json.Unmarshal(raw, &v)
	return v, err
}
