package localclerk

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzFAPIAPIKeyBodies feeds arbitrary JSON objects to the /api_keys body
// parsers: they never panic, and a refusal is always a 4xx Clerk error.
func FuzzFAPIAPIKeyBodies(f *testing.F) {
	for _, s := range []string{`{"type":"api_key","name":"ci key","subject":"user_x","seconds_until_expiration":60}`,
		`{"name":" x","subject":""}`, `{"name":3}`, `{"description":null}`, `{"description":"` + string(make([]byte, 300)) + `"}`,
		`{"seconds_until_expiration":-1,"name":"abc","subject":"org_1"}`, `{"claims":{}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var raw map[string]json.RawMessage
		if json.Unmarshal([]byte(body), &raw) != nil {
			return
		}
		check := func(err error) {
			if err == nil {
				return
			}
			var ae *apiError
			if !errors.As(err, &ae) || ae.StatusCode < 400 || ae.StatusCode >= 500 {
				t.Fatalf("%s: %v", body, err)
			}
		}
		p, err := parseFAPIAPIKeyCreate(raw)
		check(err)
		if err == nil && (len(p.Name) < 3 || p.Subject == "" || p.Type != "api_key") {
			t.Fatalf("%s: accepted %+v", body, p)
		}
		_, err = parseFAPIAPIKeyUpdate(raw)
		check(err)
	})
}
