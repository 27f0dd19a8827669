package localclerk

// The invitations' repositories: to the instance and to an organization.

// invitations returns the instance invitations' repository of t.
func (t *txn) invitations() repo[invitation] {
	return newRepo(t, kindInvitation, func(i *invitation) string { return i.ID })
}

// orgInvitations returns the organization invitations' repository of t.
func (t *txn) orgInvitations() repo[orgInvitation] {
	return newRepo(t, kindOrgInvitation, func(i *orgInvitation) string { return i.ID })
}
