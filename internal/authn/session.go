package authn

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/goclerk/clerk/internal/jwt"
)

// Session is a verified session token and what the auth object derives from
// it. Sessions live in the verified-token cache, so a Session keeps only
// what later requests read (about 1 KB, see docs/performance.md): the time
// claims to re-check, the derived properties and the auth object's JSON,
// which holds the payload.
type Session struct {
	Times jwt.Times
	Props *SessionProps
	// Payload is the verified payload, verbatim (sessionClaims), and Actor
	// its "act" claim (nil if absent): both are parts of JSON.
	Payload json.RawMessage
	Actor   json.RawMessage
	// JSON is the signed-in auth object as JSON.stringify(getAuth(req))
	// prints it; Payload is JSON[claimsAt:claimsAt+len(Payload)].
	JSON     []byte
	claimsAt int
}

// newSession keeps what a verified token t yields, in memory of its own
// (three allocations): nothing refers to the decoded token afterwards.
func newSession(t *jwt.Token) *Session {
	both := new(struct {
		s Session
		p SessionProps
	})
	s, p := &both.s, &both.p
	raw := deriveProps(&t.Claims, p)
	s.Times, s.Props = t.Claims.Times(), p
	var actorAt int
	s.JSON, s.claimsAt, actorAt = sessionJSON(p, &raw, t.Payload)
	s.Payload = part(s.JSON, s.claimsAt, len(t.Payload))
	if raw.Actor != nil {
		s.Actor = part(s.JSON, actorAt, len(raw.Actor))
	}
	p.detach()
	return s
}

// jsonScratch holds buffers for sessionJSON, which runs once per verified
// token: the encoding is copied out, so the buffer is reused.
var jsonScratch = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func part(b []byte, at, n int) []byte { return b[at : at+n : at+n] }

// AuthJSON returns the auth object's JSON with claims as its sessionClaims
// (nil: null): the cached JSON when claims are the session's own payload.
func (s *Session) AuthJSON(claims json.RawMessage) []byte {
	if len(claims) == len(s.Payload) && (len(claims) == 0 || &claims[0] == &s.Payload[0]) {
		return s.JSON[:len(s.JSON):len(s.JSON)]
	}
	if len(claims) == 0 {
		claims = jsonNull
	}
	end := s.claimsAt + len(s.Payload)
	out := make([]byte, 0, len(s.JSON)-len(s.Payload)+len(claims))
	out = append(out, s.JSON[:s.claimsAt]...)
	out = append(out, claims...)
	return append(out, s.JSON[end:]...)
}

// sessionJSON encodes the signed-in auth object (signedInAuthObject's keys,
// in its order, absent members left out) and reports where the payload and
// the actor start.
func sessionJSON(p *SessionProps, raw *rawProps, payload json.RawMessage) (b []byte, claimsAt, actorAt int) {
	// Built in a pooled buffer, then copied once to its exact size.
	scratch := jsonScratch.Get().(*[]byte)
	defer jsonScratch.Put(scratch)
	o := JSONObject{B: (*scratch)[:0]}
	defer func() { *scratch = o.B[:0] }() // keep a buffer that had to grow
	o.Str("tokenType", TokenSession)
	if len(raw.Actor) > 0 { // second, as in signedInAuthObject
		o.Key("actor")
		actorAt = len(o.B)
		o.Value(raw.Actor)
	}
	o.Key("sessionClaims")
	claimsAt = len(o.B)
	o.Value(payload)
	o.Optional("sessionId", raw.SessionID)
	o.JSON("sessionStatus", raw.SessionStatus)
	o.Str("userId", p.UserID)
	o.Optional("orgId", raw.OrgID)
	o.Optional("orgRole", raw.OrgRole)
	o.Optional("orgSlug", raw.OrgSlug)
	o.Optional("orgPermissions", raw.OrgPermissions)
	o.JSON("factorVerificationAge", raw.FVA)
	o.Raw("isAuthenticated", "true")
	return append([]byte(nil), o.Bytes()...), claimsAt, actorAt // no spare capacity kept
}

// detach copies the props' strings into one allocation of their own, so
// that the decoded token they pointed into can be collected.
func (p *SessionProps) detach() {
	fields := [...]*string{&p.UserID, &p.SessionID, &p.SessionStatus, &p.OrgID, &p.OrgRole, &p.OrgSlug, &p.Features, &p.Plans}
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	var b strings.Builder
	b.Grow(n)
	for _, f := range fields {
		b.WriteString(*f)
	}
	all, at := b.String(), 0
	for _, f := range fields {
		*f, at = all[at:at+len(*f)], at+len(*f)
	}
	if p.FVAValid {
		p.FVAInts = []int{int(p.FVA[0]), int(p.FVA[1])}
	}
}

// JSONObject appends a JSON object member by member to B; keys are
// written as they are (callers pass constant, plain keys).
type JSONObject struct {
	B    []byte
	open bool // '{' written
}

// Key starts a member.
func (o *JSONObject) Key(k string) {
	if !o.open {
		o.B, o.open = append(o.B, '{'), true
	} else {
		o.B = append(o.B, ',')
	}
	o.B = append(o.B, '"')
	o.B = append(o.B, k...)
	o.B = append(o.B, '"', ':')
}

// Value writes a JSON value, null when v is empty.
func (o *JSONObject) Value(v json.RawMessage) {
	if len(v) == 0 {
		v = jsonNull
	}
	o.B = append(o.B, v...)
}

// Raw writes a member whose value is the JSON text v.
func (o *JSONObject) Raw(k, v string) { o.Key(k); o.B = append(o.B, v...) }

// Str writes a string member.
func (o *JSONObject) Str(k, v string) { o.Key(k); o.B = appendJSONString(o.B, v) }

// JSON writes a member with the JSON value v (null when empty).
func (o *JSONObject) JSON(k string, v json.RawMessage) { o.Key(k); o.Value(v) }

// Optional writes v unless it is absent (JavaScript undefined).
func (o *JSONObject) Optional(k string, v json.RawMessage) {
	if len(v) > 0 {
		o.JSON(k, v)
	}
}

// Nullable writes a string member, null when v is "".
func (o *JSONObject) Nullable(k, v string) {
	if v == "" {
		o.Raw(k, "null")
		return
	}
	o.Str(k, v)
}

// Bytes returns B with the object closed ("{}" when it has no member).
func (o *JSONObject) Bytes() []byte {
	if !o.open {
		return append(o.B, '{', '}')
	}
	return append(o.B, '}')
}
