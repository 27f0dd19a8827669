package clerk

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goclerk/clerk/internal/jwks"
	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// Errors a TemplateVerifier's Verify wraps in a *TokenError; test for them
// with errors.Is.
var (
	// ErrTokenMalformed: not a compact JWS, a header or payload that is
	// not JSON, a typ other than JWT, or an exp that is absent or not a
	// number.
	ErrTokenMalformed = errors.New("clerk: malformed token")
	// ErrTokenCategory: a session or M2M token (by its "cat" header)
	// presented as a template token.
	ErrTokenCategory = errors.New("clerk: not a JWT template token")
	// ErrTokenAlgorithm: the header's alg is not the one configured for
	// the key ("none" and algorithm confusion included).
	ErrTokenAlgorithm = errors.New("clerk: token algorithm not accepted")
	// ErrTokenSignature: the signature does not verify, or no key has the
	// token's kid.
	ErrTokenSignature = errors.New("clerk: token signature invalid")
	// ErrTokenExpired: exp has passed (beyond the leeway).
	ErrTokenExpired = errors.New("clerk: token expired")
	// ErrTokenNotYetValid: nbf or iat is in the future (beyond the leeway).
	ErrTokenNotYetValid = errors.New("clerk: token not valid yet")
	// ErrTokenIssuer: iss is not the configured issuer.
	ErrTokenIssuer = errors.New("clerk: token issuer not accepted")
	// ErrTokenAudience: aud names none of the configured audiences.
	ErrTokenAudience = errors.New("clerk: token audience not accepted")
)

// TokenError is why a template token was refused: Err is one of the
// ErrToken… values (errors.Is finds it), Reason the matching Clerk reason
// code, Message the detail. Messages never contain the token.
type TokenError struct {
	Reason  AuthReason
	Message string
	Err     error
}

func (e *TokenError) Error() string { return e.Err.Error() + ": " + e.Message }

// Unwrap returns the ErrToken… sentinel.
func (e *TokenError) Unwrap() error { return e.Err }

