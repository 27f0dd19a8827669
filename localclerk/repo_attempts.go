package localclerk

// The repositories of sign-ins and sign-ups in progress: the Frontend
// API's attempts and the hosted pages' pending sign-ups.

// signInAttempts returns the Frontend API sign-ins' repository of t.
func (t *txn) signInAttempts() repo[signInAttempt] {
	return newRepo(t, kindFAPISignIn, func(a *signInAttempt) string { return a.ID })
}

// signUpAttempts returns the Frontend API sign-ups' repository of t.
func (t *txn) signUpAttempts() repo[signUpAttempt] {
	return newRepo(t, kindFAPISignUp, func(a *signUpAttempt) string { return a.ID })
}

// pendingSignUps returns the hosted pages' pending sign-ups (waiting for
// their e-mail code) of t.
func (t *txn) pendingSignUps() repo[pendingSignUp] {
	return newRepo(t, kindCode, func(p *pendingSignUp) string { return p.ID })
}
