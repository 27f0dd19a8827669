package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
)

// The Frontend API's Client and Session objects as clerk-js reads them.
// Every session carries its last_active_token: clerk-js seeds its token
// cache from it and replaces its current token with it on each
// {response, client} envelope, and @clerk/react derives useAuth's state
// from that token's claims. A null token there (for a signed-in session)
// makes @clerk/react throw "Invalid state".

// fapiToken is the Frontend API Token object.
type fapiToken struct {
	Object string `json:"object"` // "token"
	JWT    string `json:"jwt"`
}

// fapiSession is the Frontend API Session object (Client.Session).
type fapiSession struct {
	Object                   string             `json:"object"` // "session"
	ID                       string             `json:"id"`
	Status                   string             `json:"status"`
	ExpireAt                 int64              `json:"expire_at"`
	AbandonAt                int64              `json:"abandon_at"`
	LastActiveAt             int64              `json:"last_active_at"`
	LastActiveToken          *fapiToken         `json:"last_active_token"`
	LastActiveOrganizationID *string            `json:"last_active_organization_id"`
	Actor                    json.RawMessage    `json:"actor"` // null without impersonation
	User                     *userWire          `json:"user"`
	PublicUserData           fapiPublicUserData `json:"public_user_data"`
	FactorVerificationAge    []int64            `json:"factor_verification_age"`
	Tasks                    []fapiSessionTask  `json:"tasks"` // null: localclerk has no session tasks
	CreatedAt                int64              `json:"created_at"`
	UpdatedAt                int64              `json:"updated_at"`
}

// fapiSessionTask is a pending session's task (choose-organization, …).
type fapiSessionTask struct {
	Key string `json:"key"`
}

// fapiPublicUserData is Client.PublicUserData: what a session or a
// membership shows of a user.
type fapiPublicUserData struct {
	UserID          string  `json:"user_id"`
	FirstName       *string `json:"first_name"`
	LastName        *string `json:"last_name"`
	ImageURL        string  `json:"image_url"`
	ProfileImageURL string  `json:"profile_image_url"`
	HasImage        bool    `json:"has_image"`
	Identifier      string  `json:"identifier"`
	Username        *string `json:"username"`
	Banned          bool    `json:"banned"`
	Deprovisioned   bool    `json:"deprovisioned"`
}

// fapiEnvelopeWire is the Frontend API's answer to a client request: the
// resource the request was about and the client as it now is, which
// clerk-js takes as its new state.
type fapiEnvelopeWire struct {
	Response any `json:"response"`
	Client   any `json:"client"` // *fapiClient, or nil (null) once the client is gone
}

// fapiClient is the Frontend API Client object (Client.Client).
type fapiClient struct {
	Object                     string        `json:"object"` // "client"
	ID                         string        `json:"id"`
	Sessions                   []fapiSession `json:"sessions"`
	SignIn                     any           `json:"sign_in"`
	SignUp                     any           `json:"sign_up"`
	LastActiveSessionID        *string       `json:"last_active_session_id"`
	LastAuthenticationStrategy *string       `json:"last_authentication_strategy"`
	CookieExpiresAt            *int64        `json:"cookie_expires_at"`
	CaptchaBypass              bool          `json:"captcha_bypass"`
	CreatedAt                  int64         `json:"created_at"`
	UpdatedAt                  int64         `json:"updated_at"`
}

