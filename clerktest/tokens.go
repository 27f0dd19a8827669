package clerktest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Session describes a session token to mint. Zero fields take the defaults
// noted; Claims is applied last and can set or (with a nil value) remove any
// claim, for tests of malformed tokens.
type Session struct {
	UserID    string // sub; default "user_test"
	SessionID string // sid; default "sess_test"
	// Status is sts: "active" (default) or "pending" (an unfinished session
	// task; GetAuth treats it as signed out unless told otherwise).
	Status string
	// Org makes an organization active (the v2 "o" claim).
	Org *Org
	// Actor marks an impersonated session (the "act" claim).
	Actor *Actor
	// Features and Plans are the billing claims fea and pla, e.g.
	// "u:beta,o:reports" and "u:pro". Organization permission features
	// are added to fea automatically.
	Features, Plans string
	// FactorAge is fva, minutes since the first and second factor
	// verification (-1: never). Nil means [0, -1].
	FactorAge []int
	// AuthorizedParty is azp; default "http://localhost:3000". Set
	// clerk.Options.AuthorizedParties to make the middleware check it.
	AuthorizedParty string
	// IssuedAt defaults to the instance clock's now.
	IssuedAt time.Time
	// TTL is the lifetime (exp - iat); default one hour. A negative TTL
	// mints an already expired token.
	TTL time.Duration
	// Claims are extra or replacement claims; a nil value removes a claim.
	Claims map[string]any
}

// Org is the active organization of a session.
type Org struct {
	ID   string // default "org_test"
	Slug string // default "test-org"
	// Role without or with the "org:" prefix, e.g. "admin"; default "admin".
	Role string
	// Permissions are full permission keys "org:<feature>:<permission>",
	// e.g. "org:invoices:read"; they are encoded in the compact per/fpm
	// form Clerk uses.
	Permissions []string
}

// Actor is the impersonator of an actor-token session.
type Actor struct {
	Subject string // sub; default "user_admin"
	// Extra members of the act claim.
	Claims map[string]any
}

