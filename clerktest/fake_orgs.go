package clerktest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/goclerk/clerk/backend"
)

// Permissions of the two default roles, as Clerk's system permissions; a
// membership with another role has none (the fake knows no custom roles).
var rolePermissions = map[string][]string{
	"org:admin":  {"org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read", "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage"},
	"org:member": {"org:sys_memberships:read"},
}

// The fake's organizations and memberships.
func (i *Instance) orgRoutes() {
	i.handleFake("POST /v1/organizations", i.createOrg)
	i.handleFake("GET /v1/organizations", func(r *http.Request) (any, *apiError) {
		q := r.URL.Query()
		var out []backend.Organization
		for _, o := range i.fake.orgs {
			members := i.fake.memberships[o.ID]
			match := (len(q["organization_id"]) == 0 || slices.Contains(q["organization_id"], o.ID)) &&
				(len(q["user_id"]) == 0 || slices.ContainsFunc(members, func(m *backend.OrganizationMembership) bool {
					return slices.Contains(q["user_id"], m.PublicUserData.UserID)
				}))
			if s := strings.ToLower(q.Get("query")); s != "" {
				match = match && (strings.Contains(strings.ToLower(o.Name), s) || strings.Contains(o.Slug, s) || strings.Contains(o.ID, s))
			}
			if match {
				out = append(out, *i.orgJSON(o, q.Get("include_members_count") == "true"))
			}
		}
		if e := sortBy(out, q.Get("order_by"), func(o backend.Organization) int64 { return o.CreatedAt }, func(o backend.Organization) int64 { return o.UpdatedAt }); e != nil {
			return nil, e
		}
		limit, offset, e := paging(q)
		if e != nil {
			return nil, e
		}
		return list[backend.Organization]{Data: page(out, limit, offset), TotalCount: int64(len(out))}, nil
	})
	i.handleFake("GET /v1/organizations/{organization_id}", func(r *http.Request) (any, *apiError) {
		o := i.org(r.PathValue("organization_id"))
		if o == nil {
			return nil, errNotFound("organization")
		}
		return i.orgJSON(o, r.URL.Query().Get("include_members_count") == "true"), nil
	})
	i.handleFake("PATCH /v1/organizations/{organization_id}", func(r *http.Request) (any, *apiError) {
		var p backend.OrganizationUpdateParams
		if e := decode(r, &p); e != nil {
			return nil, e
		}
		return i.changeOrg(r.PathValue("organization_id"), func(o *backend.Organization) *apiError {
			if p.Name != nil {
				if strings.TrimSpace(*p.Name) == "" {
					return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "name", "name must not be empty.")
				}
				o.Name = *p.Name
			}
			if p.Slug != nil {
				o.Slug = slugify(*p.Slug)
			}
			if p.MaxAllowedMemberships != nil {
				o.MaxAllowedMemberships = *p.MaxAllowedMemberships
			}
			if p.AdminDeleteEnabled != nil {
				o.AdminDeleteEnabled = *p.AdminDeleteEnabled
			}
			return i.checkSlug(o)
		})
	})
	i.handleFake("PATCH /v1/organizations/{organization_id}/metadata", func(r *http.Request) (any, *apiError) {
		var p backend.OrganizationMergeMetadataParams
		if e := decode(r, &p); e != nil {
			return nil, e
		}
		return i.changeOrg(r.PathValue("organization_id"), func(o *backend.Organization) *apiError {
			o.PublicMetadata = mergeMetadata(o.PublicMetadata, p.PublicMetadata)
			o.PrivateMetadata = mergeMetadata(o.PrivateMetadata, p.PrivateMetadata)
			return nil
		})
	})
	i.handleFake("DELETE /v1/organizations/{organization_id}", func(r *http.Request) (any, *apiError) {
		o := i.org(r.PathValue("organization_id"))
		if o == nil {
			return nil, errNotFound("organization")
		}
		delete(i.fake.orgs, o.ID)
		delete(i.fake.memberships, o.ID)
		return backend.DeletedObject{Object: "organization", ID: o.ID, Slug: o.Slug, Deleted: true}, nil
	})

	i.handleFake("POST /v1/organizations/{organization_id}/memberships", func(r *http.Request) (any, *apiError) {
		var p backend.OrganizationMembershipCreateParams
		if e := decode(r, &p); e != nil {
			return nil, e
		}
		o := i.org(r.PathValue("organization_id"))
		if o == nil {
			return nil, errNotFound("organization")
		}
		return i.addMember(o, p)
	})
	i.handleFake("GET /v1/organizations/{organization_id}/memberships", func(r *http.Request) (any, *apiError) {
		o := i.org(r.PathValue("organization_id"))
		if o == nil {
			return nil, errNotFound("organization")
		}
		q := r.URL.Query()
		var out []backend.OrganizationMembership
		for _, m := range i.fake.memberships[o.ID] {
			if (len(q["user_id"]) == 0 || slices.Contains(q["user_id"], m.PublicUserData.UserID)) && (len(q["role"]) == 0 || slices.Contains(q["role"], m.Role)) {
				out = append(out, *i.membershipJSON(m))
			}
		}
		if e := sortBy(out, q.Get("order_by"), func(m backend.OrganizationMembership) int64 { return m.CreatedAt }, func(m backend.OrganizationMembership) int64 { return m.UpdatedAt }); e != nil {
			return nil, e
		}
		limit, offset, e := paging(q)
		if e != nil {
			return nil, e
		}
		return list[backend.OrganizationMembership]{Data: page(out, limit, offset), TotalCount: int64(len(out))}, nil
	})
	i.handleFake("PATCH /v1/organizations/{organization_id}/memberships/{user_id}", func(r *http.Request) (any, *apiError) {
		var p backend.OrganizationMembershipUpdateParams
		if e := decode(r, &p); e != nil {
			return nil, e
		}
		if p.Role == "" {
			return nil, errParam(http.StatusUnprocessableEntity, "form_param_missing", "role", "role must be included.")
		}
		m, e := i.membership(r.PathValue("organization_id"), r.PathValue("user_id"))
		if e != nil {
			return nil, e
		}
		m.Role, m.Permissions, m.UpdatedAt = p.Role, permissionsOf(p.Role), i.now().UnixMilli()
		return i.membershipJSON(m), nil
	})
	i.handleFake("DELETE /v1/organizations/{organization_id}/memberships/{user_id}", func(r *http.Request) (any, *apiError) {
		m, e := i.membership(r.PathValue("organization_id"), r.PathValue("user_id"))
		if e != nil {
			return nil, e
		}
		org := m.Organization.ID
		i.fake.memberships[org] = slices.DeleteFunc(i.fake.memberships[org], func(x *backend.OrganizationMembership) bool { return x == m })
		return i.membershipJSON(m), nil
	})
}

