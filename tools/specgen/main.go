// Command gen extracts the operations and response shapes of one of
// Clerk's OpenAPI specifications (Frontend or Backend API) into a facts
// file (fapi.json, bapi.json), which package specshape checks localclerk's
// answers against. It keeps structure only (types, required
// properties, nullability, items, string enums), never description text.
//
// Usage (from package specshape, see its go:generate lines):
//
//	go run -C tools ./specgen -spec spec/fapi-2026-05-12.yml -out ../localclerk/internal/specshape/fapi.json
//
// The output is deterministic: running it twice yields identical bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	specPath := flag.String("spec", "", "path to the Frontend or Backend API OpenAPI YAML")
	out := flag.String("out", "", "facts file to write")
	flag.Parse()
	if err := run(*specPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(specPath, out string) error {
	if specPath == "" {
		return fmt.Errorf("pass -spec (a specification, spec/[fb]api-*.yml in the tools module)")
	}
	if out == "" {
		return fmt.Errorf("pass -out (fapi.json or bapi.json)")
	}
	data, err := generate(specPath)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// generate reads the specification at specPath and returns the facts file.
func generate(specPath string) ([]byte, error) {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	facts, err := extract(raw, filepath.Base(specPath))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", specPath, err)
	}
	return encode(facts)
}
