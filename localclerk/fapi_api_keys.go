package localclerk

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The Frontend API's /api_keys operations, which clerk-js's <APIKeys/>
// (and the API keys pages of UserProfile and OrganizationProfile) call on
// the Frontend API host without the /v1 prefix, with the session token as
// a Bearer token. They work on the same API keys as the Backend API
// (bapi_api_keys.go), so a key created in the browser verifies at
// POST /api_keys/verify. Settings.APIKeys switches them.

// Clerk's system permissions for an organization's API keys.
const (
	permAPIKeysRead   = "org:sys_api_keys:read"
	permAPIKeysManage = "org:sys_api_keys:manage"
)

// apiKeysEnvironment is what the environment advertises for s: only what
// the instance serves.
func (inst *Instance) apiKeysEnvironment(s APIKeysSettings) apiKeysSettingsWire {
	served := inst.served("POST /api_keys")
	user, orgs := served && s.User, served && s.Organizations
	return apiKeysSettingsWire{Enabled: user || orgs, UserAPIKeysEnabled: user, OrgsAPIKeysEnabled: orgs}
}

// isAPIKeysPath reports a path of the /api_keys operations, which have no
// /v1 prefix.
func isAPIKeysPath(p string) bool { return p == "/api_keys" || strings.HasPrefix(p, "/api_keys/") }

func (inst *Instance) apiKeyRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api_keys", inst.apiKeysHandler(inst.fapiListAPIKeys))
	mux.HandleFunc("POST /api_keys", inst.apiKeysHandler(inst.fapiCreateAPIKey))
	mux.HandleFunc("PATCH /api_keys/{id}", inst.apiKeysHandler(inst.fapiUpdateAPIKey))
	mux.HandleFunc("POST /api_keys/{id}/revoke", inst.apiKeysHandler(inst.fapiRevokeAPIKey))
}

// apiKeysCall is one /api_keys request: the signed-in user and session
// its Bearer token names.
type apiKeysCall struct {
	r      *http.Request
	userID string
	sid    string
	now    time.Time
}

var errAPIKeysUnauthenticated = newAPIError(http.StatusUnauthorized, "authentication_invalid", "Unauthorized request",
	"Send the session token of an active session as Authorization: Bearer <token>.", nil)

// apiKeysHandler authenticates the request's session token, then runs fn
// and writes its answer (status 0 is 200).
func (inst *Instance) apiKeysHandler(fn func(w http.ResponseWriter, x *apiKeysCall) (any, int, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		x, err := inst.apiKeysCaller(r)
		var v any
		status := 0
		if err == nil {
			v, status, err = fn(w, x)
		}
		if err != nil {
			inst.writeError(w, r, err)
			return
		}
		if status == 0 {
			status = http.StatusOK
		}
		writeJSON(w, status, v)
	}
}

