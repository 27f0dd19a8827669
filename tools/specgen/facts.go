package main

// The facts file's format. specshape reads it with its own copy of these
// types: the JSON file is the contract between the two, so the generator
// depends on nothing but the YAML parser and can live in any module.

type facts struct {
	Spec       string            `json:"spec"`
	Operations []*factOp         `json:"operations"`
	Schemas    map[string]*shape `json:"schemas"`
}

type factOp struct {
	Method    string            `json:"method"`
	Path      string            `json:"path"`
	ID        string            `json:"id,omitempty"`
	Tag       string            `json:"tag,omitempty"`
	Responses map[string]*shape `json:"responses"`
}

// shape is a normalized schema (see specshape.Schema for the rules).
type shape struct {
	Ref      string            `json:"ref,omitempty"`
	Type     string            `json:"type,omitempty"`
	Nullable bool              `json:"nullable,omitempty"`
	Required []string          `json:"required,omitempty"`
	Props    map[string]*shape `json:"props,omitempty"`
	Values   *shape            `json:"values,omitempty"`
	Items    *shape            `json:"items,omitempty"`
	Enum     []string          `json:"enum,omitempty"`
	AnyOf    []*shape          `json:"any_of,omitempty"`
}
