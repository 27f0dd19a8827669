package localclerk

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// API keys: long-lived secrets (ak_…) a user, an organization or a
// machine hands to a client; apps verify them with POST /api_keys/verify.

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func expired(exp *int64, now time.Time) bool { return exp != nil && ms(now) >= *exp }

// apiKeyName is the specification's pattern for a key's name: no leading
// or trailing white space.
var apiKeyName = regexp.MustCompile(`^\S(.*\S)?$`)

// expirationFrom turns seconds_until_expiration into an expiry in ms; nil
// for never.
func expirationFrom(secs *float64, now time.Time) (*int64, error) {
	if secs == nil {
		return nil, nil
	}
	if *secs <= 0 {
		return nil, errInvalid("seconds_until_expiration", "seconds_until_expiration must be positive.")
	}
	e := ms(now) + int64(*secs*1000)
	return &e, nil
}

func checkDescription(d *string) error {
	if d != nil && len(*d) > 255 {
		return errInvalid("description", "description must be at most 255 characters.")
	}
	return nil
}

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
	switch {
	case p.Name == "":
		return nil, 0, errMissing("name")
	case len(p.Name) < 3 || !apiKeyName.MatchString(p.Name):
		return nil, 0, errInvalid("name", "name must be at least 3 characters, without leading or trailing white space.")
	case p.Subject == "":
		return nil, 0, errMissing("subject")
	case p.CreatedBy != nil && !strings.HasPrefix(*p.CreatedBy, "user_"):
		return nil, 0, errInvalid("created_by", "created_by must be a user id.")
	}
	if p.Type == "" {
		p.Type = "api_key"
	}
	if p.Type != "api_key" {
		return nil, 0, errInvalid("type", "type must be api_key.")
	}
	if err := checkDescription(p.Description); err != nil {
		return nil, 0, err
	}
	if err := checkMetadata("claims", p.Claims); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	exp, err := expirationFrom(p.SecondsUntilExpiration, now)
	if err != nil {
		return nil, 0, err
	}
	k := &apiKey{ID: newID("ak"), Type: p.Type, Subject: p.Subject, Name: p.Name, Description: p.Description,
		Claims: p.Claims, Scopes: nonNil(p.Scopes), Secret: "ak_" + randString(40), CreatedBy: p.CreatedBy,
		Expiration: exp, CreatedAt: ms(now), UpdatedAt: ms(now)}
	err = inst.store.update(r.Context(), func(t *txn) error { return putAPIKey(t, k) })
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(k, now, true), 0, nil
}

// checkSubject requires an existing user, organization or machine.
func checkSubject(t *txn, subject string) error {
	exists := map[string]func(id string) error{
		"user_": func(id string) error { _, err := t.users().get(id); return err },
		"org_":  func(id string) error { _, err := t.orgs().get(id); return err },
		"mch_":  func(id string) error { _, err := t.machines().get(id); return err },
	}
	for prefix, find := range exists {
		if !strings.HasPrefix(subject, prefix) {
			continue
		}
		if err := find(subject); err != nil {
			if errors.Is(err, errNotFound) {
				return errInvalid("subject", "subject must be an existing user, organization or machine id.")
			}
			return err
		}
		return nil
	}
	return errInvalid("subject", "subject must be a user_, org_ or mch_ id.")
}

// putAPIKey validates the subject and stores a new key.
func putAPIKey(t *txn, k *apiKey) error {
	if err := checkSubject(t, k.Subject); err != nil {
		return err
	}
	if err := t.apiKeySecrets().claim(k.Secret, k.ID); err != nil {
		return err
	}
	return t.apiKeys().put(k)
}

