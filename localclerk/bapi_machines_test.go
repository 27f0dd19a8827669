package localclerk

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// newMachine creates a machine through the API and returns its id and
// secret key.
func (h *harness) newMachine(name string, scoped ...string) (id, secret string) {
	h.t.Helper()
	var m map[string]any
	body := map[string]any{"name": name}
	if len(scoped) > 0 {
		body["scoped_machines"] = scoped
	}
	if st := h.bapi("POST", "/v1/machines", body, &m); st != 200 {
		h.t.Fatalf("create machine %s: %d %v", name, st, m)
	}
	return m["id"].(string), m["secret_key"].(string)
}

func TestMachinesCRUDAndScopes(t *testing.T) {
	h := start(t, Options{})
	bID, _ := h.newMachine("billing")
	var a map[string]any
	if st := h.bapi("POST", "/v1/machines", map[string]any{"name": " api ", "scoped_machines": []string{bID}, "default_token_ttl": 90}, &a); st != 200 {
		t.Fatalf("create: %d %v", st, a)
	}
	aID := a["id"].(string)
	scoped := a["scoped_machines"].([]any)
	if a["object"] != "machine" || a["name"] != "api" || a["default_token_ttl"] != float64(90) || a["instance_id"] != h.inst.KeyID ||
		!strings.HasPrefix(a["secret_key"].(string), "ak_") || len(scoped) != 1 || scoped[0].(map[string]any)["id"] != bID {
		t.Fatalf("created machine: %v", a)
	}
	h.clock.Advance(time.Second)
	cID, _ := h.newMachine("cron")

	type page struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	ids := func(p page) (out []string) {
		for _, m := range p.Data {
			out = append(out, m["id"].(string))
		}
		return out
	}
	for q, want := range map[string][]string{
		"":                           {cID, aID, bID}, // -created_at, newest first among equals
		"?order_by=name":             {aID, bID, cID},
		"?order_by=-name&limit=2":    {cID, bID},
		"?order_by=name&offset=2":    {cID},
		"?query=BILL":                {bID},
		"?query=" + aID:              {aID},
		"?query=" + aID[:len(aID)-1]: nil, // ids match exactly, names partially
	} {
		var p page
		if st := h.bapi("GET", "/v1/machines"+q, nil, &p); st != 200 || !slices.Equal(ids(p), want) {
			t.Errorf("list %q: %d %v, want %v", q, st, ids(p), want)
		}
		if q == "?order_by=-name&limit=2" && p.Total != 3 {
			t.Errorf("total_count %d", p.Total)
		}
	}

	var m map[string]any
	if st := h.bapi("PATCH", "/v1/machines/"+bID, map[string]any{"name": "payments", "default_token_ttl": 30}, &m); st != 200 ||
		m["name"] != "payments" || m["default_token_ttl"] != float64(30) {
		t.Errorf("update: %d %v", st, m)
	}
	if st := h.bapi("GET", "/v1/machines/"+aID, nil, &m); st != 200 || m["scoped_machines"].([]any)[0].(map[string]any)["name"] != "payments" || m["secret_key"] != nil {
		t.Errorf("get: %d %v", st, m)
	}

	var s map[string]any
	if st := h.bapi("POST", "/v1/machines/"+aID+"/scopes", map[string]any{"to_machine_id": cID}, &s); st != 200 ||
		s["object"] != "machine_scope" || s["from_machine_id"] != aID || s["to_machine_id"] != cID {
		t.Errorf("create scope: %d %v", st, s)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		code, param  string
	}{
		{"POST", "/v1/machines", map[string]any{}, 422, "form_param_missing", "name"},
		{"POST", "/v1/machines", map[string]any{"name": strings.Repeat("n", 256)}, 422, "form_param_value_invalid", "name"},
		{"POST", "/v1/machines", map[string]any{"name": "x", "default_token_ttl": 0}, 422, "form_param_value_invalid", "default_token_ttl"},
		{"POST", "/v1/machines", map[string]any{"name": "x", "scoped_machines": []string{"mch_nope"}}, 422, "form_param_value_invalid", "scoped_machines"},
		{"POST", "/v1/machines", map[string]any{"name": 7}, 422, "form_param_value_invalid", "name"},
		{"GET", "/v1/machines?order_by=secret", nil, 422, "form_param_value_invalid", "order_by"},
		{"GET", "/v1/machines?limit=0", nil, 400, "form_param_value_invalid", "limit"},
		{"GET", "/v1/machines/mch_nope", nil, 404, "resource_not_found", ""},
		{"PATCH", "/v1/machines/mch_nope", map[string]any{}, 404, "resource_not_found", ""},
		{"PATCH", "/v1/machines/" + aID, map[string]any{"name": ""}, 422, "form_param_value_invalid", "name"},
		{"PATCH", "/v1/machines/" + aID, map[string]any{"default_token_ttl": 315360001}, 422, "form_param_value_invalid", "default_token_ttl"},
		{"POST", "/v1/machines/" + aID + "/scopes", map[string]any{}, 422, "form_param_missing", "to_machine_id"},
		{"POST", "/v1/machines/" + aID + "/scopes", map[string]any{"to_machine_id": aID}, 422, "form_param_value_invalid", "to_machine_id"},
		{"POST", "/v1/machines/" + aID + "/scopes", map[string]any{"to_machine_id": "mch_nope"}, 404, "resource_not_found", "to_machine_id"},
		{"POST", "/v1/machines/" + aID + "/scopes", map[string]any{"to_machine_id": cID}, 409, "machine_scope_exists", "to_machine_id"},
		{"POST", "/v1/machines/mch_nope/scopes", map[string]any{"to_machine_id": cID}, 404, "resource_not_found", ""},
		{"DELETE", "/v1/machines/" + cID + "/scopes/" + aID, nil, 404, "resource_not_found", ""},
		{"POST", "/v1/machines/" + aID + "/secret_key/rotate", map[string]any{}, 422, "form_param_missing", "previous_token_ttl"},
		{"POST", "/v1/machines/" + aID + "/secret_key/rotate", map[string]any{"previous_token_ttl": 28801}, 422, "form_param_value_invalid", "previous_token_ttl"},
		{"GET", "/v1/machines/mch_nope/secret_key", nil, 404, "resource_not_found", ""},
		{"DELETE", "/v1/machines/mch_nope", nil, 404, "resource_not_found", ""},
	} {
		var e clerkErrors
		h.wantError(tc.status, tc.code, h.bapi(tc.method, tc.path, tc.body, &e), e)
		if tc.param != "" && len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != tc.param {
			t.Errorf("%s %s %v: meta %v", tc.method, tc.path, tc.body, e.Errors[0].Meta)
		}
	}
	// Failed writes left nothing behind.
	var all page
	if h.bapi("GET", "/v1/machines?limit=100", nil, &all); all.Total != 3 {
		t.Errorf("machines after failed writes: %d", all.Total)
	}

	if st := h.bapi("DELETE", "/v1/machines/"+aID+"/scopes/"+cID, nil, &s); st != 200 || s["deleted"] != true || s["to_machine_id"] != cID {
		t.Errorf("delete scope: %d %v", st, s)
	}
	// Deleting a machine removes the scopes that name it.
	if st := h.bapi("DELETE", "/v1/machines/"+bID, nil, &s); st != 200 || s["deleted"] != true || s["object"] != "machine" {
		t.Errorf("delete: %d %v", st, s)
	}
	if h.bapi("GET", "/v1/machines/"+aID, nil, &m); len(m["scoped_machines"].([]any)) != 0 {
		t.Errorf("scopes after deleting the target: %v", m["scoped_machines"])
	}
	var stored machine
	if err := h.inst.store.view(t.Context(), func(tx *txn) error { return tx.get(kindMachine, aID, &stored) }); err != nil || len(stored.Scopes) != 0 {
		t.Errorf("stored scopes: %v %v", stored.Scopes, err)
	}
}

