package localclerk

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// An organization's invitations as OrganizationProfile's "Invite members"
// and "Invitations" tabs manage them; every operation needs
// org:sys_memberships:manage. The signed-in member is the inviter, and
// the invitation's link brings the invitee back to the app they were
// invited from (the request's allowed Origin) with __clerk_ticket and
// __clerk_status, where <SignUp/> or <SignIn/> redeems the ticket — as
// Clerk's invitation e-mails lead to the application's sign-up page.

func (inst *Instance) orgInvitationRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/organizations/{id}/invitations", inst.orgHandler(permMembershipsManage, inst.fapiCreateOrgInvitation))
	mux.HandleFunc("POST /v1/organizations/{id}/invitations/bulk", inst.orgHandler(permMembershipsManage, inst.fapiCreateOrgInvitations))
	mux.HandleFunc("GET /v1/organizations/{id}/invitations", inst.orgHandler(permMembershipsManage, inst.fapiListOrgInvitations))
	mux.HandleFunc("GET /v1/organizations/{id}/invitations/pending", inst.orgHandler(permMembershipsManage, inst.fapiPendingOrgInvitations))
	mux.HandleFunc("POST /v1/organizations/{id}/invitations/{inv}/revoke", inst.orgHandler(permMembershipsManage, inst.fapiRevokeOrgInvitation))
}

// fapiOrgInvitationJSON is an invitation as the organization's admins see
// it in the Frontend API: no private metadata or inviter.
func (inst *Instance) fapiOrgInvitationJSON(x *fapiCall, oi *orgInvitation) (*orgInvitationWire, error) {
	j, err := inst.orgInvitationJSON(x.t, oi, x.now, true)
	if err != nil {
		return nil, err
	}
	j.orgInvitationAdminWire = nil
	if pod := j.PublicOrganizationData; pod != nil && !pod.HasImage {
		pod.ImageURL = x.avatar()
	}
	return j, nil
}

// invitationReturnURL is where an invitation made from the components
// sends its invitee: the page origin that made it, when localclerk allows
// it; "" (the hosted pages) otherwise.
func (inst *Instance) invitationReturnURL(r *http.Request) string {
	o := r.Header.Get("Origin")
	if o == "" || !inst.originAllowed(o) {
		return ""
	}
	if _, aerr := checkRedirectURL(o+"/", inst.allowed, inst.FrontendAPIURL); aerr != nil {
		return ""
	}
	return o + "/"
}

// invite creates one invitation from the member a to addr with role.
func (inst *Instance) invite(a *orgAccess, addr, role string) (*orgInvitation, error) {
	p := &orgInvitationParams{EmailAddress: &addr, Role: &role, InviterUserID: &a.u.ID}
	if redirect := inst.invitationReturnURL(a.x.r); redirect != "" {
		p.RedirectURL = &redirect
	}
	if n := a.x.form.Get("notify"); n == "false" {
		p.Notify = new(false)
	}
	return inst.createOrgInvitation(a.x.t, a.o, p, a.x.now)
}

func (inst *Instance) fapiCreateOrgInvitation(a *orgAccess) (any, error) {
	oi, err := inst.invite(a, a.x.form.Get("email_address"), a.x.form.Get("role"))
	if err != nil {
		return nil, err
	}
	return inst.fapiOrgInvitationJSON(a.x, oi)
}

// fapiCreateOrgInvitations invites every email_address with one role, all
// or none; the answer is the list of invitations.
func (inst *Instance) fapiCreateOrgInvitations(a *orgAccess) (any, error) {
	var addrs []string
	for _, v := range a.x.form["email_address"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				addrs = append(addrs, s)
			}
		}
	}
	if len(addrs) == 0 {
		return nil, errMissing("email_address")
	}
	if len(addrs) > maxBulkOrgInvites {
		return nil, errInvalid("email_address", "Invite at most 10 addresses at once.")
	}
	list := []any{}
	for _, addr := range addrs {
		oi, err := inst.invite(a, addr, a.x.form.Get("role"))
		if err != nil {
			return nil, err
		}
		j, err := inst.fapiOrgInvitationJSON(a.x, oi)
		if err != nil {
			return nil, err
		}
		list = append(list, j)
	}
	return list, nil
}

// listInvitations pages the organization's invitations with the given
// statuses (all when empty), newest first.
func (inst *Instance) listInvitations(a *orgAccess, statuses []string) (any, error) {
	f, err := parseInvitationFilter(url.Values{"status": statuses}, false)
	if err != nil {
		return nil, err
	}
	ois, err := orgInvitations(a.x.t, a.o.ID, func(oi *orgInvitation) bool { return f.match(oi, a.x.now) })
	if err != nil {
		return nil, err
	}
	slices.Reverse(ois)
	list := []any{}
	for _, oi := range ois {
		j, err := inst.fapiOrgInvitationJSON(a.x, oi)
		if err != nil {
			return nil, err
		}
		list = append(list, j)
	}
	return fapiPage(a.x, list), nil
}

func (inst *Instance) fapiListOrgInvitations(a *orgAccess) (any, error) {
	return inst.listInvitations(a, multi(a.x.r.URL.Query(), "status"))
}

func (inst *Instance) fapiPendingOrgInvitations(a *orgAccess) (any, error) {
	return inst.listInvitations(a, []string{"pending"})
}

func (inst *Instance) fapiRevokeOrgInvitation(a *orgAccess) (any, error) {
	var oi orgInvitation
	if err := a.x.t.orgInvitations().load(a.x.r.PathValue("inv"), &oi); err != nil || oi.OrgID != a.o.ID {
		if err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
		return nil, errNotFoundResource("organization invitation")
	}
	if _, err := inst.revokeOrgInvitation(a.x.t, &oi, a.x.now); err != nil {
		return nil, err
	}
	return inst.fapiOrgInvitationJSON(a.x, &oi)
}
