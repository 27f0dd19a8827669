package localclerk

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The signed-in user's own resources, as UserButton and
// OrganizationSwitcher list them (suggestions: fapi_org_suggestions.go).
func (inst *Instance) meRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/me", inst.meHandler(func(x *fapiCall, u *user) (any, error) { return inst.fapiUserJSON(x, u) }))
	mux.HandleFunc("GET /v1/me/organization_memberships", inst.meHandler(inst.meMemberships))
	mux.HandleFunc("GET /v1/me/organization_invitations", inst.meHandler(inst.meOrgInvitations))
	mux.HandleFunc("POST /v1/me/organization_invitations/{id}/accept", inst.meHandler(inst.meAcceptOrgInvitation))
	mux.HandleFunc("GET /v1/me/organization_suggestions", inst.meHandler(inst.meSuggestions))
	inst.meAccountRoutes(mux)
	inst.meEmailRoutes(mux)
	inst.mePhoneRoutes(mux)
	inst.meSessionRoutes(mux)
	inst.meTOTPRoutes(mux)
	inst.mePasskeyRoutes(mux)
	inst.meTrustedDeviceRoutes(mux)
}

// meHandler resolves the user of the request's session (_clerk_session_id,
// else the client's current session) or answers 401.
func (inst *Instance) meHandler(fn func(x *fapiCall, u *user) (any, error)) http.HandlerFunc {
	return inst.meHandlerChecked(nil, fn)
}

// meHandlerChecked is meHandler with pre run before the transaction (see
// fapiRespondChecked): the slow password work of an account change.
func (inst *Instance) meHandlerChecked(pre fapiPrecheck, fn func(x *fapiCall, u *user) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inst.fapiRespondChecked(w, r, pre, func(x *fapiCall) (any, error) {
			s, err := meSession(x.t, x.r, x.c, x.now)
			if err != nil {
				return nil, err
			}
			u, err := x.t.users().get(s.UserID)
			if err != nil {
				return nil, err
			}
			return fn(x, u)
		})
	}
}

// meSession is the session a /v1/me request acts as: _clerk_session_id,
// else the client's current one; errSignedOut unless it is active.
func meSession(t *txn, r *http.Request, c *client, now time.Time) (*session, error) {
	sid := r.URL.Query().Get("_clerk_session_id")
	if sid == "" {
		sid = c.LastActiveSessionID
	}
	if sid == "" || !slices.Contains(c.SessionIDs, sid) {
		return nil, errSignedOut
	}
	var s session
	if err := t.sessions().load(sid, &s); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, errSignedOut
		}
		return nil, err
	}
	if s.Status != "active" || ms(now) >= s.ExpireAt {
		return nil, errSignedOut
	}
	return &s, nil
}

// meUser reads the signed-in user of r in t, for work done before the
// write transaction; errSignedOut when there is none.
func (inst *Instance) meUser(t *txn, r *http.Request) (*user, error) {
	c, err := inst.findClient(t, r, devBrowserFromRequest(r))
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errSignedOut
	}
	s, err := meSession(t, r, c, inst.now())
	if err != nil {
		return nil, err
	}
	return t.users().get(s.UserID)
}

// fapiPage applies clerk-js's limit/offset to a list.
func fapiPage(x *fapiCall, list []any) *pageWire {
	q := x.r.URL.Query()
	total := len(list)
	if off, err := strconv.Atoi(q.Get("offset")); err == nil && off > 0 {
		list = list[min(off, len(list)):]
	}
	if lim, err := strconv.Atoi(q.Get("limit")); err == nil && lim > 0 && lim < len(list) {
		list = list[:lim]
	}
	return &pageWire{Data: list, TotalCount: total}
}

func (inst *Instance) meMemberships(x *fapiCall, u *user) (any, error) {
	mems, err := userMemberships(x.t, u.ID)
	if err != nil {
		return nil, err
	}
	list := []any{}
	for _, m := range mems {
		mj, err := inst.fapiMembershipJSON(x, m)
		if err != nil {
			return nil, err
		}
		list = append(list, mj)
	}
	return fapiPage(x, list), nil
}
