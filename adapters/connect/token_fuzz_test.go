package clerkconnect

import (
	"testing"

	"github.com/goclerk/clerk/internal/authn"
)

// FuzzTokenInValue: a metadata value yields the token clerk's middleware
// would take from an Authorization header with that value, so a Connect call
// and an HTTP request carrying the same credential are decided alike.
func FuzzTokenInValue(f *testing.F) {
	for _, v := range []string{"", "Bearer abc", "abc", "Basic dXNlcg==", "Bearer ", "Bearer  abc", "bearer abc", "Bearer a b", " abc", "Bearer\tabc"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := tokenInValue(v), authn.TokenInHeader(v); got != want {
			t.Fatalf("tokenInValue(%q) = %q, the middleware reads %q", v, got, want)
		}
	})
}
