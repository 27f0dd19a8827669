package localclerk

import (
	"encoding/json"
	"net/http"
	"testing"
)

// envGet fetches /v1/environment.
func envGet(t *testing.T, h *harness) map[string]any {
	t.Helper()
	res, err := http.Get(h.inst.FrontendAPIURL + "/v1/environment")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var env map[string]any
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil || res.StatusCode != 200 {
		t.Fatalf("environment: %d %v", res.StatusCode, err)
	}
	return env
}

func envPath(env map[string]any, keys ...string) any {
	var v any = env
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// TestEnvironmentAdvertisesOnlyServedFeatures checks each feature flag of
// the environment that a component turns into a button against the
// Frontend API operation the button calls: a flag is on only when the
// operation is served, whatever the Backend API settings say.
func TestEnvironmentAdvertisesOnlyServedFeatures(t *testing.T) {
	h := start(t, Options{})
	// Turn on what the Backend API can turn on.
	if st := h.bapi("PATCH", "/v1/instance/organization_settings", map[string]any{
		"admin_delete_enabled": true, "domains_enabled": true}, nil); st != 200 {
		t.Fatalf("organization settings: %d", st)
	}
	env := envGet(t, h)
	for _, f := range []struct {
		path    []string
		pattern string
	}{
		{[]string{"user_settings", "actions", "delete_self"}, "DELETE /v1/me"},
		{[]string{"user_settings", "actions", "create_organization"}, "POST /v1/organizations"},
		{[]string{"organization_settings", "actions", "admin_delete"}, "DELETE /v1/organizations/{id}"},
		{[]string{"organization_settings", "domains", "enabled"}, "GET /v1/organizations/{id}/domains"},
	} {
		got, ok := envPath(env, f.path...).(bool)
		if !ok {
			t.Errorf("%v is %v, want a boolean", f.path, envPath(env, f.path...))
			continue
		}
		if got != h.inst.served(f.pattern) {
			t.Errorf("%v = %v but %s served = %v", f.path, got, f.pattern, h.inst.served(f.pattern))
		}
	}
}

// TestEnvironmentRefreshedOnChange checks that the environment, served
// from memory, shows a settings change right after it commits.
func TestEnvironmentRefreshedOnChange(t *testing.T) {
	h := start(t, Options{})
	if got := envPath(envGet(t, h), "organization_settings", "max_allowed_memberships"); got != float64(0) {
		t.Fatalf("max_allowed_memberships = %v, want 0", got)
	}
	if st := h.bapi("PATCH", "/v1/instance/organization_settings", map[string]any{"max_allowed_memberships": 7}, nil); st != 200 {
		t.Fatalf("organization settings: %d", st)
	}
	if got := envPath(envGet(t, h), "organization_settings", "max_allowed_memberships"); got != float64(7) {
		t.Fatalf("after the change max_allowed_memberships = %v, want 7", got)
	}
}
