package localclerk

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// An organization's verified domains as OrganizationProfile's "Verified
// domains" section manages them: a domain added there starts unverified,
// an admin proves the affiliation with a code sent to an address at the
// domain (the code is in localclerk's outbox), and then picks how users
// with addresses at the domain join: by invitation only
// (manual_invitation), invited automatically (automatic_invitation) or
// suggested to them (automatic_suggestion). Reading needs
// org:sys_domains:read, changing org:sys_domains:manage. Ownership
// verification by DNS record needs the network: those operations answer
// 501.

func (inst *Instance) orgDomainRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/organizations/{id}/domains", inst.orgHandler(permDomainsManage, inst.fapiCreateOrgDomain))
	mux.HandleFunc("GET /v1/organizations/{id}/domains", inst.orgHandler(permDomainsRead, inst.fapiListOrgDomains))
	mux.HandleFunc("POST /v1/organizations/{id}/domains/bulk", inst.orgHandler(permDomainsManage, inst.fapiCreateOrgDomains))
	mux.HandleFunc("GET /v1/organizations/{id}/domains/{dom}", inst.orgDomainHandler(permDomainsRead, inst.fapiGetOrgDomain))
	mux.HandleFunc("DELETE /v1/organizations/{id}/domains/{dom}", inst.orgDomainHandler(permDomainsManage, inst.fapiDeleteOrgDomain))
	mux.HandleFunc("POST /v1/organizations/{id}/domains/{dom}/update_enrollment_mode", inst.orgDomainHandler(permDomainsManage, inst.fapiOrgDomainEnrollment))
	mux.HandleFunc("POST /v1/organizations/{id}/domains/{dom}/prepare_affiliation_verification", inst.orgDomainHandler(permDomainsManage, inst.fapiPrepareAffiliation))
	mux.HandleFunc("POST /v1/organizations/{id}/domains/{dom}/attempt_affiliation_verification", inst.orgDomainHandler(permDomainsManage, inst.fapiAttemptAffiliation))
	for _, p := range orgUnsupported {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			inst.writeError(w, r, newAPIError(http.StatusNotImplemented, "feature_not_supported_by_localclerk", "not supported",
				fmt.Sprintf("Domain ownership verification by DNS record (part of self-serve enterprise SSO) is not supported by localclerk, which resolves no DNS (%s %s).", r.Method, r.URL.Path), nil))
		})
	}
}

// orgUnsupported are the organization operations localclerk answers with
// 501: domain ownership verification needs DNS, and the specification
// ties it to self-serve enterprise SSO, which localclerk does not offer.
var orgUnsupported = []string{
	"POST /v1/organizations/{id}/domains/prepare_ownership_verification/bulk",
	"POST /v1/organizations/{id}/domains/attempt_ownership_verification/bulk",
	"POST /v1/organizations/{id}/domains/{dom}/prepare_ownership_verification",
	"POST /v1/organizations/{id}/domains/{dom}/attempt_ownership_verification",
}

// orgDomainHandler is orgHandler for an operation on the path's domain
// ({dom}) of the organization.
func (inst *Instance) orgDomainHandler(perm string, fn func(a *orgAccess, d *orgDomain) (any, error)) http.HandlerFunc {
	return inst.orgHandler(perm, func(a *orgAccess) (any, error) {
		var d orgDomain
		if err := a.x.t.orgDomains().load(a.x.r.PathValue("dom"), &d); err != nil || d.OrgID != a.o.ID {
			if err != nil && !errors.Is(err, errNotFound) {
				return nil, err
			}
			return nil, errNotFoundResource("organization domain")
		}
		return fn(a, &d)
	})
}

// fapiOrgDomainJSON is a domain as the organization's members see it.
func fapiOrgDomainJSON(a *orgAccess, d *orgDomain) (*orgDomainWire, error) {
	j, err := orgDomainJSON(a.x.t, d, a.x.now)
	if err != nil {
		return nil, err
	}
	if !j.PublicOrganizationData.HasImage {
		j.PublicOrganizationData.ImageURL = a.x.avatar()
	}
	return j, nil
}

// formEnrollmentMode is the request's enrollment_mode, manual_invitation
// when it has none.
func formEnrollmentMode(a *orgAccess) string {
	if m := a.x.form.Get("enrollment_mode"); m != "" {
		return m
	}
	return "manual_invitation"
}

func (inst *Instance) fapiCreateOrgDomain(a *orgAccess) (any, error) {
	d, err := createOrgDomain(a.x.t, a.o, a.x.form.Get("name"), formEnrollmentMode(a), false, a.x.now)
	if err != nil {
		return nil, err
	}
	return fapiOrgDomainJSON(a, d)
}

// orgDomainBulkWire is the bulk creation's answer: each name is created or
// has its error.
type orgDomainBulkWire struct {
	Data   []*orgDomainWire     `json:"data"`
	Errors []orgDomainBulkError `json:"errors"`
}

type orgDomainBulkError struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

// fapiCreateOrgDomains creates each of names (at most 10) that can be; the
// others are reported with their error code.
func (inst *Instance) fapiCreateOrgDomains(a *orgAccess) (any, error) {
	names := a.x.form["names"]
	if len(names) == 0 {
		return nil, errMissing("names")
	}
	if len(names) > 10 {
		return nil, errInvalid("names", "Send at most 10 domain names.")
	}
	out := &orgDomainBulkWire{Data: []*orgDomainWire{}, Errors: []orgDomainBulkError{}}
	for _, n := range names {
		d, err := createOrgDomain(a.x.t, a.o, n, formEnrollmentMode(a), false, a.x.now)
		var ae *apiError
		if errors.As(err, &ae) && ae.StatusCode < 500 {
			out.Errors = append(out.Errors, orgDomainBulkError{Name: n, Code: ae.Errors[0].Code})
			continue
		}
		if err != nil {
			return nil, err
		}
		j, err := fapiOrgDomainJSON(a, d)
		if err != nil {
			return nil, err
		}
		out.Data = append(out.Data, j)
	}
	return out, nil
}

