package localclerk

import (
	"net/http"
	"strconv"
)

// The signed-in user's own resources, as UserButton and
// OrganizationSwitcher list them. localclerk makes no domain-based
// suggestions, so that list is empty.
func (inst *Instance) meRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/me", inst.meHandler(func(x *fapiCall, u *user) (any, error) { return inst.fapiUserJSON(x, u) }))
	mux.HandleFunc("GET /v1/me/organization_memberships", inst.meHandler(inst.meMemberships))
	mux.HandleFunc("GET /v1/me/organization_invitations", inst.meHandler(inst.meOrgInvitations))
	mux.HandleFunc("POST /v1/me/organization_invitations/{id}/accept", inst.meHandler(inst.meAcceptOrgInvitation))
	mux.HandleFunc("GET /v1/me/organization_suggestions", inst.meHandler(emptyPage))
}

// meHandler resolves the user of the request's session (_clerk_session_id,
// else the client's current session) or answers 401.
func (inst *Instance) meHandler(fn func(x *fapiCall, u *user) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inst.fapiRespond(w, r, func(x *fapiCall) (any, error) {
			sid := r.URL.Query().Get("_clerk_session_id")
			if sid == "" {
				sid = x.c.LastActiveSessionID
			}
			if sid == "" {
				return nil, errSignedOut
			}
			s, err := x.session(sid)
			if err != nil || s.Status != "active" || ms(x.now) >= s.ExpireAt {
				return nil, errSignedOut
			}
			var u user
			if err := x.t.users().load(s.UserID, &u); err != nil {
				return nil, err
			}
			return fn(x, &u)
		})
	}
}

func emptyPage(*fapiCall, *user) (any, error) {
	return &pageWire{Data: []any{}, TotalCount: 0}, nil
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
