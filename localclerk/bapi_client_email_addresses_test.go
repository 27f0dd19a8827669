package localclerk

import (
	"net/http"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for e-mail address verification and replacement.

var _ = addClientCases(map[string]clientCase{
	"PrepareEmailAddressVerification": {
		ok: func(t *testing.T, f *clientFixture) {
			e, err := f.c.EmailAddresses.Create(f.ctx, &backend.EmailAddressCreateParams{UserID: f.user(t).ID, EmailAddress: f.unique("v") + "+clerk_test@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			v, err := f.c.EmailAddresses.PrepareVerification(f.ctx, e.ID)
			if err != nil || v.ID == "" || v.Status != "unverified" || v.Strategy != "email_code" {
				t.Fatalf("%+v %v", v, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.EmailAddresses.PrepareVerification(f.ctx, "idn_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"AttemptEmailAddressVerification": {
		ok: func(t *testing.T, f *clientFixture) {
			e, err := f.c.EmailAddresses.Create(f.ctx, &backend.EmailAddressCreateParams{UserID: f.user(t).ID, EmailAddress: f.unique("v") + "+clerk_test@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			v, err := f.c.EmailAddresses.PrepareVerification(f.ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			wrong, err := f.c.EmailAddresses.AttemptVerification(f.ctx, e.ID, &backend.EmailAddressAttemptVerificationParams{VerificationID: v.ID, Code: "000000"})
			if err != nil || wrong.Status != "unverified" || *wrong.Attempts != 1 {
				t.Fatalf("wrong code: %+v %v", wrong, err)
			}
			ok, err := f.c.EmailAddresses.AttemptVerification(f.ctx, e.ID, &backend.EmailAddressAttemptVerificationParams{VerificationID: v.ID, Code: testVerificationCode})
			if err != nil || ok.Status != "verified" {
				t.Fatalf("right code: %+v %v", ok, err)
			}
			if got, err := f.c.EmailAddresses.Get(f.ctx, e.ID); err != nil || got.Verification == nil || got.Verification.Status != "verified" {
				t.Fatalf("address after verification: %+v %v", got, err)
			}
			_, err = f.c.EmailAddresses.AttemptVerification(f.ctx, e.ID, &backend.EmailAddressAttemptVerificationParams{VerificationID: v.ID, Code: testVerificationCode})
			wantAPIError(t, err, http.StatusBadRequest, "verification_already_verified")
		},
		fail: func(t *testing.T, f *clientFixture) {
			e, err := f.c.EmailAddresses.Create(f.ctx, &backend.EmailAddressCreateParams{UserID: f.user(t).ID, EmailAddress: f.unique("v") + "@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.c.EmailAddresses.AttemptVerification(f.ctx, e.ID, &backend.EmailAddressAttemptVerificationParams{Code: "1"})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing")
		},
	},
	"ReplaceUserEmailAddress": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			addr := f.unique("new") + "@example.com"
			e, err := f.c.EmailAddresses.ReplaceForUser(f.ctx, u.ID, &backend.EmailAddressReplaceForUserParams{EmailAddress: addr})
			if err != nil || e.EmailAddress != addr {
				t.Fatalf("%+v %v", e, err)
			}
			got, err := f.c.Users.Get(f.ctx, u.ID)
			if err != nil || len(got.EmailAddresses) != 1 || got.PrimaryEmailAddressID == nil || *got.PrimaryEmailAddressID != e.ID {
				t.Fatalf("%+v %v", got, err)
			}
			// The old address is free again.
			if _, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{EmailAddress: []string{u.EmailAddresses[0].EmailAddress}}); err != nil {
				t.Fatalf("old address still taken: %v", err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			a, b := f.user(t), f.user(t)
			_, err := f.c.EmailAddresses.ReplaceForUser(f.ctx, a.ID, &backend.EmailAddressReplaceForUserParams{EmailAddress: b.EmailAddresses[0].EmailAddress})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists")
			if got, err := f.c.Users.Get(f.ctx, a.ID); err != nil || len(got.EmailAddresses) != 1 || got.EmailAddresses[0].EmailAddress != a.EmailAddresses[0].EmailAddress {
				t.Fatalf("a failed replace changed the user: %+v %v", got, err)
			}
		},
	},

	// The shared instance's handshakes set no refresh cookie (the
	// default, as on Clerk): the ok case runs against one that does.
})
