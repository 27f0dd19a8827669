package localclerk

// The sessions' and clients' repositories, with the records that tie a
// browser to its client: development browsers and handshake nonces.

// sessions returns the sessions' repository of t.
func (t *txn) sessions() repo[session] {
	return newRepo(t, kindSession, func(s *session) string { return s.ID })
}

// clients returns the clients' repository of t.
func (t *txn) clients() repo[client] {
	return newRepo(t, kindClient, func(c *client) string { return c.ID })
}

// devBrowsers returns the development browsers' repository of t.
func (t *txn) devBrowsers() repo[devBrowser] {
	return newRepo(t, kindDevBrowser, func(d *devBrowser) string { return d.ID })
}

// nonces returns the handshake nonces' repository of t.
func (t *txn) nonces() repo[handshakeNonce] {
	return newRepo(t, kindNonce, func(n *handshakeNonce) string { return n.ID })
}
