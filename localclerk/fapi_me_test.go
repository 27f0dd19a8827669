package localclerk

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// meCall sends a clerk-js request for Alice's fixture browser.
func meCall(t *testing.T, h *harness, fx shapeFixture, method, path string, form url.Values) (int, string) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	resp, body := h.do(h.fapiRequest(method, path+sep+"__clerk_db_jwt="+fx.dvb+"&"+clerkJSQuery, form))
	return resp.StatusCode, string(body)
}

// TestMeChangePassword: the current password is required and checked,
// the new one works for the next sign-in and the old one no longer does,
// and sign_out_of_other_sessions ends Alice's other browser's session only.
func TestMeChangePassword(t *testing.T) {
	h := start(t, Options{Seed: true})
	here, other := newShapeFixture(t, h, true), newShapeFixture(t, h, true)
	if st, body := meCall(t, h, here, "POST", "/v1/me/change_password", url.Values{"new_password": {"brand-new-pass"}}); st != 422 || !strings.Contains(body, "current_password") {
		t.Fatalf("without current_password: %d %s", st, body)
	}
	if st, body := meCall(t, h, here, "POST", "/v1/me/change_password", url.Values{"current_password": {"nope"}, "new_password": {"brand-new-pass"}}); st != 422 || !strings.Contains(body, "form_password_incorrect") {
		t.Fatalf("wrong current_password: %d %s", st, body)
	}
	if st, body := meCall(t, h, here, "POST", "/v1/me/change_password", url.Values{"current_password": {"alice-password"}, "new_password": {"short"}}); st != 422 {
		t.Fatalf("too short a new password: %d %s", st, body)
	}
	st, body := meCall(t, h, here, "POST", "/v1/me/change_password", url.Values{"current_password": {"alice-password"},
		"new_password": {"brand-new-pass"}, "sign_out_of_other_sessions": {"true"}})
	if st != 200 {
		t.Fatalf("change password: %d %s", st, body)
	}
	if st, _ := meCall(t, h, other, "GET", "/v1/me", nil); st != 401 {
		t.Errorf("the other browser's session survived: %d", st)
	}
	if st, _ := meCall(t, h, here, "GET", "/v1/me", nil); st != 200 {
		t.Errorf("this browser's session ended: %d", st)
	}
	var ok struct{ Verified bool }
	if st := h.bapi("POST", "/v1/users/user_demo_alice/verify_password", map[string]any{"password": "brand-new-pass"}, &ok); st != 200 || !ok.Verified {
		t.Errorf("the new password does not verify: %d", st)
	}
	if st := h.bapi("POST", "/v1/users/user_demo_alice/verify_password", map[string]any{"password": "alice-password"}, nil); st == 200 {
		t.Errorf("the old password still verifies")
	}
}

// TestMeEmailAddressLifecycle: an ordinary address is added unverified,
// its code (in the outbox) verifies it, it becomes primary, and the old
// primary can then be removed; an unverified address cannot be primary.
func TestMeEmailAddressLifecycle(t *testing.T) {
	h := start(t, Options{Seed: true})
	fx := newShapeFixture(t, h, true)
	st, body := meCall(t, h, fx, "POST", "/v1/me/email_addresses", url.Values{"email_address": {"alice.work@example.com"}})
	var added struct{ Response struct{ ID string } }
	mustJSON(t, []byte(body), &added)
	if st != 200 || added.Response.ID == "" {
		t.Fatalf("add: %d %s", st, body)
	}
	id := added.Response.ID
	if st, body := meCall(t, h, fx, "POST", "/v1/me?_method=PATCH", url.Values{"primary_email_address_id": {id}}); st != 422 {
		t.Fatalf("unverified address made primary: %d %s", st, body)
	}
	if st, body := meCall(t, h, fx, "POST", "/v1/me/email_addresses/"+id+"/prepare_verification", url.Values{"strategy": {"email_code"}}); st != 200 {
		t.Fatalf("prepare: %d %s", st, body)
	}
	msgs := outboxOf(t, h, "alice.work@example.com")
	if len(msgs) != 1 || msgs[0].Code == "" {
		t.Fatalf("outbox: %+v", msgs)
	}
	if st, _ := meCall(t, h, fx, "POST", "/v1/me/email_addresses/"+id+"/attempt_verification", url.Values{"code": {"000000"}}); st != 422 {
		t.Fatalf("a wrong code passed: %d", st)
	}
	if st, body := meCall(t, h, fx, "POST", "/v1/me/email_addresses/"+id+"/attempt_verification", url.Values{"code": {msgs[0].Code}}); st != 200 || !strings.Contains(body, `"status":"verified"`) {
		t.Fatalf("attempt: %d %s", st, body)
	}
	if st, body := meCall(t, h, fx, "POST", "/v1/me?_method=PATCH", url.Values{"primary_email_address_id": {id}}); st != 200 {
		t.Fatalf("make primary: %d %s", st, body)
	}
	var u struct {
		PrimaryEmailAddressID string `json:"primary_email_address_id"`
		EmailAddresses        []struct {
			ID           string `json:"id"`
			EmailAddress string `json:"email_address"`
		} `json:"email_addresses"`
	}
	h.bapi("GET", "/v1/users/user_demo_alice", nil, &u)
	if u.PrimaryEmailAddressID != id {
		t.Fatalf("primary is %s, want %s", u.PrimaryEmailAddressID, id)
	}
	for _, e := range u.EmailAddresses {
		if e.EmailAddress == "alice@example.com" {
			if st, body := meCall(t, h, fx, "DELETE", "/v1/me/email_addresses/"+e.ID, nil); st != 200 {
				t.Fatalf("remove the old primary: %d %s", st, body)
			}
		}
	}
	// The freed address can be someone else's now.
	if st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"alice@example.com"}, "skip_password_requirement": true}, nil); st != 200 {
		t.Errorf("the removed address is still taken: %d", st)
	}
}

