package localclerk

// The repositories of one-time tickets: sign-in tokens and actor
// (impersonation) tokens.

// signInTokens returns the sign-in tokens' repository of t.
func (t *txn) signInTokens() repo[signInToken] {
	return newRepo(t, kindSignIn, func(s *signInToken) string { return s.ID })
}

// actorTokens returns the actor tokens' repository of t.
func (t *txn) actorTokens() repo[actorToken] {
	return newRepo(t, kindActorToken, func(a *actorToken) string { return a.ID })
}

// actorTickets returns the unique keys of the actor tokens' tickets.
func (t *txn) actorTickets() uniqueKeys { return uniqueKeys{t, nsActorTicket} }

// signInTickets returns the unique keys of the sign-in tokens' tickets.
func (t *txn) signInTickets() uniqueKeys { return uniqueKeys{t, nsTicket} }
