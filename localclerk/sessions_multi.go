package localclerk

import (
	"errors"
	"net/http"
	"time"
)

// Multi-session (Settings.MultiSession): a client holds several signed-in
// sessions, at most one per user, and one of them is the current one
// (last_active_session_id), which the handshake, the session token and
// /v1/me follow. When the current session stops being signed in (ended,
// removed, revoked through the Backend API or by the user, expired), the
// most recently active of the others takes over, as Clerk's Frontend API
// does; with none left the client is signed out. In single-session mode
// a client holds at most one signed-in session, so the same rules leave it
// signed out.

// multiSession reports whether the instance lets a client hold several
// sessions.
func (inst *Instance) multiSession() bool { return inst.settingsNow().multiSession }

// signedIn reports whether s is a session that is still signed in at now.
func (s *session) signedIn(now time.Time) bool {
	return s.Status == "active" && ms(now) < s.ExpireAt
}

// expireIfDue marks an active session whose lifetime has passed expired.
func expireIfDue(t *txn, s *session, now time.Time) error {
	if s.Status != "active" || ms(now) < s.ExpireAt {
		return nil
	}
	s.Status = "expired"
	s.UpdatedAt = ms(now)
	return t.sessions().put(s)
}

// handOver makes the most recently active of c's signed-in sessions the
// current one (none: the client is signed out) and returns it, storing
// the client when that changes.
func handOver(t *txn, c *client, now time.Time) (*session, error) {
	var best *session
	for _, id := range c.SessionIDs {
		s, err := t.sessions().get(id)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := expireIfDue(t, s, now); err != nil {
			return nil, err
		}
		if s.Status != "active" {
			continue
		}
		if best == nil || s.LastActiveAt > best.LastActiveAt ||
			(s.LastActiveAt == best.LastActiveAt && s.CreatedAt > best.CreatedAt) {
			best = s
		}
	}
	id := ""
	if best != nil {
		id = best.ID
	}
	if c.LastActiveSessionID != id {
		c.LastActiveSessionID = id
		c.UpdatedAt = ms(now)
		if err := t.clients().put(c); err != nil {
			return nil, err
		}
	}
	return best, nil
}

// clientSession is the client's session sid while it is signed in, else
// errSignedOut: in multi-session mode clerk-js asks for the token of any
// session of the client (each tab has its own current one).
func clientSession(t *txn, c *client, sid string, now time.Time) (*session, error) {
	for _, id := range c.SessionIDs {
		if id != sid {
			continue
		}
		s, err := t.sessions().get(id)
		if errors.Is(err, errNotFound) {
			return nil, errSignedOut
		}
		if err != nil {
			return nil, err
		}
		if !s.signedIn(now) {
			return nil, errSignedOut
		}
		return s, nil
	}
	return nil, errSignedOut
}

// endSessionsBeforeSignIn makes room for userID's new session on c: in
// single-session mode every session of the client ends; in multi-session
// mode only userID's own (one session per user on a client).
func (inst *Instance) endSessionsBeforeSignIn(t *txn, c *client, userID string, now time.Time) error {
	if !inst.multiSession() {
		return inst.endClientSessions(t, c, now)
	}
	for _, id := range c.SessionIDs {
		s, err := t.sessions().get(id)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if s.UserID != userID || (s.Status != "active" && s.Status != "pending") {
			continue
		}
		s.Status = "ended"
		s.UpdatedAt = ms(now)
		if err := t.sessions().put(s); err != nil {
			return err
		}
		t.emit("session.ended", sessionJSON(s))
	}
	return nil
}

// errSessionExists answers a sign-in started by a signed-in client of a
// single-session instance; <SignIn/> then goes on as the current session.
var errSessionExists = newAPIError(http.StatusBadRequest, "session_exists", "You're already signed in",
	"You're already signed in. Sign out first, or turn multi-session on to add an account.", nil)

// signInMayStart checks that c may start a sign-in for userID ("" when
// the sign-in names no user yet): a single-session client must be signed
// out, and in multi-session mode a user already signed in on the client
// is answered with identifier_already_signed_in and their session, which
// <SignIn/> makes current instead.
func (inst *Instance) signInMayStart(t *txn, c *client, userID string, now time.Time) error {
	cur, err := activeSession(t, c, now)
	if err != nil {
		return err
	}
	if !inst.multiSession() {
		if cur != nil {
			return errSessionExists
		}
		return nil
	}
	if userID == "" {
		return nil
	}
	for _, id := range c.SessionIDs {
		s, err := t.sessions().get(id)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if s.UserID == userID && s.signedIn(now) {
			return newAPIError(http.StatusBadRequest, "identifier_already_signed_in", "Already signed in",
				"This account is already signed in on this browser; switch to it instead.",
				map[string]any{"session_id": s.ID})
		}
	}
	return nil
}

// clientAccounts are the users signed in on c, the current one first,
// for the hosted sign-in page.
func clientAccounts(t *txn, c *client, now time.Time) ([]pageUser, error) {
	var out []pageUser
	for _, id := range c.SessionIDs {
		s, err := t.sessions().get(id)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !s.signedIn(now) {
			continue
		}
		var u user
		if err := t.users().load(s.UserID, &u); err != nil {
			return nil, err
		}
		pu := pageUser{ID: u.ID, Name: u.displayName(), Email: u.primaryEmail(), SessionID: s.ID}
		if s.ID == c.LastActiveSessionID {
			out = append([]pageUser{pu}, out...)
		} else {
			out = append(out, pu)
		}
	}
	return out, nil
}

// signedInAccounts lists the accounts signed in on the browser's client,
// for the hosted sign-in page in multi-session mode.
func (inst *Instance) signedInAccounts(r *http.Request) []pageUser {
	var out []pageUser
	now := inst.now()
	err := inst.store.view(r.Context(), func(t *txn) error {
		c, err := inst.browserClient(t, r)
		if err != nil || c == nil {
			return err
		}
		out, err = clientAccounts(t, c, now)
		return err
	})
	if err != nil {
		inst.log.Error("localclerk: list signed-in accounts", "err", err)
		return nil
	}
	return out
}

// switchPageSession makes the browser's session sid its current one (the
// hosted page's "Continue as"), as a touch does.
func (inst *Instance) switchPageSession(r *http.Request, sid string) (*client, error) {
	now := inst.now()
	var c *client
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if c, err = inst.browserClient(t, r); err != nil || c == nil {
			return err
		}
		s, err := clientSession(t, c, sid, now)
		if err != nil {
			return err
		}
		s.LastActiveAt, s.UpdatedAt = ms(now), ms(now)
		if err := t.sessions().put(s); err != nil {
			return err
		}
		c.LastActiveSessionID = s.ID
		c.UpdatedAt = ms(now)
		return t.clients().put(c)
	})
	return c, err
}
