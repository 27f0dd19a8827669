package localclerk

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/backend"
)

// Client cases for organizations, their memberships, roles and
// permissions, and OAuth access-token verification. Error codes follow
// Clerk's published error catalogue (clerk-docs data/api_errors.json).

// tick moves the instance clock on, so that records created after it sort
// after the ones created before it.
func (f *clientFixture) tick() { f.h.clock.Advance(time.Millisecond) }

// namedUser creates a user with this first name and a fresh e-mail address.
func (f *clientFixture) namedUser(t *testing.T, first string) *backend.User {
	t.Helper()
	u, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{
		EmailAddress: []string{f.unique(strings.ToLower(first)) + "@example.com"},
		FirstName:    backend.Ptr(first),
	})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

// member adds a fresh user to org with role.
func (f *clientFixture) member(t *testing.T, orgID, role string) (*backend.OrganizationMembership, *backend.User) {
	t.Helper()
	u := f.user(t)
	m, err := f.c.OrganizationMemberships.Create(f.ctx, orgID, &backend.OrganizationMembershipCreateParams{UserID: u.ID, Role: role})
	if err != nil {
		t.Fatalf("create membership: %v", err)
	}
	return m, u
}

// permission creates a custom permission with a fresh key.
func (f *clientFixture) permission(t *testing.T) *backend.Permission {
	t.Helper()
	feature := f.unique("feat")
	p, err := f.c.OrganizationPermissions.Create(f.ctx, &backend.OrganizationPermissionCreateParams{
		Name: "Read " + feature, Key: "org:" + feature + ":read", Description: backend.Ptr("Reads " + feature),
	})
	if err != nil {
		t.Fatalf("create permission: %v", err)
	}
	return p
}

// role creates a custom role with a fresh key and these permission ids.
func (f *clientFixture) role(t *testing.T, permissionIDs ...string) *backend.Role {
	t.Helper()
	key := f.unique("org:role")
	r, err := f.c.OrganizationRoles.Create(f.ctx, &backend.OrganizationRoleCreateParams{
		Name: "Role " + key, Key: key, Permissions: permissionIDs,
	})
	if err != nil {
		t.Fatalf("create role: %v", err)
	}
	return r
}

// roleID finds the id of the role with this key.
func (f *clientFixture) roleID(t *testing.T, key string) string {
	t.Helper()
	for r, err := range f.c.OrganizationRoles.ListAll(f.ctx, &backend.OrganizationRoleListParams{Query: key}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Key == key {
			return r.ID
		}
	}
	t.Fatalf("no role %s", key)
	return ""
}

// pluck projects items to strings, for comparing lists in order.
func pluck[T any](items []T, f func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}

func orgNames(os []backend.Organization) []string {
	return pluck(os, func(o backend.Organization) string { return o.Name })
}

func membershipUsers(ms []backend.OrganizationMembership) []string {
	return pluck(ms, func(m backend.OrganizationMembership) string {
		if m.PublicUserData == nil {
			return "<no public_user_data>"
		}
		return m.PublicUserData.UserID
	})
}

func membershipOrgs(ms []backend.OrganizationMembership) []string {
	return pluck(ms, func(m backend.OrganizationMembership) string {
		if m.Organization == nil {
			return "<no organization>"
		}
		return m.Organization.ID
	})
}

func roleKeys(rs []backend.Role) []string {
	return pluck(rs, func(r backend.Role) string { return r.Key })
}

func permissionKeys(ps []backend.Permission) []string {
	return pluck(ps, func(p backend.Permission) string { return p.Key })
}

func wantStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// wantPage checks a page's items and its total_count.
func wantPage(t *testing.T, what string, got []string, total int64, want []string, wantTotal int64) {
	t.Helper()
	wantStrings(t, what, got, want)
	if total != wantTotal {
		t.Errorf("%s: total_count = %d, want %d", what, total, wantTotal)
	}
}

