package localclerk

import (
	"net/http"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for the users' and organizations' billing subscriptions
// and credit balances.

var _ = addClientCases(map[string]clientCase{
	"GetUserBillingSubscription": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			sub, err := f.c.Users.GetBillingSubscription(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sub.Status != "active" || len(sub.SubscriptionItems) != 1 || sub.SubscriptionItems[0].Plan == nil ||
				sub.SubscriptionItems[0].Plan.Slug != "free_user" || sub.CreatedAt != u.CreatedAt {
				t.Fatalf("%+v", sub)
			}
			again, _ := f.c.Users.GetBillingSubscription(f.ctx, u.ID)
			if again == nil || again.ID != sub.ID || again.PayerID != sub.PayerID {
				t.Fatalf("subscription ids are not stable: %+v then %+v", sub, again)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.GetBillingSubscription(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"GetUserBillingCreditBalance": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			bal, err := f.c.Users.GetBillingCreditBalance(f.ctx, u.ID)
			if err != nil || bal.Balance != nil {
				t.Fatalf("a user who never had credits: %+v %v", bal, err)
			}
			if _, err := f.c.Users.AdjustBillingCreditBalance(f.ctx, u.ID, &backend.UserAdjustBillingCreditBalanceParams{Amount: 1234, Action: "increase", IdempotencyKey: "a"}); err != nil {
				t.Fatal(err)
			}
			bal, err = f.c.Users.GetBillingCreditBalance(f.ctx, u.ID)
			if err != nil || bal.Balance == nil || bal.Balance.Amount != 1234 || bal.Balance.AmountFormatted != "12.34" || bal.Balance.Currency != "USD" {
				t.Fatalf("%+v %v", bal, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.GetBillingCreditBalance(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"AdjustUserBillingCreditBalance": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			p := &backend.UserAdjustBillingCreditBalanceParams{Amount: 500, Action: "increase", IdempotencyKey: "grant-1", Note: backend.Ptr("welcome")}
			e1, err := f.c.Users.AdjustBillingCreditBalance(f.ctx, u.ID, p)
			if err != nil || e1.Amount == nil || e1.Amount.Amount != 500 || e1.Note == nil || *e1.Note != "welcome" {
				t.Fatalf("%+v %v", e1, err)
			}
			e2, err := f.c.Users.AdjustBillingCreditBalance(f.ctx, u.ID, p)
			if err != nil || e2.ID != e1.ID {
				t.Fatalf("a repeated idempotency key made a new entry: %+v %v", e2, err)
			}
			d, err := f.c.Users.AdjustBillingCreditBalance(f.ctx, u.ID, &backend.UserAdjustBillingCreditBalanceParams{Amount: 200, Action: "decrease", IdempotencyKey: "spend-1"})
			if err != nil || d.Amount.Amount != -200 {
				t.Fatalf("%+v %v", d, err)
			}
			if bal, err := f.c.Users.GetBillingCreditBalance(f.ctx, u.ID); err != nil || bal.Balance.Amount != 300 {
				t.Fatalf("balance %+v %v, want 300", bal, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			_, err := f.c.Users.AdjustBillingCreditBalance(f.ctx, u.ID, &backend.UserAdjustBillingCreditBalanceParams{Amount: 5, Action: "decrease", IdempotencyKey: "x"})
			e := wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid")
			if e.Errors[0].Meta["param_name"] != "amount" {
				t.Errorf("meta %v", e.Errors[0].Meta)
			}
			_, err = f.c.Users.AdjustBillingCreditBalance(f.ctx, u.ID, &backend.UserAdjustBillingCreditBalanceParams{Amount: 5, Action: "increase"})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing")
		},
	},
	"GetOrganizationBillingSubscription": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			sub, err := f.c.Organizations.GetBillingSubscription(f.ctx, o.ID)
			if err != nil || len(sub.SubscriptionItems) != 1 || sub.SubscriptionItems[0].Plan.Slug != "free_org" || sub.SubscriptionItems[0].Plan.ForPayerType != "org" {
				t.Fatalf("%+v %v", sub, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.GetBillingSubscription(f.ctx, "org_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"GetOrganizationBillingCreditBalance": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			if _, err := f.c.Organizations.AdjustBillingCreditBalance(f.ctx, o.ID, &backend.OrganizationAdjustBillingCreditBalanceParams{Amount: 99, Action: "increase", IdempotencyKey: "k"}); err != nil {
				t.Fatal(err)
			}
			bal, err := f.c.Organizations.GetBillingCreditBalance(f.ctx, o.ID)
			if err != nil || bal.Balance == nil || bal.Balance.Amount != 99 || bal.Balance.AmountFormatted != "0.99" {
				t.Fatalf("%+v %v", bal, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Organizations.GetBillingCreditBalance(f.ctx, "org_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"AdjustOrganizationBillingCreditBalance": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			e, err := f.c.Organizations.AdjustBillingCreditBalance(f.ctx, o.ID, &backend.OrganizationAdjustBillingCreditBalanceParams{Amount: 1000, Action: "increase", Currency: backend.Ptr("USD"), IdempotencyKey: "k"})
			if err != nil || e.Amount.Amount != 1000 || e.PayerID == "" || e.CreatedAt == "" {
				t.Fatalf("%+v %v", e, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			if _, err := f.c.Organizations.AdjustBillingCreditBalance(f.ctx, o.ID, &backend.OrganizationAdjustBillingCreditBalanceParams{Amount: 1, Action: "increase", IdempotencyKey: "k"}); err != nil {
				t.Fatal(err)
			}
			_, err := f.c.Organizations.AdjustBillingCreditBalance(f.ctx, o.ID, &backend.OrganizationAdjustBillingCreditBalanceParams{Amount: 2, Action: "increase", IdempotencyKey: "k"})
			wantAPIError(t, err, http.StatusConflict, "idempotency_key_conflict")
		},
	},
})
