package localclerk

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Actor tokens: impersonation. Following an actor token's url signs the
// browser in as the user, on a session whose actor is the token's; the
// session's tokens carry it as the "act" claim.
const (
	kindActorToken = "actor_token"
	nsActorTicket  = "actor_token:ticket"
)

type actorToken struct {
	ID          string          `json:"id"`
	UserID      string          `json:"user_id"`
	Actor       json.RawMessage `json:"actor"`
	Token       string          `json:"token"`
	Status      string          `json:"status"` // pending, accepted or revoked
	ExpiresAt   int64           `json:"expires_at"`
	SessionSecs int64           `json:"session_max_duration_in_seconds"`
	CreatedAt   int64           `json:"created_at"`
	UpdatedAt   int64           `json:"updated_at"`
}

func (inst *Instance) bapiCreateActorToken(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		UserID             *string         `json:"user_id"`
		Actor              json.RawMessage `json:"actor"`
		ExpiresInSeconds   *int64          `json:"expires_in_seconds"`
		SessionMaxDuration *int64          `json:"session_max_duration_in_seconds"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.UserID == nil || *p.UserID == "" {
		return nil, 0, errMissing("user_id")
	}
	if len(p.Actor) == 0 || string(p.Actor) == "null" {
		return nil, 0, errMissing("actor")
	}
	var actor map[string]any
	if err := json.Unmarshal(p.Actor, &actor); err != nil || actor == nil {
		return nil, 0, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "actor", "actor must be an object such as {\"sub\": \"user_...\"}.")
	}
	if sub, _ := actor["sub"].(string); sub == "" {
		return nil, 0, errMissing("actor.sub")
	}
	bounded := func(v *int64, def, max int64, name string) (int64, error) {
		if v == nil {
			return def, nil
		}
		if *v < 1 || *v > max {
			return 0, errInvalid(name, fmt.Sprintf("%s must be between 1 and %d.", name, max))
		}
		return *v, nil
	}
	exp, err := bounded(p.ExpiresInSeconds, 3600, 315360000, "expires_in_seconds")
	if err != nil {
		return nil, 0, err
	}
	sessSecs, err := bounded(p.SessionMaxDuration, 1800, 315360000, "session_max_duration_in_seconds")
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	a := &actorToken{ID: newID("act"), UserID: *p.UserID, Actor: p.Actor, Token: randString(48), Status: "pending",
		ExpiresAt: ms(now) + exp*1000, SessionSecs: sessSecs, CreatedAt: ms(now), UpdatedAt: ms(now)}
	err = inst.store.update(r.Context(), func(t *txn) error {
		if err := t.users().load(a.UserID, &user{}); err != nil {
			return notFoundAs(err, "user")
		}
		if err := t.actorTickets().claim(a.Token, a.ID); err != nil {
			return err
		}
		return t.actorTokens().put(a)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.actorTokenJSON(a, true), 0, nil
}

func (inst *Instance) bapiRevokeActorToken(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var a actorToken
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.actorTokens().load(r.PathValue("id"), &a); err != nil {
			return notFoundAs(err, "actor token")
		}
		if a.Status != "pending" {
			return newAPIError(http.StatusBadRequest, "actor_token_cannot_be_revoked_code", "cannot revoke",
				"This actor token is "+a.Status+"; only pending actor tokens can be revoked.", nil)
		}
		a.Status, a.UpdatedAt = "revoked", ms(inst.now())
		return t.actorTokens().put(&a)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.actorTokenJSON(&a, false), 0, nil
}

// redeemActorToken marks a pending, unexpired actor token accepted.
func redeemActorToken(t *txn, ticket string, now time.Time) (*actorToken, error) {
	id, err := t.actorTickets().owner(ticket)
	if err != nil {
		return nil, err
	}
	var a actorToken
	if err := t.actorTokens().load(id, &a); err != nil {
		return nil, err
	}
	if a.Status != "pending" || ms(now) >= a.ExpiresAt {
		return nil, errNotFound
	}
	a.Status, a.UpdatedAt = "accepted", ms(now)
	return &a, t.actorTokens().put(&a)
}