// TestAPIMachineMintsAndVerifiesM2MTokens: a machine created through the
// API mints tokens with its secret key; a token carries its minter's
// scopes, and only the machines in them (or the minter) verify it.
func TestAPIMachineMintsAndVerifiesM2MTokens(t *testing.T) {
	h := start(t, Options{})
	bID, bKey := h.newMachine("receiver")
	_, cKey := h.newMachine("bystander")
	aID, aKey := h.newMachine("sender", bID)

	mint := func(key string, body any) (int, map[string]any) {
		var out map[string]any
		return h.bapiAuth("POST", "/m2m_tokens", "Bearer "+key, body, &out), out
	}
	verify := func(key, token string) int {
		return h.bapiAuth("POST", "/m2m_tokens/verify", "Bearer "+key, map[string]any{"token": token}, &map[string]any{})
	}
	st, tok := mint(aKey, map[string]any{"claims": map[string]any{"job": "sync"}})
	if st != 201 || tok["subject"] != aID || !slices.Equal(tok["scopes"].([]any), []any{bID}) || tok["claims"].(map[string]any)["job"] != "sync" {
		t.Fatalf("mint: %d %v", st, tok)
	}
	// Without seconds_until_expiration the machine's default TTL applies.
	if exp := tok["expiration"].(float64); exp != float64(h.clock.Now().Add(time.Hour).UnixMilli()) {
		t.Errorf("expiration %v", exp)
	}
	token := tok["token"].(string)
	if st := verify(bKey, token); st != 200 {
		t.Errorf("scoped machine verifies: %d", st)
	}
	if st := verify(aKey, token); st != 200 {
		t.Errorf("minter verifies: %d", st)
	}
	if st := verify(cKey, token); st != 404 {
		t.Errorf("unscoped machine verifies: %d, want 404", st)
	}
	if st := verify(h.inst.SecretKey, token); st != 200 {
		t.Errorf("instance key verifies: %d", st)
	}
	// Scopes changed later apply to new tokens only.
	h.bapi("DELETE", "/v1/machines/"+aID+"/scopes/"+bID, nil, nil)
	if st, tok2 := mint(aKey, map[string]any{}); st != 201 || len(tok2["scopes"].([]any)) != 0 || verify(bKey, tok2["token"].(string)) != 404 {
		t.Errorf("token after the scope went: %d %v", st, tok2)
	}
	if st := verify(bKey, token); st != 200 {
		t.Errorf("old token keeps its scopes: %d", st)
	}

	// Rotating with no grace: the old key stops minting at once.
	var sk map[string]any
	if st := h.bapi("POST", "/v1/machines/"+aID+"/secret_key/rotate", map[string]any{"previous_token_ttl": 0}, &sk); st != 200 ||
		sk["object"] != "machine_secret_key" || sk["secret"] == aKey {
		t.Fatalf("rotate: %d %v", st, sk)
	}
	newKey := sk["secret"].(string)
	var e clerkErrors
	if st, _ := mint(aKey, map[string]any{}); st != 401 {
		t.Errorf("old key after rotation: %d, want 401", st)
	}
	h.wantError(401, "clerk_key_invalid", h.bapiAuth("POST", "/m2m_tokens/verify", "Bearer "+aKey, map[string]any{"token": token}, &e), e)
	if st, _ := mint(newKey, map[string]any{}); st != 201 {
		t.Errorf("new key: %d", st)
	}
	if h.bapi("GET", "/v1/machines/"+aID+"/secret_key", nil, &sk); sk["secret"] != newKey {
		t.Errorf("secret_key after rotation: %v", sk)
	}
	// Rotating with grace: the previous key works until it runs out.
	h.bapi("POST", "/v1/machines/"+aID+"/secret_key/rotate", map[string]any{"previous_token_ttl": 60}, &sk)
	if st, _ := mint(newKey, map[string]any{}); st != 201 {
		t.Errorf("previous key within its grace: %d", st)
	}
	h.clock.Advance(61 * time.Second)
	if st, _ := mint(newKey, map[string]any{}); st != 401 {
		t.Errorf("previous key after its grace: %d, want 401", st)
	}
	if st, _ := mint(sk["secret"].(string), map[string]any{}); st != 201 {
		t.Errorf("current key: %d", st)
	}

	// A deleted machine's keys stop working and its tokens stop verifying.
	_, tok3 := mint(sk["secret"].(string), map[string]any{"seconds_until_expiration": 3600})
	h.bapi("DELETE", "/v1/machines/"+aID, nil, nil)
	if st := verify(h.inst.SecretKey, tok3["token"].(string)); st != 404 {
		t.Errorf("token of a deleted machine: %d", st)
	}
	if st, _ := mint(sk["secret"].(string), map[string]any{}); st != 401 {
		t.Errorf("key of a deleted machine: %d", st)
	}
}

