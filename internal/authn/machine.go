package authn

import (
	"github.com/goclerk/clerk/backend"

	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// Machine token prefixes and the M2M subject prefix.
const (
	prefixM2M     = "mt_"
	prefixOAuth   = "oat_"
	prefixAPIKey  = "ak_"
	prefixM2MSubj = "mch_"
)

// MaxOpaqueTokenLen bounds an opaque machine token (ak_, mt_, oat_): Clerk's
// are well under a hundred characters, so anything over 4 KiB is refused
// before it reaches the Backend API.
const MaxOpaqueTokenLen = 4096

var oauthTyps = []string{"at+jwt", "application/at+jwt"}

// machineError is a machine-token verification failure; Code is the reason.
type machineError struct {
	Code    string
	Message string
	Status  int
}

func (e *machineError) fullMessage() string {
	status := "n/a"
	if e.Status != 0 {
		status = itoa(e.Status)
	}
	return e.Message + " (code=" + e.Code + ", status=" + status + ")"
}

// jwtMachineType classifies a decoded JWT: an M2M token by its mch_
// subject, an OAuth access token by its at+jwt type, "" otherwise.
func jwtMachineType(t *jwt.Token) string {
	switch {
	case t.Claims.Sub.IsString && strings.HasPrefix(t.Claims.Sub.Value, prefixM2MSubj):
		return TokenM2M
	case t.Header.Typ.IsString && slices.Contains(oauthTyps, t.Header.Typ.Value):
		return TokenOAuth
	}
	return ""
}

// isMachineJWT reports whether tok is an M2M or OAuth JWT.
func (r *run) isMachineJWT(tok string) bool {
	if !jwt.LooksLikeJWT(tok) {
		return false
	}
	t, err := r.decode(tok)
	return err == nil && jwtMachineType(t) != ""
}

// isMachineDecoded is isMachineJWT for an already decoded token.
func isMachineDecoded(raw string, t *jwt.Token) bool {
	return jwt.LooksLikeJWT(raw) && jwtMachineType(t) != ""
}

func (r *run) hasNonSessionCategory(tok string) bool {
	t, err := r.decode(tok)
	return err == nil && t.Header.IsNonSessionCategory()
}

// machineTokenType classifies a token by prefix or JWT shape; "" if it is
// not a machine token.
func (r *run) machineTokenType(tok string) string {
	if t := prefixType(tok); t != "" {
		return t
	}
	if !r.isMachineJWT(tok) {
		return ""
	}
	t, _ := r.decode(tok)
	return jwtMachineType(t)
}

// prefixType classifies an opaque machine token by its prefix.
func prefixType(tok string) string {
	switch {
	case strings.HasPrefix(tok, prefixM2M):
		return TokenM2M
	case strings.HasPrefix(tok, prefixOAuth):
		return TokenOAuth
	case strings.HasPrefix(tok, prefixAPIKey):
		return TokenAPIKey
	}
	return ""
}

// verifyMachine verifies an API key, M2M token or OAuth access token, in
// opaque form through the Backend API or in JWT form with the instance keys.
func (c *Config) verifyMachine(ctx context.Context, tok string) (*Machine, string, *machineError) {
	if jwt.LooksLikeJWT(tok) {
		t, err := jwt.Decode(tok)
		if err != nil {
			return nil, TokenM2M, &machineError{Code: reasons.TokenInvalid, Message: err.(*jwt.Error).Message}
		}
		switch jwtMachineType(t) {
		case TokenM2M:
			return c.verifyM2MJWT(ctx, t)
		case TokenOAuth:
			return c.verifyOAuthJWT(ctx, t)
		}
		return nil, TokenOAuth, &machineError{Code: reasons.TokenVerificationFailed, Message: "the JWT is neither an OAuth access token (typ at+jwt) nor an M2M token (sub mch_…)"}
	}
	t := prefixType(tok)
	if len(tok) > MaxOpaqueTokenLen {
		// No Backend API call for what cannot be a Clerk token.
		return nil, t, &machineError{Code: reasons.TokenInvalid, Message: "the token is longer than any Clerk machine token (" + itoa(MaxOpaqueTokenLen) + " bytes)"}
	}
	var observe func(bool)
	if c.ObserveCache != nil {
		observe = func(hit bool) { c.ObserveCache(ctx, t, hit) }
	}
	m, merr := c.machineCache().verify(ctx, tok, c.now, observe, func(ctx context.Context) (*Machine, *machineError) {
		return c.verifyOpaque(ctx, t, tok)
	})
	return m, t, merr
}

// verifyOpaque asks the Backend API about an opaque machine token.
func (c *Config) verifyOpaque(ctx context.Context, t, tok string) (*Machine, *machineError) {
	if c.Backend == nil {
		return nil, &machineError{Code: reasons.UnexpectedError, Message: "no Backend API client is configured"}
	}
	switch t {
	case TokenM2M:
		raw, err := c.Backend.VerifyM2MToken(ctx, tok)
		if err != nil {
			return nil, apiMachineError(err, "M2M token not found")
		}
		return machineFromJSON(TokenM2M, raw), nil
	case TokenOAuth:
		raw, err := c.Backend.VerifyOAuthToken(ctx, tok)
		if err != nil {
			return nil, apiMachineError(err, "OAuth token not found")
		}
		var aud struct {
			Aud json.RawMessage `json:"aud"`
		}
		_ = json.Unmarshal(raw, &aud)
		if err := checkOAuthAudience(aud.Aud, c.Audience); err != nil {
			return nil, &machineError{Code: reasons.TokenVerificationFailed, Message: err.Error()}
		}
		return machineFromJSON(TokenOAuth, raw), nil
	default:
		raw, err := c.Backend.VerifyAPIKey(ctx, tok)
		if err != nil {
			return nil, apiMachineError(err, "API key not found")
		}
		return machineFromJSON(TokenAPIKey, raw), nil
	}
}

// apiMachineError maps Backend API failures as verifyMachineAuthToken's
// handleClerkAPIError does: 401 is
// an invalid secret key, 404 an invalid token, anything else unexpected.
func apiMachineError(err error, notFound string) *machineError {
	var ae *backend.APIError
	if !errors.As(err, &ae) {
		return &machineError{Code: reasons.UnexpectedError, Message: "unexpected error"}
	}
	switch ae.StatusCode {
	case 401:
		msg := ""
		if len(ae.Errors) > 0 {
			msg = ae.Errors[0].Message
		}
		if msg == "" {
			msg = "invalid secret key"
		}
		return &machineError{Code: reasons.InvalidSecretKey, Message: msg, Status: 401}
	case 404:
		return &machineError{Code: reasons.TokenInvalid, Message: notFound, Status: 404}
	}
	return &machineError{Code: reasons.UnexpectedError, Message: "unexpected error", Status: ae.StatusCode}
}

// machineFromJSON keeps the verification response's fields verbatim.
func machineFromJSON(tokenType string, raw json.RawMessage) *Machine {
	var v struct {
		ID         json.RawMessage `json:"id"`
		Subject    json.RawMessage `json:"subject"`
		Name       json.RawMessage `json:"name"`
		Claims     json.RawMessage `json:"claims"`
		Scopes     json.RawMessage `json:"scopes"`
		ClientID   json.RawMessage `json:"client_id"`
		Expiration json.RawMessage `json:"expiration"`
	}
	_ = json.Unmarshal(raw, &v)
	return &Machine{TokenType: tokenType, ID: v.ID, Subject: v.Subject, Name: v.Name, Claims: v.Claims, Scopes: v.Scopes, ClientID: v.ClientID, Expiration: v.Expiration}
}

func (c *Config) verifyM2MJWT(ctx context.Context, t *jwt.Token) (*Machine, string, *machineError) {
	if t.Header.Cat.Set && !(t.Header.Cat.IsString && t.Header.Cat.Value == jwt.CategoryM2MToken) {
		return nil, TokenM2M, &machineError{Code: reasons.TokenInvalid, Message: "the token's category is not the M2M token category"}
	}
	if err := c.verifyJWT(ctx, t, nil, c.Audience); err != nil {
		return nil, TokenM2M, &machineError{Code: reasons.TokenVerificationFailed, Message: errMessage(err)}
	}
	var payload map[string]json.RawMessage
	_ = json.Unmarshal(t.Payload, &payload)
	claims := map[string]json.RawMessage{}
	for k, v := range payload {
		switch k {
		case "iss", "sub", "exp", "nbf", "iat", "jti":
		default:
			claims[k] = v
		}
	}
	m := &Machine{TokenType: TokenM2M, Subject: payload["sub"]}
	m.ID = stringOr(t.Claims.Jti, "")
	if len(claims) > 0 {
		m.Claims, _ = json.Marshal(claims)
	} else {
		m.Claims = jsonNull
	}
	switch {
	case t.Claims.Scopes.IsString:
		m.Scopes, _ = json.Marshal(strings.Split(t.Claims.Scopes.Value, " "))
	case len(t.Claims.Aud) > 0 && string(t.Claims.Aud) != "null":
		m.Scopes = t.Claims.Aud
	default:
		m.Scopes = json.RawMessage("[]")
	}
	return m, TokenM2M, nil
}

func (c *Config) verifyOAuthJWT(ctx context.Context, t *jwt.Token) (*Machine, string, *machineError) {
	if err := c.verifyJWT(ctx, t, oauthTyps, nil); err != nil {
		return nil, TokenOAuth, &machineError{Code: reasons.TokenVerificationFailed, Message: errMessage(err)}
	}
	if err := checkOAuthAudience(t.Claims.Aud, c.Audience); err != nil {
		return nil, TokenOAuth, &machineError{Code: reasons.TokenVerificationFailed, Message: err.Error()}
	}
	var payload map[string]json.RawMessage
	_ = json.Unmarshal(t.Payload, &payload)
	m := &Machine{TokenType: TokenOAuth, Subject: payload["sub"]}
	m.ID = stringOr(t.Claims.Jti, "")
	m.ClientID = stringOr(t.Claims.ClientID, "")
	switch {
	case len(t.Claims.Scp) > 0 && string(t.Claims.Scp) != "null":
		m.Scopes = t.Claims.Scp
	case t.Claims.Scope.IsString:
		m.Scopes, _ = json.Marshal(strings.Split(t.Claims.Scope.Value, " "))
	default:
		m.Scopes = json.RawMessage("[]")
	}
	return m, TokenOAuth, nil
}

// stringOr returns the member verbatim when present and not null, else def.
func stringOr(f jwt.Field, def string) json.RawMessage {
	if f.Set && !f.IsNull() {
		return f.Raw
	}
	b, _ := json.Marshal(def)
	return b
}

func errMessage(err error) string {
	if te, ok := asTokenError(err); ok {
		return te.Message
	}
	return err.Error()
}

// checkOAuthAudience: with audiences configured, an OAuth token must name at
// least one of them in a non-empty aud.
func checkOAuthAudience(raw json.RawMessage, audience []string) error {
	want := slices.DeleteFunc(slices.Clone(audience), func(a string) bool { return a == "" })
	if len(want) == 0 {
		return nil
	}
	var list []string
	var one string
	switch {
	case json.Unmarshal(raw, &one) == nil && len(raw) > 0 && raw[0] == '"':
		list = []string{one}
	case json.Unmarshal(raw, &list) == nil && len(list) > 0:
	default:
		return errors.New("the OAuth token has no usable audience claim (aud)")
	}
	for _, a := range list {
		if a == "" {
			return errors.New("the OAuth token has an empty audience")
		}
	}
	for _, a := range list {
		if slices.Contains(want, a) {
			return nil
		}
	}
	return errors.New("the OAuth token's audience does not match the configured audience")
}
