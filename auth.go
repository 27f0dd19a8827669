package clerk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/internal/authn"
)

// TokenType names a kind of token a request can carry.
type TokenType string

// Token types, as Clerk names them.
const (
	SessionToken TokenType = "session_token"
	APIKey       TokenType = "api_key"
	M2MToken     TokenType = "m2m_token"
	OAuthToken   TokenType = "oauth_token"
	// MachineToken is the older name of M2MToken; it is accepted as an alias.
	MachineToken TokenType = "machine_token"
)

func (t TokenType) canonical() string {
	if t == MachineToken {
		return string(M2MToken)
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
	token   string
	session *authn.Session
	machine *authn.Machine
	client  *backend.Client
}

// DecodeSessionClaims decodes the verified session token payload into v.
func (a Auth) DecodeSessionClaims(v any) error {
	if len(a.SessionClaims) == 0 {
		return errors.New("clerk: no session claims")
	}
	return json.Unmarshal(a.SessionClaims, v)
}

func signedOutAuth(status string) Auth {
	return Auth{TokenType: SessionToken, SessionStatus: status, kind: kindSessionSignedOut}
}

func sessionAuth(s *authn.Session, token string, client *backend.Client) Auth {
	p := s.Props
	a := Auth{
		TokenType:       SessionToken,
		IsAuthenticated: true,
		UserID:          p.UserID,
		SessionID:       p.SessionID,
		SessionStatus:   p.SessionStatus,
		SessionClaims:   s.Token.Payload,
		Actor:           p.RawActor,
		OrgID:           p.OrgID,
		OrgRole:         p.OrgRole,
		OrgSlug:         p.OrgSlug,
		OrgPermissions:  p.OrgPermissions,
		kind:            kindSession,
		token:           token,
		session:         s,
		client:          client,
	}
	if p.FVAValid {
		a.FactorVerificationAge = []int{int(p.FVA[0]), int(p.FVA[1])}
	}
	return a
}

func machineAuth(m *authn.Machine, token string) Auth {
	a := Auth{TokenType: TokenType(m.TokenType), IsAuthenticated: true, kind: kindMachine, token: token, machine: m}
	a.ID = jsonString(m.ID)
	a.Subject = jsonString(m.Subject)
	a.Name = jsonString(m.Name)
	_ = json.Unmarshal(m.Scopes, &a.Scopes)
	if len(m.Claims) > 0 {
		_ = json.Unmarshal(m.Claims, &a.Claims)
	}
	switch a.TokenType {
	case APIKey:
		if strings.HasPrefix(a.Subject, "user_") {
			a.UserID = a.Subject
		}
		if strings.HasPrefix(a.Subject, "org_") {
			a.OrgID = a.Subject
		}
	case M2MToken:
		a.MachineID = a.Subject
	case OAuthToken:
		a.UserID = a.Subject
		a.ClientID = jsonString(m.ClientID)
	}
	return a
}

func machineSignedOutAuth(t TokenType) Auth {
	return Auth{TokenType: t, kind: kindMachineSignedOut}
}

func jsonString(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// MarshalJSON writes the auth object with the keys, nulls and absences of
// @clerk/express, so Go and Node services can exchange it.
func (a Auth) MarshalJSON() ([]byte, error) {
	var b jsonObject
	switch a.kind {
	case kindInvalid:
		b.raw("isAuthenticated", "false")
		b.raw("tokenType", "null")
	case kindSessionSignedOut:
		b.str("tokenType", string(SessionToken))
		for _, k := range []string{"sessionClaims", "sessionId"} {
			b.raw(k, "null")
		}
		if a.SessionStatus != "" {
			b.str("sessionStatus", a.SessionStatus)
		} else {
			b.raw("sessionStatus", "null")
		}
		for _, k := range []string{"userId", "actor", "orgId", "orgRole", "orgSlug", "orgPermissions", "factorVerificationAge"} {
			b.raw(k, "null")
		}
		b.raw("isAuthenticated", "false")
	case kindSession:
		p := a.session.Props
		b.str("tokenType", string(SessionToken))
		b.optional("actor", p.RawActor) // second, as in signedInAuthObject
		b.json("sessionClaims", a.SessionClaims)
		b.optional("sessionId", p.RawSessionID)
		b.json("sessionStatus", p.RawSessionStatus)
		b.str("userId", p.UserID)
		b.optional("orgId", p.RawOrgID)
		b.optional("orgRole", p.RawOrgRole)
		b.optional("orgSlug", p.RawOrgSlug)
		b.optional("orgPermissions", p.RawOrgPermissions)
		b.json("factorVerificationAge", p.RawFVA)
		b.raw("isAuthenticated", "true")
	case kindMachine:
		m := a.machine
		b.optional("id", m.ID)
		b.optional("subject", m.Subject)
		b.raw("isAuthenticated", "true")
		b.str("tokenType", string(a.TokenType))
		switch a.TokenType {
		case APIKey:
			b.optional("name", m.Name)
			b.optional("claims", m.Claims)
			b.optional("scopes", m.Scopes)
			b.nullable("userId", a.UserID)
			b.nullable("orgId", a.OrgID)
		case M2MToken:
			b.optional("claims", m.Claims)
			b.optional("scopes", m.Scopes)
			b.optional("machineId", m.Subject)
		case OAuthToken:
			b.optional("scopes", m.Scopes)
			b.optional("userId", m.Subject)
			b.optional("clientId", m.ClientID)
		}
	case kindMachineSignedOut:
		b.raw("id", "null")
		b.raw("subject", "null")
		b.raw("scopes", "null")
		b.raw("isAuthenticated", "false")
		b.str("tokenType", string(a.TokenType))
		switch a.TokenType {
		case APIKey:
			for _, k := range []string{"name", "claims", "userId", "orgId"} {
				b.raw(k, "null")
			}
		case M2MToken:
			b.raw("claims", "null")
			b.raw("machineId", "null")
		case OAuthToken:
			b.raw("userId", "null")
			b.raw("clientId", "null")
		}
	}
	return b.bytes(), nil
}

// jsonObject writes a JSON object member by member.
type jsonObject struct{ buf bytes.Buffer }

func (o *jsonObject) key(k string) {
	if o.buf.Len() == 0 {
		o.buf.WriteByte('{')
	} else {
		o.buf.WriteByte(',')
	}
	o.buf.WriteByte('"')
	o.buf.WriteString(k)
	o.buf.WriteString(`":`)
}

func (o *jsonObject) raw(k, v string) { o.key(k); o.buf.WriteString(v) }

func (o *jsonObject) str(k, v string) {
	o.key(k)
	b, _ := json.Marshal(v)
	o.buf.Write(b)
}

func (o *jsonObject) json(k string, v json.RawMessage) {
	if len(v) == 0 {
		v = json.RawMessage("null")
	}
	o.key(k)
	o.buf.Write(v)
}

// optional writes v unless it is absent (JavaScript undefined).
func (o *jsonObject) optional(k string, v json.RawMessage) {
	if len(v) > 0 {
		o.json(k, v)
	}
}

func (o *jsonObject) nullable(k, v string) {
	if v == "" {
		o.raw(k, "null")
		return
	}
	o.str(k, v)
}

func (o *jsonObject) bytes() []byte {
	if o.buf.Len() == 0 {
		return []byte("{}")
	}
	o.buf.WriteByte('}')
	return o.buf.Bytes()
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
