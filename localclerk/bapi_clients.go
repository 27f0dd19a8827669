package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// Clients: the instance's list (newest first) and verifying the token
// that stands for one.

func (inst *Instance) bapiListClients(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	var data []any
	var total int
	err = inst.store.view(r.Context(), func(t *txn) error {
		cs, err := t.clients().list()
		if err != nil {
			return err
		}
		// Newest first: the store keeps creation order, which also
		// orders clients created in the same millisecond.
		slices.Reverse(cs)
		total = len(cs)
		data, err = pageJSON(cs, limit, offset, func(c *client) (any, error) { return clientJSON(t, c) })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return listAnswer(q, data, total), 0, nil
}

// bapiVerifyClient answers the client a token stands for. Clerk's token is
// its __client JWT, signed with the instance key, whose id claim names the
// client; localclerk, which keeps its client in a plain first-party
// cookie, accepts that form (signed with its own key) and, for a
// development browser, the dev browser token (__clerk_db_jwt).
func (inst *Instance) bapiVerifyClient(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Token *string `json:"token"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Token == nil || strings.TrimSpace(*p.Token) == "" {
		return nil, 0, errParam(http.StatusBadRequest, "form_param_missing", "token", "token must be included.")
	}
	tok := strings.TrimSpace(*p.Token)
	var out *clientWire
	err := inst.store.view(r.Context(), func(t *txn) error {
		id, err := inst.clientIDFromToken(t, tok)
		if err != nil {
			return err
		}
		var c client
		if err := t.clients().load(id, &c); err != nil {
			return notFoundAs(err, "client")
		}
		out, err = clientJSON(t, &c)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

var errClientTokenInvalid = errParam(http.StatusBadRequest, "token_invalid", "token",
	"token is neither a client token signed by this instance nor one of its dev browser tokens.")

func (inst *Instance) clientIDFromToken(t *txn, tok string) (string, error) {
	if strings.Count(tok, ".") != 2 {
		var db devBrowser
		if err := t.devBrowsers().load(tok, &db); err != nil {
			if errors.Is(err, errNotFound) {
				return "", errClientTokenInvalid
			}
			return "", err
		}
		return db.ClientID, nil
	}
	payload, err := inst.verifiedPayload(tok)
	if err != nil {
		return "", errClientTokenInvalid
	}
	var claims struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(payload, &claims) != nil || !strings.HasPrefix(claims.ID, "client_") {
		return "", errClientTokenInvalid
	}
	return claims.ID, nil
}
