package localclerk

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/backend"
)

// Client cases for users, e-mail addresses, sessions, clients, sign-in
// tokens and actor tokens. Error codes and statuses are the ones Clerk's
// Backend API answers with (its published error catalogue).

// wrongKeyClient talks to the same instance with a secret key that is not
// the instance's.
func wrongKeyClient(t *testing.T, f *clientFixture) *backend.Client {
	t.Helper()
	c, err := backend.NewClient(backend.Config{SecretKey: "sk_test_not_this_instance", APIURL: f.h.inst.BackendAPIURL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newSession signs userID in on a new client through the Backend API.
func newSession(t *testing.T, f *clientFixture, userID string) *backend.Session {
	t.Helper()
	s, err := f.c.Sessions.Create(f.ctx, &backend.SessionCreateParams{UserID: userID})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return s
}

// mustUser reads a user back.
func mustUser(t *testing.T, f *clientFixture, id string) *backend.User {
	t.Helper()
	u, err := f.c.Users.Get(f.ctx, id)
	if err != nil {
		t.Fatalf("get user %s: %v", id, err)
	}
	return u
}

// verifiedClaims checks a JWT's RS256 signature against the key set the
// typed client fetches from GET /jwks and returns its claims.
func verifiedClaims(t *testing.T, f *clientFixture, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	var header struct{ Kid, Alg string }
	var claims map[string]any
	for i, dst := range []any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, dst) != nil {
			t.Fatalf("JWT part %d does not decode: %v", i, err)
		}
	}
	set, err := f.c.JWKS.Get(f.ctx)
	if err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	i := slices.IndexFunc(set.Keys, func(k backend.JWK) bool { return k.Kid == header.Kid })
	if i < 0 || header.Alg != "RS256" {
		t.Fatalf("kid %q (alg %q) not in the JWKS %+v", header.Kid, header.Alg, set.Keys)
	}
	n, _ := base64.RawURLEncoding.DecodeString(set.Keys[i].N)
	e, _ := base64.RawURLEncoding.DecodeString(set.Keys[i].E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("JWT signature does not verify with the JWKS key: %v", err)
	}
	return claims
}

func userIDs(us []backend.User) []string {
	var ids []string
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	slices.Sort(ids)
	return ids
}

func sortedIDs(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

var _ = addClientCases(map[string]clientCase{
	// Users.
	"GetUserList": {
		ok: func(t *testing.T, f *clientFixture) {
			a, b := f.user(t), f.user(t)
			page, err := f.c.Users.List(f.ctx, &backend.UserListParams{EmailAddress: []string{a.EmailAddresses[0].EmailAddress}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Data) != 1 || page.Data[0].ID != a.ID || page.Data[0].EmailAddresses[0].EmailAddress != a.EmailAddresses[0].EmailAddress {
				t.Errorf("filtered by e-mail: %+v, want only %s", page.Data, a.ID)
			}
			if page.TotalCount != 1 {
				t.Errorf("filtered by e-mail: TotalCount %d, want 1 (from GET /users/count)", page.TotalCount)
			}
			page, err = f.c.Users.List(f.ctx, &backend.UserListParams{UserID: []string{a.ID, b.ID}, OrderBy: "+created_at", Limit: backend.Ptr[int64](1), Offset: backend.Ptr[int64](1)})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Data) != 1 || page.Data[0].ID != b.ID {
				t.Errorf("second page of one: %+v, want %s", page.Data, b.ID)
			}
			if page.TotalCount != 2 {
				t.Errorf("second page of one: TotalCount %d, want the 2 users the filter matches", page.TotalCount)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.List(f.ctx, &backend.UserListParams{OrderBy: "-shoe_size"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "order_by")
		},
	},
	"CreateUser": {
		ok: func(t *testing.T, f *clientFixture) {
			email, name, ext := f.unique("create")+"@example.com", f.unique("create_"), f.unique("ext_")
			u, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{
				EmailAddress: []string{email}, Username: &name, ExternalID: &ext,
				FirstName: backend.Ptr("Ada"), LastName: backend.Ptr("Lovelace"), Password: backend.Ptr("correct-horse-battery"),
				PublicMetadata: map[string]any{"plan": "pro"}, PrivateMetadata: map[string]any{"crm": "42"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.ID, "user_") || u.Object != "user" || *u.Username != name || *u.ExternalID != ext ||
				*u.FirstName != "Ada" || *u.LastName != "Lovelace" || !u.PasswordEnabled || u.PublicMetadata["plan"] != "pro" {
				t.Errorf("created user = %+v", u)
			}
			if len(u.EmailAddresses) != 1 || u.EmailAddresses[0].EmailAddress != email || u.PrimaryEmailAddressID == nil ||
				*u.PrimaryEmailAddressID != u.EmailAddresses[0].ID || u.EmailAddresses[0].Verification.Status != "verified" {
				t.Errorf("e-mail addresses = %+v (primary %v)", u.EmailAddresses, u.PrimaryEmailAddressID)
			}
			got := mustUser(t, f, u.ID)
			if *got.Username != name || got.PrivateMetadata["crm"] != "42" || got.EmailAddresses[0].EmailAddress != email {
				t.Errorf("read back %+v", got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			taken := f.user(t).EmailAddresses[0].EmailAddress
			_, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{EmailAddress: []string{taken}})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "email_address")
		},
	},
	"GetUsersCount": {
		ok: func(t *testing.T, f *clientFixture) {
			a, b := f.user(t), f.user(t)
			n, err := f.c.Users.Count(f.ctx, &backend.UserCountParams{UserID: []string{a.ID, b.ID, "user_missing"}})
			if err != nil {
				t.Fatal(err)
			}
			if n.Object != "total_count" || n.TotalCount != 2 {
				t.Errorf("count = %+v, want 2", n)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := wrongKeyClient(t, f).Users.Count(f.ctx, nil)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"GetUser": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			got := mustUser(t, f, u.ID)
			if got.ID != u.ID || *got.FirstName != "Case" || got.EmailAddresses[0].ID != u.EmailAddresses[0].ID || got.CreatedAt != u.CreatedAt {
				t.Errorf("got %+v, want %+v", got, u)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.Get(f.ctx, "user_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateUser": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			name := f.unique("renamed_")
			got, err := f.c.Users.Update(f.ctx, u.ID, &backend.UserUpdateParams{FirstName: backend.Ptr("Grace"), Username: &name, Password: backend.Ptr("another-long-password")})
			if err != nil {
				t.Fatal(err)
			}
			if *got.FirstName != "Grace" || *got.Username != name {
				t.Errorf("updated = %+v", got)
			}
			back := mustUser(t, f, u.ID)
			if *back.FirstName != "Grace" || *back.Username != name {
				t.Errorf("read back %+v", back)
			}
			v, err := f.c.Users.VerifyPassword(f.ctx, u.ID, &backend.UserVerifyPasswordParams{Password: "another-long-password"})
			if err != nil || !v.Verified {
				t.Errorf("new password: %+v, %v", v, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			name := f.unique("taken_")
			if _, err := f.c.Users.Update(f.ctx, f.user(t).ID, &backend.UserUpdateParams{Username: &name}); err != nil {
				t.Fatal(err)
			}
			_, err := f.c.Users.Update(f.ctx, f.user(t).ID, &backend.UserUpdateParams{Username: &name})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "username")
		},
	},
	"DeleteUser": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			s := newSession(t, f, u.ID)
			d, err := f.c.Users.Delete(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Object != "user" || d.ID != u.ID || !d.Deleted {
				t.Errorf("deleted = %+v", d)
			}
			_, err = f.c.Users.Get(f.ctx, u.ID)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			if got, err := f.c.Sessions.Get(f.ctx, s.ID); err == nil && got.Status == "active" {
				t.Errorf("the deleted user's session is still active: %+v", got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.Delete(f.ctx, "user_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"BanUser": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			s := newSession(t, f, u.ID)
			got, err := f.c.Users.Ban(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Banned || !mustUser(t, f, u.ID).Banned {
				t.Errorf("banned = %v, read back %v", got.Banned, mustUser(t, f, u.ID).Banned)
			}
			if back, err := f.c.Sessions.Get(f.ctx, s.ID); err != nil || back.Status != "revoked" {
				t.Errorf("a ban revokes the user's sessions: %+v, %v", back, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.Ban(f.ctx, "user_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UnbanUser": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			if _, err := f.c.Users.Ban(f.ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			got, err := f.c.Users.Unban(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Banned || mustUser(t, f, u.ID).Banned {
				t.Errorf("still banned after unban")
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.Unban(f.ctx, "user_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UsersBan": {
		ok: func(t *testing.T, f *clientFixture) {
			a, b := f.user(t), f.user(t)
			got, err := f.c.Users.BulkBan(f.ctx, &backend.UserBulkBanParams{UserIDs: []string{a.ID, b.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(userIDs(got), sortedIDs(a.ID, b.ID)) {
				t.Errorf("answered %v, want %s and %s", userIDs(got), a.ID, b.ID)
			}
			for _, id := range []string{a.ID, b.ID} {
				if !mustUser(t, f, id).Banned {
					t.Errorf("%s not banned", id)
				}
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.BulkBan(f.ctx, &backend.UserBulkBanParams{})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing"), "user_ids")
		},
	},
	"UsersUnban": {
		ok: func(t *testing.T, f *clientFixture) {
			a, b := f.user(t), f.user(t)
			if _, err := f.c.Users.BulkBan(f.ctx, &backend.UserBulkBanParams{UserIDs: []string{a.ID, b.ID}}); err != nil {
				t.Fatal(err)
			}
			got, err := f.c.Users.BulkUnban(f.ctx, &backend.UserBulkUnbanParams{UserIDs: []string{a.ID, b.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Banned || got[1].Banned || mustUser(t, f, a.ID).Banned || mustUser(t, f, b.ID).Banned {
				t.Errorf("after bulk unban: %+v", got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			// The specification caps a bulk ban or unban at 50 users.
			ids := make([]string, 51)
			for i := range ids {
				ids[i] = f.unique("user_x")
			}
			_, err := f.c.Users.BulkUnban(f.ctx, &backend.UserBulkUnbanParams{UserIDs: ids})
			wantAPIError(t, err, http.StatusBadRequest, "bulk_size_exceeded")
		},
	},
	"LockUser": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			got, err := f.c.Users.Lock(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Locked || !mustUser(t, f, u.ID).Locked {
				t.Errorf("not locked")
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.Lock(f.ctx, "user_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UnlockUser": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			if _, err := f.c.Users.Lock(f.ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			got, err := f.c.Users.Unlock(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Locked || mustUser(t, f, u.ID).Locked {
				t.Errorf("still locked")
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.Unlock(f.ctx, "user_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateUserMetadata": {
		ok: func(t *testing.T, f *clientFixture) {
			u, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{EmailAddress: []string{f.unique("meta") + "@example.com"},
				PublicMetadata: map[string]any{"drop": true, "keep": "k", "nested": map[string]any{"x": 1}}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.c.Users.UpdateMetadata(f.ctx, u.ID, &backend.UserUpdateMetadataParams{
				PublicMetadata:  map[string]any{"drop": nil, "nested": map[string]any{"y": 2}},
				PrivateMetadata: map[string]any{"secret": "s"},
			})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"keep": "k", "nested": map[string]any{"x": float64(1), "y": float64(2)}}
			for _, m := range []*backend.User{got, mustUser(t, f, u.ID)} {
				if !reflect.DeepEqual(m.PublicMetadata, want) || m.PrivateMetadata["secret"] != "s" {
					t.Errorf("merged metadata = %v / %v, want %v", m.PublicMetadata, m.PrivateMetadata, want)
				}
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			// Metadata must be an object; the typed client cannot send
			// anything else.
			err := f.c.Do(f.ctx, backend.Request{Method: "PATCH", Path: "/users/" + f.user(t).ID + "/metadata", Body: map[string]any{"public_metadata": "plan=pro"}}, nil)
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "public_metadata")
		},
	},
	"ReplaceUserMetadata": {
		ok: func(t *testing.T, f *clientFixture) {
			u, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{EmailAddress: []string{f.unique("replace") + "@example.com"},
				PublicMetadata: map[string]any{"old": true}, PrivateMetadata: map[string]any{"stays": "yes"}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.c.Users.ReplaceMetadata(f.ctx, u.ID, &backend.UserReplaceMetadataParams{PublicMetadata: map[string]any{"new": "n"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []*backend.User{got, mustUser(t, f, u.ID)} {
				if !reflect.DeepEqual(m.PublicMetadata, map[string]any{"new": "n"}) || m.PrivateMetadata["stays"] != "yes" {
					t.Errorf("replaced metadata = %v / %v", m.PublicMetadata, m.PrivateMetadata)
				}
			}
			// An empty object is sent, and empties the field.
			if _, err := f.c.Users.ReplaceMetadata(f.ctx, u.ID, &backend.UserReplaceMetadataParams{PrivateMetadata: map[string]any{}}); err != nil {
				t.Fatal(err)
			}
			if m := mustUser(t, f, u.ID); len(m.PrivateMetadata) != 0 || m.PublicMetadata["new"] != "n" {
				t.Errorf("after replacing private_metadata with {}: %v / %v", m.PublicMetadata, m.PrivateMetadata)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.ReplaceMetadata(f.ctx, "user_missing", &backend.UserReplaceMetadataParams{PublicMetadata: map[string]any{"a": 1}})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"RemoveUserPassword": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			got, err := f.c.Users.RemovePassword(f.ctx, u.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.PasswordEnabled || mustUser(t, f, u.ID).PasswordEnabled {
				t.Errorf("password still enabled")
			}
			_, err = f.c.Users.VerifyPassword(f.ctx, u.ID, &backend.UserVerifyPasswordParams{Password: "correct-horse-battery"})
			wantAPIError(t, err, http.StatusBadRequest, "no_password_set")
		},
		fail: func(t *testing.T, f *clientFixture) {
			u, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{EmailAddress: []string{f.unique("nopw") + "@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.c.Users.RemovePassword(f.ctx, u.ID, nil)
			wantAPIError(t, err, http.StatusBadRequest, "no_password_set")
		},
	},
	"VerifyPassword": {
		ok: func(t *testing.T, f *clientFixture) {
			got, err := f.c.Users.VerifyPassword(f.ctx, f.user(t).ID, &backend.UserVerifyPasswordParams{Password: "correct-horse-battery"})
			if err != nil || !got.Verified {
				t.Errorf("verify = %+v, %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.VerifyPassword(f.ctx, f.user(t).ID, &backend.UserVerifyPasswordParams{Password: "wrong-horse-battery"})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "incorrect_password")
		},
	},

	// E-mail addresses.
	"CreateEmailAddress": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			addr := f.unique("second") + "@example.com"
			e, err := f.c.EmailAddresses.Create(f.ctx, &backend.EmailAddressCreateParams{UserID: u.ID, EmailAddress: addr, Verified: backend.Ptr(true), Primary: backend.Ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(e.ID, "idn_") || e.Object != "email_address" || e.EmailAddress != addr || e.Verification == nil || e.Verification.Status != "verified" {
				t.Errorf("created %+v", e)
			}
			back := mustUser(t, f, u.ID)
			if len(back.EmailAddresses) != 2 || back.PrimaryEmailAddressID == nil || *back.PrimaryEmailAddressID != e.ID {
				t.Errorf("user after adding a primary address: %+v (primary %v)", back.EmailAddresses, back.PrimaryEmailAddressID)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			taken := f.user(t).EmailAddresses[0].EmailAddress
			_, err := f.c.EmailAddresses.Create(f.ctx, &backend.EmailAddressCreateParams{UserID: f.user(t).ID, EmailAddress: taken})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_identifier_exists"), "email_address")
		},
	},
	"GetEmailAddress": {
		ok: func(t *testing.T, f *clientFixture) {
			want := f.user(t).EmailAddresses[0]
			e, err := f.c.EmailAddresses.Get(f.ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if e.ID != want.ID || e.EmailAddress != want.EmailAddress || e.Verification.Status != "verified" {
				t.Errorf("got %+v, want %+v", e, want)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.EmailAddresses.Get(f.ctx, "idn_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateEmailAddress": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			e, err := f.c.EmailAddresses.Create(f.ctx, &backend.EmailAddressCreateParams{UserID: u.ID, EmailAddress: f.unique("later") + "@example.com", Verified: backend.Ptr(false)})
			if err != nil {
				t.Fatal(err)
			}
			if e.Verification.Status != "unverified" {
				t.Fatalf("new address verification = %+v", e.Verification)
			}
			got, err := f.c.EmailAddresses.Update(f.ctx, e.ID, &backend.EmailAddressUpdateParams{Verified: backend.Ptr(true), Primary: backend.Ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			back, err := f.c.EmailAddresses.Get(f.ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Verification.Status != "verified" || back.Verification.Status != "verified" {
				t.Errorf("verification after update: %+v, read back %+v", got.Verification, back.Verification)
			}
			if p := mustUser(t, f, u.ID).PrimaryEmailAddressID; p == nil || *p != e.ID {
				t.Errorf("primary = %v, want %s", p, e.ID)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.EmailAddresses.Update(f.ctx, "idn_missing", &backend.EmailAddressUpdateParams{Verified: backend.Ptr(true)})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"DeleteEmailAddress": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			e, err := f.c.EmailAddresses.Create(f.ctx, &backend.EmailAddressCreateParams{UserID: u.ID, EmailAddress: f.unique("gone") + "@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			d, err := f.c.EmailAddresses.Delete(f.ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Object != "email_address" || d.ID != e.ID || !d.Deleted {
				t.Errorf("deleted = %+v", d)
			}
			_, err = f.c.EmailAddresses.Get(f.ctx, e.ID)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			if back := mustUser(t, f, u.ID); len(back.EmailAddresses) != 1 || back.EmailAddresses[0].ID != u.EmailAddresses[0].ID {
				t.Errorf("user's addresses after the delete: %+v", back.EmailAddresses)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.EmailAddresses.Delete(f.ctx, "idn_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	// Sessions.
	"createSession": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			s := newSession(t, f, u.ID)
			if !strings.HasPrefix(s.ID, "sess_") || s.Object != "session" || s.UserID != u.ID || s.Status != "active" || s.ClientID == "" || s.ExpireAt <= s.CreatedAt {
				t.Errorf("session = %+v", s)
			}
			back, err := f.c.Sessions.Get(f.ctx, s.ID)
			if err != nil || back.UserID != u.ID || back.ClientID != s.ClientID {
				t.Errorf("read back %+v, %v", back, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Sessions.Create(f.ctx, &backend.SessionCreateParams{})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing"), "user_id")
		},
	},
	"GetSessionList": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			a, b := newSession(t, f, u.ID), newSession(t, f, u.ID)
			if _, err := f.c.Sessions.Revoke(f.ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			page, err := f.c.Sessions.List(f.ctx, &backend.SessionListParams{UserID: u.ID, Paginated: backend.Ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != 2 || len(page.Data) != 2 {
				t.Errorf("all of the user's sessions: %+v", page)
			}
			page, err = f.c.Sessions.List(f.ctx, &backend.SessionListParams{UserID: u.ID, Status: "active"})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Data) != 1 || page.Data[0].ID != b.ID {
				t.Errorf("active sessions: %+v, want only %s", page.Data, b.ID)
			}
			page, err = f.c.Sessions.List(f.ctx, &backend.SessionListParams{ClientID: a.ClientID})
			if err != nil || len(page.Data) != 1 || page.Data[0].ID != a.ID {
				t.Errorf("sessions of client %s: %+v, %v", a.ClientID, page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Sessions.List(f.ctx, &backend.SessionListParams{Status: "sleeping"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "status")
		},
	},
	"GetSession": {
		ok: func(t *testing.T, f *clientFixture) {
			s := newSession(t, f, f.user(t).ID)
			got, err := f.c.Sessions.Get(f.ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != s.ID || got.Status != "active" || got.ExpireAt != s.ExpireAt || got.LastActiveAt != s.LastActiveAt {
				t.Errorf("got %+v, want %+v", got, s)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Sessions.Get(f.ctx, "sess_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"RevokeSession": {
		ok: func(t *testing.T, f *clientFixture) {
			s := newSession(t, f, f.user(t).ID)
			got, err := f.c.Sessions.Revoke(f.ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			back, err := f.c.Sessions.Get(f.ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != "revoked" || back.Status != "revoked" {
				t.Errorf("status = %q, read back %q", got.Status, back.Status)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Sessions.Revoke(f.ctx, "sess_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"CreateSessionToken": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			s := newSession(t, f, u.ID)
			tok, err := f.c.Sessions.CreateToken(f.ctx, s.ID, &backend.SessionCreateTokenParams{ExpiresInSeconds: backend.Ptr[int64](120)})
			if err != nil {
				t.Fatal(err)
			}
			c := verifiedClaims(t, f, tok.JWT)
			if tok.Object != "token" || c["sub"] != u.ID || c["sid"] != s.ID || c["exp"].(float64)-c["iat"].(float64) != 120 {
				t.Errorf("token %q claims %v", tok.Object, c)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Sessions.CreateToken(f.ctx, "sess_missing", nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"CreateSessionTokenFromTemplate": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			tpl, err := f.c.JWTTemplates.Create(f.ctx, &backend.JWTTemplateCreateParams{Name: f.unique("tpl_"),
				Claims: map[string]any{"email": "{{user.primary_email_address}}", "aud": "billing"}, Lifetime: backend.Ptr[int64](300)})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := f.c.Sessions.CreateTokenFromTemplate(f.ctx, newSession(t, f, u.ID).ID, tpl.Name, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := verifiedClaims(t, f, tok.JWT)
			if c["email"] != u.EmailAddresses[0].EmailAddress || c["aud"] != "billing" || c["sub"] != u.ID || c["exp"].(float64)-c["iat"].(float64) != 300 {
				t.Errorf("template token claims %v", c)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			s := newSession(t, f, f.user(t).ID)
			_, err := f.c.Sessions.CreateTokenFromTemplate(f.ctx, s.ID, "no_such_template", nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	// Clients.
	"GetClient": {
		ok: func(t *testing.T, f *clientFixture) {
			s := newSession(t, f, f.user(t).ID)
			c, err := f.c.Clients.Get(f.ctx, s.ClientID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Object != "client" || c.ID != s.ClientID || !slices.Equal(c.SessionIDs, []string{s.ID}) ||
				len(c.Sessions) != 1 || c.Sessions[0].ID != s.ID || c.LastActiveSessionID == nil || *c.LastActiveSessionID != s.ID {
				t.Errorf("client = %+v", c)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Clients.Get(f.ctx, "client_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	// Testing tokens (@clerk/testing's clerkSetup).
	"CreateTestingToken": {
		ok: func(t *testing.T, f *clientFixture) {
			from := f.h.inst.now().Add(time.Hour).Unix()
			tt, err := f.c.TestingTokens.Create(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			to := f.h.inst.now().Add(time.Hour).Unix()
			exp, _, found := strings.Cut(tt.Token, "-")
			if tt.Object != "testing_token" || !found || exp != strconv.FormatInt(tt.ExpiresAt, 10) ||
				tt.ExpiresAt < from || tt.ExpiresAt > to {
				t.Errorf("testing token = %+v", tt)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := unauthenticated(t, f).TestingTokens.Create(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},

	// Sign-in tokens.
	"CreateSignInToken": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			st, err := f.c.SignInTokens.Create(f.ctx, &backend.SignInTokenCreateParams{UserID: u.ID, ExpiresInSeconds: backend.Ptr[int64](600)})
			if err != nil {
				t.Fatal(err)
			}
			if st.Object != "sign_in_token" || st.UserID != u.ID || st.Status != "pending" || st.Token == "" || st.URL == nil || !strings.Contains(*st.URL, "ticket="+st.Token) {
				t.Errorf("sign-in token = %+v", st)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.SignInTokens.Create(f.ctx, &backend.SignInTokenCreateParams{})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing"), "user_id")
		},
	},
	"RevokeSignInToken": {
		ok: func(t *testing.T, f *clientFixture) {
			st, err := f.c.SignInTokens.Create(f.ctx, &backend.SignInTokenCreateParams{UserID: f.user(t).ID})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.c.SignInTokens.Revoke(f.ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != st.ID || got.Status != "revoked" || got.UserID != st.UserID {
				t.Errorf("revoked = %+v", got)
			}
			// The revocation persisted: a second one is refused.
			_, err = f.c.SignInTokens.Revoke(f.ctx, st.ID)
			wantAPIError(t, err, http.StatusBadRequest, "sign_in_token_cannot_be_revoked_code")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.SignInTokens.Revoke(f.ctx, "sit_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	// Actor tokens.
	"CreateActorToken": {
		ok: func(t *testing.T, f *clientFixture) {
			u, admin := f.user(t), f.user(t)
			at, err := f.c.ActorTokens.Create(f.ctx, &backend.ActorTokenCreateParams{UserID: u.ID, Actor: &backend.ActorTokenCreateParamsActor{Sub: admin.ID}, ExpiresInSeconds: backend.Ptr[int64](600)})
			if err != nil {
				t.Fatal(err)
			}
			if at.Object != "actor_token" || at.UserID != u.ID || at.Status != "pending" || at.Actor["sub"] != admin.ID || at.Token == "" || !strings.Contains(at.URL, "ticket="+at.Token) {
				t.Errorf("actor token = %+v", at)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.ActorTokens.Create(f.ctx, &backend.ActorTokenCreateParams{UserID: f.user(t).ID})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing"), "actor")
		},
	},
	"RevokeActorToken": {
		ok: func(t *testing.T, f *clientFixture) {
			at, err := f.c.ActorTokens.Create(f.ctx, &backend.ActorTokenCreateParams{UserID: f.user(t).ID, Actor: &backend.ActorTokenCreateParamsActor{Sub: f.user(t).ID}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.c.ActorTokens.Revoke(f.ctx, at.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != at.ID || got.Status != "revoked" || got.Actor["sub"] != at.Actor["sub"] {
				t.Errorf("revoked = %+v", got)
			}
			_, err = f.c.ActorTokens.Revoke(f.ctx, at.ID)
			wantAPIError(t, err, http.StatusBadRequest, "actor_token_cannot_be_revoked_code")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.ActorTokens.Revoke(f.ctx, "act_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
})
