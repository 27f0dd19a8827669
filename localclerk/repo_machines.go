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

// apiKeySecrets returns the unique keys of the API keys' secrets.
func (t *txn) apiKeySecrets() uniqueKeys { return uniqueKeys{t, nsAPISecret} }

// m2mTokenValues returns the unique keys of the M2M tokens' values.
func (t *txn) m2mTokenValues() uniqueKeys { return uniqueKeys{t, nsM2MToken} }

// machineKeys returns the unique keys of the machines' current and previous secret keys.
func (t *txn) machineKeys() uniqueKeys { return uniqueKeys{t, nsMachineKey} }

// oauthTokenValues returns the unique keys of the OAuth access tokens' values.
func (t *txn) oauthTokenValues() uniqueKeys { return uniqueKeys{t, nsOAuthToken} }
