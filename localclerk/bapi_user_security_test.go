package localclerk

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// refreshableSession signs a user in through the hosted page and a
// suffixed handshake and returns the session id, its token and the
// refresh token the handshake set in __refresh_<suffix>.
func refreshableSession(t *testing.T, h *harness, email, password string) (sid, jwt, refresh string) {
	t.Helper()
	dvb := freshSignIn(t, h, email, password)
	dirs, _ := h.handshake(app, "token", dvb, true)
	jwt, _ = cookieValue(dirs, "__session")
	refresh, _ = cookieValue(dirs, "__refresh_"+h.inst.CookieSuffix)
	if jwt == "" || refresh == "" {
		t.Fatalf("handshake gave no session or refresh cookie: %v", dirs)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d, "__refresh_") && !strings.Contains(d, "HttpOnly") {
			t.Errorf("refresh cookie is readable by script: %s", d)
		}
	}
	_, claims := h.verifyJWT(jwt)
	return claims["sid"].(string), jwt, refresh
}

// freshSignIn signs a user in on the hosted page in a new browser (an
// empty cookie jar) and returns its dev browser token, which later
// handshakes use to find the signed-in client.
func freshSignIn(t *testing.T, h *harness, email, password string) string {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	saved := h.http.Jar
	h.http.Jar = jar
	defer func() { h.http.Jar = saved }()
	_, dvb := h.handshake(app, "token", "", false)
	resp := h.postForm("/sign-in", url.Values{"email": {email}, "password": {password}, "redirect_url": {app}, "__clerk_db_jwt": {dvb}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: status %d", email, resp.StatusCode)
	}
	return dvb
}

// hostedSignUp posts the hosted sign-up form in a new browser; it returns
// the status (303 when the account was made) and the page.
func hostedSignUp(t *testing.T, h *harness, email string) (int, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(h.inst.FrontendAPIURL+"/sign-up", url.Values{"email": {email}, "password": {"correct-horse-battery"}, "redirect_url": {app}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	io.Copy(&b, resp.Body)
	return resp.StatusCode, b.String()
}

// The sign-up restrictions refuse subaddresses and disposable domains on
// the hosted page and the Frontend API, leave Clerk's test addresses and
// users the Backend API creates alone, and stop when switched off.
func TestSignUpRestrictionsSubaddressesAndDisposableDomains(t *testing.T) {
	h := start(t, Options{})
	if st := h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{"block_email_subaddresses": true, "block_disposable_email_domains": true}, nil); st != 200 {
		t.Fatal(st)
	}
	for _, addr := range []string{"dana+news@example.com", "dana=x@example.com", "dana@mailinator.com", "dana@eu.mailinator.com"} {
		if st, page := hostedSignUp(t, h, addr); st != http.StatusUnprocessableEntity || !strings.Contains(page, "not allowed") {
			t.Errorf("hosted sign-up with %s: %d", addr, st)
		}
		b := newBrowser(h)
		st, m := b.call("POST", "/v1/client/sign_ups", form("email_address", addr, "password", "correct-horse-battery"))
		b.wantErr(422, "form_email_address_blocked", "email_address", st, m)
	}
	if st, _ := hostedSignUp(t, h, "dana@example.com"); st != http.StatusSeeOther {
		t.Errorf("a plain address was refused: %d", st)
	}
	if st, page := hostedSignUp(t, h, "erin+clerk_test@example.com"); st != http.StatusOK || !strings.Contains(page, testVerificationCode) {
		t.Errorf("a Clerk test address was refused: %d", st)
	}
	if st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"ops+admin@mailinator.com"}}, nil); st != 200 {
		t.Errorf("the Backend API is not bound by sign-up restrictions: %d", st)
	}
	h.bapi("PATCH", "/v1/instance/restrictions", map[string]any{"block_email_subaddresses": false, "block_disposable_email_domains": false}, nil)
	if st, _ := hostedSignUp(t, h, "dana+news@example.com"); st != http.StatusSeeOther {
		t.Errorf("subaddress refused with the restriction off: %d", st)
	}
}

