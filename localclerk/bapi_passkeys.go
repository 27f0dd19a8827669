package localclerk

import (
	"errors"
	"net/http"
	"slices"
)

// bapiDeletePasskey is the Backend API's DELETE
// /users/{id}/passkeys/{passkey_identification_id}: the passkey signs in
// no more.
func (inst *Instance) bapiDeletePasskey(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out *deletedWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, err := t.users().get(r.PathValue("id"))
		if errors.Is(err, errNotFound) {
			return errNotFoundResource("user")
		} else if err != nil {
			return err
		}
		id := r.PathValue("item")
		if p := u.passkey(id); p == nil || !p.Verified {
			e := errNotFoundResource("passkey")
			e.Errors[0].Meta = paramMeta("passkey_identification_id")
			return e
		}
		u.Passkeys = slices.DeleteFunc(u.Passkeys, func(p passkey) bool { return p.ID == id })
		u.UpdatedAt = ms(inst.now())
		if err := t.users().put(u); err != nil {
			return err
		}
		t.emit("user.updated", userJSON(u))
		out = deletedJSON("passkey", id)
		return nil
	})
	return out, 0, err
}
