package localclerk

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Machines: services that authenticate to each other with M2M tokens. A
// machine mints tokens with its secret key (POST /m2m_tokens); a token
// carries, as its scopes, the ids of the machines its minter is scoped
// to at minting time, and only those machines (or the minter itself) may
// verify it with their own secret keys.

const (
	defaultMachineTTL = 3600      // seconds, a token's lifetime when the machine sets none
	maxMachineTTL     = 315360000 // ten years
	maxMachineScopes  = 150
	maxPrevKeyTTL     = 28800 // eight hours of grace for a rotated key
)

// tokenTTL is the lifetime in seconds of the machine's tokens.
func (m *machine) tokenTTL() int64 {
	if m.DefaultTokenTTL > 0 {
		return m.DefaultTokenTTL
	}
	return defaultMachineTTL
}

func (m *machine) scopeIDs() []string {
	ids := make([]string, 0, len(m.Scopes))
	for _, s := range m.Scopes {
		ids = append(ids, s.ToMachineID)
	}
	return ids
}

func (m *machine) hasScope(id string) bool { return slices.Contains(m.scopeIDs(), id) }

// machineForKey returns the id of the machine a secret key authenticates:
// its current key, or the previous one during a rotation's grace period.
func (inst *Instance) machineForKey(t *txn, key string) (string, error) {
	id, err := t.machineKeys().owner(key)
	if err != nil {
		return "", err
	}
	var m machine
	if err := t.machines().load(id, &m); err != nil {
		return "", err
	}
	if key == m.SecretKey || (key == m.PrevSecretKey && ms(inst.now()) < m.PrevKeyExpiresAt) {
		return id, nil
	}
	return "", errNotFound
}

func newMachineKey() string { return "ak_" + randString(40) }

// checkTTL validates default_token_ttl.
func checkTTL(ttl *int64) error {
	if ttl != nil && (*ttl < 1 || *ttl > maxMachineTTL) {
		return errInvalid("default_token_ttl", fmt.Sprintf("default_token_ttl must be between 1 and %d seconds.", maxMachineTTL))
	}
	return nil
}

func checkMachineName(name *string) error {
	if name == nil || strings.TrimSpace(*name) == "" {
		return errMissing("name")
	}
	if len(*name) > 255 {
		return errInvalid("name", "name must be at most 255 characters.")
	}
	return nil
}