// A compromised password refuses the Frontend API sign-in with Clerk's
// code until it is unset or changed; other users are unaffected.
func TestCompromisedPasswordRefusedAtFAPISignIn(t *testing.T) {
	h := start(t, Options{Seed: true})
	attempt := func() (int, map[string]any, *browser) {
		b := newBrowser(h)
		_, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
		id := resp(m)["id"].(string)
		st, m := b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
		return st, m, b
	}
	h.bapi("POST", "/v1/users/user_demo_alice/password/set_compromised", map[string]any{}, nil)
	st, m, b := attempt()
	b.wantErr(422, "form_password_compromised", "password", st, m)
	if st, m, _ := attempt(); st != 422 {
		t.Fatalf("second attempt: %d %v", st, m)
	}
	// A new password clears the mark.
	h.bapi("PATCH", "/v1/users/user_demo_alice", map[string]any{"password": "alice-password"}, nil)
	if st, m, _ := attempt(); st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("after a password change: %d %v", st, m)
	}
}

// Profile images: the upload is validated, stored, served, replaced and
// removed with the user.
func TestProfileImageUploadAndLimits(t *testing.T) {
	h := start(t, Options{})
	var u map[string]any
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"img@example.com"}}, &u)
	path := "/v1/users/" + u["id"].(string) + "/profile_image"
	auth := "Bearer " + h.inst.SecretKey

	if st, body := h.rawBAPI("POST", path, auth, `{"file":"x"}`); st != 400 || !strings.Contains(string(body), `"param_name":"file"`) {
		t.Errorf("JSON body: %d %s", st, body)
	}
	ct, empty := logoBody(t, nil)
	if st, _ := h.rawBAPIType("POST", path, auth, ct, string(empty)); st != 400 {
		t.Errorf("no file: %d", st)
	}
	ct, big := logoBody(t, append(testPNG(t), make([]byte, maxLogo)...))
	if st, _ := h.rawBAPIType("POST", path, auth, ct, string(big)); st != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized image: %d", st)
	}
	ct, raw := logoBody(t, testPNG(t))
	body := string(raw)
	st, got := h.rawBAPIType("POST", path, auth, ct, body)
	if st != 200 {
		t.Fatalf("upload: %d %s", st, got)
	}
	var first struct {
		ImageURL string `json:"image_url"`
		HasImage bool   `json:"has_image"`
	}
	json.Unmarshal(got, &first)
	resp, err := http.Get(first.ImageURL)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("serve: %v %v", resp, err)
	}
	resp.Body.Close()
	// A second upload replaces the first, which is no longer served.
	h.rawBAPIType("POST", path, auth, ct, body)
	if resp, _ := http.Get(first.ImageURL); resp.StatusCode != 404 {
		t.Errorf("replaced image still served: %d", resp.StatusCode)
	}
	h.bapi("DELETE", "/v1/users/"+u["id"].(string), nil, nil)
	var n int
	h.inst.store.view(t.Context(), func(tx *txn) error {
		imgs, err := all[storedImage](tx, kindImage)
		n = len(imgs)
		return err
	})
	if n != 0 {
		t.Errorf("%d images left after the user was deleted", n)
	}
}

// Parallel credit adjustments lose nothing: every increase lands once,
// a repeated idempotency key is applied once, and the balance is their sum.
func TestCreditAdjustmentsAreTransactional(t *testing.T) {
	h := start(t, Options{})
	var u map[string]any
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"payer@example.com"}}, &u)
	path := "/v1/users/" + u["id"].(string) + "/billing/credits"
	const n = 20
	errs := make(chan int, 2*n)
	for i := range n {
		for range 2 { // each key twice
			go func() {
				errs <- h.bapi("POST", path, map[string]any{"amount": 100, "action": "increase", "idempotency_key": fmt.Sprint("k", i)}, nil)
			}()
		}
	}
	for range 2 * n {
		if st := <-errs; st != 200 {
			t.Errorf("adjust: %d", st)
		}
	}
	var bal struct {
		Balance struct{ Amount int64 } `json:"balance"`
	}
	h.bapi("GET", path, nil, &bal)
	if bal.Balance.Amount != n*100 {
		t.Fatalf("balance %d, want %d", bal.Balance.Amount, n*100)
	}
	// A refused decrease changes nothing.
	if st := h.bapi("POST", path, map[string]any{"amount": n*100 + 1, "action": "decrease", "idempotency_key": "too-much"}, nil); st != 422 {
		t.Fatalf("overdraw: %d", st)
	}
	h.bapi("GET", path, nil, &bal)
	if bal.Balance.Amount != n*100 {
		t.Fatalf("balance after a refused decrease %d", bal.Balance.Amount)
	}
	// Deleting the user deletes its credits and ledger.
	h.bapi("DELETE", "/v1/users/"+u["id"].(string), nil, nil)
	h.inst.store.view(t.Context(), func(tx *txn) error {
		entries, _ := all[creditLedgerEntry](tx, kindCreditLedger)
		balances, _ := all[creditBalance](tx, kindCreditBalance)
		if len(entries)+len(balances) != 0 {
			t.Errorf("%d ledger entries and %d balances left after the user was deleted", len(entries), len(balances))
		}
		return nil
	})
}

