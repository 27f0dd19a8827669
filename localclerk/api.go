package localclerk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// CreateSession signs userID in on a new client, without a browser, and
// returns the session id and the client's dev browser id. org (id or
// slug) becomes the active organization; empty picks the user's first
// organization, as a fresh sign-in does. Tests use it to get a session
// whose tokens SessionToken mints.
func (inst *Instance) CreateSession(ctx context.Context, userID, org string) (sessionID, devBrowser string, err error) {
	now := inst.now()
	err = inst.store.update(ctx, func(t *txn) error {
		c, err := inst.newClient(t, now)
		if err != nil {
			return err
		}
		orgID := ""
		if org != "" {
			o, err := orgByIDOrSlug(t, org)
			if err != nil {
				return fmt.Errorf("organization %q: %w", org, err)
			}
			orgID = o.ID
		}
		s, err := inst.startSession(t, c, userID, orgID, now)
		if err != nil {
			return err
		}
		sessionID, devBrowser = s.ID, c.DevBrowserID
		return nil
	})
	if err != nil {
		return "", "", fmt.Errorf("localclerk: create session for %s: %w", userID, err)
	}
	return sessionID, devBrowser, nil
}

// SessionToken mints a session token for an active session, with azp set
// to authorizedParty when it is not empty (e.g. "http://localhost:3000").
func (inst *Instance) SessionToken(ctx context.Context, sessionID, authorizedParty string) (string, error) {
	now := inst.now()
	var jwt string
	err := inst.store.update(ctx, func(t *txn) error {
		var s session
		if err := t.sessions().load(sessionID, &s); err != nil {
			return err
		}
		if s.Status != "active" || ms(now) >= s.ExpireAt {
			return errors.New("session is not active")
		}
		if authorizedParty != "" {
			s.Azp = authorizedParty
			if err := t.sessions().put(&s); err != nil {
				return err
			}
		}
		var err error
		jwt, err = inst.mintSessionToken(t, &s, now, inst.lifetime)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("localclerk: session token for %s: %w", sessionID, err)
	}
	return jwt, nil
}

// SignInURL returns a one-time link that signs userID in (as a Backend API
// sign-in token does) and then returns to redirectURL, for browser tests
// that should skip the form.
func (inst *Instance) SignInURL(ctx context.Context, userID, redirectURL string) (string, error) {
	now := inst.now()
	st := &signInToken{ID: newID("sit"), UserID: userID, Token: randString(48), Status: "pending",
		ExpiresAt: ms(now.Add(time.Hour)), CreatedAt: ms(now), UpdatedAt: ms(now)}
	err := inst.store.update(ctx, func(t *txn) error {
		if err := t.users().load(userID, &user{}); err != nil {
			return err
		}
		if err := t.signInTickets().claim(st.Token, st.ID); err != nil {
			return err
		}
		return t.signInTokens().put(st)
	})
	if err != nil {
		return "", fmt.Errorf("localclerk: sign-in URL for %s: %w", userID, err)
	}
	q := url.Values{"ticket": {st.Token}}
	if redirectURL != "" {
		q.Set("redirect_url", redirectURL)
	}
	return inst.FrontendAPIURL + "/v1/tickets/accept?" + q.Encode(), nil
}
