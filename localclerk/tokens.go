package localclerk

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Clerk JWT categories (the "cat" header) as checked by @clerk/backend.
const (
	catSessionToken = "cl_B7d4PD111AAA"
	catM2MToken     = "cl_B7d4PD333AAA"
)

// keyMaterial is the instance's signing key; replaced atomically on import.
type keyMaterial struct {
	kid  string
	priv *rsa.PrivateKey
	pem  string // public key, PKIX PEM
}

func newKeyMaterial(kid string, priv *rsa.PrivateKey) (*keyMaterial, error) {
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	p := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	return &keyMaterial{kid: kid, priv: priv, pem: string(p)}, nil
}

func encodePrivateKey(priv *rsa.PrivateKey) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", fmt.Errorf("encode signing key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func decodePrivateKey(s string) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("stored signing key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse stored signing key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("stored signing key is not RSA")
	}
	return rk, nil
}

func generateKey() (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	return k, nil
}

// jwks renders the public key as a JSON Web Key Set.
func (k *keyMaterial) jwks() map[string]any {
	pub := &k.priv.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"use": "sig",
		"kty": "RSA",
		"kid": k.kid,
		"alg": "RS256",
		"n":   b64url(pub.N.Bytes()),
		"e":   b64url(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// sign produces a compact RS256 JWT with kid and typ headers, and cat when
// non-empty.
func (k *keyMaterial) sign(claims any, cat string) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if cat != "" {
		opts = opts.WithHeader("cat", cat)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.kid}}, opts)
	if err != nil {
		return "", fmt.Errorf("create signer: %w", err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return obj.CompactSerialize()
}

// claimWord is what a feature or action name may contain so that the
// comma/colon-separated claims stay parseable.
var claimWord = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// orgClaim is the "o" claim of a v2 session token.
type orgClaim struct {
	ID   string `json:"id"`
	Slug string `json:"slg"`
	Role string `json:"rol"`
	Per  string `json:"per,omitempty"`
	Fpm  string `json:"fpm,omitempty"`
}

// encodeOrgPermissions compresses "org:<feature>:<action>" permissions into
// the v2 claims: features (for fea, in first-seen order), the action list
// (per) and, per feature, a decimal bitmask over the action list (fpm) whose
// bit i means "this feature has action i". System permissions (org:sys_*)
// are not carried in session tokens.
func encodeOrgPermissions(perms []string) (features []string, per string, fpm string) {
	var actions []string
	actionIdx := map[string]int{}
	featIdx := map[string]int{}
	var masks []*big.Int
	for _, p := range perms {
		parts := strings.SplitN(p, ":", 3)
		if len(parts) != 3 || parts[0] != "org" || strings.HasPrefix(parts[1], "sys_") || !claimWord.MatchString(parts[1]) || !claimWord.MatchString(parts[2]) {
			continue
		}
		f, a := parts[1], parts[2]
		fi, ok := featIdx[f]
		if !ok {
			fi = len(features)
			featIdx[f] = fi
			features = append(features, f)
			masks = append(masks, new(big.Int))
		}
		ai, ok := actionIdx[a]
		if !ok {
			ai = len(actions)
			actionIdx[a] = ai
			actions = append(actions, a)
		}
		masks[fi].SetBit(masks[fi], ai, 1)
	}
	if len(features) == 0 {
		return nil, "", ""
	}
	ms := make([]string, len(masks))
	for i, m := range masks {
		ms[i] = m.String()
	}
	return features, strings.Join(actions, ","), strings.Join(ms, ",")
}

// sessionClaims builds the claims of a v2 session token for s.
func (inst *Instance) sessionClaims(t *txn, s *session, now time.Time, lifetime time.Duration) (map[string]any, error) {
	iat := now.Unix()
	fva := s.factorAges(now.UnixMilli())
	c := map[string]any{
		"exp": iat + int64(lifetime/time.Second),
		"fva": fva,
		"iat": iat,
		"iss": inst.Issuer,
		"nbf": iat - 10,
		"sid": s.ID,
		"sts": "active",
		"sub": s.UserID,
		"v":   2,
	}
	if s.Azp != "" {
		c["azp"] = s.Azp
	}
	if s.ActorJSON != "" {
		c["act"] = json.RawMessage(s.ActorJSON)
	}
	var u user
	if err := t.users().load(s.UserID, &u); err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	}
	var fea, pla []string
	if s.ActiveOrgID != "" {
		o, m, r, err := activeOrg(t, s.ActiveOrgID, s.UserID)
		if err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
		if err == nil {
			var perms []string
			if r != nil {
				perms = r.Permissions
			}
			feats, per, fpm := encodeOrgPermissions(perms)
			// Plan features without permissions follow, with empty masks,
			// so fpm stays aligned with the org features of fea.
			for _, f := range o.Features {
				if claimWord.MatchString(f) && !contains(feats, f) {
					feats = append(feats, f)
					if fpm != "" {
						fpm += ",0"
					}
				}
			}
			c["o"] = orgClaim{ID: o.ID, Slug: o.Slug, Role: strings.TrimPrefix(m.Role, "org:"), Per: per, Fpm: fpm}
			for _, f := range feats {
				fea = append(fea, "o:"+f)
			}
			if claimWord.MatchString(o.Plan) {
				pla = append(pla, "o:"+o.Plan)
			}
		}
	}
	for _, f := range u.Features {
		if claimWord.MatchString(f) {
			fea = append(fea, "u:"+f)
		}
	}
	if claimWord.MatchString(u.Plan) {
		pla = append([]string{"u:" + u.Plan}, pla...)
	}
	if len(fea) > 0 {
		c["fea"] = strings.Join(fea, ",")
	}
	if len(pla) > 0 {
		c["pla"] = strings.Join(pla, ",")
	}
	return c, nil
}

