package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Built-in organization roles and the system permissions they carry.
var defaultRoles = []role{
	{Key: "org:admin", Name: "Admin", Description: "Manages the organization and its members.",
		Permissions: []string{"org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read",
			"org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage"}},
	{Key: "org:member", Name: "Member", Description: "A regular member.",
		Permissions: []string{"org:sys_memberships:read"}},
}

func orgJSON(o *organization, membersCount *int) map[string]any {
	img := o.ImageURL
	if img == "" {
		img = "https://img.clerk.com/placeholder.png"
	}
	m := map[string]any{
		"object": "organization", "id": o.ID, "name": o.Name, "slug": o.Slug,
		"image_url": img, "has_image": o.ImageURL != "",
		"max_allowed_memberships": o.MaxAllowedMemberships, "admin_delete_enabled": o.AdminDeleteEnabled,
		"public_metadata": rawOrEmpty(o.PublicMeta), "private_metadata": rawOrEmpty(o.PrivateMeta),
		"created_at": o.CreatedAt, "updated_at": o.UpdatedAt, "role_set_key": nil,
	}
	if o.CreatedBy != "" {
		m["created_by"] = o.CreatedBy
	}
	if membersCount != nil {
		m["members_count"] = *membersCount
	}
	return m
}

func membershipJSON(t *txn, m *membership) (map[string]any, error) {
	var o organization
	if err := t.get(kindOrg, m.OrgID, &o); err != nil {
		return nil, err
	}
	var u user
	if err := t.get(kindUser, m.UserID, &u); err != nil {
		return nil, err
	}
	perms := []string{}
	roleName := m.Role
	if r, err := roleByKey(t, m.Role); err == nil {
		perms = append(perms, r.Permissions...)
		roleName = r.Name
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	img := "https://img.clerk.com/placeholder.png"
	if u.ImageURL != "" {
		img = u.ImageURL
	}
	return map[string]any{
		"object": "organization_membership", "id": m.ID, "role": m.Role, "role_name": roleName, "permissions": perms,
		"public_metadata": rawOrEmpty(m.PublicMeta), "private_metadata": rawOrEmpty(m.PrivateMeta),
		"organization": orgJSON(&o, nil),
		"public_user_data": map[string]any{"user_id": u.ID, "first_name": u.FirstName, "last_name": u.LastName,
			"profile_image_url": img, "image_url": img, "has_image": u.ImageURL != "", "identifier": u.primaryEmail(), "username": u.Username},
		"created_at": m.CreatedAt, "updated_at": m.UpdatedAt,
	}, nil
}

func roleJSON(t *txn, r *role) (map[string]any, error) {
	perms := []any{}
	for _, k := range r.Permissions {
		p, err := permissionByKey(t, k)
		if errors.Is(err, errNotFound) {
			perms = append(perms, map[string]any{"object": "permission", "id": "", "key": k, "name": k, "description": "",
				"type": permType(k), "created_at": r.CreatedAt, "updated_at": r.UpdatedAt})
			continue
		}
		if err != nil {
			return nil, err
		}
		perms = append(perms, permissionJSON(p))
	}
	return map[string]any{"object": "role", "id": r.ID, "name": r.Name, "key": r.Key, "description": r.Description,
		"is_creator_eligible": r.Key == "org:admin", "permissions": perms, "created_at": r.CreatedAt, "updated_at": r.UpdatedAt}, nil
}

func permType(key string) string {
	if strings.HasPrefix(key, "org:sys_") {
		return "system"
	}
	return "user"
}

func permissionJSON(p *permission) map[string]any {
	return map[string]any{"object": "permission", "id": p.ID, "key": p.Key, "name": p.Name, "description": p.Description,
		"type": p.Type, "created_at": p.CreatedAt, "updated_at": p.UpdatedAt}
}

func permissionByKey(t *txn, key string) (*permission, error) {
	id, err := t.lookup(nsPermKey, key)
	if err != nil {
		return nil, err
	}
	var p permission
	return &p, t.get(kindPermission, id, &p)
}

// ensureDefaultRoles creates the built-in roles once.
func ensureDefaultRoles(t *txn, now time.Time) error {
	for _, d := range defaultRoles {
		if _, err := t.lookup(nsRoleKey, d.Key); err == nil {
			continue
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		r := d
		r.ID = newID("role")
		r.CreatedAt, r.UpdatedAt = ms(now), ms(now)
		if _, err := putRole(t, &r); err != nil {
			return err
		}
	}
	return nil
}

func putRole(t *txn, r *role) (*role, error) {
	err := t.claim(nsRoleKey, r.Key, r.ID)
	if errors.Is(err, errConflict) {
		return nil, errTaken("key", "A role with key "+r.Key+" already exists.")
	}
	if err != nil {
		return nil, err
	}
	return r, t.put(kindRole, r.ID, r)
}

func orgByIDOrSlug(t *txn, idOrSlug string) (*organization, error) {
	var o organization
	err := t.get(kindOrg, idOrSlug, &o)
	if errors.Is(err, errNotFound) {
		id, lerr := t.lookup(nsSlug, strings.ToLower(idOrSlug))
		if lerr != nil {
			return nil, lerr
		}
		err = t.get(kindOrg, id, &o)
	}
	if err != nil {
		return nil, err
	}
	return &o, nil
}

func userMemberships(t *txn, userID string) ([]*membership, error) {
	var out []*membership
	err := each(t, kindMembership, func(m *membership) bool {
		if m.UserID == userID {
			out = append(out, m)
		}
		return true
	})
	return out, err
}

func orgMemberships(t *txn, orgID string) ([]*membership, error) {
	var out []*membership
	err := each(t, kindMembership, func(m *membership) bool {
		if m.OrgID == orgID {
			out = append(out, m)
		}
		return true
	})
	return out, err
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
var slugClean = regexp.MustCompile(`[^a-z0-9]+`)

func slugify(name string) string {
	s := strings.Trim(slugClean.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 40 {
		s = s[:40]
	}
	if s == "" {
		s = "org"
	}
	return s
}

type orgParams struct {
	Name                  *string         `json:"name"`
	Slug                  *string         `json:"slug"`
	CreatedBy             *string         `json:"created_by"`
	MaxAllowedMemberships *int            `json:"max_allowed_memberships"`
	AdminDeleteEnabled    *bool           `json:"admin_delete_enabled"`
	PublicMetadata        json.RawMessage `json:"public_metadata"`
	PrivateMetadata       json.RawMessage `json:"private_metadata"`
	CreatedAt             *string         `json:"created_at"`
	ID                    string          `json:"-"` // fixtures only
}

// createdAt reads the created_at an app may back-date an organization to.
func (p *orgParams) createdAt() (int64, bool, error) {
	if p.CreatedAt == nil {
		return 0, false, nil
	}
	at, err := time.Parse(time.RFC3339, *p.CreatedAt)
	if err != nil {
		return 0, false, errParam(http.StatusUnprocessableEntity, "form_param_invalid_time", "created_at",
			"created_at must be a date and time in RFC3339 format, e.g. 2012-10-20T07:15:20.902Z.")
	}
	return ms(at), true, nil
}

// createOrg inserts an organization; created_by becomes its admin.
func (inst *Instance) createOrg(t *txn, p *orgParams, now time.Time) (*organization, error) {
	if p.Name == nil || strings.TrimSpace(*p.Name) == "" {
		return nil, errMissing("name")
	}
	if len(*p.Name) > 256 {
		return nil, errInvalid("name", "name must be at most 256 characters.")
	}
	if err := checkMetadata("public_metadata", p.PublicMetadata); err != nil {
		return nil, err
	}
	if err := checkMetadata("private_metadata", p.PrivateMetadata); err != nil {
		return nil, err
	}
	createdAt, backdated, err := p.createdAt()
	if err != nil {
		return nil, err
	}
	if err := ensureDefaultRoles(t, now); err != nil {
		return nil, err
	}
	id := p.ID
	if id == "" {
		id = newID("org")
	}
	if err := t.get(kindOrg, id, &organization{}); err == nil {
		return nil, errTaken("id", "An organization with id "+id+" already exists.")
	}
	settings, err := loadOrgSettings(t)
	if err != nil {
		return nil, err
	}
	o := &organization{ID: id, Name: strings.TrimSpace(*p.Name), PublicMeta: p.PublicMetadata, PrivateMeta: p.PrivateMetadata,
		AdminDeleteEnabled: settings.AdminDeleteEnabled, MaxAllowedMemberships: settings.MaxAllowedMemberships,
		CreatedAt: ms(now), UpdatedAt: ms(now)}
	if backdated {
		o.CreatedAt = createdAt
	}
	if p.AdminDeleteEnabled != nil {
		o.AdminDeleteEnabled = *p.AdminDeleteEnabled
	}
	if p.MaxAllowedMemberships != nil {
		o.MaxAllowedMemberships = *p.MaxAllowedMemberships
	}
	slug := ""
	if p.Slug != nil {
		slug = *p.Slug
	}
	if err := setSlug(t, o, slug, p.Slug == nil); err != nil {
		return nil, err
	}
	if p.CreatedBy != nil && *p.CreatedBy != "" {
		if err := t.get(kindUser, *p.CreatedBy, &user{}); err != nil {
			if errors.Is(err, errNotFound) {
				return nil, newAPIError(http.StatusBadRequest, "organization_creator_not_found", "creator not found",
					"No users found with id "+*p.CreatedBy+".", nil)
			}
			return nil, err
		}
		o.CreatedBy = *p.CreatedBy
	}
	if err := t.put(kindOrg, o.ID, o); err != nil {
		return nil, err
	}
	t.emit("organization.created", orgJSON(o, nil))
	if o.CreatedBy != "" {
		if _, err := addMember(t, o, o.CreatedBy, settings.CreatorRole, now); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// setSlug validates and claims a slug; with generate, a free slug is
// derived from the name.
func setSlug(t *txn, o *organization, slug string, generate bool) error {
	if generate || slug == "" {
		base := slugify(o.Name)
		slug = base
		for i := 0; ; i++ {
			if i > 0 {
				slug = base + "-" + strings.ToLower(randString(6))
			}
			if _, err := t.lookup(nsSlug, slug); errors.Is(err, errNotFound) {
				break
			} else if err != nil {
				return err
			}
		}
	}
	slug = strings.ToLower(slug)
	if !slugRe.MatchString(slug) {
		return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "slug", "slug must contain only lowercase letters, digits and '-'.")
	}
	if err := t.release(nsSlug, o.ID); err != nil {
		return err
	}
	err := t.claim(nsSlug, slug, o.ID)
	if errors.Is(err, errConflict) {
		return errTaken("slug", "That slug is taken. Please try another.")
	}
	if err != nil {
		return err
	}
	o.Slug = slug
	return nil
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
	if err := t.get(kindUser, userID, &user{}); err != nil {
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
	err := t.claim(nsMember, o.ID+"|"+userID, m.ID)
	if errors.Is(err, errConflict) {
		return nil, newAPIError(http.StatusBadRequest, "already_a_member_in_organization", "already a member", "The user is already a member of the organization.", map[string]any{"param_name": "user_id"})
	}
	if err != nil {
		return nil, err
	}
	if err := t.put(kindMembership, m.ID, m); err != nil {
		return nil, err
	}
	j, err := membershipJSON(t, m)
	if err != nil {
		return nil, err
	}
	t.emit("organizationMembership.created", j)
	return m, nil
}

func (inst *Instance) bapiCreateOrg(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p orgParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var o *organization
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		o, err = inst.createOrg(t, &p, inst.now())
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}

func (inst *Instance) bapiGetOrg(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out map[string]any
	err := inst.store.view(r.Context(), func(t *txn) error {
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "organization")
		}
		var n *int
		if r.URL.Query().Get("include_members_count") == "true" {
			ms, err := orgMemberships(t, o.ID)
			if err != nil {
				return err
			}
			c := len(ms)
			n = &c
		}
		out = orgJSON(o, n)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiListOrgs(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	field, desc, err := orderBy(q, "-created_at", "created_at", "name", "members_count")
	if err != nil {
		return nil, 0, err
	}
	query := strings.ToLower(q.Get("query"))
	userIDs := parseIDFilter(q, "user_id")
	orgIDs := parseIDFilter(q, "organization_id")
	var data []any
	total := 0
	err = inst.store.view(r.Context(), func(t *txn) error {
		orgs, err := all[organization](t, kindOrg)
		if err != nil {
			return err
		}
		mems, err := all[membership](t, kindMembership)
		if err != nil {
			return err
		}
		members := map[string][]string{}
		for _, m := range mems {
			members[m.OrgID] = append(members[m.OrgID], m.UserID)
		}
		var keep []*organization
		for _, o := range orgs {
			if query != "" && !strings.Contains(strings.ToLower(o.ID+"\x00"+o.Name+"\x00"+o.Slug), query) {
				continue
			}
			if !userIDs.match(members[o.ID]...) || !orgIDs.match(o.ID, o.Slug) {
				continue
			}
			keep = append(keep, o)
		}
		sortBy(keep, desc, func(a, b *organization) int {
			switch field {
			case "name":
				return cmpStr(a.Name, b.Name)
			case "members_count":
				return cmpInt(int64(len(members[a.ID])), int64(len(members[b.ID])))
			}
			return cmpInt(a.CreatedAt, b.CreatedAt)
		})
		total = len(keep)
		data, _ = pageJSON(keep, limit, offset, infallible(func(o *organization) any {
			var n *int
			if q.Get("include_members_count") == "true" {
				c := len(members[o.ID])
				n = &c
			}
			return orgJSON(o, n)
		}))
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return map[string]any{"data": data, "total_count": total}, 0, nil
}

func (inst *Instance) bapiUpdateOrg(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p orgParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var o *organization
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if o, err = orgByIDOrSlug(t, r.PathValue("id")); err != nil {
			return notFoundAs(err, "organization")
		}
		if p.Name != nil {
			if strings.TrimSpace(*p.Name) == "" {
				return errInvalid("name", "name must not be empty.")
			}
			o.Name = strings.TrimSpace(*p.Name)
		}
		if p.Slug != nil {
			if err := setSlug(t, o, *p.Slug, false); err != nil {
				return err
			}
		}
		if p.MaxAllowedMemberships != nil {
			o.MaxAllowedMemberships = *p.MaxAllowedMemberships
		}
		if p.AdminDeleteEnabled != nil {
			o.AdminDeleteEnabled = *p.AdminDeleteEnabled
		}
		if at, ok, err := p.createdAt(); err != nil {
			return err
		} else if ok {
			o.CreatedAt = at
		}
		if err := checkMetadata("public_metadata", p.PublicMetadata); err != nil {
			return err
		}
		if err := checkMetadata("private_metadata", p.PrivateMetadata); err != nil {
			return err
		}
		if len(p.PublicMetadata) > 0 {
			o.PublicMeta = p.PublicMetadata
		}
		if len(p.PrivateMetadata) > 0 {
			o.PrivateMeta = p.PrivateMetadata
		}
		o.UpdatedAt = ms(inst.now())
		t.emit("organization.updated", orgJSON(o, nil))
		return t.put(kindOrg, o.ID, o)
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}

func (inst *Instance) bapiOrgMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p orgParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var o *organization
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if o, err = orgByIDOrSlug(t, r.PathValue("id")); err != nil {
			return notFoundAs(err, "organization")
		}
		if err := mergeMetadataFields(metadataPatch{"public_metadata", p.PublicMetadata, &o.PublicMeta}, metadataPatch{"private_metadata", p.PrivateMetadata, &o.PrivateMeta}); err != nil {
			return err
		}
		o.UpdatedAt = ms(inst.now())
		t.emit("organization.updated", orgJSON(o, nil))
		return t.put(kindOrg, o.ID, o)
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}

func (inst *Instance) bapiDeleteOrg(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var o *organization
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if o, err = orgByIDOrSlug(t, r.PathValue("id")); err != nil {
			return notFoundAs(err, "organization")
		}
		mems, err := orgMemberships(t, o.ID)
		if err != nil {
			return err
		}
		for _, m := range mems {
			if err := t.del(kindMembership, m.ID); err != nil {
				return err
			}
		}
		if err := deleteOrgChildren(t, o); err != nil {
			return err
		}
		t.emit("organization.deleted", deletedJSON("organization", o.ID, "slug", o.Slug))
		return t.del(kindOrg, o.ID)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("organization", o.ID, "slug", o.Slug), 0, nil
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
	var out map[string]any
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
	id, err := t.lookup(nsMember, o.ID+"|"+userID)
	if err != nil {
		return nil, notFoundAs(err, "organization membership")
	}
	var m membership
	if err := t.get(kindMembership, id, &m); err != nil {
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
	var out map[string]any
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := membershipFor(t, r.PathValue("id"), r.PathValue("uid"))
		if err != nil {
			return err
		}
		if _, err := roleByKey(t, p.Role); err != nil {
			if errors.Is(err, errNotFound) {
				return errInvalid("role", "role must be the key of an existing organization role.")
			}
			return err
		}
		m.Role = p.Role
		m.UpdatedAt = ms(inst.now())
		if err := t.put(kindMembership, m.ID, m); err != nil {
			return err
		}
		out, err = membershipJSON(t, m)
		t.emit("organizationMembership.updated", out)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiDeleteMembership(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out map[string]any
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := membershipFor(t, r.PathValue("id"), r.PathValue("uid"))
		if err != nil {
			return err
		}
		if out, err = membershipJSON(t, m); err != nil {
			return err
		}
		t.emit("organizationMembership.deleted", out)
		return t.del(kindMembership, m.ID)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
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
			if err := t.get(kindUser, m.UserID, &u); err != nil {
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
	return map[string]any{"data": data, "total_count": total}, 0, nil
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
		if err := t.get(kindUser, r.PathValue("id"), &user{}); err != nil {
			return nil, notFoundAs(err, "user")
		}
		return userMemberships(t, r.PathValue("id"))
	})
}

// nameKeyList reads the query and order_by of the role and permission
// lists: query matches an id exactly or part of a name or key; order_by
// is created_at (the default, newest first), name or key.
type nameKeyList struct {
	query, field string
	desc         bool
}

func parseNameKeyList(q url.Values) (nameKeyList, error) {
	field, desc, err := orderBy(q, "-created_at", "created_at", "name", "key")
	return nameKeyList{query: q.Get("query"), field: field, desc: desc}, err
}

func (l nameKeyList) match(id, name, key string) bool {
	lq := strings.ToLower(l.query)
	return l.query == "" || l.query == id || strings.Contains(strings.ToLower(name), lq) || strings.Contains(strings.ToLower(key), lq)
}

// nameKeyApply filters and sorts items by l; fields gives an item's id,
// name, key and creation time.
func nameKeyApply[T any](l nameKeyList, items []*T, fields func(*T) (id, name, key string, created int64)) []*T {
	var keep []*T
	for _, it := range items {
		if id, name, key, _ := fields(it); l.match(id, name, key) {
			keep = append(keep, it)
		}
	}
	sortBy(keep, l.desc, func(a, b *T) int {
		_, an, ak, ac := fields(a)
		_, bn, bk, bc := fields(b)
		switch l.field {
		case "name":
			return cmpStr(an, bn)
		case "key":
			return cmpStr(ak, bk)
		}
		return cmpInt(ac, bc)
	})
	return keep
}

func (inst *Instance) bapiListRoles(w http.ResponseWriter, r *http.Request) (any, int, error) {
	limit, offset, err := paging(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	list, err := parseNameKeyList(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	var data []any
	total := 0
	err = inst.store.update(r.Context(), func(t *txn) error {
		if err := ensureDefaultRoles(t, inst.now()); err != nil {
			return err
		}
		roles, err := all[role](t, kindRole)
		if err != nil {
			return err
		}
		roles = nameKeyApply(list, roles, func(ro *role) (string, string, string, int64) { return ro.ID, ro.Name, ro.Key, ro.CreatedAt })
		total = len(roles)
		data, err = pageJSON(roles, limit, offset, func(ro *role) (any, error) { return roleJSON(t, ro) })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return map[string]any{"data": data, "total_count": total}, 0, nil
}

type roleParams struct {
	Name        string   `json:"name"`
	Key         string   `json:"key"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
}

var roleKeyRe = regexp.MustCompile(`^org:[a-z0-9_]{1,64}$`)
var permKeyRe = regexp.MustCompile(`^org:[a-z0-9_]{1,64}:[a-z0-9_]{1,64}$`)

func (inst *Instance) createRole(t *txn, p *roleParams, id string, now time.Time) (*role, error) {
	if p.Name == "" {
		return nil, errMissing("name")
	}
	if !roleKeyRe.MatchString(p.Key) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "key", "key must look like org:<name>.")
	}
	if err := ensureDefaultRoles(t, now); err != nil {
		return nil, err
	}
	perms := []string{}
	for _, k := range p.Permissions {
		if pm, err := permissionByKey(t, k); err == nil {
			perms = append(perms, pm.Key)
			continue
		}
		var pm permission
		if err := t.get(kindPermission, k, &pm); err == nil {
			perms = append(perms, pm.Key)
			continue
		}
		if !permKeyRe.MatchString(k) {
			return nil, errInvalid("permissions", "permission "+k+" does not exist.")
		}
		perms = append(perms, k)
	}
	if id == "" {
		id = newID("role")
	}
	return putRole(t, &role{ID: id, Key: p.Key, Name: p.Name, Description: p.Description, Permissions: perms,
		CreatedAt: ms(now), UpdatedAt: ms(now)})
}

func (inst *Instance) bapiCreateRole(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p roleParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var out map[string]any
	err := inst.store.update(r.Context(), func(t *txn) error {
		ro, err := inst.createRole(t, &p, "", inst.now())
		if err != nil {
			return err
		}
		if out, err = roleJSON(t, ro); err != nil {
			return err
		}
		t.emit("role.created", out)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiGetRole(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var out map[string]any
	err := inst.store.view(r.Context(), func(t *txn) error {
		var ro role
		if err := t.get(kindRole, r.PathValue("id"), &ro); err != nil {
			return notFoundAs(err, "role")
		}
		var err error
		out, err = roleJSON(t, &ro)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiDeleteRole(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		var ro role
		if err := t.get(kindRole, id, &ro); err != nil {
			return notFoundAs(err, "role")
		}
		if ro.Key == creatorRole {
			return newAPIError(http.StatusUnprocessableEntity, "organization_role_default_creator_role", "role is the creator role",
				"The organization role cannot be deleted as it is currently used as the creator role.", nil)
		}
		if err := roleInUse(t, ro.Key); err != nil {
			return err
		}
		j, err := roleJSON(t, &ro)
		if err != nil {
			return err
		}
		t.emit("role.deleted", j)
		return t.del(kindRole, id)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("role", id), 0, nil
}

func (inst *Instance) bapiListPermissions(w http.ResponseWriter, r *http.Request) (any, int, error) {
	limit, offset, err := paging(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	list, err := parseNameKeyList(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	var data []any
	total := 0
	err = inst.store.view(r.Context(), func(t *txn) error {
		ps, err := all[permission](t, kindPermission)
		if err != nil {
			return err
		}
		ps = nameKeyApply(list, ps, func(p *permission) (string, string, string, int64) { return p.ID, p.Name, p.Key, p.CreatedAt })
		total = len(ps)
		data, _ = pageJSON(ps, limit, offset, infallible(permissionJSON))
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return map[string]any{"data": data, "total_count": total}, 0, nil
}

type permissionParams struct {
	Name        string `json:"name"`
	Key         string `json:"key"`
	Description string `json:"description"`
}

func createPermission(t *txn, p *permissionParams, id string, now time.Time) (*permission, error) {
	if p.Name == "" {
		return nil, errMissing("name")
	}
	if !permKeyRe.MatchString(p.Key) || strings.HasPrefix(p.Key, "org:sys_") {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "key", "key must look like org:<feature>:<action>.")
	}
	if id == "" {
		id = newID("perm")
	}
	pm := &permission{ID: id, Key: p.Key, Name: p.Name, Description: p.Description, Type: "user", CreatedAt: ms(now), UpdatedAt: ms(now)}
	err := t.claim(nsPermKey, pm.Key, pm.ID)
	if errors.Is(err, errConflict) {
		return nil, errTaken("key", "A permission with key "+pm.Key+" already exists.")
	}
	if err != nil {
		return nil, err
	}
	return pm, t.put(kindPermission, pm.ID, pm)
}

func (inst *Instance) bapiCreatePermission(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p permissionParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var pm *permission
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if pm, err = createPermission(t, &p, "", inst.now()); err != nil {
			return err
		}
		t.emit("permission.created", permissionJSON(pm))
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return permissionJSON(pm), 0, nil
}
