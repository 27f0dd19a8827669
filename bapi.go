package clerk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/authn"
	"github.com/goclerk/clerk/internal/jwks"
)

// bapi gives the decision the Backend API calls it needs, through the
// typed methods of the client users get; verification answers are kept
// verbatim (their Raw field). Error answers reach the decision as
// *backend.APIError.
type bapi struct{ c *backend.Client }

// authCallTimeout bounds each Backend API call made while deciding a
// request, whatever the client's own Timeout.
const authCallTimeout = 5 * time.Second

// authPath are the call options of a call on the authentication path: one
// attempt, no retry, so that an outsider's request costs the instance's rate
// limit at most one call, and a failing Backend API holds the request
// briefly.
var authPath = []backend.CallOption{backend.WithMaxRetries(0), backend.WithAttemptTimeout(authCallTimeout)}

func (b bapi) VerifyAPIKey(ctx context.Context, secret string) (json.RawMessage, error) {
	v, err := b.c.APIKeys.Verify(ctx, secret, authPath...)
	if err != nil {
		return nil, err
	}
	return v.Raw, nil
}

func (b bapi) VerifyM2MToken(ctx context.Context, token string) (json.RawMessage, error) {
	v, err := b.c.M2MTokens.Verify(ctx, token, authPath...)
	if err != nil {
		return nil, err
	}
	return v.Raw, nil
}

func (b bapi) VerifyOAuthToken(ctx context.Context, token string) (json.RawMessage, error) {
	v, err := b.c.OAuthAccessTokens.Verify(ctx, token, authPath...)
	if err != nil {
		return nil, err
	}
	return v.Raw, nil
}

func (b bapi) HandshakePayload(ctx context.Context, nonce string) ([]string, error) {
	p, err := b.c.Clients.GetHandshakePayload(ctx, nonce, authPath...)
	if err != nil {
		return nil, err
	}
	return p.Directives, nil
}

func (b bapi) RefreshSession(ctx context.Context, sessionID string, req authn.RefreshRequest) ([]string, error) {
	format := "cookie"
	out, err := b.c.Sessions.Refresh(ctx, sessionID, &backend.SessionRefreshParams{
		ExpiredToken: req.ExpiredToken, RefreshToken: req.RefreshToken, RequestOrigin: req.RequestOrigin,
		RequestHeaders: req.RequestHeaders, Format: &format, SuffixedCookies: req.SuffixedCookies,
	}, authPath...)
	if err != nil {
		return nil, err
	}
	return out.Cookies, nil
}

// jwksFetcher loads the instance key set through the client: one attempt
// (the cache decides when to try again) under the deadline of ctx, and a
// body of at most jwks.MaxBodyBytes.
func jwksFetcher(c *backend.Client) jwks.Fetcher {
	return func(ctx context.Context) ([]jwks.JWK, error) {
		opts := []backend.CallOption{backend.WithMaxRetries(0), backend.WithMaxResponseBytes(jwks.MaxBodyBytes)}
		if dl, ok := ctx.Deadline(); ok {
			opts = append(opts, backend.WithAttemptTimeout(time.Until(dl)))
		}
		set, err := c.JWKS.Get(ctx, opts...)
		if tl := (*backend.ResponseTooLargeError)(nil); errors.As(err, &tl) {
			return nil, fmt.Errorf("%w: %w", jwks.ErrTooLarge, err)
		}
		var ae *backend.APIError
		if errors.As(err, &ae) {
			fe := &jwks.FetchError{URL: c.APIURL() + "/" + c.APIVersion() + "/jwks", Status: ae.StatusCode}
			for _, d := range ae.Errors {
				if d.Code == "clerk_key_invalid" {
					fe.InvalidSecretKey, fe.Message = true, d.Message
				}
			}
			return nil, fe
		}
		if err != nil {
			return nil, err
		}
		keys := make([]jwks.JWK, len(set.Keys))
		for i, k := range set.Keys {
			keys[i] = jwks.JWK{Kid: k.Kid, Kty: k.Kty, Alg: k.Alg, Use: k.Use, N: k.N, E: k.E}
		}
		return keys, nil
	}
}

// domainsFetcher lists the instance's domains, on the authentication path.
func domainsFetcher(c *backend.Client) authn.DomainFetcher {
	return func(ctx context.Context) ([]authn.Domain, error) {
		list, err := c.Domains.List(ctx, authPath...)
		if err != nil {
			return nil, err
		}
		out := make([]authn.Domain, len(list.Data))
		for i, d := range list.Data {
			out[i] = authn.Domain{Name: d.Name, IsSatellite: d.IsSatellite, DevelopmentOrigin: d.DevelopmentOrigin}
		}
		return out, nil
	}
}
