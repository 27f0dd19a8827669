package clerk_test

import (
	"os"
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
