package localclerk

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for the instance-wide resources: JWT templates, the JWKS,
// invitations, the allow-list and block-list, redirect URLs, domains and
// the sign-up restrictions.

func templateNames(ts []backend.JWTTemplate) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func invitationIDs(ivs []backend.Invitation) []string {
	var out []string
	for _, iv := range ivs {
		out = append(out, iv.ID)
	}
	slices.Sort(out)
	return out
}

func newTemplate(t *testing.T, f *clientFixture) *backend.JWTTemplate {
	t.Helper()
	tpl, err := f.c.JWTTemplates.Create(f.ctx, &backend.JWTTemplateCreateParams{Name: f.unique("tpl_"), Claims: map[string]any{"role": "{{user.public_metadata.role}}"}})
	if err != nil {
		t.Fatalf("create JWT template: %v", err)
	}
	return tpl
}

func newInvitation(t *testing.T, f *clientFixture, email string) *backend.Invitation {
	t.Helper()
	iv, err := f.c.Invitations.Create(f.ctx, &backend.InvitationCreateParams{EmailAddress: email})
	if err != nil {
		t.Fatalf("create invitation: %v", err)
	}
	return iv
}

// domainNames lists the instance's domains by name, with the primary's
// is_satellite flag checked on the way.
func domainNames(t *testing.T, f *clientFixture) []string {
	t.Helper()
	page, err := f.c.Domains.List(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) == 0 || page.Data[0].IsSatellite || page.TotalCount != int64(len(page.Data)) {
		t.Fatalf("domains = %+v, want the primary first and a total count", page)
	}
	var out []string
	for _, d := range page.Data {
		out = append(out, d.Name)
	}
	return out
}

func satellite(t *testing.T, f *clientFixture) *backend.Domain {
	t.Helper()
	d, err := f.c.Domains.Add(f.ctx, &backend.DomainAddParams{Name: f.unique("sat") + ".example.com", IsSatellite: true})
	if err != nil {
		t.Fatalf("add domain: %v", err)
	}
	return d
}

