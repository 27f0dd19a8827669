package localclerk

import (
	"net/http"
	"slices"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// machine creates a machine, optionally scoped to others.
func (f *clientFixture) machine(t *testing.T, scoped ...string) *backend.CreatedMachine {
	t.Helper()
	m, err := f.c.Machines.Create(f.ctx, &backend.MachineCreateParams{Name: f.unique("svc "), ScopedMachines: scoped})
	if err != nil {
		t.Fatalf("create machine: %v", err)
	}
	return m
}

// machineClient is a backend client that authenticates M2M calls with a
// machine's own secret key.
func (f *clientFixture) machineClient(t *testing.T, secret string) *backend.Client {
	t.Helper()
	c, err := backend.NewClient(backend.Config{SecretKey: f.h.inst.SecretKey, MachineSecretKey: secret, APIURL: f.h.inst.BackendAPIURL, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// m2mToken mints a token as a fresh machine.
func (f *clientFixture) m2mToken(t *testing.T) (*backend.CreatedM2MToken, *backend.Client) {
	t.Helper()
	mc := f.machineClient(t, f.machine(t).SecretKey)
	tok, err := mc.M2MTokens.Create(f.ctx, &backend.M2MTokenCreateParams{SecondsUntilExpiration: backend.Ptr(600.0)})
	if err != nil {
		t.Fatalf("mint M2M token: %v", err)
	}
	return tok, mc
}

func (f *clientFixture) apiKey(t *testing.T) *backend.CreatedAPIKey {
	t.Helper()
	k, err := f.c.APIKeys.Create(f.ctx, &backend.APIKeyCreateParams{Name: f.unique("key "), Subject: f.user(t).ID, Scopes: []string{"read"}})
	if err != nil {
		t.Fatalf("create API key: %v", err)
	}
	return k
}

func (f *clientFixture) waitlistEntry(t *testing.T) *backend.WaitlistEntry {
	t.Helper()
	w, err := f.c.WaitlistEntries.Create(f.ctx, &backend.WaitlistEntryCreateParams{EmailAddress: f.unique("wait") + "@example.com"})
	if err != nil {
		t.Fatalf("create waitlist entry: %v", err)
	}
	return w
}

var _ = addClientCases(map[string]clientCase{
	"ListMachines": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			p, err := f.c.Machines.List(f.ctx, &backend.MachineListParams{Query: m.ID, OrderBy: "-name", Limit: backend.Ptr[int64](5)})
			if err != nil || p.TotalCount != 1 || len(p.Data) != 1 || p.Data[0].ID != m.ID || p.Data[0].Name != m.Name {
				t.Fatalf("list: %v %+v", err, p)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.List(f.ctx, &backend.MachineListParams{OrderBy: "secret_key"})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "order_by")
		},
	},
	"CreateMachine": {
		ok: func(t *testing.T, f *clientFixture) {
			other := f.machine(t)
			m, err := f.c.Machines.Create(f.ctx, &backend.MachineCreateParams{Name: "api", ScopedMachines: []string{other.ID}, DefaultTokenTTL: backend.Ptr[int64](120)})
			if err != nil || m.Object != "machine" || m.SecretKey == "" || m.DefaultTokenTTL != 120 ||
				len(m.ScopedMachines) != 1 || m.ScopedMachines[0].ID != other.ID || m.InstanceID != f.h.inst.KeyID {
				t.Fatalf("create: %v %+v", err, m)
			}
			// The new machine mints with its own key.
			if tok, err := f.machineClient(t, m.SecretKey).M2MTokens.Create(f.ctx, nil); err != nil || tok.Subject != m.ID {
				t.Errorf("mint as the new machine: %v %+v", err, tok)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.Create(f.ctx, &backend.MachineCreateParams{Name: "x", ScopedMachines: []string{"mch_nope"}})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "scoped_machines")
		},
	},
	"GetMachine": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			got, err := f.c.Machines.Get(f.ctx, m.ID)
			if err != nil || got.ID != m.ID || got.Name != m.Name || got.ScopedMachines == nil {
				t.Fatalf("get: %v %+v", err, got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.Get(f.ctx, "mch_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"UpdateMachine": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			got, err := f.c.Machines.Update(f.ctx, m.ID, &backend.MachineUpdateParams{Name: backend.Ptr("renamed"), DefaultTokenTTL: backend.Ptr[int64](45)})
			if err != nil || got.Name != "renamed" || got.DefaultTokenTTL != 45 {
				t.Fatalf("update: %v %+v", err, got)
			}
			if again, _ := f.c.Machines.Get(f.ctx, m.ID); again.Name != "renamed" {
				t.Errorf("not persisted: %+v", again)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.Update(f.ctx, f.machine(t).ID, &backend.MachineUpdateParams{DefaultTokenTTL: backend.Ptr[int64](-1)})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "default_token_ttl")
		},
	},
	"DeleteMachine": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			d, err := f.c.Machines.Delete(f.ctx, m.ID)
			if err != nil || !d.Deleted || d.ID != m.ID || d.Object != "machine" {
				t.Fatalf("delete: %v %+v", err, d)
			}
			_, err = f.c.Machines.Get(f.ctx, m.ID)
			wantAPIError(t, err, 404, "resource_not_found")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.Delete(f.ctx, "mch_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"GetMachineSecretKey": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			k, err := f.c.Machines.GetSecretKey(f.ctx, m.ID)
			if err != nil || k.Object != "machine_secret_key" || k.Secret != m.SecretKey {
				t.Fatalf("secret key: %v %+v", err, k)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.GetSecretKey(f.ctx, "mch_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"RotateMachineSecretKey": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			k, err := f.c.Machines.RotateSecretKey(f.ctx, m.ID, &backend.MachineRotateSecretKeyParams{PreviousTokenTTL: 0})
			if err != nil || k.Secret == "" || k.Secret == m.SecretKey {
				t.Fatalf("rotate: %v %+v", err, k)
			}
			_, err = f.machineClient(t, m.SecretKey).M2MTokens.Create(f.ctx, nil)
			wantAPIError(t, err, 401, "clerk_key_invalid")
			if _, err := f.machineClient(t, k.Secret).M2MTokens.Create(f.ctx, nil); err != nil {
				t.Errorf("mint with the new key: %v", err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.RotateSecretKey(f.ctx, f.machine(t).ID, &backend.MachineRotateSecretKeyParams{PreviousTokenTTL: 28801})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "previous_token_ttl")
		},
	},
	"CreateMachineScope": {
		ok: func(t *testing.T, f *clientFixture) {
			a, b := f.machine(t), f.machine(t)
			s, err := f.c.Machines.CreateScope(f.ctx, a.ID, &backend.MachineCreateScopeParams{ToMachineID: b.ID})
			if err != nil || s.Object != "machine_scope" || s.FromMachineID != a.ID || s.ToMachineID != b.ID || s.CreatedAt == 0 {
				t.Fatalf("create scope: %v %+v", err, s)
			}
			// Tokens a mints now are scoped to b, and b verifies them.
			tok, err := f.machineClient(t, a.SecretKey).M2MTokens.Create(f.ctx, nil)
			if err != nil || !slices.Equal(tok.Scopes, []string{b.ID}) {
				t.Fatalf("mint: %v %+v", err, tok)
			}
			if v, err := f.machineClient(t, b.SecretKey).M2MTokens.Verify(f.ctx, tok.Token); err != nil || v.Subject != a.ID {
				t.Errorf("verify as b: %v %+v", err, v)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			a := f.machine(t)
			_, err := f.c.Machines.CreateScope(f.ctx, a.ID, &backend.MachineCreateScopeParams{ToMachineID: a.ID})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "to_machine_id")
		},
	},
	"DeleteMachineScope": {
		ok: func(t *testing.T, f *clientFixture) {
			b := f.machine(t)
			a := f.machine(t, b.ID)
			d, err := f.c.Machines.DeleteScope(f.ctx, a.ID, b.ID)
			if err != nil || !d.Deleted || d.FromMachineID != a.ID || d.ToMachineID != b.ID {
				t.Fatalf("delete scope: %v %+v", err, d)
			}
			if m, _ := f.c.Machines.Get(f.ctx, a.ID); len(m.ScopedMachines) != 0 {
				t.Errorf("scope still there: %+v", m.ScopedMachines)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Machines.DeleteScope(f.ctx, f.machine(t).ID, f.machine(t).ID)
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},

	"createM2MToken": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			tok, err := f.machineClient(t, m.SecretKey).M2MTokens.Create(f.ctx, &backend.M2MTokenCreateParams{
				SecondsUntilExpiration: backend.Ptr(60.0), Claims: map[string]any{"job": "sync"}})
			if err != nil || tok.Subject != m.ID || tok.Token == "" || tok.Expiration == nil || tok.Claims.(map[string]any)["job"] != "sync" {
				t.Fatalf("create: %v %+v", err, tok)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.machineClient(t, f.machine(t).SecretKey).M2MTokens.Create(f.ctx, &backend.M2MTokenCreateParams{TokenFormat: backend.Ptr("paseto")})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "token_format")
		},
	},
	"getM2MTokens": {
		ok: func(t *testing.T, f *clientFixture) {
			tok, mc := f.m2mToken(t)
			if _, err := mc.M2MTokens.Revoke(f.ctx, tok.ID, nil); err != nil {
				t.Fatal(err)
			}
			p, err := mc.M2MTokens.List(f.ctx, &backend.M2MTokenListParams{Subject: tok.Subject})
			if err != nil || p.TotalCount != 0 {
				t.Fatalf("list without revoked: %v %+v", err, p)
			}
			p, err = mc.M2MTokens.List(f.ctx, &backend.M2MTokenListParams{Subject: tok.Subject, Revoked: backend.Ptr(true)})
			if err != nil || p.TotalCount != 1 || p.Data[0].ID != tok.ID || !p.Data[0].Revoked {
				t.Fatalf("list with revoked: %v %+v", err, p)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.M2MTokens.List(f.ctx, &backend.M2MTokenListParams{Subject: "mch_nope"})
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"revokeM2MToken": {
		ok: func(t *testing.T, f *clientFixture) {
			tok, mc := f.m2mToken(t)
			r, err := mc.M2MTokens.Revoke(f.ctx, tok.ID, &backend.M2MTokenRevokeParams{RevocationReason: backend.Ptr("done")})
			if err != nil || !r.Revoked || r.RevocationReason == nil || *r.RevocationReason != "done" {
				t.Fatalf("revoke: %v %+v", err, r)
			}
			_, err = mc.M2MTokens.Verify(f.ctx, tok.Token)
			wantAPIError(t, err, 404, "token_not_found")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.M2MTokens.Revoke(f.ctx, "mt_nope", nil)
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"verifyM2MToken": {
		ok: func(t *testing.T, f *clientFixture) {
			tok, mc := f.m2mToken(t)
			v, err := mc.M2MTokens.Verify(f.ctx, tok.Token)
			if err != nil || v.ID != tok.ID || v.Subject != tok.Subject || v.LastUsedAt == nil {
				t.Fatalf("verify: %v %+v", err, v)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			// A machine the token is not scoped to cannot verify it.
			tok, _ := f.m2mToken(t)
			_, err := f.machineClient(t, f.machine(t).SecretKey).M2MTokens.Verify(f.ctx, tok.Token)
			wantAPIError(t, err, 404, "token_not_found")
		},
	},

	"createApiKey": {
		ok: func(t *testing.T, f *clientFixture) {
			m := f.machine(t)
			k, err := f.c.APIKeys.Create(f.ctx, &backend.APIKeyCreateParams{Name: "worker key", Subject: m.ID, Description: backend.Ptr("d"),
				Claims: map[string]any{"tier": "gold"}, SecondsUntilExpiration: backend.Ptr(60.0)})
			if err != nil || k.Object != "api_key" || k.Subject != m.ID || k.Secret == "" || k.Expiration == nil || k.Claims.(map[string]any)["tier"] != "gold" {
				t.Fatalf("create: %v %+v", err, k)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.APIKeys.Create(f.ctx, &backend.APIKeyCreateParams{Name: "orphan", Subject: "user_nope"})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "subject")
		},
	},
	"getApiKeys": {
		ok: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			if _, err := f.c.APIKeys.Revoke(f.ctx, k.ID, nil); err != nil {
				t.Fatal(err)
			}
			p, err := f.c.APIKeys.List(f.ctx, &backend.APIKeyListParams{Subject: k.Subject})
			if err != nil || p.TotalCount != 0 {
				t.Fatalf("list valid: %v %+v", err, p)
			}
			p, err = f.c.APIKeys.List(f.ctx, &backend.APIKeyListParams{Subject: k.Subject, IncludeInvalid: "true"})
			if err != nil || p.TotalCount != 1 || p.Data[0].ID != k.ID || !p.Data[0].Revoked {
				t.Fatalf("list invalid too: %v %+v", err, p)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.APIKeys.List(f.ctx, &backend.APIKeyListParams{})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_missing"), "subject")
		},
	},
	"getApiKey": {
		ok: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			got, err := f.c.APIKeys.Get(f.ctx, k.ID)
			if err != nil || got.ID != k.ID || got.Name != k.Name || !slices.Equal(got.Scopes, []string{"read"}) {
				t.Fatalf("get: %v %+v", err, got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.APIKeys.Get(f.ctx, "ak_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"updateApiKey": {
		ok: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			got, err := f.c.APIKeys.Update(f.ctx, k.ID, &backend.APIKeyUpdateParams{Subject: backend.Ptr(k.Subject), Description: backend.Ptr("now scoped"),
				Scopes: []string{"read", "write"}, Claims: map[string]any{"v": 2}, SecondsUntilExpiration: backend.Ptr(120.0)})
			if err != nil || got.Description == nil || *got.Description != "now scoped" || len(got.Scopes) != 2 || got.Expiration == nil {
				t.Fatalf("update: %v %+v", err, got)
			}
			if again, _ := f.c.APIKeys.Get(f.ctx, k.ID); len(again.Scopes) != 2 || again.Claims.(map[string]any)["v"] != float64(2) {
				t.Errorf("not persisted: %+v", again)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.APIKeys.Update(f.ctx, f.apiKey(t).ID, &backend.APIKeyUpdateParams{Subject: backend.Ptr("org_nope")})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "subject")
		},
	},
	"deleteApiKey": {
		ok: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			d, err := f.c.APIKeys.Delete(f.ctx, k.ID)
			if err != nil || !d.Deleted || d.ID != k.ID {
				t.Fatalf("delete: %v %+v", err, d)
			}
			_, err = f.c.APIKeys.Verify(f.ctx, k.Secret)
			wantAPIError(t, err, 404, "token_not_found")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.APIKeys.Delete(f.ctx, "ak_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"getApiKeySecret": {
		ok: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			s, err := f.c.APIKeys.GetSecret(f.ctx, k.ID)
			if err != nil || s.Secret != k.Secret {
				t.Fatalf("secret: %v %+v", err, s)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.APIKeys.GetSecret(f.ctx, "ak_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"revokeApiKey": {
		ok: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			r, err := f.c.APIKeys.Revoke(f.ctx, k.ID, &backend.APIKeyRevokeParams{RevocationReason: backend.Ptr("leaked")})
			if err != nil || !r.Revoked || r.RevocationReason == nil || *r.RevocationReason != "leaked" {
				t.Fatalf("revoke: %v %+v", err, r)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.APIKeys.Revoke(f.ctx, "ak_nope", nil)
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"verifyApiKey": {
		ok: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			v, err := f.c.APIKeys.Verify(f.ctx, k.Secret)
			if err != nil || v.ID != k.ID || v.Subject != k.Subject {
				t.Fatalf("verify: %v %+v", err, v)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			k := f.apiKey(t)
			if _, err := f.c.APIKeys.Revoke(f.ctx, k.ID, nil); err != nil {
				t.Fatal(err)
			}
			_, err := f.c.APIKeys.Verify(f.ctx, k.Secret)
			wantAPIError(t, err, 404, "token_not_found")
		},
	},

	"ListWaitlistEntries": {
		ok: func(t *testing.T, f *clientFixture) {
			w := f.waitlistEntry(t)
			p, err := f.c.WaitlistEntries.List(f.ctx, &backend.WaitlistEntryListParams{Query: w.EmailAddress, Status: "pending", OrderBy: "email_address"})
			if err != nil || p.TotalCount != 1 || p.Data[0].ID != w.ID {
				t.Fatalf("list: %v %+v", err, p)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.WaitlistEntries.List(f.ctx, &backend.WaitlistEntryListParams{Status: "sleeping"})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "status")
		},
	},
	"CreateWaitlistEntry": {
		ok: func(t *testing.T, f *clientFixture) {
			email := f.unique("join") + "@example.com"
			w, err := f.c.WaitlistEntries.Create(f.ctx, &backend.WaitlistEntryCreateParams{EmailAddress: email, Notify: backend.Ptr(false)})
			if err != nil || w.Object != "waitlist_entry" || w.EmailAddress != email || w.Status != "pending" || w.Invitation != nil {
				t.Fatalf("create: %v %+v", err, w)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.WaitlistEntries.Create(f.ctx, &backend.WaitlistEntryCreateParams{EmailAddress: f.user(t).EmailAddresses[0].EmailAddress})
			wantErrParam(t, wantAPIError(t, err, 422, "form_identifier_exists"), "email_address")
		},
	},
	"CreateBulkWaitlistEntries": {
		ok: func(t *testing.T, f *clientFixture) {
			a, b := f.unique("bulk")+"@example.com", f.unique("bulk")+"@example.com"
			ws, err := f.c.WaitlistEntries.BulkCreate(f.ctx, &backend.WaitlistEntryBulkCreateParams{Items: []backend.WaitlistEntryBulkCreateParamsItem{{EmailAddress: a}, {EmailAddress: b}}})
			if err != nil || len(ws) != 2 || ws[0].EmailAddress != a || ws[1].EmailAddress != b {
				t.Fatalf("bulk: %v %+v", err, ws)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			ok := f.unique("bulk") + "@example.com"
			_, err := f.c.WaitlistEntries.BulkCreate(f.ctx, &backend.WaitlistEntryBulkCreateParams{Items: []backend.WaitlistEntryBulkCreateParamsItem{{EmailAddress: ok}, {EmailAddress: "not-an-address"}}})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_format_invalid"), "email_address")
			// All or nothing: the good address was not added.
			if p, _ := f.c.WaitlistEntries.List(f.ctx, &backend.WaitlistEntryListParams{Query: ok}); p.TotalCount != 0 {
				t.Errorf("partial bulk write: %+v", p)
			}
		},
	},
	"DeleteWaitlistEntry": {
		ok: func(t *testing.T, f *clientFixture) {
			w := f.waitlistEntry(t)
			d, err := f.c.WaitlistEntries.Delete(f.ctx, w.ID)
			if err != nil || !d.Deleted || d.ID != w.ID {
				t.Fatalf("delete: %v %+v", err, d)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.WaitlistEntries.Delete(f.ctx, "wle_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"InviteWaitlistEntry": {
		ok: func(t *testing.T, f *clientFixture) {
			w := f.waitlistEntry(t)
			got, err := f.c.WaitlistEntries.Invite(f.ctx, w.ID, nil)
			if err != nil || got.Status != "invited" || got.Invitation == nil || got.Invitation.EmailAddress != w.EmailAddress || got.Invitation.Status != "pending" {
				t.Fatalf("invite: %v %+v", err, got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			w := f.waitlistEntry(t)
			if _, err := f.c.WaitlistEntries.Invite(f.ctx, w.ID, nil); err != nil {
				t.Fatal(err)
			}
			_, err := f.c.WaitlistEntries.Invite(f.ctx, w.ID, &backend.WaitlistEntryInviteParams{IgnoreExisting: backend.Ptr(false)})
			wantAPIError(t, err, http.StatusConflict, "waitlist_entry_already_invited")
		},
	},
	"RejectWaitlistEntry": {
		ok: func(t *testing.T, f *clientFixture) {
			w := f.waitlistEntry(t)
			got, err := f.c.WaitlistEntries.Reject(f.ctx, w.ID)
			if err != nil || got.Status != "rejected" {
				t.Fatalf("reject: %v %+v", err, got)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.WaitlistEntries.Reject(f.ctx, "wle_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
})
