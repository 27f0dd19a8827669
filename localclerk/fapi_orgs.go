package localclerk

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Organizations as Clerk's components manage them through the Frontend
// API: CreateOrganization, OrganizationSwitcher, OrganizationProfile and
// OrganizationList. The signed-in user acts as a member of the
// organization, within their role's permissions; the changes themselves
// are the domain functions the Backend API uses too (createOrg, updateOrg,
// deleteOrg, setOrgLogo, …), so both fire the same webhooks.

// The system permissions the Frontend API checks.
const (
	permProfileManage     = "org:sys_profile:manage"
	permProfileDelete     = "org:sys_profile:delete"
	permMembershipsRead   = "org:sys_memberships:read"
	permMembershipsManage = "org:sys_memberships:manage"
	permDomainsRead       = "org:sys_domains:read"
	permDomainsManage     = "org:sys_domains:manage"
)

// orgRoutes registers the Frontend API's organization operations.
func (inst *Instance) orgRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/organizations", inst.meHandler(inst.fapiCreateOrg))
	mux.HandleFunc("GET /v1/organizations/{id}", inst.orgHandler("", inst.fapiGetOrg))
	mux.HandleFunc("PATCH /v1/organizations/{id}", inst.orgHandler(permProfileManage, inst.fapiUpdateOrg))
	mux.HandleFunc("DELETE /v1/organizations/{id}", inst.orgHandler(permProfileDelete, inst.fapiDeleteOrg))
	mux.HandleFunc("PUT /v1/organizations/{id}/logo", inst.fapiUploadOrgLogo)
	mux.HandleFunc("DELETE /v1/organizations/{id}/logo", inst.orgHandler(permProfileManage, inst.fapiDeleteOrgLogo))
	mux.HandleFunc("GET /v1/organizations/{id}/roles", inst.orgHandler("", inst.fapiOrgRoles))
	mux.HandleFunc("GET /v1/me/organization_creation_defaults", inst.meHandler(inst.fapiOrgCreationDefaults))
	inst.orgMembershipRoutes(mux)
	inst.orgInvitationRoutes(mux)
	inst.orgDomainRoutes(mux)
	inst.orgSuggestionRoutes(mux)
}

// orgAccess is a Frontend API request on an organization the signed-in
// user is a member of.
type orgAccess struct {
	x     *fapiCall
	u     *user
	o     *organization
	m     *membership
	perms []string
}

// can reports whether the member's role grants perm.
func (a *orgAccess) can(perm string) bool { return slices.Contains(a.perms, perm) }

// errNotAllowed is Clerk's answer to a member whose role lacks perm.
func errNotAllowed(perm string) error {
	return newAPIError(http.StatusForbidden, "not_allowed_access", "not allowed",
		"Your role in this organization does not have the "+perm+" permission.", nil)
}

// errOrgNotFound answers an organization that does not exist or that the
// user is not a member of, alike: non-members learn nothing about it.
var errOrgNotFound = newAPIError(http.StatusNotFound, "organization_not_found_or_unauthorized", "not found",
	"No organization with this id has the signed-in user as a member.", paramMeta("organization_id"))

// orgAccessFor loads the organization idOrSlug and the user's membership
// of it with its role's permissions.
func orgAccessFor(x *fapiCall, u *user, idOrSlug string) (*orgAccess, error) {
	o, err := orgByIDOrSlug(x.t, idOrSlug)
	if errors.Is(err, errNotFound) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, err
	}
	id, err := x.t.memberships().idFor(o.ID, u.ID)
	if errors.Is(err, errNotFound) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, err
	}
	var m membership
	if err := x.t.memberships().load(id, &m); err != nil {
		return nil, err
	}
	a := &orgAccess{x: x, u: u, o: o, m: &m}
	if r, err := roleByKey(x.t, m.Role); err == nil {
		a.perms = r.Permissions
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	return a, nil
}

