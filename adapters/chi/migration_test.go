package clerkchi_test

import (
	"testing"

	"github.com/goclerk/clerk/internal/doctest"
)

// docs/migration.md's worked example, the chi service ported from
// clerk-sdk-go, from `go mod init` to its passing test, as written there.
func TestMigrationExampleDoc(t *testing.T) {
	doctest.RunDoc(t, "../..", "migration.md", "From clerk-sdk-go: a worked example")
}
