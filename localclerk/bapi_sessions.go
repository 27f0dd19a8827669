package localclerk

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func (inst *Instance) bapiListSessions(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	status := q.Get("status")
	switch status {
	case "", "active", "revoked", "ended", "expired", "removed", "abandoned", "replaced", "pending":
	default:
		return nil, 0, errInvalid("status", "status is not a session status.")
	}
	var out []*session
	now := inst.now()
	err = inst.store.view(r.Context(), func(t *txn) error {
		return t.sessions().each(func(s *session) bool {
			if s.Status == "active" && ms(now) >= s.ExpireAt {
				s.Status = "expired"
			}
			if (q.Get("user_id") == "" || s.UserID == q.Get("user_id")) &&
				(q.Get("client_id") == "" || s.ClientID == q.Get("client_id")) &&
				(status == "" || s.Status == status) {
				out = append(out, s)
			}
			return true
		})

	})
	if err != nil {
		return nil, 0, err
	}
	sortBy(out, true, func(a, b *session) int { return cmpInt(a.CreatedAt, b.CreatedAt) })
	data, _ := pageJSON(out, limit, offset, infallible(sessionJSON))
	if q.Get("paginated") == "true" {
		return &pageWire{Data: data, TotalCount: len(out)}, 0, nil
	}
	return data, 0, nil
}

func (inst *Instance) bapiGetSession(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var s session
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.sessions().load(r.PathValue("id"), &s) }); err != nil {
		return nil, 0, notFoundAs(err, "session")
	}
	if s.Status == "active" && ms(inst.now()) >= s.ExpireAt {
		s.Status = "expired"
	}
	return sessionJSON(&s), 0, nil
}

// bapiCreateSession signs a user in on a new client, as Clerk's testing
// endpoint does; useful for tests that need a session without a browser.
func (inst *Instance) bapiCreateSession(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		UserID               string `json:"user_id"`
		ActiveOrganizationID string `json:"active_organization_id"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.UserID == "" {
		return nil, 0, errMissing("user_id")
	}
	now := inst.now()
	var s *session
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.users().load(p.UserID, &user{}); err != nil {
			return notFoundAs(err, "user")
		}
		c, err := inst.newClient(t, now)
		if err != nil {
			return err
		}
		orgID := ""
		if p.ActiveOrganizationID != "" {
			o, err := orgByIDOrSlug(t, p.ActiveOrganizationID)
			if err != nil {
				return notFoundAs(err, "organization")
			}
			orgID = o.ID
		}
		s, err = inst.startSession(t, c, p.UserID, orgID, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return sessionJSON(s), 0, nil
}

func (inst *Instance) bapiRevokeSession(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var s session
	now := inst.now()
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.sessions().load(r.PathValue("id"), &s); err != nil {
			return notFoundAs(err, "session")
		}
		if s.Status == "active" || s.Status == "pending" {
			s.Status = "revoked"
			s.UpdatedAt = ms(now)
			if err := t.sessions().put(&s); err != nil {
				return err
			}
			t.emit("session.revoked", sessionJSON(&s))
			// The client's most recently active other session takes over.
			var c client
			if err := t.clients().load(s.ClientID, &c); err == nil && c.LastActiveSessionID == s.ID {
				_, err := handOver(t, &c, now)
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return sessionJSON(&s), 0, nil
}

func (inst *Instance) bapiSessionToken(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		ExpiresInSeconds *int64 `json:"expires_in_seconds"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	lifetime := inst.lifetime
	if p.ExpiresInSeconds != nil {
		if *p.ExpiresInSeconds < 30 || *p.ExpiresInSeconds > 315360000 {
			return nil, 0, errInvalid("expires_in_seconds", "expires_in_seconds must be between 30 and 315360000.")
		}
		lifetime = time.Duration(*p.ExpiresInSeconds) * time.Second
	}
	now := inst.now()
	var jwt string
	err := inst.store.view(r.Context(), func(t *txn) error {
		var s session
		if err := t.sessions().load(r.PathValue("id"), &s); err != nil {
			return notFoundAs(err, "session")
		}
		if s.Status != "active" || ms(now) >= s.ExpireAt {
			return newAPIError(http.StatusNotFound, "session_not_active", "session is not active", "Tokens can only be created for active sessions.", nil)
		}
		var err error
		if name := r.PathValue("template"); name != "" {
			tpl, err := templateByName(t, name)
			if err != nil {
				return err
			}
			if p.ExpiresInSeconds != nil {
				tpl.Lifetime = *p.ExpiresInSeconds
			}
			jwt, err = inst.mintTemplateToken(t, &s, tpl, now, lifetime)
			return err
		}
		jwt, err = inst.mintSessionToken(t, &s, now, lifetime)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &fapiToken{Object: "token", JWT: jwt}, 0, nil
}

func (inst *Instance) bapiHandshakePayload(w http.ResponseWriter, r *http.Request) (any, int, error) {
	nonce := r.URL.Query().Get("nonce")
	if nonce == "" {
		return nil, 0, errParam(http.StatusBadRequest, "form_param_missing", "nonce", "nonce must be included.")
	}
	var dirs []string
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		dirs, err = inst.takeNonce(t, nonce, inst.now())
		return err
	})
	if err != nil {
		return nil, 0, notFoundAs(err, "handshake nonce")
	}
	return &handshakeDirectivesWire{Directives: dirs}, 0, nil
}

