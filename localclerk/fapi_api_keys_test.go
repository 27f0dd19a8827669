package localclerk

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// apiKeysCall sends a /api_keys request the way clerk-js does: JSON body,
// the session token as Bearer, no /v1 prefix. Every answer is checked
// against the specification.
func apiKeysRequest(t *testing.T, h *harness, facts *specshape.Facts, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	req, err := http.NewRequest(method, h.inst.FrontendAPIURL+path+sep+clerkJSQuery, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://localhost:3000")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, out := h.do(req)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: content-type %q", method, path, ct)
	}
	if err := facts.Check(method, strings.SplitN(path, "?", 2)[0], resp.StatusCode, out); err != nil {
		t.Errorf("%s %s: %v\nbody: %s", method, path, err, out)
	}
	return resp.StatusCode, out
}

// aliceSessionToken signs Alice in on a new browser and returns her
// session token.
func aliceSessionToken(t *testing.T, h *harness) (token string, fx shapeFixture) {
	t.Helper()
	fx = newShapeFixture(t, h, true)
	st, body := meCall(t, h, fx, "POST", "/v1/client/sessions/"+fx.sid+"/tokens", url.Values{})
	var tok struct{ JWT string }
	if err := json.Unmarshal([]byte(body), &tok); st != 200 || err != nil || tok.JWT == "" {
		t.Fatalf("session token: %d %s", st, body)
	}
	return tok.JWT, fx
}

// TestFAPIAPIKeys: a signed-in user creates, lists, updates and revokes
// their API keys through the Frontend API; the Backend API verifies the
// key until it is revoked; another user's keys, a bad token and a
// switched-off setting are refused.
func TestFAPIAPIKeys(t *testing.T) {
	s := DefaultSettings()
	s.APIKeys = APIKeysSettings{User: true, Organizations: true}
	h := start(t, Options{Seed: true, Settings: &s})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := aliceSessionToken(t, h)
	const alice = "user_demo_alice"

	var env struct {
		APIKeys apiKeysSettingsWire `json:"api_keys_settings"`
	}
	resp, body := h.do(h.fapiRequest("GET", "/v1/environment", nil))
	mustJSON(t, body, &env)
	if resp.StatusCode != 200 || !env.APIKeys.Enabled || !env.APIKeys.UserAPIKeysEnabled || !env.APIKeys.OrgsAPIKeysEnabled {
		t.Fatalf("environment: %d %+v", resp.StatusCode, env.APIKeys)
	}

	st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys", tok, map[string]any{"type": "api_key", "name": "ci key", "subject": alice, "seconds_until_expiration": 3600})
	var created apiKeyWire
	mustJSON(t, body, &created)
	if st != 201 || created.Secret == "" || created.Subject != alice || created.CreatedBy == nil || *created.CreatedBy != alice || created.Expiration == nil {
		t.Fatalf("create: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys", tok, map[string]any{"name": "ci key", "subject": alice}); st != 409 || !strings.Contains(string(body), "token_creation_conflict") {
		t.Errorf("same name again: %d %s", st, body)
	}
	for _, bad := range []map[string]any{{"subject": alice}, {"name": " x ", "subject": alice}, {"name": "key", "subject": alice, "scopes": []string{"a"}}, {"name": "key"}} {
		if st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys", tok, bad); st/100 != 4 {
			t.Errorf("create %v: %d %s", bad, st, body)
		}
	}
	// Another user's subject, and an organization Alice is no admin of
	// for API keys (the seed's roles do not carry the permission).
	for _, subject := range []string{"user_demo_bob", "org_demo_acme", "mch_x"} {
		if st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys", tok, map[string]any{"name": "not mine", "subject": subject}); st != 403 && st != 400 {
			t.Errorf("create for %s: %d %s", subject, st, body)
		}
	}

	var list struct {
		Data       []apiKeyWire `json:"data"`
		TotalCount int          `json:"total_count"`
	}
	st, body = apiKeysRequest(t, h, facts, "GET", "/api_keys?subject="+alice+"&limit=10&offset=0&query=", tok, nil)
	mustJSON(t, body, &list)
	// The seed gives Alice a demo key too.
	if st != 200 || list.TotalCount != 2 || !slices.ContainsFunc(list.Data, func(k apiKeyWire) bool { return k.ID == created.ID && k.Secret == "" }) {
		t.Fatalf("list: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "GET", "/api_keys?subject=user_demo_bob", tok, nil); st != 403 {
		t.Errorf("list Bob's keys: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "GET", "/api_keys?subject="+alice, "", nil); st != 401 {
		t.Errorf("list without a token: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "GET", "/api_keys?subject="+alice, tok+"x", nil); st != 401 {
		t.Errorf("list with a bad token: %d %s", st, body)
	}

	if st, body := apiKeysRequest(t, h, facts, "PATCH", "/api_keys/"+created.ID, tok, map[string]any{"description": "for CI"}); st != 200 || !strings.Contains(string(body), `"for CI"`) {
		t.Errorf("update: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "PATCH", "/api_keys/"+created.ID, tok, map[string]any{"name": "renamed"}); st != 422 {
		t.Errorf("update the name: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "PATCH", "/api_keys/ak_nope", tok, map[string]any{}); st != 404 {
		t.Errorf("update an unknown key: %d %s", st, body)
	}

	verify := func() int { return h.bapi("POST", "/api_keys/verify", map[string]any{"secret": created.Secret}, nil) }
	if st := verify(); st != 200 {
		t.Fatalf("the Backend API does not verify the new key: %d", st)
	}
	st, body = apiKeysRequest(t, h, facts, "POST", "/api_keys/"+created.ID+"/revoke", tok, map[string]any{"revocation_reason": "done"})
	if st != 200 || !strings.Contains(string(body), `"revoked":true`) {
		t.Fatalf("revoke: %d %s", st, body)
	}
	if st := verify(); st != 404 {
		t.Errorf("the revoked key still verifies: %d", st)
	}
	if st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys/ak_nope/revoke", tok, map[string]any{}); st != 404 {
		t.Errorf("revoke an unknown key: %d %s", st, body)
	}
	st, body = apiKeysRequest(t, h, facts, "GET", "/api_keys?subject="+alice, tok, nil)
	mustJSON(t, body, &list)
	if st != 200 || list.TotalCount != 1 || list.Data[0].ID == created.ID {
		t.Errorf("list after revoking: %d %s", st, body)
	}

	// A key of Bob's is unknown to Alice.
	bobKey := &apiKey{ID: newID("ak"), Type: "api_key", Name: "bob", Subject: "user_demo_bob", Secret: "ak_" + randString(40)}
	if err := h.inst.store.update(t.Context(), func(tx *txn) error { return putAPIKey(tx, bobKey) }); err != nil {
		t.Fatal(err)
	}
	if st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys/"+bobKey.ID+"/revoke", tok, map[string]any{}); st != 404 {
		t.Errorf("revoke Bob's key: %d %s", st, body)
	}
}

// TestFAPIAPIKeysSwitchedOff: by default the environment does not
// advertise API keys and the operations refuse them.
func TestFAPIAPIKeysSwitchedOff(t *testing.T) {
	h := start(t, Options{Seed: true})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		APIKeys apiKeysSettingsWire `json:"api_keys_settings"`
	}
	_, body := h.do(h.fapiRequest("GET", "/v1/environment", nil))
	mustJSON(t, body, &env)
	if env.APIKeys.Enabled || env.APIKeys.UserAPIKeysEnabled || env.APIKeys.OrgsAPIKeysEnabled {
		t.Errorf("environment advertises API keys: %+v", env.APIKeys)
	}
	tok, _ := aliceSessionToken(t, h)
	if st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys", tok, map[string]any{"name": "ci key", "subject": "user_demo_alice"}); st != 403 || !strings.Contains(string(body), "feature_not_enabled") {
		t.Errorf("create: %d %s", st, body)
	}
}

