package clerk_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// An application that imports the SDK's packages gets the standard library
// and golang.org/x/sync, nothing else: localclerk's SQLite, go-jose and
// x/crypto live in a nested module. A fresh consumer module is tidied and
// its whole module graph checked.
func TestConsumerModuleGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module graph with the go command")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/consumer\n\ngo 1.26.0\n\n"+
		"require github.com/goclerk/clerk v0.0.0-00010101000000-000000000000\n\n"+
		"replace github.com/goclerk/clerk => "+root+"\n")
	write("main.go", `package main

import (
	_ "github.com/goclerk/clerk"
	_ "github.com/goclerk/clerk/backend"
	_ "github.com/goclerk/clerk/clerktest"
	_ "github.com/goclerk/clerk/webhooks"
)

func main() {}
`)
	goCmd := func(args ...string) string {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("mod", "tidy")
	goCmd("build", "./...")
	graph := goCmd("mod", "graph")
	allowed := []string{"example.com/consumer", "github.com/goclerk/clerk", "golang.org/x/sync@", "go@", "toolchain@"}
	for _, line := range strings.Split(strings.TrimSpace(graph), "\n") {
		for _, mod := range strings.Fields(line) {
			ok := false
			for _, prefix := range allowed {
				ok = ok || strings.HasPrefix(mod, prefix)
			}
			if !ok {
				t.Errorf("the consumer's module graph has %s (edge %q); the SDK module may require golang.org/x/sync only", mod, line)
			}
		}
	}
}
