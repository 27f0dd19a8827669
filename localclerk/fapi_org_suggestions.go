package localclerk

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// What an organization's verified domains do for users with an address at
// them. automatic_suggestion: the user sees the organization suggested
// (OrganizationSwitcher, OrganizationList) and accepting the suggestion
// asks to join — a membership request the organization's admins accept
// or reject in OrganizationProfile. automatic_invitation: the user is
// invited, in the instance's domain default role, when they next list
// their invitations. Suggestions are derived from the domains and the
// user's verified addresses; only the requests are stored.

const kindMembershipRequest = "org_membership_request"

// membershipRequest is a user's request to join an organization, made by
// accepting its suggestion.
type membershipRequest struct {
	ID        string `json:"id"`
	OrgID     string `json:"org_id"`
	UserID    string `json:"user_id"`
	Status    string `json:"status"` // pending, accepted or rejected
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

func (t *txn) membershipRequests() repo[membershipRequest] {
	return newRepo(t, kindMembershipRequest, func(m *membershipRequest) string { return m.ID })
}

func (inst *Instance) orgSuggestionRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/me/organization_suggestions/{id}/accept", inst.meHandler(inst.fapiAcceptSuggestion))
	mux.HandleFunc("GET /v1/organizations/{id}/membership_requests", inst.orgHandler(permMembershipsManage, inst.fapiListMembershipRequests))
	mux.HandleFunc("POST /v1/organizations/{id}/membership_requests/{req}/accept", inst.orgHandler(permMembershipsManage, inst.fapiDecideMembershipRequest(true)))
	mux.HandleFunc("POST /v1/organizations/{id}/membership_requests/{req}/reject", inst.orgHandler(permMembershipsManage, inst.fapiDecideMembershipRequest(false)))
}

// orgSuggestionWire is the OrganizationSuggestion object.
type orgSuggestionWire struct {
	Object                 string         `json:"object"` // "organization_suggestion"
	ID                     string         `json:"id"`
	PublicOrganizationData *publicOrgWire `json:"public_organization_data"`
	Status                 string         `json:"status"` // pending or accepted
	CreatedAt              int64          `json:"created_at"`
	UpdatedAt              int64          `json:"updated_at"`
}

// membershipRequestWire is the OrganizationMembershipRequest object.
type membershipRequestWire struct {
	Object         string          `json:"object"` // "organization_membership_request"
	ID             string          `json:"id"`
	OrganizationID string          `json:"organization_id"`
	Status         string          `json:"status"`
	PublicUserData *memberUserWire `json:"public_user_data"`
	CreatedAt      int64           `json:"created_at"`
	UpdatedAt      int64           `json:"updated_at"`
}

// suggestion is an organization suggested to a user by one of its domains.
type suggestion struct {
	id        string
	org       *organization
	createdAt int64
	request   *membershipRequest // the request accepting it made, if any
}

// suggestionID names the suggestion of orgID to userID.
func suggestionID(orgID, userID string) string {
	return "orgsug_" + strings.TrimPrefix(orgID, "org_") + "_" + strings.TrimPrefix(userID, "user_")
}

