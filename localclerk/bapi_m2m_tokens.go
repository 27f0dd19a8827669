package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// M2M tokens, minted by a machine with its secret key, listed, revoked
// and verified.

// callerMachineID is the machine whose secret key authenticated the
// request; empty when the instance secret key did.
func callerMachineID(r *http.Request) string {
	id, _ := r.Context().Value(machineCtxKey).(string)
	return id
}

// callerMachine is the machine authenticating an M2M request, or the
// first machine when the instance secret key was used.
func (inst *Instance) callerMachine(t *txn, r *http.Request) (*machine, error) {
	id := callerMachineID(r)
	if id == "" {
		machines, err := t.machines().list()
		if err != nil {
			return nil, err
		}
		if len(machines) == 0 {
			return nil, newAPIError(http.StatusUnprocessableEntity, "machine_required", "no machine", "No machine exists; create one or authenticate with a machine secret key.", nil)
		}
		return machines[0], nil
	}
	var m machine
	return &m, t.machines().load(id, &m)
}

// canonicalJSON re-encodes a JSON value with sorted keys, so that equal
// claims compare equal; "" for none.
func canonicalJSON(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// isOpaqueM2M tells opaque tokens (mt_…), which Clerk stores and lists,
// from JWT ones, which it does not list.
func isOpaqueM2M(m *m2mToken) bool { return strings.HasPrefix(m.Token, "mt_") }

func (inst *Instance) bapiCreateM2M(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		TokenFormat            string          `json:"token_format"`
		SecondsUntilExpiration *float64        `json:"seconds_until_expiration"`
		Claims                 json.RawMessage `json:"claims"`
		MinRemainingTTLSeconds *int64          `json:"min_remaining_ttl_seconds"`
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
	if p.SecondsUntilExpiration != nil && *p.SecondsUntilExpiration <= 0 {
		return nil, 0, errInvalid("seconds_until_expiration", "seconds_until_expiration must be positive.")
	}
	if p.MinRemainingTTLSeconds != nil && *p.MinRemainingTTLSeconds < 0 {
		return nil, 0, errInvalid("min_remaining_ttl_seconds", "min_remaining_ttl_seconds must not be negative.")
	}
	now := inst.now()
	tok := &m2mToken{ID: newID("mt"), Claims: p.Claims, CreatedAt: ms(now), UpdatedAt: ms(now)}
	if len(p.Claims) == 0 || string(p.Claims) == "null" {
		tok.Claims = nil
	}
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := inst.callerMachine(t, r)
		if err != nil {
			return err
		}
		lifetime := float64(m.tokenTTL())
		if p.SecondsUntilExpiration != nil {
			lifetime = *p.SecondsUntilExpiration
		}
		if p.MinRemainingTTLSeconds != nil && float64(*p.MinRemainingTTLSeconds) >= lifetime {
			return errParam(http.StatusBadRequest, "form_param_value_invalid", "min_remaining_ttl_seconds",
				"min_remaining_ttl_seconds must be less than the token's lifetime.")
		}
		tok.Subject, tok.Scopes = m.ID, m.scopeIDs()
		exp := ms(now) + int64(lifetime*1000)
		tok.Expiration = &exp
		if p.MinRemainingTTLSeconds != nil && p.TokenFormat == "opaque" {
			if old, err := reusableM2M(t, tok, ms(now)+*p.MinRemainingTTLSeconds*1000); err != nil || old != nil {
				if old != nil {
					tok = old
				}
				return err
			}
		}
		if p.TokenFormat == "jwt" {
			claims := map[string]any{}
			if len(tok.Claims) > 0 {
				if err := json.Unmarshal(tok.Claims, &claims); err != nil {
					return errInvalid("claims", "claims must be a JSON object.")
				}
			}
			claims["jti"], claims["sub"], claims["iss"] = tok.ID, m.ID, inst.FrontendAPIURL
			claims["iat"], claims["nbf"], claims["exp"] = now.Unix(), now.Unix()-5, exp/1000
			if tok.Token, err = inst.key().sign(claims, catM2MToken); err != nil {
				return err
			}
		} else {
			tok.Token = "mt_" + randString(40)
		}
		if err := t.m2mTokenValues().claim(tok.Token, tok.ID); err != nil {
			return err
		}
		return t.m2mTokens().put(tok)
	})
	if err != nil {
		return nil, 0, err
	}
	return m2mJSON(tok, now, true), http.StatusCreated, nil
}

