package localclerk

import (
	"crypto/sha256"
	"encoding/hex"
)

// Records of Clerk as an OAuth 2.0 / OIDC provider: the instance's OAuth
// applications, the authorization codes they redeem and their refresh
// tokens. The access tokens are oauthToken records (bapi_oauth_tokens.go),
// which the Backend API's verification endpoint already answers.
const (
	kindOAuthApp     = "oauth_app"
	kindOAuthCode    = "oauth_code"
	kindOAuthRefresh = "oauth_refresh"

	nsOAuthClientID = "oauth_app:client_id"
)

// oauthApp is an OAuth application registered through the Backend API.
type oauthApp struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ClientID string `json:"client_id"`
	// SecretHash is the SHA-256 (hex) of the client secret: the secret is
	// shown once, when created or rotated, as Clerk shows it. Public
	// clients have none.
	SecretHash   string   `json:"secret_hash,omitempty"`
	Public       bool     `json:"public"`
	PKCERequired bool     `json:"pkce_required"`
	Consent      bool     `json:"consent_screen_enabled"`
	Scopes       string   `json:"scopes"` // space-separated, as the Backend API carries them
	RedirectURIs []string `json:"redirect_uris"`
	// Dynamic marks an application registered through POST
	// /oauth/register rather than the Backend API.
	Dynamic   bool  `json:"dynamic,omitempty"`
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

// oauthCode is an authorization code, stored under the SHA-256 of its
// value: single-use, short-lived and bound to the client, the redirect URI
// and the PKCE challenge of the authorization request.
type oauthCode struct {
	ID          string `json:"id"` // hashToken(code)
	ClientID    string `json:"client_id"`
	UserID      string `json:"user_id"`
	SessionID   string `json:"session_id"`
	RedirectURI string `json:"redirect_uri"`
	// RedirectGiven: the authorization request named the redirect URI, so
	// the token request must too (RFC 6749 section 4.1.3).
	RedirectGiven bool     `json:"redirect_given,omitempty"`
	Scopes        []string `json:"scopes"`
	CodeChallenge string   `json:"code_challenge,omitempty"` // S256
	Nonce         string   `json:"nonce,omitempty"`
	AuthTime      int64    `json:"auth_time"` // ms
	ExpiresAt     int64    `json:"expires_at"`
	// Used marks a redeemed code; AccessTokenID and RefreshID what it was
	// exchanged for, revoked if the code is presented again (RFC 6749
	// section 4.1.2).
	Used          bool   `json:"used"`
	AccessTokenID string `json:"access_token_id,omitempty"`
	RefreshID     string `json:"refresh_id,omitempty"`
	CreatedAt     int64  `json:"created_at"`
}

// oauthRefresh is a refresh token, stored under the SHA-256 of its value.
// Each use rotates it: the old one is revoked and a new one issued.
type oauthRefresh struct {
	ID            string   `json:"id"` // hashToken(token)
	ClientID      string   `json:"client_id"`
	UserID        string   `json:"user_id"`
	Scopes        []string `json:"scopes"`
	AccessTokenID string   `json:"access_token_id"`
	Nonce         string   `json:"nonce,omitempty"`
	AuthTime      int64    `json:"auth_time"`
	Revoked       bool     `json:"revoked"`
	CreatedAt     int64    `json:"created_at"`
	UpdatedAt     int64    `json:"updated_at"`
}

// hashToken is the hex SHA-256 of a secret value, the form codes, refresh
// tokens and client secrets are stored in.
func hashToken(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// oauthApps returns the OAuth applications' repository of t.
func (t *txn) oauthApps() repo[oauthApp] {
	return newRepo(t, kindOAuthApp, func(a *oauthApp) string { return a.ID })
}

// oauthClientIDs returns the unique keys of the OAuth applications' client ids.
func (t *txn) oauthClientIDs() uniqueKeys { return uniqueKeys{t, nsOAuthClientID} }

// oauthCodes returns the authorization codes' repository of t.
func (t *txn) oauthCodes() repo[oauthCode] {
	return newRepo(t, kindOAuthCode, func(c *oauthCode) string { return c.ID })
}

// oauthRefreshes returns the refresh tokens' repository of t.
func (t *txn) oauthRefreshes() repo[oauthRefresh] {
	return newRepo(t, kindOAuthRefresh, func(r *oauthRefresh) string { return r.ID })
}

// appByClientID loads the OAuth application with client id cid;
// errNotFound when there is none.
func (t *txn) appByClientID(cid string) (*oauthApp, error) {
	id, err := t.oauthClientIDs().owner(cid)
	if err != nil {
		return nil, err
	}
	return t.oauthApps().get(id)
}