// fapiClientJSON renders the Frontend API Client: its signed-in sessions
// (with their users and tokens) and the sign-in / sign-up in progress.
func (inst *Instance) fapiClientJSON(x *fapiCall) (*fapiClient, error) {
	c, now := x.c, x.now
	out := &fapiClient{Object: "client", ID: c.ID, Sessions: []fapiSession{}, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	for _, id := range c.SessionIDs {
		var s session
		if err := x.t.sessions().load(id, &s); err != nil {
			if errors.Is(err, errNotFound) {
				continue
			}
			return nil, err
		}
		if s.Status != "active" || ms(now) >= s.ExpireAt {
			continue
		}
		sj, err := inst.fapiSessionJSON(x, &s)
		if err != nil {
			return nil, err
		}
		out.Sessions = append(out.Sessions, *sj)
		if s.ID == c.LastActiveSessionID {
			out.LastActiveSessionID = &s.ID
		}
	}
	var err error
	if out.SignIn, err = inst.clientSignInJSON(x); err != nil {
		return nil, err
	}
	if out.SignUp, err = inst.clientSignUpJSON(x.t, c); err != nil {
		return nil, err
	}
	return out, nil
}

// fapiSessionJSON renders the Frontend API Session, embedding its user
// and, while it is active, a fresh session token for the calling origin.
func (inst *Instance) fapiSessionJSON(x *fapiCall, s *session) (*fapiSession, error) {
	var u user
	if err := x.t.users().load(s.UserID, &u); err != nil {
		return nil, err
	}
	uj, err := inst.fapiUserJSON(x, &u)
	if err != nil {
		return nil, err
	}
	out := &fapiSession{Object: "session", ID: s.ID, Status: s.Status, ExpireAt: s.ExpireAt, AbandonAt: s.AbandonAt,
		LastActiveAt: s.LastActiveAt, User: uj, PublicUserData: publicUserData(&u, x.avatar()),
		FactorVerificationAge: s.factorAges(s.LastActiveAt),
		CreatedAt:             s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if s.ActiveOrgID != "" {
		org := s.ActiveOrgID
		out.LastActiveOrganizationID = &org
	}
	if s.ActorJSON != "" {
		out.Actor = json.RawMessage(s.ActorJSON)
	}
	if s.Status == "active" && ms(x.now) < s.ExpireAt {
		tokenFor := *s
		if o := inst.callerOrigin(x.r); o != "" {
			tokenFor.Azp = o
		}
		tok, err := x.sessionToken(inst, &tokenFor)
		if err != nil {
			return nil, err
		}
		out.LastActiveToken = tok
	}
	return out, nil
}

// callerOrigin is the origin of the page calling the Frontend API: the
// Origin header (already checked by fapiPrelude), else the Referer's
// origin when it is an allowed one (browsers omit Origin on same-origin
// GETs, as through a /__clerk proxy). Empty when neither says.
func (inst *Instance) callerOrigin(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		return o
	}
	if ref, err := url.Parse(r.Header.Get("Referer")); err == nil && ref.Host != "" && ref.User == nil &&
		(ref.Scheme == "http" || ref.Scheme == "https") && inst.originAllowed(origin(ref)) {
		return origin(ref)
	}
	return ""
}

// publicUserData is a user's public data; img is the avatar shown when
// the user has no uploaded image.
func publicUserData(u *user, img string) fapiPublicUserData {
	if u.ImageURL != "" {
		img = u.ImageURL
	}
	return fapiPublicUserData{UserID: u.ID, FirstName: u.FirstName, LastName: u.LastName, ImageURL: img,
		ProfileImageURL: img, HasImage: u.ImageURL != "", Identifier: u.primaryEmail(), Username: u.Username,
		Banned: u.Banned}
}

// sessionToken is the call's session token for s, signed once the
// transaction has committed (see unsignedToken); a session rendered twice
// in one answer (in the response and in its client) shares one token.
func (x *fapiCall) sessionToken(inst *Instance, s *session) (*fapiToken, error) {
	if tok, ok := x.tokens[s.ID]; ok {
		return tok, nil
	}
	u, err := inst.sessionTokenClaims(x.t, s, x.now, inst.lifetime)
	if err != nil {
		return nil, err
	}
	tok := &fapiToken{Object: "token"}
	if x.tokens == nil {
		x.tokens = map[string]*fapiToken{}
	}
	x.tokens[s.ID] = tok
	x.unsigned = append(x.unsigned, pendingToken{u, tok})
	return tok, nil
}

// pendingToken is a token of an answer that is signed after the commit.
type pendingToken struct {
	claims unsignedToken
	out    *fapiToken
}

// signPending signs the call's pending tokens into the answer.
func (x *fapiCall) signPending(inst *Instance) error {
	for _, p := range x.unsigned {
		jwt, err := inst.signToken(p.claims)
		if err != nil {
			return err
		}
		p.out.JWT = jwt
	}
	return nil
}