func (inst *Instance) bapiListAPIKeys(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := machineTokenPaging(q)
	if err != nil {
		return nil, 0, err
	}
	f, err := apiKeyFilterFrom(q.Get("subject"), q.Get("type"), q.Get("include_invalid"), q.Get("query"))
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var keys []*apiKey
	err = inst.store.view(r.Context(), func(t *txn) error {
		keys, err = listAPIKeys(t, f, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	data, _ := pageJSON(keys, limit, offset, infallible(func(k *apiKey) any { return apiKeyJSON(k, now, false) }))
	return &pageWire{Data: data, TotalCount: len(keys)}, 0, nil
}

// apiKeyFilter selects the API keys a list shows: a subject's keys of one
// type, the revoked and expired ones only with invalid, and with query
// those whose name contains it (case-insensitive).
type apiKeyFilter struct {
	subject, typ, query string
	invalid             bool
}

// apiKeyFilterFrom reads a list's query parameters, as the Backend and
// Frontend APIs both take them.
func apiKeyFilterFrom(subject, typ, includeInvalid, query string) (apiKeyFilter, error) {
	if subject == "" {
		return apiKeyFilter{}, errMissing("subject")
	}
	if typ == "" {
		typ = "api_key"
	}
	f := apiKeyFilter{subject: subject, typ: typ, query: strings.ToLower(query)}
	switch includeInvalid {
	case "", "false":
	case "true":
		f.invalid = true
	default:
		return apiKeyFilter{}, errParam(http.StatusBadRequest, "form_param_value_invalid", "include_invalid", "include_invalid must be true or false.")
	}
	return f, nil
}

// listAPIKeys returns the keys f selects, newest first.
func listAPIKeys(t *txn, f apiKeyFilter, now time.Time) ([]*apiKey, error) {
	if f.typ == "" {
		f.typ = "api_key"
	}
	var keys []*apiKey
	err := t.apiKeys().each(func(k *apiKey) bool {
		switch {
		case k.Subject != f.subject, k.Type != f.typ,
			!f.invalid && (k.Revoked || expired(k.Expiration, now)),
			f.query != "" && !strings.Contains(strings.ToLower(k.Name), f.query):
			return true
		}
		keys = append(keys, k)
		return true
	})
	if err != nil {
		return nil, err
	}
	sortBy(keys, true, func(a, b *apiKey) int { return cmpInt(a.CreatedAt, b.CreatedAt) })
	return keys, nil
}

func (inst *Instance) getAPIKey(r *http.Request) (*apiKey, error) {
	var k apiKey
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.apiKeys().load(r.PathValue("id"), &k) }); err != nil {
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

// bapiUpdateAPIKey changes a key's description, claims, scopes, subject
// or expiry; a field sent as null clears it, one not sent is kept.
func (inst *Instance) bapiUpdateAPIKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var raw map[string]json.RawMessage
	if err := decodeBody(w, r, &raw); err != nil {
		return nil, 0, err
	}
	for name := range raw {
		switch name {
		case "claims", "scopes", "description", "subject", "seconds_until_expiration":
		default:
			return nil, 0, errParam(http.StatusUnprocessableEntity, "form_param_unknown", name, name+" is not a parameter of this operation.")
		}
	}
	isNull := func(name string) bool { return bytes.Equal(bytes.TrimSpace(raw[name]), []byte("null")) }
	decode := func(name string, v any) error {
		if err := json.Unmarshal(raw[name], v); err != nil {
			return errInvalid(name, name+" is invalid: it has the wrong type.")
		}
		return nil
	}
	var p struct {
		description, subject *string
		scopes               []string
		secs                 *float64
	}
	for name, dst := range map[string]any{"description": &p.description, "subject": &p.subject, "scopes": &p.scopes, "seconds_until_expiration": &p.secs} {
		if _, sent := raw[name]; sent {
			if err := decode(name, dst); err != nil {
				return nil, 0, err
			}
		}
	}
	if err := checkDescription(p.description); err != nil {
		return nil, 0, err
	}
	if _, sent := raw["claims"]; sent && !isNull("claims") {
		if err := checkMetadata("claims", raw["claims"]); err != nil {
			return nil, 0, err
		}
	}
	if _, sent := raw["subject"]; sent && (p.subject == nil || *p.subject == "") {
		return nil, 0, errInvalid("subject", "subject must be a user_, org_ or mch_ id.")
	}
	now := inst.now()
	exp, err := expirationFrom(p.secs, now)
	if err != nil {
		return nil, 0, err
	}
	var k apiKey
	err = inst.store.update(r.Context(), func(t *txn) error {
		if err := t.apiKeys().load(r.PathValue("id"), &k); err != nil {
			return notFoundAs(err, "API key")
		}
		if p.subject != nil && *p.subject != k.Subject {
			if err := checkSubject(t, *p.subject); err != nil {
				return err
			}
			k.Subject = *p.subject
		}
		if _, sent := raw["description"]; sent {
			k.Description = p.description
		}
		if _, sent := raw["claims"]; sent {
			k.Claims = nil
			if !isNull("claims") {
				k.Claims = raw["claims"]
			}
		}
		if _, sent := raw["scopes"]; sent {
			k.Scopes = nonNil(p.scopes)
		}
		if _, sent := raw["seconds_until_expiration"]; sent {
			k.Expiration = exp
		}
		k.UpdatedAt = ms(now)
		return t.apiKeys().put(&k)
	})
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(&k, now, false), 0, nil
}

func (inst *Instance) bapiAPIKeySecret(w http.ResponseWriter, r *http.Request) (any, int, error) {
	k, err := inst.getAPIKey(r)
	if err != nil {
		return nil, 0, err
	}
	return &apiKeySecretWire{Object: "api_key_secret", ID: k.ID, Secret: k.Secret}, 0, nil
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
		if err := t.apiKeys().load(r.PathValue("id"), &k); err != nil {
			return notFoundAs(err, "API key")
		}
		k.Revoked = true
		k.RevocationReason = p.RevocationReason
		k.UpdatedAt = ms(now)
		return t.apiKeys().put(&k)
	})
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(&k, now, false), 0, nil
}

func (inst *Instance) bapiDeleteAPIKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	if err := inst.store.update(r.Context(), func(t *txn) error { return t.apiKeys().del(id) }); err != nil {
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
		id, err := t.apiKeySecrets().owner(p.Secret)
		if err != nil {
			if errors.Is(err, errNotFound) {
				return errTokenNotFound
			}
			return err
		}
		if err := t.apiKeys().load(id, &k); err != nil {
			return err
		}
		if k.Revoked || expired(k.Expiration, now) {
			return errTokenNotFound
		}
		n := ms(now)
		k.LastUsedAt = &n
		return t.apiKeys().put(&k)
	})
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(&k, now, false), 0, nil
}
