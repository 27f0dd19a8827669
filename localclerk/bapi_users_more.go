package localclerk

import (
	"encoding/json"
	"net/http"
	"time"
)

// More user operations: lock and unlock, banning in bulk, replacing
// metadata and removing a password.

// updateUser loads the user the path names, applies change and stores
// the result with a user.updated webhook, all in one transaction.
func (inst *Instance) updateUser(r *http.Request, change func(t *txn, u *user, now time.Time) error) (any, int, error) {
	now := inst.now()
	var u user
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.get(kindUser, r.PathValue("id"), &u); err != nil {
			return notFoundAs(err, "user")
		}
		if err := change(t, &u, now); err != nil {
			return err
		}
		u.UpdatedAt = ms(now)
		t.emit("user.updated", userJSON(&u))
		return t.put(kindUser, u.ID, &u)
	})
	if err != nil {
		return nil, 0, err
	}
	return userJSON(&u), 0, nil
}

// bapiLockUser locks or unlocks a user: a locked user cannot sign in
// (the hosted pages and the Frontend API refuse), sessions stay.
func (inst *Instance) bapiLockUser(lock bool) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		return inst.updateUser(r, func(_ *txn, u *user, _ time.Time) error {
			u.Locked = lock
			return nil
		})
	}
}

func (inst *Instance) bapiReplaceUserMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
		UnsafeMetadata  json.RawMessage `json:"unsafe_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	for _, m := range []struct {
		n string
		v json.RawMessage
	}{{"public_metadata", p.PublicMetadata}, {"private_metadata", p.PrivateMetadata}, {"unsafe_metadata", p.UnsafeMetadata}} {
		if err := checkMetadata(m.n, m.v); err != nil {
			return nil, 0, err
		}
	}
	return inst.updateUser(r, func(_ *txn, u *user, _ time.Time) error {
		// A field the body leaves out keeps its value; one it sends
		// (null included, which empties it) replaces it whole.
		for _, m := range []struct {
			v   json.RawMessage
			dst *json.RawMessage
		}{{p.PublicMetadata, &u.PublicMeta}, {p.PrivateMetadata, &u.PrivateMeta}, {p.UnsafeMetadata, &u.UnsafeMeta}} {
			if m.v != nil {
				*m.dst = rawOrEmpty(m.v)
			}
		}
		return nil
	})
}

func (inst *Instance) bapiRemoveUserPassword(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.updateUser(r, func(_ *txn, u *user, _ time.Time) error {
		if u.PasswordHash == "" {
			return errNoPasswordSet
		}
		u.PasswordHash, u.PasswordCompromised = "", false
		return nil
	})
}

// bapiBanUsers bans or unbans up to 50 users at once, all or none.
func (inst *Instance) bapiBanUsers(ban bool) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		var p struct {
			UserIDs []string `json:"user_ids"`
		}
		if err := decodeBody(w, r, &p); err != nil {
			return nil, 0, err
		}
		if len(p.UserIDs) == 0 {
			return nil, 0, errMissing("user_ids")
		}
		if len(p.UserIDs) > 50 {
			return nil, 0, newAPIError(http.StatusBadRequest, "bulk_size_exceeded", "bulk size exceeded",
				"Parameters exceed the maximum allowed bulk processing size of 50.", nil)
		}
		now := inst.now()
		out := []any{}
		err := inst.store.update(r.Context(), func(t *txn) error {
			for _, id := range p.UserIDs {
				var u user
				if err := t.get(kindUser, id, &u); err != nil {
					return notFoundAs(err, "user "+id)
				}
				u.Banned, u.UpdatedAt = ban, ms(now)
				if ban {
					if err := revokeUserSessions(t, u.ID, now); err != nil {
						return err
					}
				}
				if err := t.put(kindUser, u.ID, &u); err != nil {
					return err
				}
				t.emit("user.updated", userJSON(&u))
				out = append(out, userJSON(&u))
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		return out, 0, nil
	}
}
