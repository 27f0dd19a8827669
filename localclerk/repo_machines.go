package localclerk

// The machine credentials' repositories: machines, API keys, M2M tokens
// and OAuth access tokens.

// machines returns the machines' repository of t.
func (t *txn) machines() repo[machine] {
	return newRepo(t, kindMachine, func(m *machine) string { return m.ID })
}

// apiKeys returns the API keys' repository of t.
func (t *txn) apiKeys() repo[apiKey] {
	return newRepo(t, kindAPIKey, func(k *apiKey) string { return k.ID })
}

// m2mTokens returns the M2M tokens' repository of t.
func (t *txn) m2mTokens() repo[m2mToken] {
	return newRepo(t, kindM2M, func(m *m2mToken) string { return m.ID })
}

// oauthTokens returns the OAuth access tokens' repository of t.
func (t *txn) oauthTokens() repo[oauthToken] {
	return newRepo(t, kindOAuth, func(o *oauthToken) string { return o.ID })
}
