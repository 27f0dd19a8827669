package localclerk

import (
	"errors"
	"net/http"
	"slices"
	"strings"
)

// An organization's members as OrganizationProfile's "Members" page
// manages them, and leaving an organization. Clerk's rules: reading the
// members needs org:sys_memberships:read, adding, changing and removing
// them org:sys_memberships:manage, and an organization always keeps a
// member who can manage its memberships — the last one can neither leave
// nor lose the role nor be removed.

func (inst *Instance) orgMembershipRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/organizations/{id}/memberships", inst.orgHandler(permMembershipsRead, inst.fapiListMemberships))
	mux.HandleFunc("POST /v1/organizations/{id}/memberships", inst.orgHandler(permMembershipsManage, inst.fapiAddMember))
	mux.HandleFunc("PATCH /v1/organizations/{id}/memberships/{uid}", inst.orgHandler(permMembershipsManage, inst.fapiUpdateMember))
	mux.HandleFunc("DELETE /v1/organizations/{id}/memberships/{uid}", inst.orgHandler(permMembershipsManage, inst.fapiRemoveMember))
	mux.HandleFunc("DELETE /v1/me/organization_memberships/{id}", inst.orgHandler("", inst.fapiLeaveOrg))
}

// errLastManager is Clerk's answer when a change would leave the
// organization without a member who can manage its memberships.
var errLastManager = newAPIError(http.StatusForbidden, "organization_minimum_permissions_needed", "minimum permissions needed",
	"There has to be at least one organization member with the permission to manage memberships (org:sys_memberships:manage).", nil)

// keepsAManager fails with errLastManager when m is the organization's
// last member able to manage memberships and newRole ("" for leaving)
// cannot.
func keepsAManager(t *txn, m *membership, newRole string) error {
	manages := func(key string) (bool, error) {
		if key == "" {
			return false, nil
		}
		r, err := roleByKey(t, key)
		if errors.Is(err, errNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return slices.Contains(r.Permissions, permMembershipsManage), nil
	}
	if ok, err := manages(m.Role); err != nil || !ok {
		return err // m is no manager: nothing is lost
	}
	if ok, err := manages(newRole); err != nil || ok {
		return err
	}
	mems, err := orgMemberships(t, m.OrgID)
	if err != nil {
		return err
	}
	for _, other := range mems {
		if other.ID == m.ID {
			continue
		}
		if ok, err := manages(other.Role); err != nil || ok {
			return err
		}
	}
	return errLastManager
}

// fapiListMemberships pages the members (limit, offset), filtered by role
// (repeatable) and by query (part of a name, username or address).
func (inst *Instance) fapiListMemberships(a *orgAccess) (any, error) {
	q := a.x.r.URL.Query()
	roles := multi(q, "role")
	query := strings.ToLower(strings.TrimSpace(q.Get("query")))
	mems, err := orgMemberships(a.x.t, a.o.ID)
	if err != nil {
		return nil, err
	}
	list := []any{}
	for _, m := range mems {
		if len(roles) > 0 && !slices.Contains(roles, m.Role) {
			continue
		}
		if query != "" {
			u, err := a.x.t.users().get(m.UserID)
			if err != nil {
				return nil, err
			}
			hay := strings.ToLower(strings.Join([]string{deref(u.FirstName), deref(u.LastName), deref(u.Username), u.ID, strings.Join(userIdentifiers(u), " ")}, " "))
			if !strings.Contains(hay, query) {
				continue
			}
		}
		j, err := inst.fapiMembershipJSON(a.x, m)
		if err != nil {
			return nil, err
		}
		list = append(list, j)
	}
	return fapiPage(a.x, list), nil
}

// fapiAddMember adds an existing user (user_id) with a role.
func (inst *Instance) fapiAddMember(a *orgAccess) (any, error) {
	uid, role := a.x.form.Get("user_id"), a.x.form.Get("role")
	if uid == "" {
		return nil, errMissing("user_id")
	}
	if role == "" {
		return nil, errMissing("role")
	}
	if err := ensureDefaultRoles(a.x.t, a.x.now); err != nil {
		return nil, err
	}
	m, err := addMember(a.x.t, a.o, uid, role, a.x.now)
	if err != nil {
		return nil, err
	}
	return inst.fapiMembershipJSON(a.x, m)
}

// memberOf loads the path's member ({uid}) of the organization.
func (a *orgAccess) memberOf(uid string) (*membership, error) {
	id, err := a.x.t.memberships().idFor(a.o.ID, uid)
	if err != nil {
		return nil, notFoundAs(err, "organization membership")
	}
	var m membership
	if err := a.x.t.memberships().load(id, &m); err != nil {
		return nil, notFoundAs(err, "organization membership")
	}
	return &m, nil
}

func (inst *Instance) fapiUpdateMember(a *orgAccess) (any, error) {
	role := a.x.form.Get("role")
	if role == "" {
		return nil, errMissing("role")
	}
	m, err := a.memberOf(a.x.r.PathValue("uid"))
	if err != nil {
		return nil, err
	}
	if _, err := roleByKey(a.x.t, role); errors.Is(err, errNotFound) {
		return nil, errInvalid("role", "role must be the key of an existing organization role.")
	} else if err != nil {
		return nil, err
	}
	if err := keepsAManager(a.x.t, m, role); err != nil {
		return nil, err
	}
	if _, err := setMemberRole(a.x.t, m, role, a.x.now); err != nil {
		return nil, err
	}
	return inst.fapiMembershipJSON(a.x, m)
}

func (inst *Instance) fapiRemoveMember(a *orgAccess) (any, error) {
	m, err := a.memberOf(a.x.r.PathValue("uid"))
	if err != nil {
		return nil, err
	}
	if err := keepsAManager(a.x.t, m, ""); err != nil {
		return nil, err
	}
	j, err := inst.fapiMembershipJSON(a.x, m)
	if err != nil {
		return nil, err
	}
	if _, err := removeMember(a.x.t, m, a.x.now); err != nil {
		return nil, err
	}
	return j, nil
}

// fapiLeaveOrg ends the signed-in user's own membership
// (OrganizationProfile's "Leave organization"); a session with the
// organization active falls back to the personal account.
func (inst *Instance) fapiLeaveOrg(a *orgAccess) (any, error) {
	if err := keepsAManager(a.x.t, a.m, ""); err != nil {
		return nil, err
	}
	if _, err := removeMember(a.x.t, a.m, a.x.now); err != nil {
		return nil, err
	}
	return deletedJSON("organization_membership", a.m.ID), nil
}