var _ = addClientCases(map[string]clientCase{
	"ListOrganizations": {
		ok: func(t *testing.T, f *clientFixture) {
			prefix := f.unique("Listorg")
			u := f.user(t)
			var orgs []*backend.Organization
			for _, s := range []string{"b", "a", "c"} {
				f.tick()
				o, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: prefix + " " + s})
				if err != nil {
					t.Fatal(err)
				}
				orgs = append(orgs, o)
			}
			for _, o := range []*backend.Organization{orgs[1], orgs[2]} {
				if _, err := f.c.OrganizationMemberships.Create(f.ctx, o.ID, &backend.OrganizationMembershipCreateParams{UserID: u.ID, Role: "org:member"}); err != nil {
					t.Fatal(err)
				}
			}
			list := func(p backend.OrganizationListParams) *backend.Page[backend.Organization] {
				t.Helper()
				p.Query = strings.ToLower(prefix)
				page, err := f.c.Organizations.List(f.ctx, &p)
				if err != nil {
					t.Fatal(err)
				}
				return page
			}
			a, b, c := prefix+" a", prefix+" b", prefix+" c"
			page := list(backend.OrganizationListParams{})
			wantPage(t, "query, default order (-created_at)", orgNames(page.Data), page.TotalCount, []string{c, a, b}, 3)
			wantStrings(t, "order_by=name", orgNames(list(backend.OrganizationListParams{OrderBy: "name"}).Data), []string{a, b, c})
			wantStrings(t, "order_by=-name", orgNames(list(backend.OrganizationListParams{OrderBy: "-name"}).Data), []string{c, b, a})
			page = list(backend.OrganizationListParams{OrderBy: "+name", Limit: backend.Ptr[int64](1), Offset: backend.Ptr[int64](1)})
			wantPage(t, "limit=1&offset=1", orgNames(page.Data), page.TotalCount, []string{b}, 3)
			wantStrings(t, "user_id", orgNames(list(backend.OrganizationListParams{UserID: []string{u.ID}, OrderBy: "name"}).Data), []string{a, c})
			wantStrings(t, "user_id=-id", orgNames(list(backend.OrganizationListParams{UserID: []string{"-" + u.ID}}).Data), []string{b})
			wantStrings(t, "organization_id", orgNames(list(backend.OrganizationListParams{OrganizationID: []string{orgs[0].ID, orgs[2].ID}, OrderBy: "name"}).Data), []string{b, c})
			page = list(backend.OrganizationListParams{IncludeMembersCount: backend.Ptr(true), OrderBy: "name"})
			if len(page.Data) != 3 {
				t.Fatalf("include_members_count: %d organizations, want 3", len(page.Data))
			}
			for i, want := range []int64{1, 0, 1} {
				if page.Data[i].MembersCount != want {
					t.Errorf("%s members_count = %d, want %d", page.Data[i].Name, page.Data[i].MembersCount, want)
				}
			}
			var all []string
			for o, err := range f.c.Organizations.ListAll(f.ctx, &backend.OrganizationListParams{Query: prefix, OrderBy: "name", Limit: backend.Ptr[int64](1)}) {
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, o.Name)
			}
			wantStrings(t, "ListAll, one per page", all, []string{a, b, c})
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.List(f.ctx, &backend.OrganizationListParams{OrderBy: "slug"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "order_by")
		},
	},
	"CreateOrganization": {
		ok: func(t *testing.T, f *clientFixture) {
			owner := f.user(t)
			slug := f.unique("created-org-")
			o, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{
				Name: "Created Org", Slug: backend.Ptr(slug), CreatedBy: backend.Ptr(owner.ID),
				PublicMetadata: map[string]any{"plan": "pro"}, PrivateMetadata: map[string]any{"crm": "c-1"},
				MaxAllowedMemberships: backend.Ptr[int64](7), CreatedAt: backend.Ptr("2025-01-02T03:04:05.678Z"),
			})
			if err != nil {
				t.Fatal(err)
			}
			if o.Object != "organization" || !strings.HasPrefix(o.ID, "org_") || o.Name != "Created Org" || o.Slug != slug ||
				o.CreatedBy != owner.ID || o.MaxAllowedMemberships != 7 || !o.AdminDeleteEnabled {
				t.Errorf("created = %+v", o)
			}
			if want := time.Date(2025, 1, 2, 3, 4, 5, 678e6, time.UTC).UnixMilli(); o.CreatedAt != want {
				t.Errorf("created_at = %d, want %d (the created_at sent)", o.CreatedAt, want)
			}
			got, err := f.c.Organizations.Get(f.ctx, o.ID, &backend.OrganizationGetParams{IncludeMembersCount: backend.Ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Slug != slug || got.PublicMetadata["plan"] != "pro" || got.PrivateMetadata["crm"] != "c-1" || got.MembersCount != 1 {
				t.Errorf("read back = %+v", got)
			}
			ms, err := f.c.Users.ListOrganizationMemberships(f.ctx, owner.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms.Data) != 1 || membershipOrgs(ms.Data)[0] != o.ID || ms.Data[0].Role != "org:admin" {
				t.Errorf("created_by's memberships = %+v, want one admin membership of %s", ms.Data, o.ID)
			}
			auto, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: "Auto Slug Inc"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(auto.Slug, "auto-slug-inc") || auto.CreatedBy != "" {
				t.Errorf("without slug or created_by: slug %q, created_by %q", auto.Slug, auto.CreatedBy)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			name := f.unique("Orphan ")
			_, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: name, CreatedBy: backend.Ptr("user_nobody")})
			wantAPIError(t, err, http.StatusBadRequest, "organization_creator_not_found")
			if page, err := f.c.Organizations.List(f.ctx, &backend.OrganizationListParams{Query: name}); err != nil || page.TotalCount != 0 {
				t.Errorf("the failed create left %v (err %v)", page, err)
			}
			o, _ := f.organization(t)
			_, err = f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: "Copy", Slug: backend.Ptr(o.Slug)})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "slug")
			_, err = f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: "Late", CreatedAt: backend.Ptr("yesterday")})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_invalid_time"), "created_at")
		},
	},
	"GetOrganization": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			f.member(t, o.ID, "org:member")
			for _, ref := range []string{o.ID, o.Slug} {
				got, err := f.c.Organizations.Get(f.ctx, ref, &backend.OrganizationGetParams{IncludeMembersCount: backend.Ptr(true)})
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != o.ID || got.Name != o.Name || got.Slug != o.Slug || got.MembersCount != 2 || got.CreatedAt != o.CreatedAt {
					t.Errorf("get %s = %+v, want %s with 2 members", ref, got, o.ID)
				}
			}
			got, err := f.c.Organizations.Get(f.ctx, o.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.MembersCount != 0 {
				t.Errorf("members_count without include_members_count = %d", got.MembersCount)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.Get(f.ctx, "org_missing", nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateOrganization": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			f.tick()
			slug := f.unique("renamed-")
			up, err := f.c.Organizations.Update(f.ctx, o.ID, &backend.OrganizationUpdateParams{
				Name: backend.Ptr("Renamed"), Slug: backend.Ptr(slug), MaxAllowedMemberships: backend.Ptr[int64](3),
				AdminDeleteEnabled: backend.Ptr(false),
			})
			if err != nil {
				t.Fatal(err)
			}
			if up.ID != o.ID || up.Name != "Renamed" || up.Slug != slug || up.MaxAllowedMemberships != 3 || up.AdminDeleteEnabled ||
				up.UpdatedAt <= o.UpdatedAt || up.CreatedAt != o.CreatedAt {
				t.Errorf("updated = %+v (was %+v)", up, o)
			}
			got, err := f.c.Organizations.Get(f.ctx, slug, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != o.ID || got.Name != "Renamed" || got.MaxAllowedMemberships != 3 || got.AdminDeleteEnabled {
				t.Errorf("read back = %+v", got)
			}
			_, err = f.c.Organizations.Get(f.ctx, o.Slug, nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.Update(f.ctx, "org_missing", &backend.OrganizationUpdateParams{Name: backend.Ptr("x")})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			a, _ := f.organization(t)
			b, _ := f.organization(t)
			_, err = f.c.Organizations.Update(f.ctx, b.ID, &backend.OrganizationUpdateParams{Name: backend.Ptr("Taken"), Slug: backend.Ptr(a.Slug)})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "slug")
			if got, err := f.c.Organizations.Get(f.ctx, b.ID, nil); err != nil || got.Name != b.Name || got.Slug != b.Slug {
				t.Errorf("the failed update changed %+v (err %v)", got, err)
			}
		},
	},
	"DeleteOrganization": {
		ok: func(t *testing.T, f *clientFixture) {
			o, owner := f.organization(t)
			del, err := f.c.Organizations.Delete(f.ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if *del != (backend.DeletedObject{Object: "organization", ID: o.ID, Slug: o.Slug, Deleted: true}) {
				t.Errorf("deleted = %+v", del)
			}
			_, err = f.c.Organizations.Get(f.ctx, o.ID, nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			if ms, err := f.c.Users.ListOrganizationMemberships(f.ctx, owner.ID, nil); err != nil || ms.TotalCount != 0 {
				t.Errorf("the owner still has memberships %v (err %v)", ms, err)
			}
			if _, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: "Again", Slug: backend.Ptr(o.Slug)}); err != nil {
				t.Errorf("the deleted organization's slug is still taken: %v", err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.Delete(f.ctx, "org_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"MergeOrganizationMetadata": {
		ok: func(t *testing.T, f *clientFixture) {
			o, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: f.unique("Meta "),
				PublicMetadata:  map[string]any{"a": 1, "nested": map[string]any{"x": 1, "y": 2}},
				PrivateMetadata: map[string]any{"k": "v"}})
			if err != nil {
				t.Fatal(err)
			}
			up, err := f.c.Organizations.MergeMetadata(f.ctx, o.ID, &backend.OrganizationMergeMetadataParams{
				PublicMetadata: map[string]any{"a": nil, "b": 2, "nested": map[string]any{"y": nil, "z": 3}}})
			if err != nil {
				t.Fatal(err)
			}
			wantPub := map[string]any{"b": float64(2), "nested": map[string]any{"x": float64(1), "z": float64(3)}}
			for _, got := range []*backend.Organization{up, must(f.c.Organizations.Get(f.ctx, o.ID, nil))(t)} {
				if !reflect.DeepEqual(got.PublicMetadata, wantPub) || !reflect.DeepEqual(got.PrivateMetadata, map[string]any{"k": "v"}) {
					t.Errorf("metadata = %v / %v, want %v / untouched private", got.PublicMetadata, got.PrivateMetadata, wantPub)
				}
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.MergeMetadata(f.ctx, "org_missing", &backend.OrganizationMergeMetadataParams{PublicMetadata: map[string]any{"a": 1}})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"ReplaceOrganizationMetadata": {
		ok: func(t *testing.T, f *clientFixture) {
			o, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{Name: f.unique("Meta "),
				PublicMetadata: map[string]any{"a": 1, "b": 2}, PrivateMetadata: map[string]any{"k": "v"}})
			if err != nil {
				t.Fatal(err)
			}
			up, err := f.c.Organizations.ReplaceMetadata(f.ctx, o.ID, &backend.OrganizationReplaceMetadataParams{
				PublicMetadata: map[string]any{"c": map[string]any{"d": true}}})
			if err != nil {
				t.Fatal(err)
			}
			wantPub := map[string]any{"c": map[string]any{"d": true}}
			for _, got := range []*backend.Organization{up, must(f.c.Organizations.Get(f.ctx, o.ID, nil))(t)} {
				if !reflect.DeepEqual(got.PublicMetadata, wantPub) || !reflect.DeepEqual(got.PrivateMetadata, map[string]any{"k": "v"}) {
					t.Errorf("metadata = %v / %v, want %v / untouched private", got.PublicMetadata, got.PrivateMetadata, wantPub)
				}
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.ReplaceMetadata(f.ctx, "org_missing", &backend.OrganizationReplaceMetadataParams{PublicMetadata: map[string]any{"a": 1}})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	"CreateOrganizationMembership": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			u := f.user(t)
			m, err := f.c.OrganizationMemberships.Create(f.ctx, o.ID, &backend.OrganizationMembershipCreateParams{
				UserID: u.ID, Role: "org:member", PublicMetadata: map[string]any{"team": "core"}, PrivateMetadata: map[string]any{"seat": 4}})
			if err != nil {
				t.Fatal(err)
			}
			if m.Object != "organization_membership" || !strings.HasPrefix(m.ID, "orgmem_") || m.Role != "org:member" || m.RoleName != "Member" ||
				!slices.Contains(m.Permissions, "org:sys_memberships:read") || m.PublicMetadata["team"] != "core" || m.PrivateMetadata["seat"] != float64(4) {
				t.Errorf("membership = %+v", m)
			}
			if m.Organization == nil || m.Organization.ID != o.ID || m.PublicUserData == nil || m.PublicUserData.UserID != u.ID ||
				m.PublicUserData.Identifier == nil || *m.PublicUserData.Identifier != u.EmailAddresses[0].EmailAddress {
				t.Errorf("membership organization / public_user_data = %+v / %+v", m.Organization, m.PublicUserData)
			}
			page, err := f.c.OrganizationMemberships.List(f.ctx, o.ID, &backend.OrganizationMembershipListParams{UserID: []string{u.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Data) != 1 || page.Data[0].ID != m.ID || page.Data[0].PrivateMetadata["seat"] != float64(4) {
				t.Errorf("read back = %+v", page.Data)
			}
			r := f.role(t)
			cm, _ := f.member(t, o.ID, r.Key)
			if cm.Role != r.Key || cm.RoleName != r.Name {
				t.Errorf("custom role membership = %+v, want role %s", cm, r.Key)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, owner := f.organization(t)
			_, err := f.c.OrganizationMemberships.Create(f.ctx, o.ID, &backend.OrganizationMembershipCreateParams{UserID: owner.ID, Role: "org:member"})
			wantAPIError(t, err, http.StatusBadRequest, "already_a_member_in_organization")
			if _, err := f.c.Organizations.Update(f.ctx, o.ID, &backend.OrganizationUpdateParams{MaxAllowedMemberships: backend.Ptr[int64](1)}); err != nil {
				t.Fatal(err)
			}
			_, err = f.c.OrganizationMemberships.Create(f.ctx, o.ID, &backend.OrganizationMembershipCreateParams{UserID: f.user(t).ID, Role: "org:member"})
			wantAPIError(t, err, http.StatusForbidden, "organization_membership_quota_exceeded")
			_, err = f.c.OrganizationMemberships.Create(f.ctx, "org_missing", &backend.OrganizationMembershipCreateParams{UserID: owner.ID, Role: "org:member"})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"ListOrganizationMemberships": {
		ok: func(t *testing.T, f *clientFixture) {
			o, owner := f.organization(t)
			var users []*backend.User
			for _, name := range []string{"Carla", "Abel", "Bruno"} {
				f.tick()
				u := f.namedUser(t, name)
				if _, err := f.c.OrganizationMemberships.Create(f.ctx, o.ID, &backend.OrganizationMembershipCreateParams{UserID: u.ID, Role: "org:member"}); err != nil {
					t.Fatal(err)
				}
				users = append(users, u)
			}
			carla, abel, bruno := users[0].ID, users[1].ID, users[2].ID
			list := func(p backend.OrganizationMembershipListParams) *backend.Page[backend.OrganizationMembership] {
				t.Helper()
				page, err := f.c.OrganizationMemberships.List(f.ctx, o.ID, &p)
				if err != nil {
					t.Fatal(err)
				}
				return page
			}
			page := list(backend.OrganizationMembershipListParams{})
			wantPage(t, "default order (-created_at)", membershipUsers(page.Data), page.TotalCount, []string{bruno, abel, carla, owner.ID}, 4)
			wantStrings(t, "order_by=created_at", membershipUsers(list(backend.OrganizationMembershipListParams{OrderBy: "created_at"}).Data), []string{owner.ID, carla, abel, bruno})
			wantStrings(t, "role=org:member&order_by=first_name", membershipUsers(list(backend.OrganizationMembershipListParams{Role: []string{"org:member"}, OrderBy: "first_name"}).Data), []string{abel, bruno, carla})
			wantStrings(t, "role=org:admin", membershipUsers(list(backend.OrganizationMembershipListParams{Role: []string{"org:admin"}}).Data), []string{owner.ID})
			wantStrings(t, "user_id", membershipUsers(list(backend.OrganizationMembershipListParams{UserID: []string{abel, carla}, OrderBy: "-first_name"}).Data), []string{carla, abel})
			wantStrings(t, "user_id=-id", membershipUsers(list(backend.OrganizationMembershipListParams{UserID: []string{"-" + owner.ID, "-" + abel}, OrderBy: "first_name"}).Data), []string{bruno, carla})
			wantStrings(t, "name_query", membershipUsers(list(backend.OrganizationMembershipListParams{NameQuery: "run"}).Data), []string{bruno})
			wantStrings(t, "email_address", membershipUsers(list(backend.OrganizationMembershipListParams{EmailAddress: []string{users[1].EmailAddresses[0].EmailAddress}}).Data), []string{abel})
			page = list(backend.OrganizationMembershipListParams{OrderBy: "first_name", Limit: backend.Ptr[int64](2), Offset: backend.Ptr[int64](1), Role: []string{"org:member"}})
			wantPage(t, "limit=2&offset=1", membershipUsers(page.Data), page.TotalCount, []string{bruno, carla}, 3)
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationMemberships.List(f.ctx, "org_missing", nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			o, _ := f.organization(t)
			_, err = f.c.OrganizationMemberships.List(f.ctx, o.ID, &backend.OrganizationMembershipListParams{OrderBy: "shoe_size"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "order_by")
		},
	},
	"UpdateOrganizationMembership": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			m, u := f.member(t, o.ID, "org:member")
			f.tick()
			up, err := f.c.OrganizationMemberships.Update(f.ctx, o.ID, u.ID, &backend.OrganizationMembershipUpdateParams{Role: "org:admin"})
			if err != nil {
				t.Fatal(err)
			}
			if up.ID != m.ID || up.Role != "org:admin" || up.RoleName != "Admin" || !slices.Contains(up.Permissions, "org:sys_memberships:manage") || up.UpdatedAt <= m.UpdatedAt {
				t.Errorf("updated = %+v", up)
			}
			page, err := f.c.OrganizationMemberships.List(f.ctx, o.ID, &backend.OrganizationMembershipListParams{Role: []string{"org:admin"}, OrderBy: "created_at"})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Data) != 2 || page.Data[1].ID != m.ID {
				t.Errorf("admins after the update = %v", membershipUsers(page.Data))
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationMemberships.Update(f.ctx, o.ID, f.user(t).ID, &backend.OrganizationMembershipUpdateParams{Role: "org:admin"})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"DeleteOrganizationMembership": {
		ok: func(t *testing.T, f *clientFixture) {
			o, owner := f.organization(t)
			m, u := f.member(t, o.ID, "org:member")
			del, err := f.c.OrganizationMemberships.Delete(f.ctx, o.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if del.ID != m.ID || del.Role != "org:member" || membershipUsers([]backend.OrganizationMembership{*del})[0] != u.ID {
				t.Errorf("deleted = %+v", del)
			}
			page, err := f.c.OrganizationMemberships.List(f.ctx, o.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantStrings(t, "members after the delete", membershipUsers(page.Data), []string{owner.ID})
			if ms, err := f.c.Users.ListOrganizationMemberships(f.ctx, u.ID, nil); err != nil || ms.TotalCount != 0 {
				t.Errorf("the user still has memberships %v (err %v)", ms, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationMemberships.Delete(f.ctx, o.ID, f.user(t).ID)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateOrganizationMembershipMetadata": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			u := f.user(t)
			if _, err := f.c.OrganizationMemberships.Create(f.ctx, o.ID, &backend.OrganizationMembershipCreateParams{UserID: u.ID, Role: "org:member",
				PublicMetadata: map[string]any{"team": "core", "x": 1}, PrivateMetadata: map[string]any{"seat": 1}}); err != nil {
				t.Fatal(err)
			}
			up, err := f.c.OrganizationMemberships.UpdateMetadata(f.ctx, o.ID, u.ID, &backend.OrganizationMembershipUpdateMetadataParams{
				PublicMetadata: map[string]any{"x": nil, "level": 2}})
			if err != nil {
				t.Fatal(err)
			}
			page, err := f.c.OrganizationMemberships.List(f.ctx, o.ID, &backend.OrganizationMembershipListParams{UserID: []string{u.ID}})
			if err != nil {
				t.Fatal(err)
			}
			wantPub := map[string]any{"team": "core", "level": float64(2)}
			for _, got := range []backend.OrganizationMembership{*up, page.Data[0]} {
				if !reflect.DeepEqual(got.PublicMetadata, wantPub) || !reflect.DeepEqual(got.PrivateMetadata, map[string]any{"seat": float64(1)}) {
					t.Errorf("metadata = %v / %v, want %v / untouched private", got.PublicMetadata, got.PrivateMetadata, wantPub)
				}
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationMemberships.UpdateMetadata(f.ctx, o.ID, "user_missing", &backend.OrganizationMembershipUpdateMetadataParams{PublicMetadata: map[string]any{"a": 1}})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"InstanceGetOrganizationMemberships": {
		ok: func(t *testing.T, f *clientFixture) {
			list := func(p backend.OrganizationMembershipListForInstanceParams) *backend.Page[backend.OrganizationMembership] {
				t.Helper()
				page, err := f.c.OrganizationMemberships.ListForInstance(f.ctx, &p)
				if err != nil {
					t.Fatal(err)
				}
				return page
			}
			before := list(backend.OrganizationMembershipListForInstanceParams{Limit: backend.Ptr[int64](1)}).TotalCount
			f.tick()
			o, owner := f.organization(t)
			f.tick()
			_, u := f.member(t, o.ID, "org:member")
			page := list(backend.OrganizationMembershipListForInstanceParams{OrderBy: "-created_at", Limit: backend.Ptr[int64](2)})
			wantPage(t, "newest two", membershipUsers(page.Data), page.TotalCount, []string{u.ID, owner.ID}, before+2)
			page = list(backend.OrganizationMembershipListForInstanceParams{OrderBy: "created_at", Offset: backend.Ptr(before + 1)})
			wantStrings(t, "order_by=created_at, last page", membershipUsers(page.Data), []string{u.ID})
			wantStrings(t, "organizations", membershipOrgs(page.Data), []string{o.ID})
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationMemberships.ListForInstance(f.ctx, &backend.OrganizationMembershipListForInstanceParams{OrderBy: "-shoe_size"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "order_by")
		},
	},
	"UsersGetOrganizationMemberships": {
		ok: func(t *testing.T, f *clientFixture) {
			a, u := f.organization(t)
			f.tick()
			b, _ := f.organization(t)
			if _, err := f.c.OrganizationMemberships.Create(f.ctx, b.ID, &backend.OrganizationMembershipCreateParams{UserID: u.ID, Role: "org:member"}); err != nil {
				t.Fatal(err)
			}
			page, err := f.c.Users.ListOrganizationMemberships(f.ctx, u.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantPage(t, "organizations", membershipOrgs(page.Data), page.TotalCount, []string{b.ID, a.ID}, 2)
			if len(page.Data) != 2 || page.Data[0].Role != "org:member" || page.Data[1].Role != "org:admin" || membershipUsers(page.Data)[0] != u.ID {
				t.Errorf("memberships = %+v", page.Data)
			}
			page, err = f.c.Users.ListOrganizationMemberships(f.ctx, u.ID, &backend.UserListOrganizationMembershipsParams{Limit: backend.Ptr[int64](1), Offset: backend.Ptr[int64](1)})
			if err != nil {
				t.Fatal(err)
			}
			wantPage(t, "limit=1&offset=1", membershipOrgs(page.Data), page.TotalCount, []string{a.ID}, 2)
			page, err = f.c.Users.ListOrganizationMemberships(f.ctx, f.user(t).ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantPage(t, "a user in no organization", membershipOrgs(page.Data), page.TotalCount, nil, 0)
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.ListOrganizationMemberships(f.ctx, "user_missing", nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	"ListOrganizationRoles": {
		ok: func(t *testing.T, f *clientFixture) {
			prefix := f.unique("lr")
			var roles []*backend.Role
			for _, s := range []string{"b", "a", "c"} {
				f.tick()
				r, err := f.c.OrganizationRoles.Create(f.ctx, &backend.OrganizationRoleCreateParams{Name: strings.ToUpper(s) + " " + prefix, Key: "org:" + prefix + "_" + s})
				if err != nil {
					t.Fatal(err)
				}
				roles = append(roles, r)
			}
			list := func(p backend.OrganizationRoleListParams) *backend.Page[backend.Role] {
				t.Helper()
				page, err := f.c.OrganizationRoles.List(f.ctx, &p)
				if err != nil {
					t.Fatal(err)
				}
				return page
			}
			a, b, c := "org:"+prefix+"_a", "org:"+prefix+"_b", "org:"+prefix+"_c"
			page := list(backend.OrganizationRoleListParams{Query: prefix})
			wantPage(t, "query, default order (-created_at)", roleKeys(page.Data), page.TotalCount, []string{c, a, b}, 3)
			wantStrings(t, "order_by=key", roleKeys(list(backend.OrganizationRoleListParams{Query: prefix, OrderBy: "key"}).Data), []string{a, b, c})
			wantStrings(t, "order_by=-name", roleKeys(list(backend.OrganizationRoleListParams{Query: prefix, OrderBy: "-name"}).Data), []string{c, b, a})
			wantStrings(t, "order_by=created_at", roleKeys(list(backend.OrganizationRoleListParams{Query: prefix, OrderBy: "created_at"}).Data), []string{b, a, c})
			page = list(backend.OrganizationRoleListParams{Query: prefix, OrderBy: "key", Limit: backend.Ptr[int64](1), Offset: backend.Ptr[int64](2)})
			wantPage(t, "limit=1&offset=2", roleKeys(page.Data), page.TotalCount, []string{c}, 3)
			wantStrings(t, "query=<id>", roleKeys(list(backend.OrganizationRoleListParams{Query: roles[1].ID}).Data), []string{a})
			wantStrings(t, "query=<name part>", roleKeys(list(backend.OrganizationRoleListParams{Query: "C " + prefix}).Data), []string{c})
			builtin := roleKeys(list(backend.OrganizationRoleListParams{Query: "org:", OrderBy: "key", Limit: backend.Ptr[int64](500)}).Data)
			if !slices.Contains(builtin, "org:admin") || !slices.Contains(builtin, "org:member") {
				t.Errorf("roles %q lack the built-in org:admin and org:member", builtin)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationRoles.List(f.ctx, &backend.OrganizationRoleListParams{OrderBy: "permissions"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "order_by")
		},
	},
	"CreateOrganizationRole": {
		ok: func(t *testing.T, f *clientFixture) {
			p := f.permission(t)
			key := f.unique("org:editor")
			r, err := f.c.OrganizationRoles.Create(f.ctx, &backend.OrganizationRoleCreateParams{
				Name: "Editor", Key: key, Description: backend.Ptr("Edits things"), Permissions: []string{p.ID, "org:sys_memberships:read"}})
			if err != nil {
				t.Fatal(err)
			}
			if r.Object != "role" || !strings.HasPrefix(r.ID, "role_") || r.Key != key || r.Name != "Editor" || r.Description == nil ||
				*r.Description != "Edits things" || r.IsCreatorEligible {
				t.Errorf("role = %+v", r)
			}
			wantStrings(t, "permissions", permissionKeys(r.Permissions), []string{p.Key, "org:sys_memberships:read"})
			if r.Permissions[0].ID != p.ID || r.Permissions[0].Name != p.Name || r.Permissions[0].Type != "user" || r.Permissions[1].Type != "system" {
				t.Errorf("role permissions = %+v", r.Permissions)
			}
			got, err := f.c.OrganizationRoles.Get(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Key != key || got.Name != "Editor" || !slices.Equal(permissionKeys(got.Permissions), permissionKeys(r.Permissions)) {
				t.Errorf("read back = %+v", got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			r := f.role(t)
			_, err := f.c.OrganizationRoles.Create(f.ctx, &backend.OrganizationRoleCreateParams{Name: "Again", Key: r.Key})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "key")
			_, err = f.c.OrganizationRoles.Create(f.ctx, &backend.OrganizationRoleCreateParams{Key: f.unique("org:nameless")})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing"), "name")
		},
	},
	"GetOrganizationRole": {
		ok: func(t *testing.T, f *clientFixture) {
			p := f.permission(t)
			r := f.role(t, p.ID)
			got, err := f.c.OrganizationRoles.Get(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != r.ID || got.Key != r.Key || got.Name != r.Name || got.CreatedAt != r.CreatedAt {
				t.Errorf("get = %+v, want %+v", got, r)
			}
			wantStrings(t, "permissions", permissionKeys(got.Permissions), []string{p.Key})
			admin, err := f.c.OrganizationRoles.Get(f.ctx, f.roleID(t, "org:admin"))
			if err != nil {
				t.Fatal(err)
			}
			if admin.Key != "org:admin" || !admin.IsCreatorEligible || !slices.Contains(permissionKeys(admin.Permissions), "org:sys_profile:manage") {
				t.Errorf("org:admin = %+v", admin)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationRoles.Get(f.ctx, "role_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateOrganizationRole": {
		ok: func(t *testing.T, f *clientFixture) {
			p1, p2 := f.permission(t), f.permission(t)
			r := f.role(t, p1.ID)
			f.tick()
			key := f.unique("org:renamed")
			up, err := f.c.OrganizationRoles.Update(f.ctx, r.ID, &backend.OrganizationRoleUpdateParams{
				Name: backend.Ptr("Renamed"), Key: backend.Ptr(key), Description: backend.Ptr("new"), Permissions: []string{p2.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if up.ID != r.ID || up.Name != "Renamed" || up.Key != key || up.Description == nil || *up.Description != "new" || up.UpdatedAt <= r.UpdatedAt {
				t.Errorf("updated = %+v", up)
			}
			got, err := f.c.OrganizationRoles.Get(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Key != key || got.Name != "Renamed" {
				t.Errorf("read back = %+v", got)
			}
			wantStrings(t, "permissions replaced", permissionKeys(got.Permissions), []string{p2.Key})
			// The old key is free again.
			if _, err := f.c.OrganizationRoles.Create(f.ctx, &backend.OrganizationRoleCreateParams{Name: "Old", Key: r.Key}); err != nil {
				t.Errorf("reuse the old key: %v", err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationRoles.Update(f.ctx, "role_missing", &backend.OrganizationRoleUpdateParams{Name: backend.Ptr("x")})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			a, b := f.role(t), f.role(t)
			_, err = f.c.OrganizationRoles.Update(f.ctx, b.ID, &backend.OrganizationRoleUpdateParams{Key: backend.Ptr(a.Key)})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "key")
		},
	},
	"DeleteOrganizationRole": {
		ok: func(t *testing.T, f *clientFixture) {
			r := f.role(t)
			del, err := f.c.OrganizationRoles.Delete(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if *del != (backend.DeletedObject{Object: "role", ID: r.ID, Deleted: true}) {
				t.Errorf("deleted = %+v", del)
			}
			_, err = f.c.OrganizationRoles.Get(f.ctx, r.ID)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			if page, err := f.c.OrganizationRoles.List(f.ctx, &backend.OrganizationRoleListParams{Query: r.Key}); err != nil || page.TotalCount != 0 {
				t.Errorf("listed after delete: %v (err %v)", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationRoles.Delete(f.ctx, "role_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			r := f.role(t)
			o, _ := f.organization(t)
			f.member(t, o.ID, r.Key)
			_, err = f.c.OrganizationRoles.Delete(f.ctx, r.ID)
			wantAPIError(t, err, http.StatusUnprocessableEntity, "organization_role_assigned_members")
			if _, err := f.c.OrganizationRoles.Get(f.ctx, r.ID); err != nil {
				t.Errorf("the refused delete removed the role: %v", err)
			}
			_, err = f.c.OrganizationRoles.Delete(f.ctx, f.roleID(t, "org:admin"))
			wantAPIError(t, err, http.StatusUnprocessableEntity, "organization_role_default_creator_role")
		},
	},
	"AssignPermissionToOrganizationRole": {
		ok: func(t *testing.T, f *clientFixture) {
			p1, p2 := f.permission(t), f.permission(t)
			r := f.role(t, p1.ID)
			up, err := f.c.OrganizationRoles.AssignPermission(f.ctx, r.ID, p2.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStrings(t, "answer's permissions", permissionKeys(up.Permissions), []string{p1.Key, p2.Key})
			got, err := f.c.OrganizationRoles.Get(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStrings(t, "read back", permissionKeys(got.Permissions), []string{p1.Key, p2.Key})
		},
		fail: func(t *testing.T, f *clientFixture) {
			p := f.permission(t)
			r := f.role(t, p.ID)
			_, err := f.c.OrganizationRoles.AssignPermission(f.ctx, r.ID, p.ID)
			wantAPIError(t, err, http.StatusConflict, "organization_role_permission_association_exists")
			_, err = f.c.OrganizationRoles.AssignPermission(f.ctx, r.ID, "perm_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"RemovePermissionFromOrganizationRole": {
		ok: func(t *testing.T, f *clientFixture) {
			p1, p2 := f.permission(t), f.permission(t)
			r := f.role(t, p1.ID, p2.ID)
			up, err := f.c.OrganizationRoles.RemovePermission(f.ctx, r.ID, p1.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStrings(t, "answer's permissions", permissionKeys(up.Permissions), []string{p2.Key})
			got, err := f.c.OrganizationRoles.Get(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStrings(t, "read back", permissionKeys(got.Permissions), []string{p2.Key})
			if _, err := f.c.OrganizationPermissions.Get(f.ctx, p1.ID); err != nil {
				t.Errorf("removing it from a role deleted the permission: %v", err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			p := f.permission(t)
			r := f.role(t)
			_, err := f.c.OrganizationRoles.RemovePermission(f.ctx, r.ID, p.ID)
			wantAPIError(t, err, http.StatusNotFound, "organization_role_permission_association_not_found")
		},
	},

	"ListOrganizationPermissions": {
		ok: func(t *testing.T, f *clientFixture) {
			prefix := f.unique("lp")
			var perms []*backend.Permission
			for _, s := range []string{"b", "a", "c"} {
				f.tick()
				p, err := f.c.OrganizationPermissions.Create(f.ctx, &backend.OrganizationPermissionCreateParams{
					Name: strings.ToUpper(s) + " " + prefix, Key: "org:" + prefix + ":" + s})
				if err != nil {
					t.Fatal(err)
				}
				perms = append(perms, p)
			}
			list := func(p backend.OrganizationPermissionListParams) *backend.Page[backend.Permission] {
				t.Helper()
				page, err := f.c.OrganizationPermissions.List(f.ctx, &p)
				if err != nil {
					t.Fatal(err)
				}
				return page
			}
			a, b, c := "org:"+prefix+":a", "org:"+prefix+":b", "org:"+prefix+":c"
			page := list(backend.OrganizationPermissionListParams{Query: prefix})
			wantPage(t, "query, default order (-created_at)", permissionKeys(page.Data), page.TotalCount, []string{c, a, b}, 3)
			wantStrings(t, "order_by=key", permissionKeys(list(backend.OrganizationPermissionListParams{Query: prefix, OrderBy: "key"}).Data), []string{a, b, c})
			wantStrings(t, "order_by=-name", permissionKeys(list(backend.OrganizationPermissionListParams{Query: prefix, OrderBy: "-name"}).Data), []string{c, b, a})
			wantStrings(t, "order_by=created_at", permissionKeys(list(backend.OrganizationPermissionListParams{Query: prefix, OrderBy: "created_at"}).Data), []string{b, a, c})
			page = list(backend.OrganizationPermissionListParams{Query: prefix, OrderBy: "key", Limit: backend.Ptr[int64](2), Offset: backend.Ptr[int64](1)})
			wantPage(t, "limit=2&offset=1", permissionKeys(page.Data), page.TotalCount, []string{b, c}, 3)
			wantStrings(t, "query=<id>", permissionKeys(list(backend.OrganizationPermissionListParams{Query: perms[0].ID}).Data), []string{b})
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationPermissions.List(f.ctx, &backend.OrganizationPermissionListParams{OrderBy: "type"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "order_by")
		},
	},
	"CreateOrganizationPermission": {
		ok: func(t *testing.T, f *clientFixture) {
			key := "org:" + f.unique("invoices") + ":send"
			p, err := f.c.OrganizationPermissions.Create(f.ctx, &backend.OrganizationPermissionCreateParams{Name: "Send invoices", Key: key, Description: backend.Ptr("May send")})
			if err != nil {
				t.Fatal(err)
			}
			want := backend.Permission{Object: "permission", ID: p.ID, Name: "Send invoices", Key: key, Description: "May send", Type: "user",
				CreatedAt: f.h.clock.Now().UnixMilli(), UpdatedAt: f.h.clock.Now().UnixMilli()}
			if *p != want || !strings.HasPrefix(p.ID, "perm_") {
				t.Errorf("created = %+v, want %+v", p, want)
			}
			if got, err := f.c.OrganizationPermissions.Get(f.ctx, p.ID); err != nil || *got != want {
				t.Errorf("read back = %+v (err %v)", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			p := f.permission(t)
			_, err := f.c.OrganizationPermissions.Create(f.ctx, &backend.OrganizationPermissionCreateParams{Name: "Again", Key: p.Key})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "key")
			_, err = f.c.OrganizationPermissions.Create(f.ctx, &backend.OrganizationPermissionCreateParams{Name: "System", Key: "org:sys_billing:manage"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_format_invalid"), "key")
		},
	},
	"GetOrganizationPermission": {
		ok: func(t *testing.T, f *clientFixture) {
			p := f.permission(t)
			got, err := f.c.OrganizationPermissions.Get(f.ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if *got != *p {
				t.Errorf("get = %+v, want %+v", got, p)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationPermissions.Get(f.ctx, "perm_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateOrganizationPermission": {
		ok: func(t *testing.T, f *clientFixture) {
			p := f.permission(t)
			r := f.role(t, p.ID)
			f.tick()
			key := "org:" + f.unique("renamed") + ":write"
			up, err := f.c.OrganizationPermissions.Update(f.ctx, p.ID, &backend.OrganizationPermissionUpdateParams{
				Name: backend.Ptr("Write"), Key: backend.Ptr(key), Description: backend.Ptr("Writes")})
			if err != nil {
				t.Fatal(err)
			}
			if up.ID != p.ID || up.Name != "Write" || up.Key != key || up.Description != "Writes" || up.UpdatedAt <= p.UpdatedAt || up.CreatedAt != p.CreatedAt {
				t.Errorf("updated = %+v", up)
			}
			if got, err := f.c.OrganizationPermissions.Get(f.ctx, p.ID); err != nil || *got != *up {
				t.Errorf("read back = %+v (err %v), want %+v", got, err, up)
			}
			got, err := f.c.OrganizationRoles.Get(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStrings(t, "the role's permissions", permissionKeys(got.Permissions), []string{key})
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationPermissions.Update(f.ctx, "perm_missing", &backend.OrganizationPermissionUpdateParams{Name: backend.Ptr("x")})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			a, b := f.permission(t), f.permission(t)
			_, err = f.c.OrganizationPermissions.Update(f.ctx, b.ID, &backend.OrganizationPermissionUpdateParams{Key: backend.Ptr(a.Key)})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "key")
		},
	},
	"DeleteOrganizationPermission": {
		ok: func(t *testing.T, f *clientFixture) {
			p, keep := f.permission(t), f.permission(t)
			r := f.role(t, p.ID, keep.ID)
			del, err := f.c.OrganizationPermissions.Delete(f.ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if *del != (backend.DeletedObject{Object: "permission", ID: p.ID, Deleted: true}) {
				t.Errorf("deleted = %+v", del)
			}
			_, err = f.c.OrganizationPermissions.Get(f.ctx, p.ID)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			got, err := f.c.OrganizationRoles.Get(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStrings(t, "the role's permissions", permissionKeys(got.Permissions), []string{keep.Key})
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationPermissions.Delete(f.ctx, "perm_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	"verifyOAuthAccessToken": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			tok, err := f.h.inst.CreateOAuthAccessToken(f.ctx, u.ID, []string{"profile", "email"}, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			v, err := f.c.OAuthAccessTokens.Verify(f.ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			now := f.h.clock.Now()
			if v.Object != "clerk_idp_oauth_access_token" || !oauthTokenIDRe.MatchString(v.ID) || v.Subject != u.ID || v.ClientID == "" ||
				v.Revoked || v.Expired || v.Active != nil || v.CreatedAt != now.UnixMilli() {
				t.Errorf("verified = %+v", v)
			}
			wantStrings(t, "scopes", v.Scopes, []string{"profile", "email"})
			if v.Expiration == nil || *v.Expiration != now.Add(time.Hour).UnixMilli() {
				t.Errorf("expiration = %v, want %d", v.Expiration, now.Add(time.Hour).UnixMilli())
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			// Clerk answers 404 for a token it does not know; the error
			// code it uses there is not published, so only the status is
			// checked.
			_, err := f.c.OAuthAccessTokens.Verify(f.ctx, "oat_"+strings.Repeat("0", 32))
			wantAPIError(t, err, http.StatusNotFound, "")
			tok, err := f.h.inst.CreateOAuthAccessToken(f.ctx, f.user(t).ID, nil, time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			f.tick()
			f.tick()
			_, err = f.c.OAuthAccessTokens.Verify(f.ctx, tok)
			wantAPIError(t, err, http.StatusNotFound, "")
		},
	},
})

// oauthTokenIDRe is the form the specification gives OAuth access token ids.
var oauthTokenIDRe = regexp.MustCompile(`^oat_[0-9a-f]{32}$`)

// must returns a function that fails t on err, else gives v: it lets a
// read-back sit inside a list of values to check.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
