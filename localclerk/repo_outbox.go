package localclerk

// outboxMessages returns the outbox's repository of t: the messages
// localclerk would have sent (see outbox.go).
func (t *txn) outboxMessages() repo[outboxMessage] {
	return newRepo(t, kindOutbox, func(m *outboxMessage) string { return m.ID })
}
