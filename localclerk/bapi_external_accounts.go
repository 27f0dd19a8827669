package localclerk

import (
	"errors"
	"net/http"
)

// bapiDeleteExternalAccount is the Backend API's DELETE
// /users/{id}/external_accounts/{external_account_id}.
func (inst *Instance) bapiDeleteExternalAccount(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out *deletedWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, err := t.users().get(r.PathValue("id"))
		if errors.Is(err, errNotFound) {
			return errNotFoundResource("user")
		} else if err != nil {
			return err
		}
		id := r.PathValue("item")
		if err := removeExternalAccount(t, u, id, inst.now()); errors.Is(err, errNotFound) {
			e := errNotFoundResource("external account")
			e.Errors[0].Meta = paramMeta("external_account_id")
			return e
		} else if err != nil {
			return err
		}
		if err := t.users().put(u); err != nil {
			return err
		}
		t.emit("user.updated", userJSON(u))
		out = deletedJSON("external_account", id)
		return nil
	})
	return out, 0, err
}
