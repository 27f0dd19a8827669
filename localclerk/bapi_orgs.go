package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Organizations: creating, reading, listing, updating and deleting them,
// their slugs and metadata.

func orgByIDOrSlug(t *txn, idOrSlug string) (*organization, error) {
	var o organization
	err := t.orgs().load(idOrSlug, &o)
	if errors.Is(err, errNotFound) {
		id, lerr := t.orgSlugs().owner(strings.ToLower(idOrSlug))
		if lerr != nil {
			return nil, lerr
		}
		err = t.orgs().load(id, &o)
	}
	if err != nil {
		return nil, err
	}
	return &o, nil
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
	if err := t.orgs().load(id, &organization{}); err == nil {
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
		if err := t.users().load(*p.CreatedBy, &user{}); err != nil {
			if errors.Is(err, errNotFound) {
				return nil, newAPIError(http.StatusBadRequest, "organization_creator_not_found", "creator not found",
					"No users found with id "+*p.CreatedBy+".", nil)
			}
			return nil, err
		}
		o.CreatedBy = *p.CreatedBy
	}
	if err := t.orgs().put(o); err != nil {
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
			if _, err := t.orgSlugs().owner(slug); errors.Is(err, errNotFound) {
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
	if err := t.orgSlugs().release(o.ID); err != nil {
		return err
	}
	err := t.orgSlugs().claim(slug, o.ID)
	if errors.Is(err, errConflict) {
		return errTaken("slug", "That slug is taken. Please try another.")
	}
	if err != nil {
		return err
	}
	o.Slug = slug
	return nil
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
	var out *organizationWire
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
		orgs, err := t.orgs().list()
		if err != nil {
			return err
		}
		mems, err := t.memberships().list()
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
	return &pageWire{Data: data, TotalCount: total}, 0, nil
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
		return updateOrg(t, o, &p, inst.now())
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}

// updateOrg applies the fields p sets to o, stores it and announces it:
// the Backend API's update and the Frontend API's (name and slug).
func updateOrg(t *txn, o *organization, p *orgParams, now time.Time) error {
	if p.Name != nil {
		if strings.TrimSpace(*p.Name) == "" {
			return errInvalid("name", "name must not be empty.")
		}
		if len(*p.Name) > 256 {
			return errInvalid("name", "name must be at most 256 characters.")
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
	o.UpdatedAt = ms(now)
	t.emit("organization.updated", orgJSON(o, nil))
	return t.orgs().put(o)
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
		return t.orgs().put(o)
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
		return deleteOrg(t, o, inst.now())
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedOrgJSON(o), 0, nil
}

// deleteOrg removes o with its memberships, invitations, domains and
// logo, and announces it; sessions that had it active move to the
// personal account.
func deleteOrg(t *txn, o *organization, now time.Time) error {
	mems, err := orgMemberships(t, o.ID)
	if err != nil {
		return err
	}
	for _, m := range mems {
		if err := t.memberships().del(m.ID); err != nil {
			return err
		}
	}
	if err := deleteOrgChildren(t, o); err != nil {
		return err
	}
	if err := clearActiveOrg(t, "", o.ID, now); err != nil {
		return err
	}
	t.emit("organization.deleted", deletedOrgJSON(o))
	return t.orgs().del(o.ID)
}

func (inst *Instance) bapiReplaceOrgMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if err := checkMetadata("public_metadata", p.PublicMetadata); err != nil {
		return nil, 0, err
	}
	if err := checkMetadata("private_metadata", p.PrivateMetadata); err != nil {
		return nil, 0, err
	}
	var o *organization
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if o, err = orgByIDOrSlug(t, r.PathValue("id")); err != nil {
			return notFoundAs(err, "organization")
		}
		// A field the body sends (null empties it) replaces the stored one whole.
		if p.PublicMetadata != nil {
			o.PublicMeta = rawOrEmpty(p.PublicMetadata)
		}
		if p.PrivateMetadata != nil {
			o.PrivateMeta = rawOrEmpty(p.PrivateMetadata)
		}
		o.UpdatedAt = ms(inst.now())
		t.emit("organization.updated", orgJSON(o, nil))
		return t.orgs().put(o)
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}
