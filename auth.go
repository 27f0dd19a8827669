package clerk

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"strings"
	"sync"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/authn"
)

// TokenType names a kind of token a request can carry.
type TokenType string

// Token types, as Clerk names them.
const (
	TokenTypeSessionToken TokenType = "session_token"
	TokenTypeAPIKey       TokenType = "api_key"
	TokenTypeM2MToken     TokenType = "m2m_token"
	TokenTypeOAuthToken   TokenType = "oauth_token"
)

// canonical maps "machine_token", the older name Clerk's SDKs still accept
// for M2M tokens, to TokenTypeM2MToken.
func (t TokenType) canonical() string {
	if t == "machine_token" {
		return string(TokenTypeM2MToken)
	}
	return string(t)
}

type authKind uint8

const (
	kindSessionSignedOut authKind = iota
	kindSession
	kindMachine
	kindMachineSignedOut
	kindInvalid
)

// Auth is what Clerk knows about a request: a user session, a machine
// token, or nothing. Session fields are set for session tokens, machine
// fields for API keys, M2M and OAuth tokens. Its JSON encoding is exactly
// what JSON.stringify(getAuth(req)) prints in Express.
//
// Its slices, raw JSON and the values in Claims are decoded once per
// verified token and shared by every request with that token: read them,
// do not modify them.
type Auth struct {
	TokenType       TokenType // "" when the token's type was not accepted
	IsAuthenticated bool

	// Session tokens.
	UserID                string
	SessionID             string
	SessionStatus         string // "active", "pending", …
	SessionClaims         json.RawMessage
	Actor                 json.RawMessage // the "act" claim of an impersonated session
	OrgID                 string
	OrgRole               string
	OrgSlug               string
	OrgPermissions        []string
	FactorVerificationAge []int // minutes since first and second factor (-1: never)

	// Machine tokens.
	ID        string
	Subject   string
	Name      string         // API keys
	Scopes    []string       // API keys, M2M and OAuth tokens
	Claims    map[string]any // API keys and M2M tokens
	MachineID string         // M2M tokens
	ClientID  string         // OAuth tokens

	kind    authKind
	reason  *string // the decision's reason, kept where it is: a pointer keeps Auth in its size class
	token   string
	session *authn.Session
	machine *authn.Machine
	client  *backend.Client
}

// Reason says why the Auth is not authenticated: the decision's reason
// (State's), ReasonTokenTypeMismatch for a verified token of a type the
// caller does not accept, or "" for a pending session (SessionStatus
// "pending") read as signed out. It is "" when IsAuthenticated.
func (a Auth) Reason() AuthReason {
	if a.reason == nil {
		return ""
	}
	return AuthReason(*a.reason)
}

// Reasons Auth values point to that no decision state holds.
var (
	reasonMiddlewareMissing = string(ReasonMiddlewareMissing)
	reasonTypeMismatch      = string(ReasonTokenTypeMismatch)
)

// DecodeSessionClaims decodes the verified session token payload into v
// (ErrNoClaims without one). DecodeClaims is its typed form.
func (a Auth) DecodeSessionClaims(v any) error {
	if len(a.SessionClaims) == 0 {
		return ErrNoClaims
	}
	return json.Unmarshal(a.SessionClaims, v)
}

func signedOutAuth(status string) Auth {
	return Auth{TokenType: TokenTypeSessionToken, SessionStatus: status, kind: kindSessionSignedOut}
}

func sessionAuth(s *authn.Session, token string, client *backend.Client) Auth {
	p := s.Props
	return Auth{
		TokenType:             TokenTypeSessionToken,
		IsAuthenticated:       true,
		UserID:                p.UserID,
		SessionID:             p.SessionID,
		SessionStatus:         p.SessionStatus,
		SessionClaims:         s.Payload,
		Actor:                 s.Actor,
		OrgID:                 p.OrgID,
		OrgRole:               p.OrgRole,
		OrgSlug:               p.OrgSlug,
		OrgPermissions:        p.OrgPermissions,
		FactorVerificationAge: p.FVAInts,
		kind:                  kindSession,
		token:                 token,
		session:               s,
		client:                client,
	}
}

func machineAuth(m *authn.Machine, token string) Auth {
	f := m.Fields()
	a := Auth{TokenType: TokenType(m.TokenType), IsAuthenticated: true, kind: kindMachine, token: token, machine: m,
		ID: f.ID, Subject: f.Subject, Name: f.Name, Scopes: f.Scopes}
	// Each Auth gets its own map (its values are shared with other requests
	// for the token).
	a.Claims = maps.Clone(f.Claims)
	switch a.TokenType {
	case TokenTypeAPIKey:
		if strings.HasPrefix(a.Subject, "user_") {
			a.UserID = a.Subject
		}
		if strings.HasPrefix(a.Subject, "org_") {
			a.OrgID = a.Subject
		}
	case TokenTypeM2MToken:
		a.MachineID = a.Subject
	case TokenTypeOAuthToken:
		a.UserID = a.Subject
		a.ClientID = f.ClientID
	}
	return a
}