// identifierCases are the cases of one of the two identifier lists, which
// answer alike; list and del wrap the typed client's two services.
func identifierCases(object, listOp, createOp, deleteOp string,
	create func(f *clientFixture, identifier string) (id, norm, typ string, err error),
	list func(f *clientFixture) ([]string, int64, error),
	del func(f *clientFixture, id string) (*backend.DeletedObject, error),
) map[string]clientCase {
	fresh := func(t *testing.T, f *clientFixture) (id, norm string) {
		t.Helper()
		id, norm, _, err := create(f, strings.ToUpper(f.unique("listed"))+"@Example.com")
		if err != nil {
			t.Fatalf("create %s: %v", object, err)
		}
		return id, norm
	}
	return map[string]clientCase{
		createOp: {
			ok: func(t *testing.T, f *clientFixture) {
				raw := f.unique("Mixed.Case") + "@Example.COM"
				id, norm, typ, err := create(f, raw)
				if err != nil {
					t.Fatal(err)
				}
				if norm != strings.ToLower(raw) || typ != "email_address" || id == "" {
					t.Errorf("created %s %q (%s), want %q as an email_address", id, norm, typ, strings.ToLower(raw))
				}
				if _, _, typ, err = create(f, "*@"+f.unique("corp")+".example.org"); err != nil || typ != "email_address" {
					t.Errorf("a whole domain: %s, %v", typ, err)
				}
				if ids, _, err := list(f); err != nil || !slices.Contains(ids, id) {
					t.Errorf("list %v (%v) lacks %s", ids, err, id)
				}
			},
			fail: func(t *testing.T, f *clientFixture) {
				_, norm := fresh(t, f)
				_, _, _, err := create(f, norm)
				wantAPIError(t, err, http.StatusBadRequest, "duplicate_record")
			},
		},
		listOp: {
			ok: func(t *testing.T, f *clientFixture) {
				a, _ := fresh(t, f)
				b, _ := fresh(t, f)
				ids, total, err := list(f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(ids, a) || !slices.Contains(ids, b) || total != int64(len(ids)) {
					t.Errorf("list %v (total %d) lacks %s or %s", ids, total, a, b)
				}
			},
			fail: func(t *testing.T, f *clientFixture) {
				_, _, err := list(&clientFixture{h: f.h, c: wrongKeyClient(t, f), ctx: f.ctx})
				wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
			},
		},
		deleteOp: {
			ok: func(t *testing.T, f *clientFixture) {
				id, _ := fresh(t, f)
				d, err := del(f, id)
				if err != nil {
					t.Fatal(err)
				}
				if d.Object != object || d.ID != id || !d.Deleted {
					t.Errorf("deleted = %+v", d)
				}
				if ids, _, err := list(f); err != nil || slices.Contains(ids, id) {
					t.Errorf("list %v (%v) still has %s", ids, err, id)
				}
			},
			fail: func(t *testing.T, f *clientFixture) {
				_, err := del(f, "id_missing")
				wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			},
		},
	}
}

var _ = addClientCases(identifierCases("allowlist_identifier", "ListAllowlistIdentifiers", "CreateAllowlistIdentifier", "DeleteAllowlistIdentifier",
	func(f *clientFixture, identifier string) (string, string, string, error) {
		e, err := f.c.AllowlistIdentifiers.Create(f.ctx, &backend.AllowlistIdentifierCreateParams{Identifier: identifier})
		if err != nil {
			return "", "", "", err
		}
		return e.ID, e.Identifier, e.IdentifierType, nil
	},
	func(f *clientFixture) ([]string, int64, error) {
		page, err := f.c.AllowlistIdentifiers.List(f.ctx, &backend.AllowlistIdentifierListParams{Paginated: backend.Ptr(true), Limit: backend.Ptr[int64](500)})
		if err != nil {
			return nil, 0, err
		}
		var ids []string
		for _, e := range page.Data {
			ids = append(ids, e.ID)
		}
		return ids, page.TotalCount, nil
	},
	func(f *clientFixture, id string) (*backend.DeletedObject, error) {
		return f.c.AllowlistIdentifiers.Delete(f.ctx, id)
	}))

var _ = addClientCases(identifierCases("blocklist_identifier", "ListBlocklistIdentifiers", "CreateBlocklistIdentifier", "DeleteBlocklistIdentifier",
	func(f *clientFixture, identifier string) (string, string, string, error) {
		e, err := f.c.BlocklistIdentifiers.Create(f.ctx, &backend.BlocklistIdentifierCreateParams{Identifier: identifier})
		if err != nil {
			return "", "", "", err
		}
		return e.ID, e.Identifier, e.IdentifierType, nil
	},
	func(f *clientFixture) ([]string, int64, error) {
		page, err := f.c.BlocklistIdentifiers.List(f.ctx)
		if err != nil {
			return nil, 0, err
		}
		var ids []string
		for _, e := range page.Data {
			ids = append(ids, e.ID)
		}
		return ids, page.TotalCount, nil
	},
	func(f *clientFixture, id string) (*backend.DeletedObject, error) {
		return f.c.BlocklistIdentifiers.Delete(f.ctx, id)
	}))

var _ = addClientCases(map[string]clientCase{
	// JWT templates.
	"ListJWTTemplates": {
		ok: func(t *testing.T, f *clientFixture) {
			a, b := newTemplate(t, f), newTemplate(t, f)
			page, err := f.c.JWTTemplates.List(f.ctx, &backend.JWTTemplateListParams{Paginated: backend.Ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			names := templateNames(page.Data)
			if !slices.Contains(names, a.Name) || !slices.Contains(names, b.Name) || page.TotalCount != int64(len(page.Data)) {
				t.Errorf("templates %v (total %d) lack %s or %s", names, page.TotalCount, a.Name, b.Name)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := wrongKeyClient(t, f).JWTTemplates.List(f.ctx, nil)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"CreateJWTTemplate": {
		ok: func(t *testing.T, f *clientFixture) {
			name := f.unique("hasura_")
			claims := map[string]any{"https://hasura.io/jwt/claims": map[string]any{"x-hasura-user-id": "{{user.id}}"}}
			tpl, err := f.c.JWTTemplates.Create(f.ctx, &backend.JWTTemplateCreateParams{Name: name, Claims: claims, Lifetime: backend.Ptr[int64](600), AllowedClockSkew: backend.Ptr[int64](10)})
			if err != nil {
				t.Fatal(err)
			}
			if tpl.Object != "jwt_template" || tpl.Name != name || tpl.Lifetime != 600 || tpl.AllowedClockSkew != 10 || tpl.SigningAlgorithm != "RS256" ||
				!reflect.DeepEqual(tpl.Claims, claims) {
				t.Errorf("created %+v", tpl)
			}
			back, err := f.c.JWTTemplates.Get(f.ctx, tpl.ID)
			if err != nil || back.Name != name || !reflect.DeepEqual(back.Claims, claims) {
				t.Errorf("read back %+v, %v", back, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.JWTTemplates.Create(f.ctx, &backend.JWTTemplateCreateParams{Name: f.unique("bad_"), Claims: map[string]any{"sub": "someone-else"}})
			wantAPIError(t, err, http.StatusBadRequest, "jwt_template_reserved_claim")
		},
	},
	"GetJWTTemplate": {
		ok: func(t *testing.T, f *clientFixture) {
			tpl := newTemplate(t, f)
			got, err := f.c.JWTTemplates.Get(f.ctx, tpl.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tpl.ID || got.Name != tpl.Name || !reflect.DeepEqual(got.Claims, tpl.Claims) || got.Lifetime != 60 || got.CreatedAt != tpl.CreatedAt {
				t.Errorf("got %+v, want %+v", got, tpl)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.JWTTemplates.Get(f.ctx, "jtmp_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"UpdateJWTTemplate": {
		ok: func(t *testing.T, f *clientFixture) {
			tpl := newTemplate(t, f)
			name := f.unique("renamed_")
			got, err := f.c.JWTTemplates.Update(f.ctx, tpl.ID, &backend.JWTTemplateUpdateParams{Name: name, Claims: map[string]any{"tier": "gold"}, Lifetime: backend.Ptr[int64](900)})
			if err != nil {
				t.Fatal(err)
			}
			back, err := f.c.JWTTemplates.Get(f.ctx, tpl.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range []*backend.JWTTemplate{got, back} {
				if g.Name != name || !reflect.DeepEqual(g.Claims, map[string]any{"tier": "gold"}) || g.Lifetime != 900 {
					t.Errorf("updated template = %+v", g)
				}
			}
			// The old name is free again.
			if _, err := f.c.JWTTemplates.Create(f.ctx, &backend.JWTTemplateCreateParams{Name: tpl.Name, Claims: map[string]any{}}); err != nil {
				t.Errorf("old name after the rename: %v", err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.JWTTemplates.Update(f.ctx, "jtmp_missing", &backend.JWTTemplateUpdateParams{Name: f.unique("x_"), Claims: map[string]any{}})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"DeleteJWTTemplate": {
		ok: func(t *testing.T, f *clientFixture) {
			tpl := newTemplate(t, f)
			d, err := f.c.JWTTemplates.Delete(f.ctx, tpl.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Object != "jwt_template" || d.ID != tpl.ID || !d.Deleted {
				t.Errorf("deleted = %+v", d)
			}
			_, err = f.c.JWTTemplates.Get(f.ctx, tpl.ID)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
			s := newSession(t, f, f.user(t).ID)
			_, err = f.c.Sessions.CreateTokenFromTemplate(f.ctx, s.ID, tpl.Name, nil)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.JWTTemplates.Delete(f.ctx, "jtmp_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	// JWKS.
	"GetJWKS": {
		ok: func(t *testing.T, f *clientFixture) {
			set, err := f.c.JWKS.Get(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Keys) != 1 || set.Keys[0].Kty != "RSA" || set.Keys[0].Alg != "RS256" || set.Keys[0].Use != "sig" || set.Keys[0].Kid == "" || set.Keys[0].E == "" {
				t.Errorf("JWKS = %+v", set)
			}
			// Session tokens verify with it.
			u := f.user(t)
			tok, err := f.c.Sessions.CreateToken(f.ctx, newSession(t, f, u.ID).ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c := verifiedClaims(t, f, tok.JWT); c["sub"] != u.ID {
				t.Errorf("claims %v", c)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := wrongKeyClient(t, f).JWKS.Get(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},

	// Invitations.
	"CreateInvitation": {
		ok: func(t *testing.T, f *clientFixture) {
			email := f.unique("invitee") + "@example.com"
			iv, err := f.c.Invitations.Create(f.ctx, &backend.InvitationCreateParams{EmailAddress: email, PublicMetadata: map[string]any{"team": "red"}, ExpiresInDays: backend.Ptr[int64](7)})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(iv.ID, "inv_") || iv.Object != "invitation" || iv.EmailAddress != email || iv.Status != "pending" || iv.Revoked ||
				iv.PublicMetadata["team"] != "red" || !strings.Contains(iv.URL, "ticket=") || iv.ExpiresAt == nil || *iv.ExpiresAt != iv.CreatedAt+7*24*3600*1000 {
				t.Errorf("invitation = %+v", iv)
			}
			page, err := f.c.Invitations.List(f.ctx, &backend.InvitationListParams{Query: email})
			if err != nil || len(page.Data) != 1 || page.Data[0].ID != iv.ID || page.Data[0].URL != iv.URL {
				t.Errorf("listed by address: %+v, %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			email := f.unique("twice") + "@example.com"
			newInvitation(t, f, email)
			_, err := f.c.Invitations.Create(f.ctx, &backend.InvitationCreateParams{EmailAddress: email})
			wantAPIError(t, err, http.StatusBadRequest, "duplicate_record")
		},
	},
	"ListInvitations": {
		ok: func(t *testing.T, f *clientFixture) {
			tag := f.unique("listtag")
			a := newInvitation(t, f, tag+"a@example.com")
			b := newInvitation(t, f, tag+"b@example.com")
			if _, err := f.c.Invitations.Revoke(f.ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			page, err := f.c.Invitations.List(f.ctx, &backend.InvitationListParams{Query: tag, Paginated: backend.Ptr(true), OrderBy: "+email_address"})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != 2 || !slices.Equal([]string{page.Data[0].ID, page.Data[1].ID}, []string{a.ID, b.ID}) {
				t.Errorf("both, by address: %+v", page)
			}
			page, err = f.c.Invitations.List(f.ctx, &backend.InvitationListParams{Query: tag, Status: "pending"})
			if err != nil || !slices.Equal(invitationIDs(page.Data), []string{b.ID}) {
				t.Errorf("pending: %+v, %v; want only %s", page, err, b.ID)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Invitations.List(f.ctx, &backend.InvitationListParams{Status: "lost"})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "status")
		},
	},
	"CreateBulkInvitations": {
		ok: func(t *testing.T, f *clientFixture) {
			tag := f.unique("bulktag")
			got, err := f.c.Invitations.BulkCreate(f.ctx, &backend.InvitationBulkCreateParams{Items: []backend.InvitationBulkCreateParamsItem{
				{EmailAddress: tag + "a@example.com", PublicMetadata: map[string]any{"n": 1}},
				{EmailAddress: tag + "b@example.com"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].EmailAddress != tag+"a@example.com" || got[0].PublicMetadata["n"] != float64(1) || got[1].Status != "pending" {
				t.Errorf("bulk = %+v", got)
			}
			page, err := f.c.Invitations.List(f.ctx, &backend.InvitationListParams{Query: tag})
			if err != nil || !slices.Equal(invitationIDs(page.Data), invitationIDs(got)) {
				t.Errorf("listed %+v, %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			tag := f.unique("bulkdup")
			newInvitation(t, f, tag+"b@example.com")
			_, err := f.c.Invitations.BulkCreate(f.ctx, &backend.InvitationBulkCreateParams{Items: []backend.InvitationBulkCreateParamsItem{
				{EmailAddress: tag + "a@example.com"}, {EmailAddress: tag + "b@example.com"},
			}})
			wantAPIError(t, err, http.StatusBadRequest, "duplicate_record")
			// All or nothing: the first address was not invited either.
			if page, err := f.c.Invitations.List(f.ctx, &backend.InvitationListParams{Query: tag + "a@"}); err != nil || len(page.Data) != 0 {
				t.Errorf("after a refused bulk: %+v, %v", page, err)
			}
		},
	},
	"RevokeInvitation": {
		ok: func(t *testing.T, f *clientFixture) {
			iv := newInvitation(t, f, f.unique("revoked")+"@example.com")
			got, err := f.c.Invitations.Revoke(f.ctx, iv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != iv.ID || got.Status != "revoked" || !got.Revoked || got.EmailAddress != iv.EmailAddress {
				t.Errorf("revoked = %+v", got)
			}
			page, err := f.c.Invitations.List(f.ctx, &backend.InvitationListParams{Query: iv.EmailAddress})
			if err != nil || len(page.Data) != 1 || page.Data[0].Status != "revoked" {
				t.Errorf("read back %+v, %v", page, err)
			}
			_, err = f.c.Invitations.Revoke(f.ctx, iv.ID)
			wantAPIError(t, err, http.StatusBadRequest, "invitation_already_revoked")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Invitations.Revoke(f.ctx, "inv_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	// Redirect URLs.
	"ListRedirectURLs": {
		ok: func(t *testing.T, f *clientFixture) {
			var want []string
			for range 2 {
				u, err := f.c.RedirectURLs.Create(f.ctx, &backend.RedirectURLCreateParams{URL: "myapp://" + f.unique("cb")})
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, u.URL)
			}
			page, err := f.c.RedirectURLs.List(f.ctx, &backend.RedirectURLListParams{Paginated: backend.Ptr(true), Limit: backend.Ptr[int64](500)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range page.Data {
				got = append(got, u.URL)
			}
			if !slices.Contains(got, want[0]) || !slices.Contains(got, want[1]) || page.TotalCount != int64(len(got)) {
				t.Errorf("listed %v (total %d), want %v among them", got, page.TotalCount, want)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := wrongKeyClient(t, f).RedirectURLs.List(f.ctx, nil)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"CreateRedirectURL": {
		ok: func(t *testing.T, f *clientFixture) {
			raw := "https://app.example.com/" + f.unique("oauth-callback")
			u, err := f.c.RedirectURLs.Create(f.ctx, &backend.RedirectURLCreateParams{URL: raw})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.ID, "ru_") || u.Object != "redirect_url" || u.URL != raw {
				t.Errorf("created %+v", u)
			}
			if back, err := f.c.RedirectURLs.Get(f.ctx, u.ID); err != nil || back.URL != raw {
				t.Errorf("read back %+v, %v", back, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.RedirectURLs.Create(f.ctx, &backend.RedirectURLCreateParams{})
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_missing"), "url")
		},
	},
	"GetRedirectURL": {
		ok: func(t *testing.T, f *clientFixture) {
			u, err := f.c.RedirectURLs.Create(f.ctx, &backend.RedirectURLCreateParams{URL: "myapp://" + f.unique("get")})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.c.RedirectURLs.Get(f.ctx, u.ID)
			if err != nil || *got != *u {
				t.Errorf("got %+v (%v), want %+v", got, err, u)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.RedirectURLs.Get(f.ctx, "ru_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"DeleteRedirectURL": {
		ok: func(t *testing.T, f *clientFixture) {
			u, err := f.c.RedirectURLs.Create(f.ctx, &backend.RedirectURLCreateParams{URL: "myapp://" + f.unique("del")})
			if err != nil {
				t.Fatal(err)
			}
			d, err := f.c.RedirectURLs.Delete(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Object != "redirect_url" || d.ID != u.ID || !d.Deleted {
				t.Errorf("deleted = %+v", d)
			}
			_, err = f.c.RedirectURLs.Get(f.ctx, u.ID)
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.RedirectURLs.Delete(f.ctx, "ru_missing")
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},

	// Domains.
	"ListDomains": {
		ok: func(t *testing.T, f *clientFixture) {
			d := satellite(t, f)
			names := domainNames(t, f)
			if names[0] != f.h.inst.primaryDomainName() || !slices.Contains(names, d.Name) {
				t.Errorf("domains %v, want the primary %s first and %s", names, f.h.inst.primaryDomainName(), d.Name)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := wrongKeyClient(t, f).Domains.List(f.ctx)
			wantAPIError(t, err, http.StatusUnauthorized, "clerk_key_invalid")
		},
	},
	"AddDomain": {
		ok: func(t *testing.T, f *clientFixture) {
			name := f.unique("Shop") + ".Example.com"
			d, err := f.c.Domains.Add(f.ctx, &backend.DomainAddParams{Name: name, IsSatellite: true, ProxyURL: backend.Ptr("https://shop.example.com/__clerk")})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(d.ID, "dmn_") || d.Object != "domain" || d.Name != strings.ToLower(name) || !d.IsSatellite ||
				d.ProxyURL == nil || *d.ProxyURL != "https://shop.example.com/__clerk" || d.FrontendAPIURL != f.h.inst.FrontendAPIURL {
				t.Errorf("added %+v", d)
			}
			if !slices.Contains(domainNames(t, f), d.Name) {
				t.Errorf("%s not listed", d.Name)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Domains.Add(f.ctx, &backend.DomainAddParams{Name: f.unique("second") + ".example.com", IsSatellite: false})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "primary_domain_already_exists")
		},
	},
	"UpdateDomain": {
		ok: func(t *testing.T, f *clientFixture) {
			d := satellite(t, f)
			name := f.unique("moved") + ".example.com"
			got, err := f.c.Domains.Update(f.ctx, d.ID, &backend.DomainUpdateParams{Name: &name, ProxyURL: backend.Ptr("https://moved.example.com/__clerk")})
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != d.ID || got.Name != name || got.ProxyURL == nil || *got.ProxyURL != "https://moved.example.com/__clerk" {
				t.Errorf("updated %+v", got)
			}
			if names := domainNames(t, f); !slices.Contains(names, name) || slices.Contains(names, d.Name) {
				t.Errorf("domains after the rename: %v", names)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Domains.Update(f.ctx, "dmn_missing", &backend.DomainUpdateParams{Name: backend.Ptr("x.example.com")})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"DeleteDomain": {
		ok: func(t *testing.T, f *clientFixture) {
			d := satellite(t, f)
			got, err := f.c.Domains.Delete(f.ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Object != "domain" || got.ID != d.ID || !got.Deleted {
				t.Errorf("deleted = %+v", got)
			}
			if slices.Contains(domainNames(t, f), d.Name) {
				t.Errorf("%s still listed", d.Name)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			page, err := f.c.Domains.List(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.c.Domains.Delete(f.ctx, page.Data[0].ID)
			wantAPIError(t, err, http.StatusForbidden, "operation_not_allowed_on_primary_domain")
		},
	},

	// Instance settings.
	"UpdateInstanceRestrictions": {
		ok: func(t *testing.T, f *clientFixture) {
			// The restrictions are instance-wide: leave them off for the
			// other cases.
			t.Cleanup(func() {
				off := false
				f.c.Instance.UpdateRestrictions(f.ctx, &backend.InstanceUpdateRestrictionsParams{Allowlist: &off, Blocklist: &off, BlockEmailSubaddresses: &off})
			})
			got, err := f.c.Instance.UpdateRestrictions(f.ctx, &backend.InstanceUpdateRestrictionsParams{Allowlist: backend.Ptr(true), BlockEmailSubaddresses: backend.Ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			want := backend.InstanceRestrictions{Object: "instance_restrictions", Allowlist: true, BlockEmailSubaddresses: true}
			if *got != want {
				t.Errorf("restrictions = %+v, want %+v", got, want)
			}
			// A second change keeps what the first one set.
			got, err = f.c.Instance.UpdateRestrictions(f.ctx, &backend.InstanceUpdateRestrictionsParams{Blocklist: backend.Ptr(true), Allowlist: backend.Ptr(false)})
			if err != nil {
				t.Fatal(err)
			}
			want.Allowlist, want.Blocklist = false, true
			if *got != want {
				t.Errorf("after the second change = %+v, want %+v", got, want)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			// A wrong JSON type; the typed client cannot send one.
			err := f.c.Do(f.ctx, backend.Request{Method: "PATCH", Path: "/instance/restrictions", Body: map[string]any{"allowlist": "yes"}}, nil)
			wantErrParam(t, wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_value_invalid"), "allowlist")
		},
	},
})
