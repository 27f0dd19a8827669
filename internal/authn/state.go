package authn

import (
	"encoding/json"
	"net/http"
	"sync"
)

// Authentication statuses, as in the x-clerk-auth-status header.
const (
	StatusSignedIn  = "signed-in"
	StatusSignedOut = "signed-out"
	StatusHandshake = "handshake"
)

// Token types.
const (
	TokenSession = "session_token"
	TokenAPIKey  = "api_key"
	TokenM2M     = "m2m_token"
	TokenOAuth   = "oauth_token"
)

// State is the outcome of authenticating one request.
type State struct {
	Status  string
	Reason  string
	Message string
	// TokenType is "" when the presented token's type was not accepted at
	// all (@clerk/backend's null token type).
	TokenType string
	// Headers go on the response: Location (then the middleware answers 307),
	// Set-Cookie, Cache-Control and CORS. WriteHeaders adds them and the
	// x-clerk-auth-* debug headers to a response.
	Headers http.Header
	Token   string
	Session *Session
	Machine *Machine
	// Err, when set, means the request cannot be decided (a configuration or
	// handshake failure authenticateRequest throws for): answer 500.
	Err error

	debug bool // answer with the x-clerk-auth-* headers
}

// Machine is a verified machine token. Fields hold the JSON values the
// verification produced, verbatim; nil means absent.
type Machine struct {
	TokenType string
	ID        json.RawMessage
	Subject   json.RawMessage
	Name      json.RawMessage
	Claims    json.RawMessage
	Scopes    json.RawMessage
	ClientID  json.RawMessage
	// Expiration is the Backend API's expiration (Unix ms), if any.
	Expiration json.RawMessage

	decodeOnce sync.Once
	decoded    MachineFields
}

// MachineFields are a machine token's fields decoded ("" or nil when absent
// or of another type).
type MachineFields struct {
	ID, Subject, Name, ClientID string
	Scopes                      []string
	Claims                      map[string]any
}

// Fields decodes the token's fields once per verification: a cached
// verification serves many requests.
func (m *Machine) Fields() *MachineFields {
	m.decodeOnce.Do(func() {
		d := &m.decoded
		d.ID, d.Subject, d.Name, d.ClientID = jsonString(m.ID), jsonString(m.Subject), jsonString(m.Name), jsonString(m.ClientID)
		_ = json.Unmarshal(m.Scopes, &d.Scopes)
		if len(m.Claims) > 0 {
			_ = json.Unmarshal(m.Claims, &d.Claims)
		}
	})
	return &m.decoded
}

func jsonString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// Accepts is the acceptsToken option: "any", one type, or a list.
type Accepts struct {
	Any   bool
	List  bool     // the option was an array
	Types []string // one element unless List
}

// AcceptsAny accepts every token type, as clerkMiddleware does.
var AcceptsAny = Accepts{Any: true}

func (a Accepts) accepts(t string) bool {
	if t == "" {
		return false
	}
	if a.Any {
		return true
	}
	for _, x := range a.Types {
		if x == t {
			return true
		}
	}
	return false
}

func (a Accepts) single() string {
	if a.Any || a.List || len(a.Types) != 1 {
		return ""
	}
	return a.Types[0]
}

func isMachineType(t string) bool { return t == TokenAPIKey || t == TokenM2M || t == TokenOAuth }

// SignedOut is a signed-out state decided without running the decision
// (a token refused before verification), with the x-clerk-auth-* headers
// any signed-out state has.
func SignedOut(tokenType, reason, message string) *State {
	return &State{Status: StatusSignedOut, TokenType: tokenType, Reason: reason, Message: message, debug: true}
}

// WriteHeaders adds the state's response headers to dst: the protocol
// headers (Location, Set-Cookie, Cache-Control, CORS) and, for signed-out
// and handshake states, x-clerk-auth-status, -reason and -message. It
// writes canonical keys directly, and the debug values' slices are parts
// of vals (which must live as long as dst), so a signed-out request costs
// no allocation here; the state itself is only read.
func (s *State) WriteHeaders(dst http.Header, vals *[3]string) {
	for k, vs := range s.Headers {
		if len(dst[k]) == 0 {
			dst[k] = vs
		} else {
			dst[k] = append(dst[k], vs...)
		}
	}
	if !s.debug {
		return
	}
	n := 0
	put := func(key, v string) {
		vals[n] = v
		dst[key] = vals[n : n+1 : n+1]
		n++
	}
	if s.Message != "" {
		put("X-Clerk-Auth-Message", sanitizeHeader(s.Message))
	}
	if s.Reason != "" {
		put("X-Clerk-Auth-Reason", s.Reason)
	}
	if s.Status != "" {
		put("X-Clerk-Auth-Status", s.Status)
	}
}

// ResponseHeader returns what WriteHeaders adds, in a new map.
func (s *State) ResponseHeader() http.Header {
	h := make(http.Header, len(s.Headers)+3)
	s.WriteHeaders(h, new([3]string))
	return h
}

// sanitizeHeader keeps a message usable as a header value.
func sanitizeHeader(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c == 0x7f {
			b[i] = ' '
		}
	}
	return string(b)
}
