package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clerkTestingFiles are the files of the @clerk/testing Playwright suite.
var clerkTestingFiles = []string{"package.json", "playwright.config.mjs", "global-setup.mjs", "tests/sign-in.spec.mjs"}

// TestClerkTestingPlaywrightSuite runs a Playwright suite written with
// @clerk/testing (clerkSetup, setupClerkTestingToken, clerk.signIn with
// password, email code and ticket, clerk.signOut) against examples/react
// on localclerk. The suite is what a team runs against a Clerk development
// instance; only its environment points at localclerk.
func TestClerkTestingPlaywrightSuite(t *testing.T) {
	start := time.Now()
	dir := npmProject(t, "clerktesting", "clerk-testing-suite", clerkTestingFiles, "@playwright/test/cli.js")
	st := startReactExample(t)
	out, err := filepath.Abs(filepath.Join(artifactsDir(), "clerk-testing"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join("node_modules", "@playwright", "test", "cli.js"), "test", "--config", "playwright.config.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"APP_URL="+st.app,
		"VITE_CLERK_PUBLISHABLE_KEY="+st.env["VITE_CLERK_PUBLISHABLE_KEY"],
		"CLERK_SECRET_KEY="+st.env["CLERK_SECRET_KEY"],
		"CLERK_API_URL="+st.env["CLERK_API_URL"],
		"CHROMIUM="+chromiumPath(t),
		"PLAYWRIGHT_OUTPUT="+out,
		"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1",
	)
	res, err := cmd.CombinedOutput()
	t.Logf("playwright (%s):\n%s", time.Since(start).Round(time.Second), res)
	if err != nil {
		t.Fatalf("the @clerk/testing suite failed: %v", err)
	}
	if !strings.Contains(string(res), "4 passed") {
		t.Fatalf("want 4 passed tests in the output")
	}
	for _, shot := range []string{"password-signed-in", "email-code-signed-in", "ticket-signed-in"} {
		if _, err := os.Stat(filepath.Join(out, shot+".png")); err != nil {
			t.Errorf("screenshot %s: %v", shot, err)
		}
	}
}
