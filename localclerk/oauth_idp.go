package localclerk

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Clerk as an OAuth 2.0 / OIDC provider: the request parsers and rules of
// the authorization-code flow (RFC 6749, PKCE per RFC 7636), kept apart
// from the handlers (fapi_oauth_idp.go) so they can be tested and fuzzed
// without a server.

// oauthScopesSupported are the scopes localclerk grants. Clerk also has
// user:org:read, which localclerk does not serve.
var oauthScopesSupported = []string{"openid", "profile", "email", "offline_access", "public_metadata", "private_metadata"}

const (
	oauthCodeTTL   = 10 * time.Minute // RFC 6749 section 4.1.2: short-lived, at most ten minutes
	oauthAccessTTL = time.Hour
	oauthIDTTL     = time.Hour
	maxOAuthParam  = 2048
)

// oauthError is an RFC 6749 error: the error code, its description, and
// the status it is answered with by the token-side endpoints.
type oauthError struct {
	Status      int
	Code        string
	Description string
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

func oauthErr(status int, code, format string, args ...any) *oauthError {
	return &oauthError{Status: status, Code: code, Description: fmt.Sprintf(format, args...)}
}

// authorizeRequest is an authorization request, checked for syntax
// (parseAuthorizeParams) but not yet against the client it names.
type authorizeRequest struct {
	ClientID      string
	RedirectURI   string // as given; "" when absent
	Scopes        []string
	ScopeGiven    bool
	State         string
	CodeChallenge string // S256 only
	Nonce         string
	Prompt        []string
}

// authorizeError is a failed authorization request. Redirect is false for
// the errors that must not be sent to the redirect URI (an unknown client
// or a redirect URI that is not registered, RFC 6749 section 4.1.2.1):
// those are shown to the user instead.
type authorizeError struct {
	Redirect    bool
	Code        string
	Description string
}

func (e *authorizeError) Error() string { return e.Code + ": " + e.Description }

// authorizeParams are the parameters of an authorization request; others
// are ignored (RFC 6749 section 3.1), like the dev browser id localclerk's
// own pages add.
var authorizeParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "prompt",
	"code_challenge", "code_challenge_method", "response_mode", "nonce"}

// parseAuthorizeParams checks the syntax of an authorization request's
// parameters (the query of GET /oauth/authorize, the form of a POST or of
// the consent submission).
func parseAuthorizeParams(v url.Values) (*authorizeRequest, *authorizeError) {
	bad := func(redirect bool, format string, args ...any) *authorizeError {
		return &authorizeError{Redirect: redirect, Code: "invalid_request", Description: fmt.Sprintf(format, args...)}
	}
	// Before the client and its redirect URI are known good, errors are
	// shown, not redirected.
	for _, p := range authorizeParams {
		if len(v[p]) > 1 {
			return nil, bad(false, "%s must not be given more than once.", p)
		}
		if s := v.Get(p); len(s) > maxOAuthParam || strings.ContainsAny(s, "\x00\r\n") {
			return nil, bad(false, "%s is malformed.", p)
		}
	}
	req := &authorizeRequest{ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), State: v.Get("state"), Nonce: v.Get("nonce")}
	if req.ClientID == "" {
		return nil, bad(false, "client_id must be included.")
	}
	if len(req.ClientID) > 128 {
		return nil, bad(false, "client_id is malformed.")
	}
	if req.RedirectURI != "" {
		if u, err := url.Parse(req.RedirectURI); err != nil || !u.IsAbs() || u.Fragment != "" {
			return nil, bad(false, "redirect_uri must be an absolute URI without a fragment.")
		}
	}
	// From here on the error goes back to the client once resolveAuthorize
	// has found the client and its redirect URI good.
	switch rt := v.Get("response_type"); rt {
	case "code":
	case "":
		return req, bad(true, "response_type must be included.")
	default:
		return req, &authorizeError{Redirect: true, Code: "unsupported_response_type", Description: "Only response_type=code is supported."}
	}
	if s, ok := v["scope"]; ok {
		req.ScopeGiven = true
		for _, sc := range strings.Fields(s[0]) {
			if !slices.Contains(oauthScopesSupported, sc) {
				return req, &authorizeError{Redirect: true, Code: "invalid_scope", Description: fmt.Sprintf("The scope %q is not supported.", sc)}
			}
			if !slices.Contains(req.Scopes, sc) {
				req.Scopes = append(req.Scopes, sc)
			}
		}
	}
	if req.State != "" && len(req.State) < 8 {
		return req, bad(true, "state must be at least 8 characters long.")
	}
	challenge, method := v.Get("code_challenge"), v.Get("code_challenge_method")
	switch {
	case challenge == "" && method != "":
		return req, bad(true, "code_challenge_method was given without a code_challenge.")
	case challenge != "" && method != "S256":
		return req, bad(true, "code_challenge_method must be S256; plain is not accepted.")
	case challenge != "" && !validPKCEValue(challenge):
		return req, bad(true, "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.")
	}
	req.CodeChallenge = challenge
	switch v.Get("response_mode") {
	case "", "query":
	default:
		return req, bad(true, "response_mode must be query.")
	}
	for _, p := range strings.Fields(v.Get("prompt")) {
		switch p {
		case "none", "consent":
			req.Prompt = append(req.Prompt, p)
		case "login":
			return req, bad(true, "prompt=login is not supported by localclerk.")
		default:
			return req, bad(true, "prompt %q is not one of none, consent.", p)
		}
	}
	if slices.Contains(req.Prompt, "none") && len(req.Prompt) > 1 {
		return req, bad(true, "prompt=none cannot be combined with other values.")
	}
	return req, nil
}

