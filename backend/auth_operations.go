package backend

// Hand-written operations the authentication middleware depends on. They
// are kept out of the generator so that their names and result types stay
// stable and idiomatic; COVERAGE.md lists them like the generated ones.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// JWKS is the instance's JSON Web Key Set (GET /jwks).
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one JSON Web Key. RSA keys carry N and E; EC and OKP keys carry
// Crv, X (and Y for EC).
type JWK struct {
	Kid     string   `json:"kid"`
	Kty     string   `json:"kty"`
	Alg     string   `json:"alg,omitempty"`
	Use     string   `json:"use,omitempty"`
	N       string   `json:"n,omitempty"`
	E       string   `json:"e,omitempty"`
	Crv     string   `json:"crv,omitempty"`
	X       string   `json:"x,omitempty"`
	Y       string   `json:"y,omitempty"`
	X5c     []string `json:"x5c,omitempty"`
	X5t     string   `json:"x5t,omitempty"`
	X5tS256 string   `json:"x5t#S256,omitempty"`
	X5u     string   `json:"x5u,omitempty"`
}

// Get fetches the instance's JSON Web Key Set (operation GetJWKS).
func (s *JWKSService) Get(ctx context.Context, opts ...CallOption) (*JWKS, error) {
	var out JWKS
	if err := s.c.Do(ctx, Request{Method: http.MethodGet, Path: "/jwks"}, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifiedAPIKey is an API key as returned by POST /api_keys/verify.
type VerifiedAPIKey struct {
	Object           string   `json:"object"`
	ID               string   `json:"id"`
	Type             string   `json:"type"`
	Subject          string   `json:"subject"`
	Name             string   `json:"name"`
	Description      *string  `json:"description"`
	Claims           any      `json:"claims"`
	Scopes           []string `json:"scopes"`
	Revoked          bool     `json:"revoked"`
	RevocationReason *string  `json:"revocation_reason"`
	Expired          bool     `json:"expired"`
	// Expiration, LastUsedAt, CreatedAt and UpdatedAt are Unix milliseconds.
	Expiration *int64  `json:"expiration"`
	CreatedBy  *string `json:"created_by"`
	LastUsedAt *int64  `json:"last_used_at"`
	CreatedAt  int64   `json:"created_at"`
	UpdatedAt  int64   `json:"updated_at"`
	// Raw is the answer exactly as received, for fields this version
	// does not model; the middleware keeps claims from it verbatim.
	Raw json.RawMessage `json:"-"`
}

// Verify checks an API key secret (operation verifyApiKey). The endpoint
// lives outside the version segment.
func (s *APIKeysService) Verify(ctx context.Context, secret string, opts ...CallOption) (*VerifiedAPIKey, error) {
	if secret == "" {
		return nil, errors.New("clerk: APIKeys.Verify: empty secret")
	}
	var out VerifiedAPIKey
	req := Request{Method: http.MethodPost, Path: "/api_keys/verify", SkipVersion: true,
		Body: map[string]string{"secret": secret}}
	if err := s.c.doRaw(ctx, req, &out, &out.Raw, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifiedM2MToken is a machine-to-machine token as returned by
// POST /m2m_tokens/verify.
type VerifiedM2MToken struct {
	Object           string   `json:"object"`
	ID               string   `json:"id"`
	Subject          string   `json:"subject"`
	Claims           any      `json:"claims"`
	Scopes           []string `json:"scopes"`
	Revoked          bool     `json:"revoked"`
	RevocationReason *string  `json:"revocation_reason"`
	Expired          bool     `json:"expired"`
	// Expiration, LastUsedAt, CreatedAt and UpdatedAt are Unix milliseconds.
	Expiration *int64 `json:"expiration"`
	LastUsedAt *int64 `json:"last_used_at"`
	CreatedAt  int64  `json:"created_at"`
	UpdatedAt  int64  `json:"updated_at"`
	// Raw is the answer exactly as received, for fields this version
	// does not model; the middleware keeps claims from it verbatim.
	Raw json.RawMessage `json:"-"`
}

// Verify checks an M2M token (operation verifyM2MToken). It authenticates
// with the machine secret key when one is configured, else the secret key.
func (s *M2MTokensService) Verify(ctx context.Context, token string, opts ...CallOption) (*VerifiedM2MToken, error) {
	if token == "" {
		return nil, errors.New("clerk: M2MTokens.Verify: empty token")
	}
	var out VerifiedM2MToken
	req := Request{Method: http.MethodPost, Path: "/m2m_tokens/verify", SkipVersion: true, UseMachineKey: true,
		Body: map[string]string{"token": token}}
	if err := s.c.doRaw(ctx, req, &out, &out.Raw, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifiedOAuthAccessToken is the answer of
// POST /oauth_applications/access_tokens/verify. For an expired JWT access
// token the server answers only {"active": false}: Active is then non-nil.
type VerifiedOAuthAccessToken struct {
	Object string `json:"object"`
	ID     string `json:"id"`
	// Type is sent by some servers ("oauth_token"); the spec omits it.
	Type             string   `json:"type,omitempty"`
	ClientID         string   `json:"client_id"`
	Subject          string   `json:"subject"`
	Scopes           []string `json:"scopes"`
	Revoked          bool     `json:"revoked"`
	RevocationReason *string  `json:"revocation_reason"`
	Expired          bool     `json:"expired"`
	// Expiration, CreatedAt and UpdatedAt are Unix milliseconds.
	Expiration *int64 `json:"expiration"`
	CreatedAt  int64  `json:"created_at"`
	UpdatedAt  int64  `json:"updated_at"`
	// Active is set (to false) only in the inactive-token answer.
	Active *bool `json:"active,omitempty"`
	// Aud is the audience claim, when the token has one (string or list).
	Aud any `json:"aud,omitempty"`
	// Raw is the answer exactly as received, for fields this version
	// does not model; the middleware keeps claims from it verbatim.
	Raw json.RawMessage `json:"-"`
}

// Verify checks an OAuth access token (operation verifyOAuthAccessToken).
func (s *OAuthAccessTokensService) Verify(ctx context.Context, accessToken string, opts ...CallOption) (*VerifiedOAuthAccessToken, error) {
	if accessToken == "" {
		return nil, errors.New("clerk: OAuthAccessTokens.Verify: empty access token")
	}
	var out VerifiedOAuthAccessToken
	req := Request{Method: http.MethodPost, Path: "/oauth_applications/access_tokens/verify", SkipVersion: true,
		Body: map[string]string{"access_token": accessToken}}
	if err := s.c.doRaw(ctx, req, &out, &out.Raw, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// doRaw calls req, keeping the answer's bytes in raw and decoding them
// into out.
func (c *Client) doRaw(ctx context.Context, req Request, out any, raw *json.RawMessage, opts []CallOption) error {
	if err := c.Do(ctx, req, raw, opts...); err != nil {
		return err
	}
	if err := json.Unmarshal(*raw, out); err != nil {
		return fmt.Errorf("clerk: %s %s: decode response: %w", req.Method, req.Path, err)
	}
	return nil
}

// HandshakePayload is the answer of GET /clients/handshake_payload: the
// Set-Cookie directives that complete a handshake.
type HandshakePayload struct {
	Directives []string `json:"directives"`
}

// GetHandshakePayload resolves a handshake nonce into cookie directives.
// The specification leaves this path undocumented; the shape follows the
// Express SDK.
func (s *ClientsService) GetHandshakePayload(ctx context.Context, nonce string, opts ...CallOption) (*HandshakePayload, error) {
	if nonce == "" {
		return nil, errors.New("clerk: Clients.GetHandshakePayload: empty nonce")
	}
	var out HandshakePayload
	req := Request{Method: http.MethodGet, Path: "/clients/handshake_payload", Query: url.Values{"nonce": {nonce}}}
	if err := s.c.Do(ctx, req, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// SessionRefreshParams are the inputs of Sessions.Refresh.
type SessionRefreshParams struct {
	// ExpiredToken is the expired session JWT (the __session cookie).
	ExpiredToken string `json:"expired_token"`
	// RefreshToken is the __refresh cookie value.
	RefreshToken string `json:"refresh_token"`
	// RequestOrigin is the origin of the incoming request.
	RequestOrigin string `json:"request_origin"`
	// RequestOriginatingIP is the client IP, when known.
	RequestOriginatingIP *string `json:"request_originating_ip,omitempty"`
	// RequestHeaders are the incoming request's headers.
	RequestHeaders map[string][]string `json:"request_headers,omitempty"`
	// Format selects "token" (JWT) or "cookie" (Set-Cookie directives).
	Format *string `json:"format,omitempty"`
	// SuffixedCookies asks for suffixed cookie names. Like the Express SDK
	// it travels in the query string, and only when true.
	SuffixedCookies bool `json:"-"`
}

// SessionRefresh is the result of a refresh: JWT for format "token",
// Cookies for format "cookie". Object tells which ("token" or "cookies").
type SessionRefresh struct {
	Object  string   `json:"object"`
	JWT     string   `json:"jwt,omitempty"`
	Cookies []string `json:"cookies,omitempty"`
}

// Refresh mints a new session token from an expired one and a refresh
// token (operation RefreshSession). A 401 tells the caller to fall back to
// the handshake flow.
func (s *SessionsService) Refresh(ctx context.Context, sessionID string, params *SessionRefreshParams, opts ...CallOption) (*SessionRefresh, error) {
	if sessionID == "" {
		return nil, errors.New("clerk: Sessions.Refresh: empty session id")
	}
	if params == nil {
		params = &SessionRefreshParams{}
	}
	req := Request{Method: http.MethodPost, Path: "/sessions/" + PathEscape(sessionID) + "/refresh", Body: params}
	if params.SuffixedCookies {
		req.Query = url.Values{"suffixed_cookies": {"true"}}
	}
	var out SessionRefresh
	if err := s.c.Do(ctx, req, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// SessionToken is a session JWT minted by the Backend API.
type SessionToken struct {
	Object string `json:"object"`
	JWT    string `json:"jwt"`
}

// SessionCreateTokenParams are the optional inputs of Sessions.CreateToken
// and Sessions.CreateTokenFromTemplate.
type SessionCreateTokenParams struct {
	// ExpiresInSeconds overrides the token lifetime.
	ExpiresInSeconds *int64 `json:"expires_in_seconds,omitempty"`
}

// CreateToken mints a session JWT (operation CreateSessionToken).
func (s *SessionsService) CreateToken(ctx context.Context, sessionID string, params *SessionCreateTokenParams, opts ...CallOption) (*SessionToken, error) {
	if sessionID == "" {
		return nil, errors.New("clerk: Sessions.CreateToken: empty session id")
	}
	req := Request{Method: http.MethodPost, Path: "/sessions/" + PathEscape(sessionID) + "/tokens"}
	if params != nil {
		req.Body = params
	}
	var out SessionToken
	if err := s.c.Do(ctx, req, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateTokenFromTemplate mints a JWT from a named JWT template (operation
// CreateSessionTokenFromTemplate); Auth.GetToken({template}) uses it.
func (s *SessionsService) CreateTokenFromTemplate(ctx context.Context, sessionID, templateName string, params *SessionCreateTokenParams, opts ...CallOption) (*SessionToken, error) {
	if sessionID == "" || templateName == "" {
		return nil, errors.New("clerk: Sessions.CreateTokenFromTemplate: empty session id or template name")
	}
	req := Request{Method: http.MethodPost, Path: "/sessions/" + PathEscape(sessionID) + "/tokens/" + PathEscape(templateName)}
	if params != nil {
		req.Body = params
	}
	var out SessionToken
	if err := s.c.Do(ctx, req, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}
