package localclerk

// userRepo is the users' repository inside one transaction: the typed
// reads and writes of kindUser records.
type userRepo struct{ t *txn }

// users returns the users' repository of t.
func (t *txn) users() userRepo { return userRepo{t} }

// get loads a user; errNotFound when there is none.
func (r userRepo) get(id string) (*user, error) {
	var u user
	if err := r.t.get(kindUser, id, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// byEmail loads the user holding an e-mail address.
func (r userRepo) byEmail(addr string) (*user, error) {
	id, err := r.t.lookup(nsEmail, normEmail(addr))
	if err != nil {
		return nil, err
	}
	return r.get(id)
}

// put stores u as it is.
func (r userRepo) put(u *user) error { return r.t.put(kindUser, u.ID, u) }
