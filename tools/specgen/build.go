package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// errorSchema is the component every Clerk error body follows; the
// checker falls back to it for error statuses an operation does not list.
const errorSchema = "ClerkErrors"

// extract turns the specification into facts.
func extract(raw []byte, specName string) (*facts, error) {
	var sp spec
	if err := yaml.Unmarshal(raw, &sp); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	b := &builder{sp: &sp, done: map[string]*shape{}, busy: map[string]bool{}}
	res := &facts{Spec: specName, Schemas: b.done}
	for _, path := range sp.Paths.Keys {
		item := sp.Paths.Vals[path]
		for _, method := range item.Ops.Keys {
			op := item.Ops.Vals[method]
			out := &factOp{Method: strings.ToUpper(method), Path: path, ID: op.OperationID,
				Responses: map[string]*shape{}}
			if len(op.Tags) > 0 {
				out.Tag = op.Tags[0]
			}
			for _, status := range op.Responses.Keys {
				s, err := b.response(op.Responses.Vals[status])
				if err != nil {
					return nil, fmt.Errorf("%s %s %s: %w", out.Method, path, status, err)
				}
				out.Responses[status] = s
			}
			res.Operations = append(res.Operations, out)
		}
	}
	b.queue = append(b.queue, errorSchema)
	// Resolve every name a kept schema refers to; resolving may queue more.
	for len(b.queue) > 0 {
		name := b.queue[0]
		b.queue = b.queue[1:]
		if _, err := b.named(name); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// encode writes facts as JSON with one operation or schema per line (map
// keys sorted), so the committed file diffs readably and regenerates byte
// for byte.
func encode(f *facts) ([]byte, error) {
	var buf bytes.Buffer
	put := func(v any) error {
		var one bytes.Buffer
		enc := json.NewEncoder(&one)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		return nil
	}
	buf.WriteString(`{"spec":`)
	if err := put(f.Spec); err != nil {
		return nil, err
	}
	buf.WriteString(",\n\"operations\":[")
	for i, op := range f.Operations {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
		if err := put(op); err != nil {
			return nil, err
		}
	}
	buf.WriteString("\n],\n\"schemas\":{")
	names := slices.Sorted(maps.Keys(f.Schemas))
	for i, name := range names {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
		if err := put(name); err != nil {
			return nil, err
		}
		buf.WriteString(":")
		if err := put(f.Schemas[name]); err != nil {
			return nil, err
		}
	}
	buf.WriteString("\n}}\n")
	return buf.Bytes(), nil
}

type builder struct {
	sp    *spec
	done  map[string]*shape // normalized component schemas
	busy  map[string]bool   // being normalized (cycle guard)
	queue []string          // referenced, maybe not yet normalized
}

// response returns the JSON body schema of a response, nil when it has none.
func (b *builder) response(r *response) (*shape, error) {
	if r.Ref != "" {
		name, err := refName(r.Ref, "#/components/responses/")
		if err != nil {
			return nil, err
		}
		v, ok := b.sp.Components.Responses.Vals[name]
		if !ok {
			return nil, fmt.Errorf("unknown response %q", name)
		}
		r = v
	}
	for _, ct := range r.Content.Keys {
		if strings.Contains(ct, "json") {
			if s := r.Content.Vals[ct].Schema; s != nil {
				return b.node(s)
			}
		}
	}
	return nil, nil
}

// named normalizes the component schema called name once.
func (b *builder) named(name string) (*shape, error) {
	if s, ok := b.done[name]; ok {
		return s, nil
	}
	if b.busy[name] {
		return nil, fmt.Errorf("schema %q includes itself through allOf", name)
	}
	src, ok := b.sp.Components.Schemas.Vals[name]
	if !ok {
		return nil, fmt.Errorf("unknown schema %q", name)
	}
	b.busy[name] = true
	s, err := b.node(src)
	delete(b.busy, name)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	b.done[name] = s
	return s, nil
}

// node normalizes one schema: a $ref stays a reference by name, allOf is
// merged into one schema, oneOf and anyOf become alternatives.
func (b *builder) node(s *schema) (*shape, error) {
	if s.Ref != "" {
		name, err := refName(s.Ref, "#/components/schemas/")
		if err != nil {
			return nil, err
		}
		if _, ok := b.sp.Components.Schemas.Vals[name]; !ok {
			return nil, fmt.Errorf("unknown schema %q", name)
		}
		b.queue = append(b.queue, name)
		return &shape{Ref: name, Nullable: s.Nullable}, nil
	}
	if len(s.AllOf) == 1 && s.AllOf[0].Ref != "" && s.Properties.Keys == nil && s.Items == nil &&
		s.Required == nil && s.AnyOf == nil && s.OneOf == nil && s.Enum == nil && s.AdditionalProperties == nil {
		// "nullable: true, allOf: [$ref]" wraps one schema: keep the reference.
		r, err := b.node(s.AllOf[0])
		if err != nil {
			return nil, err
		}
		r.Nullable = r.Nullable || s.Nullable
		return r, nil
	}
	out := &shape{Type: s.Type, Nullable: s.Nullable, Required: slices.Clone(s.Required)}
	for _, k := range s.Properties.Keys {
		p, err := b.node(s.Properties.Vals[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if out.Props == nil {
			out.Props = map[string]*shape{}
		}
		out.Props[k] = p
	}
	if s.Items != nil {
		it, err := b.node(s.Items)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		out.Items = it
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		v, err := b.node(s.AdditionalProperties.Schema)
		if err != nil {
			return nil, fmt.Errorf("additionalProperties: %w", err)
		}
		out.Values = v
	}
	if s.Type == "string" {
		for _, e := range s.Enum {
			if e.Kind == yaml.ScalarNode && e.Tag != "!!null" {
				out.Enum = append(out.Enum, e.Value)
			}
		}
	}
	for _, alt := range append(slices.Clone(s.OneOf), s.AnyOf...) {
		a, err := b.node(alt)
		if err != nil {
			return nil, fmt.Errorf("oneOf/anyOf: %w", err)
		}
		out.AnyOf = append(out.AnyOf, a)
	}
	for i, part := range s.AllOf {
		p, err := b.node(part)
		if err != nil {
			return nil, fmt.Errorf("allOf[%d]: %w", i, err)
		}
		if p.Ref != "" {
			nullable := p.Nullable
			if p, err = b.named(p.Ref); err != nil {
				return nil, err
			}
			if nullable {
				c := *p
				c.Nullable = true
				p = &c
			}
		}
		if err := merge(out, p); err != nil {
			return nil, fmt.Errorf("allOf[%d]: %w", i, err)
		}
	}
	if out.Type == "" && out.Props != nil {
		out.Type = "object"
	}
	if out.Type == "" && out.Items != nil {
		out.Type = "array"
	}
	return out, nil
}

// merge folds the allOf part src into dst. A value must match every part,
// so required properties add up; a property both define keeps dst's
// schema. Nullability is taken from either side: the specification writes
// "nullable: true, allOf: [$ref]" to mean "that schema, or null".
func merge(dst, src *shape) error {
	switch {
	case dst.Type == "":
		dst.Type = src.Type
	case src.Type != "" && src.Type != dst.Type:
		return fmt.Errorf("type %s conflicts with %s", src.Type, dst.Type)
	}
	dst.Nullable = dst.Nullable || src.Nullable
	for _, r := range src.Required {
		if !slices.Contains(dst.Required, r) {
			dst.Required = append(dst.Required, r)
		}
	}
	for k, p := range src.Props {
		if dst.Props == nil {
			dst.Props = map[string]*shape{}
		}
		if _, ok := dst.Props[k]; !ok {
			dst.Props[k] = p
		}
	}
	if dst.Items == nil {
		dst.Items = src.Items
	}
	if dst.Values == nil {
		dst.Values = src.Values
	}
	if len(dst.Enum) == 0 {
		dst.Enum = src.Enum
	}
	if len(src.AnyOf) > 0 {
		if len(dst.AnyOf) > 0 {
			return errors.New("two sets of alternatives in one allOf")
		}
		dst.AnyOf = src.AnyOf
	}
	return nil
}
