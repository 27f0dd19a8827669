package clerk_test

import (
	"bytes"
	"cmp"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestModules makes the README's `go test ./...` at the repository root
// test every module of the repository, not only this one. localclerk, the
// examples, the adapters, the tools and the browser tests are nested
// modules (so an application that imports goclerk does not get SQLite,
// go-jose or a web framework in its module graph), and `./...` stops at a
// nested go.mod. The modules are the ones go.work lists; each is tested
// with this run's -race, -short, -v and -shuffle.
//
// It skips only outside the repository's workspace, e.g. when goclerk is
// a dependency in a module cache, where no nested module exists.
func TestModules(t *testing.T) {
	if _, err := os.Stat("go.work"); err != nil {
		t.Skip("not in goclerk's repository (no go.work): there are no nested modules to test")
	}
	if os.Getenv("GOWORK") == "off" {
		t.Skip("GOWORK=off: the nested modules are not part of this build")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	root, _ := os.Getwd()
	var dirs []string
	for _, dir := range strings.Fields(string(out)) {
		if dir != root {
			dirs = append(dirs, dir)
		}
	}
	if len(dirs) == 0 {
		t.Fatal("go.work lists no nested module")
	}
	// The modules run -parallel at a time (GOMAXPROCS by default), the
	// longest first: the browser tests spend most of their time waiting
	// for Chromium and Vite, and the root's 10-minute default timeout
	// bounds the whole walk, not each module.
	slices.SortStableFunc(dirs, func(a, b string) int { return cmp.Compare(moduleWeight(b), moduleWeight(a)) })
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			args := []string{"test"}
			if raceEnabled {
				args = append(args, "-race")
			}
			if testing.Short() {
				args = append(args, "-short")
			}
			if testing.Verbose() {
				args = append(args, "-v")
			}
			if f := flag.Lookup("test.shuffle"); f != nil && f.Value.String() != "off" {
				args = append(args, "-shuffle="+f.Value.String())
			}
			if deadline, ok := t.Deadline(); ok {
				// Leave the nested run a minute less than this one, so its
				// own timeout reports which test hung.
				left := time.Until(deadline) - time.Minute
				args = append(args, "-timeout", max(left, time.Minute).Truncate(time.Second).String())
			}
			args = append(args, "./...")
			cmd := exec.Command("go", args...)
			cmd.Dir = dir
			var buf bytes.Buffer
			cmd.Stdout, cmd.Stderr = &buf, &buf
			err := cmd.Run()
			t.Logf("go %s in %s:\n%s", strings.Join(args, " "), rel, buf.String())
			if err != nil {
				t.Fatalf("go test in %s: %v", rel, err)
			}
		})
	}
}

// moduleWeight orders the nested modules by how long their tests take:
// the browser tests, then localclerk, then the rest.
func moduleWeight(dir string) int {
	switch filepath.Base(dir) {
	case "e2e":
		return 2
	case "localclerk":
		return 1
	}
	return 0
}
