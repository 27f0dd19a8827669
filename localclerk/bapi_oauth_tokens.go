package localclerk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// OAuth access tokens: minted for tests (CreateOAuthAccessToken) and
// verified by the Backend API.

func (inst *Instance) bapiVerifyOAuth(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		AccessToken string `json:"access_token"`
		Secret      string `json:"secret"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	tok := p.AccessToken
	if tok == "" {
		tok = p.Secret
	}
	if tok == "" {
		return nil, 0, errMissing("access_token")
	}
	now := inst.now()
	var o oauthToken
	err := inst.store.view(r.Context(), func(t *txn) error {
		id, err := t.oauthTokenValues().owner(tok)
		if err != nil {
			return errTokenNotFound
		}
		if err := t.oauthTokens().load(id, &o); err != nil {
			return notFoundAs(err, "OAuth access token")
		}
		if o.Revoked || expired(o.Expiration, now) {
			return errTokenNotFound
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return oauthJSON(&o, now), 0, nil
}

// oauthTokenID is an OAuth access token's id: oat_ and 32 hex digits, the
// form the specification gives.
func oauthTokenID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("localclerk: crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	return "oat_" + hex.EncodeToString(b)
}

// CreateOAuthAccessToken issues an opaque OAuth access token (oat_...) for
// a user, as if an OAuth application had obtained it, so that apps
// accepting oauth_token can be tested. ttl <= 0 means one hour.
func (inst *Instance) CreateOAuthAccessToken(ctx context.Context, userID string, scopes []string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = time.Hour
	}
	now := inst.now()
	exp := ms(now.Add(ttl))
	o := &oauthToken{ID: oauthTokenID(), ClientID: "localclerk_oauth_app", Subject: userID, Token: "oat_" + randString(40),
		Scopes: nonNil(scopes), Expiration: &exp, CreatedAt: ms(now), UpdatedAt: ms(now)}
	err := inst.store.update(ctx, func(t *txn) error {
		if err := t.users().load(userID, &user{}); err != nil {
			return fmt.Errorf("user %s: %w", userID, err)
		}
		if err := t.oauthTokenValues().claim(o.Token, o.ID); err != nil {
			return err
		}
		return t.oauthTokens().put(o)
	})
	if err != nil {
		return "", fmt.Errorf("localclerk: create OAuth access token: %w", err)
	}
	return o.Token, nil
}
