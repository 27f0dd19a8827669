package authn

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/goclerk/clerk/internal/jwt"
)

// Session is a verified session token and what the auth object derives from
// it. Sessions live in the verified-token cache, so a Session keeps only
// what later requests read (about 0.9 KB, see docs/performance.md): the
// time claims to re-check, the derived properties, the payload and the raw
// values of the auth object's other members. The object's keys are written
// around them by AppendJSON rather than kept per token.
type Session struct {
	Times jwt.Times
	Props *SessionProps
	// Payload is the verified payload, verbatim (sessionClaims), in memory
	// of its own; Actor is its "act" claim (nil if absent), a part of it.
	Payload json.RawMessage
	Actor   json.RawMessage
	// vals holds the members' raw JSON values end to end (an absent member
	// is empty) and ends where each one ends; the props' strings are
	// substrings of vals where they can be.
	vals string
	ends [numVals]uint32
}

// The members of the signed-in auth object after sessionClaims whose
// values Session.vals holds, in signedInAuthObject's order.
const (
	valSessionID = iota
	valSessionStatus
	valUserID
	valOrgID
	valOrgRole
	valOrgSlug
	valOrgPermissions
	valFVA
	numVals
)

// newSession keeps what a verified token t yields, in memory of its own
// (four allocations): nothing refers to the decoded token afterwards.
func newSession(t *jwt.Token) *Session {
	both := new(struct {
		s Session
		p SessionProps
	})
	s, p := &both.s, &both.p
	raw := deriveProps(&t.Claims, p)
	s.Times, s.Props = t.Claims.Times(), p
	s.Payload = part(append(make([]byte, 0, len(t.Payload)), t.Payload...), 0, len(t.Payload))
	if raw.Actor != nil {
		// The claim's bytes are in the payload; any equal run is as good.
		s.Actor = part(s.Payload, bytes.Index(s.Payload, raw.Actor), len(raw.Actor))
	}
	s.keepVals(p, &raw)
	p.detach(s.vals)
	return s
}

func part(b []byte, at, n int) []byte { return b[at : at+n : at+n] }

// keepVals records the members' raw values (signedInAuthObject's values
// for them) in s.vals.
func (s *Session) keepVals(p *SessionProps, raw *rawProps) {
	vals := [numVals][]byte{
		valSessionID:      raw.SessionID,
		valSessionStatus:  raw.SessionStatus,
		valUserID:         appendJSONString(nil, p.UserID),
		valOrgID:          raw.OrgID,
		valOrgRole:        raw.OrgRole,
		valOrgSlug:        raw.OrgSlug,
		valOrgPermissions: raw.OrgPermissions,
		valFVA:            raw.FVA,
	}
	n := 0
	for _, v := range vals {
		n += len(v)
	}
	var b strings.Builder // one allocation, and String does not copy it
	b.Grow(n)
	for i, v := range vals {
		b.Write(v)
		s.ends[i] = uint32(b.Len())
	}
	s.vals = b.String()
}

// AppendJSON appends the signed-in auth object with claims as its
// sessionClaims (nil: null), as JSON.stringify(getAuth(req)) prints it:
// signedInAuthObject's keys in its order, absent members left out.
func (s *Session) AppendJSON(dst []byte, claims json.RawMessage) []byte {
	b := append(dst, `{"tokenType":"session_token"`...)
	if len(s.Actor) > 0 { // second, as in signedInAuthObject
		b = append(append(b, `,"actor":`...), s.Actor...)
	}
	b = append(b, `,"sessionClaims":`...)
	if len(claims) == 0 {
		claims = jsonNull
	}
	b = append(b, claims...)
	start := uint32(0)
	for i, end := range s.ends {
		switch {
		case end > start:
			b = append(append(b, memberKeys[i]...), s.vals[start:end]...)
		case i == valSessionStatus || i == valFVA: // present even when null
			b = append(append(b, memberKeys[i]...), "null"...)
		}
		start = end
	}
	return append(b, `,"isAuthenticated":true}`...)
}

// memberKeys introduce the members whose values Session.vals holds.
var memberKeys = [numVals]string{`,"sessionId":`, `,"sessionStatus":`, `,"userId":`, `,"orgId":`, `,"orgRole":`, `,"orgSlug":`, `,"orgPermissions":`, `,"factorVerificationAge":`}

// JSONLen is a capacity for AppendJSON's output with claims.
func (s *Session) JSONLen(claims json.RawMessage) int {
	return len(claims) + len(s.Actor) + len(s.vals) + 200
}

// detach points the props' strings into vals, or copies them into one
// allocation of their own, so that the decoded token they pointed into
// can be collected.
func (p *SessionProps) detach(vals string) {
	fields := [...]*string{&p.UserID, &p.SessionID, &p.SessionStatus, &p.OrgID, &p.OrgRole, &p.OrgSlug, &p.Features, &p.Plans}
	var rest []*string
	n := 0
	for _, f := range fields {
		if *f == "" {
			continue
		}
		if i := strings.Index(vals, *f); i >= 0 {
			*f = vals[i : i+len(*f)]
			continue
		}
		rest, n = append(rest, f), n+len(*f)
	}
	if len(rest) > 0 {
		var b strings.Builder
		b.Grow(n)
		for _, f := range rest {
			b.WriteString(*f)
		}
		all, at := b.String(), 0
		for _, f := range rest {
			*f, at = all[at:at+len(*f)], at+len(*f)
		}
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
