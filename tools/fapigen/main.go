// Command fapigen extracts the response shapes of Clerk's Frontend API
// OpenAPI specification into facts.json, the file package fapishape checks
// localclerk's answers against. It keeps structure only (types, required
// properties, nullability, items, string enums), never description text.
//
// It reads the structure-only copy of the specification committed as
// tools/spec/fapi-2026-05-12.yml (see ../specstrip). Usage, from the tools
// module (package fapishape's go:generate line runs exactly this):
//
//	go run ./fapigen -spec spec/fapi-2026-05-12.yml -out ../internal/fapishape/facts.json
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
	specPath := flag.String("spec", "", "path to the Frontend API OpenAPI YAML")
	out := flag.String("out", "facts.json", "facts file to write")
	flag.Parse()
	if err := run(*specPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(specPath, out string) error {
	if specPath == "" {
		return fmt.Errorf("pass -spec (the Frontend API specification, spec/fapi-*.yml in the tools module)")
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
