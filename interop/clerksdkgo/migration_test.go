package clerksdkgo

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// docs/migration.md's worked example starts from migratebefore/main.go:
// the document shows it verbatim (without the file's doc comment), and
// it builds against clerk-sdk-go.
func TestMigrationBeforeMatchesTheDocument(t *testing.T) {
	doc, err := os.ReadFile("../../docs/migration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(doc), "\n### Before: clerk-sdk-go v2\n")
	if !ok {
		t.Fatal(`docs/migration.md has no "### Before: clerk-sdk-go v2" section`)
	}
	_, code, ok := strings.Cut(sec, "\n```go\n")
	if !ok {
		t.Fatal("the before section has no go block")
	}
	code, _, _ = strings.Cut(code, "\n```\n")
	src, err := os.ReadFile("migratebefore/main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(src), "\npackage main\n")
	if code+"\n" != "package main\n"+body {
		t.Error("docs/migration.md's clerk-sdk-go main.go differs from migratebefore/main.go (copy it, without the file's doc comment)")
	}
	if testing.Short() {
		return
	}
	if out, err := exec.Command("go", "vet", "./migratebefore").CombinedOutput(); err != nil {
		t.Fatalf("go vet ./migratebefore: %v\n%s", err, out)
	}
}
