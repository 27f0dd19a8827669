package main

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/goclerk/clerk/tools/internal/openapi"
)

// The subset of OpenAPI 3.0 the generator reads. Descriptions, examples and
// summaries are deliberately not decoded: only structure is used.

// omap is a YAML mapping that keeps its key order.
type omap[T any] = openapi.Map[T]

type spec struct {
	Paths      omap[pathItem] `yaml:"paths"`
	Components struct {
		Schemas    omap[*schema]   `yaml:"schemas"`
		Responses  omap[*response] `yaml:"responses"`
		Parameters omap[*param]    `yaml:"parameters"`
	} `yaml:"components"`
}

type pathItem struct {
	Ops        omap[*operation]
	Parameters []*param
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

func (p *pathItem) UnmarshalYAML(n *yaml.Node) error {
	p.Ops.Vals = map[string]*operation{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		switch {
		case httpMethods[k]:
			var op operation
			if err := n.Content[i+1].Decode(&op); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			p.Ops.Keys = append(p.Ops.Keys, k)
			p.Ops.Vals[k] = &op
		case k == "parameters":
			if err := n.Content[i+1].Decode(&p.Parameters); err != nil {
				return err
			}
		}
	}
	return nil
}

type operation struct {
	OperationID  string          `yaml:"operationId"`
	Tags         []string        `yaml:"tags"`
	Group        string          `yaml:"x-speakeasy-group"`
	NameOverride string          `yaml:"x-speakeasy-name-override"`
	Parameters   []*param        `yaml:"parameters"`
	RequestBody  *requestBody    `yaml:"requestBody"`
	Responses    omap[*response] `yaml:"responses"`
}

type param struct {
	Ref        string  `yaml:"$ref"`
	Name       string  `yaml:"name"`
	In         string  `yaml:"in"`
	Required   bool    `yaml:"required"`
	Deprecated bool    `yaml:"deprecated"`
	Style      string  `yaml:"style"`
	Explode    *bool   `yaml:"explode"`
	Schema     *schema `yaml:"schema"`
}

type requestBody struct {
	Ref      string                `yaml:"$ref"`
	Required bool                  `yaml:"required"`
	Content  omap[mediaTypeObject] `yaml:"content"`
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
	Format               string        `yaml:"format"`
	Nullable             bool          `yaml:"nullable"`
	Enum                 []any         `yaml:"enum"`
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
	Allowed bool
	Schema  *schema
}

func (a *addlProps) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&a.Allowed)
	}
	a.Allowed = true
	return n.Decode(&a.Schema)
}

func refName(ref, prefix string) (string, error) {
	if !strings.HasPrefix(ref, prefix) {
		return "", fmt.Errorf("unsupported $ref %q", ref)
	}
	return strings.TrimPrefix(ref, prefix), nil
}

func (s *spec) schemaRef(ref string) (string, *schema, error) {
	name, err := refName(ref, "#/components/schemas/")
	if err != nil {
		return "", nil, err
	}
	sc, ok := s.Components.Schemas.Vals[name]
	if !ok {
		return "", nil, fmt.Errorf("unknown schema %q", name)
	}
	return name, sc, nil
}

func (s *spec) param(p *param) (*param, error) {
	if p.Ref == "" {
		return p, nil
	}
	name, err := refName(p.Ref, "#/components/parameters/")
	if err != nil {
		return nil, err
	}
	r, ok := s.Components.Parameters.Vals[name]
	if !ok {
		return nil, fmt.Errorf("unknown parameter %q", name)
	}
	return r, nil
}

func (s *spec) response(r *response) (*response, error) {
	if r.Ref == "" {
		return r, nil
	}
	name, err := refName(r.Ref, "#/components/responses/")
	if err != nil {
		return nil, err
	}
	v, ok := s.Components.Responses.Vals[name]
	if !ok {
		return nil, fmt.Errorf("unknown response %q", name)
	}
	return v, nil
}
