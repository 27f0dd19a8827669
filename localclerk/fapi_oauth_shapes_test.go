package localclerk

import (
	"net/url"
	"strings"
	"testing"
)

// oauthShapeFixtures prepares the social sign-in placeholders of a shape
// row's path: {oauth_callback}, the query of a callback the provider page
// sent for a sign-in on the fixture's dev browser, and {eac}, an external
// account Alice connected through the page.
func oauthShapeFixtures(t *testing.T, h *harness, fx shapeFixture, path string) (callback, eac string) {
	t.Helper()
	if strings.Contains(path, "{oauth_callback}") {
		resp, body := h.do(h.fapiRequest("POST", "/v1/client/sign_ins?__clerk_db_jwt="+fx.dvb+"&"+clerkJSQuery,
			url.Values{"strategy": {"oauth_google"}, "redirect_url": {"http://localhost:3000/sso-callback"}}))
		var out struct {
			Response struct {
				FirstFactorVerification struct {
					URL string `json:"external_verification_redirect_url"`
				} `json:"first_factor_verification"`
			}
		}
		mustJSON(t, body, &out)
		if resp.StatusCode != 200 {
			t.Fatalf("OAuth sign-in: %d %s", resp.StatusCode, body)
		}
		callback = oauthShapeChoose(t, h, out.Response.FirstFactorVerification.URL, "user:user_demo_bob")
	}
	if strings.Contains(path, "{eac}") {
		resp, body := h.do(h.fapiRequest("POST", "/v1/me/external_accounts?__clerk_db_jwt="+fx.dvb+"&"+clerkJSQuery,
			url.Values{"strategy": {"oauth_google"}, "redirect_url": {"http://localhost:3000/user"}}))
		var out struct {
			Response struct {
				ID           string
				Verification struct {
					URL string `json:"external_verification_redirect_url"`
				}
			}
		}
		mustJSON(t, body, &out)
		if resp.StatusCode != 200 {
			t.Fatalf("connect: %d %s", resp.StatusCode, body)
		}
		q := oauthShapeChoose(t, h, out.Response.Verification.URL, "new")
		if resp, body := h.do(h.fapiRequest("GET", "/v1/oauth_callback?"+q, nil)); resp.StatusCode != 303 {
			t.Fatalf("connect callback: %d %s", resp.StatusCode, body)
		}
		eac = out.Response.ID
	}
	return callback, eac
}

// oauthShapeChoose answers the provider page at page with choice and
// returns the callback query it redirects to.
func oauthShapeChoose(t *testing.T, h *harness, page, choice string) string {
	t.Helper()
	u, err := url.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{"state": {u.Query().Get("state")}, "choice": {choice}, "email": {"shape-" + strings.ToLower(randString(8)) + "@example.com"}}
	req := h.fapiRequest("POST", strings.TrimPrefix(page, h.inst.FrontendAPIURL), f)
	req.Header.Set("Origin", h.inst.FrontendAPIURL)
	resp, body := h.do(req)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 303 || loc == nil || loc.Path != "/v1/oauth_callback" {
		t.Fatalf("provider page: %d %s", resp.StatusCode, body)
	}
	return loc.RawQuery
}

// addTestExternalAccount creates a user with a Google account, as a
// social sign-up would, and returns both ids.
func addTestExternalAccount(t *testing.T, h *harness) (userID, accountID string) {
	t.Helper()
	err := h.inst.store.update(t.Context(), func(tx *txn) error {
		email := "social-" + strings.ToLower(randString(8)) + "@example.com"
		u, err := h.inst.createUser(tx, &userParams{EmailAddress: []string{email}}, h.inst.now(), true)
		if err != nil {
			return err
		}
		a, err := linkExternalAccount(tx, u, "google", &oauthIdentity{ProviderUserID: providerUserID("google", email), Email: email, EmailVerified: true}, h.inst.now())
		if err != nil {
			return err
		}
		userID, accountID = u.ID, a.ID
		return tx.users().put(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return userID, accountID
}
