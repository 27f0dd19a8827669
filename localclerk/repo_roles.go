package localclerk

// The organization roles' and permissions' repositories.

// roles returns the roles' repository of t.
func (t *txn) roles() repo[role] {
	return newRepo(t, kindRole, func(r *role) string { return r.ID })
}

// permissions returns the permissions' repository of t.
func (t *txn) permissions() repo[permission] {
	return newRepo(t, kindPermission, func(p *permission) string { return p.ID })
}

// roleKeys returns the unique keys of the roles' keys.
func (t *txn) roleKeys() uniqueKeys { return uniqueKeys{t, nsRoleKey} }

// permissionKeys returns the unique keys of the permissions' keys.
func (t *txn) permissionKeys() uniqueKeys { return uniqueKeys{t, nsPermKey} }
