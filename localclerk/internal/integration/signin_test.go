package integration

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
)

const tokenLifetime = 30 * time.Second

// flowEnv is localclerk plus an app behind clerk.Middleware, sharing one
// injected clock.
type flowEnv struct {
	clock *fakeClock
	inst  *localclerk.Instance
	app   string
	bapi  *backend.Client
}

func newFlowEnv(t *testing.T) *flowEnv {
	t.Helper()
	clock := newFakeClock()
	inst := startLocalclerk(t, localclerk.Options{TokenLifetime: tokenLifetime, Now: clock.Now})
	app := startApp(t, func(appURL string) clerk.Options {
		return clerk.Options{
			PublishableKey:    inst.PublishableKey,
			SecretKey:         inst.SecretKey,
			JWTKey:            inst.PublicKeyPEM,
			APIURL:            inst.BackendAPIURL,
			AuthorizedParties: []string{appURL},
			OrganizationSyncOptions: &clerk.OrganizationSyncOptions{
				OrganizationPatterns:    []string{"/orgs/:slug", "/orgs/:slug/(.*)", "/org-by-id/:id", "/org-by-id/:id/(.*)"},
				PersonalAccountPatterns: []string{"/me", "/me/(.*)"},
			},
			Now: clock.Now,
		}
	})
	return &flowEnv{clock: clock, inst: inst, app: app, bapi: newBackendClient(t, inst, inst.SecretKey, "")}
}

// expectHandshake checks that the navigation went app → 307 to localclerk's
// handshake (with the given reason) → 307 back to the app with a handshake
// nonce, and returns the handshake URL.
func (e *flowEnv) expectHandshake(t *testing.T, n *navigation, reason string) *url.URL {
	t.Helper()
	hs := n.handshakes(e.inst.FrontendAPIURL)
	if len(hs) != 1 {
		t.Fatalf("want exactly one handshake, got %d; hops:\n  %s", len(hs), n.trace())
	}
	q := hs[0].Query()
	if got := q.Get("__clerk_hs_reason"); got != reason && !strings.HasPrefix(got, reason+"-") {
		t.Errorf("handshake reason %q, want %q; hops:\n  %s", got, reason, n.trace())
	}
	if red := q.Get("redirect_url"); !strings.HasPrefix(red, e.app+"/") {
		t.Errorf("handshake redirect_url %q does not point back to the app %s", red, e.app)
	}
	back := false
	for _, h := range n.hops {
		if h.URL.Host == hs[0].Host && h.URL.Path == "/v1/client/handshake" {
			loc, err := url.Parse(h.Location)
			if h.Status != http.StatusTemporaryRedirect || err != nil {
				t.Fatalf("localclerk answered the handshake with %d %q; hops:\n  %s", h.Status, h.Location, n.trace())
			}
			if !strings.HasPrefix(h.Location, e.app+"/") || loc.Query().Get("__clerk_handshake_nonce") == "" {
				t.Errorf("localclerk's handshake did not return to the app with a nonce: %s", h.Location)
			}
			back = true
		}
	}
	if !back {
		t.Fatalf("the handshake never reached localclerk; hops:\n  %s", n.trace())
	}
	// The app redeems the nonce, sets cookies and redirects to the clean URL.
	last := n.hops[len(n.hops)-2]
	if last.Status != http.StatusTemporaryRedirect || strings.Contains(last.Location, "__clerk_handshake") {
		t.Errorf("the app did not finish the handshake with a redirect to a clean URL: %s", last)
	}
	return hs[0]
}

func noHandshake(t *testing.T, n *navigation) {
	t.Helper()
	if len(n.hops) != 1 {
		t.Fatalf("want a direct answer from the app, got hops:\n  %s", n.trace())
	}
}

