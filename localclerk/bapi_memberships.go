package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// Organization memberships: creating, updating and deleting them, their
// metadata, and listing them per organization, per user and instance-wide.

func (inst *Instance) bapiMembershipMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var out *membershipWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := membershipFor(t, r.PathValue("id"), r.PathValue("uid"))
		if err != nil {
			return err
		}
		if err := mergeMetadataFields(metadataPatch{"public_metadata", p.PublicMetadata, &m.PublicMeta}, metadataPatch{"private_metadata", p.PrivateMetadata, &m.PrivateMeta}); err != nil {
			return err
		}
		m.UpdatedAt = ms(inst.now())
		if err := t.memberships().put(m); err != nil {
			return err
		}
		if out, err = membershipJSON(t, m); err != nil {
			return err
		}
		t.emit("organizationMembership.updated", out)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// bapiInstanceMemberships lists the memberships of every organization,
// with the same filters, ordering and paging as one organization's list.
func (inst *Instance) bapiInstanceMemberships(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.listMemberships(r, func(t *txn) ([]*membership, error) {
		return t.memberships().list()
	})
}

func userMemberships(t *txn, userID string) ([]*membership, error) {
	var out []*membership
	err := t.memberships().each(func(m *membership) bool {
		if m.UserID == userID {
			out = append(out, m)
		}
		return true
	})

	return out, err
}

func orgMemberships(t *txn, orgID string) ([]*membership, error) {
	var out []*membership
	err := t.memberships().each(func(m *membership) bool {
		if m.OrgID == orgID {
			out = append(out, m)
		}
		return true
	})

	return out, err
}

func addMember(t *txn, o *organization, userID, roleKey string, now time.Time) (*membership, error) {
	return addMemberWithMetadata(t, o, userID, roleKey, nil, nil, now)
}

// addMemberWithMetadata adds a member whose metadata is set from the start,
// so the organizationMembership.created event carries it.
func addMemberWithMetadata(t *txn, o *organization, userID, roleKey string, public, private json.RawMessage, now time.Time) (*membership, error) {
	if _, err := roleByKey(t, roleKey); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, errInvalid("role", "role must be the key of an existing organization role, e.g. org:admin.")
		}
		return nil, err
	}
	if err := t.users().load(userID, &user{}); err != nil {
		return nil, notFoundAs(err, "user")
	}
	if o.MaxAllowedMemberships > 0 {
		ms, err := orgMemberships(t, o.ID)
		if err != nil {
			return nil, err
		}
		if len(ms) >= o.MaxAllowedMemberships {
			return nil, newAPIError(http.StatusForbidden, "organization_membership_quota_exceeded", "membership quota exceeded", "The organization has reached its maximum number of memberships.", nil)
		}
	}
	m := &membership{ID: newID("orgmem"), OrgID: o.ID, UserID: userID, Role: roleKey, PublicMeta: public, PrivateMeta: private,
		CreatedAt: ms(now), UpdatedAt: ms(now)}
	err := t.memberships().claimPair(o.ID, userID, m.ID)
	if errors.Is(err, errConflict) {
		return nil, newAPIError(http.StatusBadRequest, "already_a_member_in_organization", "already a member", "The user is already a member of the organization.", paramMeta("user_id"))
	}
	if err != nil {
		return nil, err
	}
	if err := t.memberships().put(m); err != nil {
		return nil, err
	}
	j, err := membershipJSON(t, m)
	if err != nil {
		return nil, err
	}
	t.emit("organizationMembership.created", j)
	return m, nil
}

func (inst *Instance) bapiCreateMembership(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		UserID          string          `json:"user_id"`
		Role            string          `json:"role"`
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.UserID == "" {
		return nil, 0, errMissing("user_id")
	}
	if p.Role == "" {
		return nil, 0, errMissing("role")
	}
	if err := checkMetadata("public_metadata", p.PublicMetadata); err != nil {
		return nil, 0, err
	}
	if err := checkMetadata("private_metadata", p.PrivateMetadata); err != nil {
		return nil, 0, err
	}
	var out *membershipWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		now := inst.now()
		if err := ensureDefaultRoles(t, now); err != nil {
			return err
		}
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "organization")
		}
		m, err := addMemberWithMetadata(t, o, p.UserID, p.Role, p.PublicMetadata, p.PrivateMetadata, now)
		if err != nil {
			return err
		}
		out, err = membershipJSON(t, m)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func membershipFor(t *txn, orgIDOrSlug, userID string) (*membership, error) {
	o, err := orgByIDOrSlug(t, orgIDOrSlug)
	if err != nil {
		return nil, notFoundAs(err, "organization")
	}
	id, err := t.memberships().idFor(o.ID, userID)
	if err != nil {
		return nil, notFoundAs(err, "organization membership")
	}
	var m membership
	if err := t.memberships().load(id, &m); err != nil {
		return nil, notFoundAs(err, "organization membership")
	}
	return &m, nil
}

