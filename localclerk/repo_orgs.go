package localclerk

// The organizations' repository and their verified domains' (see
// repo_memberships.go, repo_roles.go and repo_invitations.go for the
// rest of an organization).

// orgRepo is the organizations' repository.
type orgRepo struct{ repo[organization] }

// orgs returns the organizations' repository of t.
func (t *txn) orgs() orgRepo {
	return orgRepo{newRepo(t, kindOrg, func(o *organization) string { return o.ID })}
}

// orgDomains returns the organization domains' repository of t.
func (t *txn) orgDomains() repo[orgDomain] {
	return newRepo(t, kindOrgDomain, func(d *orgDomain) string { return d.ID })
}