// TestSignInFlow drives the whole development sign-in with plain HTTP:
// first visit, hosted sign-in with e-mail and password, organization sync,
// token expiry and refresh, sign-out.
func TestSignInFlow(t *testing.T) {
	e := newFlowEnv(t)
	ctx := context.Background()
	fapi := e.inst.FrontendAPIURL

	// A second organization where Alice is only a member, for org sync.
	globex, err := e.bapi.Organizations.Create(ctx, &backend.OrganizationCreateParams{Name: "Globex", Slug: ptr("globex")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.bapi.OrganizationMemberships.Create(ctx, globex.ID, &backend.OrganizationMembershipCreateParams{UserID: "user_demo_alice", Role: "org:member"}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)

	// 1. First visit: no cookies, so the middleware sends the browser to
	// localclerk to get a dev browser; it comes back signed out.
	n := b.open(e.app + "/dashboard")
	e.expectHandshake(t, n, "dev-browser-missing")
	w := n.whoami(t)
	if w.Authenticated || w.Status != clerk.StatusSignedOut || w.Path != "/dashboard" {
		t.Fatalf("first visit: %+v, want signed out on /dashboard", w)
	}
	dvb := b.cookie(e.app, "__clerk_db_jwt")
	if !strings.HasPrefix(dvb, "dvb_") {
		t.Fatalf("after the first handshake the app holds no dev browser cookie (got %q)", dvb)
	}
	if got := b.cookie(e.app, "__client_uat"); got != "0" {
		t.Errorf("signed-out __client_uat = %q, want 0", got)
	}
	// Once the dev browser is known, the next visit needs no handshake.
	n = b.open(e.app + "/dashboard")
	noHandshake(t, n)
	if w := n.whoami(t); w.Authenticated || w.Reason != clerk.ReasonSessionTokenAndUATMissing && w.Reason != "" {
		t.Errorf("second signed-out visit: %+v", w)
	}

	// 2. The hosted sign-in page, then the e-mail + password form. localclerk
	// redirects back with __clerk_db_jwt, the middleware syncs the dev
	// browser with a handshake and ends signed in.
	signInPage := fapi + "/sign-in?" + url.Values{"redirect_url": {e.app + "/dashboard"}, "__clerk_db_jwt": {dvb}}.Encode()
	n = b.open(signInPage)
	if n.resp.StatusCode != http.StatusOK || !strings.Contains(string(n.body), `name="password"`) {
		t.Fatalf("sign-in page: %d\n%.500s", n.resp.StatusCode, n.body)
	}
	// A wrong password stays on the page with an error.
	n = b.submit(fapi+"/sign-in", fapi, url.Values{"email": {"alice@example.com"}, "password": {"wrong"}, "redirect_url": {e.app + "/dashboard"}, "__clerk_db_jwt": {dvb}})
	if n.resp.StatusCode != http.StatusUnprocessableEntity || len(n.hops) != 1 {
		t.Fatalf("wrong password: %d, hops:\n  %s", n.resp.StatusCode, n.trace())
	}
	n = b.submit(fapi+"/sign-in", fapi, url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}, "redirect_url": {e.app + "/dashboard"}, "__clerk_db_jwt": {dvb}})
	if h := n.hops[0]; h.Status != http.StatusSeeOther || !strings.HasPrefix(h.Location, e.app+"/dashboard?") || !strings.Contains(h.Location, "__clerk_db_jwt="+dvb) {
		t.Fatalf("sign-in did not return to the app with the dev browser: %s %s", h, h.Location)
	}
	e.expectHandshake(t, n, "dev-browser-sync")
	w = n.whoami(t)
	if !w.Authenticated || w.UserID != "user_demo_alice" || !strings.HasPrefix(w.SessionID, "sess_") || w.Path != "/dashboard" {
		t.Fatalf("after sign-in: %+v, want user_demo_alice signed in on /dashboard", w)
	}
	// localclerk activates the user's first organization on sign-in.
	if w.OrgID != "org_demo_acme" || w.OrgRole != "org:admin" {
		t.Errorf("after sign-in: org %q as %q, want org_demo_acme as org:admin", w.OrgID, w.OrgRole)
	}
	if w.Azp != e.app {
		t.Errorf("session token azp = %q, want the app origin %q", w.Azp, e.app)
	}
	if w.Expires-w.IssuedAt != int64(tokenLifetime/time.Second) || w.IssuedAt != e.clock.Now().Unix() {
		t.Errorf("token iat=%d exp=%d, want iat=%d and a %s lifetime", w.IssuedAt, w.Expires, e.clock.Now().Unix(), tokenLifetime)
	}
	if b.cookie(e.app, "__session") == "" || b.cookie(e.app, "__client_uat") == "0" {
		t.Errorf("the app did not set __session and a non-zero __client_uat")
	}
	session := w.SessionID
	firstIat := w.IssuedAt

	// Signed in, the next request is answered from the cookies alone.
	n = b.open(e.app + "/dashboard")
	noHandshake(t, n)
	if w := n.whoami(t); w.UserID != "user_demo_alice" || w.SessionID != session {
		t.Fatalf("cookie-only request: %+v", w)
	}

	// 3. Organization sync: /org-by-id/<globex id> activates Globex (member),
	// /orgs/acme switches back to Acme (admin). The URL names the
	// organization by id (/org-by-id/:id) or by slug (/orgs/:slug).
	for _, tc := range []struct {
		path, key, slug, id, role string
		perms                     []string
		billing                   bool
	}{
		{"/org-by-id/", globex.ID, "globex", globex.ID, "org:member", []string{"org:billing:read", "org:reports:read"}, false},
		{"/orgs/", "acme", "acme", "org_demo_acme", "org:admin", []string{"org:billing:manage", "org:billing:read", "org:reports:read"}, true},
	} {
		n = b.open(e.app + tc.path + tc.key + "/settings")
		hs := e.expectHandshake(t, n, "active-organization-mismatch")
		if got := hs.Query().Get("organization_id"); got != tc.key {
			t.Errorf("org handshake organization_id = %q, want %q", got, tc.key)
		}
		w = n.whoami(t)
		if w.UserID != "user_demo_alice" || w.SessionID != session || w.OrgID != tc.id || w.OrgSlug != tc.slug || w.OrgRole != tc.role {
			t.Fatalf("%s%s: %+v, want org %s (%s) as %s", tc.path, tc.key, w, tc.id, tc.slug, tc.role)
		}
		for _, p := range tc.perms {
			if !slices.Contains(w.OrgPermissions, p) {
				t.Errorf("%s%s: permissions %v lack %s", tc.path, tc.key, w.OrgPermissions, p)
			}
		}
		if w.CanManageBill != tc.billing {
			t.Errorf("%s%s: Has(org:billing:manage) = %v, want %v (permissions %v)", tc.path, tc.key, w.CanManageBill, tc.billing, w.OrgPermissions)
		}
		// Staying in the same organization needs no further handshake.
		n = b.open(e.app + tc.path + tc.key)
		noHandshake(t, n)
		if w := n.whoami(t); w.OrgID != tc.id {
			t.Errorf("second visit to %s%s: org %q", tc.path, tc.key, w.OrgID)
		}
	}
	// The personal account pattern deactivates the organization.
	n = b.open(e.app + "/me")
	e.expectHandshake(t, n, "active-organization-mismatch")
	if w := n.whoami(t); w.UserID != "user_demo_alice" || w.OrgID != "" || w.OrgRole != "" {
		t.Errorf("/me: %+v, want the personal account", w)
	}

	// 4. Token expiry. Past the token lifetime a script's request (not a
	// document) is signed out, as it cannot follow a handshake; the next
	// document request is refreshed by a handshake and stays signed in
	// with a new token for the same session.
	e.clock.Advance(tokenLifetime + 15*time.Second)
	n = b.fetch(e.app + "/dashboard")
	noHandshake(t, n)
	if w := n.whoami(t); w.Authenticated || w.Reason.Base() != clerk.ReasonSessionTokenExpired {
		t.Errorf("fetch with an expired token: %+v, want signed out (session-token-expired)", w)
	}
	n = b.open(e.app + "/dashboard")
	e.expectHandshake(t, n, "session-token-expired")
	w = n.whoami(t)
	if !w.Authenticated || w.UserID != "user_demo_alice" || w.SessionID != session {
		t.Fatalf("after the refresh handshake: %+v, want the same session of user_demo_alice", w)
	}
	if w.IssuedAt != e.clock.Now().Unix() || w.IssuedAt <= firstIat {
		t.Errorf("refreshed token iat = %d, want the advanced clock %d (first token iat %d)", w.IssuedAt, e.clock.Now().Unix(), firstIat)
	}
	n = b.open(e.app + "/dashboard")
	noHandshake(t, n)
	if w := n.whoami(t); w.UserID != "user_demo_alice" {
		t.Errorf("after refresh, cookie-only request: %+v", w)
	}

	// 5. Sign out on localclerk's hosted page; it returns to the app with
	// the dev browser, and the sync handshake clears the session cookie.
	n = b.open(fapi + "/sign-out?" + url.Values{"redirect_url": {e.app + "/dashboard"}, "__clerk_db_jwt": {dvb}}.Encode())
	if n.resp.StatusCode != http.StatusOK || !strings.Contains(string(n.body), `action="/sign-out"`) {
		t.Fatalf("sign-out page: %d\n%.500s", n.resp.StatusCode, n.body)
	}
	n = b.submit(fapi+"/sign-out", fapi, url.Values{"redirect_url": {e.app + "/dashboard"}, "__clerk_db_jwt": {dvb}})
	e.expectHandshake(t, n, "dev-browser-sync")
	w = n.whoami(t)
	if w.Authenticated || w.UserID != "" || w.Status != clerk.StatusSignedOut {
		t.Fatalf("after sign-out: %+v, want signed out", w)
	}
	if got := b.cookie(e.app, "__session"); got != "" {
		t.Errorf("__session cookie still set after sign-out: %.20s…", got)
	}
	n = b.open(e.app + "/dashboard")
	noHandshake(t, n)
	if w := n.whoami(t); w.Authenticated {
		t.Errorf("after sign-out, cookie-only request: %+v", w)
	}
	s, err := e.bapi.Sessions.Get(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != "ended" {
		t.Errorf("Backend API session status after sign-out = %q, want ended", s.Status)
	}
}

// TestSessionRevokedByBackendAPI signs in with a demo-user button, revokes
// the session through the Backend API and checks the app: the issued token
// stays valid until it expires (tokens are stateless), then the refresh
// handshake finds the session revoked and signs the browser out.
func TestSessionRevokedByBackendAPI(t *testing.T) {
	e := newFlowEnv(t)
	ctx := context.Background()
	fapi := e.inst.FrontendAPIURL
	b := newBrowser(t)

	b.open(e.app + "/")
	dvb := b.cookie(e.app, "__clerk_db_jwt")
	n := b.submit(fapi+"/sign-in/demo", fapi, url.Values{"user_id": {"user_demo_bob"}, "redirect_url": {e.app + "/"}, "__clerk_db_jwt": {dvb}})
	e.expectHandshake(t, n, "dev-browser-sync")
	w := n.whoami(t)
	if w.UserID != "user_demo_bob" || w.OrgID != "org_demo_acme" || w.OrgRole != "org:member" || w.CanManageBill {
		t.Fatalf("demo sign-in: %+v, want user_demo_bob, member of Acme without billing:manage", w)
	}

	if _, err := e.bapi.Sessions.Revoke(ctx, w.SessionID); err != nil {
		t.Fatal(err)
	}
	n = b.open(e.app + "/")
	noHandshake(t, n)
	if w := n.whoami(t); w.UserID != "user_demo_bob" {
		t.Errorf("before expiry the issued token still verifies: %+v", w)
	}

	e.clock.Advance(tokenLifetime + 10*time.Second)
	n = b.open(e.app + "/")
	e.expectHandshake(t, n, "session-token-expired")
	if w := n.whoami(t); w.Authenticated || w.UserID != "" {
		t.Fatalf("after revocation and expiry: %+v, want signed out", w)
	}
	if got := b.cookie(e.app, "__client_uat"); got != "0" {
		t.Errorf("__client_uat after the session was revoked = %q, want 0", got)
	}
	n = b.open(e.app + "/")
	noHandshake(t, n)
	if w := n.whoami(t); w.Authenticated {
		t.Errorf("signed-out cookies: %+v", w)
	}
}

func ptr[T any](v T) *T { return &v }

// TestDeletedAndBannedUsersAreSignedOut: Clerk ends a user's sessions when
// the user is deleted or banned, so the next refresh handshake signs the
// browser out.
func TestDeletedAndBannedUsersAreSignedOut(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action func(ctx context.Context, c *backend.Client, id string) error
	}{
		{"deleted", func(ctx context.Context, c *backend.Client, id string) error {
			_, err := c.Users.Delete(ctx, id)
			return err
		}},
		{"banned", func(ctx context.Context, c *backend.Client, id string) error {
			_, err := c.Users.Ban(ctx, id)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFlowEnv(t)
			ctx := context.Background()
			fapi := e.inst.FrontendAPIURL
			u, err := e.bapi.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"erin@example.com"}, Password: ptr("erin-password-7")})
			if err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t)
			b.open(e.app + "/")
			dvb := b.cookie(e.app, "__clerk_db_jwt")
			n := b.submit(fapi+"/sign-in", fapi, url.Values{"email": {"erin@example.com"}, "password": {"erin-password-7"}, "redirect_url": {e.app + "/"}, "__clerk_db_jwt": {dvb}})
			if w := n.whoami(t); w.UserID != u.ID {
				t.Fatalf("sign-in: %+v, want %s", w, u.ID)
			}
			if err := tc.action(ctx, e.bapi, u.ID); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(tokenLifetime + 10*time.Second)
			n = b.open(e.app + "/")
			e.expectHandshake(t, n, "session-token-expired")
			if w := n.whoami(t); w.Authenticated || w.UserID != "" {
				t.Errorf("after the user was %s: %+v, want signed out", tc.name, w)
			}
			// Signing in again is refused.
			n = b.submit(fapi+"/sign-in", fapi, url.Values{"email": {"erin@example.com"}, "password": {"erin-password-7"}, "redirect_url": {e.app + "/"}, "__clerk_db_jwt": {dvb}})
			if n.resp.StatusCode < 400 || len(n.hops) != 1 {
				t.Errorf("a %s user signed in again: %d\n  %s", tc.name, n.resp.StatusCode, n.trace())
			}
		})
	}
}