func (inst *Instance) bapiUpdateMembership(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Role string `json:"role"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Role == "" {
		return nil, 0, errMissing("role")
	}
	var out *membershipWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := membershipFor(t, r.PathValue("id"), r.PathValue("uid"))
		if err != nil {
			return err
		}
		out, err = setMemberRole(t, m, p.Role, inst.now())
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// setMemberRole gives a member another role and announces the change.
func setMemberRole(t *txn, m *membership, roleKey string, now time.Time) (*membershipWire, error) {
	if _, err := roleByKey(t, roleKey); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, errInvalid("role", "role must be the key of an existing organization role.")
		}
		return nil, err
	}
	m.Role = roleKey
	m.UpdatedAt = ms(now)
	if err := t.memberships().put(m); err != nil {
		return nil, err
	}
	out, err := membershipJSON(t, m)
	if err != nil {
		return nil, err
	}
	t.emit("organizationMembership.updated", out)
	return out, nil
}

func (inst *Instance) bapiDeleteMembership(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out *membershipWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := membershipFor(t, r.PathValue("id"), r.PathValue("uid"))
		if err != nil {
			return err
		}
		out, err = removeMember(t, m, inst.now())
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// removeMember deletes a membership and announces it; the answer is the
// membership as it was. The user's sessions that had the organization
// active fall back to the personal account.
func removeMember(t *txn, m *membership, now time.Time) (*membershipWire, error) {
	out, err := membershipJSON(t, m)
	if err != nil {
		return nil, err
	}
	t.emit("organizationMembership.deleted", out)
	if err := t.memberships().del(m.ID); err != nil {
		return nil, err
	}
	return out, clearActiveOrg(t, m.UserID, m.OrgID, now)
}

// clearActiveOrg moves the sessions that have orgID active (userID's, or
// everyone's when userID is "") to the personal account.
func clearActiveOrg(t *txn, userID, orgID string, now time.Time) error {
	var ss []*session
	if err := t.sessions().each(func(s *session) bool {
		if (userID == "" || s.UserID == userID) && s.ActiveOrgID == orgID {
			ss = append(ss, s)
		}
		return true
	}); err != nil {
		return err
	}
	for _, s := range ss {
		s.ActiveOrgID, s.UpdatedAt = "", ms(now)
		if err := t.sessions().put(s); err != nil {
			return err
		}
	}
	return nil
}

func (inst *Instance) listMemberships(r *http.Request, pick func(t *txn) ([]*membership, error)) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	field, desc, err := orderBy(q, "-created_at", "created_at", "role", "first_name", "last_name", "username", "email_address", "phone_number")
	if err != nil {
		return nil, 0, err
	}
	roles := multi(q, "role")
	userIDs := parseIDFilter(q, "user_id")
	text, err := parseUserTextFilters(q, true)
	if err != nil {
		return nil, 0, err
	}
	// created_at filters a membership by its own creation time.
	createdBefore, createdAfter := text.createdBefore, text.createdAfter
	text.createdBefore, text.createdAfter = nil, nil
	var data []any
	total := 0
	err = inst.store.view(r.Context(), func(t *txn) error {
		mems, err := pick(t)
		if err != nil {
			return err
		}
		var keep []*membership
		users := map[string]*user{}
		for _, m := range mems {
			if (len(roles) > 0 && !contains(roles, m.Role)) || !userIDs.match(m.UserID) ||
				(createdBefore != nil && m.CreatedAt >= *createdBefore) || (createdAfter != nil && m.CreatedAt <= *createdAfter) {
				continue
			}
			var u user
			if err := t.users().load(m.UserID, &u); err != nil {
				return err
			}
			if text.match(&u) {
				keep = append(keep, m)
				users[m.UserID] = &u
			}
		}
		sortBy(keep, desc, func(a, b *membership) int {
			ua, ub := users[a.UserID], users[b.UserID]
			switch field {
			case "role":
				return cmpStr(a.Role, b.Role)
			case "first_name":
				return cmpStr(deref(ua.FirstName), deref(ub.FirstName))
			case "last_name":
				return cmpStr(deref(ua.LastName), deref(ub.LastName))
			case "username":
				return cmpStr(deref(ua.Username), deref(ub.Username))
			case "email_address":
				return cmpStr(ua.primaryEmail(), ub.primaryEmail())
			case "phone_number":
				return 0 // localclerk users have no phone numbers
			}
			return cmpInt(a.CreatedAt, b.CreatedAt)
		})
		total = len(keep)
		data, err = pageJSON(keep, limit, offset, func(m *membership) (any, error) { return membershipJSON(t, m) })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: data, TotalCount: total}, 0, nil
}

func (inst *Instance) bapiListMemberships(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.listMemberships(r, func(t *txn) ([]*membership, error) {
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return nil, notFoundAs(err, "organization")
		}
		return orgMemberships(t, o.ID)
	})
}

func (inst *Instance) bapiUserMemberships(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.listMemberships(r, func(t *txn) ([]*membership, error) {
		if err := t.users().load(r.PathValue("id"), &user{}); err != nil {
			return nil, notFoundAs(err, "user")
		}
		return userMemberships(t, r.PathValue("id"))
	})
}
