package localclerk

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Organization domains ("verified domains"): an e-mail domain an
// organization claims, with an enrollment mode. A domain name belongs to
// at most one organization of the instance.
//
// Verification is local. localclerk sends no e-mail and resolves no DNS:
// a domain created or updated with verified=true (the default) has a
// verified affiliation whose strategy is "admin"; verify_ownership records
// a verified ownership with strategy "manual_override" and the time it
// was called, as Clerk's dashboard override does, and changes nothing
// else. Calling it again answers the same record and emits no event.
const (
	kindOrgDomain = "org_domain"
	nsOrgDomain   = "org_domain:name"
)

var enrollmentModes = []string{"manual_invitation", "automatic_invitation", "automatic_suggestion", "enterprise_sso"}

// commonEmailDomains are providers whose addresses prove no affiliation;
// Clerk refuses them as organization domains.
var commonEmailDomains = []string{"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
	"icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "mail.com", "yandex.com"}

var domainNameRe = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

type orgDomain struct {
	ID                  string `json:"id"`
	OrgID               string `json:"org_id"`
	Name                string `json:"name"`
	EnrollmentMode      string `json:"enrollment_mode"`
	Verified            bool   `json:"verified"`
	OwnershipStrategy   string `json:"ownership_strategy,omitempty"`
	OwnershipVerifiedAt int64  `json:"ownership_verified_at,omitempty"`
	// The affiliation verification by e-mail code the Frontend API runs
	// (OrganizationProfile's "Verify domain"): the address at the domain
	// the code went to, the code, its expiry and the attempts made.
	AffiliationEmail    string `json:"affiliation_email,omitempty"`
	AffiliationCode     string `json:"affiliation_code,omitempty"`
	AffiliationExpireAt int64  `json:"affiliation_expire_at,omitempty"`
	AffiliationAttempts int    `json:"affiliation_attempts,omitempty"`
	AffiliationVerified int64  `json:"affiliation_verified_at,omitempty"` // when the code verified it
	CreatedAt           int64  `json:"created_at"`
	UpdatedAt           int64  `json:"updated_at"`
}

func checkEnrollmentMode(mode string) error {
	if !contains(enrollmentModes, mode) {
		return errInvalid("enrollment_mode", "enrollment_mode must be one of "+strings.Join(enrollmentModes, ", ")+".")
	}
	if mode == "enterprise_sso" {
		return errInvalid("enrollment_mode", "enterprise_sso needs an enterprise connection for the domain; localclerk has none.")
	}
	return nil
}

func (inst *Instance) bapiCreateOrgDomain(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Name           *string `json:"name"`
		EnrollmentMode *string `json:"enrollment_mode"`
		Verified       *bool   `json:"verified"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Name == nil || strings.TrimSpace(*p.Name) == "" {
		return nil, 0, errMissing("name")
	}
	mode := "manual_invitation"
	if p.EnrollmentMode != nil {
		mode = *p.EnrollmentMode
	}
	now := inst.now()
	var out *orgDomainWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "organization")
		}
		d, err := createOrgDomain(t, o, *p.Name, mode, p.Verified == nil || *p.Verified, now)
		if err != nil {
			return err
		}
		out, err = orgDomainJSON(t, d, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// createOrgDomain claims the domain name for o with an enrollment mode and
// announces it; verified gives it a verified affiliation (the Backend
// API's default), else the organization verifies it with an e-mail code.
func createOrgDomain(t *txn, o *organization, rawName, mode string, verified bool, now time.Time) (*orgDomain, error) {
	name := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(rawName)), ".")
	if name == "" {
		return nil, errMissing("name")
	}
	if len(name) > 253 || !domainNameRe.MatchString(name) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "name", "name must be a domain name such as example.com.")
	}
	if contains(commonEmailDomains, name) {
		return nil, errParam(http.StatusUnprocessableEntity, "organization_domain_common", "name", name+" is a common e-mail provider; it cannot be an organization domain.")
	}
	if err := checkEnrollmentMode(mode); err != nil {
		return nil, err
	}
	d := &orgDomain{ID: newID("orgdmn"), OrgID: o.ID, Name: name, EnrollmentMode: mode, Verified: verified,
		CreatedAt: ms(now), UpdatedAt: ms(now)}
	if err := t.orgDomainNames().claim(name, d.ID); errors.Is(err, errConflict) {
		return nil, errTaken("name", "The domain "+name+" already belongs to an organization.")
	} else if err != nil {
		return nil, err
	}
	if err := t.orgDomains().put(d); err != nil {
		return nil, err
	}
	out, err := orgDomainJSON(t, d, now)
	if err != nil {
		return nil, err
	}
	t.emit("organizationDomain.created", out)
	return d, nil
}

// orgDomainFor loads the path's domain of the path's organization.
func orgDomainFor(t *txn, r *http.Request) (*orgDomain, error) {
	o, err := orgByIDOrSlug(t, r.PathValue("id"))
	if err != nil {
		return nil, notFoundAs(err, "organization")
	}
	var d orgDomain
	if err := t.orgDomains().load(r.PathValue("dom"), &d); err != nil || d.OrgID != o.ID {
		if err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
		return nil, errNotFoundResource("organization domain")
	}
	return &d, nil
}

// changeOrgDomain applies change to the path's domain in one transaction
// and answers it; change reports whether it changed anything, and only a
// change is stored and announced.
func (inst *Instance) changeOrgDomain(r *http.Request, change func(d *orgDomain, now time.Time) (bool, error)) (any, int, error) {
	now := inst.now()
	var out *orgDomainWire
	err := inst.store.update(r.Context(), func(t *txn) error {
		d, err := orgDomainFor(t, r)
		if err != nil {
			return err
		}
		changed, err := change(d, now)
		if err != nil {
			return err
		}
		if changed {
			d.UpdatedAt = ms(now)
			if err := t.orgDomains().put(d); err != nil {
				return err
			}
		}
		if out, err = orgDomainJSON(t, d, now); err != nil {
			return err
		}
		if changed {
			t.emit("organizationDomain.updated", out)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

func (inst *Instance) bapiUpdateOrgDomain(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		EnrollmentMode *string `json:"enrollment_mode"`
		Verified       *bool   `json:"verified"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.EnrollmentMode != nil {
		if err := checkEnrollmentMode(*p.EnrollmentMode); err != nil {
			return nil, 0, err
		}
	}
	return inst.changeOrgDomain(r, func(d *orgDomain, now time.Time) (bool, error) {
		if p.EnrollmentMode != nil {
			d.EnrollmentMode = *p.EnrollmentMode
		}
		if p.Verified != nil {
			d.Verified = *p.Verified
		}
		return true, nil
	})
}

func (inst *Instance) bapiVerifyOrgDomainOwnership(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.changeOrgDomain(r, func(d *orgDomain, now time.Time) (bool, error) {
		if d.OwnershipVerifiedAt != 0 {
			return false, nil
		}
		d.OwnershipStrategy, d.OwnershipVerifiedAt = "manual_override", ms(now)
		return true, nil
	})
}

func (inst *Instance) bapiDeleteOrgDomain(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var id string
	err := inst.store.update(r.Context(), func(t *txn) error {
		d, err := orgDomainFor(t, r)
		if err != nil {
			return err
		}
		id = d.ID
		return deleteOrgDomain(t, d)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("organization_domain", id), 0, nil
}

// deleteOrgDomain removes a domain, freeing its name, and announces it.
func deleteOrgDomain(t *txn, d *orgDomain) error {
	t.emit("organizationDomain.deleted", deletedJSON("organization_domain", d.ID))
	return t.orgDomains().del(d.ID)
}

// domainFilter is what the domain lists filter and order by.
type domainFilter struct {
	orgID    string
	verified *bool
	include  []string // enrollment modes
	exclude  []string
	query    string
	names    []string
	field    string
	desc     bool
}

func parseDomainFilter(q url.Values, instanceWide bool) (*domainFilter, error) {
	f := &domainFilter{field: "created_at", desc: true}
	switch v := q.Get("verified"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.verified = &b
	default:
		return nil, errInvalid("verified", "verified must be true or false.")
	}
	for _, raw := range multi(q, "enrollment_mode") {
		for _, m := range strings.Split(raw, ",") {
			m = strings.TrimSpace(m)
			mode, neg := strings.CutPrefix(m, "-")
			if !contains(enrollmentModes, mode) {
				return nil, errInvalid("enrollment_mode", "enrollment_mode must be one of "+strings.Join(enrollmentModes, ", ")+", optionally prefixed with -.")
			}
			if neg {
				f.exclude = append(f.exclude, mode)
			} else {
				f.include = append(f.include, mode)
			}
		}
	}
	if !instanceWide {
		return f, nil
	}
	f.orgID = q.Get("organization_id")
	if _, ok := q["query"]; ok {
		f.query = strings.ToLower(strings.TrimSpace(q.Get("query")))
		if f.query == "" {
			return nil, errInvalid("query", "query must not be empty.")
		}
	}
	for _, n := range multi(q, "domains") {
		f.names = append(f.names, strings.ToLower(strings.TrimSpace(n)))
	}
	var err error
	if f.field, f.desc, err = orderBy(q, "-created_at", "created_at", "name"); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *domainFilter) match(d *orgDomain) bool {
	switch {
	case f.orgID != "" && d.OrgID != f.orgID,
		f.verified != nil && d.Verified != *f.verified,
		len(f.include) > 0 && !contains(f.include, d.EnrollmentMode),
		contains(f.exclude, d.EnrollmentMode),
		len(f.names) > 0 && !contains(f.names, d.Name):
		return false
	case strings.HasPrefix(f.query, "org_"):
		return strings.EqualFold(d.OrgID, f.query)
	}
	return strings.Contains(d.Name, f.query)
}

func (inst *Instance) listOrgDomains(r *http.Request, f *domainFilter) (any, int, error) {
	limit, offset, err := paging(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var data []any
	total := 0
	err = inst.store.view(r.Context(), func(t *txn) error {
		var keep []*orgDomain
		if err := t.orgDomains().each(func(d *orgDomain) bool {
			if f.match(d) {
				keep = append(keep, d)
			}
			return true
		}); err != nil {
			return err
		}
		sortBy(keep, f.desc, func(a, b *orgDomain) int {
			if f.field == "name" {
				return cmpStr(a.Name, b.Name)
			}
			return cmpInt(a.CreatedAt, b.CreatedAt)
		})
		total = len(keep)
		data, err = pageJSON(keep, limit, offset, func(d *orgDomain) (any, error) { return orgDomainJSON(t, d, now) })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: data, TotalCount: total}, 0, nil
}

func (inst *Instance) bapiListOrgDomains(w http.ResponseWriter, r *http.Request) (any, int, error) {
	f, err := parseDomainFilter(r.URL.Query(), false)
	if err != nil {
		return nil, 0, err
	}
	err = inst.store.view(r.Context(), func(t *txn) error {
		o, err := orgByIDOrSlug(t, r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "organization")
		}
		f.orgID = o.ID
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.listOrgDomains(r, f)
}

func (inst *Instance) bapiListAllOrgDomains(w http.ResponseWriter, r *http.Request) (any, int, error) {
	f, err := parseDomainFilter(r.URL.Query(), true)
	if err != nil {
		return nil, 0, err
	}
	return inst.listOrgDomains(r, f)
}

// deleteOrgDomains removes an organization's domains with it.
func deleteOrgDomains(t *txn, orgID string) error {
	var ids []string
	if err := t.orgDomains().each(func(d *orgDomain) bool {
		if d.OrgID == orgID {
			ids = append(ids, d.ID)
		}
		return true
	}); err != nil {
		return err
	}
	for _, id := range ids {
		if err := t.orgDomains().del(id); err != nil {
			return err
		}
	}
	return nil
}
