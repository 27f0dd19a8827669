package localclerk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

func apiKeyJSON(k *apiKey, now time.Time, withSecret bool) map[string]any {
	m := map[string]any{"object": "api_key", "id": k.ID, "type": k.Type, "subject": k.Subject, "name": k.Name,
		"description": k.Description, "claims": nullIfEmpty(k.Claims), "scopes": nonNil(k.Scopes), "revoked": k.Revoked,
		"revocation_reason": k.RevocationReason, "expired": expired(k.Expiration, now), "expiration": k.Expiration,
		"created_by": k.CreatedBy, "last_used_at": k.LastUsedAt, "created_at": k.CreatedAt, "updated_at": k.UpdatedAt}
	if withSecret {
		m["secret"] = k.Secret
	}
	return m
}

func nullIfEmpty(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func expired(exp *int64, now time.Time) bool { return exp != nil && ms(now) >= *exp }

func (inst *Instance) bapiCreateAPIKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Type                   string          `json:"type"`
		Name                   string          `json:"name"`
		Description            *string         `json:"description"`
		Subject                string          `json:"subject"`
		Claims                 json.RawMessage `json:"claims"`
		Scopes                 []string        `json:"scopes"`
		CreatedBy              *string         `json:"created_by"`
		SecondsUntilExpiration *float64        `json:"seconds_until_expiration"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Name == "" {
		return nil, 0, errMissing("name")
	}
	if p.Subject == "" {
		return nil, 0, errMissing("subject")
	}
	if p.Type == "" {
		p.Type = "api_key"
	}
	if p.Type != "api_key" {
		return nil, 0, errInvalid("type", "type must be api_key.")
	}
	if err := checkMetadata("claims", p.Claims); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	k := &apiKey{ID: newID("ak"), Type: p.Type, Subject: p.Subject, Name: p.Name, Description: p.Description,
		Claims: p.Claims, Scopes: nonNil(p.Scopes), Secret: "ak_" + randString(40), CreatedBy: p.CreatedBy,
		CreatedAt: ms(now), UpdatedAt: ms(now)}
	if p.SecondsUntilExpiration != nil {
		if *p.SecondsUntilExpiration <= 0 {
			return nil, 0, errInvalid("seconds_until_expiration", "seconds_until_expiration must be positive.")
		}
		e := ms(now) + int64(*p.SecondsUntilExpiration*1000)
		k.Expiration = &e
	}
	err := inst.store.update(r.Context(), func(t *txn) error { return putAPIKey(t, k) })
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(k, now, true), 0, nil
}

// putAPIKey validates the subject and stores a new key.
func putAPIKey(t *txn, k *apiKey) error {
	switch {
	case strings.HasPrefix(k.Subject, "user_"):
		if err := t.get(kindUser, k.Subject, &user{}); err != nil {
			if errors.Is(err, errNotFound) {
				return errInvalid("subject", "subject must be an existing user or organization id.")
			}
			return err
		}
	case strings.HasPrefix(k.Subject, "org_"):
		if err := t.get(kindOrg, k.Subject, &organization{}); err != nil {
			if errors.Is(err, errNotFound) {
				return errInvalid("subject", "subject must be an existing user or organization id.")
			}
			return err
		}
	default:
		return errInvalid("subject", "subject must be a user_ or org_ id.")
	}
	if err := t.claim(nsAPISecret, k.Secret, k.ID); err != nil {
		return err
	}
	return t.put(kindAPIKey, k.ID, k)
}

func (inst *Instance) bapiListAPIKeys(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	subject := q.Get("subject")
	invalid := q.Get("include_invalid") == "true"
	query := strings.ToLower(q.Get("query"))
	now := inst.now()
	var keys []*apiKey
	err = inst.store.view(r.Context(), func(t *txn) error {
		return each(t, kindAPIKey, func(k *apiKey) bool {
			if subject != "" && k.Subject != subject {
				return true
			}
			if !invalid && (k.Revoked || expired(k.Expiration, now)) {
				return true
			}
			if query != "" && !strings.Contains(strings.ToLower(k.Name), query) {
				return true
			}
			keys = append(keys, k)
			return true
		})
	})
	if err != nil {
		return nil, 0, err
	}
	sortBy(keys, true, func(a, b *apiKey) int { return cmpInt(a.CreatedAt, b.CreatedAt) })
	data, _ := pageJSON(keys, limit, offset, infallible(func(k *apiKey) any { return apiKeyJSON(k, now, false) }))
	return map[string]any{"data": data, "total_count": len(keys)}, 0, nil
}

func (inst *Instance) getAPIKey(r *http.Request) (*apiKey, error) {
	var k apiKey
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.get(kindAPIKey, r.PathValue("id"), &k) }); err != nil {
		return nil, notFoundAs(err, "API key")
	}
	return &k, nil
}

func (inst *Instance) bapiGetAPIKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	k, err := inst.getAPIKey(r)
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(k, inst.now(), false), 0, nil
}

func (inst *Instance) bapiAPIKeySecret(w http.ResponseWriter, r *http.Request) (any, int, error) {
	k, err := inst.getAPIKey(r)
	if err != nil {
		return nil, 0, err
	}
	return map[string]any{"object": "api_key_secret", "id": k.ID, "secret": k.Secret}, 0, nil
}

func (inst *Instance) bapiRevokeAPIKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		RevocationReason *string `json:"revocation_reason"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var k apiKey
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.get(kindAPIKey, r.PathValue("id"), &k); err != nil {
			return notFoundAs(err, "API key")
		}
		k.Revoked = true
		k.RevocationReason = p.RevocationReason
		k.UpdatedAt = ms(now)
		return t.put(kindAPIKey, k.ID, &k)
	})
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(&k, now, false), 0, nil
}

