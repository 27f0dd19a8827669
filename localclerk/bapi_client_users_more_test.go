package localclerk

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for the users' images, security and billing operations,
// the e-mail address verification and replacement, session refresh, the
// client list and verification, and the instance settings.
//
// The operations on passkeys, Web3 wallets, external accounts, trusted
// devices and TOTPs act on items no localclerk user has; their ok case
// checks Clerk's answer for a user who has none (404 naming the item,
// form_code_incorrect), their fail case an unknown user.

// wantMissingItem checks the 404 for an item the user does not have,
// naming the path parameter ("" for a missing user: no parameter named).
func wantMissingItem(t *testing.T, err error, param string) {
	t.Helper()
	e := wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
	var want any = param
	if param == "" {
		want = nil // the user is what is missing
	}
	if len(e.Errors) > 0 && e.Errors[0].Meta["param_name"] != want {
		t.Errorf("meta = %v, want param_name %s", e.Errors[0].Meta, param)
	}
}

var _ = addClientCases(map[string]clientCase{
	"SetUserProfileImage": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			got, err := f.c.Users.SetProfileImage(f.ctx, u.ID, &backend.UserSetProfileImageParams{File: pngFile(t)})
			if err != nil {
				t.Fatal(err)
			}
			if !got.HasImage || !strings.HasPrefix(got.ImageURL, f.h.inst.FrontendAPIURL+"/images/") {
				t.Fatalf("has_image %v, image_url %q", got.HasImage, got.ImageURL)
			}
			resp, err := http.Get(got.ImageURL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || string(body) != string(testPNG(t)) {
				t.Fatalf("image: %d %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.SetProfileImage(f.ctx, "user_nope", &backend.UserSetProfileImageParams{File: pngFile(t)})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			u := f.user(t)
			_, err = f.c.Users.SetProfileImage(f.ctx, u.ID, &backend.UserSetProfileImageParams{
				File: &backend.File{Name: "x.svg", Content: strings.NewReader(`<svg onload="alert(1)"/>`)}})
			wantAPIError(t, err, http.StatusBadRequest, "form_param_format_invalid")
		},
	},
	"DeleteUserProfileImage": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			set, err := f.c.Users.SetProfileImage(f.ctx, u.ID, &backend.UserSetProfileImageParams{File: pngFile(t)})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.c.Users.DeleteProfileImage(f.ctx, u.ID)
			if err != nil || got.HasImage {
				t.Fatalf("%+v %v", got, err)
			}
			if resp, err := http.Get(set.ImageURL); err != nil || resp.StatusCode != http.StatusNotFound {
				t.Fatalf("deleted image still served: %v %v", resp.StatusCode, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeleteProfileImage(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"GetOAuthAccessToken": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			page, err := f.c.Users.ListOAuthAccessTokens(f.ctx, u.ID, "oauth_google", nil)
			if err != nil || len(page.Data) != 0 {
				t.Fatalf("%+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.ListOAuthAccessTokens(f.ctx, "user_nope", "oauth_google", nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"VerifyTOTP": {
		ok: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.VerifyTOTP(f.ctx, f.user(t).ID, &backend.UserVerifyTOTPParams{Code: "123456"})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_code_incorrect")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.VerifyTOTP(f.ctx, f.user(t).ID, &backend.UserVerifyTOTPParams{})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing")
		},
	},
	"DisableMFA": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			got, err := f.c.Users.DisableMFA(f.ctx, u.ID)
			if err != nil || got.UserID != u.ID {
				t.Fatalf("%+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DisableMFA(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"DeleteBackupCode": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			got, err := f.c.Users.DeleteBackupCodes(f.ctx, u.ID)
			if err != nil || got.UserID != u.ID {
				t.Fatalf("%+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeleteBackupCodes(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"DeleteTOTP": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			got, err := f.c.Users.DeleteTOTP(f.ctx, u.ID)
			if err != nil || got.UserID != u.ID {
				t.Fatalf("%+v %v", got, err)
			}
			if after, err := f.c.Users.Get(f.ctx, u.ID); err != nil || after.TOTPEnabled || after.TwoFactorEnabled {
				t.Fatalf("%+v %v", after, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeleteTOTP(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UserPasskeyDelete": {
		ok: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeletePasskey(f.ctx, f.user(t).ID, "idn_nope")
			wantMissingItem(t, err, "passkey_identification_id")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeletePasskey(f.ctx, "user_nope", "idn_nope")
			wantMissingItem(t, err, "")
		},
	},
	"UserWeb3WalletDelete": {
		ok: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeleteWeb3Wallet(f.ctx, f.user(t).ID, "idn_nope")
			wantMissingItem(t, err, "web3_wallet_identification_id")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeleteWeb3Wallet(f.ctx, "user_nope", "idn_nope")
			wantMissingItem(t, err, "")
		},
	},
	"DeleteExternalAccount": {
		ok: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeleteExternalAccount(f.ctx, f.user(t).ID, "eac_nope")
			wantMissingItem(t, err, "external_account_id")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.DeleteExternalAccount(f.ctx, "user_nope", "eac_nope")
			wantMissingItem(t, err, "")
		},
	},
	"ListUserTrustedDevices": {
		ok: func(t *testing.T, f *clientFixture) {
			page, err := f.c.Users.ListTrustedDevices(f.ctx, f.user(t).ID)
			if err != nil || len(page.Data) != 0 || page.TotalCount != 0 {
				t.Fatalf("%+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.ListTrustedDevices(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"RevokeUserTrustedDevice": {
		ok: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.RevokeTrustedDevice(f.ctx, f.user(t).ID, "td_nope")
			wantMissingItem(t, err, "trusted_device_id")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.RevokeTrustedDevice(f.ctx, "user_nope", "td_nope")
			wantMissingItem(t, err, "")
		},
	},
	"SetUserPasswordCompromised": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			sess, err := f.c.Sessions.Create(f.ctx, &backend.SessionCreateParams{UserID: u.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.c.Users.SetPasswordCompromised(f.ctx, u.ID, &backend.UserSetPasswordCompromisedParams{RevokeAllSessions: backend.Ptr(true)}); err != nil {
				t.Fatal(err)
			}
			if s, err := f.c.Sessions.Get(f.ctx, sess.ID); err != nil || s.Status != "revoked" {
				t.Fatalf("session after revoke_all_sessions: %+v %v", s, err)
			}
			if code := hostedSignInError(t, f.h, u.EmailAddresses[0].EmailAddress, "correct-horse-battery"); !strings.Contains(code, "compromised") {
				t.Fatalf("hosted sign-in with a compromised password: %q", code)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			u, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{EmailAddress: []string{f.unique("nopw") + "@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.c.Users.SetPasswordCompromised(f.ctx, u.ID, nil)
			wantAPIError(t, err, http.StatusBadRequest, "password_not_set")
		},
	},
	"UnsetUserPasswordCompromised": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			if _, err := f.c.Users.SetPasswordCompromised(f.ctx, u.ID, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := f.c.Users.UnsetPasswordCompromised(f.ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			freshSignIn(t, f.h, u.EmailAddresses[0].EmailAddress, "correct-horse-battery")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.UnsetPasswordCompromised(f.ctx, "user_nope")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
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
	"RefreshSession": {
		ok: func(t *testing.T, f *clientFixture) {
			h := start(t, Options{Seed: true, RefreshCookie: true})
			c, err := backend.NewClient(backend.Config{SecretKey: h.inst.SecretKey, APIURL: h.inst.BackendAPIURL, MaxRetries: 0})
			if err != nil {
				t.Fatal(err)
			}
			sid, jwt, refresh := refreshableSession(t, h, "alice@example.com", "alice-password")
			got, err := c.Sessions.Refresh(f.ctx, sid, &backend.SessionRefreshParams{ExpiredToken: jwt, RefreshToken: refresh,
				RequestOrigin: "http://localhost:3000", Format: backend.Ptr("cookie"), SuffixedCookies: true})
			if err != nil || got.Object != "cookies" {
				t.Fatalf("%+v %v", got, err)
			}
			tok, _ := cookieValue(got.Cookies, "__session_"+h.inst.CookieSuffix)
			if _, claims := h.verifyJWT(tok); claims["sid"] != sid {
				t.Fatalf("refreshed token claims %v", claims)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			// No refresh token was ever issued for this session.
			s, err := f.c.Sessions.Create(f.ctx, &backend.SessionCreateParams{UserID: f.user(t).ID})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := f.c.Sessions.CreateToken(f.ctx, s.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.c.Sessions.Refresh(f.ctx, s.ID, &backend.SessionRefreshParams{ExpiredToken: tok.JWT, RefreshToken: "guessed", RequestOrigin: "http://localhost:3000"})
			wantAPIError(t, err, http.StatusUnauthorized, "refresh_token_invalid")
		},
	},

	"GetClientList": {
		ok: func(t *testing.T, f *clientFixture) {
			s, err := f.c.Sessions.Create(f.ctx, &backend.SessionCreateParams{UserID: f.user(t).ID})
			if err != nil {
				t.Fatal(err)
			}
			page, err := f.c.Clients.List(f.ctx, &backend.ClientListParams{Limit: backend.Ptr[int64](1)})
			if err != nil || len(page.Data) != 1 || page.Data[0].ID != s.ClientID {
				t.Fatalf("newest client first: %+v %v, want %s", page, err, s.ClientID)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Clients.List(f.ctx, &backend.ClientListParams{Limit: backend.Ptr[int64](501)})
			wantAPIError(t, err, http.StatusBadRequest, "form_param_value_invalid")
		},
	},
	"VerifyClient": {
		ok: func(t *testing.T, f *clientFixture) {
			dvb := freshSignIn(t, f.h, f.user(t).EmailAddresses[0].EmailAddress, "correct-horse-battery")
			c, err := f.c.Clients.Verify(f.ctx, &backend.ClientVerifyParams{Token: dvb})
			if err != nil || len(c.Sessions) != 1 || c.LastActiveSessionID == nil {
				t.Fatalf("%+v %v", c, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Clients.Verify(f.ctx, &backend.ClientVerifyParams{Token: "dvb_nope"})
			wantAPIError(t, err, http.StatusBadRequest, "token_invalid")
		},
	},

	"GetInstance": {
		ok: func(t *testing.T, f *clientFixture) {
			in, err := f.c.Instance.Get(f.ctx)
			if err != nil || in.ID != f.h.inst.KeyID || in.EnvironmentType != "development" {
				t.Fatalf("%+v %v", in, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := unauthenticated(t, f).Instance.Get(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"UpdateInstance": {
		ok: func(t *testing.T, f *clientFixture) {
			origins := []string{"http://localhost:5173", "capacitor://localhost"}
			if err := f.c.Instance.Update(f.ctx, &backend.InstanceUpdateParams{AllowedOrigins: origins}); err != nil {
				t.Fatal(err)
			}
			in, err := f.c.Instance.Get(f.ctx)
			if err != nil || strings.Join(in.AllowedOrigins, " ") != strings.Join(origins, " ") {
				t.Fatalf("%+v %v", in, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			err := f.c.Instance.Update(f.ctx, &backend.InstanceUpdateParams{SupportEmail: backend.Ptr("not-an-address")})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_format_invalid")
		},
	},
	"GetInstanceProtect": {
		ok: func(t *testing.T, f *clientFixture) {
			p, err := f.c.Instance.GetProtect(f.ctx)
			if err != nil || p.Object != "instance_protect" {
				t.Fatalf("%+v %v", p, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := unauthenticated(t, f).Instance.GetProtect(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"UpdateInstanceProtect": {
		ok: func(t *testing.T, f *clientFixture) {
			if _, err := f.c.Instance.UpdateProtect(f.ctx, &backend.InstanceUpdateProtectParams{SpecterEnabled: backend.Ptr(true)}); err != nil {
				t.Fatal(err)
			}
			p, err := f.c.Instance.GetProtect(f.ctx)
			if err != nil || !p.SpecterEnabled {
				t.Fatalf("%+v %v", p, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := unauthenticated(t, f).Instance.UpdateProtect(f.ctx, &backend.InstanceUpdateProtectParams{})
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"GetInstanceCommunication": {
		ok: func(t *testing.T, f *clientFixture) {
			c, err := f.c.Instance.GetCommunication(f.ctx)
			if err != nil || c.Object != "instance_communication" || c.BlockedCountryCodes == nil {
				t.Fatalf("%+v %v", c, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := unauthenticated(t, f).Instance.GetCommunication(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"UpdateInstanceCommunication": {
		ok: func(t *testing.T, f *clientFixture) {
			if _, err := f.c.Instance.UpdateCommunication(f.ctx, &backend.InstanceUpdateCommunicationParams{BlockedCountryCodes: []string{"KP", "AQ"}}); err != nil {
				t.Fatal(err)
			}
			c, err := f.c.Instance.GetCommunication(f.ctx)
			if err != nil || strings.Join(c.BlockedCountryCodes, ",") != "AQ,KP" {
				t.Fatalf("%+v %v", c, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Instance.UpdateCommunication(f.ctx, &backend.InstanceUpdateCommunicationParams{BlockedCountryCodes: []string{"KP", "KP"}})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid")
		},
	},
	"GetInstanceOAuthApplicationSettings": {
		ok: func(t *testing.T, f *clientFixture) {
			s, err := f.c.Instance.GetOAuthApplicationSettings(f.ctx)
			if err != nil || s.Object != "oauth_application_settings" {
				t.Fatalf("%+v %v", s, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := unauthenticated(t, f).Instance.GetOAuthApplicationSettings(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"UpdateInstanceOAuthApplicationSettings": {
		ok: func(t *testing.T, f *clientFixture) {
			s, err := f.c.Instance.UpdateOAuthApplicationSettings(f.ctx, &backend.InstanceUpdateOAuthApplicationSettingsParams{
				OAuthJWTAccessTokens: backend.Ptr(true), DefaultScopes: []string{"profile", "email", "openid"}})
			if err != nil || !s.OAuthJWTAccessTokens || strings.Join(s.DefaultScopes, ",") != "email,openid,profile" {
				t.Fatalf("%+v %v", s, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Instance.UpdateOAuthApplicationSettings(f.ctx, &backend.InstanceUpdateOAuthApplicationSettingsParams{DefaultScopes: []string{"two words"}})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid")
		},
	},
	"GetInstanceOrganizationSettings": {
		ok: func(t *testing.T, f *clientFixture) {
			s, err := f.c.Instance.GetOrganizationSettings(f.ctx)
			if err != nil || s.Object != "organization_settings" || s.CreatorRole == "" {
				t.Fatalf("%+v %v", s, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := unauthenticated(t, f).Instance.GetOrganizationSettings(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"UpdateInstanceOrganizationSettings": {
		ok: func(t *testing.T, f *clientFixture) {
			// Cases share the instance: leave the defaults as they were.
			s, err := f.c.Instance.UpdateOrganizationSettings(f.ctx, &backend.InstanceUpdateOrganizationSettingsParams{
				AdminDeleteEnabled: backend.Ptr(true), DomainsEnrollmentModes: []string{"automatic_suggestion"}})
			if err != nil || !s.AdminDeleteEnabled || strings.Join(s.DomainsEnrollmentModes, ",") != "automatic_suggestion" {
				t.Fatalf("%+v %v", s, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Instance.UpdateOrganizationSettings(f.ctx, &backend.InstanceUpdateOrganizationSettingsParams{MaxAllowedMemberships: backend.Ptr[int64](-1)})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid")
		},
	},
})

// unauthenticated is a backend client with a wrong secret key.
func unauthenticated(t *testing.T, f *clientFixture) *backend.Client {
	t.Helper()
	c, err := backend.NewClient(backend.Config{SecretKey: "sk_test_wrong", APIURL: f.h.inst.BackendAPIURL, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hostedSignInError posts the hosted sign-in form in a new browser and
// returns the page's error text ("" when the sign-in succeeded).
func hostedSignInError(t *testing.T, h *harness, email, password string) string {
	t.Helper()
	resp, err := noRedirect.PostForm(h.inst.FrontendAPIURL+"/sign-in", map[string][]string{"email": {email}, "password": {password}, "redirect_url": {app}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		return ""
	}
	return string(body)
}

// noRedirect is a cookie-less client that does not follow redirects.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
