package localclerk

import (
	"errors"
	"time"
)

// The signed-in user's sessions, as <UserProfile/>'s "Active devices"
// lists them: every active session of the user across browsers, with the
// device it runs on (from the User-Agent its client first came with), and
// revoking one of them.

func (inst *Instance) meSessionRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/me/sessions", inst.meHandler(inst.meSessions(false)))
	mux.HandleFunc("GET /v1/me/sessions/active", inst.meHandler(inst.meSessions(true)))
	mux.HandleFunc("POST /v1/me/sessions/{id}/revoke", inst.meHandler(inst.meRevokeSession))
}

// meSessions lists the user's sessions (only the active ones when
// active), each with its latest activity.
func (inst *Instance) meSessions(active bool) func(x *fapiCall, u *user) (any, error) {
	return func(x *fapiCall, u *user) (any, error) {
		ss, err := all[session](x.t, kindSession)
		if err != nil {
			return nil, err
		}
		list := []any{}
		for _, s := range ss {
			if s.UserID != u.ID || (active && (s.Status != "active" || ms(x.now) >= s.ExpireAt)) {
				continue
			}
			sj, err := inst.meSessionJSON(x, s)
			if err != nil {
				return nil, err
			}
			list = append(list, sj)
		}
		return list, nil
	}
}

// meSessionJSON is a session with its latest_activity.
func (inst *Instance) meSessionJSON(x *fapiCall, s *session) (map[string]any, error) {
	var c client
	if err := x.t.get(kindClient, s.ClientID, &c); err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	}
	d := parseUserAgent(c.UserAgent)
	return map[string]any{"object": "session", "id": s.ID, "status": sessionStatusAt(s, x.now),
		"expire_at": s.ExpireAt, "abandon_at": s.AbandonAt, "last_active_at": s.LastActiveAt,
		"last_active_organization_id": orgIDOrNull(s.ActiveOrgID), "actor": nil,
		"latest_activity": map[string]any{"object": "session_activity", "id": "sess_activity_" + s.ID,
			"browser_name": d.Browser, "browser_version": d.BrowserVersion, "device_type": d.DeviceType,
			"is_mobile": d.Mobile, "ip_address": c.IPAddress, "city": "", "country": ""},
		"created_at": s.CreatedAt, "updated_at": s.UpdatedAt}, nil
}

// meRevokeSession is POST /v1/me/sessions/{id}/revoke: one of the user's
// sessions, on any browser, ends.
func (inst *Instance) meRevokeSession(x *fapiCall, u *user) (any, error) {
	var s session
	if err := x.t.get(kindSession, x.r.PathValue("id"), &s); err != nil || s.UserID != u.ID {
		if err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
		return nil, errNotFoundResource("session")
	}
	if s.Status == "active" {
		s.Status, s.UpdatedAt = "revoked", ms(x.now)
		if err := x.t.put(kindSession, s.ID, &s); err != nil {
			return nil, err
		}
		x.t.emit("session.revoked", sessionJSON(&s))
	}
	return inst.meSessionJSON(x, &s)
}

// revokeOtherSessions revokes every active session of userID but the one
// the request acts as.
func (inst *Instance) revokeOtherSessions(x *fapiCall, userID string) error {
	cur, err := meSession(x.t, x.r, x.c, x.now)
	if err != nil {
		return err
	}
	ss, err := all[session](x.t, kindSession)
	if err != nil {
		return err
	}
	for _, s := range ss {
		if s.UserID == userID && s.ID != cur.ID && s.Status == "active" {
			s.Status, s.UpdatedAt = "revoked", ms(x.now)
			if err := x.t.put(kindSession, s.ID, s); err != nil {
				return err
			}
			x.t.emit("session.revoked", sessionJSON(s))
		}
	}
	return nil
}

// sessionStatusAt is a session's status, "expired" once past expire_at.
func sessionStatusAt(s *session, now time.Time) string {
	if s.Status == "active" && ms(now) >= s.ExpireAt {
		return "expired"
	}
	return s.Status
}

// orgIDOrNull is an organization id, null when empty.
func orgIDOrNull(id string) any {
	if id == "" {
		return nil
	}
	return id
}
