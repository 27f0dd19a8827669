// Package openapi holds what the tools' OpenAPI readers share.
package openapi

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Map is a YAML mapping that remembers its key order, so that what the
// tools generate follows the specification's order and is deterministic.
type Map[T any] struct {
	Keys []string
	Vals map[string]T
}

// UnmarshalYAML decodes a mapping node, keeping its keys in order.
func (m *Map[T]) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", n.Line)
	}
	m.Vals = make(map[string]T, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		var v T
		if err := n.Content[i+1].Decode(&v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		m.Keys = append(m.Keys, k)
		m.Vals[k] = v
	}
	return nil
}
