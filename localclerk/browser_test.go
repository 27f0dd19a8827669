package localclerk

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCSRFOriginNullIsCrossSite(t *testing.T) {
	h := start(t, Options{Seed: true})
	req, _ := http.NewRequest("POST", h.inst.FrontendAPIURL+"/sign-in",
		strings.NewReader(url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}, "redirect_url": {app}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "null")
	resp, err := h.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Errorf("Origin: null sign-in answered %d with cookies %v", resp.StatusCode, resp.Cookies())
	}
}

// TestSignInDoesNotAdoptAForeignDevBrowser: an attacker creates a dev
// browser and sends the victim a sign-in link carrying it. The victim's
// sign-in must not land on the attacker's client.
func TestSignInDoesNotAdoptAForeignDevBrowser(t *testing.T) {
	h := start(t, Options{Seed: true})
	attacker := &http.Client{CheckRedirect: h.http.CheckRedirect} // no cookies
	resp, err := attacker.Post(h.inst.FrontendAPIURL+"/v1/dev_browser", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var db map[string]any
	decodeJSON(t, resp, &db)
	dvbA := db["token"].(string)

	// The victim follows links carrying the attacker's dev browser: none of
	// these GETs may give the victim's browser the attacker's client.
	for _, u := range []string{
		h.handshakeURL(app, "token", dvbA, false),
		h.inst.FrontendAPIURL + "/sign-in?redirect_url=" + url.QueryEscape(app) + "&__clerk_db_jwt=" + dvbA,
		h.inst.FrontendAPIURL + "/user?__clerk_db_jwt=" + dvbA,
	} {
		if resp := h.get(u); len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("GET %s set %v", u, resp.Header.Values("Set-Cookie"))
		}
	}
	resp = h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"},
		"redirect_url": {app}, "__clerk_db_jwt": {dvbA}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	dvbV := loc.Query().Get("__clerk_db_jwt")
	if dvbV == "" || dvbV == dvbA {
		t.Fatalf("sign-in returned the attacker's dev browser: %s", loc)
	}

	// The attacker's dev browser holds no session ...
	dirs, _ := h.handshake(app, "token", dvbA, false)
	if v, _ := cookieValue(dirs, "__session"); v != "" {
		t.Errorf("the attacker's dev browser received the victim's session")
	}
	req, _ := http.NewRequest("GET", h.inst.FrontendAPIURL+"/v1/client", nil)
	req.Header.Set("Authorization", "Bearer "+dvbA)
	resp, err = attacker.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	decodeJSON(t, resp, &c)
	if sid := c["response"].(map[string]any)["last_active_session_id"]; sid != nil && sid != "" {
		t.Errorf("the attacker's client has session %v", sid)
	}
	// ... the victim's app, adopting the returned one, does.
	dirs, _ = h.handshake(app, "token", dvbV, false)
	if v, _ := cookieValue(dirs, "__session"); v == "" {
		t.Errorf("the victim's own dev browser holds no session")
	}
}

// TestUserPageDoesNotAdoptAForeignDevBrowser: /user with a signed-in dev
// browser in the URL shows it, but does not make it the visiting browser's
// client (which would sign the visitor in as someone else and put their
// next sign-in on that client).
func TestUserPageDoesNotAdoptAForeignDevBrowser(t *testing.T) {
	h := start(t, Options{Seed: true})
	dvbA := signInAlice(t, h) // the attacker's browser: h's cookie jar

	victim := &http.Client{CheckRedirect: h.http.CheckRedirect}
	resp, err := victim.Get(h.inst.FrontendAPIURL + "/user?__clerk_db_jwt=" + dvbA)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := resp.Header.Values("Set-Cookie"); resp.StatusCode != http.StatusOK || len(c) != 0 {
		t.Errorf("/user with a foreign dev browser: %d, Set-Cookie %v", resp.StatusCode, c)
	}
}