func (inst *Instance) bapiListMachines(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	field, desc, err := orderBy(q, "-created_at", "created_at", "name")
	if err != nil {
		return nil, 0, err
	}
	query := strings.TrimSpace(q.Get("query"))
	var out []any
	var total int
	err = inst.store.view(r.Context(), func(t *txn) error {
		var list []*machine
		err := t.machines().each(func(m *machine) bool {
			if query == "" || m.ID == query || strings.Contains(strings.ToLower(m.Name), strings.ToLower(query)) {
				list = append(list, m)
			}
			return true
		})

		if err != nil {
			return err
		}
		sortBy(list, desc, func(a, b *machine) int {
			if field == "name" {
				return cmpStr(strings.ToLower(a.Name), strings.ToLower(b.Name))
			}
			return cmpInt(a.CreatedAt, b.CreatedAt)
		})
		total = len(list)
		out, err = pageJSON(list, limit, offset, func(m *machine) (any, error) { return inst.machineJSON(t, m) })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: out, TotalCount: total}, 0, nil
}

func (inst *Instance) bapiCreateMachine(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Name            *string  `json:"name"`
		ScopedMachines  []string `json:"scoped_machines"`
		DefaultTokenTTL *int64   `json:"default_token_ttl"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if err := checkMachineName(p.Name); err != nil {
		return nil, 0, err
	}
	if err := checkTTL(p.DefaultTokenTTL); err != nil {
		return nil, 0, err
	}
	if len(p.ScopedMachines) > maxMachineScopes {
		return nil, 0, errInvalid("scoped_machines", fmt.Sprintf("A machine can be scoped to at most %d machines.", maxMachineScopes))
	}
	now := inst.now()
	m := &machine{ID: newID("mch"), Name: strings.TrimSpace(*p.Name), SecretKey: newMachineKey(), CreatedAt: ms(now), UpdatedAt: ms(now)}
	if p.DefaultTokenTTL != nil {
		m.DefaultTokenTTL = *p.DefaultTokenTTL
	}
	var out *machineWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		for _, id := range p.ScopedMachines {
			if err := t.machines().load(id, &machine{}); err != nil {
				if errors.Is(err, errNotFound) {
					return errInvalid("scoped_machines", "scoped_machines names an unknown machine: "+id+".")
				}
				return err
			}
			if !m.hasScope(id) {
				m.Scopes = append(m.Scopes, machineScope{ToMachineID: id, CreatedAt: ms(now)})
			}
		}
		if err := t.machineKeys().claim(m.SecretKey, m.ID); err != nil {
			return err
		}
		if err := t.machines().put(m); err != nil {
			return err
		}
		var err error
		out, err = inst.machineJSON(t, m)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	out.SecretKey = m.SecretKey
	return out, 0, nil
}

// withMachine runs fn on the machine the path names, in a write
// transaction when write is set, storing it afterwards.
func (inst *Instance) withMachine(r *http.Request, write bool, fn func(t *txn, m *machine) (any, error)) (any, int, error) {
	var out any
	run := inst.store.view
	if write {
		run = inst.store.update
	}
	err := run(r.Context(), func(t *txn) error {
		var m machine
		if err := t.machines().load(r.PathValue("id"), &m); err != nil {
			return notFoundAs(err, "machine")
		}
		var err error
		if out, err = fn(t, &m); err != nil {
			return err
		}
		if write && out != nil {
			return t.machines().put(&m)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiGetMachine(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.withMachine(r, false, func(t *txn, m *machine) (any, error) { return inst.machineJSON(t, m) })
}

func (inst *Instance) bapiUpdateMachine(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Name            *string `json:"name"`
		DefaultTokenTTL *int64  `json:"default_token_ttl"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Name != nil {
		if err := checkMachineName(p.Name); err != nil {
			return nil, 0, errInvalid("name", "name must be 1 to 255 characters.")
		}
	}
	if err := checkTTL(p.DefaultTokenTTL); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	return inst.withMachine(r, true, func(t *txn, m *machine) (any, error) {
		if p.Name != nil {
			m.Name = strings.TrimSpace(*p.Name)
		}
		if p.DefaultTokenTTL != nil {
			m.DefaultTokenTTL = *p.DefaultTokenTTL
		}
		m.UpdatedAt = ms(now)
		return inst.machineJSON(t, m)
	})
}

// bapiDeleteMachine deletes a machine, its keys and every scope that
// names it; its tokens stop verifying.
func (inst *Instance) bapiDeleteMachine(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.machines().del(id); err != nil {
			return notFoundAs(err, "machine")
		}
		others, err := t.machines().list()
		if err != nil {
			return err
		}
		for _, o := range others {
			if !o.hasScope(id) {
				continue
			}
			o.Scopes = slices.DeleteFunc(o.Scopes, func(s machineScope) bool { return s.ToMachineID == id })
			if err := t.machines().put(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("machine", id), 0, nil
}

func (inst *Instance) bapiGetMachineSecretKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.withMachine(r, false, func(t *txn, m *machine) (any, error) {
		return &machineSecretKeyWire{Object: "machine_secret_key", Secret: m.SecretKey}, nil
	})
}

// bapiRotateMachineSecretKey issues a new secret key; the previous one
// keeps authenticating for previous_token_ttl seconds (0: not at all).
func (inst *Instance) bapiRotateMachineSecretKey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PreviousTokenTTL *int64 `json:"previous_token_ttl"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.PreviousTokenTTL == nil {
		return nil, 0, errMissing("previous_token_ttl")
	}
	if *p.PreviousTokenTTL < 0 || *p.PreviousTokenTTL > maxPrevKeyTTL {
		return nil, 0, errInvalid("previous_token_ttl", fmt.Sprintf("previous_token_ttl must be between 0 and %d seconds.", maxPrevKeyTTL))
	}
	now := inst.now()
	return inst.withMachine(r, true, func(t *txn, m *machine) (any, error) {
		if err := t.machineKeys().release(m.ID); err != nil {
			return nil, err
		}
		m.PrevSecretKey, m.PrevKeyExpiresAt = "", 0
		if *p.PreviousTokenTTL > 0 {
			m.PrevSecretKey, m.PrevKeyExpiresAt = m.SecretKey, ms(now.Add(time.Duration(*p.PreviousTokenTTL)*time.Second))
			if err := t.machineKeys().claim(m.PrevSecretKey, m.ID); err != nil {
				return nil, err
			}
		}
		m.SecretKey, m.UpdatedAt = newMachineKey(), ms(now)
		if err := t.machineKeys().claim(m.SecretKey, m.ID); err != nil {
			return nil, err
		}
		return &machineSecretKeyWire{Object: "machine_secret_key", Secret: m.SecretKey}, nil
	})
}

func scopeJSON(from string, s machineScope) *machineScopeWire {
	return &machineScopeWire{Object: "machine_scope", FromMachineID: from, ToMachineID: s.ToMachineID, CreatedAt: s.CreatedAt}
}

func (inst *Instance) bapiCreateMachineScope(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		ToMachineID string `json:"to_machine_id"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.ToMachineID == "" {
		return nil, 0, errMissing("to_machine_id")
	}
	now := inst.now()
	return inst.withMachine(r, true, func(t *txn, m *machine) (any, error) {
		if p.ToMachineID == m.ID {
			return nil, errInvalid("to_machine_id", "A machine cannot be scoped to itself.")
		}
		if err := t.machines().load(p.ToMachineID, &machine{}); err != nil {
			if errors.Is(err, errNotFound) {
				return nil, newAPIError(http.StatusNotFound, "resource_not_found", "not found",
					"No machine "+p.ToMachineID+" to scope to.", paramMeta("to_machine_id"))
			}
			return nil, err
		}
		if m.hasScope(p.ToMachineID) {
			return nil, newAPIError(http.StatusConflict, "machine_scope_exists", "scope exists",
				"This machine is already scoped to "+p.ToMachineID+".", paramMeta("to_machine_id"))
		}
		if len(m.Scopes) >= maxMachineScopes {
			return nil, errInvalid("to_machine_id", fmt.Sprintf("A machine can be scoped to at most %d machines.", maxMachineScopes))
		}
		s := machineScope{ToMachineID: p.ToMachineID, CreatedAt: ms(now)}
		m.Scopes, m.UpdatedAt = append(m.Scopes, s), ms(now)
		return scopeJSON(m.ID, s), nil
	})
}

func (inst *Instance) bapiDeleteMachineScope(w http.ResponseWriter, r *http.Request) (any, int, error) {
	other := r.PathValue("other")
	now := inst.now()
	return inst.withMachine(r, true, func(t *txn, m *machine) (any, error) {
		if !m.hasScope(other) {
			return nil, errNotFoundResource("machine scope")
		}
		m.Scopes = slices.DeleteFunc(m.Scopes, func(s machineScope) bool { return s.ToMachineID == other })
		m.UpdatedAt = ms(now)
		return &deletedMachineScopeWire{Object: "machine_scope", FromMachineID: m.ID, ToMachineID: other, Deleted: true}, nil
	})
}

// machineTokenPaging reads limit (1..100, the machine-token endpoints'
// bound) and offset.
func machineTokenPaging(q url.Values) (limit, offset int, err error) {
	if s := q.Get("limit"); s != "" {
		if n, e := strconv.Atoi(s); e == nil && n > 100 {
			return 0, 0, errParam(http.StatusBadRequest, "form_param_value_invalid", "limit", "limit must be an integer between 1 and 100.")
		}
	}
	return paging(q)
}