func (inst *Instance) bapiDeleteAPIKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	if err := inst.store.update(r.Context(), func(t *txn) error { return t.del(kindAPIKey, id) }); err != nil {
		return nil, 0, notFoundAs(err, "API key")
	}
	return deletedJSON("api_key", id), 0, nil
}

var errTokenNotFound = newAPIError(http.StatusNotFound, "token_not_found", "not found", "The token is unknown, revoked or expired.", nil)

func (inst *Instance) bapiVerifyAPIKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Secret string `json:"secret"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Secret == "" {
		return nil, 0, errMissing("secret")
	}
	now := inst.now()
	var k apiKey
	err := inst.store.update(r.Context(), func(t *txn) error {
		id, err := t.lookup(nsAPISecret, p.Secret)
		if err != nil {
			return notFoundAs(err, "API key")
		}
		if err := t.get(kindAPIKey, id, &k); err != nil {
			return err
		}
		if k.Revoked || expired(k.Expiration, now) {
			return errTokenNotFound
		}
		n := ms(now)
		k.LastUsedAt = &n
		return t.put(kindAPIKey, k.ID, &k)
	})
	if err != nil {
		if errors.Is(err, errNotFound) {
			return nil, 0, errTokenNotFound
		}
		var ae *apiError
		if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
			return nil, 0, errTokenNotFound
		}
		return nil, 0, err
	}
	return apiKeyJSON(&k, now, false), 0, nil
}

func m2mJSON(m *m2mToken, now time.Time, withToken bool) map[string]any {
	out := map[string]any{"object": "machine_to_machine_token", "id": m.ID, "subject": m.Subject,
		"claims": nullIfEmpty(m.Claims), "scopes": nonNil(m.Scopes), "revoked": m.Revoked,
		"revocation_reason": m.RevocationReason, "expired": expired(m.Expiration, now), "expiration": m.Expiration,
		"last_used_at": m.LastUsedAt, "created_at": m.CreatedAt, "updated_at": m.UpdatedAt}
	if withToken {
		out["token"] = m.Token
	}
	return out
}

// callerMachine is the machine authenticating an M2M request, or the
// default machine when the instance secret key was used.
func (inst *Instance) callerMachine(t *txn, r *http.Request) (*machine, error) {
	id, _ := r.Context().Value(machineCtxKey).(string)
	if id == "" {
		ms, err := all[machine](t, kindMachine)
		if err != nil {
			return nil, err
		}
		if len(ms) == 0 {
			return nil, newAPIError(http.StatusUnprocessableEntity, "machine_required", "no machine", "No machine exists; seed the instance or authenticate with a machine secret key.", nil)
		}
		return ms[0], nil
	}
	var m machine
	return &m, t.get(kindMachine, id, &m)
}

func (inst *Instance) bapiCreateM2M(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		TokenFormat            string          `json:"token_format"`
		SecondsUntilExpiration *float64        `json:"seconds_until_expiration"`
		Claims                 json.RawMessage `json:"claims"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.TokenFormat == "" {
		p.TokenFormat = "opaque"
	}
	if p.TokenFormat != "opaque" && p.TokenFormat != "jwt" {
		return nil, 0, errInvalid("token_format", "token_format must be opaque or jwt.")
	}
	if err := checkMetadata("claims", p.Claims); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	tok := &m2mToken{ID: newID("mt"), Claims: p.Claims, Scopes: []string{}, CreatedAt: ms(now), UpdatedAt: ms(now)}
	if p.SecondsUntilExpiration != nil {
		if *p.SecondsUntilExpiration <= 0 {
			return nil, 0, errInvalid("seconds_until_expiration", "seconds_until_expiration must be positive.")
		}
		e := ms(now) + int64(*p.SecondsUntilExpiration*1000)
		tok.Expiration = &e
	}
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := inst.callerMachine(t, r)
		if err != nil {
			return err
		}
		tok.Subject = m.ID
		if p.TokenFormat == "jwt" {
			exp := now.Add(time.Hour).Unix()
			if tok.Expiration != nil {
				exp = *tok.Expiration / 1000
			}
			claims := map[string]any{}
			if len(p.Claims) > 0 {
				if err := json.Unmarshal(p.Claims, &claims); err != nil {
					return errInvalid("claims", "claims must be a JSON object.")
				}
			}
			claims["jti"] = tok.ID
			claims["sub"] = m.ID
			claims["iss"] = inst.FrontendAPIURL
			claims["iat"] = now.Unix()
			claims["nbf"] = now.Unix() - 5
			claims["exp"] = exp
			if tok.Token, err = inst.key().sign(claims, catM2MToken); err != nil {
				return err
			}
		} else {
			tok.Token = "mt_" + randString(40)
		}
		if err := t.claim(nsM2MToken, tok.Token, tok.ID); err != nil {
			return err
		}
		return t.put(kindM2M, tok.ID, tok)
	})
	if err != nil {
		return nil, 0, err
	}
	return m2mJSON(tok, now, true), http.StatusCreated, nil
}

