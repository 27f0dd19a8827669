package clerk_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/goclerk/clerk"
)

// rtAuthOf runs the middleware on a request carrying token and returns the
// handler's GetAuth (pending sessions kept, so Has can be asked about them).
func rtAuthOf(t *testing.T, mw func(http.Handler) http.Handler, token string, opts ...clerk.AuthOption) clerk.Auth {
	t.Helper()
	var a clerk.Auth
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a = clerk.GetAuth(r, opts...) }))
	r := httptest.NewRequest("GET", rtOrigin+"/", nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	h.ServeHTTP(httptest.NewRecorder(), r)
	return a
}

func TestHas(t *testing.T) {
	rtClearEnv(t)
	mw, err := clerk.Middleware(rtOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	rev := func(preset string) clerk.Check {
		return clerk.Check{Reverification: &clerk.Reverification{Preset: preset}}
	}
	lvl := func(level string, after int) clerk.Check {
		return clerk.Check{Reverification: &clerk.Reverification{Level: level, AfterMinutes: after}}
	}

	v2 := map[string]any{
		"o":   map[string]any{"id": "org_1", "slg": "acme", "rol": "admin", "per": "read,manage", "fpm": "3,1"},
		"fea": "o:billing,o:reports,u:beta,ou:shared",
		"pla": "u:pro,o:team",
	}
	v1 := map[string]any{"v": nil, "org_id": "org_1", "org_role": "org:member", "org_permissions": []string{"org:sys_memberships:read"}}
	noOrg := map[string]any{"fea": "u:beta", "pla": "u:pro"}

	rows := []struct {
		name   string
		claims map[string]any
		check  clerk.Check
		want   bool
	}{
		{"empty check", v2, clerk.Check{}, false},
		{"permission from the feature map", v2, clerk.Permission("org:billing:manage"), true},
		{"permission without prefix", v2, clerk.Permission("reports:read"), true},
		{"permission not granted", v2, clerk.Permission("org:reports:manage"), false},
		{"role with prefix", v2, clerk.Role("org:admin"), true},
		{"role without prefix", v2, clerk.Role("admin"), true},
		{"role doubly prefixed", v2, clerk.Role("org:org:admin"), true},
		{"other role", v2, clerk.Role("member"), false},
		{"v1 role", v1, clerk.Role("member"), true},
		{"v1 permission", v1, clerk.Permission("org:sys_memberships:read"), true},
		{"v1 permission missing", v1, clerk.Permission("org:sys_memberships:manage"), false},
		{"role without an organization", noOrg, clerk.Role("admin"), false},
		{"feature unscoped org", v2, clerk.Feature("billing"), true},
		{"feature unscoped user", v2, clerk.Feature("beta"), true},
		{"feature org scope", v2, clerk.Feature("org:reports"), true},
		{"feature o scope", v2, clerk.Feature("o:billing"), true},
		{"feature wrong scope", v2, clerk.Feature("user:billing"), false},
		{"feature user scope", v2, clerk.Feature("u:beta"), true},
		{"feature both scopes", v2, clerk.Feature("organization:shared"), true},
		{"feature unknown scope", v2, clerk.Feature("team:beta"), false},
		{"feature missing", v2, clerk.Feature("nope"), false},
		{"feature without claim", v1, clerk.Feature("beta"), false},
		{"feature scope without id", map[string]any{"fea": "u:user"}, clerk.Feature("user:"), true},
		{"plan user scope", v2, clerk.Plan("user:pro"), true},
		{"plan org scope", v2, clerk.Plan("org:team"), true},
		{"plan unscoped", v2, clerk.Plan("team"), true},
		{"plan wrong scope", v2, clerk.Plan("org:pro"), false},
		{"plan malformed claim", map[string]any{"pla": "pro"}, clerk.Plan("pro"), false},
		{"feature non-string claim", map[string]any{"fea": []string{"u:beta"}}, clerk.Feature("beta"), false},
		{"all conditions pass", v2, clerk.Check{Role: str("admin"), Permission: str("billing:read"), Feature: str("beta"), Plan: str("pro")}, true},
		{"one condition fails", v2, clerk.Check{Role: str("admin"), Feature: str("nope")}, false},

		// factorVerificationAge [first, second] in minutes; -1 = never.
		{"strict_mfa fresh both", map[string]any{"fva": []int{5, 5}}, rev("strict_mfa"), true},
		{"strict_mfa stale second", map[string]any{"fva": []int{5, 30}}, rev("strict_mfa"), false},
		{"strict_mfa no second factor", map[string]any{"fva": []int{5, -1}}, rev("strict_mfa"), true},
		{"strict_mfa no first factor", map[string]any{"fva": []int{-1, 5}}, rev("strict_mfa"), false},
		{"strict fresh second", map[string]any{"fva": []int{100, 5}}, rev("strict"), true},
		{"strict stale second", map[string]any{"fva": []int{5, 10}}, rev("strict"), false},
		{"strict without second uses first", map[string]any{"fva": []int{5, -1}}, rev("strict"), true},
		{"strict first only stale", map[string]any{"fva": []int{10, -1}}, rev("strict"), false},
		{"strict second only", map[string]any{"fva": []int{-1, 3}}, rev("strict"), true},
		{"moderate", map[string]any{"fva": []int{59, 59}}, rev("moderate"), true},
		{"moderate stale", map[string]any{"fva": []int{60, 60}}, rev("moderate"), false},
		{"lax", map[string]any{"fva": []int{1439, -1}}, rev("lax"), true},
		{"lax stale", map[string]any{"fva": []int{1440, -1}}, rev("lax"), false},
		{"unknown preset", map[string]any{"fva": []int{0, 0}}, rev("paranoid"), false},
		{"never verified", map[string]any{"fva": []int{-1, -1}}, rev("lax"), false},
		{"no fva claim", map[string]any{"fva": nil}, rev("lax"), false},
		{"malformed fva", map[string]any{"fva": []int{1}}, rev("lax"), false},
		{"negative fva", map[string]any{"fva": []int{-2, 0}}, rev("lax"), false},
		{"first_factor level", map[string]any{"fva": []int{4, -1}}, lvl("first_factor", 5), true},
		{"first_factor level stale", map[string]any{"fva": []int{5, 0}}, lvl("first_factor", 5), false},
		{"second_factor level", map[string]any{"fva": []int{50, 4}}, lvl("second_factor", 5), true},
		{"multi_factor level", map[string]any{"fva": []int{4, 4}}, lvl("multi_factor", 5), true},
		{"multi_factor level stale first", map[string]any{"fva": []int{6, 4}}, lvl("multi_factor", 5), false},
		{"bad level", map[string]any{"fva": []int{0, 0}}, lvl("third_factor", 5), false},
		{"zero minutes", map[string]any{"fva": []int{0, 0}}, lvl("first_factor", 0), false},
		{"reverification and role", map[string]any{"fva": []int{0, 0}, "o": v2["o"]}, clerk.Check{Role: str("admin"), Reverification: &clerk.Reverification{Preset: "strict"}}, true},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			a := rtAuthOf(t, mw, rtSession(t, r.claims))
			if !a.IsAuthenticated {
				t.Fatalf("not signed in")
			}
			if got := a.Has(r.check); got != r.want {
				t.Errorf("Has = %v, want %v", got, r.want)
			}
		})
	}

	t.Run("signed out and machine tokens never pass", func(t *testing.T) {
		o := rtOptions(t)
		o.APIURL = rtBAPI(t).URL
		mw, err := clerk.Middleware(o)
		if err != nil {
			t.Fatal(err)
		}
		if rtAuthOf(t, mw, "").Has(clerk.Role("admin")) {
			t.Error("signed out passed")
		}
		a := rtAuthOf(t, mw, "ak_org", clerk.AcceptsAnyToken())
		if !a.IsAuthenticated || a.OrgID != "org_1" {
			t.Fatalf("api key auth = %+v", a)
		}
		if a.Has(clerk.Role("admin")) || a.Has(clerk.Check{}) {
			t.Error("machine token passed a check")
		}
	})
	t.Run("pending session kept", func(t *testing.T) {
		tok := rtSession(t, map[string]any{"sts": "pending", "o": v2["o"]})
		if rtAuthOf(t, mw, tok).Has(clerk.Role("admin")) {
			t.Error("pending session treated as signed in by default")
		}
		if !rtAuthOf(t, mw, tok, clerk.TreatPendingAsSignedOut(false)).Has(clerk.Role("admin")) {
			t.Error("pending session kept but Has failed")
		}
	})
}