// TestFAPIAPIKeysOrganization: a member whose role carries
// org:sys_api_keys:manage manages the organization's keys.
func TestFAPIAPIKeysOrganization(t *testing.T) {
	s := DefaultSettings()
	s.APIKeys = APIKeysSettings{Organizations: true}
	h := start(t, Options{Seed: true, Settings: &s})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	err = h.inst.store.update(t.Context(), func(tx *txn) error {
		r, err := roleByKey(tx, "org:admin")
		if err != nil {
			return err
		}
		r.Permissions = append(r.Permissions, permAPIKeysManage)
		return tx.roles().put(r)
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := aliceSessionToken(t, h)
	st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys", tok, map[string]any{"name": "acme key", "subject": "org_demo_acme"})
	if st != 201 || !strings.Contains(string(body), `"subject":"org_demo_acme"`) {
		t.Fatalf("create an organization key: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "GET", "/api_keys?subject=org_demo_acme", tok, nil); st != 200 || !strings.Contains(string(body), "acme key") {
		t.Errorf("list: %d %s", st, body)
	}
	if st, body := apiKeysRequest(t, h, facts, "POST", "/api_keys", tok, map[string]any{"name": "mine", "subject": "user_demo_alice"}); st != 403 {
		t.Errorf("user keys are off: %d %s", st, body)
	}
}

// TestFAPIAPIKeysThroughAProxy: clerk-js asks a proxy for
// /__clerk//api_keys (its proxy URL, a slash, then the path); that is
// the list, not a redirect.
func TestFAPIAPIKeysThroughAProxy(t *testing.T) {
	s := DefaultSettings()
	s.APIKeys.User = true
	h := start(t, Options{Seed: true, Settings: &s})
	tok, _ := aliceSessionToken(t, h)
	req := h.fapiRequest("GET", "/__clerk//api_keys?subject=user_demo_alice&"+clerkJSQuery, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, body := h.do(req)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "ak_demo_alice") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}
