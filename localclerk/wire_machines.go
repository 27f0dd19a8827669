package localclerk

import (
	"encoding/json"
	"errors"
	"time"
)

// machineWire is the Machine object.
type machineWire struct {
	Object          string `json:"object"` // "machine"
	ID              string `json:"id"`
	Name            string `json:"name"`
	InstanceID      string `json:"instance_id"`
	DefaultTokenTTL int64  `json:"default_token_ttl"`
	CreatedAt       int64  `json:"created_at"`
	UpdatedAt       int64  `json:"updated_at"`
	// ScopedMachines is set on the machine itself, not on the machines
	// it lists.
	ScopedMachines []*machineWire `json:"scoped_machines,omitzero"`
	// SecretKey is shown once, when the machine is created.
	SecretKey string `json:"secret_key,omitempty"`
}

// apiKeyWire is the APIKey object.
type apiKeyWire struct {
	Object           string          `json:"object"` // "api_key"
	ID               string          `json:"id"`
	Type             string          `json:"type"`
	Subject          string          `json:"subject"`
	Name             string          `json:"name"`
	Description      *string         `json:"description"`
	Claims           json.RawMessage `json:"claims"` // null without claims
	Scopes           []string        `json:"scopes"`
	Revoked          bool            `json:"revoked"`
	RevocationReason *string         `json:"revocation_reason"`
	Expired          bool            `json:"expired"`
	Expiration       *int64          `json:"expiration"`
	CreatedBy        *string         `json:"created_by"`
	LastUsedAt       *int64          `json:"last_used_at"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
	Secret           string          `json:"secret,omitempty"` // when created
}

// m2mTokenWire is the MachineToMachineToken object.
type m2mTokenWire struct {
	Object           string          `json:"object"` // "machine_to_machine_token"
	ID               string          `json:"id"`
	Subject          string          `json:"subject"`
	Claims           json.RawMessage `json:"claims"` // null without claims
	Scopes           []string        `json:"scopes"`
	Revoked          bool            `json:"revoked"`
	RevocationReason *string         `json:"revocation_reason"`
	Expired          bool            `json:"expired"`
	Expiration       *int64          `json:"expiration"`
	LastUsedAt       *int64          `json:"last_used_at"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
	Token            string          `json:"token,omitempty"` // when minted
}

// oauthTokenWire is the OAuth access token a verification answers.
type oauthTokenWire struct {
	Object           string   `json:"object"` // "clerk_idp_oauth_access_token"
	ID               string   `json:"id"`
	ClientID         string   `json:"client_id"`
	Subject          string   `json:"subject"`
	Scopes           []string `json:"scopes"`
	Revoked          bool     `json:"revoked"`
	RevocationReason *string  `json:"revocation_reason"`
	Expired          bool     `json:"expired"`
	Expiration       *int64   `json:"expiration"`
	CreatedAt        int64    `json:"created_at"`
	UpdatedAt        int64    `json:"updated_at"`
}

// claimsOrNull is a stored claims document, or nil (null) when empty.
func claimsOrNull(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return m
}

func (inst *Instance) machineBaseJSON(m *machine) *machineWire {
	updated := m.UpdatedAt
	if updated == 0 {
		updated = m.CreatedAt
	}
	return &machineWire{Object: "machine", ID: m.ID, Name: m.Name, InstanceID: inst.KeyID,
		DefaultTokenTTL: m.tokenTTL(), CreatedAt: m.CreatedAt, UpdatedAt: updated}
}

// machineJSON is the Machine object: the machine and the machines it is
// scoped to.
func (inst *Instance) machineJSON(t *txn, m *machine) (*machineWire, error) {
	scoped := []*machineWire{}
	for _, id := range m.scopeIDs() {
		o, err := t.machines().get(id)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		scoped = append(scoped, inst.machineBaseJSON(o))
	}
	j := inst.machineBaseJSON(m)
	j.ScopedMachines = scoped
	return j, nil
}

func apiKeyJSON(k *apiKey, now time.Time, withSecret bool) *apiKeyWire {
	out := &apiKeyWire{Object: "api_key", ID: k.ID, Type: k.Type, Subject: k.Subject, Name: k.Name,
		Description: k.Description, Claims: claimsOrNull(k.Claims), Scopes: nonNil(k.Scopes), Revoked: k.Revoked,
		RevocationReason: k.RevocationReason, Expired: expired(k.Expiration, now), Expiration: k.Expiration,
		CreatedBy: k.CreatedBy, LastUsedAt: k.LastUsedAt, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt}
	if withSecret {
		out.Secret = k.Secret
	}
	return out
}

func m2mJSON(m *m2mToken, now time.Time, withToken bool) *m2mTokenWire {
	out := &m2mTokenWire{Object: "machine_to_machine_token", ID: m.ID, Subject: m.Subject,
		Claims: claimsOrNull(m.Claims), Scopes: nonNil(m.Scopes), Revoked: m.Revoked,
		RevocationReason: m.RevocationReason, Expired: expired(m.Expiration, now), Expiration: m.Expiration,
		LastUsedAt: m.LastUsedAt, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if withToken {
		out.Token = m.Token
	}
	return out
}

func oauthJSON(o *oauthToken, now time.Time) *oauthTokenWire {
	return &oauthTokenWire{Object: "clerk_idp_oauth_access_token", ID: o.ID, ClientID: o.ClientID,
		Subject: o.Subject, Scopes: nonNil(o.Scopes), Revoked: o.Revoked,
		Expired: expired(o.Expiration, now), Expiration: o.Expiration, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// machineSecretKeyWire is the MachineSecretKey object.
type machineSecretKeyWire struct {
	Object string `json:"object"` // "machine_secret_key"
	Secret string `json:"secret"`
}

// machineScopeWire is the MachineScope object.
type machineScopeWire struct {
	Object        string `json:"object"` // "machine_scope"
	FromMachineID string `json:"from_machine_id"`
	ToMachineID   string `json:"to_machine_id"`
	CreatedAt     int64  `json:"created_at"`
}

// deletedMachineScopeWire is the answer of a scope's deletion.
type deletedMachineScopeWire struct {
	Object        string `json:"object"` // "machine_scope"
	FromMachineID string `json:"from_machine_id"`
	ToMachineID   string `json:"to_machine_id"`
	Deleted       bool   `json:"deleted"`
}

// apiKeySecretWire is the answer of GET /api_keys/{id}/secret.
type apiKeySecretWire struct {
	Object string `json:"object"` // "api_key_secret"
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// m2mTokenListWire is the M2M token list, which names its data
// m2m_tokens rather than data.
type m2mTokenListWire struct {
	M2MTokens  []any `json:"m2m_tokens"`
	TotalCount int   `json:"total_count"`
}