func TestM2MTokenListAndReuse(t *testing.T) {
	h := start(t, Options{})
	aID, aKey := h.newMachine("a")
	bID, bKey := h.newMachine("b")
	auth := "Bearer " + aKey
	mint := func(body map[string]any) map[string]any {
		t.Helper()
		h.clock.Advance(time.Millisecond) // distinct created_at, for the list's order
		var out map[string]any
		if st := h.bapiAuth("POST", "/m2m_tokens", auth, body, &out); st != 201 {
			t.Fatalf("mint %v: %d %v", body, st, out)
		}
		return out
	}
	live := mint(map[string]any{"seconds_until_expiration": 600})
	revoked := mint(map[string]any{})
	short := mint(map[string]any{"seconds_until_expiration": 10})
	jwt := mint(map[string]any{"token_format": "jwt"})
	if strings.HasPrefix(jwt["token"].(string), "mt_") {
		t.Fatalf("jwt token %v", jwt["token"])
	}
	h.bapiAuth("POST", "/m2m_tokens/"+revoked["id"].(string)+"/revoke", auth, map[string]any{"revocation_reason": "rotated"}, nil)
	h.clock.Advance(11 * time.Second)

	list := func(auth, q string) (int, []string, float64) {
		var out struct {
			Tokens []map[string]any `json:"m2m_tokens"`
			Total  float64          `json:"total_count"`
		}
		st := h.bapiAuth("GET", "/m2m_tokens?"+q, auth, nil, &out)
		var ids []string
		for _, tk := range out.Tokens {
			ids = append(ids, tk["id"].(string))
			if tk["token"] != nil {
				t.Errorf("list shows a token's secret")
			}
		}
		return st, ids, out.Total
	}
	id := func(m map[string]any) string { return m["id"].(string) }
	for q, want := range map[string][]string{
		"subject=" + aID:                                                 {id(live)},
		"subject=" + aID + "&revoked=true":                               {id(revoked), id(live)},
		"subject=" + aID + "&expired=true":                               {id(short), id(live)},
		"subject=" + aID + "&revoked=true&expired=true":                  {id(short), id(revoked), id(live)},
		"subject=" + aID + "&revoked=true&expired=true&limit=1&offset=1": {id(revoked)},
		"subject=" + bID:                                                 nil,
	} {
		if st, got, _ := list("Bearer "+h.inst.SecretKey, q); st != 200 || !slices.Equal(got, want) {
			t.Errorf("list %s: %d %v, want %v", q, st, got, want)
		}
	}
	if st, got, total := list(auth, "subject="+aID+"&revoked=true&expired=true&limit=1"); st != 200 || len(got) != 1 || total != 3 {
		t.Errorf("own tokens with the machine key: %d %v %v", st, got, total)
	}
	var e clerkErrors
	h.wantError(403, "", h.bapiAuth("GET", "/m2m_tokens?subject="+aID, "Bearer "+bKey, nil, &e), e)
	for q, want := range map[string][2]any{
		"":                                  {422, "form_param_missing"},
		"subject=mch_nope":                  {404, "resource_not_found"},
		"subject=" + aID + "&revoked=maybe": {400, "form_param_value_invalid"},
		"subject=" + aID + "&limit=101":     {400, "form_param_value_invalid"},
	} {
		e = clerkErrors{}
		h.wantError(want[0].(int), want[1].(string), h.bapi("GET", "/m2m_tokens?"+q, nil, &e), e)
	}
	// A machine revokes only its own tokens.
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapiAuth("POST", "/m2m_tokens/"+id(live)+"/revoke", "Bearer "+bKey, map[string]any{}, &e), e)
	var v map[string]any
	if h.bapi("POST", "/m2m_tokens/"+id(revoked)+"/revoke", map[string]any{}, &v); v["revoked"] != true || v["revocation_reason"] != nil {
		t.Errorf("revoke with the instance key: %v", v)
	}

	// min_remaining_ttl_seconds reuses a live token with the same claims.
	claims := map[string]any{"b": 2, "a": 1}
	first := mint(map[string]any{"claims": claims, "min_remaining_ttl_seconds": 60})
	again := mint(map[string]any{"claims": map[string]any{"a": 1, "b": 2}, "min_remaining_ttl_seconds": 60})
	other := mint(map[string]any{"claims": map[string]any{"a": 2}, "min_remaining_ttl_seconds": 60})
	if id(again) != id(first) || again["token"] != first["token"] || id(other) == id(first) {
		t.Errorf("reuse: %v %v %v", id(first), id(again), id(other))
	}
	h.clock.Advance(3550 * time.Second) // 50 s left of first's hour
	if late := mint(map[string]any{"claims": claims, "min_remaining_ttl_seconds": 60}); id(late) == id(first) {
		t.Error("reused a token with too little time left")
	}
	for body, want := range map[string][2]any{
		`{"min_remaining_ttl_seconds":3600}`:                             {400, "min_remaining_ttl_seconds"},
		`{"min_remaining_ttl_seconds":-1}`:                               {422, "min_remaining_ttl_seconds"},
		`{"seconds_until_expiration":0}`:                                 {422, "seconds_until_expiration"},
		`{"token_format":"paseto"}`:                                      {422, "token_format"},
		`{"claims":[1]}`:                                                 {422, "claims"},
		`{"seconds_until_expiration":30,"min_remaining_ttl_seconds":30}`: {400, "min_remaining_ttl_seconds"},
	} {
		e = clerkErrors{}
		h.wantError(want[0].(int), "", h.bapiAuth("POST", "/m2m_tokens", auth, body, &e), e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != want[1] {
			t.Errorf("%s: meta %v", body, e.Errors[0].Meta)
		}
	}
}

