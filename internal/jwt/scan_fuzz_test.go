package jwt

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzScanObject checks the hand-written scanner against encoding/json: the
// same texts are valid, and an object's members (last duplicate winning)
// carry the same values.
func FuzzScanObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a":"x","a":"y"}`, ` { "k" : [1, {"n": null}, "s\u00e9"] } `,
		`[1,2]`, `"str"`, `1e5`, `-0.5E+2`, `true`, `null`, `{"a":}`, `{"a":1,}`, `{"a\"b":2}`,
		`01`, `1.`, `{"x":"\ud800"}`, `{"t":tru}`, "{\"c\":\"\x01\"}", `{"e":"\q"}`, `[[[[[]]]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := map[string][]byte{}
		err := scanObjectStr(b, string(b), func(k string, raw []byte, str string) {
			if str != string(raw) {
				t.Fatalf("member %q: string form %q differs from raw %q", k, str, raw)
			}
			got[k] = raw
		})
		valid := json.Valid(b)
		if (err == nil) != valid {
			t.Fatalf("scanner valid=%v, encoding/json valid=%v for %q", err == nil, valid, b)
		}
		if !valid {
			return
		}
		var want map[string]json.RawMessage
		if json.Unmarshal(b, &want) != nil {
			if len(got) != 0 {
				t.Fatalf("members reported for a non-object %q", b)
			}
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%d members, encoding/json has %d, for %q", len(got), len(want), b)
		}
		for k, v := range want {
			if !bytes.Equal(bytes.TrimSpace(got[k]), bytes.TrimSpace(v)) {
				t.Fatalf("member %q = %q, encoding/json %q", k, got[k], v)
			}
		}
	})
}
