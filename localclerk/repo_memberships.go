package localclerk

// memberships returns the organization memberships' repository of t.
func (t *txn) memberships() membershipRepo {
	return membershipRepo{newRepo(t, kindMembership, func(m *membership) string { return m.ID })}
}

// membershipRepo is the organization memberships' repository.
type membershipRepo struct{ repo[membership] }

// idFor returns the id of userID's membership of orgID; errNotFound when
// the user is not a member.
func (r membershipRepo) idFor(orgID, userID string) (string, error) {
	return r.t.lookup(nsMember, memberPair(orgID, userID))
}

// claimPair reserves the (orgID, userID) pair for membership id;
// errConflict when the user is already a member.
func (r membershipRepo) claimPair(orgID, userID, id string) error {
	return r.t.claim(nsMember, memberPair(orgID, userID), id)
}

// memberPair is the unique key of a user's membership of an organization.
func memberPair(orgID, userID string) string { return orgID + "|" + userID }
