package jwt

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/goclerk/clerk/internal/reasons"
)

// Claims holds the payload members Clerk's rules and auth objects read. The
// full payload stays available verbatim in Token.Payload.
type Claims struct {
	Sub Field           `json:"sub"`
	Sid Field           `json:"sid"`
	Sts Field           `json:"sts"`
	Azp Field           `json:"azp"`
	Iss Field           `json:"iss"`
	Aud json.RawMessage `json:"aud"`
	Exp Number          `json:"exp"`
	Nbf Number          `json:"nbf"`
	Iat Number          `json:"iat"`
	V   Number          `json:"v"`
	Fva json.RawMessage `json:"fva"`
	Act json.RawMessage `json:"act"`
	O   json.RawMessage `json:"o"`
	// OStr is O as a string when the decoder had one ("" otherwise).
	OStr string `json:"-"`
	Fea  Field  `json:"fea"`
	Pla  Field  `json:"pla"`

	// Version 1 organization claims.
	OrgID          Field           `json:"org_id"`
	OrgRole        Field           `json:"org_role"`
	OrgSlug        Field           `json:"org_slug"`
	OrgPermissions json.RawMessage `json:"org_permissions"`

	// Machine token claims.
	Jti      Field           `json:"jti"`
	ClientID Field           `json:"client_id"`
	Scope    Field           `json:"scope"`
	Scopes   Field           `json:"scopes"`
	Scp      json.RawMessage `json:"scp"`
}

// set records one payload member; raw is already validated JSON and str,
// when not empty, the same text as a string.
func (c *Claims) set(key string, raw []byte, str string) {
	switch key {
	case "sub":
		c.Sub.setStr(raw, str)
	case "sid":
		c.Sid.setStr(raw, str)
	case "sts":
		c.Sts.setStr(raw, str)
	case "azp":
		c.Azp.setStr(raw, str)
	case "iss":
		c.Iss.setStr(raw, str)
	case "aud":
		c.Aud = raw
	case "exp":
		c.Exp.set(raw)
	case "nbf":
		c.Nbf.set(raw)
	case "iat":
		c.Iat.set(raw)
	case "v":
		c.V.set(raw)
	case "fva":
		c.Fva = raw
	case "act":
		c.Act = raw
	case "o":
		c.O, c.OStr = raw, str
	case "fea":
		c.Fea.setStr(raw, str)
	case "pla":
		c.Pla.setStr(raw, str)
	case "org_id":
		c.OrgID.setStr(raw, str)
	case "org_role":
		c.OrgRole.setStr(raw, str)
	case "org_slug":
		c.OrgSlug.setStr(raw, str)
	case "org_permissions":
		c.OrgPermissions = raw
	case "jti":
		c.Jti.setStr(raw, str)
	case "client_id":
		c.ClientID.setStr(raw, str)
	case "scope":
		c.Scope.setStr(raw, str)
	case "scopes":
		c.Scopes.setStr(raw, str)
	case "scp":
		c.Scp = raw
	}
}

// Checks are the claim rules that depend on configuration, not on time.
type Checks struct {
	Audience          []string
	AuthorizedParties []string
	// AuthorizedParty, when set, decides the authorized-party rule in place
	// of AuthorizedParties: it gets the azp claim ("" when absent or not a
	// string) and rejects the token by returning false.
	AuthorizedParty func(azp string) bool
}

// CheckStatic applies the subject, audience and authorized-party rules in the
// order @clerk/backend applies them.
func (c *Claims) CheckStatic(chk Checks) error {
	if !c.Sub.IsString {
		return errorf(reasons.TokenVerificationFailed, "the subject claim (sub) must be a string")
	}
	if err := checkAudience(c.Aud, chk.Audience); err != nil {
		return err
	}
	if chk.AuthorizedParty != nil {
		azp := ""
		if c.Azp.IsString {
			azp = c.Azp.Value
		}
		if !chk.AuthorizedParty(azp) {
			return errorf(reasons.TokenInvalidAuthorizedParties, "the authorized party claim (azp) %s is refused by the authorized-party function", quoteOrAbsent(c.Azp))
		}
	} else if len(chk.AuthorizedParties) > 0 {
		ok := c.Azp.IsString && c.Azp.Value != "" && slices.Contains(chk.AuthorizedParties, c.Azp.Value)
		if !ok {
			return errorf(reasons.TokenInvalidAuthorizedParties, "the authorized party claim (azp) %s is not one of the configured authorized parties", quoteOrAbsent(c.Azp))
		}
	}
	return nil
}

