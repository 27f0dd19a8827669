package localclerk

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzFAPIOrgRequest sends arbitrary query strings and form bodies to the
// organization operations as a signed-in admin (Alice, of Acme): the
// answer is always JSON, and never a 5xx.
func FuzzFAPIOrgRequest(f *testing.F) {
	paths := []string{"/v1/organizations", "/v1/organizations/org_demo_acme", "/v1/organizations/org_demo_acme/memberships",
		"/v1/organizations/org_demo_acme/memberships/user_demo_bob", "/v1/organizations/org_demo_acme/invitations",
		"/v1/organizations/org_demo_acme/invitations/bulk", "/v1/organizations/org_demo_acme/domains",
		"/v1/organizations/org_demo_acme/domains/bulk", "/v1/me/organization_suggestions", "/v1/organizations/org_demo_acme/roles",
		"/v1/me/organization_memberships/org_demo_acme", "/v1/organizations/org_demo_acme/membership_requests"}
	for i, s := range []string{"name=x&slug=y", "name=", "slug=A%20B", "user_id=user_demo_carol&role=org:member", "role=org:nope",
		"email_address=a%40b.co&email_address=c%40d.co&role=org:member", "email_address=%2C%2C&role=org:member",
		"names=acme.test&names=gmail.com&enrollment_mode=x", "name=acme.test&enrollment_mode=enterprise_sso", "%zz", "status=nope&limit=-1&offset=x"} {
		f.Add(uint8(i), "", s)
		f.Add(uint8(i+1), "_method=PATCH", s)
		f.Add(uint8(i+2), "_method=DELETE&role=org:admin&query=a", s)
	}
	inst, err := Start(context.Background(), Options{Seed: true, testKey: sharedTestKey(f)})
	if err != nil {
		f.Fatal(err)
	}
	defer inst.Close()
	handler := inst.Handler()
	link, err := inst.SignInURL(context.Background(), "user_demo_alice", "")
	if err != nil {
		f.Fatal(err)
	}
	u, _ := url.Parse(link)
	send := func(target, body string, cookies []*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Host = strings.TrimPrefix(inst.FrontendAPIURL, "http://")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", testAppOrigin)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec
	}
	signIn := send("/v1/client/sign_ins", url.Values{"strategy": {"ticket"}, "ticket": {u.Query().Get("ticket")}}.Encode(), nil)
	cookies := signIn.Result().Cookies()
	if signIn.Code != 200 || len(cookies) == 0 {
		f.Fatalf("sign in: %d %s", signIn.Code, signIn.Body)
	}
	if rec := send("/v1/organizations/org_demo_acme?_method=PATCH", "name=Acme+Inc", cookies); rec.Code != 200 {
		f.Fatalf("not signed in as Acme's admin: %d %s", rec.Code, rec.Body)
	}
	f.Fuzz(func(t *testing.T, pathIdx uint8, query, body string) {
		target := paths[int(pathIdx)%len(paths)] + "?" + query
		if u, err := url.ParseRequestURI(target); err != nil || u.Fragment != "" || strings.ContainsAny(query, " #") {
			return
		}
		rec := send(target, body, cookies)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("%s %q: %d %s", target, body, rec.Code, rec.Body)
		}
		if rec.Code != http.StatusNoContent && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: %d not JSON: %s", target, body, rec.Code, rec.Body)
		}
	})
}
