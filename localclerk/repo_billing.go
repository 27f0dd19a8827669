package localclerk

// The billing repositories: each payer's credit balance and the credit
// ledger.

// creditLedger returns the credit ledger entries' repository of t.
func (t *txn) creditLedger() repo[creditLedgerEntry] {
	return newRepo(t, kindCreditLedger, func(e *creditLedgerEntry) string { return e.ID })
}

// creditBalanceRepo holds one credit balance per payer, stored under the
// payer's user or organization id.
type creditBalanceRepo struct{ t *txn }

// creditBalances returns the credit balances' repository of t.
func (t *txn) creditBalances() creditBalanceRepo { return creditBalanceRepo{t} }

// load decodes owner's balance into b; errNotFound when it never had
// one.
func (r creditBalanceRepo) load(owner string, b *creditBalance) error {
	return r.t.get(kindCreditBalance, owner, b)
}

// put stores owner's balance.
func (r creditBalanceRepo) put(owner string, b *creditBalance) error {
	return r.t.put(kindCreditBalance, owner, b)
}

// del deletes owner's balance; errNotFound when it has none.
func (r creditBalanceRepo) del(owner string) error { return r.t.del(kindCreditBalance, owner) }

// creditIdempotencyKeys returns the unique keys of the credit ledger's idempotency keys.
func (t *txn) creditIdempotencyKeys() uniqueKeys { return uniqueKeys{t, nsCreditIdem} }
