package localclerk

// memberships returns the organization memberships' repository of t.
func (t *txn) memberships() membershipRepo {
	return membershipRepo{newRepo(t, kindMembership, func(m *membership) string { return m.ID })}
}

// membershipRepo is the organization memberships' repository.
type membershipRepo struct{ repo[membership] }
