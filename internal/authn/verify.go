package authn

import (
	"context"
	"errors"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// verifySession verifies a session token as @clerk/backend's verifyToken
// does: category, key resolution, header, signature, then claims. A cached
// verification only repeats the time checks. With memo, the request's
// decoded token and cache key are reused.
func (c *Config) verifySession(ctx context.Context, raw string, skew time.Duration, memo *run) (*Session, error) {
	now := c.now()
	decode, hash := jwt.Decode, cacheKey
	if memo != nil {
		decode, hash = memo.decode, memo.cacheKey
	}
	var k [32]byte
	if c.Cache != nil {
		k = hash(raw)
	}
	s := c.Cache.getKey(k, now)
	if c.ObserveCache != nil && c.Cache != nil && memo == nil {
		// With memo, the request's decision looked the token up already
		// and reported that lookup (observedLookup).
		c.ObserveCache(ctx, TokenSession, s != nil)
	}
	if s != nil {
		if err := s.Times.Check(now, skew); err != nil {
			return nil, err
		}
		return s, nil
	}
	t, err := decode(raw)
	if err != nil {
		return nil, err
	}
	if t.Header.Cat.IsString && t.Header.Cat.Value == jwt.CategoryM2MToken {
		return nil, jwt.Errorf(reasons.TokenInvalid, "the token's category is not a session token category")
	}
	key, err := c.resolveKey(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := t.CheckHeader(nil); err != nil {
		return nil, err
	}
	if err := t.VerifySignature(key); err != nil {
		return nil, err
	}
	if err := t.Claims.CheckStatic(jwt.Checks{Audience: c.Audience, AuthorizedParties: c.AuthorizedParties, AuthorizedParty: c.AuthorizedParty}); err != nil {
		return nil, err
	}
	if err := t.Claims.CheckTime(now, skew); err != nil {
		return nil, err
	}
	s = newSession(t)
	if skew == c.ClockSkew {
		c.Cache.putKey(k, s, time.UnixMilli(expMillis(&t.Claims)).Add(skew), now)
	}
	return s, nil
}

// observedLookup reports a lookup of the session-token cache made while
// deciding a request: the first for its token, so that a request counts
// once however often it asks.
func (r *run) observedLookup(s *Session) {
	if r.c.ObserveCache != nil {
		r.c.ObserveCache(r.ctx, TokenSession, s != nil)
	}
}

func expMillis(c *jwt.Claims) int64 {
	return int64(c.Exp.Value) * 1000
}

// resolveKey finds the verification key for t: the configured PEM, else the
// instance JWKS by kid.
func (c *Config) resolveKey(ctx context.Context, t *jwt.Token) (*jwt.Key, error) {
	if c.Keys == nil {
		return nil, jwt.Errorf(reasons.JWKFailedToResolve, "no JWT key or secret key is configured to verify tokens")
	}
	kid := t.Header.Kid.Value
	if !c.HasJWTKey && !t.Header.Kid.IsString {
		kid = "undefined"
	}
	return c.Keys.Key(ctx, kid)
}

// verifyJWT verifies a machine JWT: key, header (with the allowed typ),
// signature, subject and audience, and times; no authorized-party rule.
func (c *Config) verifyJWT(ctx context.Context, t *jwt.Token, typ []string, audience []string) error {
	key, err := c.resolveKey(ctx, t)
	if err != nil {
		return err
	}
	if err := t.CheckHeader(typ); err != nil {
		return err
	}
	if err := t.VerifySignature(key); err != nil {
		return err
	}
	if err := t.Claims.CheckStatic(jwt.Checks{Audience: audience}); err != nil {
		return err
	}
	return t.Claims.CheckTime(c.now(), c.ClockSkew)
}

// verifyHandshake verifies a handshake token: header rules, a session
// category, and the signature. Its payload carries cookie directives.
func (c *Config) verifyHandshake(ctx context.Context, raw string) (*jwt.Token, error) {
	t, err := jwt.Decode(raw)
	if err != nil {
		return nil, err
	}
	key, err := c.resolveKey(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := t.CheckHeader(nil); err != nil {
		return nil, err
	}
	if t.Header.IsNonSessionCategory() {
		return nil, jwt.Errorf(reasons.TokenInvalid, "the handshake token's category is not a session token category")
	}
	if err := t.VerifySignature(key); err != nil {
		return nil, err
	}
	return t, nil
}

func asTokenError(err error) (*jwt.Error, bool) {
	var te *jwt.Error
	ok := errors.As(err, &te)
	return te, ok
}
