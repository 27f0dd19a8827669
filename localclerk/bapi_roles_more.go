package localclerk

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Organization permissions (get, update, delete) and role updates,
// including adding and removing one permission. Roles hold permission
// keys, so a permission's new key or its deletion is carried into every
// role in the same transaction.

type permissionPatch struct {
	Name        *string `json:"name"`
	Key         *string `json:"key"`
	Description *string `json:"description"`
}

func (inst *Instance) bapiGetPermission(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var pm permission
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.get(kindPermission, r.PathValue("id"), &pm) }); err != nil {
		return nil, 0, notFoundAs(err, "permission")
	}
	return permissionJSON(&pm), 0, nil
}

// rewriteRolePermissions replaces (or, with to "", removes) a permission
// key in every role.
func rewriteRolePermissions(t *txn, from, to string, now time.Time) error {
	roles, err := all[role](t, kindRole)
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
		if err := t.put(kindRole, ro.ID, ro); err != nil {
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
		if err := t.get(kindPermission, r.PathValue("id"), &pm); err != nil {
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
			if err := t.release(nsPermKey, pm.ID); err != nil {
				return err
			}
			if err := t.claim(nsPermKey, *p.Key, pm.ID); err != nil {
				return conflictAs(err, errTaken("key", "A permission with key "+*p.Key+" already exists."))
			}
			if err := rewriteRolePermissions(t, pm.Key, *p.Key, now); err != nil {
				return err
			}
			pm.Key = *p.Key
		}
		pm.UpdatedAt = ms(now)
		t.emit("permission.updated", permissionJSON(&pm))
		return t.put(kindPermission, pm.ID, &pm)
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
		if err := t.get(kindPermission, id, &pm); err != nil {
			return notFoundAs(err, "permission")
		}
		if err := rewriteRolePermissions(t, pm.Key, "", inst.now()); err != nil {
			return err
		}
		t.emit("permission.deleted", permissionJSON(&pm))
		return t.del(kindPermission, id)
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
	mems, err := all[membership](t, kindMembership)
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
	if err := t.get(kindPermission, idOrKey, &pm); err == nil {
		return &pm, nil
	}
	p, err := permissionByKey(t, idOrKey)
	return p, notFoundAs(err, "permission")
}

// changeRole loads the role the path names, applies change and answers
// with the stored role.
func (inst *Instance) changeRole(r *http.Request, change func(t *txn, ro *role) error) (any, int, error) {
	var out map[string]any
	err := inst.store.update(r.Context(), func(t *txn) error {
		var ro role
		if err := t.get(kindRole, r.PathValue("id"), &ro); err != nil {
			return notFoundAs(err, "role")
		}
		if err := change(t, &ro); err != nil {
			return err
		}
		ro.UpdatedAt = ms(inst.now())
		if err := t.put(kindRole, ro.ID, &ro); err != nil {
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
			if err := t.release(nsRoleKey, ro.ID); err != nil {
				return err
			}
			if err := t.claim(nsRoleKey, *p.Key, ro.ID); err != nil {
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
