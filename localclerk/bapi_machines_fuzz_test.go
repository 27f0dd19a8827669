package localclerk

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// FuzzMachineBAPIWrite sends arbitrary bodies to the writes of machines,
// machine scopes and keys, M2M tokens, API key updates and waitlist
// entries: never a 5xx, and every answer has the shape the specification
// gives for its operation and status.
func FuzzMachineBAPIWrite(f *testing.F) {
	inst, err := Start(context.Background(), Options{Seed: true, testKey: sharedTestKey(f)})
	if err != nil {
		f.Fatal(err)
	}
	defer inst.Close()
	var keyID, entryID string
	err = inst.store.update(context.Background(), func(t *txn) error {
		k := &apiKey{ID: newID("ak"), Type: "api_key", Name: "fuzz", Subject: "user_demo_bob", Secret: "ak_" + randString(40)}
		keyID = k.ID
		if err := putAPIKey(t, k); err != nil {
			return err
		}
		email := "fuzz@example.com"
		_, err := inst.addToWaitlist(t, &waitlistParams{EmailAddress: &email}, inst.now())
		if err != nil {
			return err
		}
		entryID, err = t.lookup(nsWaitlistEmail, email)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	mch := inst.Demo.MachineID
	routes := []struct{ method, path string }{
		{"POST", "/v1/machines"}, {"PATCH", "/v1/machines/" + mch}, {"POST", "/v1/machines/" + mch + "/scopes"},
		{"POST", "/v1/machines/" + mch + "/secret_key/rotate"}, {"POST", "/m2m_tokens"}, {"PATCH", "/api_keys/" + keyID},
		{"POST", "/v1/waitlist_entries"}, {"POST", "/v1/waitlist_entries/bulk"}, {"POST", "/v1/waitlist_entries/" + entryID + "/invite"},
	}
	for i, s := range []string{`{"name":"svc","scoped_machines":["` + mch + `"],"default_token_ttl":60}`, `{"name":"","default_token_ttl":0}`,
		`{"to_machine_id":"` + mch + `"}`, `{"previous_token_ttl":28800}`, `{"token_format":"jwt","claims":{"a":[1]},"min_remaining_ttl_seconds":5}`,
		`{"description":null,"claims":{"x":1},"scopes":["a"],"subject":"user_demo_alice","seconds_until_expiration":1.5}`, `{"name":"x"}`,
		`{"email_address":"W@Example.com","notify":null}`, `[{"email_address":"a@b.co"},{"email_address":"a@b.co"}]`, `{"ignore_existing":true}`,
		`{"seconds_until_expiration":-1}`, `[]`, `null`, `{"a":1} x`, "name=x"} {
		f.Add(uint8(i), "application/json", s)
		f.Add(uint8(i+1), "application/x-www-form-urlencoded", s)
	}
	handler := inst.Handler()
	facts, err := specshape.BAPI()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, routeIdx uint8, contentType, body string) {
		rt := routes[int(routeIdx)%len(routes)]
		req := httptest.NewRequest(rt.method, "/api"+rt.path, strings.NewReader(body))
		req.Host = strings.TrimPrefix(inst.FrontendAPIURL, "http://")
		req.Header.Set("Authorization", "Bearer "+inst.SecretKey)
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", rt.method, rt.path, body, rec.Code, rec.Body)
		}
		if err := facts.Check(rt.method, strings.TrimPrefix(rt.path, "/v1"), rec.Code, rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %s %q: %v\n%s", rt.method, rt.path, body, err, rec.Body)
		}
	})
}
