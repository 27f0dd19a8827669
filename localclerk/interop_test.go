package localclerk

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInteropClerkBackend runs localclerk/interop/interop.mjs with Clerk's
// own @clerk/backend against a live instance. It needs node and a
// node_modules directory holding @clerk/backend: CLERK_NODE_MODULES, or the
// conformance suite's cache (~/.cache/clerk-conformance/deps-*/node_modules).
// Without them it is skipped.
func TestInteropClerkBackend(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	mods := os.Getenv("CLERK_NODE_MODULES")
	if mods == "" {
		home, _ := os.UserHomeDir()
		matches, _ := filepath.Glob(filepath.Join(home, ".cache", "clerk-conformance", "deps-*", "node_modules"))
		if len(matches) > 0 {
			mods = matches[len(matches)-1]
		}
	}
	if _, err := os.Stat(filepath.Join(mods, "@clerk", "backend", "package.json")); mods == "" || err != nil {
		t.Skip("no node_modules with @clerk/backend (set CLERK_NODE_MODULES)")
	}
	// Real clock: @clerk/backend checks token times against its own.
	inst, err := Start(context.Background(), Options{Seed: true, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()

	// ESM resolves packages from the script's directory: run a copy next
	// to a node_modules symlink.
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("interop", "interop.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "interop.mjs"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(mods, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "interop.mjs")
	cmd.Dir = dir
	var jwtKey string
	for _, l := range inst.EnvLines() {
		if strings.HasPrefix(l, "CLERK_JWT_KEY=") {
			jwtKey = l
		}
	}
	cmd.Env = append(os.Environ(),
		"CLERK_TELEMETRY_DISABLED=1",
		jwtKey,
		"CLERK_PUBLISHABLE_KEY="+inst.PublishableKey,
		"CLERK_SECRET_KEY="+inst.SecretKey,
		"CLERK_API_URL="+inst.BackendAPIURL,
		"LOCALCLERK_FAPI="+inst.FrontendAPIURL,
		"LOCALCLERK_API_KEY="+inst.Demo.APIKey,
		"LOCALCLERK_MACHINE_SECRET="+inst.Demo.MachineSecretKey,
	)
	out, err := cmd.CombinedOutput()
	t.Logf("interop output:\n%s", out)
	if err != nil {
		t.Fatalf("interop failed: %v", err)
	}
}
