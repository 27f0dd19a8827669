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

// invitedAddresses returns the unique keys of the addresses with a pending instance invitation.
func (t *txn) invitedAddresses() uniqueKeys { return uniqueKeys{t, nsInviteAddress} }

// invitationTickets returns the unique keys of the instance invitations' tickets.
func (t *txn) invitationTickets() uniqueKeys { return uniqueKeys{t, nsInviteTicket} }

// orgInvitedAddresses returns the unique keys of the organization id|address pairs with a pending invitation.
func (t *txn) orgInvitedAddresses() uniqueKeys { return uniqueKeys{t, nsOrgInvitePending} }

// orgInvitationTickets returns the unique keys of the organization invitations' tickets.
func (t *txn) orgInvitationTickets() uniqueKeys { return uniqueKeys{t, nsOrgInviteTicket} }