// The refresh flow: an expired token and the handshake's refresh token
// give a new token; the wrong session, a forged token, a foreign origin
// or a revoked session get 401.
func TestRefreshSession(t *testing.T) {
	h := start(t, Options{Seed: true, RefreshCookie: true})
	sid, jwt, refresh := refreshableSession(t, h, "alice@example.com", "alice-password")
	h.clock.Advance(10 * time.Minute) // the token has long expired
	body := func(tok, rt, origin string) map[string]any {
		return map[string]any{"expired_token": tok, "refresh_token": rt, "request_origin": origin}
	}
	var out struct {
		Object string `json:"object"`
		JWT    string `json:"jwt"`
	}
	if st := h.bapi("POST", "/v1/sessions/"+sid+"/refresh", body(jwt, refresh, "http://localhost:3000"), &out); st != 200 || out.Object != "token" {
		t.Fatalf("refresh: %d %+v", st, out)
	}
	_, claims := h.verifyJWT(out.JWT)
	if claims["sid"] != sid || int64(claims["iat"].(float64)) != h.clock.Now().Unix() {
		t.Fatalf("new token %v", claims)
	}
	forged := jwt[:strings.LastIndexByte(jwt, '.')] + ".AAAA"
	other, _, _ := refreshableSession(t, h, "alice@example.com", "alice-password")
	for name, tc := range map[string]struct {
		sid  string
		body map[string]any
		code string
	}{
		"forged token":   {sid, body(forged, refresh, "http://localhost:3000"), "expired_token_invalid"},
		"other session":  {other, body(jwt, refresh, "http://localhost:3000"), "expired_token_invalid"},
		"foreign origin": {sid, body(jwt, refresh, "https://evil.example"), "request_origin_invalid"},
	} {
		var e struct {
			Errors []struct{ Code string } `json:"errors"`
		}
		if st := h.bapi("POST", "/v1/sessions/"+tc.sid+"/refresh", tc.body, &e); st != 401 || len(e.Errors) != 1 || e.Errors[0].Code != tc.code {
			t.Errorf("%s: %d %+v", name, st, e)
		}
	}
	h.bapi("POST", "/v1/sessions/"+sid+"/revoke", nil, nil)
	var e struct {
		Errors []struct{ Code string } `json:"errors"`
	}
	if st := h.bapi("POST", "/v1/sessions/"+sid+"/refresh", body(jwt, refresh, "http://localhost:3000"), &e); st != 401 || e.Errors[0].Code != "session_not_active" {
		t.Errorf("revoked session: %d %+v", st, e)
	}
}

