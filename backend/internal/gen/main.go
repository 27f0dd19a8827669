// Command gen generates the typed operations of package backend from the
// structure of Clerk's Backend API OpenAPI specification: paths, methods,
// parameters and schemas. It copies no description text from the spec.
//
// Usage (from package backend, see its go:generate line):
//
//	go run ./internal/gen -spec ../../shared/reference/bapi-2026-05-12.yml -out .
//
// Outputs: *_gen.go files, COVERAGE.md and testdata/operations.json. The
// output is deterministic: running it twice yields identical files.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

func main() {
	specPath := flag.String("spec", "", "path to the Backend API OpenAPI YAML (default: ../shared/reference/bapi-2026-05-12.yml next to the module root)")
	outDir := flag.String("out", ".", "directory of package backend")
	flag.Parse()
	if err := run(*specPath, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// defaultSpec finds ../shared/reference/bapi-2026-05-12.yml relative to the
// module root containing dir.
func defaultSpec(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "reference", "bapi-2026-05-12.yml"), nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.mod above " + abs + "; pass -spec")
		}
	}
}

func run(specPath, outDir string) error {
	if specPath == "" {
		p, err := defaultSpec(outDir)
		if err != nil {
			return err
		}
		specPath = p
	}
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("read spec: %w", err)
	}
	var sp spec
	if err := yaml.Unmarshal(raw, &sp); err != nil {
		return fmt.Errorf("parse spec %s: %w", specPath, err)
	}
	taken, err := handDeclared(outDir)
	if err != nil {
		return err
	}
	model, err := build(&sp, taken)
	if err != nil {
		return err
	}
	files, err := emit(model)
	if err != nil {
		return err
	}
	// Remove stale generated files, then write the new set.
	old, _ := filepath.Glob(filepath.Join(outDir, "*_gen.go"))
	for _, f := range old {
		if _, keep := files[filepath.Base(f)]; !keep {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for name, data := range files {
		p := filepath.Join(outDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
