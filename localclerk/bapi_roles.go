package localclerk

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Organization roles and permissions: the built-in roles, custom roles
// and permissions (create, get, list, update, delete), and adding or
// removing one permission of a role. Roles hold permission keys, so a permission's new key or its deletion is carried into every
// role in the same transaction.

type permissionPatch struct {
	Name        *string `json:"name"`
	Key         *string `json:"key"`
	Description *string `json:"description"`
}

func (inst *Instance) bapiGetPermission(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var pm permission
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.permissions().load(r.PathValue("id"), &pm) }); err != nil {
		return nil, 0, notFoundAs(err, "permission")
	}
	return permissionJSON(&pm), 0, nil
}

// rewriteRolePermissions replaces (or, with to "", removes) a permission
// key in every role.
func rewriteRolePermissions(t *txn, from, to string, now time.Time) error {
	roles, err := t.roles().list()
	if err != nil {
		return err
	}
	for _, ro := range roles {
		i := slices.Index(ro.Permissions, from)
		if i < 0 {
			continue
		}
		if to == "" || slices.Contains(ro.Permissions, to) {
			ro.Permissions = slices.Delete(ro.Permissions, i, i+1)
		} else {
			ro.Permissions[i] = to
		}
		ro.UpdatedAt = ms(now)
		if err := t.roles().put(ro); err != nil {
			return err
		}
	}
	return nil
}

func (inst *Instance) bapiUpdatePermission(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p permissionPatch
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var pm permission
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.permissions().load(r.PathValue("id"), &pm); err != nil {
			return notFoundAs(err, "permission")
		}
		if p.Name != nil {
			if strings.TrimSpace(*p.Name) == "" {
				return errMissing("name")
			}
			pm.Name = *p.Name
		}
		if p.Description != nil {
			pm.Description = *p.Description
		}
		if p.Key != nil && *p.Key != pm.Key {
			if !permKeyRe.MatchString(*p.Key) || strings.HasPrefix(*p.Key, "org:sys_") {
				return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "key", "key must look like org:<feature>:<action>.")
			}
			if err := t.permissionKeys().release(pm.ID); err != nil {
				return err
			}
			if err := t.permissionKeys().claim(*p.Key, pm.ID); err != nil {
				return conflictAs(err, errTaken("key", "A permission with key "+*p.Key+" already exists."))
			}
			if err := rewriteRolePermissions(t, pm.Key, *p.Key, now); err != nil {
				return err
			}
			pm.Key = *p.Key
		}
		pm.UpdatedAt = ms(now)
		t.emit("permission.updated", permissionJSON(&pm))
		return t.permissions().put(&pm)
	})
	if err != nil {
		return nil, 0, err
	}
	return permissionJSON(&pm), 0, nil
}

func (inst *Instance) bapiDeletePermission(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		var pm permission
		if err := t.permissions().load(id, &pm); err != nil {
			return notFoundAs(err, "permission")
		}
		if err := rewriteRolePermissions(t, pm.Key, "", inst.now()); err != nil {
			return err
		}
		t.emit("permission.deleted", permissionJSON(&pm))
		return t.permissions().del(id)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("permission", id), 0, nil
}

// creatorRole is the role an organization's creator gets; Clerk refuses
// to delete it.
const creatorRole = "org:admin"

// roleInUse refuses to delete a role, or change its key, while members
// hold it.
func roleInUse(t *txn, key string) error {
	mems, err := t.memberships().list()
	if err != nil {
		return err
	}
	for _, m := range mems {
		if m.Role == key {
			return newAPIError(http.StatusUnprocessableEntity, "organization_role_assigned_members", "role is assigned to members",
				"The organization role is currently assigned to one or more organization members.", nil)
		}
	}
	return nil
}