// Organization settings take effect: new organizations get the default
// membership limit and admin-delete setting, their creator the creator
// role, and clerk-js sees them in the environment.
func TestOrganizationSettingsTakeEffect(t *testing.T) {
	h := start(t, Options{Seed: true})
	var roles struct {
		Data []map[string]any `json:"data"`
	}
	h.bapi("GET", "/v1/organization_roles", nil, &roles)
	var memberRoleID string
	for _, r := range roles.Data {
		if r["key"] == "org:member" {
			memberRoleID = r["id"].(string)
		}
	}
	if memberRoleID == "" {
		t.Fatalf("no org:member role in %v", roles)
	}
	if st := h.bapi("PATCH", "/v1/instance/organization_settings", map[string]any{"max_allowed_memberships": 1, "admin_delete_enabled": false,
		"creator_role_id": memberRoleID}, nil); st != 200 {
		t.Fatal(st)
	}
	var o map[string]any
	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Limited", "created_by": "user_demo_alice"}, &o)
	if o["max_allowed_memberships"] != float64(1) || o["admin_delete_enabled"] != false {
		t.Errorf("new organization %v", o)
	}
	var ms struct {
		Data []map[string]any `json:"data"`
	}
	h.bapi("GET", "/v1/organizations/"+o["id"].(string)+"/memberships", nil, &ms)
	if len(ms.Data) != 1 || ms.Data[0]["role"] != "org:member" {
		t.Errorf("creator membership %v", ms.Data)
	}
	var e struct {
		Errors []struct{ Code string } `json:"errors"`
	}
	if st := h.bapi("POST", "/v1/organizations/"+o["id"].(string)+"/memberships", map[string]any{"user_id": "user_demo_bob", "role": "org:member"}, &e); st != 403 {
		t.Errorf("second member past the limit: %d %v", st, e)
	}
	resp, err := http.Get(h.inst.FrontendAPIURL + "/v1/environment")
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Org map[string]any `json:"organization_settings"`
	}
	json.NewDecoder(resp.Body).Decode(&env)
	resp.Body.Close()
	if env.Org["max_allowed_memberships"] != float64(1) || env.Org["creator_role"] != "org:member" {
		t.Errorf("environment organization_settings %v", env.Org)
	}
}

// Preparing a verification of an ordinary address sends its code in an
// email.created webhook, as Clerk does when it does not deliver e-mail.
func TestPrepareEmailVerificationEmitsEmailCreated(t *testing.T) {
	h := start(t, Options{})
	var events []webhookEvent
	h.inst.store.onCommit = func(evs []webhookEvent) { events = append(events, evs...) }
	var u map[string]any
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"code@example.com"}}, &u)
	id := u["email_addresses"].([]any)[0].(map[string]any)["id"].(string)
	var v map[string]any
	h.bapi("POST", "/v1/email_addresses/"+id+"/prepare_verification", nil, &v)
	var code string
	for _, e := range events {
		if e.Type == "email.created" {
			var d map[string]any
			b, _ := json.Marshal(e.Data)
			mustJSON(t, b, &d)
			if d["to_email_address"] != "code@example.com" || d["email_address_id"] != id {
				t.Errorf("email.created %v", d)
			}
			code = d["data"].(map[string]any)["otp_code"].(string)
		}
	}
	if len(code) != 6 {
		t.Fatalf("no code in the email.created events %v", events)
	}
	var got map[string]any
	h.bapi("POST", "/v1/email_addresses/"+id+"/attempt_verification", map[string]any{"verification_id": v["id"], "code": code}, &got)
	if got["status"] != "verified" {
		t.Fatalf("%v", got)
	}
	// Three wrong codes fail a verification; a late code expires it.
	h.bapi("POST", "/v1/email_addresses/"+id+"/prepare_verification", nil, &v)
	for range 3 {
		h.bapi("POST", "/v1/email_addresses/"+id+"/attempt_verification", map[string]any{"verification_id": v["id"], "code": "x"}, &got)
	}
	if got["status"] != "failed" {
		t.Errorf("after three wrong codes: %v", got)
	}
	h.bapi("POST", "/v1/email_addresses/"+id+"/prepare_verification", nil, &v)
	h.clock.Advance(codeTTL)
	h.bapi("POST", "/v1/email_addresses/"+id+"/attempt_verification", map[string]any{"verification_id": v["id"], "code": "x"}, &got)
	if got["status"] != "expired" {
		t.Errorf("late attempt: %v", got)
	}
}