// TestMeProfileImage: an upload is served at the user's image_url and
// checked against the spec; a non-image is refused; removal restores the
// default avatar.
func TestMeProfileImage(t *testing.T) {
	h := start(t, Options{Seed: true})
	fx := newShapeFixture(t, h, true)
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	pic := testPNG(t)
	ct, body := logoBody(t, pic)
	path := "/v1/me/profile_image?__clerk_db_jwt=" + fx.dvb + "&" + clerkJSQuery
	req, _ := http.NewRequest("POST", h.inst.FrontendAPIURL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", "http://localhost:3000")
	resp, got := h.do(req)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %d %s", resp.StatusCode, got)
	}
	if err := facts.Check("POST", path, resp.StatusCode, got); err != nil {
		t.Errorf("%v\nbody: %s", err, got)
	}
	var img struct {
		Response struct {
			PublicURL string `json:"public_url"`
		}
	}
	mustJSON(t, got, &img)
	served, data := h.do(mustRequest(t, img.Response.PublicURL))
	if served.StatusCode != 200 || !bytes.Equal(data, pic) {
		t.Fatalf("serve %s: %d", img.Response.PublicURL, served.StatusCode)
	}
	if _, me := meCall(t, h, fx, "GET", "/v1/me", nil); !strings.Contains(me, img.Response.PublicURL) {
		t.Errorf("image_url is not the upload: %s", me)
	}
	ct, body = logoBody(t, []byte("not an image"))
	req, _ = http.NewRequest("POST", h.inst.FrontendAPIURL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	if resp, got := h.do(req); resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Errorf("a text file as image: %d %s", resp.StatusCode, got)
	}
	if st, _ := meCall(t, h, fx, "DELETE", "/v1/me/profile_image", nil); st != 200 {
		t.Fatalf("remove: %d", st)
	}
	if _, me := meCall(t, h, fx, "GET", "/v1/me", nil); strings.Contains(me, img.Response.PublicURL) || !strings.Contains(me, "/v1/avatar.svg") {
		t.Errorf("after removal: %s", me)
	}
}

// TestMeDeleteSelf: a user barred from deleting themselves is refused;
// otherwise the account goes and the session with it.
func TestMeDeleteSelf(t *testing.T) {
	h := start(t, Options{Seed: true})
	fx := newShapeFixture(t, h, true)
	if st := h.bapi("PATCH", "/v1/users/user_demo_alice", map[string]any{"delete_self_enabled": false}, nil); st != 200 {
		t.Fatalf("disable delete_self: %d", st)
	}
	if st, body := meCall(t, h, fx, "DELETE", "/v1/me", nil); st != 403 || !strings.Contains(body, "delete_self_disabled") {
		t.Fatalf("delete while barred: %d %s", st, body)
	}
	h.bapi("PATCH", "/v1/users/user_demo_alice", map[string]any{"delete_self_enabled": true}, nil)
	if st, body := meCall(t, h, fx, "DELETE", "/v1/me", nil); st != 200 {
		t.Fatalf("delete: %d %s", st, body)
	}
	if st := h.bapi("GET", "/v1/users/user_demo_alice", nil, nil); st != 404 {
		t.Errorf("the user is still there: %d", st)
	}
	if st, _ := meCall(t, h, fx, "GET", "/v1/me", nil); st != 401 {
		t.Errorf("the session survived: %d", st)
	}
}

// TestParseUserAgent reads the browsers the components' device list shows.
func TestParseUserAgent(t *testing.T) {
	for _, tc := range []struct {
		ua   string
		want device
	}{
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.8078.73 Safari/537.36", device{"Chrome", "156.0.8078.73", "Linux", false}},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", device{"Safari", "18.1", "Macintosh", false}},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", device{"Safari", "18.1", "iPhone", true}},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.80", device{"Edge", "130.0.2849.80", "Windows", false}},
		{"Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", device{"Firefox", "133.0", "Android", true}},
		{"Go-http-client/1.1", device{"Go-http-client", "1.1", "", false}},
		{"", device{}},
	} {
		if got := parseUserAgent(tc.ua); got != tc.want {
			t.Errorf("parseUserAgent(%q) = %+v, want %+v", tc.ua, got, tc.want)
		}
	}
}

// FuzzParseUserAgent: any header parses without panicking into values
// no longer than the header.
func FuzzParseUserAgent(f *testing.F) {
	f.Add("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36")
	f.Add("Version/")
	f.Add("Edg/1.2.3x")
	f.Fuzz(func(t *testing.T, ua string) {
		d := parseUserAgent(ua)
		if len(d.Browser)+len(d.BrowserVersion) > len(ua) {
			t.Fatalf("parseUserAgent(%q) = %+v: longer than the input", ua, d)
		}
	})
}

// TestFrontendAPITrailingSlash: clerk-js adds an e-mail address with
// POST /v1/me/email_addresses/, which is the collection's path.
func TestFrontendAPITrailingSlash(t *testing.T) {
	h := start(t, Options{Seed: true})
	fx := newShapeFixture(t, h, true)
	if st, body := meCall(t, h, fx, "POST", "/v1/me/email_addresses/", url.Values{"email_address": {"slash@example.com"}}); st != 200 || !strings.Contains(body, "slash@example.com") {
		t.Fatalf("POST /v1/me/email_addresses/: %d %s", st, body)
	}
}