// validPKCEValue reports whether s is a PKCE code verifier or challenge:
// 43 to 128 unreserved characters (RFC 7636 section 4.1).
func validPKCEValue(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// pkceS256 is the S256 code challenge of a verifier.
func pkceS256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// resolveAuthorize checks req against its application: the redirect URI
// must match a registered one exactly (or be absent when the application
// registers exactly one), the scopes must be the application's (its
// scopes when none are asked for), and PKCE must be used when the
// application requires it. It returns the redirect URI to answer to.
func resolveAuthorize(app *oauthApp, req *authorizeRequest) (string, *authorizeError) {
	redirect := req.RedirectURI
	switch {
	case redirect == "" && len(app.RedirectURIs) == 1:
		redirect = app.RedirectURIs[0]
	case redirect == "":
		return "", &authorizeError{Code: "invalid_request", Description: "redirect_uri must be included: the application registers more than one."}
	case !slices.Contains(app.RedirectURIs, redirect):
		return "", &authorizeError{Code: "invalid_request", Description: "redirect_uri is not one of the application's registered redirect URIs."}
	}
	allowed := strings.Fields(app.Scopes)
	if !req.ScopeGiven {
		req.Scopes = allowed
	}
	for _, sc := range req.Scopes {
		if !slices.Contains(allowed, sc) {
			return redirect, &authorizeError{Redirect: true, Code: "invalid_scope", Description: fmt.Sprintf("The application may not ask for the scope %q.", sc)}
		}
	}
	if req.CodeChallenge == "" && (app.PKCERequired || app.Public) {
		return redirect, &authorizeError{Redirect: true, Code: "invalid_request", Description: "This application must use PKCE: code_challenge (S256) must be included."}
	}
	return redirect, nil
}

// authorizeRedirect is the redirect URI with the answer's parameters
// added to its query (keeping the registered URI's own).
func authorizeRedirect(redirect string, params url.Values) string {
	u, err := url.Parse(redirect)
	if err != nil {
		return redirect // registered URIs parse; never happens
	}
	q := u.Query()
	for k, vs := range params {
		if len(vs) > 0 && vs[0] != "" {
			q.Set(k, vs[0])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// tokenRequest is a parsed token-endpoint (or revocation, introspection)
// form: the grant's parameters and the client's credentials.
type tokenRequest struct {
	GrantType    string
	Code         string
	RedirectURI  string
	CodeVerifier string
	RefreshToken string
	Scope        string
	ScopeGiven   bool
	Token        string // revocation and introspection
	TokenHint    string
	ClientID     string
	ClientSecret string
	BasicAuth    bool // the credentials came in the Authorization header
}

// tokenFormParams are the form parameters the token-side endpoints read.
var tokenFormParams = []string{"grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope",
	"client_id", "client_secret", "token", "token_type_hint"}

// parseTokenForm reads a token-side request's form body and its
// Authorization header: client_secret_basic (RFC 6749 section 2.3.1, the
// id and secret form-encoded before base64) or client_secret_post, never
// both; a public client sends only client_id.
func parseTokenForm(body, authorization string) (*tokenRequest, *oauthError) {
	if len(body) > 64<<10 {
		return nil, oauthErr(http.StatusBadRequest, "invalid_request", "The request body is too large.")
	}
	v, err := url.ParseQuery(body)
	if err != nil {
		return nil, oauthErr(http.StatusBadRequest, "invalid_request", "The form body could not be parsed.")
	}
	for _, p := range tokenFormParams {
		if len(v[p]) > 1 {
			return nil, oauthErr(http.StatusBadRequest, "invalid_request", "%s must not be given more than once.", p)
		}
		if len(v.Get(p)) > maxOAuthParam {
			return nil, oauthErr(http.StatusBadRequest, "invalid_request", "%s is too long.", p)
		}
	}
	tr := &tokenRequest{GrantType: v.Get("grant_type"), Code: v.Get("code"), RedirectURI: v.Get("redirect_uri"),
		CodeVerifier: v.Get("code_verifier"), RefreshToken: v.Get("refresh_token"), Scope: v.Get("scope"),
		Token: v.Get("token"), TokenHint: v.Get("token_type_hint"),
		ClientID: v.Get("client_id"), ClientSecret: v.Get("client_secret")}
	_, tr.ScopeGiven = v["scope"]
	if authorization != "" {
		scheme, cred, _ := strings.Cut(authorization, " ")
		if !strings.EqualFold(scheme, "Basic") {
			return nil, oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication must use HTTP Basic or the form's client_id and client_secret.")
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if err != nil {
			return nil, oauthErr(http.StatusUnauthorized, "invalid_client", "The Basic credentials are not valid base64.")
		}
		id, secret, ok := strings.Cut(string(raw), ":")
		if !ok {
			return nil, oauthErr(http.StatusUnauthorized, "invalid_client", "The Basic credentials must be client_id:client_secret.")
		}
		if id, err = url.QueryUnescape(id); err != nil {
			return nil, oauthErr(http.StatusUnauthorized, "invalid_client", "The Basic client id is not form-encoded.")
		}
		if secret, err = url.QueryUnescape(secret); err != nil {
			return nil, oauthErr(http.StatusUnauthorized, "invalid_client", "The Basic client secret is not form-encoded.")
		}
		if tr.ClientSecret != "" {
			return nil, oauthErr(http.StatusBadRequest, "invalid_request", "Use one client authentication method, not both.")
		}
		if tr.ClientID != "" && tr.ClientID != id {
			return nil, oauthErr(http.StatusBadRequest, "invalid_request", "client_id does not match the Basic credentials.")
		}
		tr.ClientID, tr.ClientSecret, tr.BasicAuth = id, secret, true
	}
	if tr.ClientID == "" {
		return nil, oauthErr(http.StatusUnauthorized, "invalid_client", "The client must authenticate (client_secret_basic or client_secret_post) or, if public, send client_id.")
	}
	return tr, nil
}

// authenticateClient checks the request's client credentials against app:
// a confidential client's secret must match; a public client sends none.
func authenticateClient(app *oauthApp, tr *tokenRequest) *oauthError {
	if app.Public {
		if tr.ClientSecret != "" {
			return oauthErr(http.StatusUnauthorized, "invalid_client", "A public client has no secret to send.")
		}
		return nil
	}
	if tr.ClientSecret == "" || app.SecretHash == "" ||
		subtle.ConstantTimeCompare([]byte(hashToken(tr.ClientSecret)), []byte(app.SecretHash)) != 1 {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
	}
	return nil
}

// checkCodeExchange checks an authorization_code grant against the code's
// record: bound to its client and redirect URI, unexpired, and with a
// code_verifier whose S256 matches the code's challenge.
func checkCodeExchange(c *oauthCode, tr *tokenRequest, clientID string, now time.Time) *oauthError {
	switch {
	case c.ClientID != clientID:
		return oauthErr(http.StatusBadRequest, "invalid_grant", "The authorization code was issued to another client.")
	case ms(now) >= c.ExpiresAt:
		return oauthErr(http.StatusBadRequest, "invalid_grant", "The authorization code has expired.")
	case tr.RedirectURI != c.RedirectURI && (c.RedirectGiven || tr.RedirectURI != ""):
		return oauthErr(http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request's.")
	}
	if c.CodeChallenge == "" {
		if tr.CodeVerifier != "" {
			return oauthErr(http.StatusBadRequest, "invalid_grant", "code_verifier was given, but the authorization request had no code_challenge.")
		}
		return nil
	}
	if !validPKCEValue(tr.CodeVerifier) {
		return oauthErr(http.StatusBadRequest, "invalid_grant", "code_verifier must be included: 43 to 128 characters of A-Z a-z 0-9 - . _ ~.")
	}
	if subtle.ConstantTimeCompare([]byte(pkceS256(tr.CodeVerifier)), []byte(c.CodeChallenge)) != 1 {
		return oauthErr(http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge.")
	}
	return nil
}
