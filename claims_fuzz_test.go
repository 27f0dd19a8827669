package clerk

import (
	"testing"
	"time"
)

// FuzzRegisteredClaims: any payload parses without a panic, and the times
// are zero or within the NumericDate range the parser accepts.
func FuzzRegisteredClaims(f *testing.F) {
	f.Add([]byte(`{"iss":"https://x","sub":"u","azp":"a","jti":"j","aud":["a"],"exp":1.5e9,"iat":1,"nbf":1e30}`))
	f.Add([]byte(`{"aud":"one","exp":"soon","iat":-1,"nbf":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		rc := parseRegisteredClaims(payload)
		limit := time.Unix(1<<40+1, 0)
		for _, tm := range []time.Time{rc.ExpiresAt, rc.IssuedAt, rc.NotBefore} {
			if !tm.IsZero() && (tm.Before(time.Unix(0, 0)) || tm.After(limit)) {
				t.Fatalf("time %v out of range for %q", tm, payload)
			}
		}
	})
}
