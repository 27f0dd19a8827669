package clerktest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
	"github.com/goclerk/clerk/webhooks"
)

// wantAPIError checks err is Clerk's error with status and code, and
// returns its first entry's meta.param_name.
func wantAPIError(t *testing.T, err error, status int, code string) string {
	t.Helper()
	var ae *backend.APIError
	if !errors.As(err, &ae) || ae.StatusCode != status || !ae.HasCode(code) {
		t.Fatalf("error %v, want %d %s", err, status, code)
	}
	p, _ := ae.Errors[0].Meta["param_name"].(string)
	return p
}

func TestFakeUsers(t *testing.T) {
	now := time.UnixMilli(1_800_000_000_000)
	inst := clerktest.New(t, clerktest.Options{Now: func() time.Time { now = now.Add(time.Millisecond); return now }})
	c, ctx := inst.Client(), context.Background()

	ada, err := c.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"Ada@Example.com"}, FirstName: backend.Ptr("Ada"),
		Username: backend.Ptr("ada"), Password: backend.Ptr("correct horse battery"), PublicMetadata: map[string]any{"plan": "pro"}})
	if err != nil {
		t.Fatal(err)
	}
	if ada.PrimaryEmailAddress() != "ada@example.com" || !ada.PasswordEnabled || ada.PublicMetadata["plan"] != "pro" || ada.Object != "user" {
		t.Errorf("created %+v", ada)
	}
	bob, err := c.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"bob@example.com"}, ExternalID: backend.Ptr("ext_bob")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"ADA@example.com"}})
	if p := wantAPIError(t, err, 422, "form_identifier_exists"); p != "email_address" {
		t.Errorf("param_name %q", p)
	}

	got, err := c.Users.Get(ctx, ada.ID)
	if err != nil || got.ID != ada.ID || *got.FirstName != "Ada" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	_, err = c.Users.Get(ctx, "user_missing")
	wantAPIError(t, err, 404, "resource_not_found")

	page, err := c.Users.List(ctx, &backend.UserListParams{Limit: backend.Ptr[int64](1)})
	if err != nil || len(page.Data) != 1 || page.Data[0].ID != bob.ID || page.TotalCount != 2 {
		t.Fatalf("List (newest first, one of two) = %+v, %v", page, err)
	}
	for name, p := range map[string]*backend.UserListParams{
		"email":       {EmailAddress: []string{"bob@example.com"}},
		"external id": {ExternalID: []string{"ext_bob"}},
		"query":       {Query: "BOB"},
		"user id":     {UserID: []string{bob.ID, "user_other"}},
	} {
		page, err := c.Users.List(ctx, p)
		if err != nil || len(page.Data) != 1 || page.Data[0].ID != bob.ID || page.TotalCount != 1 {
			t.Errorf("List by %s = %+v, %v", name, page, err)
		}
	}
	var ids []string
	for u, err := range c.Users.ListAll(ctx, &backend.UserListParams{OrderBy: "+created_at", Limit: backend.Ptr[int64](1)}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if !slices.Equal(ids, []string{ada.ID, bob.ID}) {
		t.Errorf("ListAll oldest first: %v", ids)
	}
	_, err = c.Users.List(ctx, &backend.UserListParams{OrderBy: "-shoe_size"})
	wantAPIError(t, err, 422, "form_param_value_invalid")

	up, err := c.Users.Update(ctx, bob.ID, &backend.UserUpdateParams{LastName: backend.Ptr("Builder")})
	if err != nil || *up.LastName != "Builder" || up.UpdatedAt <= bob.UpdatedAt {
		t.Errorf("Update = %+v, %v", up, err)
	}
	_, err = c.Users.Update(ctx, bob.ID, &backend.UserUpdateParams{Username: backend.Ptr("ADA")})
	if p := wantAPIError(t, err, 422, "form_identifier_exists"); p != "username" {
		t.Errorf("param_name %q", p)
	}
	md, err := c.Users.UpdateMetadata(ctx, ada.ID, &backend.UserUpdateMetadataParams{PublicMetadata: map[string]any{"plan": nil, "seats": 3}})
	if err != nil || md.PublicMetadata["plan"] != nil || md.PublicMetadata["seats"] != float64(3) {
		t.Errorf("UpdateMetadata = %+v, %v", md.PublicMetadata, err)
	}

	del, err := c.Users.Delete(ctx, bob.ID)
	if err != nil || !del.Deleted || del.ID != bob.ID || del.Object != "user" {
		t.Errorf("Delete = %+v, %v", del, err)
	}
	if n, err := c.Users.Count(ctx, nil); err != nil || n.TotalCount != 1 {
		t.Errorf("Count after delete = %+v, %v", n, err)
	}
}