// apiKeysCaller checks the Bearer session token (signature, expiry) and
// that its session is still active.
func (inst *Instance) apiKeysCaller(r *http.Request) (*apiKeysCall, error) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" || len(tok) > 16<<10 {
		return nil, errAPIKeysUnauthenticated
	}
	payload, err := inst.verifiedPayload(tok)
	if err != nil {
		return nil, errAPIKeysUnauthenticated
	}
	var c struct {
		Sid string `json:"sid"`
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	if json.Unmarshal(payload, &c) != nil || c.Sid == "" || c.Sub == "" {
		return nil, errAPIKeysUnauthenticated
	}
	now := inst.now()
	// The token's own expiry, with the few seconds of clock skew
	// goclerk's middleware allows too.
	if now.Unix() > c.Exp+5 {
		return nil, errAPIKeysUnauthenticated
	}
	var s session
	err = inst.store.view(r.Context(), func(t *txn) error { return t.sessions().load(c.Sid, &s) })
	if errors.Is(err, errNotFound) {
		return nil, errAPIKeysUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	if s.Status != "active" || ms(now) >= s.ExpireAt || s.UserID != c.Sub {
		return nil, errAPIKeysUnauthenticated
	}
	return &apiKeysCall{r: r, userID: s.UserID, sid: s.ID, now: now}, nil
}

// apiKeySubject is the specification's pattern for a subject the browser
// may name: a user or an organization id.
var apiKeySubject = regexp.MustCompile(`^(user|org)_\w{1,64}$`)

// errAPIKeysOff refuses the keys of a kind of subject the settings turn
// off.
func errAPIKeysOff(kind string) *apiError {
	return newAPIError(http.StatusForbidden, "feature_not_enabled", "not enabled",
		"API keys for "+kind+" are not enabled on this instance (Settings.APIKeys).", nil)
}

var errAPIKeySubjectForbidden = newAPIError(http.StatusForbidden, "authorization_invalid", "Unauthorized request",
	"You may manage only your own API keys, or those of an organization whose role lets you.", nil)

// authorizeSubject allows the caller to read (or, with manage, to change)
// the keys of subject: their own user, or an organization whose role
// grants the API keys permission.
func (inst *Instance) authorizeSubject(t *txn, x *apiKeysCall, subject string, manage bool) error {
	ss := inst.settingsNow()
	switch {
	case !apiKeySubject.MatchString(subject):
		return errParam(http.StatusBadRequest, "form_param_value_invalid", "subject", "subject must be a user_ or org_ id.")
	case strings.HasPrefix(subject, "user_"):
		if !ss.apiKeys.User {
			return errAPIKeysOff("users")
		}
		if subject != x.userID {
			return errAPIKeySubjectForbidden
		}
		return nil
	}
	if !ss.apiKeys.Organizations {
		return errAPIKeysOff("organizations")
	}
	_, _, role, err := activeOrg(t, subject, x.userID)
	if errors.Is(err, errNotFound) {
		return errAPIKeySubjectForbidden
	}
	if err != nil {
		return err
	}
	var perms []string
	if role != nil {
		perms = role.Permissions
	}
	if slices.Contains(perms, permAPIKeysManage) || (!manage && slices.Contains(perms, permAPIKeysRead)) {
		return nil
	}
	return errAPIKeySubjectForbidden
}

func (inst *Instance) fapiListAPIKeys(w http.ResponseWriter, x *apiKeysCall) (any, int, error) {
	q := x.r.URL.Query()
	limit, offset, err := machineTokenPaging(q)
	if err != nil {
		return nil, 0, err
	}
	f, err := apiKeyFilterFrom(q.Get("subject"), q.Get("type"), q.Get("include_invalid"), q.Get("query"))
	if err != nil {
		return nil, 0, err
	}
	var keys []*apiKey
	err = inst.store.view(x.r.Context(), func(t *txn) error {
		if err := inst.authorizeSubject(t, x, f.subject, false); err != nil {
			return err
		}
		keys, err = listAPIKeys(t, f, x.now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	data, _ := pageJSON(keys, limit, offset, infallible(func(k *apiKey) any { return apiKeyJSON(k, x.now, false) }))
	return &pageWire{Data: data, TotalCount: len(keys)}, 0, nil
}

// fapiAPIKeyCreate is POST /api_keys's body.
type fapiAPIKeyCreate struct {
	Type                   string   `json:"type"`
	Name                   string   `json:"name"`
	Description            *string  `json:"description"`
	Subject                string   `json:"subject"`
	SecondsUntilExpiration *float64 `json:"seconds_until_expiration"`
}

// parseFAPIAPIKeyCreate checks POST /api_keys's body: the specification
// allows no other fields (claims and scopes are the Backend API's).
func parseFAPIAPIKeyCreate(raw map[string]json.RawMessage) (*fapiAPIKeyCreate, error) {
	if err := onlyFields(raw, "type", "name", "description", "subject", "seconds_until_expiration"); err != nil {
		return nil, err
	}
	var p fapiAPIKeyCreate
	for name, dst := range map[string]any{"type": &p.Type, "name": &p.Name, "description": &p.Description,
		"subject": &p.Subject, "seconds_until_expiration": &p.SecondsUntilExpiration} {
		if v, sent := raw[name]; sent {
			if err := json.Unmarshal(v, dst); err != nil {
				return nil, errInvalid(name, name+" is invalid: it has the wrong type.")
			}
		}
	}
	switch {
	case p.Name == "":
		return nil, errMissing("name")
	case len(p.Name) < 3 || !apiKeyName.MatchString(p.Name):
		return nil, errInvalid("name", "name must be at least 3 characters, without leading or trailing white space.")
	case p.Subject == "":
		return nil, errMissing("subject")
	}
	if p.Type == "" {
		p.Type = "api_key"
	}
	if p.Type != "api_key" {
		return nil, errInvalid("type", "type must be api_key.")
	}
	if err := checkDescription(p.Description); err != nil {
		return nil, err
	}
	if p.SecondsUntilExpiration != nil && *p.SecondsUntilExpiration > 100*365*24*3600 {
		return nil, errInvalid("seconds_until_expiration", "seconds_until_expiration is too large.")
	}
	return &p, nil
}

// onlyFields refuses a JSON body field the operation does not have.
func onlyFields(raw map[string]json.RawMessage, names ...string) error {
	for name := range raw {
		if !slices.Contains(names, name) {
			return errParam(http.StatusUnprocessableEntity, "form_param_unknown", name, name+" is not a parameter of this operation.")
		}
	}
	return nil
}

var errAPIKeyNameTaken = newAPIError(http.StatusConflict, "token_creation_conflict", "conflict",
	"An API key with this name already exists for this subject.", paramMeta("name"))

func (inst *Instance) fapiCreateAPIKey(w http.ResponseWriter, x *apiKeysCall) (any, int, error) {
	var raw map[string]json.RawMessage
	if err := decodeBody(w, x.r, &raw); err != nil {
		return nil, 0, err
	}
	p, err := parseFAPIAPIKeyCreate(raw)
	if err != nil {
		return nil, 0, err
	}
	exp, err := expirationFrom(p.SecondsUntilExpiration, x.now)
	if err != nil {
		return nil, 0, err
	}
	createdBy := x.userID
	k := &apiKey{ID: newID("ak"), Type: p.Type, Subject: p.Subject, Name: p.Name, Description: p.Description,
		Scopes: []string{}, Secret: "ak_" + randString(40), CreatedBy: &createdBy,
		Expiration: exp, CreatedAt: ms(x.now), UpdatedAt: ms(x.now)}
	err = inst.store.update(x.r.Context(), func(t *txn) error {
		if err := inst.authorizeSubject(t, x, p.Subject, true); err != nil {
			return err
		}
		// The component tells a taken name apart (token_creation_conflict);
		// revoked and expired keys free their name.
		live, err := listAPIKeys(t, apiKeyFilter{subject: p.Subject, typ: p.Type}, x.now)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(live, func(o *apiKey) bool { return o.Name == p.Name }) {
			return errAPIKeyNameTaken
		}
		return putAPIKey(t, k)
	})
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(k, x.now, true), http.StatusCreated, nil
}

// changeAPIKey loads the key of the request's path, checks the caller
// may manage its subject, applies change and stores it.
func (inst *Instance) changeAPIKey(x *apiKeysCall, change func(k *apiKey)) (*apiKey, error) {
	var k apiKey
	err := inst.store.update(x.r.Context(), func(t *txn) error {
		if err := t.apiKeys().load(x.r.PathValue("id"), &k); err != nil {
			return notFoundAs(err, "API key")
		}
		if err := inst.authorizeSubject(t, x, k.Subject, true); err != nil {
			if errors.Is(err, errAPIKeySubjectForbidden) {
				// Another subject's key is as unknown as a missing one.
				return notFoundAs(errNotFound, "API key")
			}
			return err
		}
		change(&k)
		k.UpdatedAt = ms(x.now)
		return t.apiKeys().put(&k)
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

func (inst *Instance) fapiUpdateAPIKey(w http.ResponseWriter, x *apiKeysCall) (any, int, error) {
	var raw map[string]json.RawMessage
	if err := decodeBody(w, x.r, &raw); err != nil {
		return nil, 0, err
	}
	desc, err := parseFAPIAPIKeyUpdate(raw)
	if err != nil {
		return nil, 0, err
	}
	k, err := inst.changeAPIKey(x, func(k *apiKey) {
		if _, sent := raw["description"]; sent {
			k.Description = desc
		}
	})
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(k, x.now, false), 0, nil
}

// parseFAPIAPIKeyUpdate checks PATCH /api_keys/{id}'s body: only the
// description changes (null clears it).
func parseFAPIAPIKeyUpdate(raw map[string]json.RawMessage) (*string, error) {
	if err := onlyFields(raw, "description"); err != nil {
		return nil, err
	}
	var desc *string
	if v, sent := raw["description"]; sent && !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		if err := json.Unmarshal(v, &desc); err != nil {
			return nil, errInvalid("description", "description is invalid: it has the wrong type.")
		}
	}
	if err := checkDescription(desc); err != nil {
		return nil, err
	}
	return desc, nil
}

func (inst *Instance) fapiRevokeAPIKey(w http.ResponseWriter, x *apiKeysCall) (any, int, error) {
	var raw map[string]json.RawMessage
	if err := decodeBody(w, x.r, &raw); err != nil {
		return nil, 0, err
	}
	if err := onlyFields(raw, "revocation_reason"); err != nil {
		return nil, 0, err
	}
	var reason *string
	if v, sent := raw["revocation_reason"]; sent {
		if err := json.Unmarshal(v, &reason); err != nil {
			return nil, 0, errInvalid("revocation_reason", "revocation_reason is invalid: it has the wrong type.")
		}
	}
	k, err := inst.changeAPIKey(x, func(k *apiKey) {
		k.Revoked = true
		k.RevocationReason = reason
	})
	if err != nil {
		return nil, 0, err
	}
	return apiKeyJSON(k, x.now, false), 0, nil
}
