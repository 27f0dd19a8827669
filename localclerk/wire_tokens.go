package localclerk

import (
	"encoding/json"
	"net/url"
)

// The one-time tickets' wire types (sign-in and actor tokens), the
// session token answer and the development browser.

// ticketWire is the SignInToken or ActorToken object; Token and URL are
// shown once, when it is created.
type ticketWire struct {
	Object    string          `json:"object"` // "sign_in_token" or "actor_token"
	ID        string          `json:"id"`
	Status    string          `json:"status"`
	UserID    string          `json:"user_id"`
	Actor     json.RawMessage `json:"actor,omitzero"` // an actor token's
	CreatedAt int64           `json:"created_at"`
	UpdatedAt int64           `json:"updated_at"`
	Token     string          `json:"token,omitempty"`
	URL       string          `json:"url,omitempty"`
}

// devBrowserWire is the DevBrowser object.
type devBrowserWire struct {
	Object    string `json:"object"` // "dev_browser"
	ID        string `json:"id"`
	Token     string `json:"token"`
	ClientID  string `json:"client_id"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

func (inst *Instance) actorTokenJSON(a *actorToken, withSecret bool) *ticketWire {
	out := &ticketWire{Object: "actor_token", ID: a.ID, UserID: a.UserID, Actor: actorOrNull(a.Actor), Status: a.Status,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if withSecret {
		out.Token = a.Token
		out.URL = inst.FrontendAPIURL + "/v1/tickets/accept?" + url.Values{"ticket": {a.Token}}.Encode()
	}
	return out
}

// actorOrNull keeps an actor token's actor present (null when empty) in
// its answer.
func actorOrNull(a json.RawMessage) json.RawMessage {
	if len(a) == 0 {
		return json.RawMessage("null")
	}
	return a
}

func (inst *Instance) signInTokenJSON(st *signInToken, withSecret bool) *ticketWire {
	out := &ticketWire{Object: "sign_in_token", ID: st.ID, Status: st.Status, UserID: st.UserID,
		CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt}
	if withSecret {
		out.Token = st.Token
		out.URL = inst.FrontendAPIURL + "/v1/tickets/accept?ticket=" + url.QueryEscape(st.Token)
	}
	return out
}

func devBrowserJSON(db *devBrowser) *devBrowserWire {
	return &devBrowserWire{Object: "dev_browser", ID: db.ID, Token: db.ID, ClientID: db.ClientID,
		CreatedAt: db.CreatedAt, UpdatedAt: db.CreatedAt}
}
