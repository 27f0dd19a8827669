package localclerk

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for the users' profile images, OAuth access tokens,
// second factors, passkeys, external accounts, trusted devices and
// compromised passwords.
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
