package localclerk

import (
	"net/http"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for session refresh and the clients' list and verification.

var _ = addClientCases(map[string]clientCase{
	"RefreshSession": {
		ok: func(t *testing.T, f *clientFixture) {
			h := start(t, Options{Seed: true, RefreshCookie: true})
			c, err := backend.NewClient(backend.Config{SecretKey: h.inst.SecretKey, APIURL: h.inst.BackendAPIURL, MaxRetries: 0})
			if err != nil {
				t.Fatal(err)
			}
			sid, jwt, refresh := refreshableSession(t, h, "alice@example.com", "alice-password")
			got, err := c.Sessions.Refresh(f.ctx, sid, &backend.SessionRefreshParams{ExpiredToken: jwt, RefreshToken: refresh,
				RequestOrigin: "http://localhost:3000", Format: backend.Ptr("cookie"), SuffixedCookies: true})
			if err != nil || got.Object != "cookies" {
				t.Fatalf("%+v %v", got, err)
			}
			tok, _ := cookieValue(got.Cookies, "__session_"+h.inst.CookieSuffix)
			if _, claims := h.verifyJWT(tok); claims["sid"] != sid {
				t.Fatalf("refreshed token claims %v", claims)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			// No refresh token was ever issued for this session.
			s, err := f.c.Sessions.Create(f.ctx, &backend.SessionCreateParams{UserID: f.user(t).ID})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := f.c.Sessions.CreateToken(f.ctx, s.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.c.Sessions.Refresh(f.ctx, s.ID, &backend.SessionRefreshParams{ExpiredToken: tok.JWT, RefreshToken: "guessed", RequestOrigin: "http://localhost:3000"})
			wantAPIError(t, err, http.StatusUnauthorized, "refresh_token_invalid")
		},
	},

	"GetClientList": {
		ok: func(t *testing.T, f *clientFixture) {
			s, err := f.c.Sessions.Create(f.ctx, &backend.SessionCreateParams{UserID: f.user(t).ID})
			if err != nil {
				t.Fatal(err)
			}
			page, err := f.c.Clients.List(f.ctx, &backend.ClientListParams{Limit: backend.Ptr[int64](1)})
			if err != nil || len(page.Data) != 1 || page.Data[0].ID != s.ClientID {
				t.Fatalf("newest client first: %+v %v, want %s", page, err, s.ClientID)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Clients.List(f.ctx, &backend.ClientListParams{Limit: backend.Ptr[int64](501)})
			wantAPIError(t, err, http.StatusBadRequest, "form_param_value_invalid")
		},
	},
	"VerifyClient": {
		ok: func(t *testing.T, f *clientFixture) {
			dvb := freshSignIn(t, f.h, f.user(t).EmailAddresses[0].EmailAddress, "correct-horse-battery")
			c, err := f.c.Clients.Verify(f.ctx, &backend.ClientVerifyParams{Token: dvb})
			if err != nil || len(c.Sessions) != 1 || c.LastActiveSessionID == nil {
				t.Fatalf("%+v %v", c, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Clients.Verify(f.ctx, &backend.ClientVerifyParams{Token: "dvb_nope"})
			wantAPIError(t, err, http.StatusBadRequest, "token_invalid")
		},
	},
})
