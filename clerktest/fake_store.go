package clerktest

import (
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goclerk/clerk/backend"
)

// The fake Backend API keeps users, organizations and memberships in
// memory and answers them in the wire JSON of package backend's models —
// the types the client decodes — so that an app's code that calls
// client.Users.Get or client.Organizations.Create runs unchanged in its
// tests. It is a fake, not a Clerk: identifiers are checked for
// uniqueness, not for what an instance's settings require; passwords are
// noted (password_enabled) and never stored.

// fakeStore is the fake's data; every handler holds mu for its whole run.
type fakeStore struct {
	mu          sync.Mutex
	users       map[string]*backend.User
	orgs        map[string]*backend.Organization
	memberships map[string][]*backend.OrganizationMembership // by organization id
}

func newFakeStore() *fakeStore {
	return &fakeStore{users: map[string]*backend.User{}, orgs: map[string]*backend.Organization{}, memberships: map[string][]*backend.OrganizationMembership{}}
}

// apiError is an answer in Clerk's error format.
type apiError struct {
	status      int
	code, msg   string
	paramName   string
	longMessage string
}

func errNotFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "resource_not_found", msg: what + " not found"}
}

func errParam(status int, code, param, msg string) *apiError {
	return &apiError{status: status, code: code, msg: msg, paramName: param}
}

func (e *apiError) write(w http.ResponseWriter) {
	entry := map[string]any{"code": e.code, "message": e.msg, "long_message": cmp.Or(e.longMessage, e.msg)}
	if e.paramName != "" {
		entry["meta"] = map[string]string{"param_name": e.paramName}
	}
	writeJSON(w, e.status, map[string]any{"errors": []any{entry}})
}

// fakeHandler is a fake endpoint: it answers a value (encoded as JSON with
// 200) or an *apiError.
type fakeHandler func(r *http.Request) (any, *apiError)

// handleFake registers h behind the secret-key check and the store's lock.
func (i *Instance) handleFake(pattern string, h fakeHandler) {
	i.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !i.authorized(w, r, false) {
			return
		}
		i.fake.mu.Lock()
		v, e := h(r)
		i.fake.mu.Unlock()
		if e != nil {
			e.write(w)
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}

// decode reads a JSON body into v; an empty body is the zero value.
func decode(r *http.Request, v any) *apiError {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return errParam(http.StatusBadRequest, "malformed_request", "", "clerktest: the request body is not a JSON object of this operation's parameters: "+err.Error())
	}
	return nil
}

// paging reads limit (default 10, 1 to 500) and offset (default 0).
func paging(q url.Values) (limit, offset int, e *apiError) {
	limit, offset = 10, 0
	for _, p := range []struct {
		name string
		dst  *int
		min  int
	}{{"limit", &limit, 1}, {"offset", &offset, 0}} {
		if s := q.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < p.min || p.name == "limit" && n > 500 {
				return 0, 0, errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", p.name, p.name+" is not valid")
			}
			*p.dst = n
		}
	}
	return limit, offset, nil
}

// page is items[offset:offset+limit].
func page[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(len(items), offset+limit)]
}

// sortBy orders items by order_by ("created_at" or "updated_at", "+" or
// "-" first; default newest first), as Clerk's lists do.
func sortBy[T any](items []T, orderBy string, created, updated func(T) int64) *apiError {
	desc := true
	field := orderBy
	switch {
	case strings.HasPrefix(orderBy, "+"):
		desc, field = false, orderBy[1:]
	case strings.HasPrefix(orderBy, "-"):
		field = orderBy[1:]
	}
	key := created
	switch field {
	case "", "created_at":
	case "updated_at":
		key = updated
	default:
		return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "order_by", "order_by "+orderBy+" is not supported by clerktest")
	}
	slices.SortStableFunc(items, func(a, b T) int {
		if desc {
			return cmp.Compare(key(b), key(a))
		}
		return cmp.Compare(key(a), key(b))
	})
	return nil
}

// list is Clerk's paginated answer ({"data", "total_count"}).
type list[T any] struct {
	Data       []T   `json:"data"`
	TotalCount int64 `json:"total_count"`
}

// mergeMetadata merges patch into m at the top level, as Clerk's metadata
// PATCH endpoints do; a null value removes the key.
func mergeMetadata(m, patch map[string]any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	for k, v := range patch {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

func metadataOrEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// clone copies v through its JSON, so that answers never alias the store.
func clone[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the store only holds values that marshal
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return &out
}
