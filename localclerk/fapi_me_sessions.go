package localclerk

import (
	"encoding/json"
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
		ss, err := x.t.sessions().list()
		if err != nil {
			return nil, err
		}
		list := []*fapiActiveSession{}
		for _, s := range ss {
			if s.UserID != u.ID || (active && (s.Status != "active" || ms(x.now) >= s.ExpireAt)) {
				continue
			}
			sj, err := inst.meSessionJSON(x, u, s)
			if err != nil {
				return nil, err
			}
			list = append(list, sj)
		}
		return bareResponse{list}, nil
	}
}

// sessionActivityWire is a session's SessionActivity: the device its
// client first came with.
type sessionActivityWire struct {
	Object         string `json:"object"` // "session_activity"
	ID             string `json:"id"`
	BrowserName    string `json:"browser_name"`
	BrowserVersion string `json:"browser_version"`
	DeviceType     string `json:"device_type"`
	IsMobile       bool   `json:"is_mobile"`
	IPAddress      string `json:"ip_address"`
	City           string `json:"city"`
	Country        string `json:"country"`
}

// fapiActiveSession is a session as the account's device list shows it:
// the Frontend API Session without user or token (a session of another
// browser must not hand its token to this one) and with latest_activity.
type fapiActiveSession struct {
	Object                   string              `json:"object"` // "session"
	ID                       string              `json:"id"`
	Status                   string              `json:"status"`
	ExpireAt                 int64               `json:"expire_at"`
	AbandonAt                int64               `json:"abandon_at"`
	LastActiveAt             int64               `json:"last_active_at"`
	LastActiveToken          *fapiToken          `json:"last_active_token"` // always null
	LastActiveOrganizationID *string             `json:"last_active_organization_id"`
	Actor                    json.RawMessage     `json:"actor"`
	PublicUserData           fapiPublicUserData  `json:"public_user_data"`
	FactorVerificationAge    []int64             `json:"factor_verification_age"`
	LatestActivity           sessionActivityWire `json:"latest_activity"`
	CreatedAt                int64               `json:"created_at"`
	UpdatedAt                int64               `json:"updated_at"`
}

// meSessionJSON renders one of u's sessions with its device.
func (inst *Instance) meSessionJSON(x *fapiCall, u *user, s *session) (*fapiActiveSession, error) {
	var c client
	if err := x.t.clients().load(s.ClientID, &c); err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	}
	d := parseUserAgent(c.UserAgent)
	out := &fapiActiveSession{Object: "session", ID: s.ID, Status: sessionStatusAt(s, x.now), ExpireAt: s.ExpireAt,
		AbandonAt: s.AbandonAt, LastActiveAt: s.LastActiveAt, LastActiveOrganizationID: strOrNil(s.ActiveOrgID),
		PublicUserData:        publicUserData(u, x.avatar()),
		FactorVerificationAge: s.factorAges(s.LastActiveAt),
		LatestActivity: sessionActivityWire{Object: "session_activity", ID: "sess_activity_" + s.ID,
			BrowserName: d.Browser, BrowserVersion: d.BrowserVersion, DeviceType: d.DeviceType, IsMobile: d.Mobile,
			IPAddress: c.IPAddress},
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if s.ActorJSON != "" {
		out.Actor = json.RawMessage(s.ActorJSON)
	}
	return out, nil
}

// meRevokeSession is POST /v1/me/sessions/{id}/revoke: one of the user's
// sessions, on any browser, ends.
func (inst *Instance) meRevokeSession(x *fapiCall, u *user) (any, error) {
	var s session
	if err := x.t.sessions().load(x.r.PathValue("id"), &s); err != nil || s.UserID != u.ID {
		if err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
		return nil, errNotFoundResource("session")
	}
	if s.Status == "active" {
		s.Status, s.UpdatedAt = "revoked", ms(x.now)
		if err := x.t.sessions().put(&s); err != nil {
			return nil, err
		}
		x.t.emit("session.revoked", sessionJSON(&s))
	}
	return inst.meSessionJSON(x, u, &s)
}

// revokeOtherSessions revokes every session of userID but the one the
// request acts as.
func (inst *Instance) revokeOtherSessions(x *fapiCall, userID string) error {
	cur, err := meSession(x.t, x.r, x.c, x.now)
	if err != nil {
		return err
	}
	return revokeSessionsExcept(x.t, userID, cur.ID, x.now)
}

// sessionStatusAt is a session's status, "expired" once past expire_at.
func sessionStatusAt(s *session, now time.Time) string {
	if s.Status == "active" && ms(now) >= s.ExpireAt {
		return "expired"
	}
	return s.Status
}