// activeOrg loads an organization with the user's membership and role.
func activeOrg(t *txn, orgID, userID string) (*organization, *membership, *role, error) {
	var o organization
	if err := t.orgs().load(orgID, &o); err != nil {
		return nil, nil, nil, err
	}
	mid, err := t.memberships().idFor(orgID, userID)
	if err != nil {
		return nil, nil, nil, err
	}
	var m membership
	if err := t.memberships().load(mid, &m); err != nil {
		return nil, nil, nil, err
	}
	r, err := roleByKey(t, m.Role)
	if err != nil && !errors.Is(err, errNotFound) {
		return nil, nil, nil, err
	}
	return &o, &m, r, nil
}

func roleByKey(t *txn, key string) (*role, error) {
	id, err := t.roleKeys().owner(key)
	if err != nil {
		return nil, err
	}
	var r role
	if err := t.roles().load(id, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// mintSessionToken issues a session token for an active session.
func (inst *Instance) mintSessionToken(t *txn, s *session, now time.Time, lifetime time.Duration) (string, error) {
	u, err := inst.sessionTokenClaims(t, s, now, lifetime)
	if err != nil {
		return "", err
	}
	return inst.signToken(u)
}

// unsignedToken is a token decided inside a transaction and signed after
// it commits. An RSA signature takes a millisecond or more of CPU, and the
// store has one connection every other request waits for: the Frontend
// API's busy paths (sign-ins, handshakes, token refreshes) sign outside.
type unsignedToken struct {
	claims any
	cat    string
}

// sessionTokenClaims is mintSessionToken without the signature.
func (inst *Instance) sessionTokenClaims(t *txn, s *session, now time.Time, lifetime time.Duration) (unsignedToken, error) {
	c, err := inst.sessionClaims(t, s, now, lifetime)
	if err != nil {
		return unsignedToken{}, err
	}
	return unsignedToken{claims: c, cat: catSessionToken}, nil
}

// signToken signs u with the instance's key; call it outside transactions.
func (inst *Instance) signToken(u unsignedToken) (string, error) {
	return inst.key().sign(u.claims, u.cat)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// origin returns scheme://host of an absolute URL.
func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }
