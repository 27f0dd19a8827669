package clerk

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/authn"
	"github.com/goclerk/clerk/internal/jwks"
)

// bapi gives the decision the Backend API calls it needs, through the same
// client users get, keeping verification answers verbatim.
type bapi struct{ c *backend.Client }

// authCallTimeout bounds each Backend API call made while deciding a
// request, whatever the client's own Timeout.
const authCallTimeout = 5 * time.Second

// authPath is the context of a call on the authentication path: one attempt,
// no retry, so that an outsider's request costs the instance's rate limit at
// most one call, and a failing Backend API holds the request briefly.
func authPath(ctx context.Context) context.Context {
	return backend.WithAttemptTimeout(backend.WithMaxRetries(ctx, 0), authCallTimeout)
}

func (b bapi) post(ctx context.Context, path string, body any, machineKey bool) (json.RawMessage, error) {
	var out json.RawMessage
	err := b.c.Do(authPath(ctx), backend.Request{Method: http.MethodPost, Path: path, Body: body, SkipVersion: true, UseMachineKey: machineKey}, &out)
	return out, apiError(err)
}

func (b bapi) VerifyAPIKey(ctx context.Context, secret string) (json.RawMessage, error) {
	return b.post(ctx, "/api_keys/verify", map[string]string{"secret": secret}, false)
}

func (b bapi) VerifyM2MToken(ctx context.Context, token string) (json.RawMessage, error) {
	return b.post(ctx, "/m2m_tokens/verify", map[string]string{"token": token}, true)
}

func (b bapi) VerifyOAuthToken(ctx context.Context, token string) (json.RawMessage, error) {
	return b.post(ctx, "/oauth_applications/access_tokens/verify", map[string]string{"access_token": token}, false)
}

func (b bapi) HandshakePayload(ctx context.Context, nonce string) ([]string, error) {
	p, err := b.c.Clients.GetHandshakePayload(authPath(ctx), nonce)
	if err != nil {
		return nil, apiError(err)
	}
	return p.Directives, nil
}

func (b bapi) RefreshSession(ctx context.Context, sessionID string, req authn.RefreshRequest) ([]string, error) {
	format := "cookie"
	out, err := b.c.Sessions.Refresh(authPath(ctx), sessionID, backend.SessionRefreshParams{
		ExpiredToken: req.ExpiredToken, RefreshToken: req.RefreshToken, RequestOrigin: req.RequestOrigin,
		RequestHeaders: req.RequestHeaders, Format: &format, SuffixedCookies: req.SuffixedCookies,
	})
	if err != nil {
		return nil, apiError(err)
	}
	return out.Cookies, nil
}

// apiError converts the client's error answers to the decision's type and
// passes transport failures through.
func apiError(err error) error {
	var ae *backend.APIError
	if !errors.As(err, &ae) {
		return err
	}
	out := &authn.APIError{Status: ae.StatusCode}
	if len(ae.Errors) > 0 {
		out.Code, out.Message = ae.Errors[0].Code, ae.Errors[0].Message
	}
	return out
}

// jwksFetcher loads the instance key set through the client.
func jwksFetcher(c *backend.Client) jwks.Fetcher {
	return func(ctx context.Context) ([]jwks.JWK, error) {
		var set struct {
			Keys []jwks.JWK `json:"keys"`
		}
		err := c.Do(ctx, backend.Request{Method: http.MethodGet, Path: "/jwks"}, &set)
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
		return set.Keys, nil
	}
}

// domainsFetcher lists the instance's domains, on the authentication path.
func domainsFetcher(c *backend.Client) authn.DomainFetcher {
	return func(ctx context.Context) ([]authn.Domain, error) {
		list, err := c.Domains.List(authPath(ctx))
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