func TestFakeOrganizations(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	c, ctx := inst.Client(), context.Background()
	ada, _ := c.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"ada@example.com"}, FirstName: backend.Ptr("Ada")})
	bob, _ := c.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"bob@example.com"}})

	org, err := c.Organizations.Create(ctx, &backend.OrganizationCreateParams{Name: "Acme Corp", CreatedBy: &ada.ID})
	if err != nil || org.Slug != "acme-corp" || org.Object != "organization" {
		t.Fatalf("Create = %+v, %v", org, err)
	}
	_, err = c.Organizations.Create(ctx, &backend.OrganizationCreateParams{Name: "acme corp"})
	if p := wantAPIError(t, err, 422, "form_identifier_exists"); p != "slug" {
		t.Errorf("param_name %q", p)
	}
	_, err = c.Organizations.Create(ctx, &backend.OrganizationCreateParams{})
	wantAPIError(t, err, 422, "form_param_missing")

	bySlug, err := c.Organizations.Get(ctx, "acme-corp", &backend.OrganizationGetParams{IncludeMembersCount: backend.Ptr(true)})
	if err != nil || bySlug.ID != org.ID || bySlug.MembersCount != 1 {
		t.Errorf("Get by slug = %+v, %v (the creator is a member)", bySlug, err)
	}

	m, err := c.OrganizationMemberships.Create(ctx, org.ID, &backend.OrganizationMembershipCreateParams{UserID: bob.ID, Role: "org:member"})
	if err != nil || m.Role != "org:member" || m.Organization.Name != "Acme Corp" || m.PublicUserData.UserID != bob.ID || !slices.Contains(m.Permissions, "org:sys_memberships:read") {
		t.Fatalf("membership %+v, %v", m, err)
	}
	_, err = c.OrganizationMemberships.Create(ctx, org.ID, &backend.OrganizationMembershipCreateParams{UserID: bob.ID, Role: "org:member"})
	wantAPIError(t, err, 400, "already_a_member_in_organization")
	_, err = c.OrganizationMemberships.Create(ctx, org.ID, &backend.OrganizationMembershipCreateParams{UserID: "user_nobody", Role: "org:member"})
	wantAPIError(t, err, 404, "resource_not_found")

	members, err := c.OrganizationMemberships.List(ctx, org.ID, &backend.OrganizationMembershipListParams{OrderBy: "+created_at"})
	if err != nil || members.TotalCount != 2 || members.Data[0].PublicUserData.UserID != ada.ID || members.Data[0].Role != "org:admin" ||
		*members.Data[0].PublicUserData.Identifier != "ada@example.com" {
		t.Fatalf("List memberships = %+v, %v", members, err)
	}
	up, err := c.OrganizationMemberships.Update(ctx, org.ID, bob.ID, &backend.OrganizationMembershipUpdateParams{Role: "org:admin"})
	if err != nil || up.Role != "org:admin" || !slices.Contains(up.Permissions, "org:sys_memberships:manage") {
		t.Errorf("Update membership = %+v, %v", up, err)
	}
	mine, err := c.Users.ListOrganizationMemberships(ctx, bob.ID, nil)
	if err != nil || mine.TotalCount != 1 || mine.Data[0].Organization.ID != org.ID {
		t.Errorf("bob's memberships = %+v, %v", mine, err)
	}
	inOrg, err := c.Users.List(ctx, &backend.UserListParams{OrganizationID: []string{org.ID}})
	if err != nil || inOrg.TotalCount != 2 {
		t.Errorf("users of the organization = %+v, %v", inOrg, err)
	}
	if _, err := c.OrganizationMemberships.Delete(ctx, org.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.OrganizationMemberships.Delete(ctx, org.ID, bob.ID)
	wantAPIError(t, err, 404, "resource_not_found")

	renamed, err := c.Organizations.Update(ctx, org.ID, &backend.OrganizationUpdateParams{Name: backend.Ptr("Acme Inc"), Slug: backend.Ptr("acme")})
	if err != nil || renamed.Name != "Acme Inc" || renamed.Slug != "acme" {
		t.Errorf("Update = %+v, %v", renamed, err)
	}
	orgs, err := c.Organizations.List(ctx, &backend.OrganizationListParams{Query: "inc"})
	if err != nil || orgs.TotalCount != 1 || orgs.Data[0].ID != org.ID {
		t.Errorf("List = %+v, %v", orgs, err)
	}
	gone, err := c.Organizations.Delete(ctx, org.ID)
	if err != nil || !gone.Deleted || gone.Object != "organization" {
		t.Errorf("Delete = %+v, %v", gone, err)
	}
	if mine, _ := c.Users.ListOrganizationMemberships(ctx, ada.ID, nil); mine.TotalCount != 0 {
		t.Errorf("memberships outlived their organization: %+v", mine)
	}
}