// TemplateVerifierOptions configure a TemplateVerifier.
type TemplateVerifierOptions struct {
	// Issuer is the iss every token must carry: the instance's Frontend
	// API URL (https://clerk.example.com, or https://….clerk.accounts.dev
	// in development). Required, unless Instance is set: then it defaults
	// to https:// and the Frontend API host of the Authenticator's
	// publishable key (localclerk's tokens carry its Instance.Issuer).
	Issuer string
	// Key verifies tokens from a template with a custom signing key:
	//   - []byte: the template's HMAC secret (HS256 unless Algorithm says
	//     HS384 or HS512), at least as long as the hash (32 bytes for
	//     HS256);
	//   - *rsa.PublicKey (RS256, or Algorithm RS384/RS512);
	//   - *ecdsa.PublicKey: ES256 on P-256, ES384 on P-384, ES512 on P-521;
	//   - string: a PEM (or bare base64 SPKI) RSA or ECDSA public key, as
	//     CLERK_JWT_KEY is given. A string is never an HMAC secret.
	// Exactly one of Key and Instance is set.
	Key any
	// Algorithm is the one algorithm tokens must be signed with; empty
	// means the key's default above. It must fit the key's type: an RSA
	// key never verifies HS256.
	Algorithm string
	// Instance verifies tokens from a template signed with the instance's
	// own key (no custom signing key), with the Authenticator's keys: its
	// JWTKey, or the JWKS it fetches and caches with the secret key.
	Instance *Authenticator
	// Audience, when set, requires aud to name one of these. (Stricter
	// than session tokens: a token without aud is refused.)
	Audience []string
	// Leeway tolerated on exp, nbf and iat. Zero means 5 seconds, as
	// Options.ClockSkew; it must not be negative.
	Leeway time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// TemplateVerifier verifies tokens minted from a Clerk JWT template
// (session.getToken({template}) in the browser, POST
// /v1/sessions/{id}/tokens/{template} on the Backend API). The session
// middleware does not accept them, as @clerk/backend does not: their "cat"
// header marks them as not session tokens. Build one per template and
// share it; it is safe for concurrent use.
type TemplateVerifier struct {
	issuer   string
	alg      string
	key      any
	keys     jwks.Source
	audience []string
	leeway   time.Duration
	now      func() time.Time
}

// NewTemplateVerifier validates o; a bad option is an *OptionError naming
// it (Options.Key, Options.Issuer…, the field of TemplateVerifierOptions).
func NewTemplateVerifier(o TemplateVerifierOptions) (*TemplateVerifier, error) {
	bad := func(opt, format string, args ...any) error {
		return &OptionError{Option: opt, Err: fmt.Errorf(format, args...)}
	}
	v := &TemplateVerifier{issuer: strings.TrimSuffix(o.Issuer, "/"), audience: o.Audience, leeway: o.Leeway, now: o.Now}
	if v.now == nil {
		v.now = time.Now
	}
	switch {
	case o.Leeway < 0:
		return nil, bad("Leeway", "must not be negative")
	case o.Leeway == 0:
		v.leeway = 5 * time.Second
	}
	switch {
	case o.Key != nil && o.Instance != nil:
		return nil, bad("Key", "set Key (a custom signing key) or Instance (the instance's keys), not both")
	case o.Instance != nil:
		if o.Algorithm != "" && o.Algorithm != "RS256" {
			return nil, bad("Algorithm", "the instance's keys sign RS256, not %q", o.Algorithm)
		}
		if o.Instance.inst == nil {
			return nil, bad("Instance", "build the Authenticator with NewAuthenticator")
		}
		cfg := &o.Instance.inst.cfg
		if cfg.Keys == nil {
			return nil, bad("Instance", "the Authenticator has no JWTKey or SecretKey to verify with")
		}
		v.alg, v.keys = "RS256", cfg.Keys
		if v.issuer == "" && cfg.PK.FrontendAPI != "" {
			v.issuer = "https://" + cfg.PK.FrontendAPI
		}
	case o.Key != nil:
		key, err := templateKey(o.Key)
		if err != nil {
			return nil, bad("Key", "%v", err)
		}
		alg := o.Algorithm
		if alg == "" {
			alg = jwt.AlgorithmFor(key)
		}
		if s, ok := key.([]byte); ok && strings.HasPrefix(alg, "HS") && len(s) < hmacMinLen(alg) {
			return nil, bad("Key", "an %s secret must be at least %d bytes, this one has %d", alg, hmacMinLen(alg), len(s))
		}
		if alg == "" || alg == "none" || !jwt.KeyFits(alg, key) {
			return nil, bad("Algorithm", "%q cannot be verified with a %s", alg, keyKind(key))
		}
		v.alg, v.key = alg, key
	default:
		return nil, bad("Key", "set Key (the template's custom signing key) or Instance")
	}
	if v.issuer == "" {
		return nil, bad("Issuer", "required: the instance's Frontend API URL, the iss of its tokens")
	}
	return v, nil
}

// templateKey normalizes a configured key; a string is a PEM public key.
func templateKey(k any) (any, error) {
	switch k := k.(type) {
	case []byte:
		return slices.Clone(k), nil
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return k, nil
	case string:
		pub, err := jwks.ParsePublicPEM(k)
		if err != nil {
			return nil, fmt.Errorf("a string key is a PEM public key (give an HMAC secret as []byte): %w", err)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("a %T is not a key: use []byte, *rsa.PublicKey, *ecdsa.PublicKey or a PEM string", k)
}

func keyKind(k any) string {
	switch k.(type) {
	case []byte:
		return "secret"
	case *rsa.PublicKey:
		return "RSA key"
	case *ecdsa.PublicKey:
		return "ECDSA key"
	}
	return "key"
}

// hmacMinLen is RFC 7518 §3.2's minimum: a key as long as the hash.
func hmacMinLen(alg string) int {
	switch alg {
	case "HS384":
		return 48
	case "HS512":
		return 64
	}
	return 32
}

// TemplateToken is a verified template token.
type TemplateToken struct {
	// Claims are its registered claims.
	Claims RegisteredClaims
	// Payload is the whole JSON payload, the template's custom claims
	// included; DecodeTemplateClaims decodes it.
	Payload json.RawMessage
	// Algorithm and KeyID are from its header.
	Algorithm, KeyID string
}

// DecodeTemplateClaims decodes a verified template token's payload into a
// T, as DecodeClaims does a session's.
func DecodeTemplateClaims[T any](t *TemplateToken) (T, error) {
	var v T
	if t == nil || len(t.Payload) == 0 {
		return v, ErrNoClaims
	}
	err := json.Unmarshal(t.Payload, &v)
	return v, err
}

// Verify checks token: shape, category, algorithm, signature, exp (which
// must be present), nbf and iat with the leeway, iss and aud. A refusal is
// a *TokenError. ctx bounds the JWKS fetch an Instance verifier may need.
func (v *TemplateVerifier) Verify(ctx context.Context, token string) (*TemplateToken, error) {
	t, err := jwt.Decode(token)
	if err != nil {
		return nil, tokenErr(reasons.TokenInvalid, ErrTokenMalformed, "not a well-formed JWT")
	}
	if typ := t.Header.Typ; typ.Set && (!typ.IsString || typ.Value != "JWT") {
		return nil, tokenErr(reasons.TokenInvalid, ErrTokenMalformed, "the header's typ is not JWT")
	}
	if cat := t.Header.Cat; cat.Set && !(cat.IsString && (cat.Value == jwt.CategoryJWTTemplate || cat.Value == jwt.CategoryIgnore)) {
		return nil, tokenErr(reasons.TokenTypeMismatch, ErrTokenCategory, "the header's cat marks a session or machine token")
	}
	key := v.key
	if v.keys != nil {
		kid := "undefined"
		if t.Header.Kid.IsString {
			kid = t.Header.Kid.Value
		}
		k, err := v.keys.Key(ctx, kid)
		if err != nil || k == nil {
			te := tokenErr(reasons.JWKKidMismatch, ErrTokenSignature, "no instance key has this token's kid")
			var je *jwt.Error
			if errors.As(err, &je) {
				te.Reason, te.Message = AuthReason(je.Reason), je.Message
			}
			return nil, te
		}
		if k.Alg != "" && k.Alg != v.alg {
			return nil, tokenErr(reasons.TokenInvalidAlgorithm, ErrTokenAlgorithm, "the instance key is for "+k.Alg)
		}
		key = k.Public
	}
	if err := t.VerifyAlg(v.alg, key); err != nil {
		var je *jwt.Error
		errors.As(err, &je)
		if je != nil && je.Reason == reasons.TokenInvalidSignature {
			return nil, tokenErr(je.Reason, ErrTokenSignature, je.Message)
		}
		if je != nil && je.Reason == reasons.TokenInvalidAlgorithm {
			return nil, tokenErr(je.Reason, ErrTokenAlgorithm, je.Message)
		}
		return nil, tokenErr(reasons.TokenVerificationFailed, ErrTokenSignature, err.Error())
	}
	c := &t.Claims
	if err := c.CheckTime(v.now(), v.leeway); err != nil {
		var je *jwt.Error
		errors.As(err, &je)
		switch {
		case je != nil && je.Reason == reasons.TokenExpired:
			return nil, tokenErr(je.Reason, ErrTokenExpired, je.Message)
		case je != nil && (je.Reason == reasons.TokenNotActiveYet || je.Reason == reasons.TokenIATInTheFuture):
			return nil, tokenErr(je.Reason, ErrTokenNotYetValid, je.Message)
		}
		return nil, tokenErr(reasons.TokenVerificationFailed, ErrTokenMalformed, err.Error())
	}
	if !c.Iss.IsString || strings.TrimSuffix(c.Iss.Value, "/") != v.issuer {
		return nil, tokenErr(reasons.TokenInvalid, ErrTokenIssuer, fmt.Sprintf("iss %.200s is not %q", string(c.Iss.Raw), v.issuer))
	}
	rc := parseRegisteredClaims(t.Payload)
	if len(v.audience) > 0 && !slices.ContainsFunc(rc.Audience, func(a string) bool { return a != "" && slices.Contains(v.audience, a) }) {
		return nil, tokenErr(reasons.TokenVerificationFailed, ErrTokenAudience, "aud names none of the configured audiences")
	}
	return &TemplateToken{Claims: rc, Payload: t.Payload, Algorithm: v.alg, KeyID: t.Header.Kid.Value}, nil
}

func tokenErr(reason string, sentinel error, msg string) *TokenError {
	return &TokenError{Reason: AuthReason(reason), Message: msg, Err: sentinel}
}
