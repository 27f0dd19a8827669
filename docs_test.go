package clerk_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	clerk "github.com/goclerk/clerk"
)

// docs/configuration.md documents every field of Options, and
// docs/migration.md every clerkMiddleware option and helper of Express.
func TestDocsCoverOptions(t *testing.T) {
	config, err := os.ReadFile("docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[clerk.Options]()
	for i := range typ.NumField() {
		if f := typ.Field(i); f.IsExported() && !strings.Contains(string(config), "| `"+f.Name+"` |") {
			t.Errorf("docs/configuration.md lacks a row for Options.%s", f.Name)
		}
	}
	migration, err := os.ReadFile("docs/migration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"audience", "authorizedParties", "clockSkewInMs", "domain", "isSatellite", "jwtKey",
		"organizationSyncOptions", "proxyUrl", "signInUrl", "signUpUrl", "publishableKey", "secretKey",
		"clerkClient", "debug", "enableHandshake", "frontendApiProxy", "satelliteAutoSync",
		"machineSecretKey", "apiUrl", "apiVersion",
		"clerkMiddleware", "requireAuth", "getAuth", "acceptsToken", "auth.has", "verifyWebhook",
	} {
		if !strings.Contains(string(migration), "`"+name) {
			t.Errorf("docs/migration.md does not mention %s", name)
		}
	}
}

// docs/architecture.md places every top-level and internal/ directory that
// holds Go code, so a new package cannot go unmapped.
func TestArchitectureCoversPackages(t *testing.T) {
	doc, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, parent := range []string{".", "internal"} {
		entries, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if !e.IsDir() || strings.HasPrefix(name, ".") || name == "testdata" || parent == "." && name == "internal" {
				continue
			}
			path := name
			if parent != "." {
				path = parent + "/" + name
			}
			if hasGo(t, path) {
				dirs = append(dirs, path)
			}
		}
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %v", dirs)
	}
	for _, d := range dirs {
		if !strings.Contains(string(doc), "`"+d) {
			t.Errorf("docs/architecture.md does not place %s/", d)
		}
	}
}

// hasGo reports whether dir or a directory below it holds a .go file.
func hasGo(t *testing.T, dir string) bool {
	found := false
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
