package clerk_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
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

// docs/migration.md maps every public name of clerk-sdk-go v2 that its
// README's examples use (and every option of its http middleware, jwt,
// jwks and clerktest) to goclerk.
func TestMigrationCoversClerkSDKGo(t *testing.T) {
	migration, err := os.ReadFile("docs/migration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, part, ok := strings.Cut(string(migration), "\n## From clerk-sdk-go v2\n")
	if !ok {
		t.Fatal("docs/migration.md has no clerk-sdk-go part")
	}
	for _, name := range []string{
		// README: configuration, resources, responses, errors, testing.
		"clerk.SetKey", "clerk.SetBackend", "clerk.NewBackend", "clerk.BackendConfig", "clerk.ClientConfig", "clerk.GetBackend",
		"user.NewClient", "user.Get", "user.List", "user.Create", "user.Update", "user.Delete", "user.ListParams",
		"organization.Create", "organization.Update", "organization.Get", "organizationmembership.List", "organizationmembership.ListParams",
		"domain.Create", "clerk.String", "clerk.Int64", "clerk.Bool", "TotalCount",
		"clerk.APIResponse", "Success()", "TraceID", "RawJSON", "clerk.APIErrorResponse",
		"clerk.Backend", "clerk.APIRequest", "clerk.ResponseReader", "clerktest.RoundTripper",
		// http.
		"clerkhttp.WithHeaderAuthorization", "clerkhttp.RequireHeaderAuthorization", "clerkhttp.AuthorizationFailureHandler",
		"clerkhttp.AuthorizationJWTExtractor", "clerkhttp.AuthorizedPartyMatches", "clerkhttp.AuthorizedParty(", "clerkhttp.Leeway",
		"clerkhttp.Clock", "clerkhttp.JSONWebKey", "clerkhttp.JWKSClient", "clerkhttp.ProxyURL", "clerkhttp.Satellite",
		"clerkhttp.CustomClaimsConstructor", "clerkhttp.AuthorizationParams", "clerkhttp.AuthorizationOption", "clerkhttp.NeedsSessionReverification",
		// Claims.
		"clerk.SessionClaimsFromContext", "clerk.ContextWithSessionClaims", "clerk.SessionClaims", "claims.Subject", "claims.SessionID",
		"claims.ActiveOrganizationID", "ActiveOrganizationPermissions", "claims.Actor", "claims.Custom", "claims.HasPermission", "claims.HasRole",
		"claims.NeedsReverification", "Expiry",
		// jwt, jwks, clerktest.
		"jwt.Verify", "jwt.VerifyParams", "jwt.Decode", "jwt.GetJSONWebKey", "jwks.Get", "clerktest.GenerateJWT", "clerktest.NewClockAt",
	} {
		// The name, not the tail of a longer one (user.Get in
		// auser.Get, AuthorizedParty in AuthorizedPartyMatches).
		if !regexp.MustCompile(`(^|[^A-Za-z0-9_.])` + regexp.QuoteMeta(name)).MatchString(part) {
			t.Errorf("docs/migration.md's clerk-sdk-go part does not mention %s", name)
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
