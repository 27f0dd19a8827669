package integration

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
)

// bapiEnv is a seeded localclerk with a Backend API client and an app
// behind clerk.Middleware for verifying machine tokens; both use clock.
type bapiEnv struct {
	inst *localclerk.Instance
	c    *backend.Client
	app  string
}

func newBAPIEnv(t *testing.T, clock *fakeClock) *bapiEnv {
	t.Helper()
	inst := startLocalclerk(t, localclerk.Options{Now: clock.Now})
	app := startApp(t, func(string) clerk.Options {
		return clerk.Options{PublishableKey: inst.PublishableKey, SecretKey: inst.SecretKey, JWTKey: inst.PublicKeyPEM, APIURL: inst.BackendAPIURL, Now: clock.Now}
	})
	return &bapiEnv{inst: inst, c: newBackendClient(t, inst, inst.SecretKey, ""), app: app}
}

// bearer calls the app with Authorization: Bearer token, accepting the
// given token type in GetAuth.
func (e *bapiEnv) bearer(t *testing.T, token string, accept clerk.TokenType) whoami {
	t.Helper()
	b := newBrowser(t)
	req, err := http.NewRequest(http.MethodGet, e.app+"/api/whoami?accept="+string(accept), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	n := b.do(req, false)
	if len(n.hops) != 1 {
		t.Fatalf("a Bearer request was redirected:\n  %s", n.trace())
	}
	return n.whoami(t)
}

// apiError asserts that err is a *backend.APIError with the status and
// Clerk error code.
func apiError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var ae *backend.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: error %v (%T), want *backend.APIError %d", what, err, err, status)
		return
	}
	if ae.StatusCode != status {
		t.Errorf("%s: status %d, want %d (%s)", what, ae.StatusCode, status, ae.Body)
	}
	if code != "" && !ae.HasCode(code) {
		t.Errorf("%s: codes %v, want %s (%s)", what, ae.Errors, code, ae.Body)
	}
	if len(ae.Errors) == 0 || ae.Errors[0].Code == "" || ae.Errors[0].Message == "" {
		t.Errorf("%s: no Clerk error entry with code and message: %s", what, ae.Body)
	}
}

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}

