package localclerk

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Social sign-in: the providers an instance enables (Settings.Social and
// Options.SocialProviders)
// and how /v1/environment advertises them. No provider is ever contacted:
// localclerk's own provider page (oauth_provider_page.go) stands in for
// each one.

// socialProvider is one enabled OAuth provider.
type socialProvider struct {
	ID       string // "google"
	Strategy string // "oauth_google"
	Name     string // "Google"
}

// knownProviders names the OAuth providers Clerk offers, by provider id.
var knownProviders = map[string]string{
	"apple": "Apple", "atlassian": "Atlassian", "bitbucket": "Bitbucket", "box": "Box", "coinbase": "Coinbase",
	"discord": "Discord", "dropbox": "Dropbox", "enstall": "Enstall", "facebook": "Facebook", "github": "GitHub",
	"gitlab": "GitLab", "google": "Google", "hubspot": "HubSpot", "huggingface": "Hugging Face", "instagram": "Instagram",
	"line": "LINE", "linear": "Linear", "linkedin": "LinkedIn", "linkedin_oidc": "LinkedIn", "microsoft": "Microsoft",
	"notion": "Notion", "slack": "Slack", "spotify": "Spotify", "tiktok": "TikTok", "twitch": "Twitch",
	"twitter": "Twitter", "vercel": "Vercel", "x": "X / Twitter", "xero": "Xero",
}

// customProviderRe is a custom provider id (oauth_custom_<name> on Clerk).
var customProviderRe = regexp.MustCompile(`^custom_[a-z0-9][a-z0-9_]{0,40}$`)

// parseSocialProviders validates Options.SocialProviders: provider ids
// ("google") or strategies ("oauth_google") Clerk names, or custom_<name>.
func parseSocialProviders(list []string) ([]socialProvider, error) {
	var out []socialProvider
	seen := map[string]bool{}
	for _, raw := range list {
		id := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(raw)), "oauth_")
		if id == "" {
			continue
		}
		name, ok := knownProviders[id]
		if !ok && customProviderRe.MatchString(id) {
			name, ok = strings.ReplaceAll(strings.TrimPrefix(id, "custom_"), "_", " "), true
		}
		if !ok {
			return nil, fmt.Errorf("localclerk: SocialProviders: %q is not an OAuth provider Clerk offers (e.g. google, github, microsoft, apple, or custom_<name>)", raw)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, socialProvider{ID: id, Strategy: "oauth_" + id, Name: name})
		}
	}
	return out, nil
}

// socialProviders is the instance's enabled providers, in the order given:
// the settings' social list, then Options.SocialProviders (the -social
// flag's shorthand).
func (inst *Instance) socialProviders() []socialProvider {
	list := append(slices.Clone(inst.settingsNow().social), inst.opts.SocialProviders...)
	p, _ := parseSocialProviders(list) // both validated before use
	return p
}

// socialProvider returns the enabled provider of an oauth_<id> strategy.
func (inst *Instance) socialProvider(strategy string) (socialProvider, bool) {
	for _, p := range inst.socialProviders() {
		if p.Strategy == strategy {
			return p, true
		}
	}
	return socialProvider{}, false
}

// isOAuthStrategy reports whether s names an OAuth strategy (enabled or
// not), so that a disabled one is refused as such.
func isOAuthStrategy(s string) bool {
	return strings.HasPrefix(s, "oauth_") && !strings.HasPrefix(s, "oauth_token_")
}

// socialSettingWire is one entry of user_settings.social.
type socialSettingWire struct {
	Enabled                bool    `json:"enabled"`
	Required               bool    `json:"required"`
	Authenticatable        bool    `json:"authenticatable"`
	BlockEmailSubaddresses bool    `json:"block_email_subaddresses"`
	Strategy               string  `json:"strategy"`
	NotSelectable          bool    `json:"not_selectable"`
	Deprecated             bool    `json:"deprecated"`
	Name                   string  `json:"name"`
	LogoURL                *string `json:"logo_url"`
}

// socialSettingsJSON is user_settings.social: only the enabled providers,
// each one served by the provider page. The components draw the icons of
// Clerk's known providers from Clerk's image CDN whatever logo_url says;
// custom ones get localclerk's monogram.
func (inst *Instance) socialSettingsJSON() map[string]*socialSettingWire {
	out := map[string]*socialSettingWire{}
	for _, p := range inst.socialProviders() {
		logo := inst.FrontendAPIURL + "/oauth/" + p.ID + "/logo.svg"
		out[p.Strategy] = &socialSettingWire{Enabled: true, Authenticatable: true, Strategy: p.Strategy, Name: p.Name, LogoURL: &logo}
	}
	return out
}

// oauthStrategies is the enabled providers' strategies, for
// auth_config.first_factors.
func (inst *Instance) oauthStrategies() []string {
	var out []string
	for _, p := range inst.socialProviders() {
		out = append(out, p.Strategy)
	}
	return out
}
