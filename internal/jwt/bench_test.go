package jwt_test

import (
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
)

// BenchmarkDecode: decoding a session token shaped like shared/perf's (a
// v2 payload with an organization), the part of a cache miss that is not
// the signature check.
func BenchmarkDecode(b *testing.B) {
	k, _ := keys(b)
	now := time.Now().Unix()
	tok := sign(b, k, map[string]any{"alg": "RS256", "kid": "ins_test", "typ": "JWT"}, map[string]any{
		"azp": "http://localhost:3000", "exp": now + 7200, "fva": []int{0, -1}, "iat": now - 5, "nbf": now - 10,
		"iss": "https://clerk.example.com", "sid": "sess_2abcdefghijklmnopqrstuvwxyz", "sts": "active",
		"sub": "user_2abcdefghijklmnopqrstuvwxyz", "v": 2,
		"o": map[string]any{"id": "org_2abcdefghijklmnopqrstuvwxyz", "slg": "acme", "rol": "admin", "per": "read,manage", "fpm": "3"},
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jwt.Decode(tok); err != nil {
			b.Fatal(err)
		}
	}
}
