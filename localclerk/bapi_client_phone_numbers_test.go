package localclerk

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for phone numbers.

// testPhone is a fresh Clerk test number (+1 201 555-01NN); 100 of them
// exist, so the fixture's sequence wraps.
func (f *clientFixture) testPhone() string {
	return fmt.Sprintf("+1201555%04d", 100+f.seq.Add(1)%100)
}

// phone gives a fresh user a fresh number (unverified unless verified).
func (f *clientFixture) phone(t *testing.T, verified bool) (*backend.PhoneNumber, *backend.User) {
	t.Helper()
	u := f.user(t)
	// Real-looking (non-test) numbers keep the test numbers for the cases
	// that need 424242.
	number := fmt.Sprintf("+4420%08d", f.seq.Add(1))
	if !verified {
		number = f.testPhone()
	}
	p, err := f.c.PhoneNumbers.Create(f.ctx, &backend.PhoneNumberCreateParams{UserID: u.ID, PhoneNumber: number, Verified: backend.Ptr(verified)})
	if err != nil {
		t.Fatalf("create phone number: %v", err)
	}
	return p, u
}

var _ = addClientCases(map[string]clientCase{
	"CreatePhoneNumber": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			p, err := f.c.PhoneNumbers.Create(f.ctx, &backend.PhoneNumberCreateParams{UserID: u.ID, PhoneNumber: "+44 (20) 7946-0958", Verified: backend.Ptr(true)})
			if err != nil || p.PhoneNumber != "+442079460958" || p.Verification == nil || p.Verification.Status != "verified" {
				t.Fatalf("create: %+v %v", p, err)
			}
			got, err := f.c.Users.Get(f.ctx, u.ID)
			if err != nil || len(got.PhoneNumbers) != 1 || got.PrimaryPhoneNumberID == nil || *got.PrimaryPhoneNumberID != p.ID {
				t.Fatalf("user: %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.PhoneNumbers.Create(f.ctx, &backend.PhoneNumberCreateParams{UserID: f.user(t).ID, PhoneNumber: "020 7946 0958"})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_format_invalid")
			p, _ := f.phone(t, true)
			_, err = f.c.PhoneNumbers.Create(f.ctx, &backend.PhoneNumberCreateParams{UserID: f.user(t).ID, PhoneNumber: p.PhoneNumber})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists")
		},
	},
	"GetPhoneNumber": {
		ok: func(t *testing.T, f *clientFixture) {
			p, _ := f.phone(t, false)
			got, err := f.c.PhoneNumbers.Get(f.ctx, p.ID)
			if err != nil || got.ID != p.ID || got.Verification == nil || got.Verification.Status != "unverified" {
				t.Fatalf("get: %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.PhoneNumbers.Get(f.ctx, "idn_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdatePhoneNumber": {
		ok: func(t *testing.T, f *clientFixture) {
			p, u := f.phone(t, true)
			got, err := f.c.PhoneNumbers.Update(f.ctx, p.ID, &backend.PhoneNumberUpdateParams{ReservedForSecondFactor: backend.Ptr(true)})
			if err != nil || !got.ReservedForSecondFactor {
				t.Fatalf("update: %+v %v", got, err)
			}
			if uu, err := f.c.Users.Get(f.ctx, u.ID); err != nil || !uu.TwoFactorEnabled {
				t.Fatalf("user after reserving the number: %+v %v", uu, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			p, _ := f.phone(t, false)
			_, err := f.c.PhoneNumbers.Update(f.ctx, p.ID, &backend.PhoneNumberUpdateParams{ReservedForSecondFactor: backend.Ptr(true)})
			wantAPIError(t, err, http.StatusBadRequest, "phone_number_not_verified")
		},
	},
	"DeletePhoneNumber": {
		ok: func(t *testing.T, f *clientFixture) {
			p, u := f.phone(t, true)
			d, err := f.c.PhoneNumbers.Delete(f.ctx, p.ID)
			if err != nil || !d.Deleted {
				t.Fatalf("delete: %+v %v", d, err)
			}
			if got, err := f.c.Users.Get(f.ctx, u.ID); err != nil || len(got.PhoneNumbers) != 0 || got.PrimaryPhoneNumberID != nil {
				t.Fatalf("user: %+v %v", got, err)
			}
			// The number is free for another user.
			if _, err := f.c.PhoneNumbers.Create(f.ctx, &backend.PhoneNumberCreateParams{UserID: f.user(t).ID, PhoneNumber: p.PhoneNumber}); err != nil {
				t.Fatalf("reuse: %v", err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.PhoneNumbers.Delete(f.ctx, "idn_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"PreparePhoneNumberVerification": {
		ok: func(t *testing.T, f *clientFixture) {
			p, _ := f.phone(t, false)
			v, err := f.c.PhoneNumbers.PrepareVerification(f.ctx, p.ID)
			if err != nil || v.Status != "unverified" || v.Strategy != "phone_code" {
				t.Fatalf("prepare: %+v %v", v, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.PhoneNumbers.PrepareVerification(f.ctx, "idn_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"AttemptPhoneNumberVerification": {
		ok: func(t *testing.T, f *clientFixture) {
			p, _ := f.phone(t, false)
			v, err := f.c.PhoneNumbers.PrepareVerification(f.ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			wrong, err := f.c.PhoneNumbers.AttemptVerification(f.ctx, p.ID, &backend.PhoneNumberAttemptVerificationParams{VerificationID: v.ID, Code: "000000"})
			if err != nil || wrong.Status != "unverified" {
				t.Fatalf("wrong code: %+v %v", wrong, err)
			}
			ok, err := f.c.PhoneNumbers.AttemptVerification(f.ctx, p.ID, &backend.PhoneNumberAttemptVerificationParams{VerificationID: v.ID, Code: testVerificationCode})
			if err != nil || ok.Status != "verified" {
				t.Fatalf("right code: %+v %v", ok, err)
			}
			if got, err := f.c.PhoneNumbers.Get(f.ctx, p.ID); err != nil || got.Verification == nil || got.Verification.Status != "verified" {
				t.Fatalf("number after: %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			p, _ := f.phone(t, false)
			_, err := f.c.PhoneNumbers.AttemptVerification(f.ctx, p.ID, &backend.PhoneNumberAttemptVerificationParams{VerificationID: "ver_nope", Code: "1"})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"ReplaceUserPhoneNumber": {
		ok: func(t *testing.T, f *clientFixture) {
			_, u := f.phone(t, true)
			number := f.testPhone()
			p, err := f.c.PhoneNumbers.ReplaceForUser(f.ctx, u.ID, &backend.PhoneNumberReplaceForUserParams{PhoneNumber: number})
			if err != nil || p.PhoneNumber != number {
				t.Fatalf("replace: %+v %v", p, err)
			}
			got, err := f.c.Users.Get(f.ctx, u.ID)
			if err != nil || len(got.PhoneNumbers) != 1 || got.PrimaryPhoneNumberID == nil || *got.PrimaryPhoneNumberID != p.ID {
				t.Fatalf("user: %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.PhoneNumbers.ReplaceForUser(f.ctx, f.user(t).ID, &backend.PhoneNumberReplaceForUserParams{PhoneNumber: "+1 201 555 01"})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_format_invalid")
		},
	},
})