// SessionToken mints a signed session token (RS256, cat cl_B7d4PD111AAA,
// claims version 2) that the instance's middleware accepts.
func (i *Instance) SessionToken(s Session) string {
	iat := s.IssuedAt
	if iat.IsZero() {
		iat = i.now()
	}
	ttl := s.TTL
	if ttl == 0 {
		ttl = time.Hour
	}
	claims := map[string]any{
		"sub": or(s.UserID, "user_test"),
		"sid": or(s.SessionID, "sess_test"),
		"sts": or(s.Status, "active"),
		"iss": i.issuer,
		"azp": or(s.AuthorizedParty, "http://localhost:3000"),
		"iat": iat.Unix(),
		"nbf": iat.Unix() - 10,
		"exp": iat.Add(ttl).Unix(),
		"v":   2,
		"fva": []int{0, -1},
	}
	if s.FactorAge != nil {
		claims["fva"] = s.FactorAge
	}
	fea := splitList(s.Features)
	if o := s.Org; o != nil {
		org := map[string]any{
			"id":  or(o.ID, "org_test"),
			"slg": or(o.Slug, "test-org"),
			"rol": strings.TrimPrefix(or(o.Role, "admin"), "org:"),
		}
		per, fpm, features := encodePermissions(o.Permissions, fea)
		fea = features
		if per != "" {
			org["per"], org["fpm"] = per, fpm
		}
		claims["o"] = org
	}
	if len(fea) > 0 {
		claims["fea"] = strings.Join(fea, ",")
	}
	if s.Plans != "" {
		claims["pla"] = s.Plans
	}
	if a := s.Actor; a != nil {
		act := map[string]any{"sub": or(a.Subject, "user_admin")}
		for k, v := range a.Claims {
			act[k] = v
		}
		claims["act"] = act
	}
	for k, v := range s.Claims {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	return i.Sign(claims)
}

// encodePermissions turns "org:<feature>:<perm>" keys into Clerk's compact
// form: per lists permission names, fpm one bit mask per organization
// feature of fea (in fea order), bit n granting per[n]. Missing "o:<feature>"
// entries are appended to fea.
func encodePermissions(perms []string, fea []string) (per, fpm string, features []string) {
	features = fea
	if len(perms) == 0 {
		return "", "", features
	}
	var names []string
	index := map[string]int{}
	grants := map[string][]int{}
	for _, p := range perms {
		parts := strings.Split(strings.TrimPrefix(p, "org:"), ":")
		if len(parts) != 2 {
			continue // not a feature permission; Clerk cannot encode it either
		}
		feature, name := parts[0], parts[1]
		n, ok := index[name]
		if !ok {
			n = len(names)
			index[name] = n
			names = append(names, name)
		}
		grants[feature] = append(grants[feature], n)
		if !containsString(features, "o:"+feature) {
			features = append(features, "o:"+feature)
		}
	}
	var masks []string
	for _, f := range features {
		scope, name, ok := strings.Cut(f, ":")
		if !ok || (scope != "o" && scope != "org" && scope != "organization") {
			continue
		}
		var mask uint64
		for _, bit := range grants[name] {
			mask |= 1 << uint(bit)
		}
		masks = append(masks, strconv.FormatUint(mask, 10))
	}
	return strings.Join(names, ","), strings.Join(masks, ","), features
}

// Sign signs any claims as a session-category RS256 JWT with the instance
// key, for tokens SessionToken cannot express.
func (i *Instance) Sign(claims map[string]any) string {
	return i.SignWithHeader(map[string]any{"cat": "cl_B7d4PD111AAA"}, claims)
}

// SignWithHeader signs claims with the instance key under a header made of
// alg RS256, kid, typ JWT and the given members (which may override them).
func (i *Instance) SignWithHeader(header, claims map[string]any) string {
	h := map[string]any{"alg": "RS256", "kid": i.KeyID, "typ": "JWT"}
	for k, v := range header {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	input := segment(h) + "." + segment(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, i.PrivateKey, crypto.SHA256, sum[:])
	if err != nil {
		panic(fmt.Errorf("clerktest: sign a token: %w", err))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func segment(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("clerktest: encode a token segment: %w", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// SessionCookies returns the cookies a browser signed in with token
// carries: __session, __client_uat (the token's iat) and, on a development
// instance, the dev browser __clerk_db_jwt.
func (i *Instance) SessionCookies(token string) []*http.Cookie {
	cookies := []*http.Cookie{
		{Name: "__session", Value: token},
		{Name: "__client_uat", Value: strconv.FormatInt(issuedAt(token), 10)},
	}
	if !i.Production {
		cookies = append(cookies, &http.Cookie{Name: "__clerk_db_jwt", Value: i.DevBrowser()})
	}
	return cookies
}

// SignInRequest adds the cookies of SessionCookies to r, as a browser's
// document request after sign-in would carry them.
func (i *Instance) SignInRequest(r *http.Request, token string) {
	for _, c := range i.SessionCookies(token) {
		r.AddCookie(c)
	}
}

// HandshakeDirectives returns the Set-Cookie directives a handshake
// resolves to for a browser signed in with token (an empty token signs
// the browser out).
func (i *Instance) HandshakeDirectives(token string) []string {
	if token == "" {
		return []string{
			"__session=; Path=/; Max-Age=0; SameSite=Lax",
			"__client_uat=0; Path=/; Max-Age=315360000; SameSite=Lax",
		}
	}
	return []string{
		"__session=" + token + "; Path=/; SameSite=Lax",
		"__client_uat=" + strconv.FormatInt(issuedAt(token), 10) + "; Path=/; Max-Age=315360000; SameSite=Lax",
	}
}

// HandshakeToken mints the signed __clerk_handshake value the Frontend API
// sends back after a handshake, carrying cookie directives.
func (i *Instance) HandshakeToken(directives ...string) string {
	return i.Sign(map[string]any{"handshake": directives, "iat": i.now().Unix()})
}

// HandshakeNonce registers directives with the fake Backend API and
// returns the __clerk_handshake_nonce that redeems them (GET
// /v1/clients/handshake_payload).
func (i *Instance) HandshakeNonce(directives ...string) string {
	nonce := "nonce_" + randomHex(12)
	i.mu.Lock()
	i.nonces[nonce] = append([]string(nil), directives...)
	i.mu.Unlock()
	return nonce
}

func issuedAt(token string) int64 {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return 0
	}
	var c struct {
		Iat int64 `json:"iat"`
	}
	_ = json.Unmarshal(raw, &c)
	return c.Iat
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// M2MTokenJWT mints an M2M token in JWT form (sub mch_…, category
// cl_B7d4PD333AAA), which the middleware verifies with the instance keys
// instead of calling the Backend API. Scopes go in the space-separated
// "scopes" claim and Claims become custom claims; Expired mints an expired
// token; Revoked does not apply to JWTs.
func (i *Instance) M2MTokenJWT(m M2MTokenSpec) string {
	now := i.now()
	exp := now.Add(time.Hour)
	if !m.Expiration.IsZero() {
		exp = m.Expiration
	}
	if m.Expired {
		exp = now.Add(-time.Minute)
	}
	claims := map[string]any{}
	for k, v := range m.Claims {
		claims[k] = v
	}
	claims["iss"] = i.issuer
	claims["sub"] = or(m.Subject, "mch_test")
	claims["jti"] = "mt_" + randomHex(16)
	claims["iat"] = now.Unix()
	claims["nbf"] = now.Unix() - 5
	claims["exp"] = exp.Unix()
	if len(m.Scopes) > 0 {
		claims["scopes"] = strings.Join(m.Scopes, " ")
	}
	return i.SignWithHeader(map[string]any{"cat": "cl_B7d4PD333AAA"}, claims)
}

// OAuthTokenJWT mints an OAuth access token in JWT form (typ at+jwt),
// verified with the instance keys instead of the Backend API. Scopes go in
// the space-separated "scope" claim; Expired mints an expired token.
func (i *Instance) OAuthTokenJWT(o OAuthTokenSpec) string {
	now := i.now()
	exp := now.Add(time.Hour)
	if !o.Expiration.IsZero() {
		exp = o.Expiration
	}
	if o.Expired {
		exp = now.Add(-time.Minute)
	}
	claims := map[string]any{
		"iss":       i.issuer,
		"sub":       or(o.Subject, "user_test"),
		"client_id": or(o.ClientID, "client_test"),
		"jti":       "oat_" + randomHex(16),
		"iat":       now.Unix(),
		"nbf":       now.Unix() - 5,
		"exp":       exp.Unix(),
	}
	if len(o.Scopes) > 0 {
		claims["scope"] = strings.Join(o.Scopes, " ")
	}
	return i.SignWithHeader(map[string]any{"typ": "at+jwt"}, claims)
}
