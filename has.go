package clerk

import (
	"strings"

	"github.com/goclerk/clerk/internal/authn"
)

// Check is what Has asks about: every field that is set must hold. Role and
// Permission concern the active organization ("org:admin" or "admin");
// Feature and Plan the billing claims ("beta", "user:pro", "org:team");
// Reverification how recently the user verified (Reverification below).
type Check struct {
	Permission, Role, Feature, Plan *string
	Reverification                  *Reverification
}

// Reverification is a named level ("strict_mfa", "strict", "moderate",
// "lax") or an explicit Level ("first_factor", "second_factor",
// "multi_factor") with AfterMinutes.
type Reverification struct {
	Preset       string
	Level        string
	AfterMinutes int
}

// Permission, Role, Feature and Plan build single-condition checks.
func Permission(p string) Check { return Check{Permission: &p} }

// Role builds a check of the active organization role.
func Role(r string) Check { return Check{Role: &r} }

// Feature builds a check of a billing feature.
func Feature(f string) Check { return Check{Feature: &f} }

// Plan builds a check of a billing plan.
func Plan(p string) Check { return Check{Plan: &p} }

// Has reports whether a signed-in session satisfies every condition of c,
// with @clerk/backend's semantics. Machine tokens and signed-out requests
// never satisfy a check, and an empty check is false.
func (a Auth) Has(c Check) bool {
	if a.kind != kindSession || a.UserID == "" {
		return false
	}
	p := a.session.Props
	results := [3]string{checkOrg(c, p), checkBilling(c, p), checkReverification(c, p)}
	pass := false
	for _, r := range results {
		switch r {
		case "pass":
			pass = true
		case "fail":
			return false
		}
	}
	return pass
}

func withOrgPrefix(s string) string {
	for strings.HasPrefix(s, "org:") {
		s = s[len("org:"):]
	}
	return "org:" + s
}

func checkOrg(c Check, p *authn.SessionProps) string {
	if c.Role == nil && c.Permission == nil {
		return "skip"
	}
	if p.OrgID == "" {
		return "fail"
	}
	if c.Role != nil {
		if p.OrgRole == "" || withOrgPrefix(p.OrgRole) != withOrgPrefix(*c.Role) {
			return "fail"
		}
	}
	if c.Permission != nil {
		if !p.HasOrgPermissions {
			return "fail"
		}
		want := withOrgPrefix(*c.Permission)
		found := false
		for _, perm := range p.OrgPermissions {
			if perm == want {
				found = true
				break
			}
		}
		if !found {
			return "fail"
		}
	}
	return "pass"
}

func checkBilling(c Check, p *authn.SessionProps) string {
	if c.Feature == nil && c.Plan == nil {
		return "skip"
	}
	if c.Feature != nil && (p.FeaturesNonString || p.Features == "" || !hasScoped(p.Features, *c.Feature)) {
		return "fail"
	}
	if c.Plan != nil && (p.PlansNonString || p.Plans == "" || !hasScoped(p.Plans, *c.Plan)) {
		return "fail"
	}
	return "pass"
}

// hasScoped looks "scope:id" or "id" up in a claim like "o:a,u:b".
func hasScoped(claim, want string) bool {
	org, user, err := authn.SplitByScope(claim)
	if err != nil {
		return false
	}
	parts := strings.Split(want, ":")
	scope, id := parts[0], parts[0]
	explicit := len(parts) > 1
	if explicit && parts[1] != "" { // rawId || rawScope
		id = parts[1]
	}
	in := func(list []string) bool {
		for _, v := range list {
			if v == id {
				return true
			}
		}
		return false
	}
	if explicit {
		switch scope {
		case "o", "org", "organization":
			return in(org)
		case "u", "user":
			return in(user)
		}
		return false
	}
	return in(org) || in(user)
}

var reverificationPresets = map[string]Reverification{
	"strict_mfa": {Level: "multi_factor", AfterMinutes: 10},
	"strict":     {Level: "second_factor", AfterMinutes: 10},
	"moderate":   {Level: "second_factor", AfterMinutes: 60},
	"lax":        {Level: "second_factor", AfterMinutes: 1440},
}

func checkReverification(c Check, p *authn.SessionProps) string {
	if c.Reverification == nil {
		return "skip"
	}
	if !p.FVAValid {
		return "fail"
	}
	f1, f2 := p.FVA[0], p.FVA[1]
	valid := func(x float64) bool { return x == -1 || x >= 0 }
	if !valid(f1) || !valid(f2) {
		return "fail"
	}
	cfg := *c.Reverification
	if cfg.Preset != "" {
		preset, ok := reverificationPresets[cfg.Preset]
		if !ok {
			return "fail"
		}
		cfg = preset
	} else if (cfg.Level != "first_factor" && cfg.Level != "second_factor" && cfg.Level != "multi_factor") || cfg.AfterMinutes <= 0 {
		return "fail"
	}
	if f1 == -1 && f2 == -1 {
		return "fail"
	}
	after := float64(cfg.AfterMinutes)
	fresh1 := f1 != -1 && after > f1
	fresh2 := f2 != -1 && after > f2
	ok := false
	switch cfg.Level {
	case "first_factor":
		ok = fresh1
	case "second_factor":
		switch {
		case f2 == -1:
			ok = fresh1
		case f1 == -1:
			ok = fresh2
		default:
			ok = fresh2
		}
	case "multi_factor":
		switch {
		case f2 == -1:
			ok = fresh1
		case f1 == -1:
			ok = false
		default:
			ok = fresh1 && fresh2
		}
	}
	if ok {
		return "pass"
	}
	return "fail"
}