// The fake checks the secret key, and Handle's endpoints take precedence
// over it.
func TestFakeAuthAndOverride(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	wrong, err := backend.NewClient(backend.Config{SecretKey: "sk_test_wrong", APIURL: inst.APIURL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Users.List(context.Background(), nil)
	wantAPIError(t, err, 401, "clerk_key_invalid")

	inst.Handle("GET /v1/users/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"errors":[{"code":"service_unavailable","message":"down"}]}`))
	}))
	_, err = inst.Client().Users.Get(context.Background(), "user_1")
	wantAPIError(t, err, 503, "service_unavailable")
	if _, err := inst.Client().Organizations.List(context.Background(), nil); err != nil {
		t.Errorf("the other endpoints still answer: %v", err)
	}
}

// A webhook request from WebhookRequest passes the webhooks package's
// verification, and its data decodes as the user the fake answered.
func TestWebhookRequest(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	u, err := inst.Client().Users.Create(context.Background(), &backend.UserCreateParams{EmailAddress: []string{"ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	secret := clerktest.NewWebhookSecret()
	v, err := webhooks.NewVerifier(secret, webhooks.VerifierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got backend.User
	var gotID string
	h := v.Handler(func(w http.ResponseWriter, r *http.Request, evt webhooks.Event) {
		got, err = evt.User()
		gotID = evt.MessageID
	})
	rec := httptest.NewRecorder()
	req := clerktest.WebhookRequest(t, secret, webhooks.UserCreated, u)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent || err != nil || got.ID != u.ID || got.PrimaryEmailAddress() != "ada@example.com" || gotID == "" {
		t.Fatalf("handler: %d %q; user %+v, %v", rec.Code, rec.Body, got, err)
	}
	// Another secret's verifier refuses it.
	other, _ := webhooks.NewVerifier(clerktest.NewWebhookSecret(), webhooks.VerifierOptions{})
	rec = httptest.NewRecorder()
	other.Handler(func(http.ResponseWriter, *http.Request, webhooks.Event) { t.Error("accepted with another secret") }).
		ServeHTTP(rec, clerktest.WebhookRequest(t, secret, webhooks.UserCreated, u))
	if rec.Code < 400 {
		t.Errorf("another secret: %d", rec.Code)
	}
	// Signed at the instance's clock, for a verifier pinned to it.
	past := time.Unix(1_700_000_000, 0)
	pinned := clerktest.New(t, clerktest.Options{Now: func() time.Time { return past }})
	pv, _ := webhooks.NewVerifier(secret, webhooks.VerifierOptions{Now: func() time.Time { return past }})
	r := pinned.WebhookRequest(t, secret, webhooks.OrganizationCreated, map[string]any{"object": "organization", "id": "org_1"})
	body := new(bytes.Buffer)
	body.ReadFrom(r.Body)
	if evt, err := pv.Verify(r.Header, body.Bytes()); err != nil || evt.Type != webhooks.OrganizationCreated || evt.Time().Unix() != past.Unix() {
		t.Errorf("pinned clock: %+v, %v", evt, err)
	}
}
