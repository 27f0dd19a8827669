package main

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/goclerk/clerk/tools/internal/openapi"
)

// The subset of OpenAPI 3.0 the generator reads: response structure only.

// omap is a YAML mapping that keeps its key order.
type omap[T any] = openapi.Map[T]

type spec struct {
	Paths      omap[pathItem] `yaml:"paths"`
	Components struct {
		Schemas   omap[*schema]   `yaml:"schemas"`
		Responses omap[*response] `yaml:"responses"`
	} `yaml:"components"`
}

// pathItem keeps the operations of a path in the specification's order.
type pathItem struct {
	Ops omap[*operation]
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

func (p *pathItem) UnmarshalYAML(n *yaml.Node) error {
	p.Ops.Vals = map[string]*operation{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !httpMethods[k] {
			continue
		}
		var op operation
		if err := n.Content[i+1].Decode(&op); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		p.Ops.Keys = append(p.Ops.Keys, k)
		p.Ops.Vals[k] = &op
	}
	return nil
}

type operation struct {
	OperationID string          `yaml:"operationId"`
	Tags        []string        `yaml:"tags"`
	Responses   omap[*response] `yaml:"responses"`
}

type response struct {
	Ref     string                `yaml:"$ref"`
	Content omap[mediaTypeObject] `yaml:"content"`
}

type mediaTypeObject struct {
	Schema *schema `yaml:"schema"`
}

type schema struct {
	Ref                  string        `yaml:"$ref"`
	Type                 string        `yaml:"type"`
	Nullable             bool          `yaml:"nullable"`
	Enum                 []yaml.Node   `yaml:"enum"`
	Properties           omap[*schema] `yaml:"properties"`
	Required             []string      `yaml:"required"`
	Items                *schema       `yaml:"items"`
	AllOf                []*schema     `yaml:"allOf"`
	OneOf                []*schema     `yaml:"oneOf"`
	AnyOf                []*schema     `yaml:"anyOf"`
	AdditionalProperties *addlProps    `yaml:"additionalProperties"`
}

// addlProps is additionalProperties: either a boolean or a schema.
type addlProps struct {
	Schema *schema
}

func (a *addlProps) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return nil // true or false: no schema for the values
	}
	return n.Decode(&a.Schema)
}

func refName(ref, prefix string) (string, error) {
	if !strings.HasPrefix(ref, prefix) {
		return "", fmt.Errorf("unsupported $ref %q", ref)
	}
	return strings.TrimPrefix(ref, prefix), nil
}
