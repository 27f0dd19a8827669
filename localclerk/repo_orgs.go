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

// orgSlugs returns the unique keys of the organizations' slugs.
func (t *txn) orgSlugs() uniqueKeys { return uniqueKeys{t, nsSlug} }

// orgDomainNames returns the unique keys of the organization domains' names.
func (t *txn) orgDomainNames() uniqueKeys { return uniqueKeys{t, nsOrgDomain} }
