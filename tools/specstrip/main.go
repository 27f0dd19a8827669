// Command specstrip keeps the structure of an OpenAPI specification and
// drops its prose: descriptions, summaries, titles, examples and vendor
// extensions other than the naming hints the generators read. The result
// is committed under tools/spec so that the generators and their freshness
// tests run in any clone, and no specification text enters the repository.
//
// Usage (from the tools module):
//
//	go run ./specstrip -in ../../shared/reference/bapi-2026-05-12.yml -out spec/bapi-2026-05-12.yml
//	go run ./specstrip -in ../../shared/reference/bapi-2026-05-12.yml -check spec/bapi-2026-05-12.yml
//
// -check exits non-zero when the committed file is not the stripping of
// -in; .ci/run runs it whenever the specifications are reachable.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	in := flag.String("in", "", "full OpenAPI YAML to read")
	out := flag.String("out", "", "stripped YAML to write")
	check := flag.String("check", "", "stripped YAML to compare with instead of writing")
	flag.Parse()
	if err := run(*in, *out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "specstrip:", err)
		os.Exit(1)
	}
}

func run(in, out, check string) error {
	if in == "" || (out == "") == (check == "") {
		return fmt.Errorf("pass -in and exactly one of -out, -check")
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	got, err := strip(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if out != "" {
		return os.WriteFile(out, got, 0o644)
	}
	want, err := os.ReadFile(check)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s is not the stripping of %s: rerun with -out", check, in)
	}
	return nil
}

// topLevel are the document keys kept; info, servers, tags and security
// are prose or deployment detail.
var topLevel = map[string]bool{"openapi": true, "paths": true, "components": true}

// prose are keyword-position keys that carry text, not structure.
var prose = map[string]bool{
	"description": true, "summary": true, "title": true, "example": true, "examples": true,
	"externalDocs": true,
}

// keptExtensions are the vendor extensions the generators read.
var keptExtensions = map[string]bool{"x-speakeasy-group": true, "x-speakeasy-name-override": true}

// nameMaps are keys whose value maps user-chosen names (paths, property
// names, status codes, media types) to objects: every name is kept, even
// one spelled "description".
var nameMaps = map[string]bool{
	"paths": true, "properties": true, "schemas": true, "responses": true, "parameters": true,
	"content": true, "headers": true, "requestBodies": true, "securitySchemes": true,
	"patternProperties": true, "mapping": true, "variables": true, "callbacks": true, "links": true,
	"encoding": true,
}

// strip returns the stripped document, deterministic for a given input.
func strip(raw []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a YAML mapping document")
	}
	root := doc.Content[0]
	var kept []*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if topLevel[root.Content[i].Value] {
			kept = append(kept, root.Content[i], keywords(root.Content[i+1], root.Content[i].Value))
		}
	}
	root.Content = kept
	clearComments(&doc)
	var b bytes.Buffer
	b.WriteString("# Structure of a Clerk OpenAPI specification, prose removed by tools/specstrip.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// keywords walks the value of key: a name map keeps all its keys, an
// object in keyword position loses its prose.
func keywords(n *yaml.Node, key string) *yaml.Node {
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			n.Content[i] = keywords(c, "")
		}
	case yaml.MappingNode:
		if nameMaps[key] {
			for i := 0; i+1 < len(n.Content); i += 2 {
				n.Content[i+1] = keywords(n.Content[i+1], "")
			}
			return n
		}
		var kept []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if prose[k] || (strings.HasPrefix(k, "x-") && !keptExtensions[k]) {
				continue
			}
			kept = append(kept, n.Content[i], keywords(n.Content[i+1], k))
		}
		n.Content = kept
	}
	return n
}

func clearComments(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		clearComments(c)
	}
}