func (inst *Instance) bapiGetClient(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out *clientWire
	err := inst.store.view(r.Context(), func(t *txn) error {
		var c client
		if err := t.clients().load(r.PathValue("id"), &c); err != nil {
			return notFoundAs(err, "client")
		}
		var err error
		out, err = clientJSON(t, &c)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiCreateSignInToken(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		UserID           string `json:"user_id"`
		OrgID            string `json:"org_id"`
		ExpiresInSeconds *int64 `json:"expires_in_seconds"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.UserID == "" {
		return nil, 0, errMissing("user_id")
	}
	exp := int64(30 * 24 * 3600)
	if p.ExpiresInSeconds != nil {
		if *p.ExpiresInSeconds < 1 || *p.ExpiresInSeconds > 315360000 {
			return nil, 0, errInvalid("expires_in_seconds", "expires_in_seconds must be between 1 and 315360000.")
		}
		exp = *p.ExpiresInSeconds
	}
	now := inst.now()
	st := &signInToken{ID: newID("sit"), UserID: p.UserID, Token: randString(48), Status: "pending", OrgID: p.OrgID,
		ExpiresAt: ms(now) + exp*1000, CreatedAt: ms(now), UpdatedAt: ms(now)}
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.users().load(p.UserID, &user{}); err != nil {
			return notFoundAs(err, "user")
		}
		if err := t.signInTickets().claim(st.Token, st.ID); err != nil {
			return err
		}
		return t.signInTokens().put(st)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.signInTokenJSON(st, true), 0, nil
}

func (inst *Instance) bapiRevokeSignInToken(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var st signInToken
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.signInTokens().load(r.PathValue("id"), &st); err != nil {
			return notFoundAs(err, "sign-in token")
		}
		if st.Status != "pending" {
			return newAPIError(http.StatusBadRequest, "sign_in_token_cannot_be_revoked_code", "cannot revoke", "Only pending sign-in tokens can be revoked.", nil)
		}
		st.Status = "revoked"
		st.UpdatedAt = ms(inst.now())
		return t.signInTokens().put(&st)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.signInTokenJSON(&st, false), 0, nil
}

// redeemTicket consumes a sign-in token and returns its user and org.
func (inst *Instance) redeemTicket(t *txn, ticket string, now time.Time) (*signInToken, error) {
	id, err := t.signInTickets().owner(ticket)
	if err != nil {
		return nil, err
	}
	var st signInToken
	if err := t.signInTokens().load(id, &st); err != nil {
		return nil, err
	}
	if st.Status != "pending" || ms(now) >= st.ExpiresAt {
		return nil, errNotFound
	}
	st.Status = "accepted"
	st.UpdatedAt = ms(now)
	return &st, t.signInTokens().put(&st)
}

// refreshCookie is the cookie the handshake hands out with the session
// token; the SDKs send it back to RefreshSession when the token expired.
const refreshCookie = "__refresh"

// errRefresh is a refresh the SDK must answer with a handshake instead:
// the Backend API says so with 401.
func errRefresh(code, long string) *apiError {
	return newAPIError(http.StatusUnauthorized, code, "cannot refresh the session", long, nil)
}

// bapiRefreshSession mints a new session token from an expired one: the
// expired token must be signed by this instance and name the session, the
// refresh token must be the one the handshake issued for it, the session
// must still be active and, when the token has an azp, request_origin
// must be it. format "cookie" answers Set-Cookie directives (suffixed too
// with ?suffixed_cookies=true), "token" (the default) the JWT.
func (inst *Instance) bapiRefreshSession(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		ExpiredToken  *string         `json:"expired_token"`
		RefreshToken  *string         `json:"refresh_token"`
		RequestOrigin *string         `json:"request_origin"`
		Headers       json.RawMessage `json:"request_headers"`
		Format        *string         `json:"format"`
		OriginatingIP *string         `json:"request_originating_ip"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"expired_token", p.ExpiredToken}, {"refresh_token", p.RefreshToken}, {"request_origin", p.RequestOrigin}} {
		if f.v == nil || *f.v == "" {
			return nil, 0, errParam(http.StatusBadRequest, "form_param_missing", f.name, f.name+" must be included.")
		}
	}
	format := "token"
	if p.Format != nil {
		format = *p.Format
	}
	if format != "token" && format != "cookie" {
		return nil, 0, errParam(http.StatusBadRequest, "form_param_value_invalid", "format", "format must be token or cookie.")
	}
	claims, err := inst.verifyOwnToken(*p.ExpiredToken)
	if err != nil || claims.Sid != r.PathValue("id") {
		return nil, 0, errRefresh("expired_token_invalid", "expired_token is not a session token of this instance for this session.")
	}
	if claims.Azp != "" && strings.TrimRight(*p.RequestOrigin, "/") != claims.Azp {
		return nil, 0, errRefresh("request_origin_invalid", "request_origin is not the origin the session token was issued to.")
	}
	now := inst.now()
	var jwt string
	var uat int64
	err = inst.store.update(r.Context(), func(t *txn) error {
		var s session
		if err := t.sessions().load(r.PathValue("id"), &s); err != nil {
			return notFoundAs(err, "session")
		}
		if s.RefreshToken == "" || subtle.ConstantTimeCompare([]byte(s.RefreshToken), []byte(*p.RefreshToken)) != 1 {
			return errRefresh("refresh_token_invalid", "refresh_token is not the refresh token of this session.")
		}
		if s.Status != "active" || ms(now) >= s.ExpireAt {
			return errRefresh("session_not_active", "The session is no longer active; sign in again.")
		}
		s.LastActiveAt, s.UpdatedAt = ms(now), ms(now)
		if err := t.sessions().put(&s); err != nil {
			return err
		}
		var c client
		if err := t.clients().load(s.ClientID, &c); err == nil {
			uat = c.UpdatedAt / 1000
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		var err error
		jwt, err = inst.mintSessionToken(t, &s, now, inst.lifetime)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	if format == "cookie" {
		return &sessionCookiesWire{Object: "cookies", Cookies: inst.directives(jwt, uat, "", "", r.URL.Query().Get("suffixed_cookies") == "true")}, 0, nil
	}
	return &fapiToken{Object: "token", JWT: jwt}, 0, nil
}

// ownClaims are the claims of a token localclerk signed that the refresh
// checks.
type ownClaims struct {
	Sid string `json:"sid"`
	Azp string `json:"azp"`
}

// verifiedPayload checks a JWT's RS256 signature against the instance
// key and returns its payload; it does not look at the times.
func (inst *Instance) verifiedPayload(tok string) ([]byte, error) {
	obj, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, fmt.Errorf("parse token: %w", err)
	}
	payload, err := obj.Verify(&inst.key().priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("verify token: %w", err)
	}
	return payload, nil
}

// verifyOwnToken checks a session token's signature, ignoring its expiry
// (a refresh is for expired tokens).
func (inst *Instance) verifyOwnToken(tok string) (*ownClaims, error) {
	payload, err := inst.verifiedPayload(tok)
	if err != nil {
		return nil, err
	}
	var c ownClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("decode claims: %w", err)
	}
	return &c, nil
}
