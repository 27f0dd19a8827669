package clerkchi_test

import (
	"testing"

	"github.com/goclerk/clerk/internal/doctest"
)

// docs/first-app.md's chi app, from `go mod init` to its passing test, as
// written there (chi from the module proxy, goclerk from this clone).
func TestFirstAppDoc(t *testing.T) {
	doctest.RunFirstApp(t, "../..", "A chi app")
}
