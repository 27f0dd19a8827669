package e2e

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
)

// The programs the tests run (examples, localclerk's command) are built
// once per test binary, not once per test: a link of localclerk and its
// SQLite costs seconds, and most tests start one of them.
var built struct {
	mu   sync.Mutex
	dir  string
	bins map[string]string // package path → binary
	errs map[string]string // package path → build output of a failure
}

// TestMain removes the built programs after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildProgram builds the repository's package pkg ("./examples/react/api")
// on first use and returns the binary's path; t fails if it does not build.
func buildProgram(t *testing.T, pkg string) string {
	t.Helper()
	built.mu.Lock()
	defer built.mu.Unlock()
	if bin, ok := built.bins[pkg]; ok {
		return bin
	}
	if out, failed := built.errs[pkg]; failed {
		t.Fatalf("build %s:\n%s", pkg, out)
	}
	if built.dir == "" {
		dir, err := os.MkdirTemp("", "goclerk-e2e-bin-")
		if err != nil {
			t.Fatal(err)
		}
		built.dir, built.bins, built.errs = dir, map[string]string{}, map[string]string{}
	}
	bin := filepath.Join(built.dir, path.Base(pkg))
	if out, err := exec.Command("go", "build", "-C", "..", "-o", bin, pkg).CombinedOutput(); err != nil {
		built.errs[pkg] = err.Error() + "\n" + string(out)
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	built.bins[pkg] = bin
	return bin
}
