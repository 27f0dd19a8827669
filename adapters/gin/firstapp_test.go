package clerkgin_test

import (
	"testing"

	"github.com/goclerk/clerk/internal/doctest"
)

// docs/first-app.md's gin app, from `go mod init` to its passing test, as
// written there (gin from the module proxy, goclerk from this clone).
func TestFirstAppDoc(t *testing.T) {
	doctest.RunFirstApp(t, "../..", "A gin app")
}