func quoteOrAbsent(f Field) string {
	if !f.Set {
		return "(absent)"
	}
	return string(f.Raw)
}

// checkAudience verifies aud only when both the configuration and the token
// name audiences, as @clerk/backend does.
func checkAudience(raw json.RawMessage, audience []string) error {
	want := nonEmpty(audience)
	if len(want) == 0 || len(raw) == 0 {
		return nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		if one == "" {
			return nil
		}
		if !slices.Contains(want, one) {
			return errorf(reasons.TokenVerificationFailed, "the audience claim (aud) %q is not one of the configured audiences", one)
		}
		return nil
	}
	var many []any
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil
	}
	strs := make([]string, 0, len(many))
	for _, v := range many {
		s, ok := v.(string)
		if !ok {
			return nil // not an array of strings: @clerk/backend skips the check
		}
		strs = append(strs, s)
	}
	if len(nonEmpty(strs)) == 0 || len(strs) == 0 {
		return nil
	}
	for _, s := range strs {
		if slices.Contains(want, s) {
			return nil
		}
	}
	return errorf(reasons.TokenVerificationFailed, "no audience in the aud claim is one of the configured audiences")
}

func nonEmpty(in []string) []string {
	out := in[:0:0]
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// CheckTime applies the expiry, not-before and issued-at rules with the given
// clock skew.
func (c *Claims) CheckTime(now time.Time, skew time.Duration) error {
	return c.Times().Check(now, skew)
}

// Times are the time claims of a token: all a verified token needs to be
// re-checked on every later use.
type Times struct {
	Exp, Nbf, Iat Number
}

// Times returns the claims' exp, nbf and iat.
func (c *Claims) Times() Times { return Times{Exp: c.Exp, Nbf: c.Nbf, Iat: c.Iat} }

// Check applies the expiry, not-before and issued-at rules with the given
// clock skew. It is cheap and re-run on every use of a cached verification.
func (t Times) Check(now time.Time, skew time.Duration) error {
	nowMs := now.UnixMilli()
	skewMs := skew.Milliseconds()
	if !t.Exp.IsNumber {
		return errorf(reasons.TokenVerificationFailed, "the expiry claim (exp) must be a number")
	}
	if seconds(t.Exp.Value) <= nowMs-skewMs {
		return errorf(reasons.TokenExpired, "the token expired at %s; it is now %s", fmtTime(t.Exp.Value), now.UTC().Format(time.RFC1123))
	}
	if t.Nbf.Set {
		if !t.Nbf.IsNumber {
			return errorf(reasons.TokenVerificationFailed, "the not-before claim (nbf) must be a number")
		}
		if seconds(t.Nbf.Value) > nowMs+skewMs {
			return errorf(reasons.TokenNotActiveYet, "the token is not valid before %s; it is now %s", fmtTime(t.Nbf.Value), now.UTC().Format(time.RFC1123))
		}
	}
	if t.Iat.Set {
		if !t.Iat.IsNumber {
			return errorf(reasons.TokenVerificationFailed, "the issued-at claim (iat) must be a number")
		}
		if seconds(t.Iat.Value) > nowMs+skewMs {
			return errorf(reasons.TokenIATInTheFuture, "the token claims to be issued at %s, in the future; it is now %s", fmtTime(t.Iat.Value), now.UTC().Format(time.RFC1123))
		}
	}
	return nil
}

// seconds converts a NumericDate to milliseconds, truncating fractions as
// Date.setUTCSeconds does.
func seconds(v float64) int64 {
	if v > 1e15 {
		return 1 << 62
	}
	if v < -1e15 {
		return -(1 << 62)
	}
	return int64(v) * 1000
}

func fmtTime(v float64) string {
	return time.UnixMilli(seconds(v)).UTC().Format(time.RFC1123)
}

// IssuerHost returns iss without its http(s) scheme, the form @clerk/backend
// compares with the Frontend API host.
func (c *Claims) IssuerHost() (string, bool) {
	if !c.Iss.IsString {
		return "", false
	}
	s := c.Iss.Value
	for _, p := range []string{"https://", "http://"} {
		for {
			i := strings.Index(strings.ToLower(s), p)
			if i < 0 {
				break
			}
			s = s[:i] + s[i+len(p):]
		}
	}
	return s, true
}