// fapiListOrgDomains pages the organization's domains, filtered by
// verified and enrollment_mode.
func (inst *Instance) fapiListOrgDomains(a *orgAccess) (any, error) {
	f, err := parseDomainFilter(a.x.r.URL.Query(), false)
	if err != nil {
		return nil, err
	}
	f.orgID = a.o.ID
	var keep []*orgDomain
	if err := a.x.t.orgDomains().each(func(d *orgDomain) bool {
		if f.match(d) {
			keep = append(keep, d)
		}
		return true
	}); err != nil {
		return nil, err
	}
	slices.Reverse(keep) // newest first
	list := []any{}
	for _, d := range keep {
		j, err := fapiOrgDomainJSON(a, d)
		if err != nil {
			return nil, err
		}
		list = append(list, j)
	}
	return fapiPage(a.x, list), nil
}

func (inst *Instance) fapiGetOrgDomain(a *orgAccess, d *orgDomain) (any, error) {
	return fapiOrgDomainJSON(a, d)
}

func (inst *Instance) fapiDeleteOrgDomain(a *orgAccess, d *orgDomain) (any, error) {
	if err := deleteOrgDomain(a.x.t, d); err != nil {
		return nil, err
	}
	return deletedJSON("organization_domain", d.ID), nil
}

// saveOrgDomain stores a changed domain and announces it.
func saveOrgDomain(a *orgAccess, d *orgDomain) (*orgDomainWire, error) {
	d.UpdatedAt = ms(a.x.now)
	if err := a.x.t.orgDomains().put(d); err != nil {
		return nil, err
	}
	j, err := orgDomainJSON(a.x.t, d, a.x.now)
	if err != nil {
		return nil, err
	}
	a.x.t.emit("organizationDomain.updated", j)
	return fapiOrgDomainJSON(a, d)
}

// fapiOrgDomainEnrollment changes how users at the domain join; the
// automatic modes need a verified domain. delete_pending=true revokes the
// pending invitations to addresses at the domain.
func (inst *Instance) fapiOrgDomainEnrollment(a *orgAccess, d *orgDomain) (any, error) {
	mode := a.x.form.Get("enrollment_mode")
	if mode == "" {
		return nil, errMissing("enrollment_mode")
	}
	if err := checkEnrollmentMode(mode); err != nil {
		return nil, err
	}
	if mode != "manual_invitation" && !d.Verified {
		return nil, errInvalid("enrollment_mode", "Verify the domain before choosing "+mode+".")
	}
	if a.x.form.Get("delete_pending") == "true" {
		pending, err := orgInvitations(a.x.t, a.o.ID, func(oi *orgInvitation) bool {
			return oi.status(a.x.now) == "pending" && strings.HasSuffix(oi.Email, "@"+d.Name)
		})
		if err != nil {
			return nil, err
		}
		for _, oi := range pending {
			if _, err := inst.revokeOrgInvitation(a.x.t, oi, a.x.now); err != nil {
				return nil, err
			}
		}
	}
	d.EnrollmentMode = mode
	return saveOrgDomain(a, d)
}

// fapiPrepareAffiliation sends a code to affiliation_email_address, an
// address at the domain (to the outbox).
func (inst *Instance) fapiPrepareAffiliation(a *orgAccess, d *orgDomain) (any, error) {
	addr := normEmail(a.x.form.Get("affiliation_email_address"))
	if addr == "" {
		return nil, errMissing("affiliation_email_address")
	}
	if !emailRe.MatchString(addr) || !strings.HasSuffix(addr, "@"+d.Name) {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "affiliation_email_address",
			"affiliation_email_address must be an e-mail address at "+d.Name+".")
	}
	if d.Verified {
		return nil, newAPIError(http.StatusBadRequest, "organization_domain_already_verified", "already verified",
			"The domain "+d.Name+" is verified already.", nil)
	}
	code, err := inst.newCode(a.x.t, a.x.now, addr, "Verify "+d.Name+" for "+a.o.Name)
	if err != nil {
		return nil, err
	}
	d.AffiliationEmail, d.AffiliationCode, d.AffiliationAttempts = addr, code, 0
	d.AffiliationExpireAt = ms(a.x.now.Add(codeTTL))
	return saveOrgDomain(a, d)
}

// fapiAttemptAffiliation verifies the domain with the code prepared.
func (inst *Instance) fapiAttemptAffiliation(a *orgAccess, d *orgDomain) (any, error) {
	code := a.x.form.Get("code")
	if code == "" {
		return nil, errMissing("code")
	}
	switch {
	case d.Verified:
		return nil, newAPIError(http.StatusBadRequest, "organization_domain_already_verified", "already verified",
			"The domain "+d.Name+" is verified already.", nil)
	case d.AffiliationCode == "":
		return nil, newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent",
			"Prepare the affiliation verification before attempting it.", paramMeta("code"))
	case ms(a.x.now) >= d.AffiliationExpireAt:
		return nil, newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired",
			"This code has expired; request a new one.", paramMeta("code"))
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(d.AffiliationCode)) != 1 {
		return nil, errCodeIncorrect
	}
	d.AffiliationAttempts++
	d.Verified, d.AffiliationCode, d.AffiliationVerified = true, "", ms(a.x.now)
	return saveOrgDomain(a, d)
}
