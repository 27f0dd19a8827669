package localclerk

import (
	"testing"

	"github.com/goclerk/clerk/backend"
)

// oauthApplication creates a confidential OAuth application.
func (f *clientFixture) oauthApplication(t *testing.T) *backend.OAuthApplicationWithSecret {
	t.Helper()
	a, err := f.c.OAuthApplications.Create(f.ctx, &backend.OAuthApplicationCreateParams{Name: f.unique("app "),
		RedirectUris: []string{"http://localhost:5005/callback"}, Scopes: backend.Ptr("openid profile email")})
	if err != nil {
		t.Fatalf("create OAuth application: %v", err)
	}
	return a
}

var _ = addClientCases(map[string]clientCase{
	"ListOAuthApplications": {
		ok: func(t *testing.T, f *clientFixture) {
			a := f.oauthApplication(t)
			p, err := f.c.OAuthApplications.List(f.ctx, &backend.OAuthApplicationListParams{NameQuery: a.Name, OrderBy: "-created_at"})
			if err != nil || p.TotalCount != 1 || len(p.Data) != 1 || p.Data[0].ClientID != a.ClientID {
				t.Fatalf("list: %v %+v", err, p)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OAuthApplications.List(f.ctx, &backend.OAuthApplicationListParams{OrderBy: "client_secret"})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "order_by")
		},
	},
	"CreateOAuthApplication": {
		ok: func(t *testing.T, f *clientFixture) {
			a := f.oauthApplication(t)
			if a.Object != "oauth_application" || a.ClientID == "" || a.ClientSecret == "" || !a.ConsentScreenEnabled ||
				a.Scopes != "openid profile email" || a.AuthorizeURL != f.h.inst.FrontendAPIURL+"/oauth/authorize" {
				t.Fatalf("created %+v", a)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OAuthApplications.Create(f.ctx, &backend.OAuthApplicationCreateParams{Name: "x", Scopes: backend.Ptr("admin")})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "scopes")
		},
	},
	"GetOAuthApplication": {
		ok: func(t *testing.T, f *clientFixture) {
			a := f.oauthApplication(t)
			g, err := f.c.OAuthApplications.Get(f.ctx, a.ID)
			if err != nil || g.ClientID != a.ClientID || len(g.RedirectUris) != 1 {
				t.Fatalf("get: %v %+v", err, g)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OAuthApplications.Get(f.ctx, "oa_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"UpdateOAuthApplication": {
		ok: func(t *testing.T, f *clientFixture) {
			a := f.oauthApplication(t)
			u, err := f.c.OAuthApplications.Update(f.ctx, a.ID, &backend.OAuthApplicationUpdateParams{Public: backend.Ptr(true)})
			if err != nil || !u.Public || !u.PkceRequired {
				t.Fatalf("update: %v %+v", err, u)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			a := f.oauthApplication(t)
			_, err := f.c.OAuthApplications.Update(f.ctx, a.ID, &backend.OAuthApplicationUpdateParams{RedirectUris: []string{"not a uri"}})
			wantErrParam(t, wantAPIError(t, err, 422, "form_param_value_invalid"), "redirect_uris")
		},
	},
	"DeleteOAuthApplication": {
		ok: func(t *testing.T, f *clientFixture) {
			a := f.oauthApplication(t)
			d, err := f.c.OAuthApplications.Delete(f.ctx, a.ID)
			if err != nil || !d.Deleted || d.ID != a.ID || d.Object != "oauth_application" {
				t.Fatalf("delete: %v %+v", err, d)
			}
			_, err = f.c.OAuthApplications.Get(f.ctx, a.ID)
			wantAPIError(t, err, 404, "resource_not_found")
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OAuthApplications.Delete(f.ctx, "oa_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"RotateOAuthApplicationSecret": {
		ok: func(t *testing.T, f *clientFixture) {
			a := f.oauthApplication(t)
			r, err := f.c.OAuthApplications.RotateSecret(f.ctx, a.ID)
			if err != nil || r.ClientSecret == "" || r.ClientSecret == a.ClientSecret {
				t.Fatalf("rotate: %v %+v", err, r)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OAuthApplications.RotateSecret(f.ctx, "oa_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
})