func userIDs(us []backend.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

func TestBackendUsers(t *testing.T) {
	clock := newFakeClock()
	e := newBAPIEnv(t, clock)
	ctx := context.Background()

	before, err := e.c.Users.Count(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if before.TotalCount != 3 || before.Object != "total_count" {
		t.Fatalf("seeded user count: %+v, want 3", before)
	}
	clock.Advance(time.Minute) // the new user is the newest

	u, err := e.c.Users.Create(ctx, &backend.UserCreateParams{
		EmailAddress:   []string{"dora@example.com"},
		Password:       ptr("dora-explores-42"),
		FirstName:      ptr("Dora"),
		LastName:       ptr("Explorer"),
		Username:       ptr("dora"),
		ExternalID:     ptr("ext-dora"),
		PublicMetadata: map[string]any{"tier": "gold"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.ID, "user_") || u.Object != "user" || len(u.EmailAddresses) != 1 ||
		u.EmailAddresses[0].EmailAddress != "dora@example.com" || deref(u.PrimaryEmailAddressID) != u.EmailAddresses[0].ID ||
		deref(u.FirstName) != "Dora" || deref(u.LastName) != "Explorer" || deref(u.Username) != "dora" ||
		deref(u.ExternalID) != "ext-dora" || !u.PasswordEnabled || u.PublicMetadata["tier"] != "gold" || u.CreatedAt == 0 {
		t.Fatalf("created user: %+v", u)
	}

	got, err := e.c.Users.Get(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || got.EmailAddresses[0].EmailAddress != "dora@example.com" || deref(got.Username) != "dora" || got.PublicMetadata["tier"] != "gold" {
		t.Errorf("get user: %+v", got)
	}

	// A taken e-mail address is a 422 with Clerk's code.
	_, err = e.c.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"dora@example.com"}, Password: ptr("another-password-1")})
	apiError(t, "duplicate e-mail", err, http.StatusUnprocessableEntity, "form_identifier_exists")

	for _, tc := range []struct {
		name   string
		params backend.UserListParams
		want   []string
	}{
		{"email_address", backend.UserListParams{EmailAddress: []string{"dora@example.com"}}, []string{u.ID}},
		{"external_id", backend.UserListParams{ExternalID: []string{"ext-dora"}}, []string{u.ID}},
		{"username", backend.UserListParams{Username: []string{"alice", "bob"}, OrderBy: "+created_at"}, []string{"user_demo_alice", "user_demo_bob"}},
		{"user_id", backend.UserListParams{UserID: []string{u.ID, "user_demo_carol"}, OrderBy: "-created_at"}, []string{u.ID, "user_demo_carol"}},
		{"organization_id", backend.UserListParams{OrganizationID: []string{"org_demo_acme"}, OrderBy: "+created_at"}, []string{"user_demo_alice", "user_demo_bob"}},
		{"query", backend.UserListParams{Query: "explorer"}, []string{u.ID}},
		{"limit+offset", backend.UserListParams{OrderBy: "+created_at", Limit: ptr[int64](2), Offset: ptr[int64](1)}, []string{"user_demo_bob", "user_demo_carol"}},
		{"newest first", backend.UserListParams{OrderBy: "-created_at", Limit: ptr[int64](1)}, []string{u.ID}},
		{"no match", backend.UserListParams{EmailAddress: []string{"nobody@example.com"}}, nil},
	} {
		list, err := e.c.Users.List(ctx, &tc.params)
		if err != nil {
			t.Errorf("list %s: %v", tc.name, err)
			continue
		}
		if ids := userIDs(list.Data); !slices.Equal(ids, tc.want) {
			t.Errorf("list %s: %v, want %v", tc.name, ids, tc.want)
		}
	}
	var all []string
	for u, err := range e.c.Users.ListAll(ctx, &backend.UserListParams{OrderBy: "+created_at", Limit: ptr[int64](1)}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, u.ID)
	}
	if want := []string{"user_demo_alice", "user_demo_bob", "user_demo_carol", u.ID}; !slices.Equal(all, want) {
		t.Errorf("ListAll one per page: %v, want %v", all, want)
	}
	n, err := e.c.Users.Count(ctx, &backend.UserCountParams{Query: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if n.TotalCount != 4 {
		t.Errorf("count query=example.com: %d, want 4", n.TotalCount)
	}
	n, err = e.c.Users.Count(ctx, &backend.UserCountParams{EmailAddress: []string{"dora@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if n.TotalCount != 1 {
		t.Errorf("count email_address=dora: %d, want 1", n.TotalCount)
	}

	clock.Advance(time.Second)
	up, err := e.c.Users.Update(ctx, u.ID, &backend.UserUpdateParams{FirstName: ptr("Dorothy"), Username: ptr("dorothy")})
	if err != nil {
		t.Fatal(err)
	}
	if deref(up.FirstName) != "Dorothy" || deref(up.Username) != "dorothy" || deref(up.LastName) != "Explorer" || up.UpdatedAt <= u.UpdatedAt {
		t.Errorf("updated user: first=%q username=%q last=%q", deref(up.FirstName), deref(up.Username), deref(up.LastName))
	}
	got, err = e.c.Users.Get(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if deref(got.FirstName) != "Dorothy" {
		t.Errorf("update not persisted: %q", deref(got.FirstName))
	}
	_, err = e.c.Users.Update(ctx, u.ID, &backend.UserUpdateParams{Username: ptr("alice")})
	apiError(t, "update to a taken username", err, http.StatusUnprocessableEntity, "form_identifier_exists")

	del, err := e.c.Users.Delete(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !del.Deleted || del.ID != u.ID || del.Object != "user" {
		t.Errorf("delete: %+v", del)
	}
	_, err = e.c.Users.Get(ctx, u.ID)
	apiError(t, "get deleted user", err, http.StatusNotFound, "resource_not_found")
	after, err := e.c.Users.Count(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after.TotalCount != before.TotalCount {
		t.Errorf("count after delete: %d, want %d", after.TotalCount, before.TotalCount)
	}
}

func TestBackendOrganizationsAndMemberships(t *testing.T) {
	clock := newFakeClock()
	e := newBAPIEnv(t, clock)
	ctx := context.Background()
	clock.Advance(time.Minute) // Globex is newer than the seeded Acme

	org, err := e.c.Organizations.Create(ctx, &backend.OrganizationCreateParams{
		Name: "Globex", Slug: ptr("globex"), CreatedBy: ptr("user_demo_alice"), PublicMetadata: map[string]any{"region": "eu"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(org.ID, "org_") || org.Object != "organization" || org.Name != "Globex" || org.Slug != "globex" ||
		org.CreatedBy != "user_demo_alice" || org.PublicMetadata["region"] != "eu" {
		t.Fatalf("created organization: %+v", org)
	}
	for _, key := range []string{org.ID, "globex"} {
		got, err := e.c.Organizations.Get(ctx, key, &backend.OrganizationGetParams{IncludeMembersCount: ptr(true)})
		if err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		if got.ID != org.ID || got.Slug != "globex" || got.MembersCount != 1 {
			t.Errorf("get %s: id=%s slug=%s members=%d, want %s, globex and the creator as its one member", key, got.ID, got.Slug, got.MembersCount, org.ID)
		}
	}
	_, err = e.c.Organizations.Create(ctx, &backend.OrganizationCreateParams{Name: "Globex again", Slug: ptr("globex")})
	if err == nil {
		t.Errorf("a second organization with slug globex was created")
	}

	list, err := e.c.Organizations.List(ctx, &backend.OrganizationListParams{Query: "glob"})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 1 || len(list.Data) != 1 || list.Data[0].ID != org.ID {
		t.Errorf("list query=glob: %+v", list)
	}
	list, err = e.c.Organizations.List(ctx, &backend.OrganizationListParams{OrderBy: "+created_at"})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 2 || len(list.Data) != 2 || list.Data[0].ID != "org_demo_acme" || list.Data[1].ID != org.ID {
		t.Errorf("list all: total=%d %+v", list.TotalCount, list.Data)
	}

	upd, err := e.c.Organizations.Update(ctx, org.ID, &backend.OrganizationUpdateParams{Name: ptr("Globex Corporation"), MaxAllowedMemberships: ptr[int64](10)})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Name != "Globex Corporation" || upd.Slug != "globex" || upd.MaxAllowedMemberships != 10 {
		t.Errorf("updated organization: %+v", upd)
	}

	// Memberships with roles and the permissions those roles carry.
	mems, err := e.c.OrganizationMemberships.List(ctx, org.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mems.TotalCount != 1 || mems.Data[0].Role != "org:admin" || mems.Data[0].PublicUserData == nil || mems.Data[0].PublicUserData.UserID != "user_demo_alice" {
		t.Fatalf("memberships after create with created_by: %+v", mems)
	}
	m, err := e.c.OrganizationMemberships.Create(ctx, org.ID, &backend.OrganizationMembershipCreateParams{UserID: "user_demo_bob", Role: "org:member"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Role != "org:member" || m.Organization == nil || m.Organization.ID != org.ID || m.PublicUserData == nil || m.PublicUserData.UserID != "user_demo_bob" ||
		!slices.Contains(m.Permissions, "org:billing:read") || slices.Contains(m.Permissions, "org:billing:manage") {
		t.Errorf("member membership: role=%s permissions=%v", m.Role, m.Permissions)
	}
	_, err = e.c.OrganizationMemberships.Create(ctx, org.ID, &backend.OrganizationMembershipCreateParams{UserID: "user_demo_bob", Role: "org:member"})
	if err == nil {
		t.Errorf("bob became a member of %s twice", org.ID)
	}
	_, err = e.c.OrganizationMemberships.Create(ctx, org.ID, &backend.OrganizationMembershipCreateParams{UserID: "user_demo_carol", Role: "org:emperor"})
	var ae *backend.APIError
	if !errors.As(err, &ae) || ae.StatusCode < 400 || ae.StatusCode >= 500 || len(ae.Errors) == 0 {
		t.Errorf("membership with an unknown role: %v, want a Clerk 4xx error", err)
	}

	m, err = e.c.OrganizationMemberships.Update(ctx, org.ID, "user_demo_bob", &backend.OrganizationMembershipUpdateParams{Role: "org:admin"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Role != "org:admin" || !slices.Contains(m.Permissions, "org:billing:manage") {
		t.Errorf("promoted membership: role=%s permissions=%v", m.Role, m.Permissions)
	}
	admins, err := e.c.OrganizationMemberships.List(ctx, org.ID, &backend.OrganizationMembershipListParams{Role: []string{"org:admin"}})
	if err != nil {
		t.Fatal(err)
	}
	if admins.TotalCount != 2 {
		t.Errorf("admins of %s: %d, want 2", org.ID, admins.TotalCount)
	}
	bobs, err := e.c.Users.ListOrganizationMemberships(ctx, "user_demo_bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	var bobOrgs []string
	for _, m := range bobs.Data {
		if m.Organization != nil {
			bobOrgs = append(bobOrgs, m.Organization.ID+"="+m.Role)
		}
	}
	slices.Sort(bobOrgs)
	want := []string{"org_demo_acme=org:member", org.ID + "=org:admin"}
	slices.Sort(want)
	if !slices.Equal(bobOrgs, want) {
		t.Errorf("bob's memberships: %v, want %v", bobOrgs, want)
	}
	inOrg, err := e.c.Users.List(ctx, &backend.UserListParams{OrganizationID: []string{org.ID}, OrderBy: "+created_at"})
	if err != nil {
		t.Fatal(err)
	}
	if ids := userIDs(inOrg.Data); !slices.Equal(ids, []string{"user_demo_alice", "user_demo_bob"}) {
		t.Errorf("users of %s: %v", org.ID, ids)
	}

	if _, err := e.c.OrganizationMemberships.Delete(ctx, org.ID, "user_demo_bob"); err != nil {
		t.Fatal(err)
	}
	mems, err = e.c.OrganizationMemberships.List(ctx, org.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mems.TotalCount != 1 {
		t.Errorf("members after removing bob: %d, want 1", mems.TotalCount)
	}

	del, err := e.c.Organizations.Delete(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !del.Deleted || del.ID != org.ID {
		t.Errorf("delete organization: %+v", del)
	}
	_, err = e.c.Organizations.Get(ctx, org.ID, nil)
	apiError(t, "get deleted organization", err, http.StatusNotFound, "resource_not_found")
	alices, err := e.c.Users.ListOrganizationMemberships(ctx, "user_demo_alice", nil)
	if err != nil {
		t.Fatal(err)
	}
	if alices.TotalCount != 1 || alices.Data[0].Organization == nil || alices.Data[0].Organization.ID != "org_demo_acme" {
		t.Errorf("alice's memberships after deleting %s: %+v", org.ID, alices.Data)
	}
}

func TestBackendAPIKeys(t *testing.T) {
	e := newBAPIEnv(t, newFakeClock())
	ctx := context.Background()

	k, err := e.c.APIKeys.Create(ctx, &backend.APIKeyCreateParams{
		Name: "ci-key", Subject: "user_demo_bob", Scopes: []string{"read", "write"}, Claims: map[string]any{"team": "blue"},
		Description: ptr("CI pipeline"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.ID, "ak_") || !strings.HasPrefix(k.Secret, "ak_") || k.Object != "api_key" || k.Type != "api_key" ||
		k.Subject != "user_demo_bob" || k.Name != "ci-key" || !slices.Equal(k.Scopes, []string{"read", "write"}) || k.Revoked {
		t.Fatalf("created API key: %+v", k)
	}

	list, err := e.c.APIKeys.List(ctx, &backend.APIKeyListParams{Subject: "user_demo_bob"})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 1 || len(list.Data) != 1 || list.Data[0].ID != k.ID || list.Data[0].Name != "ci-key" {
		t.Errorf("list subject=bob: %+v", list)
	}
	list, err = e.c.APIKeys.List(ctx, &backend.APIKeyListParams{Subject: "user_demo_alice"})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 1 || len(list.Data) != 1 || list.Data[0].ID == k.ID {
		t.Errorf("list subject=alice (the seeded key only): %+v", list)
	}
	sec, err := e.c.APIKeys.GetSecret(ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sec.Secret != k.Secret {
		t.Errorf("GetSecret does not return the created secret")
	}

	// Through the middleware: an accepted API key authenticates its subject.
	w := e.bearer(t, k.Secret, clerk.TokenTypeAPIKey)
	if !w.Authenticated || w.TokenType != "api_key" || w.ID != k.ID || w.Subject != "user_demo_bob" || w.UserID != "user_demo_bob" ||
		w.Name != "ci-key" || !slices.Equal(w.Scopes, []string{"read", "write"}) || w.Claims["team"] != "blue" {
		t.Fatalf("GetAuth(AcceptsToken(APIKey)) with the key: %+v", w)
	}
	// getAuth(req) without acceptsToken accepts session tokens only.
	if w := e.bearer(t, k.Secret, ""); w.Authenticated || w.UserID != "" {
		t.Errorf("GetAuth(r) with an API key: %+v, want not authenticated", w)
	}
	// The seeded key authenticates Alice.
	if w := e.bearer(t, e.inst.Demo.APIKey, clerk.TokenTypeAPIKey); !w.Authenticated || w.UserID != "user_demo_alice" {
		t.Errorf("seeded API key: %+v", w)
	}

	revoked, err := e.c.APIKeys.Revoke(ctx, k.ID, &backend.APIKeyRevokeParams{RevocationReason: ptr("rotated")})
	if err != nil {
		t.Fatal(err)
	}
	if !revoked.Revoked || deref(revoked.RevocationReason) != "rotated" {
		t.Errorf("revoked key: %+v", revoked)
	}
	if w := e.bearer(t, k.Secret, clerk.TokenTypeAPIKey); w.Authenticated || w.UserID != "" || w.TokenType != "api_key" {
		t.Errorf("revoked API key through the middleware: %+v, want unauthenticated api_key", w)
	}
	// Revoked keys leave the default list and stay in include_invalid.
	list, err = e.c.APIKeys.List(ctx, &backend.APIKeyListParams{Subject: "user_demo_bob"})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 0 {
		t.Errorf("list subject=bob after revoking: %+v, want no valid keys", list)
	}
	list, err = e.c.APIKeys.List(ctx, &backend.APIKeyListParams{Subject: "user_demo_bob", IncludeInvalid: "true"})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 1 || !list.Data[0].Revoked {
		t.Errorf("list subject=bob include_invalid=true: %+v, want the revoked key", list)
	}
	_, err = e.c.APIKeys.Verify(ctx, k.Secret)
	var ae *backend.APIError
	if !errors.As(err, &ae) || ae.StatusCode < 400 || ae.StatusCode >= 500 {
		t.Errorf("APIKeys.Verify of a revoked key: %v, want a Clerk 4xx error", err)
	}
	if w := e.bearer(t, "ak_"+strings.Repeat("x", 40), clerk.TokenTypeAPIKey); w.Authenticated {
		t.Errorf("made-up API key authenticated: %+v", w)
	}

	del, err := e.c.APIKeys.Delete(ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !del.Deleted || del.ID != k.ID {
		t.Errorf("delete API key: %+v", del)
	}
	_, err = e.c.APIKeys.Get(ctx, k.ID)
	apiError(t, "get deleted API key", err, http.StatusNotFound, "resource_not_found")
}

// TestMachineTokenExpiry: API keys and M2M tokens stop verifying through
// the middleware once localclerk's (injected) clock passes their expiry.
func TestMachineTokenExpiry(t *testing.T) {
	clock := newFakeClock()
	e := newBAPIEnv(t, clock)
	inst := e.inst
	mc := newBackendClient(t, inst, inst.SecretKey, inst.Demo.MachineSecretKey)
	ctx := context.Background()

	k, err := e.c.APIKeys.Create(ctx, &backend.APIKeyCreateParams{Name: "short", Subject: "user_demo_alice", SecondsUntilExpiration: ptr(60.0)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mc.M2MTokens.Create(ctx, &backend.M2MTokenCreateParams{SecondsUntilExpiration: ptr(60.0)})
	if err != nil {
		t.Fatal(err)
	}
	if w := e.bearer(t, k.Secret, clerk.TokenTypeAPIKey); !w.Authenticated {
		t.Fatalf("fresh API key: %+v", w)
	}
	if w := e.bearer(t, m.Token, clerk.TokenTypeM2MToken); !w.Authenticated {
		t.Fatalf("fresh M2M token: %+v", w)
	}
	clock.Advance(2 * time.Minute)
	if w := e.bearer(t, k.Secret, clerk.TokenTypeAPIKey); w.Authenticated {
		t.Errorf("expired API key authenticated: %+v", w)
	}
	if w := e.bearer(t, m.Token, clerk.TokenTypeM2MToken); w.Authenticated {
		t.Errorf("expired M2M token authenticated: %+v", w)
	}
	got, err := e.c.APIKeys.Get(ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Expired {
		t.Errorf("API key past its expiration: expired=%v", got.Expired)
	}
}

func TestBackendM2MTokens(t *testing.T) {
	e := newBAPIEnv(t, newFakeClock())
	ctx := context.Background()
	machine := e.inst.Demo.MachineID
	mc := newBackendClient(t, e.inst, e.inst.SecretKey, e.inst.Demo.MachineSecretKey)

	tok, err := mc.M2MTokens.Create(ctx, &backend.M2MTokenCreateParams{SecondsUntilExpiration: ptr(300.0), Claims: map[string]any{"job": "nightly"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.ID, "mt_") || !strings.HasPrefix(tok.Token, "mt_") || tok.Subject != machine || tok.Revoked || tok.Expiration == nil {
		t.Fatalf("created M2M token: %+v", tok)
	}

	w := e.bearer(t, tok.Token, clerk.TokenTypeM2MToken)
	if !w.Authenticated || w.TokenType != "m2m_token" || w.ID != tok.ID || w.MachineID != machine || w.Subject != machine || w.Claims["job"] != "nightly" {
		t.Fatalf("GetAuth(AcceptsToken(M2MToken)) with the token: %+v", w)
	}
	if w := e.bearer(t, tok.Token, clerk.TokenTypeAPIKey); w.Authenticated {
		t.Errorf("an M2M token accepted as an API key: %+v", w)
	}

	// JWT-format M2M tokens verify too.
	jwtTok, err := mc.M2MTokens.Create(ctx, &backend.M2MTokenCreateParams{TokenFormat: ptr("jwt"), SecondsUntilExpiration: ptr(300.0)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(jwtTok.Token, ".") != 2 {
		t.Fatalf("jwt-format M2M token is not a JWT: %.20s…", jwtTok.Token)
	}
	if w := e.bearer(t, jwtTok.Token, clerk.TokenTypeM2MToken); !w.Authenticated || w.MachineID != machine {
		t.Errorf("jwt-format M2M token through the middleware: %+v", w)
	}

	list, err := e.c.M2MTokens.List(ctx, &backend.M2MTokenListParams{Subject: machine})
	if err != nil {
		t.Fatal(err)
	}
	// Only opaque tokens are listed: Clerk does not store JWT-format ones.
	if list.TotalCount != 1 || len(list.Data) != 1 || list.Data[0].ID != tok.ID {
		t.Errorf("list subject=%s: %+v", machine, list)
	}

	revoked, err := e.c.M2MTokens.Revoke(ctx, tok.ID, &backend.M2MTokenRevokeParams{RevocationReason: ptr("done")})
	if err != nil {
		t.Fatal(err)
	}
	if !revoked.Revoked || revoked.ID != tok.ID {
		t.Errorf("revoked M2M token: %+v", revoked)
	}
	if w := e.bearer(t, tok.Token, clerk.TokenTypeM2MToken); w.Authenticated || w.TokenType != "m2m_token" {
		t.Errorf("revoked M2M token through the middleware: %+v, want unauthenticated m2m_token", w)
	}
	list, err = e.c.M2MTokens.List(ctx, &backend.M2MTokenListParams{Subject: machine, Revoked: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 1 || list.Data[0].ID != tok.ID {
		t.Errorf("list revoked=true: %+v", list)
	}

	// A wrong machine secret cannot mint tokens.
	bad := newBackendClient(t, e.inst, e.inst.SecretKey, "ak_not_a_machine_secret")
	_, err = bad.M2MTokens.Create(ctx, &backend.M2MTokenCreateParams{})
	apiError(t, "M2M create with a wrong machine secret", err, http.StatusUnauthorized, "")
}

func TestBackendErrors(t *testing.T) {
	e := newBAPIEnv(t, newFakeClock())
	ctx := context.Background()
	const missing = "_doesnotexist0000000000000"

	calls := []struct {
		name string
		call func() error
	}{
		{"Users.Get", func() error { _, err := e.c.Users.Get(ctx, "user"+missing); return err }},
		{"Users.Update", func() error {
			_, err := e.c.Users.Update(ctx, "user"+missing, &backend.UserUpdateParams{FirstName: ptr("x")})
			return err
		}},
		{"Users.Delete", func() error { _, err := e.c.Users.Delete(ctx, "user"+missing); return err }},
		{"Organizations.Get", func() error { _, err := e.c.Organizations.Get(ctx, "org"+missing, nil); return err }},
		{"Organizations.Update", func() error {
			_, err := e.c.Organizations.Update(ctx, "org"+missing, &backend.OrganizationUpdateParams{Name: ptr("x")})
			return err
		}},
		{"Organizations.Delete", func() error { _, err := e.c.Organizations.Delete(ctx, "org"+missing); return err }},
		{"OrganizationMemberships.List", func() error { _, err := e.c.OrganizationMemberships.List(ctx, "org"+missing, nil); return err }},
		{"OrganizationMemberships.Update", func() error {
			_, err := e.c.OrganizationMemberships.Update(ctx, "org_demo_acme", "user"+missing, &backend.OrganizationMembershipUpdateParams{Role: "org:admin"})
			return err
		}},
		{"OrganizationMemberships.Delete", func() error {
			_, err := e.c.OrganizationMemberships.Delete(ctx, "org_demo_acme", "user"+missing)
			return err
		}},
		{"Sessions.Get", func() error { _, err := e.c.Sessions.Get(ctx, "sess"+missing); return err }},
		{"Sessions.Revoke", func() error { _, err := e.c.Sessions.Revoke(ctx, "sess"+missing); return err }},
		{"APIKeys.Get", func() error { _, err := e.c.APIKeys.Get(ctx, "ak"+missing); return err }},
		{"APIKeys.Revoke", func() error { _, err := e.c.APIKeys.Revoke(ctx, "ak"+missing, nil); return err }},
		{"M2MTokens.Revoke", func() error { _, err := e.c.M2MTokens.Revoke(ctx, "mt"+missing, nil); return err }},
	}
	for _, c := range calls {
		apiError(t, c.name+" of an unknown id", c.call(), http.StatusNotFound, "resource_not_found")
	}

	// Creating a membership for an unknown user is a Clerk 4xx, not a 500.
	_, err := e.c.OrganizationMemberships.Create(ctx, "org_demo_acme", &backend.OrganizationMembershipCreateParams{UserID: "user" + missing, Role: "org:member"})
	var ae *backend.APIError
	if !errors.As(err, &ae) || ae.StatusCode < 400 || ae.StatusCode >= 500 || len(ae.Errors) == 0 {
		t.Errorf("membership for an unknown user: %v, want a Clerk 4xx error", err)
	}

	// A wrong secret key is refused with 401 on every resource.
	wrong := newBackendClient(t, e.inst, "sk_test_"+strings.Repeat("0", 40), "")
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"Users.List", func() error { _, err := wrong.Users.List(ctx, nil); return err }},
		{"Users.Get", func() error { _, err := wrong.Users.Get(ctx, "user_demo_alice"); return err }},
		{"Organizations.List", func() error { _, err := wrong.Organizations.List(ctx, nil); return err }},
		{"APIKeys.Create", func() error {
			_, err := wrong.APIKeys.Create(ctx, &backend.APIKeyCreateParams{Name: "x", Subject: "user_demo_alice"})
			return err
		}},
		{"APIKeys.Verify", func() error { _, err := wrong.APIKeys.Verify(ctx, e.inst.Demo.APIKey); return err }},
	} {
		// clerk_key_invalid is the code Clerk's Backend API answers with.
		apiError(t, c.name+" with a wrong secret key", c.call(), http.StatusUnauthorized, "clerk_key_invalid")
	}
	// The right key still works, and the seeded data is intact.
	if n, err := e.c.Users.Count(ctx, nil); err != nil || n.TotalCount != 3 {
		t.Errorf("count after the failed calls: %v %v", n, err)
	}
	// The middleware turns a wrong secret key into a signed-out machine
	// request, not a 500 page.
	mw, err := clerk.Middleware(clerk.Options{PublishableKey: e.inst.PublishableKey, SecretKey: "sk_test_" + strings.Repeat("0", 40), APIURL: e.inst.BackendAPIURL})
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, mw(whoamiHandler()))
	b := newBrowser(t)
	req, _ := http.NewRequest(http.MethodGet, srv+"/?accept=api_key", nil)
	req.Header.Set("Authorization", "Bearer "+e.inst.Demo.APIKey)
	n := b.do(req, false)
	if w := n.whoami(t); w.Authenticated {
		t.Errorf("API key verified with a wrong secret key: %+v", w)
	}
}
