package localclerk

// userRepo is the users' repository: kindUser records and their lookup by
// e-mail address (see identifierRepo for the unique keys themselves).
type userRepo struct{ repo[user] }

// users returns the users' repository of t.
func (t *txn) users() userRepo {
	return userRepo{newRepo(t, kindUser, func(u *user) string { return u.ID })}
}

// byEmail loads the user holding an e-mail address.
func (r userRepo) byEmail(addr string) (*user, error) {
	id, err := r.t.identifiers().emailOwner(addr)
	if err != nil {
		return nil, err
	}
	return r.get(id)
}