// allowed_origins set through UpdateInstance pass the Frontend API's CORS
// check, non-web schemes included, and survive a restart on the data file.
func TestUpdateInstanceAllowedOriginsReachCORS(t *testing.T) {
	file := t.TempDir() + "/lc.db"
	h := start(t, Options{DataFile: file})
	ext := "chrome-extension://abcdefghijklmnop"
	preflight := func(h *harness) int {
		req, _ := http.NewRequest("OPTIONS", h.inst.FrontendAPIURL+"/v1/environment", nil)
		req.Header.Set("Origin", ext)
		req.Header.Set("Access-Control-Request-Method", "GET")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNoContent && resp.Header.Get("Access-Control-Allow-Origin") != ext {
			t.Errorf("allow-origin %q", resp.Header.Get("Access-Control-Allow-Origin"))
		}
		return resp.StatusCode
	}
	if st := preflight(h); st != http.StatusForbidden {
		t.Fatalf("before: %d", st)
	}
	if st := h.bapi("PATCH", "/v1/instance", map[string]any{"allowed_origins": []string{ext}}, nil); st != http.StatusNoContent {
		t.Fatal(st)
	}
	if st := preflight(h); st != http.StatusNoContent {
		t.Fatalf("after: %d", st)
	}
	h.inst.Close()
	h2 := start(t, Options{DataFile: file})
	if st := preflight(h2); st != http.StatusNoContent {
		t.Fatalf("after a restart: %d", st)
	}
	h2.bapi("PATCH", "/v1/instance", map[string]any{"allowed_origins": []string{}}, nil)
	if st := preflight(h2); st != http.StatusForbidden {
		t.Fatalf("after clearing: %d", st)
	}
}

// An uploaded profile image shows wherever the user's public data does:
// the Frontend API's user and session, and organization memberships.
func TestProfileImageInPublicUserData(t *testing.T) {
	h := start(t, Options{Seed: true})
	ct, raw := logoBody(t, testPNG(t))
	st, got := h.rawBAPIType("POST", "/v1/users/user_demo_alice/profile_image", "Bearer "+h.inst.SecretKey, ct, string(raw))
	if st != 200 {
		t.Fatalf("upload: %d %s", st, got)
	}
	var u struct {
		ImageURL string `json:"image_url"`
	}
	json.Unmarshal(got, &u)
	var ms struct {
		Data []struct {
			PublicUserData struct {
				ImageURL string `json:"image_url"`
				HasImage bool   `json:"has_image"`
			} `json:"public_user_data"`
		} `json:"data"`
	}
	h.bapi("GET", "/v1/users/user_demo_alice/organization_memberships", nil, &ms)
	if len(ms.Data) == 0 || ms.Data[0].PublicUserData.ImageURL != u.ImageURL || !ms.Data[0].PublicUserData.HasImage {
		t.Errorf("membership public_user_data %+v, want %s", ms.Data, u.ImageURL)
	}
	b := newBrowser(h)
	_, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
	_, m = b.call("POST", "/v1/client/sign_ins/"+resp(m)["id"].(string)+"/attempt_first_factor", form("strategy", "password", "password", "alice-password"))
	s := clientOf(m)["sessions"].([]any)[0].(map[string]any)
	if s["user"].(map[string]any)["image_url"] != u.ImageURL || s["public_user_data"].(map[string]any)["image_url"] != u.ImageURL {
		t.Errorf("Frontend API session %v", s)
	}
}

// UpdateInstance test_mode off makes Clerk's test addresses ordinary: the
// Frontend API no longer accepts 424242 for them and the hosted sign-up
// creates the account without a code step; back on, both return.
func TestTestModeOffDisablesTestAddresses(t *testing.T) {
	h := start(t, Options{Seed: true})
	codeSignIn := func() int {
		b := newBrowser(h)
		_, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "carol+clerk_test@example.com"))
		id := resp(m)["id"].(string)
		b.call("POST", "/v1/client/sign_ins/"+id+"/prepare_first_factor", form("strategy", "email_code"))
		st, _ := b.call("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor", form("strategy", "email_code", "code", testVerificationCode))
		return st
	}
	if st := h.bapi("PATCH", "/v1/instance", map[string]any{"test_mode": false}, nil); st != http.StatusNoContent {
		t.Fatal(st)
	}
	if st := codeSignIn(); st != 422 {
		t.Errorf("424242 with test mode off: %d", st)
	}
	if st, _ := hostedSignUp(t, h, "tm1+clerk_test@example.com"); st != http.StatusSeeOther {
		t.Errorf("hosted sign-up with test mode off: %d, want the account made at once", st)
	}
	h.bapi("PATCH", "/v1/instance", map[string]any{"test_mode": true}, nil)
	if st := codeSignIn(); st != 200 {
		t.Errorf("424242 with test mode on: %d", st)
	}
	if st, page := hostedSignUp(t, h, "tm2+clerk_test@example.com"); st != http.StatusOK || !strings.Contains(page, testVerificationCode) {
		t.Errorf("hosted sign-up with test mode on: %d", st)
	}
}
