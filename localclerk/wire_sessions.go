package localclerk

import (
	"encoding/json"
	"errors"
)

// sessionWire is the Backend API's Session object (the Frontend API's is
// fapiSession).
type sessionWire struct {
	Object                   string            `json:"object"` // "session"
	ID                       string            `json:"id"`
	UserID                   string            `json:"user_id"`
	ClientID                 string            `json:"client_id"`
	Actor                    json.RawMessage   `json:"actor"` // null without impersonation
	Status                   string            `json:"status"`
	LastActiveOrganizationID *string           `json:"last_active_organization_id"`
	LastActiveAt             int64             `json:"last_active_at"`
	LatestActivity           json.RawMessage   `json:"latest_activity"` // null: not recorded
	ExpireAt                 int64             `json:"expire_at"`
	AbandonAt                int64             `json:"abandon_at"`
	UpdatedAt                int64             `json:"updated_at"`
	CreatedAt                int64             `json:"created_at"`
	Tasks                    []fapiSessionTask `json:"tasks"` // null: localclerk has no session tasks
}

// clientWire is the Backend API's Client object.
type clientWire struct {
	Object                     string         `json:"object"` // "client"
	ID                         string         `json:"id"`
	SessionIDs                 []string       `json:"session_ids"`
	Sessions                   []*sessionWire `json:"sessions"`
	SignInID                   *string        `json:"sign_in_id"`
	SignUpID                   *string        `json:"sign_up_id"`
	LastActiveSessionID        *string        `json:"last_active_session_id"`
	LastAuthenticationStrategy *string        `json:"last_authentication_strategy"`
	UpdatedAt                  int64          `json:"updated_at"`
	CreatedAt                  int64          `json:"created_at"`
}

// sessionJSON renders a session for the Backend API and webhooks.
func sessionJSON(s *session) *sessionWire {
	out := &sessionWire{Object: "session", ID: s.ID, UserID: s.UserID, ClientID: s.ClientID,
		Status: s.Status, LastActiveOrganizationID: strOrNil(s.ActiveOrgID), LastActiveAt: s.LastActiveAt,
		ExpireAt: s.ExpireAt, AbandonAt: s.AbandonAt, UpdatedAt: s.UpdatedAt, CreatedAt: s.CreatedAt}
	if s.ActorJSON != "" {
		out.Actor = json.RawMessage(s.ActorJSON)
	}
	return out
}

// clientJSON renders a client with its sessions (those still stored).
func clientJSON(t *txn, c *client) (*clientWire, error) {
	sessions := []*sessionWire{}
	for _, id := range c.SessionIDs {
		s, err := t.sessions().get(id)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, sessionJSON(s))
	}
	ids := c.SessionIDs
	if ids == nil {
		ids = []string{}
	}
	return &clientWire{Object: "client", ID: c.ID, SessionIDs: ids, Sessions: sessions,
		LastActiveSessionID: strOrNil(c.LastActiveSessionID), UpdatedAt: c.UpdatedAt, CreatedAt: c.CreatedAt}, nil
}

// handshakeDirectivesWire is the answer of a handshake payload lookup:
// the Set-Cookie directives the handshake carries.
type handshakeDirectivesWire struct {
	Directives []string `json:"directives"`
}

// sessionCookiesWire is a session token answered as cookies
// (format=cookie).
type sessionCookiesWire struct {
	Object  string   `json:"object"` // "cookies"
	Cookies []string `json:"cookies"`
}