// resolvePermission finds a permission by id or key.
func resolvePermission(t *txn, idOrKey string) (*permission, error) {
	var pm permission
	if err := t.permissions().load(idOrKey, &pm); err == nil {
		return &pm, nil
	}
	p, err := permissionByKey(t, idOrKey)
	return p, notFoundAs(err, "permission")
}

// changeRole loads the role the path names, applies change and answers
// with the stored role.
func (inst *Instance) changeRole(r *http.Request, change func(t *txn, ro *role) error) (any, int, error) {
	var out *roleWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		var ro role
		if err := t.roles().load(r.PathValue("id"), &ro); err != nil {
			return notFoundAs(err, "role")
		}
		if err := change(t, &ro); err != nil {
			return err
		}
		ro.UpdatedAt = ms(inst.now())
		if err := t.roles().put(&ro); err != nil {
			return err
		}
		var err error
		if out, err = roleJSON(t, &ro); err != nil {
			return err
		}
		t.emit("role.updated", out)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiUpdateRole(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Name        *string   `json:"name"`
		Key         *string   `json:"key"`
		Description *string   `json:"description"`
		Permissions *[]string `json:"permissions"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	return inst.changeRole(r, func(t *txn, ro *role) error {
		if p.Name != nil {
			if strings.TrimSpace(*p.Name) == "" {
				return errMissing("name")
			}
			ro.Name = *p.Name
		}
		if p.Description != nil {
			ro.Description = *p.Description
		}
		if p.Key != nil && *p.Key != ro.Key {
			if !roleKeyRe.MatchString(*p.Key) {
				return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "key", "key must look like org:<name>.")
			}
			if err := roleInUse(t, ro.Key); err != nil {
				return err
			}
			if err := t.roleKeys().release(ro.ID); err != nil {
				return err
			}
			if err := t.roleKeys().claim(*p.Key, ro.ID); err != nil {
				return conflictAs(err, errTaken("key", "A role with key "+*p.Key+" already exists."))
			}
			ro.Key = *p.Key
		}
		if p.Permissions != nil {
			perms := []string{}
			for _, k := range *p.Permissions {
				if strings.HasPrefix(k, "org:sys_") && permKeyRe.MatchString(k) {
					perms = append(perms, k) // system permissions have no records
					continue
				}
				pm, err := resolvePermission(t, k)
				if err != nil {
					return errInvalid("permissions", "permission "+k+" does not exist.")
				}
				if !slices.Contains(perms, pm.Key) {
					perms = append(perms, pm.Key)
				}
			}
			ro.Permissions = perms
		}
		return nil
	})
}

// bapiRolePermission adds (add) or removes a permission of a role.
func (inst *Instance) bapiRolePermission(add bool) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		return inst.changeRole(r, func(t *txn, ro *role) error {
			pm, err := resolvePermission(t, r.PathValue("perm"))
			if err != nil {
				return err
			}
			i := slices.Index(ro.Permissions, pm.Key)
			switch {
			case add && i >= 0:
				return newAPIError(http.StatusConflict, "organization_role_permission_association_exists", "already assigned",
					"The role already has permission "+pm.Key+".", nil)
			case add:
				ro.Permissions = append(ro.Permissions, pm.Key)
			case i < 0:
				return newAPIError(http.StatusNotFound, "organization_role_permission_association_not_found", "not assigned",
					"The role does not have permission "+pm.Key+".", nil)
			default:
				ro.Permissions = slices.Delete(ro.Permissions, i, i+1)
			}
			return nil
		})
	}
}

// Built-in organization roles and the system permissions they carry.
var defaultRoles = []role{
	{Key: "org:admin", Name: "Admin", Description: "Manages the organization and its members.",
		Permissions: []string{"org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read",
			"org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage"}},
	{Key: "org:member", Name: "Member", Description: "A regular member.",
		Permissions: []string{"org:sys_memberships:read"}},
}

func permType(key string) string {
	if strings.HasPrefix(key, "org:sys_") {
		return "system"
	}
	return "user"
}

func permissionByKey(t *txn, key string) (*permission, error) {
	id, err := t.permissionKeys().owner(key)
	if err != nil {
		return nil, err
	}
	var p permission
	return &p, t.permissions().load(id, &p)
}

// ensureDefaultRoles creates the built-in roles once.
func ensureDefaultRoles(t *txn, now time.Time) error {
	for _, d := range defaultRoles {
		if _, err := t.roleKeys().owner(d.Key); err == nil {
			continue
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		r := d
		r.ID = newID("role")
		r.CreatedAt, r.UpdatedAt = ms(now), ms(now)
		if _, err := putRole(t, &r); err != nil {
			return err
		}
	}
	return nil
}

func putRole(t *txn, r *role) (*role, error) {
	err := t.roleKeys().claim(r.Key, r.ID)
	if errors.Is(err, errConflict) {
		return nil, errTaken("key", "A role with key "+r.Key+" already exists.")
	}
	if err != nil {
		return nil, err
	}
	return r, t.roles().put(r)
}

// nameKeyList reads the query and order_by of the role and permission
// lists: query matches an id exactly or part of a name or key; order_by
// is created_at (the default, newest first), name or key.
type nameKeyList struct {
	query, field string
	desc         bool
}

func parseNameKeyList(q url.Values) (nameKeyList, error) {
	field, desc, err := orderBy(q, "-created_at", "created_at", "name", "key")
	return nameKeyList{query: q.Get("query"), field: field, desc: desc}, err
}

func (l nameKeyList) match(id, name, key string) bool {
	lq := strings.ToLower(l.query)
	return l.query == "" || l.query == id || strings.Contains(strings.ToLower(name), lq) || strings.Contains(strings.ToLower(key), lq)
}

// nameKeyApply filters and sorts items by l; fields gives an item's id,
// name, key and creation time.
func nameKeyApply[T any](l nameKeyList, items []*T, fields func(*T) (id, name, key string, created int64)) []*T {
	var keep []*T
	for _, it := range items {
		if id, name, key, _ := fields(it); l.match(id, name, key) {
			keep = append(keep, it)
		}
	}
	sortBy(keep, l.desc, func(a, b *T) int {
		_, an, ak, ac := fields(a)
		_, bn, bk, bc := fields(b)
		switch l.field {
		case "name":
			return cmpStr(an, bn)
		case "key":
			return cmpStr(ak, bk)
		}
		return cmpInt(ac, bc)
	})
	return keep
}

func (inst *Instance) bapiListRoles(w http.ResponseWriter, r *http.Request) (any, int, error) {
	limit, offset, err := paging(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	list, err := parseNameKeyList(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	var data []any
	total := 0
	err = inst.store.update(r.Context(), func(t *txn) error {
		if err := ensureDefaultRoles(t, inst.now()); err != nil {
			return err
		}
		roles, err := t.roles().list()
		if err != nil {
			return err
		}
		roles = nameKeyApply(list, roles, func(ro *role) (string, string, string, int64) { return ro.ID, ro.Name, ro.Key, ro.CreatedAt })
		total = len(roles)
		data, err = pageJSON(roles, limit, offset, func(ro *role) (any, error) { return roleJSON(t, ro) })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: data, TotalCount: total}, 0, nil
}

type roleParams struct {
	Name        string   `json:"name"`
	Key         string   `json:"key"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
}

var roleKeyRe = regexp.MustCompile(`^org:[a-z0-9_]{1,64}$`)

func (inst *Instance) createRole(t *txn, p *roleParams, id string, now time.Time) (*role, error) {
	if p.Name == "" {
		return nil, errMissing("name")
	}
	if !roleKeyRe.MatchString(p.Key) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "key", "key must look like org:<name>.")
	}
	if err := ensureDefaultRoles(t, now); err != nil {
		return nil, err
	}
	perms := []string{}
	for _, k := range p.Permissions {
		if pm, err := permissionByKey(t, k); err == nil {
			perms = append(perms, pm.Key)
			continue
		}
		var pm permission
		if err := t.permissions().load(k, &pm); err == nil {
			perms = append(perms, pm.Key)
			continue
		}
		if !permKeyRe.MatchString(k) {
			return nil, errInvalid("permissions", "permission "+k+" does not exist.")
		}
		perms = append(perms, k)
	}
	if id == "" {
		id = newID("role")
	}
	return putRole(t, &role{ID: id, Key: p.Key, Name: p.Name, Description: p.Description, Permissions: perms,
		CreatedAt: ms(now), UpdatedAt: ms(now)})
}