// TestMembershipChangesReachTheToken: a role change or a removal made with
// the Backend API shows up in the session token after the next refresh.
func TestMembershipChangesReachTheToken(t *testing.T) {
	e := newFlowEnv(t)
	ctx := context.Background()
	fapi := e.inst.FrontendAPIURL
	globex, err := e.bapi.Organizations.Create(ctx, &backend.OrganizationCreateParams{Name: "Globex", Slug: ptr("globex")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.bapi.OrganizationMemberships.Create(ctx, globex.ID, &backend.OrganizationMembershipCreateParams{UserID: "user_demo_bob", Role: "org:member"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.open(e.app + "/")
	dvb := b.cookie(e.app, "__clerk_db_jwt")
	b.submit(fapi+"/sign-in", fapi, url.Values{"email": {"bob@example.com"}, "password": {"bob-password"}, "redirect_url": {e.app + "/"}, "__clerk_db_jwt": {dvb}})
	n := b.open(e.app + "/orgs/globex")
	if w := n.whoami(t); w.OrgID != globex.ID || w.OrgRole != "org:member" || w.CanManageBill {
		t.Fatalf("bob in globex: %+v", w)
	}

	if _, err := e.bapi.OrganizationMemberships.Update(ctx, globex.ID, "user_demo_bob", &backend.OrganizationMembershipUpdateParams{Role: "org:admin"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(tokenLifetime + 5*time.Second + time.Second)
	n = b.open(e.app + "/orgs/globex")
	e.expectHandshake(t, n, "session-token-expired")
	if w := n.whoami(t); w.OrgID != globex.ID || w.OrgRole != "org:admin" || !w.CanManageBill {
		t.Errorf("after promotion and refresh: %+v, want org:admin with org:billing:manage", w)
	}

	if _, err := e.bapi.OrganizationMemberships.Delete(ctx, globex.ID, "user_demo_bob"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(tokenLifetime + 6*time.Second)
	n = b.open(e.app + "/dashboard")
	e.expectHandshake(t, n, "session-token-expired")
	if w := n.whoami(t); w.UserID != "user_demo_bob" || w.OrgID == globex.ID || w.OrgRole == "org:admin" {
		t.Errorf("after removal from %s and refresh: %+v, want bob signed in without that organization", globex.ID, w)
	}
}

// TestHandshakeTokenFormat: localclerk also answers format=token, with the
// cookie directives in a signed JWT (__clerk_handshake) that the middleware
// verifies with the instance's key instead of redeeming a nonce.
func TestHandshakeTokenFormat(t *testing.T) {
	e := newFlowEnv(t)
	fapi := e.inst.FrontendAPIURL
	b := newBrowser(t)
	b.open(e.app + "/")
	dvb := b.cookie(e.app, "__clerk_db_jwt")
	n := b.submit(fapi+"/sign-in/demo", fapi, url.Values{"user_id": {"user_demo_alice"}, "redirect_url": {e.app + "/"}, "__clerk_db_jwt": {dvb}})
	if w := n.whoami(t); w.UserID != "user_demo_alice" {
		t.Fatalf("sign-in: %+v", w)
	}
	e.clock.Advance(tokenLifetime + 10*time.Second)

	status, loc := b.step(e.app + "/dashboard")
	if status != http.StatusTemporaryRedirect || !strings.HasPrefix(loc, fapi+"/v1/client/handshake?") {
		t.Fatalf("expired token: %d %s, want a handshake redirect", status, loc)
	}
	hs, _ := url.Parse(loc)
	q := hs.Query()
	q.Set("format", "token")
	hs.RawQuery = q.Encode()
	n = b.open(hs.String())
	back, err := url.Parse(n.hops[0].Location)
	if err != nil || n.hops[0].Status != http.StatusTemporaryRedirect || back.Query().Get("__clerk_handshake") == "" || back.Query().Get("__clerk_handshake_nonce") != "" {
		t.Fatalf("format=token handshake answered %d %s, want a redirect carrying __clerk_handshake", n.hops[0].Status, n.hops[0].Location)
	}
	w := n.whoami(t)
	if w.UserID != "user_demo_alice" || w.IssuedAt != e.clock.Now().Unix() {
		t.Errorf("after the token-format handshake: %+v, want alice with a token issued now (%d)", w, e.clock.Now().Unix())
	}
}