func (i *Instance) createOrg(r *http.Request) (any, *apiError) {
	var p backend.OrganizationCreateParams
	if e := decode(r, &p); e != nil {
		return nil, e
	}
	if strings.TrimSpace(p.Name) == "" {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_missing", "name", "name must be included.")
	}
	now := i.now().UnixMilli()
	o := &backend.Organization{
		Object: "organization", ID: "org_" + randomHex(12), Name: p.Name, Slug: slugify(p.Name),
		PublicMetadata: metadataOrEmpty(p.PublicMetadata), PrivateMetadata: metadataOrEmpty(p.PrivateMetadata),
		AdminDeleteEnabled: true, ImageURL: "https://img.clerk.com/clerktest", CreatedAt: now, UpdatedAt: now, RoleSetKey: p.RoleSetKey,
	}
	if p.Slug != nil {
		o.Slug = slugify(*p.Slug)
	}
	if p.MaxAllowedMemberships != nil {
		o.MaxAllowedMemberships = *p.MaxAllowedMemberships
	}
	if p.CreatedBy != nil {
		if i.fake.users[*p.CreatedBy] == nil {
			return nil, errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "created_by", "created_by is not a user of this instance.")
		}
		o.CreatedBy = *p.CreatedBy
	}
	if e := i.checkSlug(o); e != nil {
		return nil, e
	}
	i.fake.orgs[o.ID] = o
	if o.CreatedBy != "" {
		// The creator is the organization's first admin, as in Clerk.
		if _, e := i.addMember(o, backend.OrganizationMembershipCreateParams{UserID: o.CreatedBy, Role: "org:admin"}); e != nil {
			return nil, e
		}
	}
	return i.orgJSON(o, false), nil
}