// domainsMatching are the verified domains in mode of organizations u is
// not a member of, at one of u's verified addresses.
func domainsMatching(t *txn, u *user, mode string) ([]*orgDomain, error) {
	addrs := invitedAddresses(u)
	var out []*orgDomain
	err := t.orgDomains().each(func(d *orgDomain) bool {
		if d.Verified && d.EnrollmentMode == mode && slices.ContainsFunc(addrs, func(a string) bool { return strings.HasSuffix(a, "@"+d.Name) }) {
			out = append(out, d)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(out, func(d *orgDomain) bool {
		_, err := t.memberships().idFor(d.OrgID, u.ID)
		return err == nil
	}), nil
}

// userSuggestions are the organizations suggested to u, one per
// organization, oldest domain first.
func userSuggestions(t *txn, u *user) ([]*suggestion, error) {
	ds, err := domainsMatching(t, u, "automatic_suggestion")
	if err != nil {
		return nil, err
	}
	reqs := map[string]*membershipRequest{}
	if err := t.membershipRequests().each(func(m *membershipRequest) bool {
		if m.UserID == u.ID {
			reqs[m.OrgID] = m
		}
		return true
	}); err != nil {
		return nil, err
	}
	var out []*suggestion
	seen := map[string]bool{}
	for _, d := range ds {
		if seen[d.OrgID] {
			continue
		}
		seen[d.OrgID] = true
		o, err := t.orgs().get(d.OrgID)
		if err != nil {
			return nil, err
		}
		out = append(out, &suggestion{id: suggestionID(o.ID, u.ID), org: o, createdAt: d.UpdatedAt, request: reqs[o.ID]})
	}
	return out, nil
}

func (x *fapiCall) suggestionJSON(s *suggestion) *orgSuggestionWire {
	oj := orgJSON(s.org, nil)
	img := oj.ImageURL
	if !oj.HasImage {
		img = x.avatar()
	}
	j := &orgSuggestionWire{Object: "organization_suggestion", ID: s.id, Status: "pending", CreatedAt: s.createdAt, UpdatedAt: s.createdAt,
		PublicOrganizationData: &publicOrgWire{ID: s.org.ID, Name: s.org.Name, Slug: s.org.Slug, ImageURL: img, HasImage: oj.HasImage}}
	if s.request != nil {
		j.Status, j.UpdatedAt = "accepted", s.request.CreatedAt
	}
	return j
}

// meSuggestions is GET /v1/me/organization_suggestions, filtered by status
// (pending, accepted; repeatable).
func (inst *Instance) meSuggestions(x *fapiCall, u *user) (any, error) {
	statuses := multi(x.r.URL.Query(), "status")
	for _, s := range statuses {
		if s != "pending" && s != "accepted" {
			return nil, errInvalid("status", "status must be pending or accepted.")
		}
	}
	ss, err := userSuggestions(x.t, u)
	if err != nil {
		return nil, err
	}
	list := []any{}
	for _, s := range ss {
		j := x.suggestionJSON(s)
		if len(statuses) == 0 || slices.Contains(statuses, j.Status) {
			list = append(list, j)
		}
	}
	return fapiPage(x, list), nil
}

// fapiAcceptSuggestion asks to join the suggested organization.
func (inst *Instance) fapiAcceptSuggestion(x *fapiCall, u *user) (any, error) {
	ss, err := userSuggestions(x.t, u)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ss, func(s *suggestion) bool { return s.id == x.r.PathValue("id") })
	if i < 0 {
		return nil, errNotFoundResource("organization suggestion")
	}
	s := ss[i]
	if s.request == nil {
		s.request = &membershipRequest{ID: newID("orgmemreq"), OrgID: s.org.ID, UserID: u.ID, Status: "pending",
			CreatedAt: ms(x.now), UpdatedAt: ms(x.now)}
		if err := x.t.membershipRequests().put(s.request); err != nil {
			return nil, err
		}
	}
	return x.suggestionJSON(s), nil
}

func (x *fapiCall) membershipRequestJSON(m *membershipRequest) (*membershipRequestWire, error) {
	u, err := x.t.users().get(m.UserID)
	if err != nil {
		return nil, err
	}
	img := u.ImageURL
	if img == "" {
		img = x.avatar()
	}
	return &membershipRequestWire{Object: "organization_membership_request", ID: m.ID, OrganizationID: m.OrgID, Status: m.Status,
		PublicUserData: &memberUserWire{UserID: u.ID, FirstName: u.FirstName, LastName: u.LastName, ProfileImageURL: img,
			ImageURL: img, HasImage: u.ImageURL != "", Identifier: u.primaryEmail(), Username: u.Username},
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}, nil
}

// fapiListMembershipRequests pages the organization's requests, newest
// first, filtered by status (pending, accepted, rejected).
func (inst *Instance) fapiListMembershipRequests(a *orgAccess) (any, error) {
	statuses := multi(a.x.r.URL.Query(), "status")
	for _, s := range statuses {
		if s != "pending" && s != "accepted" && s != "rejected" {
			return nil, errInvalid("status", "status must be pending, accepted or rejected.")
		}
	}
	var keep []*membershipRequest
	if err := a.x.t.membershipRequests().each(func(m *membershipRequest) bool {
		if m.OrgID == a.o.ID && (len(statuses) == 0 || slices.Contains(statuses, m.Status)) {
			keep = append(keep, m)
		}
		return true
	}); err != nil {
		return nil, err
	}
	slices.Reverse(keep)
	list := []any{}
	for _, m := range keep {
		j, err := a.x.membershipRequestJSON(m)
		if err != nil {
			return nil, err
		}
		list = append(list, j)
	}
	return fapiPage(a.x, list), nil
}

// fapiDecideMembershipRequest accepts (the user joins in the instance's
// domain default role) or rejects a pending request.
func (inst *Instance) fapiDecideMembershipRequest(accept bool) func(a *orgAccess) (any, error) {
	return func(a *orgAccess) (any, error) {
		var m membershipRequest
		if err := a.x.t.membershipRequests().load(a.x.r.PathValue("req"), &m); err != nil || m.OrgID != a.o.ID {
			if err != nil && !errors.Is(err, errNotFound) {
				return nil, err
			}
			return nil, errNotFoundResource("organization membership request")
		}
		if m.Status != "pending" {
			return nil, newAPIError(http.StatusBadRequest, "organization_membership_request_not_pending", "not pending",
				"This membership request is "+m.Status+" already.", nil)
		}
		m.Status = "rejected"
		if accept {
			m.Status = "accepted"
			settings, err := loadOrgSettings(a.x.t)
			if err != nil {
				return nil, err
			}
			if err := ensureDefaultRoles(a.x.t, a.x.now); err != nil {
				return nil, err
			}
			if _, err := addMember(a.x.t, a.o, m.UserID, settings.DomainsDefaultRole, a.x.now); err != nil {
				return nil, err
			}
		}
		m.UpdatedAt = ms(a.x.now)
		if err := a.x.t.membershipRequests().put(&m); err != nil {
			return nil, err
		}
		return a.x.membershipRequestJSON(&m)
	}
}

// inviteByDomain invites u, without a message, to every organization
// whose verified automatic_invitation domain matches one of u's addresses
// and that has never invited that address.
func (inst *Instance) inviteByDomain(t *txn, u *user, now time.Time) error {
	ds, err := domainsMatching(t, u, "automatic_invitation")
	if err != nil || len(ds) == 0 {
		return err
	}
	settings, err := loadOrgSettings(t)
	if err != nil {
		return err
	}
	for _, d := range ds {
		for _, addr := range invitedAddresses(u) {
			if !strings.HasSuffix(addr, "@"+d.Name) {
				continue
			}
			prior, err := orgInvitations(t, d.OrgID, func(oi *orgInvitation) bool { return oi.Email == addr })
			if err != nil {
				return err
			}
			if len(prior) > 0 {
				continue
			}
			o, err := t.orgs().get(d.OrgID)
			if err != nil {
				return err
			}
			role := settings.DomainsDefaultRole
			if _, err := inst.createOrgInvitation(t, o, &orgInvitationParams{EmailAddress: &addr, Role: &role, Notify: new(false)}, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleteMembershipRequests removes an organization's requests with it.
func deleteMembershipRequests(t *txn, orgID string) error {
	var ids []string
	if err := t.membershipRequests().each(func(m *membershipRequest) bool {
		if m.OrgID == orgID {
			ids = append(ids, m.ID)
		}
		return true
	}); err != nil {
		return err
	}
	for _, id := range ids {
		if err := t.membershipRequests().del(id); err != nil {
			return err
		}
	}
	return nil
}
