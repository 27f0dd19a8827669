// Package doctest runs a section of docs/first-app.md (or another page of
// docs/, such as migration.md's worked example) as a newcomer would:
// its shell commands and its files, in order, in an empty directory next to
// the repository (linked as ../clerk, where the document assumes the
// clone). The adapter modules' tests call it, so that the document's gin
// and chi apps are built and tested from `go mod init` on every CI run.
package doctest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// step is one fenced block of the section: a shell script, or a file.
type step struct {
	file string // file name for a go block, "" for a shell block
	text string
}

// Steps returns the blocks of the "### Build and test it" part of the
// "## <heading>" section of doc: ```sh blocks, and ```go blocks whose
// preceding paragraph starts with the file name in backquotes.
func Steps(doc, heading string) []step {
	var steps []step
	in, build := false, false
	var lastText, fence string
	prevBlank := true
	var block []string
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		if fence != "" {
			if line == "```" {
				if build && (fence == "sh" || fence == "go") {
					s := step{text: strings.Join(block, "\n") + "\n"}
					if fence == "go" {
						s.file = fileName(lastText)
					}
					steps = append(steps, s)
				}
				fence, block, prevBlank = "", nil, true
				continue
			}
			block = append(block, line)
			continue
		}
		switch {
		case strings.HasPrefix(line, "## "):
			in, build = line == "## "+heading, false
		case strings.HasPrefix(line, "### "):
			build = in && line == "### Build and test it"
		case strings.HasPrefix(line, "```"):
			fence = strings.TrimPrefix(line, "```")
		case strings.TrimSpace(line) != "" && prevBlank:
			lastText = line // the first line of a paragraph
		}
		prevBlank = strings.TrimSpace(line) == ""
	}
	return steps
}

// fileName is the backquoted name a paragraph starts with ("`main.go`: …").
func fileName(par string) string {
	if !strings.HasPrefix(par, "`") {
		return ""
	}
	name, _, ok := strings.Cut(par[1:], "`")
	if !ok || strings.ContainsAny(name, " /") {
		return ""
	}
	return name
}

// RunFirstApp runs the section heading of repo/docs/first-app.md and fails
// t if any command fails (the last one is the app's `go test ./...`).
func RunFirstApp(t *testing.T, repo, heading string) {
	t.Helper()
	RunDoc(t, repo, "first-app.md", heading)
}

// RunDoc runs the section heading of repo/docs/<name> as RunFirstApp runs
// first-app.md's (docs/migration.md's worked example, say).
func RunDoc(t *testing.T, repo, name, heading string) {
	t.Helper()
	repo, err := filepath.Abs(repo)
	if err != nil {
		t.Fatal(err)
	}
	docPath := "docs/" + name
	doc, err := os.ReadFile(filepath.Join(repo, "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	steps := Steps(string(doc), heading)
	var scripts, files int
	for _, s := range steps {
		if s.file == "" {
			scripts++
		} else {
			files++
		}
	}
	if scripts < 2 || files < 2 {
		t.Fatalf("%s section %q: %d shell blocks and %d files, want the set-up, main.go, main_test.go and the test commands", docPath, heading, scripts, files)
	}
	root := t.TempDir()
	if err := os.Symlink(repo, filepath.Join(root, "clerk")); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOWORK=off", "GOFLAGS=-buildvcs=false"}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(name, "CLERK_") && name != "GOWORK" && name != "GOFLAGS" {
			env = append(env, kv)
		}
	}
	dir := root
	pwdFile := filepath.Join(root, ".pwd")
	for i, s := range steps {
		if s.file != "" {
			if err := os.WriteFile(filepath.Join(dir, s.file), []byte(s.text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		// Each block runs as typed; its final directory carries over to
		// the next block, as in one terminal.
		cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", s.text+"pwd >\"$DOCTEST_PWD\"\n")
		cmd.Dir, cmd.Env = dir, append(env, "DOCTEST_PWD="+pwdFile)
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("%s %q, shell block %d failed: %v\n%s\n--- output:\n%s", docPath, heading, i+1, err, s.text, out)
		}
		b, err := os.ReadFile(pwdFile)
		if err != nil {
			t.Fatal(err)
		}
		dir = strings.TrimSpace(string(b))
		t.Logf("%s$ %s%s", filepath.Base(dir), strings.ReplaceAll(strings.TrimSpace(s.text), "\n", "\n  $ "), "\n"+string(out))
	}
}
