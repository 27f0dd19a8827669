// Command bapigen generates the typed operations of package backend from the
// structure of Clerk's Backend API OpenAPI specification: paths, methods,
// parameters and schemas. It copies no description text from the spec.
//
// It reads the structure-only copy of the specification committed as
// tools/spec/bapi-2026-05-12.yml (see ../specstrip). Usage, from the tools
// module (package backend's go:generate line runs exactly this):
//
//	go run ./bapigen -spec spec/bapi-2026-05-12.yml -out ../backend
//
// Outputs: *_gen.go files, COVERAGE.md and testdata/operations.json. The
// output is deterministic: running it twice yields identical files.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

func main() {
	specPath := flag.String("spec", "spec/bapi-2026-05-12.yml", "path to the Backend API OpenAPI YAML")
	outDir := flag.String("out", "../backend", "directory of package backend")
	flag.Parse()
	if err := run(*specPath, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(specPath, outDir string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("read spec: %w", err)
	}
	var sp spec
	if err := yaml.Unmarshal(raw, &sp); err != nil {
		return fmt.Errorf("parse spec %s: %w", specPath, err)
	}
	taken, used, err := handDeclared(outDir)
	if err != nil {
		return err
	}
	model, err := build(&sp, taken, used)
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