// orgHandler serves an operation on the path's organization ({id}) to a
// signed-in member whose role grants perm ("" for any member).
func (inst *Instance) orgHandler(perm string, fn func(a *orgAccess) (any, error)) http.HandlerFunc {
	return inst.meHandler(func(x *fapiCall, u *user) (any, error) {
		a, err := orgAccessFor(x, u, x.r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		if perm != "" && !a.can(perm) {
			return nil, errNotAllowed(perm)
		}
		return fn(a)
	})
}

// fapiOrgJSON is an organization as its members see it: no private
// metadata, with the member and pending invitation counts, and
// localclerk's avatar when it has no logo.
func (inst *Instance) fapiOrgJSON(x *fapiCall, o *organization) (*organizationWire, error) {
	members, err := orgMemberships(x.t, o.ID)
	if err != nil {
		return nil, err
	}
	pending, err := orgInvitations(x.t, o.ID, func(oi *orgInvitation) bool { return oi.status(x.now) == "pending" })
	if err != nil {
		return nil, err
	}
	n, p := len(members), len(pending)
	oj := orgJSON(o, &n)
	oj.PrivateMetadata, oj.CreatedBy = nil, ""
	oj.PendingInvitationsCount = &p
	oj.SelfServeSSOEnabled = new(bool)
	if !o.hasLogo() {
		oj.ImageURL = x.avatar()
	}
	return oj, nil
}

// errOrgCreateNotAllowed answers a user who may not create organizations.
var errOrgCreateNotAllowed = newAPIError(http.StatusForbidden, "not_allowed_access", "not allowed",
	"Creating organizations is turned off for this user or instance.", nil)

// mayCreateOrg applies the instance's and the user's organization
// creation settings: organizations on, creation allowed for the user,
// and fewer organizations created than the user's limit.
func mayCreateOrg(t *txn, u *user) error {
	settings, err := loadOrgSettings(t)
	if err != nil {
		return err
	}
	if !settings.Enabled || u.NoCreateOrg {
		return errOrgCreateNotAllowed
	}
	if u.CreateOrgLimit == nil || *u.CreateOrgLimit == 0 {
		return nil
	}
	created := 0
	if err := t.orgs().each(func(o *organization) bool {
		if o.CreatedBy == u.ID {
			created++
		}
		return true
	}); err != nil {
		return err
	}
	if int64(created) >= *u.CreateOrgLimit {
		return newAPIError(http.StatusForbidden, "organization_quota_exceeded", "organization quota exceeded",
			"You have reached the maximum number of organizations you can create ("+strconv.FormatInt(*u.CreateOrgLimit, 10)+").", nil)
	}
	return nil
}

// fapiCreateOrg creates an organization with the signed-in user as its
// first member, in the instance's creator role (CreateOrganization); the
// client's session may then make it active (setActive).
func (inst *Instance) fapiCreateOrg(x *fapiCall, u *user) (any, error) {
	if err := mayCreateOrg(x.t, u); err != nil {
		return nil, err
	}
	p := &orgParams{CreatedBy: &u.ID}
	if _, ok := x.form["name"]; ok {
		p.Name = new(x.form.Get("name"))
	}
	if s := strings.TrimSpace(x.form.Get("slug")); s != "" {
		p.Slug = &s
	}
	o, err := inst.createOrg(x.t, p, x.now)
	if err != nil {
		return nil, err
	}
	return inst.fapiOrgJSON(x, o)
}

func (inst *Instance) fapiGetOrg(a *orgAccess) (any, error) { return inst.fapiOrgJSON(a.x, a.o) }

// fapiUpdateOrg renames the organization or changes its slug.
func (inst *Instance) fapiUpdateOrg(a *orgAccess) (any, error) {
	p := &orgParams{}
	if _, ok := a.x.form["name"]; ok {
		p.Name = new(a.x.form.Get("name"))
	}
	if _, ok := a.x.form["slug"]; ok {
		s := strings.TrimSpace(a.x.form.Get("slug"))
		if s == "" {
			return nil, errInvalid("slug", "slug must not be empty.")
		}
		p.Slug = &s
	}
	if err := updateOrg(a.x.t, a.o, p, a.x.now); err != nil {
		return nil, err
	}
	return inst.fapiOrgJSON(a.x, a.o)
}

// fapiDeleteOrg deletes the organization when its admin_delete_enabled
// allows members to.
func (inst *Instance) fapiDeleteOrg(a *orgAccess) (any, error) {
	if !a.o.AdminDeleteEnabled {
		return nil, newAPIError(http.StatusForbidden, "organization_admin_delete_not_enabled", "deletion not enabled",
			"Deleting this organization from the application is turned off (admin_delete_enabled).", nil)
	}
	if err := deleteOrg(a.x.t, a.o, a.x.now); err != nil {
		return nil, err
	}
	return deletedOrgJSON(a.o), nil
}

// fapiUploadOrgLogo reads the multipart upload before the transaction, as
// the Backend API does, and stores it as the organization's logo.
func (inst *Instance) fapiUploadOrgLogo(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLogo+64<<10)
	up, err := parseLogoUpload(r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	up.uploaderID = ""
	r.Header.Del("Content-Type") // the body is spent: no form to parse
	inst.orgHandler(permProfileManage, func(a *orgAccess) (any, error) {
		up.uploaderID = a.u.ID
		if err := inst.setOrgLogo(a.x.t, a.o, up, a.x.now); err != nil {
			return nil, err
		}
		return inst.fapiOrgJSON(a.x, a.o)
	})(w, r)
}

func (inst *Instance) fapiDeleteOrgLogo(a *orgAccess) (any, error) {
	if err := removeOrgLogo(a.x.t, a.o, a.x.now); err != nil {
		return nil, err
	}
	return deletedJSON("organization_logo", a.o.ID), nil
}

// fapiOrgRoles lists the instance's organization roles, as the member
// role pickers of OrganizationProfile show them.
func (inst *Instance) fapiOrgRoles(a *orgAccess) (any, error) {
	if err := ensureDefaultRoles(a.x.t, a.x.now); err != nil {
		return nil, err
	}
	roles, err := a.x.t.roles().list()
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(roles, func(x, y *role) int { return cmpInt(x.CreatedAt, y.CreatedAt) })
	list := []any{}
	for _, ro := range roles {
		j, err := roleJSON(a.x.t, ro)
		if err != nil {
			return nil, err
		}
		list = append(list, j)
	}
	return fapiPage(a.x, list), nil
}

// orgCreationDefaultsWire is what CreateOrganization pre-fills: nothing,
// as localclerk has no organization creation defaults.
type orgCreationDefaultsWire struct {
	Form     *orgCreationFormWire `json:"form"`
	Advisory alwaysNull           `json:"advisory"`
}

type orgCreationFormWire struct {
	Name *string `json:"name"`
	Logo *string `json:"logo"`
}

func (inst *Instance) fapiOrgCreationDefaults(x *fapiCall, u *user) (any, error) {
	return &orgCreationDefaultsWire{Form: &orgCreationFormWire{}}, nil
}
