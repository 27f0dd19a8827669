package localclerk

import (
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for the instance settings: the instance, its protection,
// communication, OAuth application and organization settings.

var _ = addClientCases(map[string]clientCase{
	"UpdateInstanceAuthConfig": {
		ok: func(t *testing.T, f *clientFixture) {
			out, err := f.c.BetaFeatures.UpdateInstanceSettings(f.ctx, &backend.BetaFeatureUpdateInstanceSettingsParams{
				FromEmailAddress: backend.Ptr("notifications"), ProgressiveSignUp: backend.Ptr(true)})
			if err != nil || out.Object != "instance_settings" || out.FromEmailAddress != "notifications" || !out.ProgressiveSignUp {
				t.Fatalf("%+v %v", out, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.BetaFeatures.UpdateInstanceSettings(f.ctx, &backend.BetaFeatureUpdateInstanceSettingsParams{FromEmailAddress: backend.Ptr("a@b")})
			wantAPIError(t, err, http.StatusUnprocessableEntity, "form_param_format_invalid")
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
