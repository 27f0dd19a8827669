package localclerk

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// orgShapeCases are the shape rows of the organization operations. They
// run before shapeCases; the rows that change or delete an organization
// act on {org}, a fresh one Alice administers with Bob as a member, so
// that the seeded Acme the later rows use stays as it is.
var orgShapeCases = []shapeCase{
	{name: "create organization", method: "POST", path: "/v1/organizations?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"name": {"Shape Org"}}, status: 200},
	{name: "create organization without a name", method: "POST", path: "/v1/organizations?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"slug": {"no-name"}}, status: 422},
	{name: "create organization signed out", method: "POST", path: "/v1/organizations?__clerk_db_jwt={dvb}",
		form: url.Values{"name": {"X"}}, status: 401},
	{name: "get organization", method: "GET", path: "/v1/organizations/org_demo_acme?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "get an organization I am not in", method: "GET", path: "/v1/organizations/org_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "update organization", method: "POST", path: "/v1/organizations/{org}?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"name": {"Renamed"}}, status: 200},
	{name: "update organization with a bad slug", method: "POST", path: "/v1/organizations/{org}?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"slug": {"Not A Slug!"}}, status: 422},
	{name: "remove organization logo", method: "DELETE", path: "/v1/organizations/{org_with_logo}/logo?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove a missing organization logo", method: "DELETE", path: "/v1/organizations/{org}/logo?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "organization roles", method: "GET", path: "/v1/organizations/org_demo_acme/roles?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "organization creation defaults", method: "GET", path: "/v1/me/organization_creation_defaults?__clerk_db_jwt={dvb}", signedIn: true, status: 200},

	{name: "memberships", method: "GET", path: "/v1/organizations/org_demo_acme/memberships?paginated=true&limit=1&offset=1&__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "memberships by role", method: "GET", path: "/v1/organizations/org_demo_acme/memberships?role=org:admin&__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "add member", method: "POST", path: "/v1/organizations/{org}/memberships?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"user_id": {"user_demo_carol"}, "role": {"org:member"}}, status: 200},
	{name: "add a member twice", method: "POST", path: "/v1/organizations/{org}/memberships?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"user_id": {"user_demo_bob"}, "role": {"org:member"}}, status: 400},
	{name: "change a member's role", method: "POST", path: "/v1/organizations/{org}/memberships/user_demo_bob?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"role": {"org:admin"}}, status: 200},
	{name: "demote the last admin", method: "POST", path: "/v1/organizations/{org}/memberships/user_demo_alice?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"role": {"org:member"}}, status: 403},
	{name: "remove a member", method: "DELETE", path: "/v1/organizations/{org}/memberships/user_demo_bob?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove a non-member", method: "DELETE", path: "/v1/organizations/{org}/memberships/user_demo_carol?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "leave an organization", method: "DELETE", path: "/v1/me/organization_memberships/{org_with_two_admins}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "leave as the last admin", method: "DELETE", path: "/v1/me/organization_memberships/{org}?__clerk_db_jwt={dvb}", signedIn: true, status: 403},

	{name: "invite", method: "POST", path: "/v1/organizations/{org}/invitations?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"email_address": {"invitee@example.com"}, "role": {"org:member"}}, status: 200},
	{name: "invite a member", method: "POST", path: "/v1/organizations/{org}/invitations?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"email_address": {"bob@example.com"}, "role": {"org:member"}}, status: 400},
	{name: "invite in bulk", method: "POST", path: "/v1/organizations/{org}/invitations/bulk?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"email_address": {"one@example.com", "two@example.com"}, "role": {"org:member"}}, status: 200},
	{name: "invitations", method: "GET", path: "/v1/organizations/{org_with_invitation}/invitations?status=pending&__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "invitations with a bad status", method: "GET", path: "/v1/organizations/{org}/invitations?status=nope&__clerk_db_jwt={dvb}", signedIn: true, status: 422},
	{name: "pending invitations", method: "GET", path: "/v1/organizations/{org_with_invitation}/invitations/pending?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "revoke invitation", method: "POST", path: "/v1/organizations/{org_with_invitation}/invitations/{inv}/revoke?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "revoke an unknown invitation", method: "POST", path: "/v1/organizations/{org}/invitations/orginv_nope/revoke?__clerk_db_jwt={dvb}", signedIn: true, status: 404},

	{name: "add domain", method: "POST", path: "/v1/organizations/{org}/domains?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"name": {"{new_domain}"}}, status: 200},
	{name: "add a common domain", method: "POST", path: "/v1/organizations/{org}/domains?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"name": {"gmail.com"}}, status: 422},
	{name: "add domains in bulk", method: "POST", path: "/v1/organizations/{org}/domains/bulk?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"names": {"{new_domain}", "gmail.com"}}, status: 200},
	{name: "domains", method: "GET", path: "/v1/organizations/{org_with_domain}/domains?verified=false&__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "domain", method: "GET", path: "/v1/organizations/{org_with_domain}/domains/{dom}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "unknown domain", method: "GET", path: "/v1/organizations/{org}/domains/orgdmn_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "prepare affiliation", method: "POST", path: "/v1/organizations/{org_with_domain}/domains/{dom}/prepare_affiliation_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"affiliation_email_address": {"{dom_address}"}}, status: 200},
	{name: "prepare affiliation elsewhere", method: "POST", path: "/v1/organizations/{org_with_domain}/domains/{dom}/prepare_affiliation_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"affiliation_email_address": {"someone@other.example"}}, status: 422},
	{name: "attempt affiliation", method: "POST", path: "/v1/organizations/{org_with_domain}/domains/{prepared_dom}/attempt_affiliation_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"code": {"424242"}}, status: 200},
	{name: "attempt affiliation with a wrong code", method: "POST", path: "/v1/organizations/{org_with_domain}/domains/{prepared_dom}/attempt_affiliation_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"code": {"000000"}}, status: 422},
	{name: "enrollment mode", method: "POST", path: "/v1/organizations/{org_with_domain}/domains/{verified_dom}/update_enrollment_mode?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"enrollment_mode": {"automatic_suggestion"}, "delete_pending": {"true"}}, status: 200},
	{name: "automatic enrollment for an unverified domain", method: "POST", path: "/v1/organizations/{org_with_domain}/domains/{dom}/update_enrollment_mode?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"enrollment_mode": {"automatic_invitation"}}, status: 422},
	{name: "delete domain", method: "DELETE", path: "/v1/organizations/{org_with_domain}/domains/{dom}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "prepare ownership verification", method: "POST", path: "/v1/organizations/{org_with_domain}/domains/{dom}/prepare_ownership_verification?__clerk_db_jwt={dvb}", signedIn: true, status: 501},

	{name: "my suggestions with one", method: "GET", path: "/v1/me/organization_suggestions?status=pending&__clerk_db_jwt={dvb}{suggestion}", signedIn: true, status: 200},
	{name: "accept suggestion", method: "POST", path: "/v1/me/organization_suggestions/{suggestion_id}/accept?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "accept an unknown suggestion", method: "POST", path: "/v1/me/organization_suggestions/orgsug_nope/accept?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "membership requests", method: "GET", path: "/v1/organizations/{org_with_request}/membership_requests?status=pending&__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "accept membership request", method: "POST", path: "/v1/organizations/{org_with_request}/membership_requests/{req}/accept?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "reject membership request", method: "POST", path: "/v1/organizations/{org_with_request}/membership_requests/{req}/reject?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "reject an unknown membership request", method: "POST", path: "/v1/organizations/{org}/membership_requests/orgmemreq_nope/reject?__clerk_db_jwt={dvb}", signedIn: true, status: 404},

	{name: "delete organization", method: "DELETE", path: "/v1/organizations/{org}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
}

// orgShapeFixtures is what a row's organization placeholders need, made
// through the Backend API (and the Frontend API as Alice on dvb).
type orgShapeFixtures struct {
	t   *testing.T
	h   *harness
	dvb string
	org string
}

// orgShapeRow fills in the organization placeholders of tc's path and
// form, creating what they name.
func orgShapeRow(t *testing.T, h *harness, dvb string, tc shapeCase) shapeCase {
	t.Helper()
	if !strings.Contains(tc.path, "{") && !strings.Contains(tc.form.Encode(), "%7B") {
		return tc
	}
	f := &orgShapeFixtures{t: t, h: h, dvb: dvb}
	path := tc.path
	repl := func(ph string, fn func() string) {
		if strings.Contains(path, ph) {
			path = strings.ReplaceAll(path, ph, fn())
		}
	}
	domain := "shape-" + strings.ToLower(randString(8)) + ".example.com"
	var reqID string
	repl("{org_with_logo}", func() string { return f.orgWithLogo() })
	repl("{org_with_two_admins}", func() string {
		o := f.newOrg()
		f.bapi("PATCH", "/v1/organizations/"+o+"/memberships/user_demo_bob", map[string]any{"role": "org:admin"})
		return o
	})
	repl("{org_with_invitation}", func() string { return f.newOrg() })
	repl("{inv}", func() string {
		var inv struct{ ID string }
		f.bapiInto("POST", "/v1/organizations/"+f.org+"/invitations", map[string]any{"email_address": "pending-" + strings.ToLower(randString(6)) + "@example.com", "role": "org:member"}, &inv)
		return inv.ID
	})
	repl("{org_with_domain}", func() string { return f.newOrg() })
	for _, ph := range []string{"{dom}", "{prepared_dom}", "{verified_dom}"} {
		repl(ph, func() string {
			var d struct{ ID string }
			f.bapiInto("POST", "/v1/organizations/"+f.org+"/domains", map[string]any{"name": domain, "verified": ph == "{verified_dom}"}, &d)
			if ph == "{prepared_dom}" {
				st, m := f.fapi("POST", "/v1/organizations/"+f.org+"/domains/"+d.ID+"/prepare_affiliation_verification",
					url.Values{"affiliation_email_address": {"admin+clerk_test@" + domain}})
				if st != 200 {
					t.Fatalf("prepare affiliation: %d %v", st, m)
				}
			}
			return d.ID
		})
	}
	repl("{org_with_request}", func() string {
		o := f.newOrg()
		reqID = newID("orgmemreq")
		err := h.inst.store.update(context.Background(), func(tx *txn) error {
			return tx.membershipRequests().put(&membershipRequest{ID: reqID, OrgID: o, UserID: "user_demo_carol", Status: "pending", CreatedAt: 1, UpdatedAt: 1})
		})
		if err != nil {
			t.Fatal(err)
		}
		return o
	})
	repl("{req}", func() string { return reqID })
	var sugID string
	if strings.Contains(path, "{suggestion") {
		// Alice gets a verified address at a domain Bob's organization
		// suggests to its users.
		var o struct{ ID string }
		f.bapiInto("POST", "/v1/organizations", map[string]any{"name": "Suggested", "created_by": "user_demo_bob"}, &o)
		f.bapi("POST", "/v1/organizations/"+o.ID+"/domains", map[string]any{"name": domain, "enrollment_mode": "automatic_suggestion"})
		f.bapi("POST", "/v1/email_addresses", map[string]any{"user_id": "user_demo_alice", "email_address": "alice@" + domain, "verified": true})
		sugID = suggestionID(o.ID, "user_demo_alice")
	}
	repl("{suggestion}", func() string { return "" })
	repl("{suggestion_id}", func() string { return sugID })
	repl("{org}", func() string { return f.newOrg() })
	tc.path = path
	if tc.form != nil {
		form := url.Values{}
		for k, vs := range tc.form {
			for _, v := range vs {
				v = strings.NewReplacer("{new_domain}", "new-"+strings.ToLower(randString(8))+".example.com", "{dom_address}", "admin@"+domain).Replace(v)
				form.Add(k, v)
			}
		}
		tc.form = form
	}
	return tc
}

// newOrg creates (once per row) the row's organization: Alice its
// admin, Bob a member.
func (f *orgShapeFixtures) newOrg() string {
	if f.org != "" {
		return f.org
	}
	var o struct{ ID string }
	f.bapiInto("POST", "/v1/organizations", map[string]any{"name": "Shape " + randString(6), "created_by": "user_demo_alice"}, &o)
	f.bapi("POST", "/v1/organizations/"+o.ID+"/memberships", map[string]any{"user_id": "user_demo_bob", "role": "org:member"})
	f.org = o.ID
	return o.ID
}

func (f *orgShapeFixtures) orgWithLogo() string {
	o := f.newOrg()
	ct, body := logoBody(f.t, testPNG(f.t))
	if st, got := f.h.uploadLogo(o, ct, body); st != 200 {
		f.t.Fatalf("upload: %d %v", st, got)
	}
	return o
}

func (f *orgShapeFixtures) bapi(method, path string, body any) {
	f.t.Helper()
	var out map[string]any
	f.bapiInto(method, path, body, &out)
}

func (f *orgShapeFixtures) bapiInto(method, path string, body, out any) {
	f.t.Helper()
	if st := f.h.bapi(method, path, body, out); st != 200 {
		f.t.Fatalf("%s %s: %d %v", method, path, st, out)
	}
}

// fapi calls the Frontend API as Alice on the row's dev browser.
func (f *orgShapeFixtures) fapi(method, path string, form url.Values) (int, map[string]any) {
	f.t.Helper()
	resp, body := f.h.do(f.h.fapiRequest(method, path+"?__clerk_db_jwt="+f.dvb+"&"+clerkJSQuery, form))
	var m map[string]any
	mustJSON(f.t, body, &m)
	return resp.StatusCode, m
}