func (inst *Instance) bapiListM2M(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var toks []*m2mToken
	err = inst.store.view(r.Context(), func(t *txn) error {
		return each(t, kindM2M, func(m *m2mToken) bool {
			if s := q.Get("subject"); s != "" && m.Subject != s {
				return true
			}
			if v := q.Get("revoked"); v != "" && (v == "true") != m.Revoked {
				return true
			}
			if v := q.Get("expired"); v != "" && (v == "true") != expired(m.Expiration, now) {
				return true
			}
			toks = append(toks, m)
			return true
		})
	})
	if err != nil {
		return nil, 0, err
	}
	sortBy(toks, true, func(a, b *m2mToken) int { return cmpInt(a.CreatedAt, b.CreatedAt) })
	data, _ := pageJSON(toks, limit, offset, infallible(func(m *m2mToken) any { return m2mJSON(m, now, false) }))
	return map[string]any{"m2m_tokens": data, "total_count": len(toks)}, 0, nil
}

func (inst *Instance) bapiRevokeM2M(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		RevocationReason *string `json:"revocation_reason"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var m m2mToken
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.get(kindM2M, r.PathValue("id"), &m); err != nil {
			return notFoundAs(err, "M2M token")
		}
		m.Revoked = true
		m.RevocationReason = p.RevocationReason
		m.UpdatedAt = ms(now)
		return t.put(kindM2M, m.ID, &m)
	})
	if err != nil {
		return nil, 0, err
	}
	return m2mJSON(&m, now, false), 0, nil
}

func (inst *Instance) bapiVerifyM2M(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Token string `json:"token"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Token == "" {
		return nil, 0, errMissing("token")
	}
	now := inst.now()
	var m m2mToken
	err := inst.store.update(r.Context(), func(t *txn) error {
		id, err := t.lookup(nsM2MToken, p.Token)
		if err != nil {
			return errTokenNotFound
		}
		if err := t.get(kindM2M, id, &m); err != nil {
			return notFoundAs(err, "M2M token")
		}
		if m.Revoked || expired(m.Expiration, now) {
			return errTokenNotFound
		}
		n := ms(now)
		m.LastUsedAt = &n
		return t.put(kindM2M, m.ID, &m)
	})
	if err != nil {
		return nil, 0, err
	}
	return m2mJSON(&m, now, false), 0, nil
}

