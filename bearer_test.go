package clerk_test

import (
	"testing"

	"github.com/goclerk/clerk"
)

func TestBearerToken(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"Bearer abc":       "abc",
		"abc":              "abc",
		"Basic abc":        "",
		"Bearer ":          "Bearer",
		"Bearer abc extra": "abc",
		"bearer abc":       "",
	} {
		if got := clerk.BearerToken(in); got != want {
			t.Errorf("BearerToken(%q) = %q, want %q", in, got, want)
		}
	}
}