func (i *Instance) addMember(o *backend.Organization, p backend.OrganizationMembershipCreateParams) (any, *apiError) {
	switch {
	case p.UserID == "":
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_missing", "user_id", "user_id must be included.")
	case p.Role == "":
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_missing", "role", "role must be included.")
	case i.fake.users[p.UserID] == nil:
		return nil, errNotFound("user")
	}
	ms := i.fake.memberships[o.ID]
	if slices.ContainsFunc(ms, func(m *backend.OrganizationMembership) bool { return m.PublicUserData.UserID == p.UserID }) {
		return nil, errParam(http.StatusBadRequest, "already_a_member_in_organization", "user_id", "The user is already a member of this organization.")
	}
	if o.MaxAllowedMemberships > 0 && int64(len(ms)) >= o.MaxAllowedMemberships {
		return nil, errParam(http.StatusForbidden, "organization_membership_quota_exceeded", "", "The organization has reached its maximum number of memberships.")
	}
	now := i.now().UnixMilli()
	m := &backend.OrganizationMembership{
		ID: "orgmem_" + randomHex(12), Object: "organization_membership", Role: p.Role, Permissions: permissionsOf(p.Role),
		PublicMetadata: metadataOrEmpty(p.PublicMetadata), PrivateMetadata: metadataOrEmpty(p.PrivateMetadata),
		Organization: &backend.Organization{ID: o.ID}, PublicUserData: &backend.OrganizationMembershipPublicUserData{UserID: p.UserID},
		CreatedAt: now, UpdatedAt: now,
	}
	i.fake.memberships[o.ID] = append(ms, m)
	return i.membershipJSON(m), nil
}

// membershipJSON is a membership with its organization and user as they
// are now.
func (i *Instance) membershipJSON(m *backend.OrganizationMembership) *backend.OrganizationMembership {
	out := clone(m)
	if o := i.fake.orgs[m.Organization.ID]; o != nil {
		out.Organization = i.orgJSON(o, false)
	}
	if u := i.fake.users[m.PublicUserData.UserID]; u != nil {
		var ident *string
		for _, e := range u.EmailAddresses {
			if u.PrimaryEmailAddressID != nil && e.ID == *u.PrimaryEmailAddressID {
				ident = &e.EmailAddress
			}
		}
		out.PublicUserData = &backend.OrganizationMembershipPublicUserData{UserID: u.ID, FirstName: u.FirstName, LastName: u.LastName,
			ImageURL: u.ImageURL, HasImage: u.HasImage, Identifier: ident, Username: u.Username, Banned: u.Banned}
	}
	return out
}

func (i *Instance) orgJSON(o *backend.Organization, withCount bool) *backend.Organization {
	out := clone(o)
	if withCount {
		out.MembersCount = int64(len(i.fake.memberships[o.ID]))
	}
	return out
}

// org finds an organization by id or slug, as GET /organizations/{id} does.
func (i *Instance) org(idOrSlug string) *backend.Organization {
	if o := i.fake.orgs[idOrSlug]; o != nil {
		return o
	}
	for _, o := range i.fake.orgs {
		if o.Slug == idOrSlug {
			return o
		}
	}
	return nil
}

func (i *Instance) changeOrg(id string, change func(*backend.Organization) *apiError) (any, *apiError) {
	cur := i.org(id)
	if cur == nil {
		return nil, errNotFound("organization")
	}
	o := clone(cur)
	if e := change(o); e != nil {
		return nil, e
	}
	o.UpdatedAt = max(i.now().UnixMilli(), cur.UpdatedAt)
	i.fake.orgs[o.ID] = o
	return i.orgJSON(o, false), nil
}

func (i *Instance) membership(orgID, userID string) (*backend.OrganizationMembership, *apiError) {
	o := i.org(orgID)
	if o == nil {
		return nil, errNotFound("organization")
	}
	for _, m := range i.fake.memberships[o.ID] {
		if m.PublicUserData.UserID == userID {
			return m, nil
		}
	}
	return nil, errNotFound("organization membership")
}

func (i *Instance) checkSlug(o *backend.Organization) *apiError {
	if o.Slug == "" {
		return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "slug", "slug must contain a letter or digit.")
	}
	for _, x := range i.fake.orgs {
		if x.ID != o.ID && x.Slug == o.Slug {
			return errParam(http.StatusUnprocessableEntity, "form_identifier_exists", "slug", "That slug is taken. Please try another.")
		}
	}
	return nil
}

func permissionsOf(role string) []string {
	return append([]string{}, rolePermissions[role]...)
}

// slugify lowercases s and joins its runs of letters and digits with "-".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
