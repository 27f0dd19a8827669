package localclerk

import (
	"fmt"
	"strings"
	"time"
)

// The billing wire types: every payer is on one free plan (or the plan
// its record names), with an optional credit balance and its ledger.

// moneyWire is a CommerceMoneyResponse; Amount is in cents.
type moneyWire struct {
	Amount          int64  `json:"amount"`
	AmountFormatted string `json:"amount_formatted"`
	Currency        string `json:"currency"`
	CurrencySymbol  string `json:"currency_symbol"`
}

// planWire is the CommercePlan object.
type planWire struct {
	Object           string     `json:"object"` // "commerce_plan"
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Fee              moneyWire  `json:"fee"`
	AnnualMonthlyFee moneyWire  `json:"annual_monthly_fee"`
	AnnualFee        moneyWire  `json:"annual_fee"`
	Description      alwaysNull `json:"description"`
	ProductID        string     `json:"product_id"`
	IsDefault        bool       `json:"is_default"`
	IsRecurring      bool       `json:"is_recurring"`
	PubliclyVisible  bool       `json:"publicly_visible"`
	HasBaseFee       bool       `json:"has_base_fee"`
	ForPayerType     string     `json:"for_payer_type"`
	Slug             string     `json:"slug"`
	AvatarURL        alwaysNull `json:"avatar_url"`
	FreeTrialEnabled bool       `json:"free_trial_enabled"`
	FreeTrialDays    alwaysNull `json:"free_trial_days"`
}

// subscriptionItemWire is the CommerceSubscriptionItem object.
type subscriptionItemWire struct {
	Object       string     `json:"object"` // "commerce_subscription_item"
	ID           string     `json:"id"`
	InstanceID   string     `json:"instance_id"`
	Status       string     `json:"status"`
	PlanID       string     `json:"plan_id"`
	Plan         *planWire  `json:"plan"`
	PlanPeriod   string     `json:"plan_period"`
	PayerID      string     `json:"payer_id"`
	IsFreeTrial  bool       `json:"is_free_trial"`
	PeriodStart  int64      `json:"period_start"`
	PeriodEnd    alwaysNull `json:"period_end"`
	CanceledAt   alwaysNull `json:"canceled_at"`
	PastDueAt    alwaysNull `json:"past_due_at"`
	EndedAt      alwaysNull `json:"ended_at"`
	NextPayment  alwaysNull `json:"next_payment"`
	LifetimePaid moneyWire  `json:"lifetime_paid"`
	CreatedAt    int64      `json:"created_at"`
	UpdatedAt    int64      `json:"updated_at"`
}

// subscriptionWire is the CommerceSubscription object.
type subscriptionWire struct {
	Object               string                 `json:"object"` // "commerce_subscription"
	ID                   string                 `json:"id"`
	InstanceID           string                 `json:"instance_id"`
	Status               string                 `json:"status"`
	PayerID              string                 `json:"payer_id"`
	CreatedAt            int64                  `json:"created_at"`
	UpdatedAt            int64                  `json:"updated_at"`
	ActiveAt             int64                  `json:"active_at"`
	PastDueAt            alwaysNull             `json:"past_due_at"`
	SubscriptionItems    []subscriptionItemWire `json:"subscription_items"`
	EligibleForFreeTrial bool                   `json:"eligible_for_free_trial"`
}

// creditBalanceWire is a payer's credit balance; Balance is null when the
// payer never had credits.
type creditBalanceWire struct {
	Object  string     `json:"object"` // "commerce_credit_balance"
	Balance *moneyWire `json:"balance"`
}

// ledgerEntryWire is the CommerceCreditLedger object.
type ledgerEntryWire struct {
	Object     string    `json:"object"` // "commerce_credit_ledger"
	ID         string    `json:"id"`
	PayerID    string    `json:"payer_id"`
	Amount     moneyWire `json:"amount"`
	SourceType string    `json:"source_type"`
	SourceID   string    `json:"source_id"`
	Note       *string   `json:"note"`
	CreatedAt  string    `json:"created_at"` // RFC 3339
}

// moneyJSON renders an amount in cents.
func moneyJSON(cents int64) moneyWire {
	sign, abs := "", cents
	if cents < 0 {
		sign, abs = "-", -cents
	}
	return moneyWire{Amount: cents, AmountFormatted: fmt.Sprintf("%s%d.%02d", sign, abs/100, abs%100),
		Currency: billingCurrency, CurrencySymbol: "$"}
}

func (inst *Instance) planJSON(p *payer) *planWire {
	slug := p.plan
	if slug == "" {
		slug = "free_" + p.payerType
	}
	name := strings.ToUpper(slug[:1]) + strings.ReplaceAll(slug[1:], "_", " ")
	return &planWire{Object: "commerce_plan", ID: derivedID("cplan", slug+"\x00"+p.payerType), Name: name,
		Fee: moneyJSON(0), AnnualMonthlyFee: moneyJSON(0), AnnualFee: moneyJSON(0),
		ProductID: derivedID("cprod", inst.KeyID), IsDefault: p.plan == "",
		IsRecurring: true, PubliclyVisible: true, ForPayerType: p.payerType, Slug: slug}
}

func (inst *Instance) subscriptionJSON(p *payer) *subscriptionWire {
	plan := inst.planJSON(p)
	item := subscriptionItemWire{Object: "commerce_subscription_item", ID: derivedID("csubi", p.id), InstanceID: inst.KeyID,
		Status: "active", PlanID: plan.ID, Plan: plan, PlanPeriod: "month", PayerID: p.payerID(),
		PeriodStart: p.createdAt, LifetimePaid: moneyJSON(0), CreatedAt: p.createdAt, UpdatedAt: p.createdAt}
	return &subscriptionWire{Object: "commerce_subscription", ID: derivedID("csub", p.id), InstanceID: inst.KeyID,
		Status: "active", PayerID: p.payerID(), CreatedAt: p.createdAt, UpdatedAt: p.createdAt,
		ActiveAt: p.createdAt, SubscriptionItems: []subscriptionItemWire{item}}
}

func ledgerJSON(p *payer, e *creditLedgerEntry) *ledgerEntryWire {
	amount := e.Amount
	if e.Action == "decrease" {
		amount = -amount
	}
	return &ledgerEntryWire{Object: "commerce_credit_ledger", ID: e.ID, PayerID: p.payerID(), Amount: moneyJSON(amount),
		SourceType: "grant", SourceID: e.ID, Note: e.Note,
		CreatedAt: time.UnixMilli(e.CreatedAt).UTC().Format(time.RFC3339)}
}