func TestUpdateAndListAPIKeys(t *testing.T) {
	h := start(t, Options{Seed: true})
	mID, _ := h.newMachine("worker")
	var k map[string]any
	if st := h.bapi("POST", "/api_keys", map[string]any{"name": "deploy", "subject": "user_demo_bob", "description": "ci",
		"claims": map[string]any{"env": "prod"}, "scopes": []string{"read"}, "seconds_until_expiration": 60}, &k); st != 200 {
		t.Fatalf("create: %d %v", st, k)
	}
	id := k["id"].(string)
	var u map[string]any
	if st := h.bapi("PATCH", "/api_keys/"+id, map[string]any{"description": "rotated", "scopes": []string{"read", "write"},
		"claims": map[string]any{"env": "staging"}, "seconds_until_expiration": 600}, &u); st != 200 ||
		u["description"] != "rotated" || len(u["scopes"].([]any)) != 2 || u["claims"].(map[string]any)["env"] != "staging" ||
		u["expiration"] != float64(h.clock.Now().Add(10*time.Minute).UnixMilli()) || u["secret"] != nil || u["name"] != "deploy" {
		t.Fatalf("update: %d %v", st, u)
	}
	// null clears; what is not sent is kept; the subject may move.
	if st := h.bapi("PATCH", "/api_keys/"+id, `{"description":null,"claims":null,"seconds_until_expiration":null,"subject":"`+mID+`"}`, &u); st != 200 ||
		u["description"] != nil || u["claims"] != nil || u["expiration"] != nil || len(u["scopes"].([]any)) != 2 || u["subject"] != mID {
		t.Errorf("clear: %d %v", st, u)
	}
	for body, want := range map[string][3]any{
		`{"name":"renamed"}`:                                 {422, "form_param_unknown", "name"},
		`{"subject":"user_nope"}`:                            {422, "form_param_value_invalid", "subject"},
		`{"subject":"scim_x"}`:                               {422, "form_param_value_invalid", "subject"},
		`{"seconds_until_expiration":0}`:                     {422, "form_param_value_invalid", "seconds_until_expiration"},
		`{"claims":"x"}`:                                     {422, "form_param_value_invalid", "claims"},
		`{"scopes":"read"}`:                                  {422, "form_param_value_invalid", "scopes"},
		`{"description":"` + strings.Repeat("d", 256) + `"}`: {422, "form_param_value_invalid", "description"},
	} {
		var e clerkErrors
		h.wantError(want[0].(int), want[1].(string), h.bapi("PATCH", "/api_keys/"+id, body, &e), e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != want[2] {
			t.Errorf("%s: meta %v", body, e.Errors[0].Meta)
		}
	}
	var e clerkErrors
	h.wantError(404, "resource_not_found", h.bapi("PATCH", "/api_keys/ak_nope", map[string]any{}, &e), e)
	if h.bapi("GET", "/api_keys/"+id, nil, &u); u["subject"] != mID || len(u["scopes"].([]any)) != 2 {
		t.Errorf("failed updates changed the key: %v", u)
	}

	// Listing: per subject, valid keys unless include_invalid, name query.
	var k2 map[string]any
	h.bapi("POST", "/api_keys", map[string]any{"name": "reports", "subject": mID}, &k2)
	h.bapi("POST", "/api_keys/"+k2["id"].(string)+"/revoke", map[string]any{}, nil)
	type page struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	for q, want := range map[string]int{
		"subject=" + mID: 1,
		"subject=" + mID + "&include_invalid=true":           2,
		"subject=" + mID + "&include_invalid=true&query=REP": 1,
		"subject=" + mID + "&type=other":                     0,
		"subject=user_demo_bob":                              0,
	} {
		var p page
		if st := h.bapi("GET", "/api_keys?"+q, nil, &p); st != 200 || p.Total != want || len(p.Data) != want {
			t.Errorf("list %s: %d %d, want %d", q, st, p.Total, want)
		}
	}
	for q, want := range map[string]int{"": 422, "subject=" + mID + "&include_invalid=yes": 400, "subject=" + mID + "&limit=101": 400} {
		e = clerkErrors{}
		h.wantError(want, "", h.bapi("GET", "/api_keys?"+q, nil, &e), e)
	}
	for body, param := range map[string]string{
		`{"name":"ab","subject":"user_demo_bob"}`:                        "name",
		`{"name":" padded","subject":"user_demo_bob"}`:                   "name",
		`{"name":"okay","subject":"user_demo_bob","created_by":"org_x"}`: "created_by",
		`{"name":"okay","subject":"mch_nope"}`:                           "subject",
		`{"name":"okay"}`:                                                "subject",
	} {
		e = clerkErrors{}
		h.wantError(422, "", h.bapi("POST", "/api_keys", body, &e), e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != param {
			t.Errorf("%s: meta %v", body, e.Errors[0].Meta)
		}
	}
}

func TestWaitlistEntries(t *testing.T) {
	h := start(t, Options{Seed: true})
	var mu sync.Mutex
	var events []string
	h.inst.store.onCommit = func(evs []webhookEvent) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range evs {
			events = append(events, ev.Type)
		}
	}
	var w map[string]any
	if st := h.bapi("POST", "/v1/waitlist_entries", map[string]any{"email_address": " Wendy@Example.com ", "notify": false}, &w); st != 200 ||
		w["object"] != "waitlist_entry" || w["email_address"] != "wendy@example.com" || w["status"] != "pending" || w["invitation"] != nil || w["is_locked"] != false {
		t.Fatalf("create: %d %v", st, w)
	}
	wID := w["id"].(string)
	// The same address answers its existing entry, as Clerk does.
	var again map[string]any
	if st := h.bapi("POST", "/v1/waitlist_entries", map[string]any{"email_address": "WENDY@example.com"}, &again); st != 200 || again["id"] != wID {
		t.Errorf("duplicate: %d %v", st, again)
	}
	h.clock.Advance(time.Second)
	var bulk []map[string]any
	if st := h.bapi("POST", "/v1/waitlist_entries/bulk", []map[string]any{{"email_address": "adam@example.com"}, {"email_address": "zoe@example.com", "notify": true}}, &bulk); st != 200 || len(bulk) != 2 {
		t.Fatalf("bulk: %d %v", st, bulk)
	}
	adam, zoe := bulk[0]["id"].(string), bulk[1]["id"].(string)
	for body, want := range map[string][3]any{
		`{}`:                                    {422, "form_param_missing", "email_address"},
		`{"email_address":"nope"}`:              {422, "form_param_format_invalid", "email_address"},
		`{"email_address":"alice@example.com"}`: {422, "form_identifier_exists", "email_address"},
	} {
		var e clerkErrors
		h.wantError(want[0].(int), want[1].(string), h.bapi("POST", "/v1/waitlist_entries", body, &e), e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != want[2] {
			t.Errorf("%s: meta %v", body, e.Errors[0].Meta)
		}
	}
	// A bulk request with one bad address adds none.
	var e clerkErrors
	h.wantError(422, "form_param_format_invalid", h.bapi("POST", "/v1/waitlist_entries/bulk", `[{"email_address":"new@example.com"},{"email_address":"bad"}]`, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("POST", "/v1/waitlist_entries/bulk", `[]`, &e), e)

	// Invite: an invitation like POST /invitations makes, status invited.
	var inv map[string]any
	if st := h.bapi("POST", "/v1/waitlist_entries/"+zoe+"/invite", map[string]any{}, &inv); st != 200 || inv["status"] != "invited" {
		t.Fatalf("invite: %d %v", st, inv)
	}
	ivJSON := inv["invitation"].(map[string]any)
	if ivJSON["object"] != "invitation" || ivJSON["email_address"] != "zoe@example.com" || ivJSON["status"] != "pending" {
		t.Errorf("invitation: %v", ivJSON)
	}
	var ivs []map[string]any
	if h.bapi("GET", "/v1/invitations?query=zoe", nil, &ivs); len(ivs) != 1 || ivs[0]["id"] != ivJSON["id"] {
		t.Errorf("invitation not listed: %v", ivs)
	}
	e = clerkErrors{}
	h.wantError(409, "waitlist_entry_already_invited", h.bapi("POST", "/v1/waitlist_entries/"+zoe+"/invite", map[string]any{}, &e), e)
	if st := h.bapi("POST", "/v1/waitlist_entries/"+zoe+"/invite", map[string]any{"ignore_existing": true}, &inv); st != 200 ||
		inv["invitation"].(map[string]any)["id"] != ivJSON["id"] {
		t.Errorf("invite with ignore_existing: %d %v", st, inv)
	}
	// Reject: status rejected, the pending invitation revoked.
	var rej map[string]any
	if st := h.bapi("POST", "/v1/waitlist_entries/"+adam+"/invite", map[string]any{}, nil); st != 200 {
		t.Fatal(st)
	}
	if st := h.bapi("POST", "/v1/waitlist_entries/"+adam+"/reject", nil, &rej); st != 200 || rej["status"] != "rejected" ||
		rej["invitation"].(map[string]any)["status"] != "revoked" {
		t.Errorf("reject: %d %v", st, rej)
	}

	// Accepting the invitation completes the entry.
	link, _ := url.Parse(ivJSON["url"].(string))
	resp := h.postForm("/sign-up", url.Values{"ticket": {link.Query().Get("ticket")}, "password": {"long-enough-pw"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}

	type page struct {
		Data  []map[string]any `json:"data"`
		Total int              `json:"total_count"`
	}
	ids := func(q string) []string {
		var p page
		if st := h.bapi("GET", "/v1/waitlist_entries"+q, nil, &p); st != 200 {
			t.Errorf("list %s: %d", q, st)
		}
		var out []string
		for _, d := range p.Data {
			out = append(out, d["id"].(string))
		}
		return out
	}
	for q, want := range map[string][]string{
		"":                        {zoe, adam, wID}, // -created_at; the bulk's two are equal, newest first
		"?order_by=email_address": {adam, wID, zoe},
		"?order_by=-email_address&limit=1&offset=1": {wID},
		"?status=completed":                         {zoe},
		"?status=rejected":                          {adam},
		"?status=pending":                           {wID},
		"?query=WEND":                               {wID},
		"?query=" + zoe:                             {zoe},
		"?order_by=-invited_at":                     {zoe, adam, wID},
	} {
		if got := ids(q); !slices.Equal(got, want) {
			t.Errorf("list %s: %v, want %v", q, got, want)
		}
	}
	for q, code := range map[string]string{"?status=sent": "form_param_value_invalid", "?order_by=status": "form_param_value_invalid"} {
		e = clerkErrors{}
		h.wantError(422, code, h.bapi("GET", "/v1/waitlist_entries"+q, nil, &e), e)
	}
	e = clerkErrors{}
	h.wantError(409, "waitlist_entry_completed", h.bapi("POST", "/v1/waitlist_entries/"+zoe+"/reject", nil, &e), e)
	e = clerkErrors{}
	h.wantError(409, "waitlist_entry_not_pending", h.bapi("DELETE", "/v1/waitlist_entries/"+adam, nil, &e), e)
	for _, p := range []string{"/v1/waitlist_entries/wle_nope/invite", "/v1/waitlist_entries/wle_nope/reject"} {
		e = clerkErrors{}
		h.wantError(404, "resource_not_found", h.bapi("POST", p, map[string]any{}, &e), e)
	}

	var d map[string]any
	if st := h.bapi("DELETE", "/v1/waitlist_entries/"+wID, nil, &d); st != 200 || d["deleted"] != true || d["object"] != "waitlist_entry" {
		t.Errorf("delete: %d %v", st, d)
	}
	e = clerkErrors{}
	h.wantError(404, "resource_not_found", h.bapi("DELETE", "/v1/waitlist_entries/"+wID, nil, &e), e)
	// The address may join again once its entry is gone.
	if st := h.bapi("POST", "/v1/waitlist_entries", map[string]any{"email_address": "wendy@example.com"}, &again); st != 200 || again["id"] == wID {
		t.Errorf("rejoin: %d %v", st, again)
	}

	mu.Lock()
	defer mu.Unlock()
	count := map[string]int{}
	for _, ev := range events {
		count[ev]++
	}
	if count["waitlistEntry.created"] != 4 || count["waitlistEntry.updated"] != 4 || count["invitation.created"] != 2 {
		t.Errorf("events: %v", count)
	}
}

// TestConcurrentMachineAndWaitlistWrites: parallel scope additions to one
// machine all land, and parallel joins of one address make one entry.
func TestConcurrentMachineAndWaitlistWrites(t *testing.T) {
	h := start(t, Options{DataFile: t.TempDir() + "/lc.db"})
	hub, _ := h.newMachine("hub")
	const n = 20
	targets := make([]string, n)
	for i := range targets {
		targets[i], _ = h.newMachine("t")
	}
	var wg sync.WaitGroup
	entries := make([]string, n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			var s map[string]any
			if st := h.bapi("POST", "/v1/machines/"+hub+"/scopes", map[string]any{"to_machine_id": targets[i]}, &s); st != 200 {
				t.Errorf("scope %d: %d %v", i, st, s)
			}
		}()
		go func() {
			defer wg.Done()
			var w map[string]any
			if st := h.bapi("POST", "/v1/waitlist_entries", map[string]any{"email_address": "crowd@example.com"}, &w); st != 200 {
				t.Errorf("join %d: %d %v", i, st, w)
				return
			}
			entries[i] = w["id"].(string)
		}()
	}
	wg.Wait()
	var m map[string]any
	if h.bapi("GET", "/v1/machines/"+hub, nil, &m); len(m["scoped_machines"].([]any)) != n {
		t.Errorf("scopes after parallel adds: %d, want %d", len(m["scoped_machines"].([]any)), n)
	}
	if ids := slices.Compact(slices.Sorted(slices.Values(entries))); len(ids) != 1 {
		t.Errorf("parallel joins made entries %v", ids)
	}
}