// reusableM2M finds a live opaque token of want's machine with want's
// claims and scopes that lasts until at least until (ms).
func reusableM2M(t *txn, want *m2mToken, until int64) (*m2mToken, error) {
	var found *m2mToken
	claims := canonicalJSON(want.Claims)
	err := t.m2mTokens().each(func(m *m2mToken) bool {
		if m.Subject == want.Subject && isOpaqueM2M(m) && !m.Revoked && m.Expiration != nil && *m.Expiration >= until &&
			canonicalJSON(m.Claims) == claims && slices.Equal(nonNil(m.Scopes), nonNil(want.Scopes)) {
			found = m
			return false
		}
		return true
	})

	return found, err
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, errParam(http.StatusBadRequest, "form_param_value_invalid", name, name+" must be true or false.")
}

// bapiListM2M lists a machine's opaque tokens; revoked and expired ones
// only when asked for.
func (inst *Instance) bapiListM2M(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := machineTokenPaging(q)
	if err != nil {
		return nil, 0, err
	}
	subject := q.Get("subject")
	if subject == "" {
		return nil, 0, errMissing("subject")
	}
	if caller := callerMachineID(r); caller != "" && caller != subject {
		return nil, 0, newAPIError(http.StatusForbidden, "authorization_invalid", "forbidden",
			"A machine secret key can only list its own machine's tokens.", paramMeta("subject"))
	}
	withRevoked, err := boolParam(r, "revoked")
	if err != nil {
		return nil, 0, err
	}
	withExpired, err := boolParam(r, "expired")
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var toks []*m2mToken
	err = inst.store.view(r.Context(), func(t *txn) error {
		if err := t.machines().load(subject, &machine{}); err != nil {
			return notFoundAs(err, "machine")
		}
		return t.m2mTokens().each(func(m *m2mToken) bool {
			if m.Subject == subject && isOpaqueM2M(m) && (withRevoked || !m.Revoked) && (withExpired || !expired(m.Expiration, now)) {
				toks = append(toks, m)
			}
			return true
		})

	})
	if err != nil {
		return nil, 0, err
	}
	sortBy(toks, true, func(a, b *m2mToken) int { return cmpInt(a.CreatedAt, b.CreatedAt) })
	data, _ := pageJSON(toks, limit, offset, infallible(func(m *m2mToken) any { return m2mJSON(m, now, false) }))
	return &m2mTokenListWire{M2MTokens: data, TotalCount: len(toks)}, 0, nil
}

// bapiRevokeM2M revokes a token; a machine secret key revokes only its
// own machine's tokens.
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
		if err := t.m2mTokens().load(r.PathValue("id"), &m); err != nil {
			return notFoundAs(err, "M2M token")
		}
		if caller := callerMachineID(r); caller != "" && caller != m.Subject {
			return errNotFoundResource("M2M token")
		}
		m.Revoked = true
		m.RevocationReason = p.RevocationReason
		m.UpdatedAt = ms(now)
		return t.m2mTokens().put(&m)
	})
	if err != nil {
		return nil, 0, err
	}
	return m2mJSON(&m, now, false), 0, nil
}

// bapiVerifyM2M verifies a token. With a machine secret key, only a
// machine the token is scoped to (or its own minter) may verify it; the
// minter must still exist.
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
		id, err := t.m2mTokenValues().owner(p.Token)
		if err != nil {
			return errTokenNotFound
		}
		if err := t.m2mTokens().load(id, &m); err != nil {
			return notFoundAs(err, "M2M token")
		}
		if m.Revoked || expired(m.Expiration, now) {
			return errTokenNotFound
		}
		if caller := callerMachineID(r); caller != "" && caller != m.Subject && !slices.Contains(m.Scopes, caller) {
			return errTokenNotFound
		}
		if err := t.machines().load(m.Subject, &machine{}); err != nil {
			if errors.Is(err, errNotFound) {
				return errTokenNotFound
			}
			return err
		}
		n := ms(now)
		m.LastUsedAt = &n
		return t.m2mTokens().put(&m)
	})
	if err != nil {
		return nil, 0, err
	}
	return m2mJSON(&m, now, false), 0, nil
}
