package localclerk

import (
	"encoding/json"
	"net"
	"net/url"
	"time"
)

// The instance-wide resources' wire types: domains, redirect URLs, JWT
// templates, allow-list and block-list identifiers and waitlist entries.

// domainWire is the Domain object.
type domainWire struct {
	Object            string     `json:"object"` // "domain"
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	IsSatellite       bool       `json:"is_satellite"`
	FrontendAPIURL    string     `json:"frontend_api_url"`
	AccountsPortalURL string     `json:"accounts_portal_url"`
	DevelopmentOrigin string     `json:"development_origin"`
	ProxyURL          *string    `json:"proxy_url"`
	CNAMETargets      alwaysNull `json:"cname_targets"`
}

// redirectURLWire is the RedirectURL object.
type redirectURLWire struct {
	Object    string `json:"object"` // "redirect_url"
	ID        string `json:"id"`
	URL       string `json:"url"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

// jwtTemplateWire is the JWTTemplate object.
type jwtTemplateWire struct {
	Object           string          `json:"object"` // "jwt_template"
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Claims           json.RawMessage `json:"claims"`
	Lifetime         int64           `json:"lifetime"`
	AllowedClockSkew int64           `json:"allowed_clock_skew"`
	CustomSigningKey bool            `json:"custom_signing_key"`
	SigningAlgorithm string          `json:"signing_algorithm"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
}

// listIdentifierWire is the AllowlistIdentifier or BlocklistIdentifier
// object.
type listIdentifierWire struct {
	Object         string `json:"object"`
	ID             string `json:"id"`
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifier_type"`
	InstanceID     string `json:"instance_id"`
	CreatedAt      int64  `json:"created_at"`
	UpdatedAt      int64  `json:"updated_at"`
}

// waitlistEntryWire is the WaitlistEntry object.
type waitlistEntryWire struct {
	Object       string          `json:"object"` // "waitlist_entry"
	ID           string          `json:"id"`
	EmailAddress string          `json:"email_address"`
	Status       string          `json:"status"`
	IsLocked     bool            `json:"is_locked"`
	Invitation   *invitationWire `json:"invitation"`
	CreatedAt    int64           `json:"created_at"`
	UpdatedAt    int64           `json:"updated_at"`
}

// primaryDomainJSON is the instance's own domain; its development origin
// is the app's (Options.AfterSignInURL), where a development instance
// sends users.
func (inst *Instance) primaryDomainJSON() *domainWire {
	devOrigin := ""
	if a, err := url.Parse(inst.opts.AfterSignInURL); err == nil && a.Host != "" {
		devOrigin = a.Scheme + "://" + a.Host
	}
	return &domainWire{Object: "domain", ID: inst.primaryDomainID(), Name: inst.primaryDomainName(),
		FrontendAPIURL: inst.FrontendAPIURL, AccountsPortalURL: inst.FrontendAPIURL, DevelopmentOrigin: devOrigin}
}

// domainJSON describes a satellite. A development satellite runs at its
// name: over http on a loopback host, https otherwise. It signs in through
// this instance's Frontend API.
func (inst *Instance) domainJSON(d *domain) *domainWire {
	scheme := "https"
	if host, _, err := net.SplitHostPort(d.Name); (err == nil && isLoopbackName(host)) || isLoopbackName(d.Name) {
		scheme = "http"
	}
	return &domainWire{Object: "domain", ID: d.ID, Name: d.Name, IsSatellite: true,
		FrontendAPIURL: inst.FrontendAPIURL, AccountsPortalURL: inst.FrontendAPIURL,
		DevelopmentOrigin: scheme + "://" + d.Name, ProxyURL: d.ProxyURL}
}

func redirectURLJSON(u *redirectURL) *redirectURLWire {
	return &redirectURLWire{Object: "redirect_url", ID: u.ID, URL: u.URL, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func templateJSON(tpl *jwtTemplate) *jwtTemplateWire {
	alg := "RS256"
	if tpl.CustomSigningKey {
		alg = tpl.SigningAlgorithm
	}
	return &jwtTemplateWire{Object: "jwt_template", ID: tpl.ID, Name: tpl.Name, Claims: rawOrEmpty(tpl.Claims),
		Lifetime: tpl.Lifetime, AllowedClockSkew: tpl.AllowedClockSkew, CustomSigningKey: tpl.CustomSigningKey,
		SigningAlgorithm: alg, CreatedAt: tpl.CreatedAt, UpdatedAt: tpl.UpdatedAt}
}

func (inst *Instance) identifierJSON(l identifierList, e *listIdentifier) *listIdentifierWire {
	return &listIdentifierWire{Object: l.object, ID: e.ID, Identifier: e.Identifier, IdentifierType: e.Type,
		InstanceID: inst.KeyID, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

func (inst *Instance) waitlistJSON(v waitlistView, now time.Time) *waitlistEntryWire {
	out := &waitlistEntryWire{Object: "waitlist_entry", ID: v.e.ID, EmailAddress: v.e.Email, Status: v.status,
		CreatedAt: v.e.CreatedAt, UpdatedAt: v.e.UpdatedAt}
	if v.iv != nil {
		out.Invitation = inst.invitationJSON(v.iv, now)
	}
	return out
}

// instanceWire is the Instance object.
type instanceWire struct {
	Object          string     `json:"object"` // "instance"
	ID              string     `json:"id"`
	EnvironmentType string     `json:"environment_type"`
	AllowedOrigins  []string   `json:"allowed_origins"`
	WorkspaceID     alwaysNull `json:"workspace_id"`
}

// instanceProtectWire is the InstanceProtect object.
type instanceProtectWire struct {
	Object string `json:"object"` // "instance_protect"
	instanceProtect
	ChecksBypassed bool `json:"checks_bypassed"`
}

// instanceCommunicationWire is the InstanceCommunication object.
type instanceCommunicationWire struct {
	Object              string   `json:"object"` // "instance_communication"
	BlockedCountryCodes []string `json:"blocked_country_codes"`
}

// oauthApplicationSettingsWire is the OAuthApplicationSettings object.
type oauthApplicationSettingsWire struct {
	Object string `json:"object"` // "oauth_application_settings"
	oauthAppSettings
}

// organizationSettingsBAPIWire is the Backend API's OrganizationSettings
// object (the Frontend API has its own, organizationSettingsWire).
type organizationSettingsBAPIWire struct {
	Object string `json:"object"` // "organization_settings"
	orgSettings
	MaxAllowedRoles   int `json:"max_allowed_roles"`
	MaxAllowedDomains int `json:"max_allowed_domains"`
}

// instanceRestrictionsWire is the InstanceRestrictions object.
type instanceRestrictionsWire struct {
	Object string `json:"object"` // "instance_restrictions"
	restrictions
}
