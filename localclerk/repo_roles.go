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