func oauthJSON(o *oauthToken, now time.Time) map[string]any {
	return map[string]any{"object": "clerk_idp_oauth_access_token", "id": o.ID, "client_id": o.ClientID,
		"subject": o.Subject, "scopes": nonNil(o.Scopes), "revoked": o.Revoked, "revocation_reason": nil,
		"expired": expired(o.Expiration, now), "expiration": o.Expiration, "created_at": o.CreatedAt, "updated_at": o.UpdatedAt}
}

func (inst *Instance) bapiVerifyOAuth(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		AccessToken string `json:"access_token"`
		Secret      string `json:"secret"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	tok := p.AccessToken
	if tok == "" {
		tok = p.Secret
	}
	if tok == "" {
		return nil, 0, errMissing("access_token")
	}
	now := inst.now()
	var o oauthToken
	err := inst.store.view(r.Context(), func(t *txn) error {
		id, err := t.lookup(nsOAuthToken, tok)
		if err != nil {
			return errTokenNotFound
		}
		if err := t.get(kindOAuth, id, &o); err != nil {
			return notFoundAs(err, "OAuth access token")
		}
		if o.Revoked || expired(o.Expiration, now) {
			return errTokenNotFound
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return oauthJSON(&o, now), 0, nil
}

// oauthTokenID is an OAuth access token's id: oat_ and 32 hex digits, the
// form the specification gives.
func oauthTokenID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("localclerk: crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	return "oat_" + hex.EncodeToString(b)
}

// CreateOAuthAccessToken issues an opaque OAuth access token (oat_...) for
// a user, as if an OAuth application had obtained it, so that apps
// accepting oauth_token can be tested. ttl <= 0 means one hour.
func (inst *Instance) CreateOAuthAccessToken(ctx context.Context, userID string, scopes []string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = time.Hour
	}
	now := inst.now()
	exp := ms(now.Add(ttl))
	o := &oauthToken{ID: oauthTokenID(), ClientID: "localclerk_oauth_app", Subject: userID, Token: "oat_" + randString(40),
		Scopes: nonNil(scopes), Expiration: &exp, CreatedAt: ms(now), UpdatedAt: ms(now)}
	err := inst.store.update(ctx, func(t *txn) error {
		if err := t.get(kindUser, userID, &user{}); err != nil {
			return fmt.Errorf("user %s: %w", userID, err)
		}
		if err := t.claim(nsOAuthToken, o.Token, o.ID); err != nil {
			return err
		}
		return t.put(kindOAuth, o.ID, o)
	})
	if err != nil {
		return "", fmt.Errorf("localclerk: create OAuth access token: %w", err)
	}
	return o.Token, nil
}
