package authn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The package doc's table names every file of the package, so a new file
// cannot go unmapped.
func TestDocTableCoversFiles(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "doc.go" {
			continue
		}
		n++
		if !strings.Contains(string(doc), "//\t"+f+" ") {
			t.Errorf("doc.go's table has no row for %s", f)
		}
	}
	if n < 10 {
		t.Fatalf("found only %d files", n)
	}
}
