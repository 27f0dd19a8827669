package localclerk

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// Client cases for organization invitations, organization domains and
// organization logos.

// orgInvitation invites a fresh address to o.
func (f *clientFixture) orgInvitation(t *testing.T, orgID string) *backend.OrganizationInvitation {
	t.Helper()
	inv, err := f.c.OrganizationInvitations.Create(f.ctx, orgID, &backend.OrganizationInvitationCreateParams{
		EmailAddress: f.unique("invitee") + "@example.com", Role: "org:member"})
	if err != nil {
		t.Fatalf("create organization invitation: %v", err)
	}
	return inv
}

func (f *clientFixture) orgDomain(t *testing.T, orgID string) *backend.OrganizationDomain {
	t.Helper()
	d, err := f.c.OrganizationDomains.Create(f.ctx, orgID, &backend.OrganizationDomainCreateParams{Name: backend.Ptr(f.unique("d") + ".example.com")})
	if err != nil {
		t.Fatalf("create organization domain: %v", err)
	}
	return d
}

func pngFile(t *testing.T) *backend.File {
	return &backend.File{Name: "logo.png", ContentType: "image/png", Content: bytes.NewReader(testPNG(t))}
}

var _ = addClientCases(map[string]clientCase{
	"CreateOrganizationInvitation": {
		ok: func(t *testing.T, f *clientFixture) {
			o, owner := f.organization(t)
			inv, err := f.c.OrganizationInvitations.Create(f.ctx, o.ID, &backend.OrganizationInvitationCreateParams{
				EmailAddress: "New." + f.unique("x") + "@Example.com", Role: "org:admin", InviterUserID: &owner.ID,
				PublicMetadata: map[string]any{"k": "v"}, ExpiresInDays: backend.Ptr(int64(2))})
			if err != nil {
				t.Fatal(err)
			}
			if inv.Status != "pending" || inv.Role != "org:admin" || inv.RoleName != "Admin" || inv.OrganizationID != o.ID ||
				inv.InviterID == nil || *inv.InviterID != owner.ID || inv.PublicInviterData == nil || inv.URL == nil ||
				!strings.Contains(*inv.URL, "/v1/tickets/accept?ticket=") || inv.PublicMetadata["k"] != "v" || inv.EmailAddress != strings.ToLower(inv.EmailAddress) {
				t.Errorf("invitation %+v", inv)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			inv := f.orgInvitation(t, o.ID)
			_, err := f.c.OrganizationInvitations.Create(f.ctx, o.ID, &backend.OrganizationInvitationCreateParams{EmailAddress: inv.EmailAddress, Role: "org:member"})
			if e := wantAPIError(t, err, 400, "duplicate_record"); e.Errors[0].Meta["param_name"] != "email_address" {
				t.Errorf("meta %v", e.Errors[0].Meta)
			}
		},
	},
	"CreateOrganizationInvitationBulk": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			page, err := f.c.OrganizationInvitations.BulkCreate(f.ctx, o.ID, &backend.OrganizationInvitationBulkCreateParams{Items: []backend.OrganizationInvitationBulkCreateParamsItem{
				{EmailAddress: f.unique("b") + "@example.com", Role: "org:member"}, {EmailAddress: f.unique("b") + "@example.com", Role: "org:admin"}}})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != 2 || len(page.Data) != 2 || page.Data[1].Role != "org:admin" {
				t.Errorf("bulk %+v", page)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			good := f.unique("b") + "@example.com"
			_, err := f.c.OrganizationInvitations.BulkCreate(f.ctx, o.ID, &backend.OrganizationInvitationBulkCreateParams{Items: []backend.OrganizationInvitationBulkCreateParamsItem{
				{EmailAddress: good, Role: "org:member"}, {EmailAddress: f.unique("b") + "@example.com", Role: "org:nope"}}})
			wantAPIError(t, err, 422, "form_param_value_invalid")
			if page, err := f.c.OrganizationInvitations.List(f.ctx, o.ID, &backend.OrganizationInvitationListParams{EmailAddress: good}); err != nil || page.TotalCount != 0 {
				t.Errorf("a failed bulk create left %v (%v)", page, err)
			}
		},
	},
	"ListOrganizationInvitations": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			a, b := f.orgInvitation(t, o.ID), f.orgInvitation(t, o.ID)
			if _, err := f.c.OrganizationInvitations.Revoke(f.ctx, o.ID, a.ID, nil); err != nil {
				t.Fatal(err)
			}
			page, err := f.c.OrganizationInvitations.List(f.ctx, o.ID, &backend.OrganizationInvitationListParams{Status: "pending", OrderBy: "email_address", Limit: backend.Ptr(int64(5))})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != 1 || page.Data[0].ID != b.ID {
				t.Errorf("pending %+v", page)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationInvitations.List(f.ctx, "org_nope", nil)
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"ListPendingOrganizationInvitations": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			inv := f.orgInvitation(t, o.ID)
			page, err := f.c.OrganizationInvitations.ListPending(f.ctx, o.ID, nil)
			if err != nil || page.TotalCount != 1 || page.Data[0].ID != inv.ID {
				t.Errorf("pending %+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationInvitations.ListPending(f.ctx, o.ID, &backend.OrganizationInvitationListPendingParams{Limit: backend.Ptr(int64(0))})
			wantAPIError(t, err, 400, "form_param_value_invalid")
		},
	},
	"GetOrganizationInvitation": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			inv := f.orgInvitation(t, o.ID)
			got, err := f.c.OrganizationInvitations.Get(f.ctx, o.ID, inv.ID)
			if err != nil || got.ID != inv.ID || got.EmailAddress != inv.EmailAddress || got.Status != "pending" {
				t.Errorf("get %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationInvitations.Get(f.ctx, o.ID, "orginv_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"RevokeOrganizationInvitation": {
		ok: func(t *testing.T, f *clientFixture) {
			o, owner := f.organization(t)
			inv := f.orgInvitation(t, o.ID)
			got, err := f.c.OrganizationInvitations.Revoke(f.ctx, o.ID, inv.ID, &backend.OrganizationInvitationRevokeParams{RequestingUserID: &owner.ID})
			if err != nil || got.Status != "revoked" || got.URL != nil {
				t.Errorf("revoke %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			inv := f.orgInvitation(t, o.ID)
			if _, err := f.c.OrganizationInvitations.Revoke(f.ctx, o.ID, inv.ID, nil); err != nil {
				t.Fatal(err)
			}
			_, err := f.c.OrganizationInvitations.Revoke(f.ctx, o.ID, inv.ID, nil)
			wantAPIError(t, err, 400, "organization_invitation_not_pending")
		},
	},
	"ListInstanceOrganizationInvitations": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			inv := f.orgInvitation(t, o.ID)
			page, err := f.c.OrganizationInvitations.ListForInstance(f.ctx, &backend.OrganizationInvitationListForInstanceParams{Query: inv.EmailAddress, Status: "pending"})
			if err != nil || page.TotalCount != 1 || page.Data[0].PublicOrganizationData == nil || page.Data[0].PublicOrganizationData.ID != o.ID {
				t.Errorf("instance list %+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationInvitations.ListForInstance(f.ctx, &backend.OrganizationInvitationListForInstanceParams{OrderBy: "-shoe_size"})
			wantAPIError(t, err, 422, "form_param_value_invalid")
		},
	},
	"UsersGetOrganizationInvitations": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			u := f.user(t)
			if _, err := f.c.OrganizationInvitations.Create(f.ctx, o.ID, &backend.OrganizationInvitationCreateParams{EmailAddress: u.EmailAddresses[0].EmailAddress, Role: "org:member"}); err != nil {
				t.Fatal(err)
			}
			page, err := f.c.Users.ListOrganizationInvitations(f.ctx, u.ID, &backend.UserListOrganizationInvitationsParams{Status: "pending"})
			if err != nil || page.TotalCount != 1 || page.Data[0].OrganizationID != o.ID || page.Data[0].PublicOrganizationData.Name != o.Name {
				t.Errorf("user's invitations %+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.Users.ListOrganizationInvitations(f.ctx, "user_nope", nil)
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},

	"CreateOrganizationDomain": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			name := f.unique("Corp") + ".Example.com"
			d, err := f.c.OrganizationDomains.Create(f.ctx, o.ID, &backend.OrganizationDomainCreateParams{Name: &name, EnrollmentMode: backend.Ptr("automatic_invitation")})
			if err != nil {
				t.Fatal(err)
			}
			if d.Name != strings.ToLower(name) || d.OrganizationID != o.ID || d.EnrollmentMode != "automatic_invitation" ||
				d.AffiliationVerification == nil || d.AffiliationVerification.Status != "verified" || d.OwnershipVerification != nil {
				t.Errorf("domain %+v", d)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			d := f.orgDomain(t, o.ID)
			_, err := f.c.OrganizationDomains.Create(f.ctx, o.ID, &backend.OrganizationDomainCreateParams{Name: &d.Name})
			wantAPIError(t, err, 422, "form_identifier_exists")
		},
	},
	"ListOrganizationDomains": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			d := f.orgDomain(t, o.ID)
			if _, err := f.c.OrganizationDomains.Create(f.ctx, o.ID, &backend.OrganizationDomainCreateParams{Name: backend.Ptr(f.unique("u") + ".example.com"), Verified: backend.Ptr(false)}); err != nil {
				t.Fatal(err)
			}
			page, err := f.c.OrganizationDomains.List(f.ctx, o.ID, &backend.OrganizationDomainListParams{Verified: "true"})
			if err != nil || page.TotalCount != 1 || page.Data[0].ID != d.ID {
				t.Errorf("verified domains %+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationDomains.List(f.ctx, o.ID, &backend.OrganizationDomainListParams{EnrollmentMode: "whenever"})
			wantAPIError(t, err, 422, "form_param_value_invalid")
		},
	},
	"UpdateOrganizationDomain": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			d := f.orgDomain(t, o.ID)
			got, err := f.c.OrganizationDomains.Update(f.ctx, o.ID, d.ID, &backend.OrganizationDomainUpdateParams{EnrollmentMode: backend.Ptr("automatic_suggestion"), Verified: backend.Ptr(false)})
			if err != nil || got.EnrollmentMode != "automatic_suggestion" || got.AffiliationVerification != nil {
				t.Errorf("update %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationDomains.Update(f.ctx, o.ID, "orgdmn_nope", &backend.OrganizationDomainUpdateParams{})
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"DeleteOrganizationDomain": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			d := f.orgDomain(t, o.ID)
			del, err := f.c.OrganizationDomains.Delete(f.ctx, o.ID, d.ID)
			if err != nil || !del.Deleted || del.ID != d.ID {
				t.Fatalf("delete %+v %v", del, err)
			}
			if page, err := f.c.OrganizationDomains.List(f.ctx, o.ID, nil); err != nil || page.TotalCount != 0 {
				t.Errorf("after delete %+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.OrganizationDomains.Delete(f.ctx, o.ID, "orgdmn_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"VerifyOrganizationDomainOwnership": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			d := f.orgDomain(t, o.ID)
			got, err := f.c.OrganizationDomains.VerifyOwnership(f.ctx, o.ID, d.ID)
			if err != nil || got.OwnershipVerification == nil || got.OwnershipVerification.Status != "verified" || got.OwnershipVerification.Strategy != "manual_override" {
				t.Errorf("verify %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationDomains.VerifyOwnership(f.ctx, "org_nope", "orgdmn_nope")
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
	"ListAllOrganizationDomains": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			d := f.orgDomain(t, o.ID)
			page, err := f.c.OrganizationDomains.ListForInstance(f.ctx, &backend.OrganizationDomainListForInstanceParams{
				Query: o.ID, EnrollmentMode: []string{"-automatic_suggestion"}, OrderBy: "name"})
			if err != nil || page.TotalCount != 1 || page.Data[0].ID != d.ID || page.Data[0].PublicOrganizationData.Slug != o.Slug {
				t.Errorf("all domains %+v %v", page, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.OrganizationDomains.ListForInstance(f.ctx, &backend.OrganizationDomainListForInstanceParams{Verified: "maybe"})
			wantAPIError(t, err, 422, "form_param_value_invalid")
		},
	},

	"UploadOrganizationLogo": {
		ok: func(t *testing.T, f *clientFixture) {
			o, owner := f.organization(t)
			got, err := f.c.Organizations.UploadLogo(f.ctx, o.ID, &backend.OrganizationUploadLogoParams{UploaderUserID: owner.ID, File: pngFile(t)})
			if err != nil || !got.HasImage || !strings.Contains(got.ImageURL, "/v1/organization_logos/") {
				t.Fatalf("upload %+v %v", got, err)
			}
			resp, err := http.Get(got.ImageURL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !bytes.Equal(body, testPNG(t)) {
				t.Errorf("served logo: %d, %d bytes", resp.StatusCode, len(body))
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.Organizations.UploadLogo(f.ctx, o.ID, &backend.OrganizationUploadLogoParams{
				File: &backend.File{Name: "logo.txt", Content: strings.NewReader("not an image")}})
			wantAPIError(t, err, 400, "form_param_format_invalid")
		},
	},
	"DeleteOrganizationLogo": {
		ok: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			if _, err := f.c.Organizations.UploadLogo(f.ctx, o.ID, &backend.OrganizationUploadLogoParams{File: pngFile(t)}); err != nil {
				t.Fatal(err)
			}
			got, err := f.c.Organizations.DeleteLogo(f.ctx, o.ID)
			if err != nil || got.HasImage {
				t.Errorf("delete logo %+v %v", got, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			o, _ := f.organization(t)
			_, err := f.c.Organizations.DeleteLogo(f.ctx, o.ID)
			wantAPIError(t, err, 404, "resource_not_found")
		},
	},
})
