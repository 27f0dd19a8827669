package localclerk

import (
	"errors"
	"net/http"
	"slices"
)

// The signed-in user's organization invitations, as OrganizationSwitcher
// lists and accepts them: the invitations to any of the user's verified
// addresses.

// meOrgInvitationJSON is an invitation as its invitee sees it: no private
// metadata and no inviter.
func (inst *Instance) meOrgInvitationJSON(x *fapiCall, oi *orgInvitation) (*orgInvitationWire, error) {
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

// invitedAddresses are the user's verified e-mail addresses.
func invitedAddresses(u *user) []string {
	var out []string
	for _, e := range u.Emails {
		if e.Verified {
			out = append(out, e.Address)
		}
	}
	return out
}

func (inst *Instance) meOrgInvitations(x *fapiCall, u *user) (any, error) {
	status := x.r.URL.Query().Get("status")
	switch status {
	case "", "pending", "accepted", "revoked", "expired":
	default:
		return nil, errInvalid("status", "status must be pending, accepted, revoked or expired.")
	}
	if err := inst.inviteByDomain(x.t, u, x.now); err != nil {
		return nil, err
	}
	addrs := invitedAddresses(u)
	ois, err := orgInvitations(x.t, "", func(oi *orgInvitation) bool {
		return slices.Contains(addrs, oi.Email) && (status == "" || oi.status(x.now) == status)
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(ois) // newest first
	list := []any{}
	for _, oi := range ois {
		j, err := inst.meOrgInvitationJSON(x, oi)
		if err != nil {
			return nil, err
		}
		list = append(list, j)
	}
	return fapiPage(x, list), nil
}

// meAcceptOrgInvitation accepts a pending invitation to one of the
// user's verified addresses: the user joins with the invited role.
func (inst *Instance) meAcceptOrgInvitation(x *fapiCall, u *user) (any, error) {
	var oi orgInvitation
	err := x.t.orgInvitations().load(x.r.PathValue("id"), &oi)
	if err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	}
	if err != nil || !slices.Contains(invitedAddresses(u), oi.Email) {
		return nil, errNotFoundResource("organization invitation")
	}
	if st := oi.status(x.now); st != "pending" {
		return nil, newAPIError(http.StatusUnprocessableEntity, "organization_invitation_not_pending", "not pending",
			"This organization invitation is "+st+"; only pending invitations can be accepted.", nil)
	}
	if err := inst.acceptOrgInvitation(x.t, &oi, u.ID, x.now); err != nil {
		return nil, err
	}
	return inst.meOrgInvitationJSON(x, &oi)
}
