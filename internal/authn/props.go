package authn

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/goclerk/clerk/internal/jwt"
)

// SessionProps are the auth-object properties derived from session claims,
// computed once per verified token, for Go callers and Has.
type SessionProps struct {
	UserID string

	SessionID, SessionStatus, OrgID, OrgRole, OrgSlug string
	OrgPermissions                                    []string
	FVA                                               [2]float64 // when FVAValid
	FVAInts                                           []int      // FVA for Auth.FactorVerificationAge, set with the Session

	Features, Plans string // fea / pla when strings
	Err             error  // claims signedInAuthObject cannot turn into an auth object

	HasOrgPermissions bool // orgPermissions is an array
	FVAValid          bool
	FeaturesNonString bool // fea present, truthy and not a string
	PlansNonString    bool
	Pending           bool
}

// rawProps are the same properties as the JSON Express's auth object
// prints (nil: absent), kept in Session.vals.
type rawProps struct {
	SessionID, SessionStatus, Actor, OrgID, OrgRole, OrgSlug, OrgPermissions, FVA json.RawMessage
}

var jsonNull = json.RawMessage("null")

// deriveProps mirrors Clerk's JWT-payload-to-auth-object rules for v1
// (org_*) and v2 ("o", "fea", "fpm") session claims, writing into p.
func deriveProps(c *jwt.Claims, p *SessionProps) rawProps {
	var raw rawProps
	p.UserID = c.Sub.Value
	if c.Sid.Set {
		raw.SessionID = c.Sid.Raw
		p.SessionID = c.Sid.Value
	}
	raw.SessionStatus = orNull(c.Sts)
	p.SessionStatus = c.Sts.Value
	p.Pending = c.Sts.IsString && c.Sts.Value == "pending"
	if len(c.Act) > 0 {
		raw.Actor = c.Act
	}
	raw.FVA = jsonNull
	if len(c.Fva) > 0 && string(c.Fva) != "null" {
		raw.FVA = c.Fva
		p.FVA, p.FVAValid = parsePair(c.Fva)
	}
	if c.Fea.IsString {
		p.Features = c.Fea.Value
	} else {
		p.FeaturesNonString = truthy(c.Fea)
	}
	if c.Pla.IsString {
		p.Plans = c.Pla.Value
	} else {
		p.PlansNonString = truthy(c.Pla)
	}

	if c.V.IsNumber && c.V.Value == 2 {
		if len(c.O) > 0 && truthyRaw(c.O) {
			var o struct{ ID, Slg, Rol, Per, Fpm jwt.Field }
			// A non-object leaves every member absent.
			_ = jwt.ScanObject(c.O, c.OStr, func(k string, raw []byte, str string) {
				switch k {
				case "id":
					o.ID.Assign(raw, str)
				case "slg":
					o.Slg.Assign(raw, str)
				case "rol":
					o.Rol.Assign(raw, str)
				case "per":
					o.Per.Assign(raw, str)
				case "fpm":
					o.Fpm.Assign(raw, str)
				}
			})
			if o.ID.Set {
				raw.OrgID, p.OrgID = o.ID.Raw, o.ID.Value
			}
			if o.Slg.Set {
				raw.OrgSlug, p.OrgSlug = o.Slg.Raw, o.Slg.Value
			}
			if truthy(o.Rol) {
				if o.Rol.IsString {
					p.OrgRole = "org:" + o.Rol.Value
				} else {
					p.OrgRole = "org:" + strings.Trim(string(o.Rol.Raw), `"`)
				}
				raw.OrgRole = appendJSONString(nil, p.OrgRole)
			}
			orgFeatures, err := splitOrgFeatures(c.Fea)
			if err != nil {
				p.Err = err
			}
			perms := buildOrgPermissions(orgFeatures, o.Per, o.Fpm)
			p.OrgPermissions, p.HasOrgPermissions = perms, true
			raw.OrgPermissions = jsonStrings(perms)
		}
	} else {
		if c.OrgID.Set {
			raw.OrgID, p.OrgID = c.OrgID.Raw, c.OrgID.Value
		}
		if c.OrgRole.Set {
			raw.OrgRole, p.OrgRole = c.OrgRole.Raw, c.OrgRole.Value
		}
		if c.OrgSlug.Set {
			raw.OrgSlug, p.OrgSlug = c.OrgSlug.Raw, c.OrgSlug.Value
		}
		if len(c.OrgPermissions) > 0 {
			raw.OrgPermissions = c.OrgPermissions
			var arr []any
			if json.Unmarshal(c.OrgPermissions, &arr) == nil && arr != nil {
				p.HasOrgPermissions = true
				for _, v := range arr {
					if s, ok := v.(string); ok {
						p.OrgPermissions = append(p.OrgPermissions, s)
					}
				}
			}
		}
	}
	return raw
}

