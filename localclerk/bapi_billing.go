package localclerk

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Billing for users and organizations. localclerk has one plan, free: each
// user and organization is subscribed to it (or to the plan key a fixture
// gives it, which also feeds the pla claim), at no charge, from its
// creation on. The subscription is derived from the payer record, so its
// ids are stable without being stored. Credits are real: a persisted
// balance per payer, changed only through ledger entries written in the
// same transaction, with Clerk's idempotency-key semantics.

const (
	kindCreditBalance = "credit_balance"
	kindCreditLedger  = "credit_ledger"
	nsCreditIdem      = "credit_ledger:idempotency"
)

// billingCurrency is the only currency Clerk Billing charges in.
const billingCurrency = "USD"

// payer is the user or organization a billing operation is about.
type payer struct {
	id        string // user_… or org_…
	payerType string // "user" or "org"
	plan      string
	createdAt int64
}

// payerID is Clerk's payer id for a user or organization.
func (p *payer) payerID() string { return derivedID("cpayer", p.id) }

type creditBalance struct {
	PayerID   string `json:"payer_id"`
	Amount    int64  `json:"amount"`
	UpdatedAt int64  `json:"updated_at"`
}

type creditLedgerEntry struct {
	ID             string  `json:"id"`
	Owner          string  `json:"owner"` // user or organization id
	Amount         int64   `json:"amount"`
	Action         string  `json:"action"`
	Note           *string `json:"note,omitempty"`
	IdempotencyKey string  `json:"idempotency_key"`
	CreatedAt      int64   `json:"created_at"`
}

// derivedID is a Clerk-looking id computed from seed, for objects that
// are a pure function of a stored record.
func derivedID(prefix, seed string) string {
	sum := sha256.Sum256([]byte(prefix + "\x00" + seed))
	b := make([]byte, 27)
	for i := range b {
		b[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
	}
	return prefix + "_" + string(b)
}

// loadPayer reads the user (payerType "user") or organization the path's
// {id} names.
func loadPayer(t *txn, payerType, id string) (*payer, error) {
	if payerType == "user" {
		var u user
		if err := t.users().load(id, &u); err != nil {
			return nil, notFoundAs(err, "user")
		}
		return &payer{id: u.ID, payerType: "user", plan: u.Plan, createdAt: u.CreatedAt}, nil
	}
	var o organization
	if err := t.orgs().load(id, &o); err != nil {
		return nil, notFoundAs(err, "organization")
	}
	return &payer{id: o.ID, payerType: "org", plan: o.Plan, createdAt: o.CreatedAt}, nil
}

func (inst *Instance) bapiBillingSubscription(payerType string) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		var p *payer
		err := inst.store.view(r.Context(), func(t *txn) error {
			var err error
			p, err = loadPayer(t, payerType, r.PathValue("id"))
			return err
		})
		if err != nil {
			return nil, 0, err
		}
		return inst.subscriptionJSON(p), 0, nil
	}
}

// readBalance is the payer's balance record; ok is false when the payer
// never had credits.
func readBalance(t *txn, owner string) (bal creditBalance, ok bool, err error) {
	err = t.creditBalances().load(owner, &bal)
	if errors.Is(err, errNotFound) {
		return bal, false, nil
	}
	return bal, err == nil, err
}

func (inst *Instance) bapiCreditBalance(payerType string) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		var out *creditBalanceWire
		err := inst.store.view(r.Context(), func(t *txn) error {
			p, err := loadPayer(t, payerType, r.PathValue("id"))
			if err != nil {
				return err
			}
			bal, ok, err := readBalance(t, p.id)
			if err != nil {
				return err
			}
			out = &creditBalanceWire{Object: "commerce_credit_balance"}
			if ok {
				m := moneyJSON(bal.Amount)
				out.Balance = &m
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		return out, 0, nil
	}
}

// bapiAdjustCredits increases or decreases a payer's credit balance by one
// ledger entry. A repeated idempotency key returns the original entry; the
// same key with a different adjustment is a conflict. A decrease may not
// take the balance below zero.
func (inst *Instance) bapiAdjustCredits(payerType string) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		var b struct {
			Amount         *int64  `json:"amount"`
			Action         *string `json:"action"`
			Currency       *string `json:"currency"`
			IdempotencyKey *string `json:"idempotency_key"`
			Note           *string `json:"note"`
		}
		if err := decodeBody(w, r, &b); err != nil {
			return nil, 0, err
		}
		switch {
		case b.Amount == nil:
			return nil, 0, errMissing("amount")
		case *b.Amount <= 0:
			return nil, 0, errInvalid("amount", "amount must be a positive number of cents.")
		case b.Action == nil || *b.Action == "":
			return nil, 0, errMissing("action")
		case *b.Action != "increase" && *b.Action != "decrease":
			return nil, 0, errInvalid("action", "action must be increase or decrease.")
		case b.Currency != nil && *b.Currency != "" && !strings.EqualFold(*b.Currency, billingCurrency):
			return nil, 0, errInvalid("currency", "currency must be USD, the only currency Clerk Billing supports.")
		case b.IdempotencyKey == nil || *b.IdempotencyKey == "":
			return nil, 0, errMissing("idempotency_key")
		case len(*b.IdempotencyKey) > 255:
			return nil, 0, errInvalid("idempotency_key", "idempotency_key must be at most 255 characters.")
		}
		now := ms(inst.now())
		var out *ledgerEntryWire
		err := inst.store.update(r.Context(), func(t *txn) error {
			p, err := loadPayer(t, payerType, r.PathValue("id"))
			if err != nil {
				return err
			}
			idem := p.id + "|" + *b.IdempotencyKey
			if prev, err := t.creditIdempotencyKeys().owner(idem); err == nil {
				var e creditLedgerEntry
				if err := t.creditLedger().load(prev, &e); err != nil {
					return err
				}
				if e.Amount != *b.Amount || e.Action != *b.Action {
					return newAPIError(http.StatusConflict, "idempotency_key_conflict", "idempotency key already used",
						"This idempotency_key was already used for a different adjustment.", paramMeta("idempotency_key"))
				}
				out = ledgerJSON(p, &e)
				return nil
			} else if !errors.Is(err, errNotFound) {
				return err
			}
			bal, _, err := readBalance(t, p.id)
			if err != nil {
				return err
			}
			delta := *b.Amount
			if *b.Action == "decrease" {
				if bal.Amount < delta {
					return errInvalid("amount", fmt.Sprintf("The balance (%d cents) is smaller than the decrease.", bal.Amount))
				}
				delta = -delta
			}
			bal.PayerID, bal.Amount, bal.UpdatedAt = p.payerID(), bal.Amount+delta, now
			e := &creditLedgerEntry{ID: newID("ccl"), Owner: p.id, Amount: *b.Amount, Action: *b.Action, Note: b.Note,
				IdempotencyKey: *b.IdempotencyKey, CreatedAt: now}
			if err := t.creditIdempotencyKeys().claim(idem, e.ID); err != nil {
				return err
			}
			if err := t.creditLedger().put(e); err != nil {
				return err
			}
			if err := t.creditBalances().put(p.id, &bal); err != nil {
				return err
			}
			out = ledgerJSON(p, e)
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		return out, 0, nil
	}
}

// dropCredits deletes a deleted user's or organization's balance and
// ledger (their idempotency keys go with each entry).
func dropCredits(t *txn, owner string) error {
	if err := t.creditBalances().del(owner); err != nil && !errors.Is(err, errNotFound) {
		return err
	}
	entries, err := t.creditLedger().list()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Owner == owner {
			if err := t.creditLedger().del(e.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