func machineSignedOutAuth(t TokenType) Auth {
	return Auth{TokenType: t, kind: kindMachineSignedOut}
}

// MarshalJSON writes the auth object with the keys, nulls and absences of
// @clerk/express, so Go and Node services can exchange it.
//
// encoding/json re-validates every byte a MarshalJSON returns, which for a
// session object costs more than the middleware's whole decision; a handler
// that answers the object should use WriteJSON.
func (a Auth) MarshalJSON() ([]byte, error) {
	if a.kind == kindSession {
		return a.session.AppendJSON(make([]byte, 0, a.session.JSONLen(a.SessionClaims)), a.SessionClaims), nil
	}
	return a.encodeJSON(), nil
}

// WriteJSON writes the auth object's JSON (the bytes MarshalJSON returns)
// to w in one Write, encoding nothing twice: a signed-in session's object
// is put together from values kept with its verified token, in a reused
// buffer, so clerk.GetAuth(r).WriteJSON(w) is the cheapest way to answer
// it.
func (a Auth) WriteJSON(w io.Writer) error {
	if a.kind != kindSession {
		_, err := w.Write(a.encodeJSON())
		return err
	}
	buf := jsonBuffers.Get().(*[]byte)
	b := a.session.AppendJSON((*buf)[:0], a.SessionClaims)
	_, err := w.Write(b)
	if cap(b) <= 16<<10 { // keep buffers of ordinary size only
		*buf = b[:0]
		jsonBuffers.Put(buf)
	}
	return err
}

// jsonBuffers holds WriteJSON's buffers (io.Writer must not keep what it
// is given, so a buffer is free again once Write returns).
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// encodeJSON encodes every auth object but a signed-in session's.
func (a Auth) encodeJSON() []byte {
	var b authn.JSONObject
	switch a.kind {
	case kindInvalid:
		b.Raw("isAuthenticated", "false")
		b.Raw("tokenType", "null")
	case kindSessionSignedOut:
		b.Str("tokenType", string(TokenTypeSessionToken))
		b.Raw("sessionClaims", "null")
		b.Raw("sessionId", "null")
		b.Nullable("sessionStatus", a.SessionStatus)
		for _, k := range []string{"userId", "actor", "orgId", "orgRole", "orgSlug", "orgPermissions", "factorVerificationAge"} {
			b.Raw(k, "null")
		}
		b.Raw("isAuthenticated", "false")
	case kindMachine:
		m := a.machine
		b.Optional("id", m.ID)
		b.Optional("subject", m.Subject)
		b.Raw("isAuthenticated", "true")
		b.Str("tokenType", string(a.TokenType))
		switch a.TokenType {
		case TokenTypeAPIKey:
			b.Optional("name", m.Name)
			b.Optional("claims", m.Claims)
			b.Optional("scopes", m.Scopes)
			b.Nullable("userId", a.UserID)
			b.Nullable("orgId", a.OrgID)
		case TokenTypeM2MToken:
			b.Optional("claims", m.Claims)
			b.Optional("scopes", m.Scopes)
			b.Optional("machineId", m.Subject)
		case TokenTypeOAuthToken:
			b.Optional("scopes", m.Scopes)
			b.Optional("userId", m.Subject)
			b.Optional("clientId", m.ClientID)
		}
	case kindMachineSignedOut:
		b.Raw("id", "null")
		b.Raw("subject", "null")
		b.Raw("scopes", "null")
		b.Raw("isAuthenticated", "false")
		b.Str("tokenType", string(a.TokenType))
		switch a.TokenType {
		case TokenTypeAPIKey:
			for _, k := range []string{"name", "claims", "userId", "orgId"} {
				b.Raw(k, "null")
			}
		case TokenTypeM2MToken:
			b.Raw("claims", "null")
			b.Raw("machineId", "null")
		case TokenTypeOAuthToken:
			b.Raw("userId", "null")
			b.Raw("clientId", "null")
		}
	}
	return b.Bytes()
}

// ErrNotAuthenticated is returned by GetToken for signed-out requests.
var ErrNotAuthenticated = errors.New("clerk: the request is not authenticated")

// GetToken returns the request's token. With a template name it asks the
// Backend API for a JWT from that template for the session (session tokens
// only); with "" it returns the token the request presented.
func (a Auth) GetToken(ctx context.Context, template string) (string, error) {
	if !a.IsAuthenticated || a.token == "" {
		return "", ErrNotAuthenticated
	}
	if template == "" || a.kind != kindSession {
		return a.token, nil
	}
	if a.client == nil || a.SessionID == "" {
		return "", errors.New("clerk: no Backend API client to create a token from a template")
	}
	tok, err := a.client.Sessions.CreateTokenFromTemplate(ctx, a.SessionID, template, nil)
	if err != nil {
		return "", err
	}
	return tok.JWT, nil
}