func orNull(f jwt.Field) json.RawMessage {
	if !f.Set {
		return jsonNull
	}
	return f.Raw
}

// truthy is JavaScript truthiness of a JSON member.
func truthy(f jwt.Field) bool {
	if !f.Set {
		return false
	}
	return truthyRaw(f.Raw)
}

func truthyRaw(raw json.RawMessage) bool {
	switch s := strings.TrimSpace(string(raw)); s {
	case "", "null", "false", `""`, "0", "-0":
		return false
	default:
		if c := s[0]; c == '-' || c >= '0' && c <= '9' {
			if f, err := strconv.ParseFloat(s, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
}

// parsePair reads a JSON array of exactly two numbers (the fva claim).
func parsePair(raw json.RawMessage) ([2]float64, bool) {
	s := strings.TrimSpace(string(raw))
	if len(s) < 5 || s[0] != '[' || s[len(s)-1] != ']' {
		return [2]float64{}, false
	}
	a, b, ok := strings.Cut(s[1:len(s)-1], ",")
	if !ok || strings.Contains(b, ",") {
		return [2]float64{}, false
	}
	x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil {
		return [2]float64{}, false
	}
	return [2]float64{x, y}, true
}

// jsonStrings encodes a string list as a JSON array.
func jsonStrings(list []string) json.RawMessage {
	out := make([]byte, 0, 16*len(list)+2)
	out = append(out, '[')
	for i, s := range list {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, s)
	}
	return append(out, ']')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// errMalformedScopes reports a features/plans claim element without a scope.
var errMalformedScopes = errors.New("malformed claim: an element has no scope prefix")

// SplitByScope splits "o:a,u:b,ou:c" into organization and user values.
func SplitByScope(claim string) (org, user []string, err error) {
	if claim == "" {
		return nil, nil, nil
	}
	for _, part := range strings.Split(claim, ",") {
		part = strings.TrimSpace(part)
		scope, value, ok := strings.Cut(part, ":")
		if !ok {
			return nil, nil, errMalformedScopes
		}
		switch scope {
		case "o":
			org = append(org, value)
		case "u":
			user = append(user, value)
		case "ou", "uo":
			org = append(org, value)
			user = append(user, value)
		}
	}
	return org, user, nil
}

func splitOrgFeatures(fea jwt.Field) ([]string, error) {
	if !truthy(fea) {
		return nil, nil
	}
	if !fea.IsString {
		return nil, errors.New("malformed claim: fea is not a string")
	}
	org, _, err := SplitByScope(fea.Value)
	return org, err
}

// buildOrgPermissions expands the compact v2 permission encoding: "per" lists
// permission names, "fpm" one decimal bitmask per organization feature; bit
// i of feature f grants "org:<f>:<per[i]>".
func buildOrgPermissions(features []string, per, fpm jwt.Field) []string {
	out := []string{}
	if !per.IsString || !fpm.IsString || per.Value == "" || fpm.Value == "" {
		return out
	}
	perms := strings.Split(per.Value, ",")
	for i := range perms {
		perms[i] = strings.TrimSpace(perms[i])
	}
	masks := strings.Split(fpm.Value, ",")
	for fi, feature := range features {
		if fi >= len(masks) {
			continue
		}
		bits := decimalBits(strings.TrimSpace(masks[fi]))
		for pi := 0; pi < len(bits) && pi < len(perms); pi++ {
			if bits[pi] {
				out = append(out, "org:"+feature+":"+perms[pi])
			}
		}
	}
	return out
}

// decimalBits returns the binary digits of a decimal string, least
// significant first, for arbitrarily long numbers; nil if not all digits.
func decimalBits(s string) []bool {
	if s == "" {
		return nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil
		}
	}
	digits := []byte(strings.TrimLeft(s, "0"))
	var bits []bool
	for len(digits) > 0 {
		var q []byte
		rem := 0
		for _, d := range digits {
			v := rem*10 + int(d-'0')
			if len(q) > 0 || v/2 != 0 {
				q = append(q, byte('0'+v/2))
			}
			rem = v % 2
		}
		bits = append(bits, rem == 1)
		digits = q
	}
	return bits
}