func (inst *Instance) bapiCreateRole(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p roleParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var out *roleWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		ro, err := inst.createRole(t, &p, "", inst.now())
		if err != nil {
			return err
		}
		if out, err = roleJSON(t, ro); err != nil {
			return err
		}
		t.emit("role.created", out)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiGetRole(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out *roleWire
	err := inst.store.view(r.Context(), func(t *txn) error {
		var ro role
		if err := t.roles().load(r.PathValue("id"), &ro); err != nil {
			return notFoundAs(err, "role")
		}
		var err error
		out, err = roleJSON(t, &ro)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiDeleteRole(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		var ro role
		if err := t.roles().load(id, &ro); err != nil {
			return notFoundAs(err, "role")
		}
		if ro.Key == creatorRole {
			return newAPIError(http.StatusUnprocessableEntity, "organization_role_default_creator_role", "role is the creator role",
				"The organization role cannot be deleted as it is currently used as the creator role.", nil)
		}
		if err := roleInUse(t, ro.Key); err != nil {
			return err
		}
		j, err := roleJSON(t, &ro)
		if err != nil {
			return err
		}
		t.emit("role.deleted", j)
		return t.roles().del(id)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("role", id), 0, nil
}

func (inst *Instance) bapiListPermissions(w http.ResponseWriter, r *http.Request) (any, int, error) {
	limit, offset, err := paging(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	list, err := parseNameKeyList(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	var data []any
	total := 0
	err = inst.store.view(r.Context(), func(t *txn) error {
		ps, err := t.permissions().list()
		if err != nil {
			return err
		}
		ps = nameKeyApply(list, ps, func(p *permission) (string, string, string, int64) { return p.ID, p.Name, p.Key, p.CreatedAt })
		total = len(ps)
		data, _ = pageJSON(ps, limit, offset, infallible(permissionJSON))
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: data, TotalCount: total}, 0, nil
}

type permissionParams struct {
	Name        string `json:"name"`
	Key         string `json:"key"`
	Description string `json:"description"`
}

func createPermission(t *txn, p *permissionParams, id string, now time.Time) (*permission, error) {
	if p.Name == "" {
		return nil, errMissing("name")
	}
	if !permKeyRe.MatchString(p.Key) || strings.HasPrefix(p.Key, "org:sys_") {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "key", "key must look like org:<feature>:<action>.")
	}
	if id == "" {
		id = newID("perm")
	}
	pm := &permission{ID: id, Key: p.Key, Name: p.Name, Description: p.Description, Type: "user", CreatedAt: ms(now), UpdatedAt: ms(now)}
	err := t.permissionKeys().claim(pm.Key, pm.ID)
	if errors.Is(err, errConflict) {
		return nil, errTaken("key", "A permission with key "+pm.Key+" already exists.")
	}
	if err != nil {
		return nil, err
	}
	return pm, t.permissions().put(pm)
}

func (inst *Instance) bapiCreatePermission(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p permissionParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var pm *permission
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if pm, err = createPermission(t, &p, "", inst.now()); err != nil {
			return err
		}
		t.emit("permission.created", permissionJSON(pm))
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return permissionJSON(pm), 0, nil
}

var permKeyRe = regexp.MustCompile(`^org:[a-z0-9_]{1,64}:[a-z0-9_]{1,64}$`)
